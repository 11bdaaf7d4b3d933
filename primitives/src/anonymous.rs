//! Leaf format 3: what an anonymised record is verified against, apart from its author.
//!
//! A batch commits to its posts twice. Its *root* is over the posts' leaves in the contributor
//! layout that counts are proven by (docs/design.md, *Provable counts*), which is public: a leaf's
//! index there names its author. Its *anonymous root* is over one anonymous leaf per post, sorted
//! by value, so that a position in it says nothing about whose post it is. An anonymised record
//! is verified against the anonymous root only.
//!
//! Per post, the platform keeps a secret `blind` (32 bytes) and computes:
//!
//! ```text
//! anonymous key  k = blake2_256("licentia/anon-key"  ‖ blind)
//! anonymous leaf a = blake2_256("licentia/anon"      ‖ k ‖ blake2_256(scrubbed text))
//! text seal      s = blake2_256("licentia/text-seal" ‖ blind ‖ a)
//! ```
//!
//! (the tags are their ASCII bytes, without a length). The post's record carries `s` as its
//! last field ([`PostRecord::text_seal`](crate::content::PostRecord)), so the public leaf
//! commits to `a` without showing it: whoever lacks `blind` cannot tell which anonymous leaf a
//! record, a revocation or an answered leaf stands for. An anonymised record carries `k`, the
//! scrubbed text, its index in the anonymous tree and its proof: the buyer computes `a` and
//! checks it against the anonymous root ([`verify_batch_proof`]), learning nothing that leads to
//! `blind`, and so nothing that leads to the public leaf.
//!
//! The chain checks the correspondence on its samples: a sampled leaf is opened together with
//! an [`AnonymousOpening`] (its `blind`, `a`, and `a`'s place in the anonymous tree), which shows
//! that the anonymous tree holds that post's anonymous leaf. The posts so opened are public, and
//! a gateway never delivers them anonymised.

use crate::content::{verify_batch_proof, MAX_PROOF_LEN};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{bounded::BoundedVec, ConstU32, H256};

/// The leaf format this module describes: 3 (format 2 put the scrubbed text's hash itself
/// where the text seal is, and had no anonymous root).
pub const LEAF_FORMAT: u8 = 3;

/// A post's anonymous key: what an anonymised record carries in place of anything that leads
/// to its author (`blake2_256("licentia/anon-key" ‖ blind)`).
pub fn anonymous_key(blind: &H256) -> H256 {
	hash(&[b"licentia/anon-key", blind.as_bytes()])
}

/// A post's leaf in its batch's anonymous tree:
/// `blake2_256("licentia/anon" ‖ anonymous key ‖ scrubbed hash)`.
pub fn anonymous_leaf(anonymous_key: &H256, scrubbed_hash: &H256) -> H256 {
	hash(&[b"licentia/anon", anonymous_key.as_bytes(), scrubbed_hash.as_bytes()])
}

/// What a format-3 record carries as its last field: its anonymous leaf sealed with its blind
/// (`blake2_256("licentia/text-seal" ‖ blind ‖ anonymous leaf)`).
pub fn text_seal(blind: &H256, anonymous_leaf: &H256) -> H256 {
	hash(&[b"licentia/text-seal", blind.as_bytes(), anonymous_leaf.as_bytes()])
}

/// The order of a batch's anonymous tree: its leaves sorted by value (ascending bytes), so that
/// a leaf's place depends on nothing but the leaves' values, which the blinds make random.
pub fn anonymous_order(leaves: &mut [H256]) {
	leaves.sort_unstable();
}

/// A sampled post's anonymous leaf, opened beside the post: it shows the chain that the batch's
/// anonymous tree holds the anonymous leaf the post's text seal stands for.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct AnonymousOpening {
	/// The post's blind.
	pub blind: H256,
	/// The post's anonymous leaf.
	pub leaf: H256,
	/// Its index in the anonymous tree.
	pub index: u32,
	/// Its Merkle proof there (sibling hashes, leaf to root).
	pub proof: BoundedVec<H256, ConstU32<MAX_PROOF_LEN>>,
}

impl AnonymousOpening {
	/// Whether it opens the anonymous leaf that `text_seal` stands for, in the anonymous tree
	/// with root `root` and `leaves` leaves.
	pub fn opens(&self, text_seal: &H256, root: &H256, leaves: u32) -> bool {
		self::text_seal(&self.blind, &self.leaf) == *text_seal
			&& verify_batch_proof(root, &self.proof, leaves, self.index, self.leaf)
	}
}

