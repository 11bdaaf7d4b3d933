//! Gateways on several machines: two `licentia-bridge serve` instances, each serving from its own
//! copy of the registering bridge's store, share one ledger in PostgreSQL (`--ledger`; Debian's
//! `postgresql`, started by the test): one cap, one replay cache, one set of pseudonyms, and
//! every delivery recorded once.
//!
//! Needs PostgreSQL's server programs (scripts/setup installs Debian's `postgresql`) and, to buy,
//! Node.js with the packages of `scripts/buyer-tools` (scripts/test installs them).

mod support;

use licentia_harness::{free_port, Postgres};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::Alice;
use support::{
	buy, http_get_with, num, registered_x_posts, signed_headers, stop, wait_for_gateway, x_offer, X,
};

/// X posts of two authors are ingested into one store, copied for a second machine; Alice buys
/// a license capped at 3, an uncapped one and an anonymised one. Two gateways on the two copies,
/// behind one public name and on one PostgreSQL ledger:
/// - the capped license's allowance, reserved by one, is served by both; then six requests at
///   once, alternating between them, are served exactly what the cap leaves (409 only for
///   nothing left);
/// - a request served by one is refused by the other (a replay);
/// - the anonymised license's records carry the same pseudonyms from both;
/// - what both served of the uncapped license is recorded on chain once they stop, exactly.
#[test]
fn gateways_on_two_machines_share_one_ledger() {
	let postgres = Postgres::start("gateways");
	let (env, genesis) = registered_x_posts("gateway-postgres");
	let (store, copy) = (env.path("x.db"), env.path("copy.db"));
	// The second machine's copy, as `sqlite3 x.db ".backup copy.db"` makes it.
	rusqlite::Connection::open(&store)
		.and_then(|db| db.execute("VACUUM INTO ?1", [&copy]))
		.expect("the store is copied");
	let capped = buy(&env, &x_offer(&env, "capped.json", false, json!(3)));
	let open = buy(&env, &x_offer(&env, "open.json", false, Value::Null));
	let anonymous = buy(&env, &x_offer(&env, "anonymous.json", true, Value::Null));

	let (one, two) = (free_port(), free_port());
	let name = format!("http://127.0.0.1:{one}");
	let serve = |port: u16, store: &str, log: &str| {
		let listen = format!("127.0.0.1:{port}");
		let args = ["serve", "--platform", "3", "--signer", "//Dave", "--store", store];
		let shared = ["--ledger", &postgres.url, "--public-url", &name, "--listen", &listen];
		env.bridge_logged(&[&args[..], &shared[..]].concat(), &env.path(log))
	};
	let gateways = [serve(one, &store, "one.log"), serve(two, &copy, "two.log")];
	wait_for_gateway(one);
	wait_for_gateway(two);
	// A page of `license` from the gateway at `port`, signed anew: its status line and records.
	let page = |port: u16, license: &str, limit: u32| {
		let path = format!("/v1/licenses/{license}/records?limit={limit}");
		let response =
			http_get_with(port, &path, &signed_headers(Alice, genesis, Some((X, &name)), &path));
		let status = response.lines().next().unwrap_or_default().to_owned();
		let records: Vec<Value> = response
			.lines()
			.filter(|line| line.starts_with("{\"cursor\""))
			.map(|line| serde_json::from_str(line).expect("a JSON record"))
			.collect();
		(status, records, response)
	};

	// One allowance: the first machine reserves the cap and serves a record of it; the second
	// serves the next from that allowance (on a ledger of its own, it would find the cap
	// reserved by another and answer 409).
	for port in [one, two] {
		let (status, records, response) = page(port, &capped, 1);
		assert!(status.contains(" 200 ") && records.len() == 1, "{response}");
	}
	// One cap: six requests at once over the two machines are served the last record, each
	// refused only when nothing is left.
	let (page, capped) = (&page, &capped);
	let served: usize = std::thread::scope(|scope| {
		let runs: Vec<_> = [one, two, one, two, one, two]
			.into_iter()
			.map(|port| scope.spawn(move || page(port, capped, 2)))
			.collect();
		runs.into_iter()
			.map(|run| {
				let (status, records, response) = run.join().expect("a request");
				if status.contains(" 409 ") {
					assert!(response.contains("capReached"), "{response}");
				} else {
					assert!(status.contains(" 200 ") && !records.is_empty(), "{response}");
				}
				records.len()
			})
			.sum()
	});
	assert_eq!(served, 1, "the cap, served whole over two machines");

	// One replay cache: served by one machine, refused by the other.
	let path = format!("/v1/licenses/{open}/records?limit=1");
	let signed = signed_headers(Alice, genesis, Some((X, &name)), &path);
	let first = http_get_with(two, &path, &signed);
	assert!(first.contains(" 200 "), "{first}");
	let replayed = http_get_with(one, &path, &signed);
	assert!(replayed.contains(" 401 ") && replayed.contains("already made"), "{replayed}");

	// One set of pseudonyms: the anonymised license's first page, from each machine (3 records:
	// the post the chain's sample opened with its anonymous leaf is never delivered anonymised).
	let authors = |port: u16| {
		let (status, records, response) = page(port, &anonymous, 4);
		assert!(status.contains(" 200 ") && records.len() == 3, "{response}");
		records
			.iter()
			.map(|r| r["author"].as_str().expect("a pseudonym").to_owned())
			.collect()
	};
	let (from_one, from_two): (Vec<String>, Vec<String>) = (authors(one), authors(two));
	assert_eq!(from_one, from_two, "one pseudonym per author, whichever machine serves");
	let distinct: std::collections::BTreeSet<_> = from_one.iter().collect();
	assert!(
		from_one.iter().all(|a| a.starts_with("author-")) && distinct.len() == 2,
		"{from_one:?}"
	);

	// Every delivery recorded once: the uncapped license from both machines, then stopped.
	for port in [one, two] {
		let (status, records, response) = page(port, &open, 4);
		assert!(status.contains(" 200 ") && records.len() == 4, "{response}");
	}
	for gateway in gateways {
		stop(gateway);
	}
	let delivered = |license: &str| {
		let id: u64 = license.parse().expect("an id");
		num(&env.node.rpc("licentia_license", json!([id]))["delivered"]) as u64
	};
	// The replayed request's one record, and two pages of four (of three, anonymised) from each
	// license.
	assert_eq!(delivered(&open), 1 + 8);
	assert_eq!(delivered(&anonymous), 6);
	assert_eq!(delivered(capped), 3);
}
