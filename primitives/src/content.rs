//! Registered posts: what a post is, how it is hashed into a batch's Merkle tree, and how a
//! proof shows that a post was registered.
//!
//! The chain never stores posts. A platform registers a **batch**: the Merkle root of its posts'
//! leaf hashes and, per author, how many posts the batch holds. Anyone holding a post and its
//! proof (the bridge keeps them in its manifest) can show the chain that it was registered.

use crate::consent::{Identity, PlatformId};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::{traits::BlakeTwo256, BoundedVec};

/// A registered batch's id, assigned in order.
pub type BatchId = u64;

/// The longest post URI (Bluesky `at://` URI, Mastodon status URI), in bytes.
pub const MAX_URI_LEN: u32 = 512;
/// The longest content id (a Bluesky CID, as text), in bytes.
pub const MAX_CID_LEN: u32 = 128;

/// A post's id on its platform.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum PostId {
	/// A Bluesky record: its `at://` URI and the CID of the version registered.
	Bluesky {
		/// `at://<did>/app.bsky.feed.post/<rkey>`.
		#[cfg_attr(feature = "std", serde(with = "crate::json::text"))]
		uri: BoundedVec<u8, ConstU32<MAX_URI_LEN>>,
		/// The record's CID.
		#[cfg_attr(feature = "std", serde(with = "crate::json::text"))]
		cid: BoundedVec<u8, ConstU32<MAX_CID_LEN>>,
	},
	/// A Mastodon status, by its URI.
	Mastodon {
		/// `https://<instance>/users/<user>/statuses/<id>`.
		#[cfg_attr(feature = "std", serde(with = "crate::json::text"))]
		uri: BoundedVec<u8, ConstU32<MAX_URI_LEN>>,
	},
	/// A Nostr event, by its id (the sha256 of its NIP-01 serialization).
	Nostr {
		/// The event id.
		#[cfg_attr(feature = "std", serde(with = "crate::json::hex_array"))]
		id: [u8; 32],
	},
	/// An X post, by its numeric id.
	X {
		/// The post id.
		#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))]
		id: u64,
	},
}

/// A post's place in its author's history: within one author, a later post has a larger key.
///
/// Platform batches are laid out by it (see [`PostId::order_key`]): the chain keeps, per
/// identity, the largest key registered so far, so that no post is registered twice.
pub type OrderKey = u64;

impl PostId {
	/// The post's order key, if this is a post of `author` that a platform batch may hold:
	/// - X: the post id (a snowflake: its top bits are the time it was posted);
	/// - Bluesky: the record key, a TID (microseconds since 1970 and a clock id, base32-sortable),
	///   of a URI `at://<author's DID>/app.bsky.feed.post/<rkey>`;
	/// - Mastodon: the status id (a snowflake) of a URI
	///   `https://<instance>/users/<user>/statuses/<id>` where `user@instance` is the author
	///   (ASCII case ignored, as Mastodon does), in decimal without leading zeros.
	///
	/// `None` for anything else: a post of another kind than its author, a URI that names another
	/// account, a record key that is not a TID, and Nostr events (their authors register them
	/// with their signatures).
	pub fn order_key(&self, author: &Identity) -> Option<OrderKey> {
		match (self, author) {
			(PostId::X { id }, Identity::X(_)) => Some(*id),
			(PostId::Bluesky { uri, .. }, Identity::Bluesky(did)) => {
				let rest = uri.strip_prefix(b"at://")?.strip_prefix(&did[..])?;
				tid(rest.strip_prefix(b"/app.bsky.feed.post/")?)
			},
			(PostId::Mastodon { uri }, Identity::Mastodon(account)) => {
				let (user, instance) = crate::identities::split_mastodon(account)?;
				let rest = strip_prefix_ascii_ci(uri.strip_prefix(b"https://")?, instance)?;
				let rest = strip_prefix_ascii_ci(rest.strip_prefix(b"/users/")?, user)?;
				decimal(rest.strip_prefix(b"/statuses/")?)
			},
			_ => None,
		}
	}
}

