//! The types this pallet stores and takes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::BatchId,
};
use scale_info::TypeInfo;
use sp_core::H256;

/// One author's share of a batch: how many of the batch's posts are theirs.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Contribution {
	/// The author.
	pub author: Identity,
	/// How many posts of the batch are theirs (at least one).
	pub posts: u32,
}

/// A registered batch.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct BatchInfo<AccountId, BlockNumber> {
	/// The platform that registered it.
	pub platform: PlatformId,
	/// The Merkle root of its posts' leaf hashes.
	pub root: H256,
	/// How many posts (leaves) it holds.
	pub posts: u32,
	/// How many distinct authors.
	pub contributors: u32,
	/// The block it was registered in.
	pub registered_at: BlockNumber,
	/// Who registered it.
	pub submitter: AccountId,
}

/// A signed Nostr event, as its author registers it: the id is computed off chain (the sha256 of
/// the event's NIP-01 serialization) and the chain checks the signature over it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct NostrEvent {
	/// The event id.
	pub id: [u8; 32],
	/// The author's x-only public key.
	pub pubkey: [u8; 32],
	/// The BIP-340 signature of the id by the key.
	pub sig: [u8; 64],
}

/// A revoked post.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Revocation<BlockNumber> {
	/// The batch it was registered in.
	pub batch: BatchId,
	/// The block it was revoked in.
	pub at: BlockNumber,
}
