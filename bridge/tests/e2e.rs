//! End to end, as the three kinds of users meet the chain: a dev node; platforms link identities,
//! relay signed consent and ingest their exports with `licentia-bridge` (one ingest killed
//! mid-way and resumed); a Nostr user registers their own events; an AI buyer purchases through
//! `@polkadot/api` (scripts/buyer); access checks allow and deny with the right reasons; a
//! contributor claims their share; a consent withdrawal reaches the license's revocation feed.
//!
//! Needs Node.js and `scripts/buyer`'s packages (`npm ci` there; scripts/test does it).

#[path = "../../node/tests/common/mod.rs"]
mod common;

use common::Node;
use licentia_runtime::{AccountId, Balance};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie, One};
use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

const BLUESKY: u32 = 0; // dev preset: bsky.app, operated by Bob
const MASTODON: u32 = 1; // mastodon.social, operated by Charlie
const NOSTR: u32 = 2; // no operator: authors register their own events
const X: u32 = 3; // x.com, operated by Dave
/// The Nostr test key of bridge/testdata (see its README): never use it elsewhere.
const NOSTR_SECRET: &str = "60c3d7be835a8f575550e201eeaa632f6281bb8101d34c805de42eedb0e7e735";

fn repo() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR"))
		.parent()
		.expect("bridge/ is in the repository")
		.into()
}

fn testdata(name: &str) -> String {
	repo().join("bridge/testdata").join(name).display().to_string()
}

fn suri(who: Sr25519Keyring) -> String {
	format!("//{who:?}")
}

fn address(who: Sr25519Keyring) -> String {
	who.to_account_id().to_string()
}

/// A command running against the node; `finish` parses its one JSON document.
struct Run {
	what: String,
	child: Child,
}

impl Run {
	fn finish(self) -> Value {
		let output = self.child.wait_with_output().expect("the command runs");
		let stdout = String::from_utf8_lossy(&output.stdout);
		let stderr = String::from_utf8_lossy(&output.stderr);
		assert!(output.status.success(), "{} failed: {}\n{stderr}", self.what, output.status);
		serde_json::from_str(stdout.trim())
			.unwrap_or_else(|e| panic!("{} printed no JSON ({e}):\n{stdout}\n{stderr}", self.what))
	}

	/// Waits for a run that must fail, and returns what it printed on stderr.
	fn fails(self) -> String {
		let output = self.child.wait_with_output().expect("the command runs");
		assert!(!output.status.success(), "{} succeeded", self.what);
		String::from_utf8_lossy(&output.stderr).into_owned()
	}
}

struct Env {
	node: Node,
	dir: common::TempDir,
}

impl Env {
	fn url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.node.rpc_port)
	}

	fn path(&self, name: &str) -> String {
		self.dir.0.join(name).display().to_string()
	}

	fn bridge(&self, args: &[&str]) -> Run {
		let child = Command::new(env!("CARGO_BIN_EXE_licentia-bridge"))
			.args(["--url", &self.url(), "--json"])
			.args(args)
			.stdout(Stdio::piped())
			.stderr(Stdio::piped())
			.spawn()
			.expect("licentia-bridge starts");
		Run { what: format!("licentia-bridge {}", args.join(" ")), child }
	}

	fn buyer(&self, script: &str, args: &[&str]) -> Run {
		let child = Command::new("node")
			.arg(repo().join("scripts/buyer").join(script))
			.args(["--url", &self.url(), "--json"])
			.args(args)
			.stdout(Stdio::piped())
			.stderr(Stdio::piped())
			.spawn()
			.expect("Node.js runs (scripts/setup installs it)");
		Run { what: format!("{script} {}", args.join(" ")), child }
	}

	fn pending_rewards(&self, who: Sr25519Keyring) -> Balance {
		let answer = self.node.rpc("licentia_pendingRewards", json!([address(who)]));
		answer.as_str().and_then(|s| s.parse().ok()).expect("a decimal string")
	}
}

/// Runs the commands at once (each signer's transactions stay in order within its command) and
/// returns their JSON documents in the same order.
fn all(runs: Vec<Run>) -> Vec<Value> {
	runs.into_iter().map(Run::finish).collect()
}