impl PostId {
	/// Whether `self` and `other` are the same post: the same X status id, Mastodon status URI or
	/// Nostr event id, or the same Bluesky record URI (whatever version, by CID, each holds).
	pub fn same_post(&self, other: &PostId) -> bool {
		match (self, other) {
			(PostId::Bluesky { uri: a, .. }, PostId::Bluesky { uri: b, .. }) => a == b,
			(PostId::Mastodon { uri: a }, PostId::Mastodon { uri: b }) => a.eq_ignore_ascii_case(b),
			(PostId::Nostr { id: a }, PostId::Nostr { id: b }) => a == b,
			(PostId::X { id: a }, PostId::X { id: b }) => a == b,
			_ => false,
		}
	}
}

/// A platform batch's contributor ranges for `records` in leaf order, as a bridge declares them:
/// `(author, posts, first key, last key)` per run of one author (the SCALE encoding of the content
/// pallet's `Contribution`). A record without an order key counts with key 0, which the chain
/// or a challenger refuses.
pub fn ranges(records: &[PostRecord]) -> Vec<(Identity, u32, OrderKey, OrderKey)> {
	let mut list: Vec<(Identity, u32, OrderKey, OrderKey)> = Vec::new();
	for record in records {
		let key = record.post.order_key(&record.author).unwrap_or_default();
		match list.last_mut() {
			Some((author, posts, _, last)) if *author == record.author => {
				*posts += 1;
				*last = key;
			},
			_ => list.push((record.author.clone(), 1, key, key)),
		}
	}
	list
}

/// `text` without `prefix`, ignoring ASCII case.
fn strip_prefix_ascii_ci<'a>(text: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
	let head = text.get(..prefix.len())?;
	head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// A canonical decimal u64: digits only, no leading zero (except "0"), no overflow.
fn decimal(text: &[u8]) -> Option<u64> {
	if text.is_empty() || (text.len() > 1 && text[0] == b'0') {
		return None;
	}
	text.iter().try_fold(0u64, |n, c| {
		let digit = c.checked_sub(b'0').filter(|d| *d < 10)?;
		n.checked_mul(10)?.checked_add(digit as u64)
	})
}

/// Decodes a TID (AT Protocol timestamp identifier): 13 characters of the base32-sortable
/// alphabet `234567abcdefghijklmnopqrstuvwxyz`, the first one of `234567abcdefghij` (the
/// AT Protocol's syntax): 65 bits whose top one is zero. Text order and numeric order agree.
pub fn tid(text: &[u8]) -> Option<u64> {
	const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
	if text.len() != 13 {
		return None;
	}
	let value = text.iter().try_fold(0u128, |n, c| {
		let digit = ALPHABET.iter().position(|a| a == c)?;
		Some(n << 5 | digit as u128)
	})?;
	// 13 x 5 = 65 bits: the first character carries the top bit, which must be zero.
	u64::try_from(value).ok()
}

/// One registered post: what its leaf in its batch's Merkle tree commits to.
///
/// The leaf is `blake2_256(sealed ‖ text_seal)`, where `sealed` is blake2-256 of the SCALE
/// encoding of `(platform, post, content_hash, author, salt)` ([`PostRecord::sealed`]). A buyer
/// of the full record recomputes both halves. An anonymised record is not verified against this
/// leaf, whose place in its batch names its author, but against the batch's anonymous root,
/// which `text_seal` ties it to ([`crate::anonymous`]; docs/design.md, *The data path*).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct PostRecord {
	/// The platform it was registered through.
	pub platform: PlatformId,
	/// Its id on the platform.
	pub post: PostId,
	/// A hash of its content (the chain never sees the content; for Nostr, the event id).
	pub content_hash: H256,
	/// Its author.
	pub author: Identity,
	/// The platform's random value for this post, so that [`PostRecord::sealed`] tells nothing
	/// to whoever lacks it.
	pub salt: H256,
	/// Its anonymous leaf sealed with the platform's blind for the post
	/// ([`text_seal`](crate::anonymous::text_seal), leaf format 3): it commits to the text an
	/// anonymised license delivers without letting anyone who holds that text find this record.
	/// (In leaf format 2, batches registered before spec 116, the scrubbed text's hash itself.)
	pub text_seal: H256,
}

