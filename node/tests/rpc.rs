//! The `licentia_` JSON-RPC namespace on the real `licentia-node --dev`: typed answers, and
//! malformed or oversized input answered with documented error codes, never a crash.

mod common;

use common::*;
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;
use std::time::Duration;

/// The error code of a JSON-RPC error returned as text by `try_rpc`.
fn code(error: String) -> i64 {
	let error: Value = serde_json::from_str(&error).unwrap_or_else(|_| panic!("not JSON: {error}"));
	error["code"].as_i64().unwrap_or_else(|| panic!("no code: {error}"))
}

fn post_query(license: u64, nostr_id: &str) -> Value {
	json!({
		"license": license,
		"purpose": "aiTraining",
		"batch": 0,
		"post": {
			"platform": 2,
			"post": { "nostr": { "id": nostr_id } },
			"contentHash": format!("0x{}", "11".repeat(32)),
			"author": { "nostr": format!("0x{}", "22".repeat(32)) },
		},
		"index": 0,
		"proof": [],
	})
}

#[test]
fn licentia_methods_answer_and_reject_bad_input_with_codes() {
	let mut node = Node::start("rpc", &["--dev", "--tmp"]);
	node.wait_for("block #1", Duration::from_secs(60), |n| {
		(n.block_number(false) >= 1).then_some(())
	});

	// Typed answers.
	let platforms = node.rpc("licentia_platforms", json!([]));
	let platforms = platforms.as_array().expect("a list");
	assert_eq!(platforms.len(), 4, "{platforms:?}");
	assert_eq!(platforms[0]["kind"], json!("Bluesky"));
	assert_eq!(platforms[0]["domain"], json!("bsky.app"));
	assert_eq!(
		platforms[3]["operators"][0],
		json!(Sr25519Keyring::Dave.to_account_id().to_string())
	);
	let mastodon = node.rpc("licentia_platform", json!([1]));
	assert_eq!(mastodon["domain"], json!("mastodon.social"));
	assert_eq!(node.rpc("licentia_batchCount", json!([])), json!(0));
	assert_eq!(node.rpc("licentia_offers", json!([])), json!([]));
	let alice = Sr25519Keyring::Alice.to_account_id().to_string();
	let consent = node.rpc("licentia_accountConsent", json!([alice]));
	assert_eq!(consent, json!({ "statements": { "allowed": [], "denied": [] }, "identities": [] }));
	assert_eq!(node.rpc("licentia_pendingRewards", json!([alice])), json!("0"));
	let access =
		node.rpc("licentia_checkAccess", json!([post_query(0, &format!("0x{}", "33".repeat(32)))]));
	assert_eq!(access, json!({ "allowed": false, "reason": "unknownLicense" }));

	// Unknown ids: 4004.
	for (method, params) in [
		("licentia_platform", json!([99])),
		("licentia_batch", json!([0])),
		("licentia_terms", json!([0])),
		("licentia_offer", json!([0])),
		("licentia_quote", json!([0])),
		("licentia_license", json!([0])),
		("licentia_revocations", json!([0, 0])),
		("licentia_identityConsent", json!([{ "x": "42" }])),
	] {
		let error = node.try_rpc(method, params).expect_err(method);
		assert_eq!(code(error), 4004, "{method}");
	}

	// Malformed input: -32602 (invalid params), before the runtime is asked anything.
	for (what, method, params) in [
		("a bad SS58 address", "licentia_accountConsent", json!(["5NotAnAddress"])),
		("bad hex", "licentia_checkAccess", json!([post_query(0, "0xzz")])),
		("a short event id", "licentia_checkAccess", json!([post_query(0, "0x1234")])),
		("an unknown purpose", "licentia_checkAccess", json!([{ "purpose": "mining" }])),
		("a negative id", "licentia_platform", json!([-1])),
		("an X id that is not a number", "licentia_identityConsent", json!([{ "x": "forty-two" }])),
		("no params", "licentia_platform", json!([])),
	] {
		let error = node.try_rpc(method, params).expect_err(what);
		assert_eq!(code(error), -32602, "{what}");
	}

	// Oversized batches: 4001.
	let queries: Vec<Value> =
		(0..4_097).map(|_| post_query(0, &format!("0x{}", "44".repeat(32)))).collect();
	let error = node
		.try_rpc("licentia_checkAccessBatch", json!([queries]))
		.expect_err("too many");
	assert_eq!(code(error), 4001);
	let answers = node.rpc("licentia_checkAccessBatch", json!([queries[..1_000].to_vec()]));
	assert_eq!(answers.as_array().map(Vec::len), Some(1_000));

	// Not JSON at all: the server answers with a parse error and keeps serving.
	let reply = http_post(node.rpc_port, "{ this is not json").expect("an answer");
	assert!(reply.contains("-32700"), "{reply}");
	let health = node.rpc("system_health", json!([]));
	assert_eq!(health["isSyncing"], json!(false));
	let status = node.stop();
	assert!(status.success(), "licentia-node exited with {status}");
}

