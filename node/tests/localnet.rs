//! Four validators on loopback, started by `scripts/localnet` as an operator would: they produce
//! and finalize blocks; one is killed with SIGKILL while transactions flow and the others go on,
//! then it restarts and catches up; then all four are killed and restarted from their base paths
//! and the chain continues from its last finalized block with everything it held.
//!
//! The recovery figures it prints are recorded in docs/reliability.md.

mod common;

use codec::Encode;
use common::{
	accepted_link, decode_hex, free_port, layout, rpc_call, to_hex, training_terms, TempDir,
};
use licentia_primitives::{
	consent::{Decision, Identity, Purpose},
	content::{batch_root, PostId, PostRecord},
	licensing::Price,
};
use licentia_runtime::{
	signing::{signed_extrinsic, ChainContext},
	Hash, Runtime, RuntimeCall, UNIT,
};
use serde_json::{json, Value};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{self, Alice, Dave, Eve, Ferdie};
use std::{
	path::Path,
	process::Command,
	time::{Duration, Instant},
};

const NAMES: [&str; 4] = ["alice", "bob", "charlie", "dave"];
const X_PLATFORM: u32 = 3;

struct Localnet {
	dir: TempDir,
	offset: u16,
}

impl Localnet {
	fn script(&self, command: &str) -> String {
		let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the repository");
		let output = Command::new("bash")
			.arg(root.join("scripts/localnet"))
			.arg(command)
			.env("LOCALNET_DIR", &self.dir.0)
			.env("LOCALNET_PORT_OFFSET", self.offset.to_string())
			.env("LICENTIA_NO_BUILD", "1")
			.output()
			.expect("bash runs");
		let text = format!(
			"{}{}",
			String::from_utf8_lossy(&output.stdout),
			String::from_utf8_lossy(&output.stderr)
		);
		assert!(
			output.status.success(),
			"scripts/localnet {command} failed:\n{text}\n{}",
			self.logs()
		);
		text
	}

	fn logs(&self) -> String {
		NAMES
			.iter()
			.map(|name| {
				let log = std::fs::read_to_string(self.dir.0.join(format!("{name}.log")))
					.unwrap_or_default();
				let tail: Vec<&str> = log.lines().rev().take(15).collect();
				format!(
					"----- {name} -----\n{}",
					tail.into_iter().rev().collect::<Vec<_>>().join("\n")
				)
			})
			.collect::<Vec<_>>()
			.join("\n")
	}

	fn port(&self, node: usize) -> u16 {
		9944 + self.offset + node as u16
	}

	fn rpc(&self, node: usize, method: &str, params: Value) -> Option<Value> {
		rpc_call(self.port(node), method, params).ok()
	}

	/// (best, finalized) block numbers of `node`, if it answers.
	fn heights(&self, node: usize) -> Option<(u32, u32)> {
		let number = |header: Value| {
			u32::from_str_radix(header["number"].as_str()?.trim_start_matches("0x"), 16).ok()
		};
		let best = number(self.rpc(node, "chain_getHeader", json!([]))?)?;
		let head = self.rpc(node, "chain_getFinalizedHead", json!([]))?;
		let finalized = number(self.rpc(node, "chain_getHeader", json!([head]))?)?;
		Some((best, finalized))
	}

	fn hash_at(&self, node: usize, number: u32) -> Option<String> {
		self.rpc(node, "chain_getBlockHash", json!([number]))?
			.as_str()
			.map(String::from)
	}

	fn kill(&self, node: usize) {
		let pid_file = self.dir.0.join(format!("{}.pid", NAMES[node]));
		let pid = std::fs::read_to_string(pid_file).expect("a pid file");
		let status = Command::new("kill").args(["-9", pid.trim()]).status().expect("kill runs");
		assert!(status.success());
		// Wait for the process to be gone (it is the script's child: `kill -0` fails once reaped
		// by init, or it is a zombie that no longer serves RPC).
		let deadline = Instant::now() + Duration::from_secs(10);
		while self.heights(node).is_some() && Instant::now() < deadline {
			std::thread::sleep(Duration::from_millis(100));
		}
	}

	/// Waits until `check` holds, polling every 250 ms; returns how long it took.
	#[track_caller]
	fn wait(&self, what: &str, timeout: Duration, mut check: impl FnMut() -> bool) -> Duration {
		let start = Instant::now();
		while !check() {
			if start.elapsed() > timeout {
				panic!("timed out after {timeout:?} waiting for {what}\n{}", self.logs());
			}
			std::thread::sleep(Duration::from_millis(250));
		}
		start.elapsed()
	}