fn num(value: &Value) -> u128 {
	match value {
		Value::Number(n) => n.as_u64().expect("a u64") as u128,
		Value::String(s) => s.parse().expect("a decimal string"),
		other => panic!("{other} is not a number"),
	}
}

/// The access queries a platform hands a buyer: the manifest's registered posts.
fn queries(manifest: &str, purpose: &str) -> Vec<Value> {
	let text = std::fs::read_to_string(manifest).expect("the manifest exists");
	text.lines()
		.map(|line| serde_json::from_str::<Value>(line).expect("JSON lines"))
		.filter(|entry| entry["type"] == "registered")
		.flat_map(|entry| entry["posts"].as_array().cloned().unwrap_or_default())
		.map(|post| {
			json!({ "purpose": purpose, "batch": post["batch"], "post": post["post"],
				"index": post["index"], "proof": post["proof"] })
		})
		.collect()
}

#[test]
fn platforms_buyers_and_contributors_end_to_end() {
	let started = Instant::now();
	let node = Node::start("e2e", &["--dev", "--tmp"]);
	let env = Env { node, dir: common::TempDir::new("e2e-files") };
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
	let x_manifest = env.path("x.jsonl");
	let ingest = |platform: u32,
	              signer: Sr25519Keyring,
	              file: &str,
	              manifest: &str,
	              extra: &[&str]| {
		let platform = platform.to_string();
		let signer = suri(signer);
		let mut args =
			vec!["ingest", "--platform", &platform, "--signer", &signer, "--manifest", manifest];
		args.extend_from_slice(extra);
		args.push(file);
		env.bridge(&args)
	};
	let mut killed =
		ingest(X, Dave, &testdata("x.json"), &x_manifest, &["--batch-posts", "2"]).child;
	let deadline = Instant::now() + Duration::from_secs(60);
	while !std::fs::read_to_string(&x_manifest).unwrap_or_default().contains("\"pending\"") {
		assert!(Instant::now() < deadline, "the X ingest never wrote a pending batch");
		std::thread::sleep(Duration::from_millis(20));
	}
	killed.kill().expect("the bridge can be killed");
	killed.wait().expect("the bridge stops");

	let (bluesky_manifest, mastodon_manifest, nostr_manifest) =
		(env.path("bluesky.jsonl"), env.path("mastodon.jsonl"), env.path("nostr.jsonl"));
	let ingested = all(vec![
		ingest(BLUESKY, Bob, &testdata("bluesky.jsonl"), &bluesky_manifest, &[]),
		ingest(MASTODON, Charlie, &testdata("mastodon.json"), &mastodon_manifest, &[]),
		ingest(NOSTR, Alice, &testdata("nostr.jsonl"), &nostr_manifest, &[]),
		ingest(X, Dave, &testdata("x.json"), &x_manifest, &["--batch-posts", "2"]),
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
	assert_eq!(x["manifestPosts"], json!(4), "{x}");
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
	let again = all(vec![ingest(X, Dave, &testdata("x.json"), &x_manifest, &[])]);
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

	let mut checks = queries(&x_manifest, "aiTraining");
	checks.push(queries(&x_manifest, "research")[0].clone());
	checks.push(queries(&bluesky_manifest, "aiTraining")[0].clone());
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

	// -- The platform checks its manifest against the license. -------------------------------
	let checked =
		all(vec![env.bridge(&["check-access", "--license", "0", "--manifest", &x_manifest])]);
	assert_eq!(checked[0]["tally"], json!({ "allowed": 4 }), "{}", checked[0]);

	// -- Eve claims: her balance grows by her share, less the fee. ---------------------------
	let eve_account: AccountId = Eve.to_account_id();
	let before = env.node.free_balance(&eve_account);
	let claim = all(vec![env.bridge(&["claim", "--signer", "//Eve"])]).remove(0);
	let (claimed, fee) = (num(&claim["claimed"]), num(&claim["fee"]));
	assert_eq!(claimed, num(&claim["pendingBefore"]));
	assert!(claimed >= eve_share && claimed > 0);
	assert_eq!(env.node.free_balance(&eve_account), before + claimed - fee, "{claim}");
	assert_eq!(env.pending_rewards(Eve), 0);

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
	let checked =
		all(vec![env.bridge(&["check-access", "--license", "0", "--manifest", &x_manifest])]);
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
	let revoke =
		|| env.bridge(&["revoke", "--signer", "//Dave", "--manifest", &x_manifest, &deleted]);
	let revoked = all(vec![revoke()]).remove(0);
	assert_eq!((revoked["revoked"].clone(), revoked["transactions"].clone()), (json!(1), json!(1)));
	let again = all(vec![revoke()]).remove(0);
	assert_eq!((again["revoked"].clone(), again["alreadyRevoked"].clone()), (json!(0), json!(1)));
	let checked =
		all(vec![env.bridge(&["check-access", "--license", "0", "--manifest", &x_manifest])]);
	assert_eq!(
		checked[0]["tally"],
		json!({ "allowed": 1, "consentWithdrawn": 2, "postRevoked": 1 }),
		"{}",
		checked[0]
	);
	let license = all(vec![env.buyer("license.mjs", &["--license", "0"])]).remove(0);
	let fed = license["revocations"].as_array().expect("a list");
	assert!(fed.iter().any(|r| r["change"].get("postRevoked").is_some()), "{license}");
	let unknown = env.bridge(&["revoke", "--signer", "//Dave", "--manifest", &x_manifest, "42"]);
	assert!(unknown.fails().contains("not registered through this manifest: 42"));

	eprintln!("end to end in {:.0} s", started.elapsed().as_secs_f64());
	let status = env.node.stop();
	assert!(status.success(), "licentia-node exited with {status}");
}

/// Not part of the test suite (`scripts/bench-ingest` runs it): how fast `ingest` works on a dev
/// node. A dry run over `AUTHORS` (default 4,096) unlinked X authors measures the consent
/// questions; then `BATCHES` (default 16) one-post batches by one opted-in author are
/// registered one at a time (`--in-flight 1`) and with the default window, timed from start to
/// the last batch finalized and recorded.
#[test]
#[ignore]
fn ingest_throughput() {
	let setting = |name: &str, default: usize| {
		std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
	};
	let (authors, batches) = (setting("AUTHORS", 4_096), setting("BATCHES", 16));
	let node = Node::start("ingest-bench", &["--dev", "--tmp"]);
	let env = Env { node, dir: common::TempDir::new("ingest-bench") };
	let export = |name: &str, posts: Vec<(u64, u64)>| {
		let data: Vec<Value> = posts
			.into_iter()
			.map(|(id, author)| {
				json!({ "id_str": id.to_string(), "author_id": author.to_string(),
					"text": format!("post {id}") })
			})
			.collect();
		let file = env.path(name);
		std::fs::write(&file, json!({ "data": data }).to_string()).expect("a temp file");
		file
	};
	let ingest = |file: &str, manifest: &str, extra: &[&str]| {
		// Registration only: activation waits for the challenge windows, which is not ingest.
		let mut args = vec!["ingest", "--platform", "3", "--signer", "//Dave", "--no-activate"];
		args.extend_from_slice(&["--manifest", manifest]);
		args.extend_from_slice(extra);
		args.push(file);
		let started = Instant::now();
		let summary = env.bridge(&args).finish();
		(summary, started.elapsed().as_secs_f64())
	};

	let unlinked =
		export("unlinked.json", (0..authors as u64).map(|i| (i + 1, i + 1_000)).collect());
	let (dry, seconds) = ingest(&unlinked, &env.path("dry.jsonl"), &["--dry-run"]);
	assert_eq!(dry["notOptedIn"], json!({ "not linked to an account": authors }), "{dry}");
	println!(
		"consent questions: {authors} authors in {seconds:.2} s: {:.0} authors/s",
		authors as f64 / seconds
	);

	let statement = env.path("eve.json");
	let acceptance = env.path("eve-link.json");
	let accept =
		["accept-link", "--platform", "3", "--identity", "x:2244994945", "--out", &acceptance];
	let link = ["link", "--acceptance", &acceptance];
	let sign = ["consent", "sign", "--allow", "aiTraining", "--out", &statement];
	let relay = ["consent", "relay", "--statement", &statement];
	let steps = [
		(&accept[..], "//Eve"),
		(&link[..], "//Dave"),
		(&sign[..], "//Eve"),
		(&relay[..], "//Dave"),
	];
	for (args, signer) in steps {
		all(vec![env.bridge(&[args, &["--signer", signer]].concat())]);
	}
	for (run, in_flight) in ["1", "4"].into_iter().enumerate() {
		let first = 1_000_000 * (run as u64 + 1);
		let posts = (first..first + batches as u64).map(|id| (id, 2_244_994_945)).collect();
		let file = export(&format!("eve-{in_flight}.json"), posts);
		let manifest = env.path(&format!("eve-{in_flight}.jsonl"));
		let flags = ["--batch-posts", "1", "--in-flight", in_flight];
		let (summary, seconds) = ingest(&file, &manifest, &flags);
		assert_eq!(summary["registered"], json!(batches), "{summary}");
		println!(
			"registration, --in-flight {in_flight}: {batches} one-post batches finalized and \
			 recorded in {seconds:.1} s: {:.2} s per batch",
			seconds / batches as f64
		);
	}
}

/// A run stopped with two batches pending: the first never reached the node, the second waits in
/// the pool's future queue for the first one's nonce. The resumed run fills that nonce with a
/// remark, so the second batch is included and found on chain; the first one's post is
/// registered again. Every post ends up registered once.
#[test]
fn a_resumed_ingest_fills_a_nonce_gap_and_finds_the_batch_queued_behind_it() {
	use codec::Encode;
	use licentia_primitives::{
		consent::Identity,
		content::{batch_root, PostId, PostRecord},
	};
	use licentia_runtime::{
		signing::{signed_extrinsic, ChainContext},
		RuntimeCall,
	};

	let mut node = Node::start("gap", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let author = Identity::X(2_244_994_945);
	let link = common::accepted_link(X, author.clone(), &Eve.pair(), 0, genesis);
	node.submit_all(vec![(Dave, link), (Dave, common::relayed_opt_in(&Eve.pair(), genesis))]);

	// Posts 1 and 2 of Eve's, as the bridge reads them from the export below.
	let record = |id: u64| PostRecord {
		platform: X,
		post: PostId::X { id },
		content_hash: sp_crypto_hashing::blake2_256(format!("post {id}").as_bytes()).into(),
		author: author.clone(),
	};
	let root = |id: u64| batch_root([record(id).leaf_hash()]);
	let nonce = node
		.rpc("system_accountNextIndex", json!([address(Dave)]))
		.as_u64()
		.expect("a nonce");
	let batches_before = node.rpc("licentia_batchCount", json!([]));
	// The second batch (post 1), signed with the nonce after the first's (post 2): it waits for
	// the gap. (In this order post 2 is registered after post 1, above its author's mark.)
	let queued = RuntimeCall::Content(pallet_content::Call::register_batch {
		platform: X,
		root: root(1),
		contributors: vec![pallet_content::Contribution {
			author: author.clone(),
			posts: 1,
			first_key: 1,
			last_key: 1,
		}]
		.try_into()
		.expect("one"),
	});
	let xt =
		signed_extrinsic(queued, &Dave.pair(), nonce as u32 + 1, ChainContext::immortal(genesis));
	node.rpc("author_submitExtrinsic", json!([common::to_hex(&xt.encode())]));

	let env = Env { node, dir: common::TempDir::new("gap-files") };
	let pending = |id: u64, nonce: u64| {
		json!({ "type": "pending", "root": root(id), "batchesBefore": batches_before,
			"nonce": nonce, "posts": [record(id)] })
		.to_string()
	};
	let manifest = env.path("x.jsonl");
	std::fs::write(&manifest, format!("{}\n{}\n", pending(2, nonce), pending(1, nonce + 1)))
		.expect("a temp file");
	let export = env.path("x.json");
	let posts: Vec<Value> = [1, 2]
		.map(|id| json!({ "id_str": id.to_string(), "author_id": "2244994945", "text": format!("post {id}") }))
		.into();
	std::fs::write(&export, json!({ "data": posts }).to_string()).expect("a temp file");

	let args =
		["ingest", "--platform", "3", "--signer", "//Dave", "--manifest", &manifest, &export];
	let summary = all(vec![env.bridge(&args)]).remove(0);
	assert_eq!(
		(&summary["registered"], &summary["manifestPosts"]),
		(&json!(2), &json!(2)),
		"{summary}"
	);
	assert_eq!(
		summary["batches"].as_array().map(Vec::len),
		Some(2),
		"the queued one and a new one"
	);
	let contributions = env.node.rpc("licentia_contributions", json!([address(Eve)]));
	assert_eq!(contributions, json!([[X, 2]]), "each post counted once");
	let finalized_nonce = env.node.rpc("system_accountNextIndex", json!([address(Dave)]));
	assert_eq!(
		finalized_nonce,
		json!(nonce + 5),
		"the remark, the queued batch, the new one, and the two batches' activations"
	);
}

#[test]
fn the_bridge_answers_a_leaf_request_and_activates_its_batch() {
	use licentia_primitives::consent::Identity;
	use licentia_runtime::RuntimeCall;

	let mut node = Node::start("answer", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let link = common::accepted_link(X, Identity::X(2_244_994_945), &Eve.pair(), 0, genesis);
	// Windows long enough for a request to be made and answered across processes: 8 blocks to
	// challenge, 4 to answer (governance's call; Alice holds the dev chain's Sudo key).
	let windows = pallet_content::ChallengeWindows { challenge: 8, answer: 4 };
	let set_windows = RuntimeCall::Content(pallet_content::Call::set_windows { windows });
	node.submit_all(vec![
		(Dave, link),
		(Dave, common::relayed_opt_in(&Eve.pair(), genesis)),
		(Alice, RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set_windows) })),
	]);

	let mut env = Env { node, dir: common::TempDir::new("answer-files") };
	let export = env.path("x.json");
	let posts: Vec<Value> = [11u64, 12, 13]
		.map(|id| json!({ "id_str": id.to_string(), "author_id": "2244994945", "text": format!("post {id}") }))
		.into();
	std::fs::write(&export, json!({ "data": posts }).to_string()).expect("a temp file");
	let manifest = env.path("x.jsonl");
	let args = [
		"ingest",
		"--platform",
		"3",
		"--signer",
		"//Dave",
		"--manifest",
		&manifest,
		"--no-activate",
		&export,
	];
	let summary = env.bridge(&args).finish();
	assert_eq!(
		(&summary["registered"], &summary["activated"]),
		(&json!(3), &json!([])),
		"{summary}"
	);
	let batch = summary["batches"][0].as_u64().expect("a batch");

	// Ferdie, a watcher, asks for leaf 1; Dave's bridge answers it from its manifest, then
	// activates the batch once the window ends.
	let ferdie_before = env.node.free_balance(&Ferdie.to_account_id());
	let request = pallet_content::Call::request_leaf { batch, index: 1 };
	env.node.submit_all(vec![(Ferdie, RuntimeCall::Content(request))]);
	let view = env.node.rpc("licentia_batch", json!([batch]));
	assert_eq!(view["requests"][0]["index"], json!(1), "{view}");
	let dave_before = env.node.free_balance(&Dave.to_account_id());
	let summary = env
		.bridge(&["activate", "--signer", "//Dave", "--manifest", &manifest, "--wait"])
		.finish();
	assert_eq!(summary["answered"], json!([[batch, 1]]), "{summary}");
	assert_eq!(summary["activated"], json!([batch]), "{summary}");
	let view = env.node.rpc("licentia_batch", json!([batch]));
	assert_eq!((&view["pendingUntil"], &view["requests"]), (&Value::Null, &json!([])), "{view}");
	let contributions = env.node.rpc("licentia_contributions", json!([address(Eve)]));
	assert_eq!(contributions, json!([[X, 3]]));
	// The bond is back (less the answer's and the activation's fees), and Ferdie's deposit
	// paid for the answer.
	let dave_after = env.node.free_balance(&Dave.to_account_id());
	let bond = licentia_runtime::UNIT + 3 * licentia_runtime::MILLI_UNIT;
	assert!(dave_after > dave_before + bond / 2, "{dave_before} -> {dave_after}");
	let ferdie_after = env.node.free_balance(&Ferdie.to_account_id());
	let deposit = 100 * licentia_runtime::MILLI_UNIT;
	assert!(ferdie_after < ferdie_before - deposit, "{ferdie_before} -> {ferdie_after}");
}