/// Abuse of one node's RPC: connections beyond `--rpc-max-connections`, a body beyond
/// `--rpc-max-request-size`, and a burst of invalid extrinsics. The node refuses each, and goes
/// on producing blocks and answering well-formed requests.
#[test]
fn rpc_abuse_is_refused_and_the_node_goes_on() {
	use codec::Encode;
	use licentia_runtime::{
		signing::{signed_extrinsic, ChainContext},
		RuntimeCall,
	};
	use std::{io::Write, net::TcpStream};

	let mut node = Node::start(
		"rpc-abuse",
		&["--dev", "--tmp", "--rpc-max-connections", "8", "--rpc-max-request-size", "1"],
	);
	node.wait_for("block #1", Duration::from_secs(60), |n| {
		(n.block_number(false) >= 1).then_some(())
	});
	let port = node.rpc_port;
	let answers = |n: &Node| n.try_rpc("system_health", json!([])).is_ok();

	// Connections beyond the limit: hold 8 open (a request whose body never comes), then more.
	let held: Vec<TcpStream> = (0..8)
		.map(|_| {
			let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the node accepts");
			stream
				.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
				.expect("a partial request");
			stream
		})
		.collect();
	std::thread::sleep(Duration::from_millis(500));
	let refused = (0..20).filter(|_| !answers(&node)).count();
	assert!(refused > 0, "a 9th connection is refused while 8 are held");
	drop(held);
	node.wait_for("the node to answer again", Duration::from_secs(30), |n| {
		answers(n).then_some(())
	});

	// A body over the 1 MiB request limit is refused; the connection limit is free again.
	let big = format!(
		"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system_health\",\"params\":[\"{}\"]}}",
		"x".repeat(2 * 1024 * 1024)
	);
	let reply = http_post(port, &big).unwrap_or_default();
	assert!(!reply.contains("\"result\""), "an oversized request is not served: {reply:.200}");
	assert!(answers(&node));

	// A burst of invalid extrinsics: undecodable bytes, a bad signature, a stale nonce.
	let genesis = node.block_hash(0);
	let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![1, 2, 3] });
	let valid =
		signed_extrinsic(call, &Sr25519Keyring::Eve.pair(), 0, ChainContext::immortal(genesis))
			.encode();
	let mut bad_signature = valid.clone();
	// The signature follows the compact length, the version byte and the 33-byte address.
	bad_signature[40] ^= 0xff;
	let stale = {
		node.submit_all(vec![(
			Sr25519Keyring::Eve,
			RuntimeCall::System(frame_system::Call::remark { remark: vec![9] }),
		)]);
		valid.clone() // nonce 0, now used
	};
	let before = node.block_number(false);
	let mut codes = std::collections::BTreeMap::<i64, usize>::new();
	for i in 0..300 {
		let bytes = match i % 3 {
			0 => vec![0xde, 0xad, 0xbe, 0xef, i as u8],
			1 => bad_signature.clone(),
			_ => stale.clone(),
		};
		let error = node
			.try_rpc("author_submitExtrinsic", json!([to_hex(&bytes)]))
			.expect_err("an invalid extrinsic is refused");
		*codes.entry(code(error)).or_default() += 1;
	}
	eprintln!("300 invalid extrinsics refused with codes {codes:?}");
	assert_eq!(codes.values().sum::<usize>(), 300);
	node.wait_for("two more blocks", Duration::from_secs(60), |n| {
		(n.block_number(false) >= before + 2).then_some(())
	});
	assert!(answers(&node));
	let status = node.stop();
	assert!(status.success(), "licentia-node exited with {status}");
}