fn hash(parts: &[&[u8]]) -> H256 {
	H256(sp_io::hashing::blake2_256(&parts.concat()))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::content::{batch_proof, batch_root};

	fn h(n: u8) -> H256 {
		H256::repeat_byte(n)
	}

	/// The format's test vectors (`primitives/testdata/anonymous.json`), which the buyer's
	/// scripts check too (scripts/buyer-tools/verify.test.mjs).
	#[test]
	fn anonymous_leaves_match_their_test_vectors() {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../testdata/anonymous.json")).expect("JSON");
		let hex = |h: H256| format!("0x{}", hex::encode(h.0));
		let parse = |v: &serde_json::Value| -> H256 {
			let hex = v.as_str().expect("a hex string").trim_start_matches("0x");
			let bytes = hex::decode(hex).expect("hex digits");
			H256::from_slice(&bytes)
		};
		let posts = vectors["posts"].as_array().expect("posts");
		assert!(posts.len() >= 3);
		let mut leaves = Vec::new();
		for post in posts {
			let blind = parse(&post["blind"]);
			let scrubbed =
				H256(sp_io::hashing::blake2_256(post["text"].as_str().expect("text").as_bytes()));
			assert_eq!(hex(scrubbed), post["scrubbedHash"]);
			let key = anonymous_key(&blind);
			assert_eq!(hex(key), post["anonymousKey"]);
			let leaf = anonymous_leaf(&key, &scrubbed);
			assert_eq!(hex(leaf), post["anonymousLeaf"]);
			assert_eq!(hex(text_seal(&blind, &leaf)), post["textSeal"]);
			leaves.push(leaf);
		}
		anonymous_order(&mut leaves);
		let tree = &vectors["tree"];
		assert_eq!(
			tree["leaves"]
				.as_array()
				.expect("the tree's leaves")
				.iter()
				.map(parse)
				.collect::<Vec<_>>(),
			leaves
		);
		assert_eq!(hex(batch_root(leaves.clone())), tree["root"]);
		for (i, proof) in tree["proofs"].as_array().expect("the tree's proofs").iter().enumerate() {
			let proof: Vec<H256> = proof.as_array().expect("a proof").iter().map(parse).collect();
			assert_eq!(proof, batch_proof(leaves.clone(), i as u32));
		}
	}

	#[test]
	fn an_opening_holds_for_its_seal_and_its_place_only() {
		let blinds = [h(1), h(2), h(3), h(4), h(5)];
		let scrubbed = h(9);
		let mut leaves: Vec<H256> =
			blinds.iter().map(|b| anonymous_leaf(&anonymous_key(b), &scrubbed)).collect();
		let seals: Vec<H256> = blinds.iter().zip(&leaves).map(|(b, a)| text_seal(b, a)).collect();
		anonymous_order(&mut leaves);
		let root = batch_root(leaves.clone());
		for (blind, seal) in blinds.iter().zip(&seals) {
			let leaf = anonymous_leaf(&anonymous_key(blind), &scrubbed);
			let index = leaves.iter().position(|l| *l == leaf).expect("in the tree") as u32;
			let proof = batch_proof(leaves.clone(), index).try_into().expect("3 hashes");
			let opening = AnonymousOpening { blind: *blind, leaf, index, proof };
			assert!(opening.opens(seal, &root, 5));
			// Another post's seal, another index, another size, another blind: refused.
			let other = seals.iter().find(|s| *s != seal).expect("5 posts");
			assert!(!opening.opens(other, &root, 5));
			assert!(!AnonymousOpening { index: (index + 1) % 5, ..opening.clone() }
				.opens(seal, &root, 5));
			assert!(!opening.opens(seal, &root, 6));
			assert!(!AnonymousOpening { blind: h(7), ..opening.clone() }.opens(seal, &root, 5));
		}
	}

	#[test]
	fn the_anonymous_key_and_leaf_do_not_give_the_seal() {
		// What a buyer holds (the key, the text) computes the leaf, never the seal: the seal
		// needs the blind, which the key is a one-way hash of.
		let blind = h(1);
		let key = anonymous_key(&blind);
		let leaf = anonymous_leaf(&key, &h(2));
		assert_ne!(key, blind);
		assert_ne!(text_seal(&key, &leaf), text_seal(&blind, &leaf));
		assert_ne!(anonymous_leaf(&blind, &h(2)), leaf, "the key, not the blind");
	}
}
