//! The data path, as a buyer meets it: a platform's gateway serves a license's records, the
//! buyer's scripts verify and audit them, and transfers, caps, rate limits and withdrawals are
//! honoured.
//!
//! Needs Node.js and the packages of `scripts/buyer-tools` (scripts/test installs them).

mod support;

use licentia_harness::free_port;
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Dave};
use support::{
	attacker, buy, http_get, http_get_with, registered_x_posts, signed_headers, stop, testdata,
	wait_for_gateway, x_offer, Env, BLUESKY, EVE_X, X,
};

/// The data path: a platform's gateway (`licentia-bridge serve`) serves licensed records to the
/// license's owner, and the buyer's `fetch.mjs` verifies each one against the chain.
///
/// X posts of two opted-in authors are ingested; Alice buys an attributed license and an
/// anonymised one capped at 3 records. She fetches the first, every record verified (proofs
/// against the roots on chain, content hashes recomputed), attribution included; a record
/// tampered with afterwards fails `audit.mjs`. The anonymised license is served 3
/// records across pages and then refused (409), by a second gateway too; its dataset holds no
/// author id, handle or post id, and an attacker reading every block attributes none of its
/// records (it attributes every one of the format before spec 116). Unsigned, stale or foreign requests are refused (401, 403). A
/// request is served once across two instances of the gateway on one store, and a signature
/// opens only the gateway it names (platform and origin): another origin, another platform or
/// the first message format, which named none, is refused (401).
/// Alice transfers the first license to Bob: her requests are refused at once, Bob's served.
/// Eve's identity is unlinked: Bob's next fetch omits her posts, and `honour.mjs` deletes them
/// from Alice's dataset, with a compliance report.
#[test]
fn a_gateway_serves_licensed_records_that_the_buyer_verifies() {
	let (mut env, genesis) = registered_x_posts("gateway");
	let store = env.path("x.db");

	// Three offers: attributed and transferable; anonymised and capped at 3 records; anonymised.
	let (open, anonymous, whole) = (
		x_offer(&env, "open.json", false, Value::Null),
		x_offer(&env, "anon.json", true, json!(3)),
		x_offer(&env, "anon-whole.json", true, Value::Null),
	);
	let capped_offer = anonymous.clone();
	let (open, anonymous, whole) = (buy(&env, &open), buy(&env, &anonymous), buy(&env, &whole));

	let serve_as = |port: u16, log: &str, rate: &str, extra: &[&str]| {
		let listen = format!("127.0.0.1:{port}");
		let args = ["serve", "--platform", "3", "--signer", "//Dave", "--store", &store];
		env.bridge_logged(
			&[&args[..], &["--listen", &listen, "--rate", rate], extra].concat(),
			&env.path(log),
		)
	};
	let serve = |port: u16, log: &str, rate: &str| serve_as(port, log, rate, &[]);
	let (port, second_port) = (free_port(), free_port());
	let gateway = serve(port, "gateway.log", "20");
	let url = format!("http://127.0.0.1:{port}");
	wait_for_gateway(port);
	let fetch = |env: &Env, license: &str, suri: &str, out: &str, extra: &[&str]| {
		let args = ["--license", license, "--suri", suri, "--gateway", &url, "--out", out];
		env.buyer("fetch.mjs", &[&args[..], extra].concat())
	};

	// The attributed license: every record, verified, with its author to credit.
	let alice_dir = env.path("alice-open");
	let fetched = fetch(&env, &open, "//Alice", &alice_dir, &["--limit", "3"]).finish();
	assert_eq!(
		(fetched["records"].clone(), fetched["pages"].clone()),
		(json!(4), json!(2)),
		"{fetched}"
	);
	assert_eq!(fetched["complete"], json!(true));
	let dataset = std::fs::read_to_string(format!("{alice_dir}/records.jsonl")).expect("records");
	let lines: Vec<Value> =
		dataset.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
	assert!(lines.iter().all(|l| l["attribution"]["url"]
		.as_str()
		.is_some_and(|u| u.starts_with("https://x.com/i/user/"))));
	// Tampered with: `audit.mjs` finds it.
	let tampered = env.path("tampered");
	std::fs::create_dir_all(&tampered).expect("a directory");
	std::fs::copy(format!("{alice_dir}/manifest.json"), format!("{tampered}/manifest.json"))
		.expect("copied");
	std::fs::write(format!("{tampered}/records.jsonl"), dataset.replacen("Shipping", "Sinking", 1))
		.expect("written");
	let failed = env.buyer("audit.mjs", &["--out", &tampered]).fails();
	assert!(failed.contains("content hashes to"), "{failed}");

	// The anonymised, capped license: 3 records, then 409, from this gateway and another.
	let anon_dir = env.path("alice-anon");
	let fetched = fetch(&env, &anonymous, "//Alice", &anon_dir, &["--limit", "2"]).finish();
	assert_eq!(fetched["records"], json!(3), "{fetched}");
	assert!(fetched["stoppedBy"].as_str().is_some_and(|s| s.contains("409")), "{fetched}");
	let anon = std::fs::read_to_string(format!("{anon_dir}/records.jsonl")).expect("records");
	let x = std::fs::read_to_string(testdata("x.json")).expect("x.json");
	let x: Value = serde_json::from_str(&x).expect("JSON");
	let mut identifiers: Vec<String> =
		vec!["2244994945".into(), "783214".into(), "17874544".into()];
	for post in x["data"].as_array().expect("posts") {
		identifiers.push(post["id"].as_str().expect("an id").into());
	}
	for user in x["includes"]["users"].as_array().expect("users") {
		identifiers.push(user["username"].as_str().expect("a handle").into());
	}
	for identifier in &identifiers {
		assert!(
			!anon.contains(identifier.as_str()),
			"{identifier} in the anonymised dataset:\n{anon}"
		);
	}
	assert!(anon.lines().all(|l| l.contains("\"author\":\"author-")), "{anon}");
	// An anonymised record's text is half of its leaf: changed, it fails `audit.mjs` too.
	let tampered = env.path("tampered-anon");
	std::fs::create_dir_all(&tampered).expect("a directory");
	std::fs::copy(format!("{anon_dir}/manifest.json"), format!("{tampered}/manifest.json"))
		.expect("copied");
	let anon_tampered = anon.replacen("\"text\":\"", "\"text\":\"Really, ", 1);
	std::fs::write(format!("{tampered}/records.jsonl"), anon_tampered).expect("written");
	let failed = env.buyer("audit.mjs", &["--out", &tampered]).fails();
	assert!(failed.contains("proof does not lead"), "{failed}");
	let audited = env.buyer("audit.mjs", &["--out", &anon_dir]).finish();
	assert_eq!(audited["verified"], json!(3), "{audited}");
	let whole_dir = env.path("alice-anon-whole");
	let fetched = fetch(&env, &whole, "//Alice", &whole_dir, &[]).finish();
	assert_eq!(fetched["records"], json!(3), "every post but the exposed one: {fetched}");
	// The attacker of issue 30 reads every block. The post the chain's first sample opened with
	// its anonymous leaf is public with it, and is the one not delivered anonymised (4 posts,
	// 3 delivered). Lines as anonymised licenses delivered them before leaf format 3 (rebuilt
	// from the attributed license's lines) are each attributed by their place; the lines
	// delivered now by nothing.
	let public = attacker::Public::read(&env.node);
	assert_eq!(public.opened(), 1, "one anonymous leaf opened");
	for line in &lines {
		let old = attacker::format_2_line(line, "any text");
		let (author, how) = public.attribute(&old).expect("a format-2 line is attributed");
		assert_eq!((json!(author), how), (line["record"]["author"].clone(), "index"));
	}
	for line in anon.lines() {
		let line: Value = serde_json::from_str(line).expect("JSON");
		assert_eq!(public.attribute(&line), None, "attributed: {line}");
		for field in ["index", "proof", "sealed", "record"] {
			assert!(line.get(field).is_none(), "{field} in {line}");
		}
		assert!(attacker::anonymous_leaf_of(&line).is_some(), "{line}");
	}
	let second = serve(second_port, "gateway-2.log", "1");
	let second_url = format!("http://127.0.0.1:{second_port}");
	wait_for_gateway(second_port);
	let args = [
		"--license",
		&anonymous,
		"--suri",
		"//Alice",
		"--gateway",
		&second_url,
		"--out",
		&env.path("again"),
	];
	let refused = env.buyer("fetch.mjs", &args).fails();
	assert!(refused.contains("409") && refused.contains("capReached"), "{refused}");
	// This one allows a license one request a second: a page a record is too fast.
	let args = [
		"--license",
		&open,
		"--suri",
		"//Alice",
		"--gateway",
		&second_url,
		"--out",
		&env.path("fast"),
	];
	let throttled = env.buyer("fetch.mjs", &[&args[..], &["--limit", "1"]].concat()).fails();
	assert!(throttled.contains("429") && throttled.contains("tooManyRequests"), "{throttled}");
	stop(second);

	// Six requests at once over two gateways on another license capped at 3: together they
	// are served exactly the cap, each page taking what the cap leaves; 409 only for nothing.
	let parallel = buy(&env, &capped_offer);
	let third_port = free_port();
	let third = serve(third_port, "gateway-3.log", "20");
	wait_for_gateway(third_port);
	let runs: Vec<_> = (0..6)
		.map(|i| {
			let gateway =
				format!("http://127.0.0.1:{}", if i % 2 == 0 { port } else { third_port });
			let out = env.path(&format!("parallel-{i}"));
			let args = ["--license", &parallel, "--suri", "//Alice", "--gateway", &gateway];
			env.buyer("fetch.mjs", &[&args[..], &["--out", &out, "--limit", "2"]].concat())
		})
		.collect();
	// A request refused at its first page (the cap already spent) fails, saying so.
	let mut served = 0;
	for run in runs {
		let output = run.child.wait_with_output().expect("fetch.mjs runs");
		let (stdout, stderr) =
			(String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
		if !output.status.success() {
			// 409 means the cap is spent, not that this page asked for more than is left.
			assert!(stderr.contains("capReached") && stderr.contains("served its cap"), "{stderr}");
			continue;
		}
		let fetched: Value = serde_json::from_str(stdout.trim()).expect("JSON");
		let stopped = fetched["stoppedBy"].as_str().unwrap_or_default();
		let spent = stopped.contains("409") && stopped.contains("served its cap");
		assert!(fetched["complete"] == json!(true) || spent, "{fetched}");
		served += fetched["records"].as_u64().expect("a count");
	}
	assert_eq!(served, 3, "the cap, served whole over two gateways");

	// A second instance of the first gateway (behind its name, on its store): a request is
	// served by one instance and refused by the other, and is refused by any other gateway.
	let behind = free_port();
	let instance = serve_as(behind, "gateway-4.log", "20", &["--public-url", &url]);
	wait_for_gateway(behind);
	let about = http_get(behind, "/v1/gateway");
	assert!(about.contains(&format!("\"origin\":\"{url}\"")) && about.contains("\"platform\":3"));
	let path = format!("/v1/licenses/{open}/records?limit=1");
	let signed = signed_headers(Alice, genesis, Some((X, &url)), &path);
	let first = http_get_with(behind, &path, &signed);
	assert!(first.contains(" 200 "), "{first}");
	let replayed = http_get_with(port, &path, &signed);
	assert!(
		replayed.contains(" 401 ") && replayed.contains("already made"),
		"replayed to the other instance: {replayed}"
	);
	let third_url = format!("http://127.0.0.1:{third_port}");
	let elsewhere =
		http_get_with(third_port, &path, &signed_headers(Alice, genesis, Some((X, &url)), &path));
	let expected = format!("licentia-gateway/2 message naming platform 3 and {third_url}");
	assert!(elsewhere.contains(" 401 ") && elsewhere.contains(&expected), "{elsewhere}");
	let pooled = signed_headers(Alice, genesis, Some((BLUESKY, &url)), &path);
	let pooled = http_get_with(port, &path, &pooled);
	assert!(pooled.contains(" 401 ") && pooled.contains("naming platform 3 and"), "{pooled}");
	let unaddressed = http_get_with(port, &path, &signed_headers(Alice, genesis, None, &path));
	assert!(
		unaddressed.contains(" 401 ")
			&& unaddressed.contains("signed in the licentia-gateway format"),
		"{unaddressed}"
	);
	stop(instance);
	stop(third);

	// Requests that are not the owner's.
	let malformed = http_get(port, "/v1/licenses/first/records");
	assert!(malformed.contains(" 400 ") && malformed.contains("badRequest"), "{malformed}");
	let unsigned = http_get(port, &format!("/v1/licenses/{open}/records"));
	assert!(
		unsigned.starts_with("HTTP/1.0 401") || unsigned.starts_with("HTTP/1.1 401"),
		"{unsigned}"
	);
	let foreign = fetch(&env, &open, "//Bob", &env.path("bob-early"), &[]).fails();
	assert!(foreign.contains("403") && foreign.contains("notOwner"), "{foreign}");
	let missing = fetch(&env, "999", "//Alice", &env.path("missing"), &[]).fails();
	assert!(missing.contains("404") && missing.contains("notFound"), "{missing}");

	// Transferred: Alice is refused at once, Bob is served.
	let license: u64 = open.parse().expect("an id");
	env.node.submit_all(vec![(
		Alice,
		licentia_runtime::RuntimeCall::Licensing(pallet_licensing::Call::transfer_license {
			license,
			to: Bob.to_account_id(),
		}),
	)]);
	let refused = fetch(&env, &open, "//Alice", &env.path("alice-late"), &[]).fails();
	assert!(refused.contains("403") && refused.contains("notOwner"), "{refused}");

	// Eve's identity is unlinked: Bob's fetch omits her posts; honour removes them from Alice's.
	env.node.submit_all(vec![(
		Dave,
		licentia_runtime::RuntimeCall::Consent(pallet_consent::Call::unlink_identity {
			identity: EVE_X,
		}),
	)]);
	let bob = fetch(&env, &open, "//Bob", &env.path("bob"), &["--stream"]).finish();
	assert_eq!(bob["records"], json!(2), "{bob}");
	let honoured = env.buyer("honour.mjs", &["--out", &alice_dir]).finish();
	assert_eq!(
		(honoured["removed"].clone(), honoured["kept"].clone()),
		(json!(2), json!(2)),
		"{honoured}"
	);
	let report = std::fs::read_to_string(format!("{alice_dir}/compliance.json")).expect("a report");
	assert!(report.contains("consentWithdrawn"), "{report}");
	let kept = std::fs::read_to_string(format!("{alice_dir}/records.jsonl")).expect("records");
	assert!(!kept.contains("\"2244994945\""), "{kept}");
	// An anonymised dataset, which names nobody, honours it too: the gateway answers for its
	// cursors (places in the anonymous order), and Eve's records go, all of one pseudonym. (The
	// capped license's dataset keeps its records: the chain answers `capReached` for each of
	// them before anything else, which withdraws nothing.)
	let capped = env.buyer("honour.mjs", &["--out", &anon_dir, "--suri", "//Alice"]).finish();
	assert_eq!((capped["removed"].clone(), capped["kept"].clone()), (json!(0), json!(3)));
	let anon = std::fs::read_to_string(format!("{whole_dir}/records.jsonl")).expect("records");
	let honoured = env.buyer("honour.mjs", &["--out", &whole_dir, "--suri", "//Alice"]).finish();
	let after = std::fs::read_to_string(format!("{whole_dir}/records.jsonl")).expect("records");
	let pseudonyms = |text: &str| -> std::collections::BTreeSet<String> {
		text.lines()
			.map(|l| serde_json::from_str::<Value>(l).expect("JSON")["author"].to_string())
			.collect()
	};
	let gone: Vec<&str> = anon.lines().filter(|l| !after.contains(*l)).collect();
	assert!(!gone.is_empty() && gone.len() + after.lines().count() == 3, "{honoured}");
	assert_eq!(
		(json!(gone.len()), honoured["kept"].clone()),
		(honoured["removed"].clone(), json!(3 - gone.len()))
	);
	let eve = pseudonyms(&gone.join("\n"));
	assert_eq!(eve.len(), 1, "{gone:?}");
	assert!(pseudonyms(&after).is_disjoint(&eve), "{after}");
	// Without its node, the gateway answers 503, not what it knew.
	let Env { node, dir: _dir } = env;
	node.stop();
	let health = http_get(port, "/health");
	assert!(health.contains(" 503 ") && health.contains("unavailable"), "{health}");
	stop(gateway);
}
