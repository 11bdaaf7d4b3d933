//! Metering, as a platform's operator and a buyer meet it: a gateway killed or stopped at any
//! moment loses no delivery of an uncapped license (what the buyer received is what the chain
//! records, within the documented bound), stops within its stop timeout, and answers concurrent
//! requests without failing reads of a healthy node.
//!
//! Needs Node.js and the packages of `scripts/buyer-tools` (scripts/test installs them).

mod support;

use licentia_harness::free_port;
use serde_json::{json, Value};
use std::{
	collections::BTreeMap,
	sync::atomic::{AtomicBool, Ordering},
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use support::{buy, http_get, num, registered_x_posts, wait_for_gateway, x_offer, Env, Run};

/// How long a gateway may take to stop after SIGTERM: its wait for what it served to be
/// recorded (20 s, docs/operators.md) and a margin.
const STOP_WITHIN: Duration = Duration::from_secs(26);

/// Records per page the buyer asks for: a SIGKILL can cost at most one page in flight.
const LIMIT: u64 = 1;

/// A gateway is killed (SIGKILL) or stopped (SIGTERM) at random moments while a buyer fetches
/// pages of three uncapped licenses from it, and started again; at the end, the chain has
/// recorded, for each license, what the buyer received, plus at most one page per SIGKILL (a page
/// metered and not received whole: docs/gateway.md). Each SIGTERM stop takes less than
/// [`STOP_WITHIN`], though it records three licenses. Before that, many concurrent requests that
/// each read the node are all answered.
#[test]
fn a_gateway_killed_at_any_moment_records_every_delivery_once() {
	let env = setup();
	let store = env.path("x.db");
	let offer = offer(&env);
	let licenses: Vec<String> = (0..3).map(|_| buy(&env, &offer)).collect();
	let port = free_port();
	let serve = |env: &Env| {
		let listen = format!("127.0.0.1:{port}");
		let args = ["serve", "--platform", "3", "--signer", "//Dave", "--store", &store];
		let run = env.bridge_logged(&[&args[..], &["--listen", &listen]].concat(), &log(env));
		wait_for_gateway(port);
		run
	};

	// Concurrent reads of the node through one connection: none fails (the node allows a
	// follow subscription 16 operations at once, which subxt's default backend went beyond).
	let gateway = serve(&env);
	let answers: Vec<String> = std::thread::scope(|scope| {
		let asked: Vec<_> = (0..48)
			.map(|_| scope.spawn(|| (0..4).map(|_| http_get(port, "/health")).collect::<Vec<_>>()))
			.collect();
		asked.into_iter().flat_map(|a| a.join().expect("a thread")).collect()
	});
	let failed: Vec<&String> = answers.iter().filter(|a| !a.contains(" 200 ")).collect();
	assert!(failed.is_empty(), "{} of {} failed: {:?}", failed.len(), answers.len(), failed[0]);

	let seed = SystemTime::now().duration_since(UNIX_EPOCH).expect("time").as_nanos() as u64 | 1;
	eprintln!("kill schedule seed {seed}");
	let mut random = Random(seed);
	let buying = AtomicBool::new(true);
	let (received, kills) = std::thread::scope(|scope| {
		let buyer = scope.spawn(|| buyer(&env, &licenses, port, &buying));
		let mut gateway = Some(gateway);
		let mut kills = 0;
		for round in 0..8 {
			std::thread::sleep(Duration::from_millis(500 + random.next() % 4_500));
			let run = gateway.take().expect("a gateway runs");
			if random.next().is_multiple_of(2) {
				kill(run);
				kills += 1;
				eprintln!("round {round}: SIGKILL");
			} else {
				let took = terminate(run);
				eprintln!("round {round}: SIGTERM, stopped in {took:?}");
				assert!(took < STOP_WITHIN, "stopping took {took:?}: see {}", log(&env));
			}
			gateway = Some(serve(&env));
		}
		buying.store(false, Ordering::SeqCst);
		let received = buyer.join().expect("the buyer");
		kill(gateway.take().expect("a gateway runs"));
		(received, kills)
	});

	// Started once more, the gateway records what the store says is owed, and stops.
	let gateway = serve(&env);
	let deadline = Instant::now() + Duration::from_secs(240);
	while unsettled(&store) > 0 {
		assert!(Instant::now() < deadline, "deliveries still owed: see {}", log(&env));
		std::thread::sleep(Duration::from_secs(1));
	}
	assert!(terminate(gateway) < STOP_WITHIN);
	for license in &licenses {
		let id: u64 = license.parse().expect("a license id");
		let recorded = num(&env.node.rpc("licentia_license", json!([id]))["delivered"]) as u64;
		let received = received.get(license).copied().unwrap_or(0);
		eprintln!("license {license}: received {received}, recorded {recorded}, {kills} SIGKILLs");
		assert!(received > 0, "the buyer was served");
		assert!(
			received <= recorded && recorded <= received + kills * LIMIT,
			"license {license}: the buyer received {received} records, the chain recorded \
			 {recorded}, with {kills} SIGKILLs (seed {seed}; see {})",
			log(&env)
		);
	}
	let Env { node, dir: _dir } = env;
	node.stop();
}

/// A dev node with two opted-in X authors whose 4 posts the store at `x.db` registered.
fn setup() -> Env {
	registered_x_posts("gateway-metering").0
}

/// An uncapped offer of the X posts.
fn offer(env: &Env) -> Value {
	x_offer(env, "terms.json", false, Value::Null)
}

fn log(env: &Env) -> String {
	env.path("gateway.log")
}

/// Fetches every record of each license in turn, a page of [`LIMIT`] at a time, each run from
/// the start (into a fresh directory), until `buying` is false; the records received whole, per
/// license (`fetch.mjs` writes a page's records once the page is whole and verified).
fn buyer(env: &Env, licenses: &[String], port: u16, buying: &AtomicBool) -> BTreeMap<String, u64> {
	let gateway = format!("http://127.0.0.1:{port}");
	let mut received = BTreeMap::new();
	// A failed run (the gateway down) is tried again on the same license: each license is
	// fetched in turn once per success, however the kills fall.
	let (mut run, mut served) = (0, 0);
	while buying.load(Ordering::SeqCst) {
		let license = &licenses[served % licenses.len()];
		let out = env.path(&format!("fetch-{run}"));
		let args =
			["--license", license, "--suri", "//Alice", "--gateway", &gateway, "--out", &out];
		let limit = LIMIT.to_string();
		let fetch = env.buyer("fetch.mjs", &[&args[..], &["--limit", &limit]].concat());
		let succeeded = fetch.child.wait_with_output().is_ok_and(|o| o.status.success());
		let records = std::fs::read_to_string(format!("{out}/records.jsonl")).unwrap_or_default();
		*received.entry(license.clone()).or_default() += records.lines().count() as u64;
		if succeeded {
			served += 1;
		} else {
			// The gateway is down: it is started again soon.
			std::thread::sleep(Duration::from_millis(300));
		}
		run += 1;
	}
	received
}

/// Kills `run` (SIGKILL) and waits for it.
fn kill(mut run: Run) {
	run.child.kill().expect("killed");
	run.child.wait().expect("waited for");
}

/// Stops `run` with SIGTERM; how long it took.
fn terminate(run: Run) -> Duration {
	let start = Instant::now();
	support::stop(run);
	start.elapsed()
}

/// Deliveries owed or being recorded in the store at `path` (0 while it cannot be read).
fn unsettled(path: &str) -> i64 {
	let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
	let Ok(store) = rusqlite::Connection::open_with_flags(path, flags) else { return 0 };
	let query = "SELECT (SELECT count(*) FROM owed) + (SELECT count(*) FROM recordings)";
	store.query_row(query, [], |row| row.get(0)).unwrap_or(0)
}

/// xorshift64: the kill schedule, from a seed the test prints.
struct Random(u64);

impl Random {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 << 13;
		self.0 ^= self.0 >> 7;
		self.0 ^= self.0 << 17;
		self.0
	}
}