impl PostRecord {
	/// What identifies the post and its content, sealed with the salt: blake2-256 of the SCALE
	/// encoding of `(platform, post, content_hash, author, salt)`.
	pub fn sealed(&self) -> H256 {
		let identifying =
			(&self.platform, &self.post, &self.content_hash, &self.author, &self.salt);
		H256(sp_io::hashing::blake2_256(&identifying.encode()))
	}

	/// The post's leaf hash: [`leaf_hash`] of its [`sealed`](PostRecord::sealed) part and its
	/// text seal.
	pub fn leaf_hash(&self) -> H256 {
		leaf_hash(self.sealed(), self.text_seal)
	}
}

/// A leaf hash from its two halves: blake2-256 of `sealed ‖ text_seal` (64 bytes).
pub fn leaf_hash(sealed: H256, text_seal: H256) -> H256 {
	H256(sp_io::hashing::blake2_256(&[sealed.0, text_seal.0].concat()))
}

/// The root of a batch whose leaves are `leaf_hashes`, in order: their Merkle root bound to
/// their number ([`sized_root`]). What `register_batch` takes and proofs are checked against.
pub fn batch_root(leaf_hashes: impl IntoIterator<Item = H256>) -> H256 {
	let leaves: Vec<H256> = leaf_hashes.into_iter().collect();
	// A batch holds fewer than 2^32 posts (its count is a u32 on chain).
	sized_root(merkle_root(&leaves), leaves.len() as u32)
}

/// The Merkle root of `leaf_hashes`, in order, not yet bound to their number: the top of
/// `binary_merkle_tree`'s tree (zero for no leaves).
pub fn merkle_root(leaf_hashes: &[H256]) -> H256 {
	binary_merkle_tree::merkle_root_raw::<BlakeTwo256, _>(leaf_hashes.iter().copied())
}

/// A batch's root from its tree's Merkle root and its number of leaves: blake2-256 of the Merkle
/// root followed by the number as 4 little-endian bytes (36 bytes: never a tree node's 64).
///
/// The number is part of what the registrant commits to, so a proof made in a tree of one size
/// never opens in a batch declared with another, even where the two trees share a path (the
/// first leaf of 4 and of 3 do: the third "leaf" of 3 is then the hash of the last two of 4).
pub fn sized_root(merkle_root: H256, leaves: u32) -> H256 {
	let mut bytes = [0u8; 36];
	bytes[..32].copy_from_slice(merkle_root.as_bytes());
	bytes[32..].copy_from_slice(&leaves.to_le_bytes());
	H256(sp_io::hashing::blake2_256(&bytes))
}

/// The proof that leaf `index` of `leaf_hashes` is in their batch: the sibling hashes, leaf to
/// root.
pub fn batch_proof(leaf_hashes: Vec<H256>, index: u32) -> Vec<H256> {
	binary_merkle_tree::merkle_proof_raw::<BlakeTwo256, _>(leaf_hashes, index).proof
}

