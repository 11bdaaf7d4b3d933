//! Four validators on loopback, started by `scripts/localnet` as an operator would: they produce
//! and finalize blocks; one is killed with SIGKILL while transactions flow and the others go on,
//! then it restarts and catches up; then all four are killed and restarted from their base paths
//! and the chain continues from its last finalized block with everything it held.
//!
//! A second test lets a fifth validator join by a council motion with keys it generated and
//! registered itself; then one of the four signs two different GRANDPA prevotes in one round,
//! anyone reports it and the offence is recorded; the council removes that validator and it
//! stops: finality never stops.
//!
//! The recovery and join figures they print are recorded in docs/reliability.md.

use codec::Encode;
use licentia_harness::{
	accepted_link, anonymous_root, answers, decode_hex, layout,
	localnet::{finalized_everywhere, x_posts, Extra, Localnet, NAMES, X_PLATFORM},
	node_binary, to_hex, training_terms,
};
use licentia_primitives::{
	consent::{Decision, Identity, Purpose},
	content::{batch_root, PostRecord},
	licensing::Price,
};
use licentia_runtime::{AccountId, Runtime, RuntimeCall, UNIT};
use serde_json::json;
use sp_keyring::Sr25519Keyring::{Alice, Dave, Eve, Ferdie};
use std::{
	process::Command,
	time::{Duration, Instant},
};

#[test]
fn four_validators_survive_crashes_and_restarts() {
	let net = Localnet::new("localnet");
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
	let posts = x_posts(7, 1_800_000_000_000_000_000);
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
			anonymous_root: anonymous_root(&posts),
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
	// Dave's bridge opens the leaves the chain sampled from it (drawn from the hash of its
	// registration block, so known from the next block on).
	net.wait("the samples to be drawn", Duration::from_secs(60), || {
		net.heights(0).is_some_and(|(best, _)| best > registered_at)
	});
	let view = net.rpc(0, "licentia_batch", json!([0])).expect("the pending batch");
	for answer in answers(&view, 0, &posts) {
		net.submit_included(0, Dave, answer);
	}
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

/// What docs/operators.md has a new validator do: run a node, be admitted by the council,
/// generate keys on the node with the proof of ownership, register them; then the council
/// removes another validator, which stops, and finality goes on throughout.
#[test]
fn a_validator_joins_by_governance_and_another_leaves_without_stalling_finality() {
	let net = Localnet::new("validators");
	let offset = net.offset;
	net.script("start");
	let five = [0, 1, 2, 3, 4];

	// Sessions of 5 blocks, so that set changes take effect within a minute (Root, as a test
	// network may; a public network keeps an hour).
	let length = licentia_runtime::configs::SessionLength::key().to_vec();
	let set = RuntimeCall::System(frame_system::Call::set_storage {
		items: vec![(length, 5u32.encode())],
	});
	net.submit_included(
		0,
		Alice,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set) }),
	);

	// -- Eve's node: started with the network's spec, synced, not yet a validator. ----------
	let eve = Eve.to_account_id();
	let node = node_binary();
	let alice_peer = Command::new(&node)
		.args(["key", "inspect-node-key", "--file"])
		.arg(net.dir.0.join("alice/node-key"))
		.output()
		.expect("the node runs");
	let alice_peer = String::from_utf8_lossy(&alice_peer.stdout).trim().to_string();
	let log = std::fs::File::create(net.dir.0.join("eve.log")).expect("a log file");
	let port = |base: u16| (base + offset + 4).to_string();
	let _eve_node = Extra(
		Command::new(&node)
			.arg("--chain")
			.arg(net.dir.0.join("local.json"))
			.arg("--base-path")
			.arg(net.dir.0.join("eve"))
			.args(["--validator", "--name", "Eve", "--no-mdns", "--no-telemetry"])
			// A validator on a live chain needs a fixed p2p key: it refuses to invent one.
			.args(["--node-key", &format!("{:064x}", 5)])
			.args(["--port", &port(30333), "--rpc-port", &port(9944)])
			.args(["--prometheus-port", &port(9615)])
			.arg("--bootnodes")
			.arg(format!("/ip4/127.0.0.1/tcp/{}/p2p/{alice_peer}", 30333 + offset))
			.stdout(log.try_clone().expect("the log"))
			.stderr(log)
			.spawn()
			.expect("Eve's node starts"),
	);
	net.wait("Eve's node to sync", Duration::from_secs(120), || {
		let alice = net.heights(0).map_or(u32::MAX, |h| h.1);
		net.heights(4).is_some_and(|(_, finalized)| finalized >= alice)
	});

	// -- The council admits Eve; Eve registers keys her node generated. --------------------
	let started = Instant::now();
	let add = RuntimeCall::Validators(pallet_membership::Call::add_member {
		who: sp_runtime::MultiAddress::Id(eve.clone()),
	});
	net.motion(0, add);
	let admitted = started.elapsed();
	let members = frame_support::storage::storage_prefix(b"Validators", b"Members");
	let is_member = net.value::<Vec<licentia_runtime::AccountId>>(0, &members);
	assert!(is_member.is_some_and(|m| m.contains(&eve)), "the motion added Eve");
	let generated = net
		.rpc(4, "author_rotateKeysWithOwner", json!([to_hex(&eve.encode())]))
		.expect("Eve's node generates keys");
	let keys: licentia_runtime::SessionKeys = decode_hex(generated["keys"].as_str().expect("keys"));
	let proof: Vec<u8> =
		hex::decode(generated["proof"].as_str().expect("a proof").trim_start_matches("0x"))
			.expect("hex");
	net.submit_included(
		0,
		Eve,
		RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof }),
	);
	let registered = started.elapsed();
	net.wait("Eve in the session's validators", Duration::from_secs(180), || {
		net.validators(0).contains(&eve)
	});
	let validator = started.elapsed();
	net.wait("Eve's node to author a block", Duration::from_secs(120), || {
		std::fs::read_to_string(net.dir.0.join("eve.log"))
			.is_ok_and(|log| log.contains("Prepared block for proposing"))
	});
	let authoring = started.elapsed();
	let before = finalized_everywhere(&net, &five);
	net.wait("five validators to finalize", Duration::from_secs(120), || {
		finalized_everywhere(&net, &five) >= before + 5
	});
	eprintln!(
		"Eve: admitted {:.1} s after the motion began, keys registered at {:.1} s, a validator at \
		 {:.1} s, authoring at {:.1} s; five validators finalizing",
		admitted.as_secs_f64(),
		registered.as_secs_f64(),
		validator.as_secs_f64(),
		authoring.as_secs_f64()
	);

	// -- Dave equivocates; Ferdie reports it with a proof that the key was Dave's. ---------
	let reported = Instant::now();
	let report = dave_equivocates(&net);
	let ferdie = Ferdie.to_account_id();
	let before = net.free_balance(0, &ferdie);
	net.submit_included(0, Ferdie, report.clone());
	let reports = net.keys(0, &frame_support::storage::storage_prefix(b"Offences", b"Reports"));
	assert_eq!(reports.len(), 1, "one offence recorded");
	type Report = sp_staking::offence::OffenceDetails<AccountId, (AccountId, ())>;
	let offence: Report = net.value(0, &reports[0]).expect("the report");
	assert_eq!(offence.offender.0, Dave.to_account_id(), "the offender is Dave's account");
	assert_eq!(offence.reporters, vec![ferdie.clone()]);
	assert_eq!(net.free_balance(0, &ferdie), before, "a valid report is free");
	net.submit_included(0, Ferdie, report);
	let again = net.keys(0, &frame_support::storage::storage_prefix(b"Offences", b"Reports"));
	assert_eq!(again, reports, "the same offence is recorded once");
	assert!(net.free_balance(0, &ferdie) < before, "a duplicate report pays its fee");
	eprintln!(
		"Dave's equivocation: reported and recorded {:.1} s after the report was signed",
		reported.elapsed().as_secs_f64()
	);

	// -- The council removes Dave; Dave's node stops; the four others go on. ---------------
	let removed_at = Instant::now();
	let remove = RuntimeCall::Validators(pallet_membership::Call::remove_member {
		who: sp_runtime::MultiAddress::Id(Dave.to_account_id()),
	});
	net.motion(0, remove);
	net.wait("Dave out of the session's validators", Duration::from_secs(180), || {
		!net.validators(0).contains(&Dave.to_account_id())
	});
	let out = removed_at.elapsed();
	net.kill(3);
	let rest = [0, 1, 2, 4];
	let before = finalized_everywhere(&net, &rest);
	let going_on = net.wait("finality without Dave", Duration::from_secs(120), || {
		finalized_everywhere(&net, &rest) >= before + 5
	});
	eprintln!(
		"Dave: out of the set {:.1} s after the motion began; five more blocks finalized {:.1} s \
		 after his node stopped",
		out.as_secs_f64(),
		going_on.as_secs_f64()
	);
}

