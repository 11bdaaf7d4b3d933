//! End to end, as the three kinds of users meet the chain: a dev node; platforms link identities,
//! relay signed consent and ingest their exports with `licentia-bridge` (one ingest killed
//! mid-way and resumed); a Nostr user registers their own events; an AI buyer purchases through
//! `@polkadot/api` (scripts/buyer); access checks allow and deny with the right reasons; a
//! contributor claims their share; a consent withdrawal reaches the license's revocation feed.
//!
//! The bridge's other scenarios are beside this one, one file each: `ingest.rs` (a resumed
//! ingest, a leaf request answered), `follow.rs` (the live followers), `gateway.rs` (the data
//! path), `portal.rs` (the portal in a browser); the throughput benchmarks are in
//! `ingest_throughput.rs` and `gateway_throughput.rs`. What they share is in `support/`.
//!
//! Needs Node.js and the packages of `scripts/buyer-tools` (scripts/test installs them).

mod support;

use licentia_harness::{Node, TempDir};
use licentia_runtime::AccountId;
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie, One};
use std::time::{Duration, Instant};
use support::{
	address, all, batches_in, num, queries, suri, testdata, Env, BLUESKY, MASTODON, NOSTR,
	NOSTR_SECRET, X,
};

#[test]
fn platforms_buyers_and_contributors_end_to_end() {
	let started = Instant::now();
	let node = Node::start("e2e", &["--dev", "--tmp"]);
	let env = Env { node, dir: TempDir::new("e2e-files") };
	// One (Nemo) is linked and never opts in.

	// -- Identities: each person accepts, operators attest the links; Alice's Nostr key proves
	// itself. ---------------------------------------------------------------------------------
	let link = |platform: u32, identity: &str, person: Sr25519Keyring, operator: Sr25519Keyring| {
		let file = env.path(&format!("accept-{}.json", identity.replace([':', '@', '.'], "-")));
		let flags = ["--platform", &platform.to_string(), "--identity", identity, "--out", &file];
		all(vec![env.bridge(&[&["accept-link", "--signer", &suri(person)], &flags[..]].concat())]);
		env.bridge(&["link", "--acceptance", &file, "--signer", &suri(operator)])
	};
	let (eve, ferdie) = (address(Eve), address(Ferdie));
	// One command per signer at a time: a signer's transactions use consecutive nonces.
	let mut linked = all(vec![
		link(BLUESKY, "bluesky:did:plc:ragtjsm2j2vknwkz3zp4oxrd", Eve, Bob),
		link(MASTODON, "mastodon:ada@mastodon.social", Eve, Charlie),
		link(X, "x:2244994945", Eve, Dave),
		env.bridge(&["link-nostr", "--nostr-secret", NOSTR_SECRET, "--signer", &suri(Alice)]),
	]);
	linked.extend(all(vec![
		link(BLUESKY, "bluesky:did:plc:z72i7hdynmk6r22z27h6tvur", Ferdie, Bob),
		link(MASTODON, "mastodon:grace@mastodon.social", Ferdie, Charlie),
		link(X, "x:783214", Ferdie, Dave),
	]));
	linked.extend(all(vec![link(MASTODON, "mastodon:nemo@mastodon.social", One, Charlie)]));
	for link in &linked {
		assert!(link["block"].is_string(), "{link}");
	}
	let alice_nostr = env.node.rpc("licentia_accountConsent", json!([address(Alice)]));
	assert_eq!(alice_nostr["identities"][0]["identity"]["nostr"].as_str().map(str::len), Some(66));

	// -- Consent: Eve and Ferdie sign statements off chain, platforms relay them; Alice relays
	// her own. Nemo never opts in. -----------------------------------------------------------
	let sign = |who: Sr25519Keyring, allow: &str, file: &str| {
		env.bridge(&["consent", "sign", "--signer", &suri(who), "--allow", allow, "--out", file])
	};
	let files = [env.path("eve.json"), env.path("ferdie.json"), env.path("alice.json")];
	all(vec![
		sign(Eve, "aiTraining,research", &files[0]),
		sign(Ferdie, "aiTraining", &files[1]),
		sign(Alice, "aiTraining", &files[2]),
	]);
	let relay = |file: &str, relayer: Sr25519Keyring| {
		env.bridge(&["consent", "relay", "--statement", file, "--signer", &suri(relayer)])
	};
	let relayed = all(vec![relay(&files[0], Bob), relay(&files[1], Dave), relay(&files[2], Alice)]);
	assert_eq!(relayed[0]["relayed"], json!(eve));
	let eve_consent = env.node.rpc("licentia_accountConsent", json!([eve]));
	assert_eq!(eve_consent["statements"]["allowed"], json!(["aiTraining", "research"]));

	// -- Posts: the X bridge is killed right after it wrote its first batch as pending, and
	// run again; the others ingest in parallel. ----------------------------------------------
	let x_store = env.path("x.db");
	let ingest =
		|platform: u32, signer: Sr25519Keyring, file: &str, store: &str, extra: &[&str]| {
			let platform = platform.to_string();
			let signer = suri(signer);
			let mut args =
				vec!["ingest", "--platform", &platform, "--signer", &signer, "--store", store];
			args.extend_from_slice(extra);
			args.push(file);
			env.bridge(&args)
		};
	let mut killed = ingest(X, Dave, &testdata("x.json"), &x_store, &["--batch-posts", "2"]).child;
	let deadline = Instant::now() + Duration::from_secs(60);
	while batches_in(&x_store, "pending") == 0 {
		assert!(Instant::now() < deadline, "the X ingest never wrote a pending batch");
		std::thread::sleep(Duration::from_millis(20));
	}
	killed.kill().expect("the bridge can be killed");
	killed.wait().expect("the bridge stops");

	let (bluesky_store, mastodon_store, nostr_store) =
		(env.path("bluesky.db"), env.path("mastodon.db"), env.path("nostr.db"));
	let ingested = all(vec![
		ingest(BLUESKY, Bob, &testdata("bluesky.jsonl"), &bluesky_store, &[]),
		ingest(MASTODON, Charlie, &testdata("mastodon.json"), &mastodon_store, &[]),
		ingest(NOSTR, Alice, &testdata("nostr.jsonl"), &nostr_store, &[]),
		ingest(X, Dave, &testdata("x.json"), &x_store, &["--batch-posts", "2"]),
	]);
	let [bluesky, mastodon, nostr, x] = &ingested[..] else { unreachable!() };

	// Bluesky: 7 posts; a like, a deletion, an identity and an account event skipped; the
	// unlinked author's 2 posts left out.
	assert_eq!((bluesky["posts"].clone(), bluesky["skipped"].clone()), (json!(7), json!(4)));
	assert_eq!(bluesky["registered"], json!(5), "{bluesky}");
	assert_eq!(bluesky["notOptedIn"], json!({ "not linked to an account": 2 }));
	// Mastodon: a reblog and another instance's status skipped; Nemo is linked but allows
	// nothing.
	assert_eq!(mastodon["registered"], json!(4), "{mastodon}");
	assert_eq!(mastodon["skipped"], json!(2));
	assert_eq!(mastodon["notOptedIn"], json!({ "allows no purpose": 1 }));
	// Nostr: ids recomputed and signatures verified; the reaction skipped; K2 is not linked.
	assert_eq!(nostr["registered"], json!(3), "{nostr}");
	let rejected = nostr["rejected"].as_array().expect("a list");
	assert_eq!(rejected.len(), 2, "{nostr}");
	assert!(rejected[0]
		.as_str()
		.is_some_and(|r| r.contains("line 4: the id does not match")));
	assert!(rejected[1]
		.as_str()
		.is_some_and(|r| r.contains("line 6: the signature does not verify")));
	assert_eq!(nostr["notOptedIn"], json!({ "not linked to an account": 1 }));
	// X: whatever the killed run left, the resumed one ends with each post registered once.
	assert_eq!(x["storePosts"], json!(4), "{x}");
	let contributions = |who: Sr25519Keyring| {
		let answer = env.node.rpc("licentia_contributions", json!([address(who)]));
		let mut pairs: Vec<(u64, u64)> = serde_json::from_value(answer).expect("pairs");
		pairs.sort();
		pairs
	};
	assert_eq!(contributions(Eve), vec![(0, 3), (1, 2), (3, 2)], "no post counted twice");
	assert_eq!(contributions(Ferdie), vec![(0, 2), (1, 2), (3, 2)]);
	assert_eq!(contributions(Alice), vec![(2, 3)]);
	// And a rerun registers nothing.
	let again = all(vec![ingest(X, Dave, &testdata("x.json"), &x_store, &[])]);
	assert_eq!(
		(again[0]["registered"].clone(), again[0]["alreadyRegistered"].clone()),
		(json!(0), json!(4))
	);

	// -- An offer of X posts; the buyer purchases through @polkadot/api. ---------------------
	let terms = env.path("terms.json");
	std::fs::write(
		&terms,
		json!({ "purposes": ["aiTraining"], "duration": 1000, "recordCap": null,
			"anonymisation": true, "attribution": true, "transferable": false,
			"redistribution": false, "commercialUse": true, "modelWeightsRelease": false,
			"legalHash": format!("0x{}", "1e".repeat(32)),
			"legalUri": "https://licentia.example/terms/train-v1" })
		.to_string(),
	)
	.expect("a temp file");
	let offer = all(vec![env.bridge(&[
		"offer",
		"--platform",
		"3",
		"--terms",
		&terms,
		"--per-record",
		"1000000000000",
		"--signer",
		&suri(Dave),
	])]);
	assert_eq!(offer[0]["offer"], json!(0));

	let offers = all(vec![env.buyer("offers.mjs", &[])]);
	assert_eq!(offers[0][0]["terms"]["purposes"], json!(["AiTraining"]), "{}", offers[0]);
	assert_eq!(num(&offers[0][0]["quote"]["price"]), 4_000_000_000_000, "4 X posts at 1 LCT");
	assert_eq!(
		(&offers[0][0]["refusal"], &offers[0][0]["purchasable"]),
		(&Value::Null, &json!(true))
	);

	let mut checks = queries(&env, &x_store, "aiTraining");
	checks.push(queries(&env, &x_store, "research")[0].clone());
	checks.push(queries(&env, &bluesky_store, "aiTraining")[0].clone());
	let checks_file = env.path("checks.json");
	std::fs::write(&checks_file, Value::Array(checks).to_string()).expect("a temp file");
	let (eve_pending_before, dave_pending_before) =
		(env.pending_rewards(Eve), env.pending_rewards(Dave));
	let bought = all(vec![
		env.buyer("buy.mjs", &["--offer", "0", "--suri", "//Charlie", "--check", &checks_file])
	])
	.remove(0);
	assert_eq!(bought["license"], json!(0), "{bought}");
	assert_eq!(bought["purchased"]["buyer"], json!(address(Charlie)));
	assert_eq!(bought["stored"]["purposes"], json!(["AiTraining"]));
	assert_eq!(bought["view"]["records"], json!(4));
	let split = &bought["split"];
	let parts = ["protocol", "platforms", "contributors", "dust"].map(|k| num(&split[k]));
	assert_eq!(parts.iter().sum::<u128>(), 4_000_000_000_000, "the split is the price: {split}");
	let allowed = json!({ "allowed": true });
	assert_eq!(
		bought["access"],
		json!([allowed, allowed, allowed, allowed,
			{ "allowed": false, "reason": "purposeNotCovered" },
			{ "allowed": false, "reason": "outsideSnapshot" }]),
		"{bought}"
	);
	// Eve and Ferdie have 2 posts each in the pool: half of the contributors' part each (up to
	// rounding); Dave's platform gets its share.
	let eve_share = env.pending_rewards(Eve) - eve_pending_before;
	assert!((parts[2] / 2).abs_diff(eve_share) <= 1, "Eve earns half: {eve_share} of {}", parts[2]);
	assert_eq!(env.pending_rewards(Dave) - dave_pending_before, parts[1]);

	// -- The platform checks its store against the license. -------------------------------
	let checked = all(vec![env.bridge(&["check-access", "--license", "0", "--store", &x_store])]);
	assert_eq!(checked[0]["tally"], json!({ "allowed": 4 }), "{}", checked[0]);

	// -- Eve claims, free (her first claim, more than the existential deposit): her balance
	// grows by her share. Charlie pays out Dave's platform share for him. -------------------
	let eve_account: AccountId = Eve.to_account_id();
	let before = env.node.free_balance(&eve_account);
	let claim = all(vec![env.bridge(&["claim", "--signer", "//Eve"])]).remove(0);
	let claimed = num(&claim["claimed"]);
	assert_eq!(claimed, num(&claim["pendingBefore"]));
	assert!(claimed >= eve_share && claimed > 0);
	assert_eq!(claim["fee"], Value::Null, "free: {claim}");
	assert_eq!(env.node.free_balance(&eve_account), before + claimed, "{claim}");
	assert_eq!(env.pending_rewards(Eve), 0);
	let dave_account: AccountId = Dave.to_account_id();
	let (dave_before, dave_pending) =
		(env.node.free_balance(&dave_account), env.pending_rewards(Dave));
	let args = ["claim", "--signer", "//Charlie", "--for", &address(Dave)];
	let paid = all(vec![env.bridge(&args)]).remove(0);
	assert_eq!((num(&paid["claimed"]), &paid["account"]), (dave_pending, &json!(address(Dave))));
	assert!(num(&paid["fee"]) > 0, "Charlie pays: {paid}");
	assert_eq!(env.node.free_balance(&dave_account), dave_before + dave_pending);

	// -- Ferdie withdraws (a signed deny, relayed): the license's feed shows it, and access to
	// Ferdie's posts is denied. ----------------------------------------------------------------
	let withdrawal = env.path("ferdie-withdraws.json");
	all(vec![env.bridge(&[
		"consent",
		"sign",
		"--signer",
		"//Ferdie",
		"--deny",
		"aiTraining",
		"--out",
		&withdrawal,
	])]);
	all(vec![relay(&withdrawal, Dave)]);
	let license = all(vec![env.buyer("license.mjs", &["--license", "0"])]).remove(0);
	let withdrawn = license["revocations"]
		.as_array()
		.expect("a list")
		.iter()
		.filter_map(|r| r["change"].get("consentWithdrawn"))
		.find(|c| c["account"] == json!(ferdie) && c["platform"] == json!(X))
		.unwrap_or_else(|| panic!("no withdrawal in the feed: {license}"))
		.clone();
	assert_eq!(withdrawn["purposes"], json!(["aiTraining"]));
	let checked = all(vec![env.bridge(&["check-access", "--license", "0", "--store", &x_store])]);
	assert_eq!(
		checked[0]["tally"],
		json!({ "allowed": 2, "consentWithdrawn": 2 }),
		"{}",
		checked[0]
	);

	// -- A post deleted at the source: Dave's bridge revokes it by its X id; access checks
	// refuse it and the license's feed lists it. Sent again, it is skipped. -------------------
	let deleted = checked[0]["posts"]
		.as_array()
		.expect("a list")
		.iter()
		.find(|p| p["decision"]["allowed"] == json!(true))
		.map(|p| p["post"]["post"]["x"]["id"].as_str().expect("an X id").to_string())
		.unwrap_or_else(|| panic!("no allowed post: {}", checked[0]));
	let revoke = || env.bridge(&["revoke", "--signer", "//Dave", "--store", &x_store, &deleted]);
	let revoked = all(vec![revoke()]).remove(0);
	assert_eq!((revoked["revoked"].clone(), revoked["transactions"].clone()), (json!(1), json!(1)));
	let again = all(vec![revoke()]).remove(0);
	assert_eq!((again["revoked"].clone(), again["alreadyRevoked"].clone()), (json!(0), json!(1)));
	let checked = all(vec![env.bridge(&["check-access", "--license", "0", "--store", &x_store])]);
	assert_eq!(
		checked[0]["tally"],
		json!({ "allowed": 1, "consentWithdrawn": 2, "postRevoked": 1 }),
		"{}",
		checked[0]
	);
	let license = all(vec![env.buyer("license.mjs", &["--license", "0"])]).remove(0);
	let fed = license["revocations"].as_array().expect("a list");
	assert!(fed.iter().any(|r| r["change"].get("postRevoked").is_some()), "{license}");
	let unknown = env.bridge(&["revoke", "--signer", "//Dave", "--store", &x_store, "42"]);
	assert!(unknown.fails().contains("not registered through this store: 42"));

	eprintln!("end to end in {:.0} s", started.elapsed().as_secs_f64());
	let status = env.node.stop();
	assert!(status.success(), "licentia-node exited with {status}");
}
