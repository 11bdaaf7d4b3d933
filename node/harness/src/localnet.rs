//! A network of four validators on loopback, run by `scripts/localnet` as an operator would,
//! and what the tests ask of it: heights, storage, signed transactions and council motions.

use crate::{decode_hex, free_port, repository, rpc_call, to_hex, TempDir};
use codec::Encode;
use licentia_runtime::{signing::tx_extension, Hash, Runtime, RuntimeCall};
use serde_json::{json, Value};
use sp_core::Pair;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie};
use sp_runtime::generic::Era;
use std::{
	path::PathBuf,
	process::Command,
	time::{Duration, Instant},
};

pub const NAMES: [&str; 4] = ["alice", "bob", "charlie", "dave"];

pub struct Localnet {
	pub dir: TempDir,
	pub offset: u16,
	/// The runtime the network starts on, if not the node's own (`LOCALNET_RUNTIME`).
	pub runtime: Option<PathBuf>,
}

impl Localnet {
	/// A network in a new directory named after `name`, on ports of its own (five consecutive
	/// ones per kind, away from the defaults other tests and users take, and free now: other
	/// networks may run beside it). Not started yet.
	///
	/// The offset is a multiple of 32 from a base: the script adds one offset to three bases
	/// (30333, 9944, 9615), whose differences are 9, 5 and 14 away from a multiple of 32, so no
	/// kind's five ports of one network can fall on another kind's of another network (once, a
	/// network's RPC ports were another's Prometheus ports, which answer `Not found`).
	pub fn new(name: &str) -> Self {
		let offset = loop {
			let offset = free_port() % 2000 / 32 * 32 + 20_000 - 9944;
			let free = [30333u16, 9944, 9615].iter().all(|base| {
				(0..5)
					.all(|i| std::net::TcpListener::bind(("127.0.0.1", base + offset + i)).is_ok())
			});
			if free {
				break offset;
			}
		};
		Self { dir: TempDir::new(name), offset, runtime: None }
	}

	/// The same network, started on the runtime at `path` instead of the node's own.
	pub fn on_runtime(mut self, path: PathBuf) -> Self {
		self.runtime = Some(path);
		self
	}

