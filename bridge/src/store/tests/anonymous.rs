//! Leaf format 3 in the store: anonymous trees, what an anonymised license is served, the
//! attacker on records' places, and the migration of format-2 posts.

use super::*;

/// Schema 10 (leaf format 3) undone: a store as schema 9 left it.
pub(super) const UNDO_FORMAT_3: &str = "DROP INDEX posts_by_anonymous;
	ALTER TABLE posts DROP COLUMN anonymous;
	ALTER TABLE posts DROP COLUMN anonymous_index;
	ALTER TABLE posts DROP COLUMN anonymous_proof;
	ALTER TABLE posts DROP COLUMN exposed;
	ALTER TABLE queue DROP COLUMN anonymous;
	ALTER TABLE batches DROP COLUMN anonymous_root;";

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
	store.connection.execute_batch(UNDO_FORMAT_3).unwrap();
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