/// Every leaf's proof at once, in leaf order: what [`batch_proof`] gives for each index, from one
/// pass over the tree (`2n` hashes for `n` leaves, where a proof per leaf rebuilds the tree each
/// time: `n²`).
///
/// The tree is `binary_merkle_tree`'s: each row pairs its nodes left to right, and an odd last
/// node moves up unhashed (it has no sibling in that row, so no hash in the proof).
pub fn batch_proofs(leaf_hashes: &[H256]) -> Vec<Vec<H256>> {
	let mut proofs = alloc::vec![Vec::new(); leaf_hashes.len()];
	let mut row = leaf_hashes.to_vec();
	// Node `i` of the current row covers leaves `i * width ..` (the last node fewer).
	let mut width = 1usize;
	while row.len() > 1 {
		for node in 0..row.len() {
			if let Some(sibling) = row.get(node ^ 1) {
				let leaves = node * width..((node + 1) * width).min(leaf_hashes.len());
				for proof in &mut proofs[leaves] {
					proof.push(*sibling);
				}
			}
		}
		let mut pairs = row.chunks_exact(2);
		let mut next: Vec<H256> =
			pairs.by_ref().map(|pair| hash_pair(&pair[0], &pair[1])).collect();
		next.extend_from_slice(pairs.remainder());
		row = next;
		width *= 2;
	}
	proofs
}

/// The most hashes a proof of a `leaves`-leaf batch has: its tree's depth, `ceil(log2 leaves)`.
pub fn tree_depth(leaves: u32) -> u32 {
	u32::BITS - leaves.saturating_sub(1).leading_zeros()
}

/// Whether `proof` shows that `leaf` is leaf `index` of the `leaves`-leaf batch with `root` (a
/// [`batch_root`]).
///
/// The proof's shape is not taken from the proof: the index and the number of leaves fix, row by
/// row, whether the path's node has a sibling on its left, on its right, or none (an odd last
/// node moves up unhashed), and so exactly how many hashes the proof holds and on which side
/// each goes. A proof of any other length fails, and a proof never opens a second index: two
/// indices of one tree differ in some row's side or sibling count; and the root binds the number
/// of leaves ([`sized_root`]). (`binary_merkle_tree`'s own `verify_proof` takes any proof whose
/// hashes fold to the root, so in a tree whose size is not a power of two the last leaf's short
/// proof also opens every index whose low bits are all ones; docs/design.md, *One leaf, one
/// index*.) Checking one costs at most [`tree_depth`] hashes.
pub fn verify_batch_proof(
	root: &H256,
	proof: &[H256],
	leaves: u32,
	index: u32,
	leaf: H256,
) -> bool {
	if index >= leaves {
		return false;
	}
	let mut siblings = proof.iter();
	let mut node = leaf;
	// The path's position in the current row, and the row's width.
	let (mut position, mut width) = (index, leaves);
	while width > 1 {
		let is_right_child = position % 2 == 1;
		if is_right_child || position + 1 < width {
			let Some(sibling) = siblings.next() else { return false };
			node =
				if is_right_child { hash_pair(sibling, &node) } else { hash_pair(&node, sibling) };
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	siblings.next().is_none() && sized_root(node, leaves) == *root
}

/// A parent node: blake2-256 of its two children, left then right (`binary_merkle_tree`'s).
fn hash_pair(left: &H256, right: &H256) -> H256 {
	let mut both = [0u8; 64];
	both[..32].copy_from_slice(left.as_bytes());
	both[32..].copy_from_slice(right.as_bytes());
	H256(sp_io::hashing::blake2_256(&both))
}

/// Whether a post is registered, as the chain answers a platform or a buyer.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum PostStatus<BlockNumber> {
	/// The post is in the batch and not revoked.
	Registered,
	/// The post was in the batch and was revoked in block `at`.
	Revoked {
		/// When.
		at: BlockNumber,
	},
	/// The post and proof do not match the batch.
	NotInBatch,
	/// No such batch.
	BatchNotFound,
	/// The post is in the batch and not revoked, but its author is not linked (any more)
	/// through the post's own platform: no license covers it and nobody is paid for it.
	Unlinked,
	/// The post is in a batch that is still in its challenge window: no license covers it and
	/// nobody is paid for it before the batch is activated, from block `until` on.
	Pending {
		/// The first block in which the batch can be activated.
		until: BlockNumber,
	},
}

/// The deepest proof a batch needs: batches hold fewer than 2^32 posts.
pub const MAX_PROOF_LEN: u32 = 32;

/// Told when registered posts change, so that what depends on them (rewards, the revocation
/// feed) follows. The content pallet calls it after the change; the licensing pallet implements it.
pub trait ContributionObserver {
	/// `identity`'s count of registered posts on `platform` has changed.
	fn contribution_changed(identity: &Identity, platform: PlatformId);
	/// A post (leaf hash `post` of `batch`, on `platform`) was withdrawn.
	fn post_revoked(platform: PlatformId, batch: BatchId, post: H256);
}

impl ContributionObserver for () {
	fn contribution_changed(_: &Identity, _: PlatformId) {}
	fn post_revoked(_: PlatformId, _: BatchId, _: H256) {}
}

/// What licensing needs to know about registered posts, implemented by the content pallet.
pub trait ContentProvider<AccountId, BlockNumber> {
	/// `identity`'s registered (not revoked) posts on `platform`, whoever it is linked to.
	fn contributions(identity: &Identity, platform: PlatformId) -> u64;
	/// How many batches count so far (platform batches once activated, Nostr batches at once):
	/// the `seq` the next one to count gets. A license bought now covers the batches whose
	/// `seq` is below it: exactly the posts its price was counted over.
	fn counted_batches() -> u64;
	/// What a proof is checked against: the batch's platform, Merkle root and number of posts.
	fn batch_root(batch: BatchId) -> Option<BatchRoot>;
	/// The block in which the post with leaf hash `leaf` was revoked, if it was.
	fn revoked_at(leaf: &H256) -> Option<BlockNumber>;

	/// Whether `post`, claimed to be leaf `index` of `batch` with `proof`, is registered.
	fn post_status(
		batch: BatchId,
		post: &PostRecord,
		index: u32,
		proof: &[H256],
	) -> PostStatus<BlockNumber> {
		match Self::batch_root(batch) {
			Some(root) => root.post_status(post, index, proof, Self::revoked_at),
			None => PostStatus::BatchNotFound,
		}
	}
}

/// What proofs of a batch's posts are checked against.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BatchRoot {
	/// The platform that registered the batch.
	pub platform: PlatformId,
	/// The Merkle root of its posts' leaf hashes.
	pub root: H256,
	/// How many posts (leaves) it holds.
	pub posts: u32,
	/// Its place among the batches that count, in the order they started to (see
	/// [`ContentProvider::counted_batches`]).
	pub seq: u64,
}