	pub fn script(&self, command: &str) -> String {
		let output = Command::new("bash")
			.arg(repository().join("scripts/localnet"))
			.arg(command)
			.env("LOCALNET_DIR", &self.dir.0)
			.env("LOCALNET_PORT_OFFSET", self.offset.to_string())
			.env("LICENTIA_NO_BUILD", "1")
			.envs(self.runtime.iter().map(|path| ("LOCALNET_RUNTIME", path)))
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

	/// The last lines of each node's log (the test's own fifth node's too, if it ran one).
	pub fn logs(&self) -> String {
		NAMES
			.iter()
			.chain(&["eve"])
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

	pub fn port(&self, node: usize) -> u16 {
		9944 + self.offset + node as u16
	}

	pub fn rpc(&self, node: usize, method: &str, params: Value) -> Option<Value> {
		rpc_call(self.port(node), method, params).ok()
	}

	/// (best, finalized) block numbers of `node`, if it answers.
	pub fn heights(&self, node: usize) -> Option<(u32, u32)> {
		let number = |header: Value| {
			u32::from_str_radix(header["number"].as_str()?.trim_start_matches("0x"), 16).ok()
		};
		let best = number(self.rpc(node, "chain_getHeader", json!([]))?)?;
		let head = self.rpc(node, "chain_getFinalizedHead", json!([]))?;
		let finalized = number(self.rpc(node, "chain_getHeader", json!([head]))?)?;
		Some((best, finalized))
	}

	pub fn hash_at(&self, node: usize, number: u32) -> Option<String> {
		self.rpc(node, "chain_getBlockHash", json!([number]))?
			.as_str()
			.map(String::from)
	}

	pub fn kill(&self, node: usize) {
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
	pub fn wait(&self, what: &str, timeout: Duration, mut check: impl FnMut() -> bool) -> Duration {
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
	pub fn genesis(&self, node: usize) -> Hash {
		decode_hex(
			self.rpc(node, "chain_getBlockHash", json!([0]))
				.expect("genesis")
				.as_str()
				.unwrap(),
		)
	}

	/// Submits `call` signed by `signer` to `node` with the nonce the node's pool expects, for
	/// the runtime `node` runs now (an older release before an upgrade).
	pub fn submit(&self, node: usize, signer: Sr25519Keyring, call: RuntimeCall) {
		self.submit_encoded(node, signer, &call.encode());
	}

	/// [`Self::submit`] for a call given encoded: one this runtime no longer encodes alike
	/// (a call of the runtime before an upgrade).
	pub fn submit_encoded(&self, node: usize, signer: Sr25519Keyring, call: &[u8]) {
		let genesis = self.genesis(node);
		let who = signer.to_account_id().to_string();
		let nonce = self.rpc(node, "system_accountNextIndex", json!([who])).expect("a nonce");
		let nonce = nonce.as_u64().expect("a number") as u32;
		let xt = sign_encoded(call, signer, nonce, genesis, self.runtime_version(node));
		rpc_call(self.port(node), "author_submitExtrinsic", json!([to_hex(&xt)]))
			.unwrap_or_else(|e| panic!("submission refused: {e}"));
	}

	/// `spec_version` and `transaction_version` of the runtime `node` runs at its best block.
	pub fn runtime_version(&self, node: usize) -> (u32, u32) {
		let version = self.rpc(node, "state_getRuntimeVersion", json!([])).expect("a version");
		let field = |name: &str| version[name].as_u64().expect("a number") as u32;
		(field("specVersion"), field("transactionVersion"))
	}

	/// The value at `key` on `node`'s best block, decoded.
	pub fn value<T: codec::Decode>(&self, node: usize, key: &[u8]) -> Option<T> {
		let hex = self.rpc(node, "state_getStorage", json!([to_hex(key)]))?;
		hex.as_str().map(decode_hex)
	}

	/// The value at `key` on `node`'s block `at` (a hash), decoded.
	pub fn value_at<T: codec::Decode>(&self, node: usize, key: &[u8], at: &str) -> Option<T> {
		let hex = self.rpc(node, "state_getStorage", json!([to_hex(key), at]))?;
		hex.as_str().map(decode_hex)
	}

	/// The keys under `prefix` on `node`'s best block (the first thousand).
	pub fn keys(&self, node: usize, prefix: &[u8]) -> Vec<Vec<u8>> {
		let keys = self.rpc(node, "state_getKeysPaged", json!([to_hex(prefix), 1000]));
		let keys: Vec<String> =
			keys.map(serde_json::from_value).and_then(Result::ok).unwrap_or_default();
		keys.iter()
			.map(|k| hex::decode(k.trim_start_matches("0x")).expect("hex"))
			.collect()
	}

	/// `who`'s free balance on `node`'s best block.
	pub fn free_balance(&self, node: usize, who: &licentia_runtime::AccountId) -> u128 {
		type Info = frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>>;
		let key = frame_system::Account::<Runtime>::hashed_key_for(who);
		self.value::<Info>(node, &key).map_or(0, |info| info.data.free)
	}

	/// The hash of `node`'s finalized head.
	pub fn finalized_head(&self, node: usize) -> String {
		let head = self.rpc(node, "chain_getFinalizedHead", json!([])).expect("a head");
		head.as_str().expect("a hash").to_string()
	}

	/// `who`'s nonce on `node`'s best block: how many of its transactions blocks include.
	pub fn nonce(&self, node: usize, who: &licentia_runtime::AccountId) -> u32 {
		type Info = frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>>;
		let key = frame_system::Account::<Runtime>::hashed_key_for(who);
		self.value::<Info>(node, &key).map_or(0, |info| info.nonce)
	}

	/// Submits `call` as `signer` and waits until a block of `node` includes it.
	pub fn submit_included(&self, node: usize, signer: Sr25519Keyring, call: RuntimeCall) {
		let who = signer.to_account_id();
		let before = self.nonce(node, &who);
		self.submit(node, signer, call);
		self.wait("the transaction's block", Duration::from_secs(60), || {
			self.nonce(node, &who) > before
		});
	}

	/// A council motion on `node`: Alice proposes `call` with a threshold of two (two thirds of
	/// the local council of three), Alice and Bob vote aye, Charlie closes it.
	pub fn motion(&self, node: usize, call: RuntimeCall) {
		use frame_support::dispatch::GetDispatchInfo;
		use sp_runtime::traits::Hash as _;
		type Council = pallet_collective::Call<Runtime, pallet_collective::Instance1>;
		let length_bound = call.encoded_size() as u32;
		let proposal_weight_bound = call.get_dispatch_info().call_weight;
		let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
		let count = frame_support::storage::storage_prefix(b"Council", b"ProposalCount");
		let index: u32 = self.value(node, &count).unwrap_or(0);
		let proposal = Box::new(call);
		let propose = Council::propose { threshold: 2, proposal, length_bound };
		self.submit_included(node, Alice, RuntimeCall::Council(propose));
		for voter in [Alice, Bob] {
			let vote = Council::vote { proposal: hash, index, approve: true };
			self.submit_included(node, voter, RuntimeCall::Council(vote));
		}
		let close =
			Council::close { proposal_hash: hash, index, proposal_weight_bound, length_bound };
		self.submit_included(node, Charlie, RuntimeCall::Council(close));
	}

	/// The session's current validators, on `node`'s best block.
	pub fn validators(&self, node: usize) -> Vec<licentia_runtime::AccountId> {
		let key = frame_support::storage::storage_prefix(b"Session", b"Validators");
		self.value(node, &key).unwrap_or_default()
	}

	/// Whether `node` has a value at `key`, at block `at` (the best block if `None`).
	pub fn exists(&self, node: usize, key: &[u8], at: Option<&str>) -> bool {
		self.rpc(node, "state_getStorage", json!([to_hex(key), at]))
			.is_some_and(|v| v.is_string())
	}
}

impl Drop for Localnet {
	fn drop(&mut self) {
		let _ = Command::new("bash")
			.arg(repository().join("scripts/localnet"))
			.arg("stop")
			.env("LOCALNET_DIR", &self.dir.0)
			.output();
	}
}

pub fn finalized_everywhere(net: &Localnet, nodes: &[usize]) -> u32 {
	nodes.iter().map(|n| net.heights(*n).map_or(0, |h| h.1)).min().unwrap_or(0)
}

/// A node this test starts itself (the fifth validator), stopped when dropped.
pub struct Extra(pub std::process::Child);

impl Drop for Extra {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

/// An immortal extrinsic of `call` (encoded) signed by `signer`, for the chain with `genesis`
/// whose runtime has `versions` (`spec_version`, `transaction_version`): what
/// [`licentia_runtime::signing::signed_extrinsic`] builds, for any runtime's calls.
pub fn sign_encoded(
	call: &[u8],
	signer: Sr25519Keyring,
	nonce: u32,
	genesis: Hash,
	versions: (u32, u32),
) -> Vec<u8> {
	let extension = tx_extension(nonce, Era::Immortal, 0);
	// What each extension adds to the signed payload, in order: spec and transaction
	// versions, genesis, the era's block, no metadata hash.
	let implicit = ((), versions.0, versions.1, genesis, genesis, (), (), (), None::<[u8; 32]>, ());
	let mut payload = call.to_vec();
	extension.encode_to(&mut payload);
	implicit.encode_to(&mut payload);
	let signature = if payload.len() > 256 {
		signer.pair().sign(&sp_io::hashing::blake2_256(&payload))
	} else {
		signer.pair().sign(&payload)
	};
	// A signed extrinsic of format 4: address, signature, extensions, call.
	let mut body = vec![0b1000_0100];
	licentia_runtime::Address::Id(signer.to_account_id()).encode_to(&mut body);
	sp_runtime::MultiSignature::Sr25519(signature).encode_to(&mut body);
	extension.encode_to(&mut body);
	body.extend_from_slice(call);
	body.encode()
}

/// The X platform of the `local` preset, whose operator is Dave.
pub const X_PLATFORM: u32 = 3;

/// Four posts on X by user `author`, with ids from `first` (leaf format 3: [`crate::sealed`]).
pub fn x_posts(author: u64, first: u64) -> Vec<licentia_primitives::content::PostRecord> {
	use licentia_primitives::{
		consent::Identity,
		content::{PostId, PostRecord},
	};
	(0..4u64)
		.map(|i| {
			crate::sealed(PostRecord {
				platform: X_PLATFORM,
				post: PostId::X { id: first + i },
				content_hash: sp_core::H256::repeat_byte(i as u8),
				author: Identity::X(author),
				salt: Default::default(),
				text_seal: Default::default(),
			})
		})
		.collect()
}
