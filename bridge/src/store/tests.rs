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
		store
			.connection
			.execute_batch(
				"DROP INDEX IF EXISTS posts_by_anonymous;
				ALTER TABLE posts DROP COLUMN anonymous;
				ALTER TABLE posts DROP COLUMN anonymous_index;
				ALTER TABLE posts DROP COLUMN anonymous_proof;
				ALTER TABLE posts DROP COLUMN exposed;
				ALTER TABLE queue DROP COLUMN anonymous;
				ALTER TABLE batches DROP COLUMN anonymous_root;
				ALTER TABLE batches DROP COLUMN released;
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

/// Leaf format 3: a registered batch's posts get their places in its anonymous tree (sorted by
/// leaf), an anonymised license's pages follow that order and leave out what a sample exposed,
/// and the opening of a sampled post holds against the batch's anonymous root.
#[test]
fn an_anonymised_page_follows_the_anonymous_tree_and_skips_exposed_posts() {
	use licentia_primitives::anonymous;
	let (dir, mut store) = temp_store("anonymous");
	let key = store.salt_key().unwrap();
	let posts: Vec<Post> = (0..9)
		.map(|n| {
			let mut post = post(n);
			let blind = crate::post::blind(&key, &post.record);
			post.anonymous = anonymous::anonymous_leaf(
				&anonymous::anonymous_key(&blind),
				&Hash::repeat_byte(n as u8),
			);
			post.record.text_seal = anonymous::text_seal(&blind, &post.anonymous);
			post
		})
		.collect();
	let root = Hash::repeat_byte(1);
	store.add_pending(3, root, 0, 0, &posts).unwrap();
	store.register(root, 5, Hash::zero()).unwrap();
	let mut tree: Vec<Hash> = posts.iter().map(|p| p.anonymous).collect();
	anonymous::anonymous_order(&mut tree);
	let anonymous_root = licentia_primitives::content::batch_root(tree.clone());

	let page = |store: &Store| store.page(3, Cursor::default(), 100, true).unwrap();
	let served = page(&store);
	let leaves: Vec<Hash> =
		served.iter().map(|(_, s)| s.anonymous.as_ref().unwrap().leaf).collect();
	assert_eq!(leaves, tree, "the anonymous order");
	for (cursor, s) in &served {
		let place = s.anonymous.as_ref().unwrap();
		assert_eq!(cursor.leaf, i64::from(place.index));
		assert!(licentia_primitives::content::verify_batch_proof(
			&anonymous_root,
			&place.proof,
			9,
			place.index,
			place.leaf
		));
	}
	// The chain samples leaf 4: its opening holds, and it is never served anonymised again.
	let opening = store.anonymous_opening(&key, 5, 4).unwrap().expect("placed");
	assert!(opening.opens(&posts[4].record.text_seal, &anonymous_root, 9));
	store.mark_exposed(5, 4).unwrap();
	let served = page(&store);
	assert_eq!(served.len(), 8);
	assert!(served.iter().all(|(_, s)| s.post.post != posts[4].record));
	assert_eq!(store.page(3, Cursor::default(), 100, false).unwrap().len(), 9, "in full");
	// The status of a delivered record is found by its anonymous cursor.
	let (cursor, s) = &served[0];
	let found = store.at_positions(3, &[*cursor], true).unwrap();
	assert_eq!(found[0].1.post, s.post.post);
	let _ = std::fs::remove_dir_all(dir);
}

/// A batch registered under leaf format 2 (its records' last field the scrubbed hash) gets an
/// anonymous tree from the store's key: none until its root is on chain and placed.
#[test]
fn a_format_2_batch_gets_its_anonymous_tree_once_committed() {
	use licentia_primitives::anonymous;
	let (dir, mut store) = temp_store("legacy");
	let key = store.salt_key().unwrap();
	let posts: Vec<Post> = (0..5)
		.map(|n| {
			let mut post = post(n);
			post.record.text_seal = Hash::repeat_byte(n as u8 + 1);
			post
		})
		.map(|post| Post { anonymous: Hash::zero(), ..post })
		.collect();
	let root = Hash::repeat_byte(2);
	store.add_pending(3, root, 0, 0, &posts).unwrap();
	// As a bridge before spec 116 stored it: no anonymous leaves.
	store.connection.execute("UPDATE posts SET anonymous = NULL", []).unwrap();
	store.register(root, 7, Hash::zero()).unwrap();
	assert_eq!(store.without_anonymous_root().unwrap(), vec![7]);
	assert!(store.page(3, Cursor::default(), 100, true).unwrap().is_empty());
	let (anonymous_root, placed) = store.legacy_anonymous(&key, 7).unwrap();
	for (post, (_, _, leaf)) in posts.iter().zip(&placed) {
		let blind = crate::post::blind(&key, &post.record);
		let scrubbed = post.record.text_seal;
		assert_eq!(*leaf, anonymous::anonymous_leaf(&anonymous::anonymous_key(&blind), &scrubbed));
	}
	assert_eq!(store.place_legacy(7, &placed).unwrap(), anonymous_root);
	assert!(store.without_anonymous_root().unwrap().is_empty());
	assert_eq!(store.page(3, Cursor::default(), 100, true).unwrap().len(), 5);
	let _ = std::fs::remove_dir_all(dir);
}

/// The attacker of issue 30, on the places of records: given the public contributor list of a
/// batch (each author's range of leaves) and the places an anonymised license's records come
/// with, it names each record's author by the range its place falls in. On the layout's places
/// (what anonymised records carried before leaf format 3) it is always right; on the anonymous
/// tree's it does no better than chance (matching authors in proportion to their posts), so it
/// can fail and does not.
#[test]
fn a_records_anonymous_place_tells_nothing_of_its_author() {
	use licentia_primitives::{anonymous, content::ranges};
	let (dir, mut store) = temp_store("attacker");
	let key = store.salt_key().unwrap();
	// Eight authors with 16, 32, ..., 128 posts: 576 in one batch, laid out author by author.
	let mut posts = Vec::new();
	for author in 0..8u64 {
		for n in 0..16 * (author + 1) {
			let mut post = Post::from_record(PostRecord {
				platform: 3,
				post: PostId::X { id: (author << 32) | n },
				content_hash: Hash::repeat_byte(n as u8),
				author: Identity::X(author),
				salt: Default::default(),
				text_seal: Default::default(),
			});
			let blind = crate::post::blind(&key, &post.record);
			let scrubbed = Hash::from(sp_crypto_hashing::blake2_256(&n.to_le_bytes()));
			post.anonymous =
				anonymous::anonymous_leaf(&anonymous::anonymous_key(&blind), &scrubbed);
			post.record.text_seal = anonymous::text_seal(&blind, &post.anonymous);
			posts.push(post);
		}
	}
	let records: Vec<PostRecord> = posts.iter().map(|p| p.record.clone()).collect();
	let public = ranges(&records);
	let root = Hash::repeat_byte(3);
	store.add_pending(3, root, 0, 0, &posts).unwrap();
	store.register(root, 1, Hash::zero()).unwrap();
	let named_by_place = |place: i64| {
		let mut start = 0i64;
		for (author, count, ..) in &public {
			if place < start + i64::from(*count) {
				return author.clone();
			}
			start += i64::from(*count);
		}
		unreachable!("every place is in a range")
	};
	let right = |anonymous: bool| {
		let served = store.page(3, Cursor::default(), 1_000, anonymous).unwrap();
		assert_eq!(served.len(), 576);
		let hits = served
			.iter()
			.filter(|(cursor, served)| named_by_place(cursor.leaf) == served.post.post.author)
			.count();
		hits as f64 / served.len() as f64
	};
	// Chance: a guess that names authors in proportion to their posts is right this often.
	let chance: f64 = public.iter().map(|(_, n, ..)| (f64::from(*n) / 576.0).powi(2)).sum();
	assert_eq!(right(false), 1.0, "the layout's place names every author");
	let anonymous = right(true);
	// Four standard deviations of a chance rate over 576 records.
	let spread = 4.0 * (chance * (1.0 - chance) / 576.0).sqrt();
	assert!(
		(anonymous - chance).abs() < spread,
		"the anonymous place named {anonymous:.3} of authors, chance {chance:.3}"
	);
	let _ = std::fs::remove_dir_all(dir);
}

/// A store of schema 9 (leaf format 2) with a queued post: opened by this bridge, the post is
/// sealed anew (its last field was its scrubbed hash, which its anonymous leaf is made of), so it
/// is registered under format 3.
#[test]
fn a_queued_post_of_format_2_is_sealed_anew() {
	use licentia_primitives::anonymous;
	let (dir, mut store) = temp_store("seal-queued");
	let key = store.salt_key().unwrap();
	let mut queued = post(1);
	let scrubbed = Hash::repeat_byte(0x5c);
	queued.record.text_seal = scrubbed;
	store.enqueue(&[queued.clone()], &[], None).unwrap();
	store
		.connection
		.execute_batch(
			"DROP INDEX posts_by_anonymous;
			ALTER TABLE posts DROP COLUMN anonymous;
			ALTER TABLE posts DROP COLUMN anonymous_index;
			ALTER TABLE posts DROP COLUMN anonymous_proof;
			ALTER TABLE posts DROP COLUMN exposed;
			ALTER TABLE queue DROP COLUMN anonymous;
			ALTER TABLE batches DROP COLUMN anonymous_root;",
		)
		.unwrap();
	store
		.connection
		.pragma_update(None, "user_version", schema::LEAF_FORMAT_3 - 1)
		.unwrap();
	drop(store);
	let store = Store::open(&dir.join("store.db")).unwrap();
	let sealed = store.queued(i64::MAX).unwrap().remove(0);
	let blind = crate::post::blind(&key, &sealed.record);
	let leaf = anonymous::anonymous_leaf(&anonymous::anonymous_key(&blind), &scrubbed);
	assert_eq!(sealed.anonymous, leaf);
	assert_eq!(sealed.record.text_seal, anonymous::text_seal(&blind, &leaf));
	drop(store);
	// Opened again: nothing left to seal, nothing changed.
	let store = Store::open(&dir.join("store.db")).unwrap();
	assert_eq!(store.queued(i64::MAX).unwrap().remove(0), sealed);
	let _ = std::fs::remove_dir_all(dir);
}