	/// The chain's genesis hash, as `node` knows it.
	fn genesis(&self, node: usize) -> Hash {
		decode_hex(
			self.rpc(node, "chain_getBlockHash", json!([0]))
				.expect("genesis")
				.as_str()
				.unwrap(),
		)
	}

	/// Submits `call` signed by `signer` to `node` with the nonce the node's pool expects.
	fn submit(&self, node: usize, signer: Sr25519Keyring, call: RuntimeCall) {
		let genesis = self.genesis(node);
		let who = signer.to_account_id().to_string();
		let nonce = self.rpc(node, "system_accountNextIndex", json!([who])).expect("a nonce");
		let xt = signed_extrinsic(
			call,
			&signer.pair(),
			nonce.as_u64().expect("a number") as u32,
			ChainContext::immortal(genesis),
		);
		rpc_call(self.port(node), "author_submitExtrinsic", json!([to_hex(&xt.encode())]))
			.unwrap_or_else(|e| panic!("submission refused: {e}"));
	}

	/// Whether `node` has a value at `key`, at block `at` (the best block if `None`).
	fn exists(&self, node: usize, key: &[u8], at: Option<&str>) -> bool {
		self.rpc(node, "state_getStorage", json!([to_hex(key), at]))
			.is_some_and(|v| v.is_string())
	}
}

impl Drop for Localnet {
	fn drop(&mut self) {
		let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the repository");
		let _ = Command::new("bash")
			.arg(root.join("scripts/localnet"))
			.arg("stop")
			.env("LOCALNET_DIR", &self.dir.0)
			.output();
	}
}

fn finalized_everywhere(net: &Localnet, nodes: &[usize]) -> u32 {
	nodes.iter().map(|n| net.heights(*n).map_or(0, |h| h.1)).min().unwrap_or(0)
}