impl BatchRoot {
	/// Whether `post` is leaf `index` of this batch (by `proof`) and, if so, whether it was
	/// revoked (`revoked_at` of its leaf hash).
	pub fn post_status<BlockNumber>(
		&self,
		post: &PostRecord,
		index: u32,
		proof: &[H256],
		revoked_at: impl FnOnce(&H256) -> Option<BlockNumber>,
	) -> PostStatus<BlockNumber> {
		let leaf = post.leaf_hash();
		if post.platform != self.platform
			|| !verify_batch_proof(&self.root, proof, self.posts, index, leaf)
		{
			return PostStatus::NotInBatch;
		}
		match revoked_at(&leaf) {
			Some(at) => PostStatus::Revoked { at },
			None => PostStatus::Registered,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn post(n: u64) -> PostRecord {
		PostRecord {
			platform: 3,
			post: PostId::X { id: n },
			content_hash: H256::repeat_byte(n as u8),
			author: Identity::X(n % 3),
			salt: H256::repeat_byte(0x5a),
			text_seal: H256::repeat_byte(n as u8 ^ 0xff),
		}
	}

	/// The leaf format's test vectors (`primitives/testdata/leaves.json`), which the buyer's
	/// scripts check too (scripts/buyer/verify.test.mjs): every field feeds the leaf.
	#[test]
	fn leaves_match_their_test_vectors() {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../testdata/leaves.json")).expect("JSON");
		let vectors = vectors.as_array().expect("an array");
		assert!(vectors.len() >= 4);
		for vector in vectors {
			let record: PostRecord =
				serde_json::from_value(vector["record"].clone()).expect("a record");
			let hex = |h: H256| format!("0x{}", hex::encode(h.0));
			assert_eq!(hex(record.sealed()), vector["sealed"], "{record:?}");
			assert_eq!(hex(record.leaf_hash()), vector["leaf"], "{record:?}");
			assert_eq!(leaf_hash(record.sealed(), record.text_seal), record.leaf_hash());
		}
	}

	#[test]
	fn every_field_changes_the_leaf_and_all_but_the_text_seal_the_seal() {
		let base = post(1);
		let changed = [
			PostRecord { platform: 4, ..base.clone() },
			PostRecord { post: PostId::X { id: 2 }, ..base.clone() },
			PostRecord { content_hash: H256::zero(), ..base.clone() },
			PostRecord { author: Identity::X(7), ..base.clone() },
			PostRecord { salt: H256::zero(), ..base.clone() },
		];
		for other in &changed {
			assert_ne!(other.sealed(), base.sealed(), "{other:?}");
			assert_ne!(other.leaf_hash(), base.leaf_hash(), "{other:?}");
		}
		let rescrubbed = PostRecord { text_seal: H256::zero(), ..base.clone() };
		assert_eq!(rescrubbed.sealed(), base.sealed());
		assert_ne!(rescrubbed.leaf_hash(), base.leaf_hash());
	}

	#[test]
	fn every_leaf_proves_and_nothing_else_does() {
		for size in [1u64, 2, 3, 7, 8, 33] {
			let leaves: Vec<H256> = (0..size).map(|n| post(n).leaf_hash()).collect();
			let root = batch_root(leaves.clone());
			for (i, leaf) in leaves.iter().enumerate() {
				let proof = batch_proof(leaves.clone(), i as u32);
				assert!(proof.len() as u32 <= MAX_PROOF_LEN);
				assert!(
					verify_batch_proof(&root, &proof, size as u32, i as u32, *leaf),
					"{size}/{i}"
				);
				// The wrong index, leaf or size fails.
				assert!(!verify_batch_proof(&root, &proof, size as u32, size as u32, *leaf));
				assert!(!verify_batch_proof(
					&root,
					&proof,
					size as u32,
					i as u32,
					post(99).leaf_hash()
				));
				if size > 1 {
					let other = (i + 1) % size as usize;
					assert!(!verify_batch_proof(&root, &proof, size as u32, other as u32, *leaf));
				}
			}
		}
	}

	/// The attacks `binary_merkle_tree::verify_proof` lets through: the last leaf's short proof of
	/// a 5-leaf tree opening index 1 and 3 as well, a root that is one leaf's hash opening with
	/// no proof at every index of a larger declared batch, and a 4-leaf path opening in a batch
	/// declared with 3 leaves.
	#[test]
	fn short_proofs_open_nothing_else() {
		let leaves: Vec<H256> = (0..5).map(|n| post(n).leaf_hash()).collect();
		let root = batch_root(leaves.clone());
		let proof = batch_proof(leaves.clone(), 4);
		assert_eq!(proof.len(), 1, "leaf 4 of 5 moves up unhashed twice");
		assert!(verify_batch_proof(&root, &proof, 5, 4, leaves[4]));
		let tree = binary_merkle_tree::merkle_root_raw::<BlakeTwo256, _>(leaves.clone());
		for index in [1, 3] {
			assert!(binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
				&tree,
				proof.clone(),
				5,
				index,
				binary_merkle_tree::Leaf::Hash(leaves[4]),
			));
			assert!(!verify_batch_proof(&root, &proof, 5, index, leaves[4]), "{index}");
		}

		let lone = leaves[0];
		for declared in [2, 5, 1 << 20] {
			let root = sized_root(lone, declared);
			for index in [0, 1, declared - 1] {
				assert!(!verify_batch_proof(&root, &[], declared, index, lone));
			}
		}
		assert!(verify_batch_proof(&batch_root([lone]), &[], 1, 0, lone));

		let four = &leaves[..4];
		let proof = batch_proof(four.to_vec(), 0);
		let tree = binary_merkle_tree::merkle_root_raw::<BlakeTwo256, _>(four.to_vec());
		// The 4-leaf path is also the path of leaf 0 in a 3-leaf tree whose third leaf is the
		// hash of the last two: a root bound to 4 opens it at size 4 only.
		assert!(verify_batch_proof(&sized_root(tree, 4), &proof, 4, 0, four[0]));
		assert!(!verify_batch_proof(&sized_root(tree, 4), &proof, 3, 0, four[0]));
	}

	/// The root of five leaves `blake2_256("leaf {i}")`, as scripts/buyer/verify.mjs computes it
	/// (its `sizedRoot` over the same tree): both sides bind the size alike.
	#[test]
	fn roots_match_the_buyer_scripts() {
		let leaves =
			(0..5).map(|i| H256(sp_io::hashing::blake2_256(format!("leaf {i}").as_bytes())));
		assert_eq!(
			format!("0x{}", hex::encode(batch_root(leaves).0)),
			"0x7b0a46306eee4ad63da55755c05a8b3ec820fe4db4dfafb94513dc42e6e62100"
		);
	}

	proptest::proptest! {
		#![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

		/// A leaf and its proof open exactly one index of a batch of exactly one size: the
		/// proof's length and sides follow from the index and the size, and the root binds the
		/// size.
		#[test]
		fn a_proof_opens_one_index_of_one_size(size in 1u32..200, pick in 0u32..u32::MAX, other in 1u32..400) {
			let leaves: Vec<H256> = (0..size as u64).map(|n| post(n).leaf_hash()).collect();
			let index = pick % size;
			let root = batch_root(leaves.clone());
			let proof = batch_proof(leaves.clone(), index);
			let leaf = leaves[index as usize];
			proptest::prop_assert!(verify_batch_proof(&root, &proof, size, index, leaf));
			for at in (0..size).filter(|at| *at != index) {
				proptest::prop_assert!(!verify_batch_proof(&root, &proof, size, at, leaf), "{} of {}", at, size);
			}
			// Another size: with this root (bound to `size`), or with the root of that many of
			// the same leaves.
			let other = if other == size { size + 1 } else { other };
			let resized = batch_root((0..other as u64).map(|n| post(n).leaf_hash()));
			for root in [root, resized] {
				for at in [index, other - 1, index.min(other - 1)] {
					proptest::prop_assert!(!verify_batch_proof(&root, &proof, other, at, leaf));
				}
			}
		}
	}

	#[test]
	fn all_proofs_at_once_are_the_proofs_one_at_a_time() {
		for size in (0u64..=70).chain([127, 128, 129, 1000]) {
			let leaves: Vec<H256> = (0..size).map(|n| post(n).leaf_hash()).collect();
			let proofs = batch_proofs(&leaves);
			assert_eq!(proofs.len(), leaves.len());
			for (i, proof) in proofs.iter().enumerate() {
				assert_eq!(*proof, batch_proof(leaves.clone(), i as u32), "{size}/{i}");
			}
		}
	}

	fn bounded<const N: u32>(text: &str) -> BoundedVec<u8, ConstU32<N>> {
		text.as_bytes().to_vec().try_into().expect("short")
	}

	/// The TID of `value`, as AT Protocol clients write it.
	fn tid_text(value: u64) -> String {
		const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
		(0..13)
			.rev()
			.map(|i| ALPHABET[((value as u128 >> (5 * i)) & 31) as usize] as char)
			.collect()
	}

	#[test]
	fn order_keys_come_from_the_authors_own_post_ids() {
		let x = PostId::X { id: 1_800_000_000_000_000_000 };
		assert_eq!(x.order_key(&Identity::X(7)), Some(1_800_000_000_000_000_000));
		assert_eq!(x.order_key(&Identity::Nostr([1; 32])), None, "another kind");

		let did = Identity::Bluesky(bounded("did:plc:abc"));
		let bluesky = |uri: &str| PostId::Bluesky { uri: bounded(uri), cid: bounded("bafy") };
		let tid = tid_text(1_732_000_000_311_407 << 10 | 5);
		let own = bluesky(&format!("at://did:plc:abc/app.bsky.feed.post/{tid}"));
		assert_eq!(own.order_key(&did), Some(1_732_000_000_311_407 << 10 | 5));
		for other in [
			format!("at://did:plc:abd/app.bsky.feed.post/{tid}"),
			format!("at://did:plc:abcd/app.bsky.feed.post/{tid}"),
			format!("at://did:plc:abc/app.bsky.feed.like/{tid}"),
			"at://did:plc:abc/app.bsky.feed.post/3k".into(),
			"at://did:plc:abc/app.bsky.feed.post/kzzzzzzzzzzzz".into(),
		] {
			assert_eq!(bluesky(&other).order_key(&did), None, "{other}");
		}

		let account = Identity::Mastodon(bounded("ferdie@mastodon.social"));
		let status = |uri: &str| PostId::Mastodon { uri: bounded(uri) };
		let own = status("https://Mastodon.social/users/Ferdie/statuses/113");
		assert_eq!(own.order_key(&account), Some(113), "ASCII case is ignored");
		for other in [
			"https://mastodon.social/users/eve/statuses/113",
			"https://mastodon.social/users/ferdie/statuses/0113",
			"https://mastodon.social/users/ferdie/statuses/18446744073709551616",
			"https://mastodon.social/users/ferdie/statuses/",
			"https://mastodon.social/users/ferdie/statuses/1€",
			"http://mastodon.social/users/ferdie/statuses/113",
		] {
			assert_eq!(status(other).order_key(&account), None, "{other}");
		}
		assert_eq!(PostId::Nostr { id: [1; 32] }.order_key(&Identity::Nostr([2; 32])), None);
	}

	proptest::proptest! {
		/// Text order is numeric order, and every u64 has its TID.
		#[test]
		fn tids_round_trip_in_order(a in proptest::prelude::any::<u64>(), b in proptest::prelude::any::<u64>()) {
			proptest::prop_assert_eq!(tid(tid_text(a).as_bytes()), Some(a));
			proptest::prop_assert_eq!(tid_text(a).cmp(&tid_text(b)), a.cmp(&b));
		}

		/// A challenger's leaf is arbitrary: any URI, any author, never a panic.
		#[test]
		fn any_post_id_has_a_key_or_none(
			uri in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
			text in ".{0,80}",
			handle in ".{0,40}",
		) {
			let uri: BoundedVec<u8, ConstU32<MAX_URI_LEN>> =
				uri.into_iter().take(MAX_URI_LEN as usize).collect::<Vec<_>>().try_into().expect("bounded");
			let text: BoundedVec<u8, ConstU32<MAX_URI_LEN>> =
				text.into_bytes().into_iter().take(MAX_URI_LEN as usize).collect::<Vec<_>>().try_into().expect("bounded");
			let handle = handle.into_bytes().into_iter().take(64).collect::<Vec<_>>();
			let authors = [
				Identity::Bluesky(handle.clone().try_into().expect("short")),
				Identity::Mastodon(handle.try_into().expect("short")),
			];
			for author in &authors {
				for id in [&uri, &text] {
					let _ = PostId::Bluesky { uri: id.clone(), cid: Default::default() }.order_key(author);
					let _ = PostId::Mastodon { uri: id.clone() }.order_key(author);
				}
			}
			let _ = tid(&uri);
		}
	}
}
