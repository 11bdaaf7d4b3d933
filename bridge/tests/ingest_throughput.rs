//! How fast `licentia-bridge` registers on one dev node: `ingest` from an export, `follow` from a
//! live source.
//!
//! Ignored by default (they take minutes); `scripts/bench-ingest` runs them and prints the
//! figures that docs/benchmarks.md records. Knobs (environment): `AUTHORS` and `BATCHES` for
//! `ingest_throughput`, `POSTS` and `WINDOW` for `follow_throughput`.

mod support;

use licentia_harness::{accepted_link, relayed_opt_in, tid, Node, TempDir};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{Bob, Eve};
use std::{
	process::Command,
	time::{Duration, Instant},
};
use support::{all, jetstream_post, Env, Jetstream, BLUESKY};

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
	let env = Env { node, dir: TempDir::new("ingest-bench") };
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
	let ingest = |file: &str, store: &str, extra: &[&str]| {
		// Registration only: activation waits for the challenge windows, which is not ingest.
		let mut args = vec!["ingest", "--platform", "3", "--signer", "//Dave", "--no-activate"];
		args.extend_from_slice(&["--store", store]);
		args.extend_from_slice(extra);
		args.push(file);
		let started = Instant::now();
		let summary = env.bridge(&args).finish();
		(summary, started.elapsed().as_secs_f64())
	};

	let unlinked =
		export("unlinked.json", (0..authors as u64).map(|i| (i + 1, i + 1_000)).collect());
	let (dry, seconds) = ingest(&unlinked, &env.path("dry.db"), &["--dry-run"]);
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
		let store = env.path(&format!("eve-{in_flight}.db"));
		let flags = ["--batch-posts", "1", "--in-flight", in_flight];
		let (summary, seconds) = ingest(&file, &store, &flags);
		assert_eq!(summary["registered"], json!(batches), "{summary}");
		println!(
			"registration, --in-flight {in_flight}: {batches} one-post batches finalized and \
			 recorded in {seconds:.1} s: {:.2} s per batch",
			seconds / batches as f64
		);
	}
}

/// Not part of the test suite (`scripts/bench-ingest` runs it): `follow` from a live source to
/// finalized registration. POSTS (default 4,096) posts by one opted-in author are waiting in a
/// Jetstream stand-in; timed from the follower's start (with `--window` WINDOW, default 2 s)
/// until every post is registered and recorded in the store.
#[test]
#[ignore]
fn follow_throughput() {
	use licentia_primitives::consent::Identity;
	let setting = |name: &str, default: u64| {
		std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
	};
	let (posts, window) = (setting("POSTS", 4_096), setting("WINDOW", 2));
	let mut node = Node::start("follow-bench", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let did = "did:plc:ragtjsm2j2vknwkz3zp4oxrd";
	let identity = Identity::Bluesky(did.as_bytes().to_vec().try_into().expect("short"));
	let link = accepted_link(BLUESKY, identity, &Eve.pair(), 0, genesis);
	node.submit_all(vec![(Bob, link), (Bob, relayed_opt_in(&Eve.pair(), genesis))]);
	let env = Env { node, dir: TempDir::new("follow-bench") };
	let source = Jetstream::start();
	for n in 0..posts {
		let rkey = tid((1_764_547_200_000_000 + n) << 10);
		source.push(jetstream_post(did, &rkey, &format!("post {n}")));
	}
	let store = env.path("bench.db");
	let started = Instant::now();
	let window = window.to_string();
	let args = [
		"follow",
		"--platform",
		"0",
		"--signer",
		"//Bob",
		"--store",
		&store,
		"--source",
		&source.url(),
		"--window",
		&window,
		"--metrics-port",
		"0",
	];
	let follower = env.bridge(&args);
	let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
	let registered = || {
		let Ok(db) = rusqlite::Connection::open_with_flags(&store, flags) else { return 0 };
		let query = "SELECT count(*) FROM posts p JOIN batches b ON b.key = p.batch
			WHERE b.state = 'registered'";
		db.query_row(query, [], |row| row.get::<_, i64>(0)).unwrap_or(0) as u64
	};
	let deadline = Instant::now() + Duration::from_secs(600);
	while registered() < posts {
		assert!(Instant::now() < deadline, "{} of {posts} registered after 600 s", registered());
		std::thread::sleep(Duration::from_millis(100));
	}
	let seconds = started.elapsed().as_secs_f64();
	println!(
		"follow: {posts} posts from the source to finalized registration in {seconds:.1} s \
		 (window {window} s): {:.0} posts/s",
		posts as f64 / seconds
	);
	Command::new("kill")
		.args(["-TERM", &follower.child.id().to_string()])
		.status()
		.expect("kill");
	let summary = follower.finish();
	assert_eq!(summary["registered"], json!(posts), "{summary}");
}