#[test]
fn four_validators_survive_crashes_and_restarts() {
	// Ports: 4 consecutive ones per kind, away from the defaults other tests and users take.
	let offset = free_port() % 2000 + 20_000 - 9944;
	let net = Localnet { dir: TempDir::new("localnet"), offset };
	let all = [0, 1, 2, 3];

	// -- Up: the script returns once every node has finalized a block. ---------------------
	let started = Instant::now();
	let status = net.script("start");
	let up = started.elapsed();
	assert!(status.contains("dave"), "{status}");
	for node in all {
		let peers = net.rpc(node, "system_health", json!([])).expect("health")["peers"].clone();
		assert_eq!(peers, json!(3), "{} sees the three others", NAMES[node]);
	}
	eprintln!("four validators finalizing after {:.1} s", up.as_secs_f64());

	// -- Transactions flow: a link, a consent, a batch, terms, an offer, a purchase. -------
	let posts: Vec<PostRecord> = (0..4u64)
		.map(|i| PostRecord {
			platform: X_PLATFORM,
			post: PostId::X { id: 1_800_000_000_000_000_000 + i },
			content_hash: H256::repeat_byte(i as u8),
			author: Identity::X(7),
			salt: Default::default(),
			scrubbed_hash: Default::default(),
		})
		.collect();
	let terms = training_terms(10_000);
	net.submit(0, Dave, accepted_link(X_PLATFORM, Identity::X(7), &Eve.pair(), 0, net.genesis(0)));
	net.submit(
		0,
		Eve,
		RuntimeCall::Consent(pallet_consent::Call::set_consent {
			scope: pallet_consent::Scope::Account,
			decisions: vec![(Purpose::AiTraining, Decision::Allow)].try_into().expect("one"),
		}),
	);
	let consent_key =
		pallet_consent::AccountConsent::<Runtime>::hashed_key_for(Eve.to_account_id());
	net.wait("Eve's consent to be in a block", Duration::from_secs(60), || {
		net.exists(0, &consent_key, None)
	});

	// Kill Dave's validator while Dave's bridge registers posts through Alice's node.
	let before_kill = finalized_everywhere(&net, &all);
	net.kill(3);
	let killed_at = Instant::now();
	net.submit(
		0,
		Dave,
		RuntimeCall::Content(pallet_content::Call::register_batch {
			platform: X_PLATFORM,
			root: batch_root(posts.iter().map(PostRecord::leaf_hash)),
			contributors: layout(&posts).try_into().expect("one"),
		}),
	);
	net.submit(0, Dave, RuntimeCall::Licensing(pallet_licensing::Call::register_terms { terms }));
	net.submit(
		0,
		Dave,
		RuntimeCall::Licensing(pallet_licensing::Call::create_offer {
			platform: X_PLATFORM,
			terms: 0,
			price: Price::PerRecord(UNIT),
		}),
	);
	let three = [0, 1, 2];
	let progress =
		net.wait("finality to go on with three of four", Duration::from_secs(120), || {
			finalized_everywhere(&net, &three) >= before_kill + 5
		});
	// The batch counts once its challenge window (10 blocks on the local testnet) has ended:
	// Ferdie activates it, as any bridge or watcher may.
	let pending_key = pallet_content::PendingBatches::<Runtime>::hashed_key_for(0u64);
	let batch_key = pallet_content::Batches::<Runtime>::hashed_key_for(0u64);
	net.wait("the batch to be registered", Duration::from_secs(120), || {
		net.exists(0, &pending_key, None)
	});
	let registered_at = net.heights(0).map_or(0, |(best, _)| best);
	net.wait("the batch's challenge window", Duration::from_secs(180), || {
		net.heights(0).is_some_and(|(best, _)| best > registered_at + 10)
	});
	net.submit(
		1,
		Ferdie,
		RuntimeCall::Content(pallet_content::Call::activate_batch {
			batch: 0,
			contributors: layout(&posts).try_into().expect("one"),
		}),
	);
	net.wait("the batch to be activated", Duration::from_secs(120), || {
		net.exists(0, &batch_key, None)
	});
	net.submit(
		1,
		Alice,
		RuntimeCall::Licensing(pallet_licensing::Call::purchase { offer: 0, max_price: u128::MAX }),
	);
	let license_key = pallet_licensing::Licenses::<Runtime>::hashed_key_for(0u64);
	net.wait("the purchase to be finalized", Duration::from_secs(120), || {
		let head = net.rpc(0, "chain_getFinalizedHead", json!([])).unwrap_or_default();
		net.exists(0, &license_key, head.as_str())
	});
	let down_for = killed_at.elapsed();
	eprintln!(
		"with Dave's validator down: {} more blocks finalized in {:.1} s; the batch, terms, offer \
		 and a purchase finalized",
		finalized_everywhere(&net, &three) - before_kill,
		progress.as_secs_f64()
	);

	// Dave's validator restarts from its base path and catches up.
	let target = finalized_everywhere(&net, &three);
	let restarted = Instant::now();
	net.script("start");
	let catch_up = net.wait("Dave to catch up", Duration::from_secs(120), || {
		net.heights(3).is_some_and(|(_, finalized)| finalized >= target)
	});
	let restart_total = restarted.elapsed();
	for number in [before_kill, target] {
		let hashes: Vec<_> = all.iter().map(|n| net.hash_at(*n, number)).collect();
		assert!(
			hashes.iter().all(|h| h.is_some() && *h == hashes[0]),
			"block {number}: {hashes:?}"
		);
	}
	eprintln!(
		"Dave restarted and reached finalized #{target} in {:.1} s (after {:.1} s down)",
		restart_total.as_secs_f64(),
		down_for.as_secs_f64()
	);
	let _ = catch_up;

	// -- Every node killed at once, then restarted from the same base paths. ---------------
	let last = finalized_everywhere(&net, &all);
	let last_hash = net.hash_at(0, last).expect("a finalized block");
	for node in all {
		net.kill(node);
	}
	let restarted = Instant::now();
	net.script("start");
	let resumed =
		net.wait("finality beyond the last finalized block", Duration::from_secs(180), || {
			finalized_everywhere(&net, &all) > last
		});
	eprintln!(
		"after SIGKILL of all four at finalized #{last}: finalizing again (#{}) {:.1} s after the restart",
		finalized_everywhere(&net, &all),
		(restarted.elapsed()).as_secs_f64()
	);
	let _ = resumed;
	for node in all {
		assert_eq!(
			net.hash_at(node, last),
			Some(last_hash.clone()),
			"{} kept #{last}",
			NAMES[node]
		);
	}
	// Everything the chain held is still there, at the new finalized head.
	let head = net.rpc(2, "chain_getFinalizedHead", json!([])).expect("a head");
	let head = head.as_str().expect("a hash");
	let batch_key = pallet_content::Batches::<Runtime>::hashed_key_for(0u64);
	let link_key = pallet_consent::IdentityOwner::<Runtime>::hashed_key_for(Identity::X(7));
	for (what, key) in [
		("license 0", &license_key),
		("batch 0", &batch_key),
		("the link", &link_key),
		("Eve's consent", &consent_key),
	] {
		assert!(net.exists(2, key, Some(head)), "{what} survived the restart");
	}

	let stopped = net.script("stop");
	assert_eq!(stopped.matches("stopped").count(), 4, "{stopped}");
}
