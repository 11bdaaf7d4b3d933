//! How many records per second one gateway (`licentia-bridge serve`) serves, with an access
//! check and a proof for every record.
//!
//! Ignored by default (it takes minutes); `scripts/bench-gateway` runs it and prints the figures
//! that docs/benchmarks.md records. Knobs (environment): `POSTS` and `BUYERS`.
//!
//! Needs Node.js and the packages of `scripts/buyer-tools` (scripts/test installs them).

mod support;

use licentia_harness::{accepted_link, free_port, relayed_opt_in, Node, TempDir};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie};
use std::time::Instant;
use support::{all, signed_headers, stop, suri, wait_for_gateway, Env, X};

/// Not part of the test suite (`scripts/bench-gateway` runs it): records served per second by
/// one gateway (`licentia-bridge serve`) with access checks and proofs, to one buyer and to
/// BUYERS (default 4) at once. POSTS (default 20,000) X posts by one opted-in author are
/// registered in one batch and offered; each buyer buys a license and fetches every record in
/// pages of 1,000, each request signed, as `fetch.mjs` does (without its verification). Then
/// the same with capped licenses: their first page (which waits for the license's reservation)
/// timed apart, then pages and streams as above.
#[test]
#[ignore]
fn gateway_throughput() {
	use licentia_primitives::consent::Identity;
	let setting = |name: &str, default: usize| {
		std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
	};
	let (posts, buyers) = (setting("POSTS", 20_000), setting("BUYERS", 4).clamp(1, 4));
	let mut node = Node::start("gateway-bench", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	node.submit_all(vec![
		(Dave, accepted_link(X, Identity::X(2_244_994_945), &Eve.pair(), 0, genesis)),
		(Dave, relayed_opt_in(&Eve.pair(), genesis)),
	]);
	let env = Env { node, dir: TempDir::new("gateway-bench") };
	let data: Vec<Value> = (0..posts as u64)
		.map(|i| {
			json!({ "id_str": (1_000_000 + i).to_string(), "author_id": "2244994945",
				"text": format!("post {i}: some words of a typical length for a short post") })
		})
		.collect();
	let export = env.path("posts.json");
	std::fs::write(&export, json!({ "data": data }).to_string()).expect("a temp file");
	let store = env.path("x.db");
	let args = ["ingest", "--platform", "3", "--signer", "//Dave", "--store", &store, &export];
	assert_eq!(all(vec![env.bridge(&args)])[0]["registered"], json!(posts));
	// Each buyer holds an uncapped license and one capped above what the runs fetch (every run
	// fetches every record; the first buyer's license is used by all four runs of a kind).
	let offer = |name: &str, cap: Value| {
		let terms = env.path(name);
		let json = json!({ "purposes": ["aiTraining"], "duration": 10000, "recordCap": cap,
			"anonymisation": false, "attribution": true, "transferable": false,
			"redistribution": false, "commercialUse": true, "modelWeightsRelease": false,
			"legalHash": format!("0x{}", "1e".repeat(32)), "legalUri": null });
		std::fs::write(&terms, json.to_string()).expect("a temp file");
		let args =
			["offer", "--platform", "3", "--terms", &terms, "--per-record", "1000", "--signer"];
		all(vec![env.bridge(&[&args[..], &["//Dave"]].concat())]).remove(0)["offer"].to_string()
	};
	let (uncapped, capped) =
		(offer("terms.json", Value::Null), offer("capped.json", json!(4 * posts + 1)));
	let keys = [Alice, Bob, Charlie, Ferdie];
	let buy_each = |offer: &str| -> Vec<String> {
		keys[..buyers]
			.iter()
			.map(|who| {
				let bought =
					all(vec![env.buyer("buy.mjs", &["--offer", offer, "--suri", &suri(*who)])]);
				bought[0]["license"].to_string()
			})
			.collect()
	};
	let (licenses, capped_licenses) = (buy_each(&uncapped), buy_each(&capped));

	let port = free_port();
	let listen = format!("127.0.0.1:{port}");
	let args =
		["serve", "--platform", "3", "--signer", "//Dave", "--store", &store, "--listen", &listen];
	let gateway = env.bridge_logged(&args, &env.path("gateway.log"));
	wait_for_gateway(port);
	let origin = format!("http://127.0.0.1:{port}");
	let runtime = tokio::runtime::Runtime::new().expect("a runtime");
	let fetch = |who: Sr25519Keyring,
	             license: String,
	             gzip: bool,
	             stream: bool,
	             limit: usize,
	             once: bool| {
		let origin = origin.clone();
		async move {
			let client = reqwest::Client::new();
			let (mut cursor, mut records, mut bytes) = (None::<String>, 0usize, 0usize);
			loop {
				let mut path = format!("/v1/licenses/{license}/records?limit={limit}");
				if stream {
					path.push_str("&stream=true");
				}
				if let Some(cursor) = &cursor {
					path.push_str(&format!("&cursor={cursor}"));
				}
				let mut request = client
					.get(format!("{origin}{path}"))
					.header("accept-encoding", if gzip { "gzip" } else { "identity" });
				for (name, value) in signed_headers(who, genesis, Some((X, &origin)), &path) {
					request = request.header(name, value);
				}
				let response = request.send().await.expect("the gateway answers");
				assert!(response.status().is_success(), "{}", response.status());
				let next = response
					.headers()
					.get("licentia-next-cursor")
					.map(|v| v.to_str().expect("text").to_string());
				let body = response.bytes().await.expect("a body");
				bytes += body.len();
				let body = match gzip {
					true => {
						use std::io::Read;
						let mut text = String::new();
						flate2::read::GzDecoder::new(&body[..])
							.read_to_string(&mut text)
							.expect("gzip");
						text
					},
					false => String::from_utf8(body.to_vec()).expect("UTF-8"),
				};
				records += body.lines().filter(|line| !line.starts_with("{\"done\"")).count();
				match next {
					Some(next) if !once => cursor = Some(next),
					_ => return (records, bytes),
				}
			}
		}
	};
	let fetch_all = |who: Sr25519Keyring, license: String, gzip: bool, stream: bool| {
		fetch(who, license, gzip, stream, 1000, false)
	};
	// A capped license's first page waits for its reservation (finalized); timed on its own.
	for (who, license) in keys.iter().zip(&capped_licenses) {
		let started = Instant::now();
		let (served, _) = runtime.block_on(fetch(*who, license.clone(), false, false, 1, true));
		assert_eq!(served, 1);
		println!(
			"gateway: a capped license's first page (one record), its reservation included: \
			 {:.2} s",
			started.elapsed().as_secs_f64()
		);
	}
	let modes = [(1, false), (buyers, false), (1, true), (buyers, true)];
	let capped_modes = [(1, false), (buyers, false)];
	let runs = modes
		.iter()
		.map(|m| (false, false, *m))
		.chain(modes.iter().map(|m| (true, false, *m)))
		.chain(capped_modes.iter().map(|m| (false, true, *m)))
		.chain(capped_modes.iter().map(|m| (true, true, *m)));
	for (stream, capped, (concurrent, gzip)) in runs {
		let held = if capped { &capped_licenses } else { &licenses };
		let started = Instant::now();
		let (served, bytes): (usize, usize) = runtime.block_on(async {
			let fetches: Vec<_> = keys[..concurrent]
				.iter()
				.zip(held)
				.map(|(who, license)| tokio::spawn(fetch_all(*who, license.clone(), gzip, stream)))
				.collect();
			let (mut total, mut bytes) = (0, 0);
			for fetch in fetches {
				let (records, received) = fetch.await.expect("a fetch");
				total += records;
				bytes += received;
			}
			(total, bytes)
		});
		let seconds = started.elapsed().as_secs_f64();
		assert_eq!(served, posts * concurrent);
		println!(
			"gateway: {concurrent} buyer(s), {}{}{}, {served} records with access checks and \
			 proofs in {seconds:.2} s: {:.0} records/s, {} bytes a record received",
			if capped { "capped, " } else { "" },
			if stream { "one stream each" } else { "pages of 1,000" },
			if gzip { ", gzipped" } else { "" },
			served as f64 / seconds,
			bytes / served.max(1)
		);
	}
	stop(gateway);
}
