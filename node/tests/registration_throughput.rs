//! Registration throughput: how many posts per second one 2-core dev node registers.
//!
//! Ignored by default (it takes minutes); `scripts/bench-registration` runs it and prints the
//! figures that docs/benchmarks.md records. Knobs (environment): `AUTHORS` (distinct authors
//! per batch, default 4096), `POSTS_PER_AUTHOR` (default 16), `BATCHES` (default 20).

use codec::Encode;
use licentia_harness::*;
use licentia_primitives::{
	consent::Identity,
	content::{batch_root, PostId, PostRecord},
};
use licentia_runtime::{
	signing::{signed_extrinsic, ChainContext},
	Runtime, RuntimeCall, RuntimeEvent,
};
use serde_json::json;
use sp_core::{sr25519, Pair, H256};
use sp_keyring::Sr25519Keyring;
use std::time::{Duration, Instant};

const X_PLATFORM: u32 = 3; // dev preset: X, operated by Dave

fn env(name: &str, default: u32) -> u32 {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Submitter {
	rpc_port: u16,
	signer: sr25519::Pair,
	nonce: u32,
	context: ChainContext,
}

impl Submitter {
	fn submit(&mut self, call: RuntimeCall) {
		let xt = signed_extrinsic(call, &self.signer, self.nonce, self.context);
		rpc_call(self.rpc_port, "author_submitExtrinsic", json!([to_hex(&xt.encode())]))
			.unwrap_or_else(|e| panic!("submission {} rejected: {e}", self.nonce));
		self.nonce += 1;
	}
}

/// Waits until `count` events matching `is_match` have been deposited since block `from`;
/// returns the blocks they were in.
fn wait_events(
	node: &mut Node,
	from: u32,
	count: usize,
	timeout: Duration,
	is_match: impl Fn(&RuntimeEvent) -> bool,
) -> Vec<u32> {
	let mut seen = Vec::new();
	let mut next = from;
	node.wait_for("events", timeout, |n| {
		let best = n.block_number(false);
		while next <= best {
			let hits = n.events(n.block_hash(next)).iter().filter(|e| is_match(e)).count();
			seen.extend(std::iter::repeat_n(next, hits));
			next += 1;
		}
		(seen.len() >= count).then_some(())
	});
	seen
}

#[test]
#[ignore = "a benchmark: run it with scripts/bench-registration"]
fn registration_throughput() {
	let authors = env("AUTHORS", 4096);
	let posts_per_author = env("POSTS_PER_AUTHOR", 16);
	let batches = env("BATCHES", 20);
	let mut node = Node::start(
		"throughput",
		&["--dev", "--tmp", "--pool-limit", "100000", "--pool-kbytes", "512000"],
	);
	let genesis = node.block_hash(0);
	let context = ChainContext::immortal(genesis);
	let mut dave = Submitter {
		rpc_port: node.rpc_port,
		signer: Sr25519Keyring::Dave.pair(),
		nonce: 0,
		context,
	};

	// Setup: Dave (the X bridge) links `authors` X accounts, and relays their signed opt-ins.
	let setup_start = Instant::now();
	let start_block = node.block_number(false);
	let author_pairs: Vec<sr25519::Pair> = (0..authors)
		.map(|i| sr25519::Pair::from_string(&format!("//author/{i}"), None).expect("valid seed"))
		.collect();
	for chunk in (0..authors).collect::<Vec<_>>().chunks(256) {
		let calls = chunk
			.iter()
			.map(|i| {
				accepted_link(
					X_PLATFORM,
					Identity::X(*i as u64),
					&author_pairs[*i as usize],
					0,
					genesis,
				)
			})
			.collect();
		dave.submit(RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }));
	}
	// A relayed opt-in weighs its worst case (an account with the most identities, each
	// settled): 64 of them fit a block's normal class, 256 no longer do.
	const OPT_INS_PER_CALL: usize = 64;
	for chunk in (0..authors).collect::<Vec<_>>().chunks(OPT_INS_PER_CALL) {
		let calls = chunk
			.iter()
			.map(|i| relayed_opt_in(&author_pairs[*i as usize], genesis))
			.collect();
		dave.submit(RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }));
	}
	let setup_calls = (authors.div_ceil(256) + authors.div_ceil(OPT_INS_PER_CALL as u32)) as usize;
	wait_events(&mut node, start_block, setup_calls, Duration::from_secs(600), |e| {
		matches!(e, RuntimeEvent::Utility(pallet_utility::Event::BatchCompleted))
	});
	eprintln!("setup: {authors} authors linked and opted in in {:?}", setup_start.elapsed());

	// The batches: every author has `posts_per_author` posts in each.
	let submit_block = node.block_number(false);
	let submit_start = Instant::now();
	for b in 0..batches as u64 {
		let leaves = (0..authors as u64).flat_map(|a| {
			(0..posts_per_author as u64).map(move |p| {
				PostRecord {
					platform: X_PLATFORM,
					post: PostId::X { id: (b << 40) | (a << 16) | p },
					content_hash: H256::repeat_byte(p as u8),
					author: Identity::X(a),
					salt: Default::default(),
					text_seal: Default::default(),
				}
				.leaf_hash()
			})
		});
		let root = batch_root(leaves);
		// Each author's posts in this batch have keys `(b << 40) | (a << 16) | p`: above every
		// key of the batches before.
		let contributors: Vec<pallet_content::Contribution> = (0..authors as u64)
			.map(|a| {
				let first_key = (b << 40) | (a << 16);
				pallet_content::Contribution {
					author: Identity::X(a),
					posts: posts_per_author,
					first_key,
					last_key: first_key + posts_per_author as u64 - 1,
				}
			})
			.collect();
		dave.submit(RuntimeCall::Content(pallet_content::Call::register_batch {
			platform: X_PLATFORM,
			root,
			// Never sampled here: what it commits to does not matter to registration's cost.
			anonymous_root: H256::zero(),
			contributors: contributors.try_into().expect("AUTHORS <= MaxContributorsPerBatch"),
		}));
	}
	let blocks =
		wait_events(&mut node, submit_block, batches as usize, Duration::from_secs(900), |e| {
			matches!(e, RuntimeEvent::Content(pallet_content::Event::BatchRegistered { .. }))
		});
	let (first, last) = (blocks[0], blocks[blocks.len() - 1]);
	let span_blocks = last - first + 1;
	let posts = batches as u64 * authors as u64 * posts_per_author as u64;
	let seconds = span_blocks as f64 * (licentia_runtime::MILLI_SECS_PER_BLOCK as f64 / 1000.0);

	// Block fill: the normal-class weight each block used, against its limit.
	let max_normal = <Runtime as frame_system::Config>::BlockWeights::get()
		.get(frame_support::dispatch::DispatchClass::Normal)
		.max_total
		.map(|w| w.ref_time())
		.unwrap_or(u64::MAX);
	let key = frame_system::BlockWeight::<Runtime>::hashed_key();
	let mut fills = Vec::new();
	for n in first..=last {
		let used: frame_support::dispatch::PerDispatchClass<frame_support::weights::Weight> =
			node.storage(&key, Some(node.block_hash(n))).unwrap_or_default();
		let normal = used.get(frame_support::dispatch::DispatchClass::Normal).ref_time();
		fills.push(normal as f64 / max_normal as f64 * 100.0);
	}
	let mean_fill = fills.iter().sum::<f64>() / fills.len() as f64;
	println!(
		"registration throughput: {posts} posts in {batches} batches of {authors} authors x {posts_per_author} posts, \
		 included in blocks #{first}..=#{last} ({span_blocks} blocks, {seconds:.0} s of chain time, \
		 {:.1} s wall clock): {:.0} posts/s; normal-class block fill {:.1}% mean, per block {:?}",
		submit_start.elapsed().as_secs_f64(),
		posts as f64 / seconds,
		mean_fill,
		fills.iter().map(|f| format!("{f:.0}%")).collect::<Vec<_>>(),
	);
	node.stop();
}