/// Dave's GRANDPA key signs two prevotes for different blocks in one round of the current
/// authority set (what a validator running twice with the same keys does), and the report of
/// it: the equivocation proof, and the proof, from the session's historical roots
/// (`GrandpaApi_generate_key_ownership_proof` on Alice's node), that the key was Dave's.
fn dave_equivocates(net: &Localnet) -> RuntimeCall {
	use sp_consensus_grandpa::{AuthorityId, Equivocation, EquivocationProof};
	use sp_core::Pair;
	let best = net.heights(0).expect("Alice's node").0;
	let at = net.hash_at(0, best).expect("the best block");
	let set_id: u64 = net
		.value(0, &frame_support::storage::storage_prefix(b"Grandpa", b"CurrentSetId"))
		.unwrap_or(0);
	let round = 1;
	let dave = sp_keyring::Ed25519Keyring::Dave;
	let vote = |number: u32| {
		let target_hash = decode_hex(&net.hash_at(0, number).expect("a block"));
		let prevote = finality_grandpa::Prevote { target_hash, target_number: number };
		let message = finality_grandpa::Message::Prevote(prevote.clone());
		let payload = sp_consensus_grandpa::localized_payload(round, set_id, &message);
		(prevote, dave.pair().sign(&payload).into())
	};
	let identity = AuthorityId::from(dave.public());
	let equivocation = finality_grandpa::Equivocation {
		round_number: round,
		identity: identity.clone(),
		first: vote(best - 1),
		second: vote(best),
	};
	let proof = EquivocationProof::new(set_id, Equivocation::Prevote(equivocation));
	let owner: Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> = decode_hex(
		net.rpc(
			0,
			"state_call",
			json!([
				"GrandpaApi_generate_key_ownership_proof",
				to_hex(&(set_id, identity).encode()),
				at
			]),
		)
		.expect("a proof")
		.as_str()
		.expect("hex"),
	);
	let owner = owner
		.expect("Dave's key is in the session")
		.decode()
		.expect("a membership proof");
	RuntimeCall::Grandpa(pallet_grandpa::Call::report_equivocation {
		equivocation_proof: Box::new(proof),
		key_owner_proof: owner,
	})
}
