mod anonymous;

use super::{schema::LEAF_FORMAT_2, *};
use crate::post::source_id;
use licentia_primitives::content::batch_proof;
use std::time::Instant;

fn post(n: u64) -> Post {
	Post::from_record(PostRecord {
		platform: 3,
		post: PostId::X { id: n },
		content_hash: Hash::repeat_byte(n as u8),
		author: Identity::X(n / 16),
		salt: Default::default(),
		text_seal: Default::default(),
	})
}

fn temp_store(name: &str) -> (PathBuf, Store) {
	let dir = std::env::temp_dir().join(format!("store-{name}-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let path = dir.join("store.db");
	let _ = std::fs::remove_file(&path);
	let store = Store::open(&path).unwrap();
	(dir, store)
}

#[test]
fn a_batch_goes_from_pending_to_registered_with_every_proof() {
	let (dir, mut store) = temp_store("register");
	let posts: Vec<Post> = (0..37).map(post).collect();
	let leaves: Vec<Hash> = posts.iter().map(|p| p.record.leaf_hash()).collect();
	let root = licentia_primitives::content::batch_root(leaves.clone());
	store.add_pending(3, root, 5, 9, &posts).unwrap();
	assert!(store.contains(3, &PostId::X { id: 4 }).unwrap(), "taken while pending");
	assert_eq!(store.len().unwrap(), 0);
	assert_eq!(store.pending().unwrap()[0].nonce, 9);
	assert_eq!(store.register(root, 7, Hash::zero()).unwrap(), 37);
	assert!(store.pending().unwrap().is_empty());
	for (index, leaf) in leaves.iter().enumerate() {
		let got = store.get(3, &posts[index].record.post).unwrap().unwrap();
		assert_eq!((got.batch, got.index), (7, index as u32));
		assert_eq!(got.proof, batch_proof(leaves.clone(), index as u32));
		assert!(licentia_primitives::content::verify_batch_proof(
			&root,
			&got.proof,
			37,
			index as u32,
			*leaf
		));
	}
	// A second batch with the same posts cannot be recorded: a post is in one batch.
	assert!(store.add_pending(3, Hash::repeat_byte(1), 8, 10, &posts[..1]).is_err());
	// Revocation marks, withdrawals by source id and by author.
	let by_id = store.withdrawn(None, &Withdrawal::Post("4".into())).unwrap();
	assert_eq!(by_id.len(), 1);
	store.mark_revoked(&by_id).unwrap();
	assert!(store.withdrawn(None, &Withdrawal::Post("4".into())).unwrap().is_empty());
	assert_eq!(store.count_by_source(Some(3), "4").unwrap(), 1);
	let by_author = store.withdrawn(Some(3), &Withdrawal::Author(Identity::X(0))).unwrap();
	assert_eq!(by_author.len(), 15, "author 0's 16 posts less the revoked one");
	std::fs::remove_dir_all(dir).unwrap();
}

/// A store of leaf format 1 holding posts is refused with what to do; an empty one, or one
/// made by this bridge, opens. Its keys are made once and kept.
#[test]
fn a_store_of_posts_read_for_the_first_leaf_format_is_refused() {
	let (dir, mut store) = temp_store("format");
	let key = store.salt_key().unwrap().0;
	assert_eq!(store.salt_key().unwrap().0, key, "kept");
	assert_ne!(store.gateway_secret().unwrap(), key, "one key per use");
	// Back to version 4's schema: the later migrations run again.
	let back = |store: &Store| {
		store.connection.execute_batch(anonymous::UNDO_FORMAT_3).unwrap();
		store
			.connection
			.execute_batch(
				"ALTER TABLE batches DROP COLUMN released;
				DROP TABLE IF EXISTS used_signatures;
				DROP TABLE IF EXISTS allowances;
				DROP TABLE IF EXISTS recording_counts;
				DROP TABLE IF EXISTS recordings;
				DROP TABLE IF EXISTS owed;",
			)
			.unwrap();
		store.connection.pragma_update(None, "user_version", LEAF_FORMAT_2 - 1).unwrap();
	};
	back(&store);
	drop(store);
	let mut store = Store::open(&dir.join("store.db")).expect("no posts: migrated");
	assert_eq!(store.salt_key().unwrap().0, key);
	store.enqueue(&[post(1)], &[], None).unwrap();
	back(&store);
	drop(store);
	let error = Store::open(&dir.join("store.db")).err().expect("refused").to_string();
	assert!(error.contains("holds 1 posts read by a bridge of leaf format 1"), "{error}");
	assert!(error.contains("into a new store"), "{error}");
	std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_queue_keeps_each_post_once_with_its_cursor() {
	let (dir, mut store) = temp_store("queue");
	let posts: Vec<Post> = (0..3).map(post).collect();
	let withdrawal = (3, Withdrawal::Post("1".into()), "deleted".to_string());
	assert_eq!(
		store
			.enqueue(&posts, std::slice::from_ref(&withdrawal), Some(("s", "10")))
			.unwrap(),
		3
	);
	// Read again after a rewind: nothing new.
	assert_eq!(
		store
			.enqueue(&posts[1..], std::slice::from_ref(&withdrawal), Some(("s", "12")))
			.unwrap(),
		0
	);
	assert_eq!(store.cursor("s").unwrap().as_deref(), Some("12"));
	assert_eq!(store.queue_len().unwrap(), 3);
	assert!(store.knows(3, &withdrawal.1).unwrap());
	assert_eq!(store.withdrawals().unwrap(), vec![withdrawal.clone()]);
	assert_eq!(store.withdraw_queued(3, &withdrawal.1).unwrap(), 1);
	let queued = store.queued(now()).unwrap();
	assert_eq!(queued.len(), 2);
	assert!(store.queued(now() - 3600).unwrap().is_empty(), "nothing an hour old");
	store.dequeue(&queued).unwrap();
	store.withdrawal_done(3, &withdrawal.1).unwrap();
	assert_eq!((store.queue_len().unwrap(), store.withdrawals().unwrap().len()), (0, 0));
	std::fs::remove_dir_all(dir).unwrap();
}

/// A streamed Mastodon deletion names a status id: it finds the status (queued or in a
/// batch) through an index, not a scan.
#[test]
fn a_status_is_found_by_its_id() {
	let (dir, mut store) = temp_store("status");
	let status = |id: u64| {
		let uri = format!("https://social.example/users/alice/statuses/{id}");
		let mut post = post(id);
		post.record.post = PostId::Mastodon { uri: uri.into_bytes().try_into().expect("short") };
		post.record.author =
			Identity::Mastodon(b"alice@social.example".to_vec().try_into().unwrap());
		post
	};
	let (queued, batched) = (status(113_000_000_000_000_001), status(113_000_000_000_000_002));
	store.enqueue(std::slice::from_ref(&queued), &[], None).unwrap();
	store
		.add_pending(3, Hash::repeat_byte(2), 0, 0, std::slice::from_ref(&batched))
		.unwrap();
	for post in [&queued, &batched] {
		let id = source_id(&post.record.post);
		let status = id.rsplit('/').next().unwrap();
		assert_eq!(store.status_uri(3, status).unwrap(), Some(id.clone()));
	}
	assert_eq!(store.status_uri(3, "113000000000000003").unwrap(), None);
	assert_eq!(store.status_uri(4, "113000000000000001").unwrap(), None, "another platform");
	for table in ["posts", "queue"] {
		let plan: String = store
			.connection
			.query_row(
				&format!("EXPLAIN QUERY PLAN SELECT source FROM {table} WHERE platform = 3 AND {STATUS_ID} = '1'"),
				[],
				|row| row.get(3),
			)
			.unwrap();
		assert!(plan.contains(&format!("USING INDEX {table}_by_status")), "{plan}");
	}
	std::fs::remove_dir_all(dir).unwrap();
}

/// The gateway's pages: every post once, in order, from any cursor, read in index order.
#[test]
fn pages_follow_the_store_order_from_a_cursor() {
	let (dir, mut store) = temp_store("pages");
	for (n, root) in [(0..5u64, 1u8), (5..8, 2)] {
		let posts: Vec<Post> = n.map(post).collect();
		let root = Hash::repeat_byte(root);
		store.add_pending(3, root, 0, 0, &posts).unwrap();
		store.register(root, u64::from(root[0]), Hash::zero()).unwrap();
	}
	let mut after = Cursor::default();
	let mut seen = Vec::new();
	loop {
		let page = store.page(3, after, 3, false).unwrap();
		let Some((last, _)) = page.last() else { break };
		after = *last;
		seen.extend(page.into_iter().map(|(_, served)| served.post.post.post.clone()));
	}
	assert_eq!(seen, (0..8).map(|n| PostId::X { id: n }).collect::<Vec<_>>());
	assert!(store.page(4, Cursor::default(), 3, false).unwrap().is_empty(), "another platform");
	let plan: String = store
		.connection
		.query_row(
			"EXPLAIN QUERY PLAN SELECT 1 FROM posts p WHERE +p.platform = 3 AND (p.batch, p.leaf) > (0, 0) ORDER BY p.batch, p.leaf",
			[],
			|row| row.get(3),
		)
		.unwrap();
	assert!(plan.contains("posts_by_batch"), "{plan}");
	std::fs::remove_dir_all(dir).unwrap();
}

/// The follower's reader and registrar each have a connection to one store.
#[test]
fn two_connections_see_each_others_writes() {
	let (dir, mut registrar) = temp_store("two");
	let mut reader = Store::open(&dir.join("store.db")).unwrap();
	let posts: Vec<Post> = (0..5).map(post).collect();
	reader.enqueue(&posts, &[], Some(("s", "1"))).unwrap();
	let due = registrar.queued(now()).unwrap();
	assert_eq!(due.len(), 5);
	for p in &due {
		assert!(!registrar.contains(3, &p.record.post).unwrap());
	}
	let leaves: Vec<Hash> = due.iter().map(|p| p.record.leaf_hash()).collect();
	let root = licentia_primitives::content::batch_root(leaves);
	registrar.add_pending(3, root, 0, 0, &due).unwrap();
	reader.enqueue(&posts, &[], Some(("s", "2"))).unwrap();
	registrar.register(root, 0, Hash::zero()).unwrap();
	registrar.dequeue(&due).unwrap();
	let third = Store::open(&dir.join("store.db")).unwrap();
	assert_eq!((third.len().unwrap(), third.queue_len().unwrap()), (5, 0));
	std::fs::remove_dir_all(dir).unwrap();
}

/// Processes that open one new store at once (a follower's reader and registrar, a gateway)
/// each bring it to the latest schema, and no step is applied twice.
#[test]
fn stores_opened_at_once_migrate_once() {
	for round in 0..8 {
		let dir =
			std::env::temp_dir().join(format!("store-at-once-{}-{round}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("store.db");
		let barrier = std::sync::Barrier::new(6);
		std::thread::scope(|scope| {
			let opened: Vec<_> = (0..6)
				.map(|_| {
					scope.spawn(|| {
						barrier.wait();
						Store::open(&path).map(|_| ())
					})
				})
				.collect();
			for open in opened {
				open.join().unwrap().unwrap();
			}
		});
		let store = Store::open(&path).unwrap();
		let version: usize = store
			.connection
			.pragma_query_value(None, "user_version", |row| row.get(0))
			.unwrap();
		assert_eq!(version, schema::MIGRATIONS.len());
		std::fs::remove_dir_all(dir).unwrap();
	}
}

/// `scripts/bench-ingest`: the proofs of a 65,536-post batch, one tree pass against one
/// tree per leaf (timed on 256 leaves and scaled), and recording the batch in the store.
#[test]
#[ignore]
fn proofs_of_a_65536_post_batch() {
	const POSTS: u64 = 65_536;
	let posts: Vec<Post> = (0..POSTS).map(post).collect();
	let leaves: Vec<Hash> = posts.iter().map(|p| p.record.leaf_hash()).collect();

	let started = Instant::now();
	let all = batch_proofs(&leaves);
	let one_pass = started.elapsed().as_secs_f64();
	let sample = 256;
	let started = Instant::now();
	for index in 0..sample {
		assert_eq!(batch_proof(leaves.clone(), index), all[index as usize]);
	}
	let per_leaf = started.elapsed().as_secs_f64() / sample as f64;
	println!(
		"proofs of {POSTS} posts: one pass {one_pass:.3} s; one tree per leaf {:.1} s \
		 ({:.2} ms per leaf, timed on {sample} leaves)",
		per_leaf * POSTS as f64,
		per_leaf * 1e3
	);

	let (dir, mut store) = temp_store("bench");
	let root = licentia_primitives::content::batch_root(leaves);
	let started = Instant::now();
	store.add_pending(3, root, 0, 0, &posts).unwrap();
	let pending = started.elapsed().as_secs_f64();
	let started = Instant::now();
	store.register(root, 0, Hash::zero()).unwrap();
	let registered = started.elapsed().as_secs_f64();
	store.connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
	println!(
		"store: {POSTS} posts written pending in {pending:.2} s, registered with their \
		 proofs in {registered:.2} s; {:.1} MB on disk after a checkpoint",
		["store.db", "store.db-wal"]
			.iter()
			.map(|f| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len()))
			.sum::<u64>() as f64
			/ 1e6
	);
	std::fs::remove_dir_all(dir).unwrap();
}

/// A recording of `counts` (license, count), signed with `nonce`.
fn recording(nonce: u64, counts: &[(u64, u64)]) -> Recording {
	Recording {
		hash: [nonce as u8; 32],
		nonce,
		born: 100,
		dies: 131,
		extrinsic: vec![nonce as u8; 40],
		counts: counts.iter().copied().collect(),
		reserves: false,
	}
}

/// Deliveries owed move into a recording and leave the store only when it is settled: recorded
/// (gone), or never included (owed again, added to what was served since).
#[test]
fn owed_deliveries_move_into_a_recording_and_out_only_when_settled() {
	let (dir, mut store) = temp_store("owed");
	store.owe(7, 3).unwrap();
	store.owe(7, 2).unwrap();
	store.owe(9, 1).unwrap();
	store.owe(11, 0).unwrap();
	assert_eq!(store.owed(10).unwrap(), BTreeMap::from([(7, 5), (9, 1)]));
	assert_eq!(store.owed(1).unwrap(), BTreeMap::from([(7, 5)]), "at most `limit` licenses");
	assert_eq!((store.owed_to(7).unwrap(), store.owed_to(11).unwrap()), (5, 0));

	let first = recording(4, &[(7, 5), (9, 1)]);
	assert!(store.start_recording(&first).unwrap());
	assert!(store.owed(10).unwrap().is_empty(), "in the recording, not owed twice");
	assert_eq!(store.recordings().unwrap(), vec![first.clone()]);
	// Served meanwhile: owed beside the recording.
	store.owe(7, 4).unwrap();
	assert_eq!(store.owed_to(7).unwrap(), 4);

	// Never included: its counts are owed again, with what was served since.
	assert!(store.not_recorded(&first.hash).unwrap());
	assert!(!store.not_recorded(&first.hash).unwrap(), "settled once");
	assert_eq!(store.owed(10).unwrap(), BTreeMap::from([(7, 9), (9, 1)]));
	assert!(store.recordings().unwrap().is_empty());

	// Included: gone for good.
	let second = recording(5, &[(7, 9), (9, 1)]);
	assert!(store.start_recording(&second).unwrap());
	assert!(store.recorded(&second.hash).unwrap());
	assert!(!store.recorded(&second.hash).unwrap());
	assert!(store.owed(10).unwrap().is_empty() && store.recordings().unwrap().is_empty());
	std::fs::remove_dir_all(dir).unwrap();
}

/// What was owed and what was being recorded survive the process (a crash: the store is closed
/// without a word and opened again), and a recording that counts more than is owed (another
/// gateway on the store recorded part of it meanwhile) changes nothing.
#[test]
fn owed_deliveries_survive_a_crash_and_are_recorded_once_across_gateways() {
	let (dir, mut store) = temp_store("owed-crash");
	let path = dir.join("store.db");
	store.owe(1, 10).unwrap();
	store.owe(2, 20).unwrap();
	let recording_of_one = recording(8, &[(1, 10)]);
	assert!(store.start_recording(&recording_of_one).unwrap());
	store.owe(2, 1).unwrap();
	drop(store);

	let mut gateway = Store::open(&path).unwrap();
	let mut other = Store::open(&path).unwrap();
	assert_eq!(gateway.owed(10).unwrap(), BTreeMap::from([(2, 21)]));
	assert_eq!(gateway.recordings().unwrap(), vec![recording_of_one.clone()]);
	// Both read 21 owed to license 2; the first to store its recording takes them.
	let (mine, theirs) = (recording(9, &[(2, 21)]), recording(10, &[(2, 21)]));
	assert!(other.start_recording(&theirs).unwrap());
	assert!(!gateway.start_recording(&mine).unwrap(), "less is owed than it counts");
	assert_eq!(gateway.recordings().unwrap().len(), 2, "{mine:?} was not stored");
	// Both settle the same recording: its counts are owed again once.
	assert!(other.not_recorded(&theirs.hash).unwrap());
	assert!(!gateway.not_recorded(&theirs.hash).unwrap());
	assert_eq!(gateway.owed_to(2).unwrap(), 21);
	std::fs::remove_dir_all(dir).unwrap();
}

/// A reservation is stored before it is submitted like a recording, but owes nothing: settled,
/// it adds what the chain granted to the allowance (nothing if it was never included), and each
/// delivery served is taken from the allowance and owed in one step, never beyond it, by however
/// many gateways share the store.
#[test]
fn allowances_grow_by_what_the_chain_granted_and_serve_no_more() {
	let (dir, mut store) = temp_store("allowances");
	let path = dir.join("store.db");
	assert_eq!(store.take(3, 10).unwrap(), (0, 0), "nothing reserved yet");

	let asked = Recording { reserves: true, ..recording(1, &[(3, 500)]) };
	assert!(store.start_recording(&asked).unwrap(), "a reservation owes nothing first");
	assert!(store.owed(10).unwrap().is_empty());
	// Never included: nothing granted, nothing owed.
	assert!(store.not_recorded(&asked.hash).unwrap());
	assert!(store.owed(10).unwrap().is_empty());
	assert_eq!(store.allowance(3).unwrap(), (0, 0));

	// Included: the chain granted 120 of the 500 asked (what the cap left).
	let asked = Recording { reserves: true, ..recording(2, &[(3, 500)]) };
	assert!(!store.reserving(3).unwrap());
	assert!(store.start_recording(&asked).unwrap());
	assert!(store.reserving(3).unwrap() && !store.reserving(4).unwrap(), "on its way");
	assert!(store.reserved(&asked.hash, &BTreeMap::from([(3, 120)])).unwrap());
	assert!(!store.reserved(&asked.hash, &BTreeMap::from([(3, 120)])).unwrap(), "settled once");
	assert!(!store.reserving(3).unwrap());
	assert_eq!(store.allowance(3).unwrap(), (120, 120));

	assert_eq!(store.take(3, 100).unwrap(), (100, 20));
	assert_eq!(store.owed_to(3).unwrap(), 100, "what is served is owed");
	assert_eq!(store.take(3, 100).unwrap(), (20, 0), "no more than the allowance");
	assert_eq!(store.take(3, 100).unwrap(), (0, 0));
	assert_eq!(store.owed_to(3).unwrap(), 120);

	// Eight gateways taking at once from one allowance serve it exactly once.
	let asked = Recording { reserves: true, ..recording(3, &[(3, 1_000)]) };
	assert!(store.start_recording(&asked).unwrap());
	assert!(store.reserved(&asked.hash, &BTreeMap::from([(3, 1_000)])).unwrap());
	let taken: u64 = std::thread::scope(|scope| {
		let gateways: Vec<_> = (0..8)
			.map(|_| {
				let path = path.clone();
				scope.spawn(move || {
					let mut store = Store::open(&path).unwrap();
					let mut taken = 0;
					loop {
						match store.take(3, 7).unwrap() {
							(0, _) => return taken,
							(n, _) => taken += n,
						}
					}
				})
			})
			.collect();
		gateways.into_iter().map(|g| g.join().unwrap()).sum()
	});
	assert_eq!(taken, 1_000);
	assert_eq!(store.owed_to(3).unwrap(), 1_120);
	std::fs::remove_dir_all(dir).unwrap();
}
