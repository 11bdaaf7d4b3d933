//! The `licentia_` JSON-RPC namespace on the real `licentia-node --dev`: typed answers, and
//! malformed or oversized input answered with documented error codes, never a crash.

use licentia_harness::*;
use licentia_rpc::{MAX_ACCESS_BATCH, NOT_FOUND, RUNTIME, TOO_MANY};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;
use std::time::Duration;

/// The error code of a JSON-RPC error returned as text by `try_rpc`.
fn code(error: String) -> i32 {
	let error: Value = serde_json::from_str(&error).unwrap_or_else(|_| panic!("not JSON: {error}"));
	let code = error["code"].as_i64().and_then(|code| i32::try_from(code).ok());
	code.unwrap_or_else(|| panic!("no code: {error}"))
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
			"salt": format!("0x{}", "33".repeat(32)),
			"textSeal": format!("0x{}", "44".repeat(32)),
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

	// Typed answers, as JSON: the wire format docs/rpc.md documents.
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
	let nothing = json!({ "allowed": [], "denied": [], "restrictions": [], "minPrice": 0 });
	assert_eq!(consent, json!({ "statements": nothing, "identities": [] }));
	assert_eq!(node.rpc("licentia_pendingRewards", json!([alice])), json!("0"));
	assert_eq!(
		node.rpc("licentia_earnings", json!([alice])),
		json!({ "pending": "0", "claimed": "0", "period": 432_000, "periods": [] }),
		"30-day periods of 6-second blocks, none with a claim"
	);
	let access =
		node.rpc("licentia_checkAccess", json!([post_query(0, &format!("0x{}", "33".repeat(32)))]));
	assert_eq!(access, json!({ "allowed": false, "reason": "unknownLicense" }));

	// Every method through the typed client, as the bridge calls them; unknown ids: NOT_FOUND.
	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
	runtime.expect("a tokio runtime").block_on(typed_answers(node.rpc_port));

	// Malformed input: -32602 (invalid params), before the runtime is asked anything.
	for (what, method, params) in [
		("a bad SS58 address", "licentia_accountConsent", json!(["5NotAnAddress"])),
		("an account that is a number", "licentia_earnings", json!([42])),
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

	// Oversized batches: TOO_MANY.
	let queries: Vec<Value> = (0..MAX_ACCESS_BATCH + 1)
		.map(|_| post_query(0, &format!("0x{}", "44".repeat(32))))
		.collect();
	let error = node
		.try_rpc("licentia_checkAccessBatch", json!([queries]))
		.expect_err("too many");
	assert_eq!(code(error), TOO_MANY);
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

/// Every `licentia_` method of a fresh dev node through `licentia-rpc`'s typed client: each answer
/// reads back into its Rust type, and an unknown id is refused with [`NOT_FOUND`].
async fn typed_answers(rpc_port: u16) {
	use jsonrpsee::{core::client::Error, ws_client::WsClientBuilder};
	use licentia_primitives::{
		consent::{Identity, PlatformKind},
		content::PostStatus,
		licensing::{AccessQuery, Denial},
	};
	use licentia_rpc::{Access, LicentiaApiClient, PostProof};

	fn refusal<T: std::fmt::Debug>(answer: Result<T, Error>) -> i32 {
		match answer {
			Err(Error::Call(refusal)) => refusal.code(),
			other => panic!("not a refusal: {other:?}"),
		}
	}

	let url = format!("ws://127.0.0.1:{rpc_port}");
	let client = WsClientBuilder::default().build(url).await.expect("the node accepts");
	let alice = Sr25519Keyring::Alice.to_account_id();

	let platforms = client.platforms(None).await.expect("platforms");
	assert_eq!(platforms.len(), 4, "{platforms:?}");
	assert_eq!(platforms[0].kind, PlatformKind::Bluesky);
	assert_eq!(platforms[0].domain, b"bsky.app");
	assert_eq!(platforms[3].operators, vec![Sr25519Keyring::Dave.to_account_id()]);
	assert_eq!(client.platform(1, None).await.expect("a platform"), platforms[1]);
	assert_eq!(client.batch_count(None).await.expect("a count"), 0);
	assert!(client.offers(None).await.expect("offers").is_empty());
	let consent = client.account_consent(alice.clone(), None).await.expect("consent");
	assert!(consent.identities.is_empty(), "{consent:?}");
	assert_eq!(client.contributions(alice.clone(), None).await.expect("contributions"), vec![]);
	assert_eq!(client.pending_rewards(alice.clone(), None).await.expect("rewards"), "0");
	let earnings = client.earnings(alice, None).await.expect("earnings");
	assert_eq!((earnings.pending, earnings.claimed, earnings.periods), (0, 0, vec![]));
	assert_eq!(client.find_terms(training_terms(100), None).await.expect("an answer"), None);

	let query: AccessQuery =
		serde_json::from_value(post_query(0, &format!("0x{}", "33".repeat(32)))).expect("a query");
	let unknown = Access { allowed: false, reason: Some(Denial::UnknownLicense) };
	assert_eq!(client.check_access(query.clone(), None).await.expect("a decision"), unknown);
	let decisions = client.check_access_batch(vec![query.clone(); 2], None).await;
	assert_eq!(decisions.expect("decisions"), vec![unknown.clone(), unknown]);
	let proof = PostProof { batch: 0, post: query.post.clone(), index: 0, proof: vec![] };
	let status = client.post_status(proof, None).await.expect("a status");
	assert_eq!(status, PostStatus::BatchNotFound);

	for (what, code) in [
		("platform 99", refusal(client.platform(99, None).await)),
		("batch 0", refusal(client.batch(0, None).await)),
		("terms 0", refusal(client.terms(0, None).await)),
		("offer 0", refusal(client.offer(0, None).await)),
		("a quote of offer 0", refusal(client.quote(0, None).await)),
		("license 0", refusal(client.license(0, None).await)),
		("the revocations of license 0", refusal(client.revocations(0, 0, None, None, None).await)),
		("an unlinked identity", refusal(client.identity_consent(Identity::X(42), None).await)),
	] {
		assert_eq!(code, NOT_FOUND, "{what}");
	}
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
	let mut codes = std::collections::BTreeMap::<i32, usize>::new();
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

/// Every place a `licentia_` method reads text (hex keys, ids and hashes, SS58 addresses,
/// numbers as strings, DIDs and URIs, the `at` block hash), filled with hostile text: multi-byte
/// UTF-8 where hex digits belong (the input that used to stop the node), four-byte characters, a
/// NUL, numbers beyond `u64` and `u128`. Each request gets a JSON-RPC answer (a documented error
/// code, or a result where the text is legal, as a DID of any characters is), and the node goes
/// on answering and producing blocks.
#[test]
fn hostile_text_in_every_licentia_method_is_answered_and_the_node_lives() {
	let mut node = Node::start("rpc-hostile", &["--dev", "--tmp"]);
	node.wait_for("block #1", Duration::from_secs(60), |n| {
		(n.block_number(false) >= 1).then_some(())
	});
	let alice = Sr25519Keyring::Alice.to_account_id().to_string();
	let hash = format!("0x{}", "11".repeat(32));
	let key = format!("0x{}", "22".repeat(32));
	let terms = json!({
		"purposes": ["aiTraining"], "duration": 100, "recordCap": null, "anonymisation": true,
		"attribution": false, "transferable": false, "redistribution": false,
		"commercialUse": true, "modelWeightsRelease": false, "legalHash": hash,
		"legalUri": "https://example.com/terms",
	});
	let posts = [
		json!({ "nostr": { "id": key } }),
		json!({ "x": { "id": "1800000000000000000" } }),
		json!({ "bluesky": { "uri": "at://did:plc:abc/app.bsky.feed.post/3k", "cid": "bafy" } }),
		json!({ "mastodon": { "uri": "https://mastodon.social/users/a/statuses/1" } }),
	];
	let authors = [
		json!({ "nostr": key }),
		json!({ "x": "1234567890" }),
		json!({ "bluesky": "did:plc:abc" }),
		json!({ "mastodon": "a@mastodon.social" }),
	];
	let record = |i: usize| {
		json!({ "platform": 2, "post": posts[i], "contentHash": hash, "author": authors[i],
			"salt": hash, "textSeal": hash })
	};
	let query = |i: usize| {
		json!({ "license": 0, "purpose": "aiTraining", "batch": 0, "post": record(i),
			"index": 0, "proof": [hash] })
	};
	let mut calls = vec![
		("licentia_accountConsent", json!([alice, hash])),
		("licentia_platform", json!([0, hash])),
		("licentia_platforms", json!([hash])),
		("licentia_batch", json!([0, hash])),
		("licentia_batchCount", json!([hash])),
		("licentia_contributions", json!([alice, hash])),
		("licentia_terms", json!([0, hash])),
		("licentia_findTerms", json!([terms, hash])),
		("licentia_offer", json!([0, hash])),
		("licentia_offers", json!([hash])),
		("licentia_quote", json!([0, hash])),
		("licentia_license", json!([0, hash])),
		("licentia_pendingRewards", json!([alice, hash])),
		("licentia_earnings", json!([alice, hash])),
		("licentia_revocations", json!([0, 0, 10, 0, hash])),
	];
	for i in 0..posts.len() {
		calls.push(("licentia_identityConsent", json!([authors[i], hash])));
		calls.push((
			"licentia_postStatus",
			json!([{ "batch": 0, "post": record(i), "index": 0, "proof": [hash] }, hash]),
		));
		calls.push(("licentia_checkAccess", json!([query(i), hash])));
		calls.push(("licentia_checkAccessBatch", json!([[query(i), query(0)], hash])));
	}
	let hostile = [
		format!("0x{}", "é".repeat(32)),
		"é".repeat(32),
		format!("0xa{}a", "é".repeat(31)),
		format!("0x{}1", "1é".repeat(21)),
		format!("0x{}", "😀".repeat(16)),
		format!("0x{}€", "a".repeat(61)),
		"\u{0}".to_string(),
		"18446744073709551616".to_string(),
		"340282366920938463463374607431768211456".to_string(),
		"x".repeat(70_000),
	];

	let mut asked = 0;
	let mut codes = std::collections::BTreeMap::<i32, usize>::new();
	for (method, params) in &calls {
		// Every request is well-formed to begin with, so what follows tests the hostile value.
		if let Err(e) = node.try_rpc(method, params.clone()) {
			assert_ne!(code(e.clone()), -32602, "{method} {params}: the template is valid: {e}");
		}
		for path in leaves(params) {
			for text in &hostile {
				let mut params = params.clone();
				*params.pointer_mut(&path).expect("a leaf") = json!(text);
				asked += 1;
				// An answer, never a dropped connection; an error is one the docs list. Hex,
				// SS58, numeric and named places refuse every hostile value as invalid params;
				// free text (a DID, an account, a URI, a CID) may be legal and merely unknown.
				let free_text = FREE_TEXT.iter().any(|name| path.ends_with(&format!("/{name}")));
				match node.try_rpc(method, params) {
					Ok(_) => assert!(free_text, "{method} {path} accepted {text:.40}"),
					Err(error) => {
						let code = code(error.clone());
						assert!(
							code == -32602 || (free_text && [NOT_FOUND, RUNTIME].contains(&code)),
							"{method} {path}: {error:.300}"
						);
						*codes.entry(code).or_default() += 1;
					},
				}
			}
		}
	}
	// The regression itself, named: a Nostr key with a two-byte character at an odd offset (the
	// old decoder sliced it in half and panicked) is invalid params.
	for method in ["licentia_identityConsent", "licentia_checkAccess"] {
		let params = if method == "licentia_identityConsent" {
			json!([{ "nostr": hostile[2] }])
		} else {
			let mut q = query(0);
			q["post"]["post"]["nostr"]["id"] = json!(hostile[2]);
			json!([q])
		};
		let error = node.try_rpc(method, params).expect_err("multi-byte hex is refused");
		assert_eq!(code(error), -32602, "{method}");
	}
	eprintln!("{asked} hostile requests answered with codes {codes:?}");

	// The node is alive: it answers, and blocks go on.
	let before = node.block_number(false);
	node.wait_for("two more blocks", Duration::from_secs(60), |n| {
		(n.block_number(false) >= before + 2).then_some(())
	});
	assert_eq!(node.rpc("licentia_platforms", json!([])).as_array().map(Vec::len), Some(4));
	let status = node.stop();
	assert!(status.success(), "licentia-node exited with {status}");
}

/// The fields whose value is free UTF-8 text rather than hex, a number, an address or a name.
const FREE_TEXT: [&str; 5] = ["bluesky", "mastodon", "uri", "cid", "legalUri"];

/// The JSON pointers of every string and number in `value`.
fn leaves(value: &Value) -> Vec<String> {
	fn walk(value: &Value, path: String, out: &mut Vec<String>) {
		match value {
			Value::String(_) | Value::Number(_) => out.push(path),
			Value::Array(items) => {
				for (i, item) in items.iter().enumerate() {
					walk(item, format!("{path}/{i}"), out);
				}
			},
			Value::Object(fields) => {
				for (name, item) in fields {
					walk(
						item,
						format!("{path}/{}", name.replace('~', "~0").replace('/', "~1")),
						out,
					);
				}
			},
			_ => {},
		}
	}
	let mut out = Vec::new();
	walk(value, String::new(), &mut out);
	out
}
