//! Access-check throughput: how many record access checks per second one 2-core dev node answers
//! through `licentia_checkAccessBatch`, the method platforms call before serving records.
//!
//! Ignored by default (it takes a minute); `scripts/bench-access` runs it and prints the figures
//! that docs/benchmarks.md records. Knobs (environment): `AUTHORS` (default 64) and
//! `POSTS_PER_AUTHOR` (default 64) make one batch of AUTHORS x POSTS_PER_AUTHOR posts, all of it
//! licensed; `QUERIES` (per request, default and maximum 4096), `CLIENTS` (concurrent HTTP
//! clients, default 4) and `SECONDS` (default 20).

use licentia_harness::*;
use licentia_primitives::{
	consent::{Identity, Purpose},
	content::{batch_proof, batch_root, PostId, PostRecord},
	licensing::{AccessDecision, AccessQuery, Price},
};
use licentia_runtime::{RuntimeCall, UNIT};
use serde_json::{json, Value};
use sp_core::{sr25519, Pair, H256};
use sp_keyring::Sr25519Keyring::{Alice, Dave};
use std::{
	sync::atomic::{AtomicU64, Ordering},
	time::{Duration, Instant},
};

const X_PLATFORM: u32 = 3; // dev preset: X, operated by Dave

fn env(name: &str, default: u32) -> u32 {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
#[ignore = "a benchmark: run it with scripts/bench-access"]
fn access_throughput() {
	let authors = env("AUTHORS", 64);
	let posts_per_author = env("POSTS_PER_AUTHOR", 64);
	let queries = env("QUERIES", 4096) as usize;
	let clients = env("CLIENTS", 4);
	let seconds = env("SECONDS", 20);
	let mut node = Node::start("access", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);

	// Dave (the X bridge) links the authors and relays their signed opt-ins.
	let pairs: Vec<sr25519::Pair> = (0..authors)
		.map(|i| sr25519::Pair::from_string(&format!("//reader/{i}"), None).expect("valid seed"))
		.collect();
	let links = pairs
		.iter()
		.enumerate()
		.map(|(i, pair)| accepted_link(X_PLATFORM, Identity::X(i as u64), pair, 0, genesis))
		.collect();
	let opt_ins = pairs.iter().map(|pair| relayed_opt_in(pair, genesis)).collect();
	let utility = |calls| RuntimeCall::Utility(pallet_utility::Call::batch_all { calls });
	node.submit_all(vec![(Dave, utility(links)), (Dave, utility(opt_ins))]);

	// One batch of their posts, terms, an offer of it, and Alice's license.
	let posts: Vec<PostRecord> = (0..authors as u64)
		.flat_map(|a| {
			(0..posts_per_author as u64).map(move |p| {
				sealed(PostRecord {
					platform: X_PLATFORM,
					post: PostId::X { id: 1_800_000_000_000_000_000 + (a << 20) + p },
					content_hash: H256::repeat_byte(p as u8),
					author: Identity::X(a),
					salt: Default::default(),
					text_seal: Default::default(),
				})
			})
		})
		.collect();
	let leaves: Vec<H256> = posts.iter().map(PostRecord::leaf_hash).collect();
	let contributors = layout(&posts).try_into().expect("AUTHORS <= MaxContributorsPerBatch");
	let terms = training_terms(100_000);
	let licensing = RuntimeCall::Licensing;
	let registered = node.submit_all(vec![
		(
			Dave,
			RuntimeCall::Content(pallet_content::Call::register_batch {
				platform: X_PLATFORM,
				root: batch_root(leaves.iter().copied()),
				anonymous_root: anonymous_root(&posts),
				contributors,
			}),
		),
		(Dave, licensing(pallet_licensing::Call::register_terms { terms })),
		(
			Dave,
			licensing(pallet_licensing::Call::create_offer {
				platform: X_PLATFORM,
				terms: 0,
				price: Price::PerRecord(UNIT / 1_000),
			}),
		),
	]);
	node.activate_all(&registered[..1], &[&posts]);
	node.submit_all(vec![(
		Alice,
		licensing(pallet_licensing::Call::purchase { offer: 0, max_price: u128::MAX }),
	)]);

	// The requests: `queries` records of the batch, spread over it, each with its proof.
	let access: Vec<AccessQuery> = (0..queries)
		.map(|q| {
			let index = (q * posts.len() / queries) as u32;
			AccessQuery {
				license: 0,
				purpose: Purpose::AiTraining,
				batch: 0,
				post: posts[index as usize].clone(),
				index,
				proof: batch_proof(leaves.clone(), index),
			}
		})
		.collect();
	let body =
		json!({ "jsonrpc": "2.0", "id": 1, "method": "licentia_checkAccessBatch", "params": [access] })
			.to_string();

	// Correctness first: every record of the license is allowed, through JSON and SCALE.
	let answer = rpc_call(node.rpc_port, "licentia_checkAccessBatch", json!([access]))
		.unwrap_or_else(|e| node.fail(&format!("checkAccessBatch failed: {e}")));
	assert_eq!(answer, Value::Array(vec![json!({ "allowed": true }); queries]));
	// For comparison, the same runtime API through the generic `state_call` (hex-encoded SCALE
	// in JSON): the best of five calls.
	let runtime_only = (0..5)
		.map(|_| {
			let start = Instant::now();
			let decisions: Vec<AccessDecision> =
				node.runtime_call("LicensingApi_check_access_batch", &access);
			assert_eq!(decisions, vec![Ok(()); queries]);
			start.elapsed()
		})
		.min()
		.expect("five calls");

	// Throughput: `clients` threads post the same request back to back for `seconds`.
	let checked = AtomicU64::new(0);
	let requests = AtomicU64::new(0);
	let port = node.rpc_port;
	let deadline = Instant::now() + Duration::from_secs(seconds as u64);
	let start = Instant::now();
	std::thread::scope(|scope| {
		for _ in 0..clients {
			scope.spawn(|| {
				while Instant::now() < deadline {
					let response = http_post(port, &body).expect("the node answers");
					assert!(
						response.starts_with(
							"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"allowed\":true}"
						),
						"unexpected answer: {}",
						&response[..response.len().min(300)]
					);
					checked.fetch_add(queries as u64, Ordering::Relaxed);
					requests.fetch_add(1, Ordering::Relaxed);
				}
			});
		}
	});
	let elapsed = start.elapsed().as_secs_f64();
	let (checked, requests) = (checked.into_inner(), requests.into_inner());
	println!(
		"access-check throughput: {checked} checks in {requests} requests of {queries} \
		 ({} KiB of JSON each; {authors} authors x {posts_per_author} posts, proofs of {} hashes), \
		 {clients} clients, {elapsed:.1} s: {:.0} checks/s, {:.0} ms per request; \
		 the same runtime API through the generic state_call (hex-encoded SCALE), best of 5: {:.0} ms = {:.0} checks/s",
		body.len() / 1024,
		access[0].proof.len(),
		checked as f64 / elapsed,
		elapsed * 1000.0 * clients as f64 / requests as f64,
		runtime_only.as_secs_f64() * 1000.0,
		queries as f64 / runtime_only.as_secs_f64(),
	);
	node.stop();
}
