//! The types this pallet stores and takes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::{BatchId, OrderKey, PostId, PostRecord, MAX_PROOF_LEN},
	nostr,
};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::BoundedVec;

/// One author's range of a platform batch.
///
/// A batch's leaves are laid out contributor by contributor, in the order of its contributor
/// list: contributor `i` owns the `posts` leaves that follow the ranges before it, and within
/// its range the posts' order keys ([`PostId::order_key`](licentia_primitives::content::PostId))
/// strictly increase from `first_key` to `last_key`. The chain checks what it can see (counts,
/// keys against the author's high-water mark); a leaf that contradicts this layout is a fraud
/// proof ([`Fraud`]).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Contribution {
	/// The author.
	pub author: Identity,
	/// How many posts of the batch are theirs (at least one).
	pub posts: u32,
	/// The order key of their first post in the batch: larger than every key of theirs
	/// registered before.
	pub first_key: OrderKey,
	/// The order key of their last post in the batch (equal to `first_key` for one post).
	pub last_key: OrderKey,
}

/// A Merkle proof of one leaf of a batch.
pub type Proof = BoundedVec<H256, ConstU32<MAX_PROOF_LEN>>;

/// A registered post and where it is: leaf `index` of `batch`, by `proof`. What revoking it
/// takes ([`Pallet::revoke_posts`](crate::Pallet::revoke_posts)).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct PostWithProof {
	/// The batch it was registered in.
	pub batch: BatchId,
	/// The post.
	pub post: PostRecord,
	/// Its leaf index in the batch.
	pub index: u32,
	/// Its Merkle proof, leaf to root.
	pub proof: Proof,
}

/// Why one post of a [`revoke_posts`](crate::Pallet::revoke_posts) call cannot be revoked.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	frame_support::PalletError,
	TypeInfo,
	Debug,
)]
pub enum RevocationError {
	/// No batch has this id (or it was voided).
	BatchNotFound,
	/// The batch is in its challenge window: its posts are not registered yet.
	BatchPending,
	/// The post and proof do not match the batch's root.
	BadProof,
	/// Only the post's author or an operator of its platform may revoke it.
	NotAllowed,
}

/// A proof that a pending batch breaks the layout of [`Contribution`]: one or two of its leaves,
/// opened. Any one of them voids the batch and slashes its bond.
// Variants of one and two records: `challenge` takes it boxed as a whole, so the difference
// costs no stack in a call, and boxing records inside would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub enum Fraud {
	/// Leaf `index` is not a post of the contributor whose range holds it: another author or
	/// platform, or a post id without an order key for that author (a URI naming another
	/// account, a Bluesky record key that is not a TID, a post of another kind).
	Foreign {
		/// The leaf's index in the batch.
		index: u32,
		/// The leaf.
		post: PostRecord,
		/// Its Merkle proof.
		proof: Proof,
	},
	/// Leaves `index` and `index + 1`, in one contributor's range, whose order keys do not
	/// strictly increase: a post registered twice, or out of order.
	Disorder {
		/// The first leaf's index.
		index: u32,
		/// Leaf `index`.
		first: PostRecord,
		/// Its Merkle proof.
		first_proof: Proof,
		/// Leaf `index + 1`.
		second: PostRecord,
		/// Its Merkle proof.
		second_proof: Proof,
	},
	/// Leaf `index`, the first or last of a contributor's range, whose order key is not the
	/// `first_key` or `last_key` declared (so that posts below the high-water mark hide in it).
	Bound {
		/// The leaf's index.
		index: u32,
		/// The leaf.
		post: PostRecord,
		/// Its Merkle proof.
		proof: Proof,
	},
	/// Leaf `index` is a post (the same [`PostId::same_post`]) that leaf `earlier_index` of batch
	/// `earlier` holds already: a batch of the same platform registered before this one (pending
	/// or active), or this batch at another index. A post counts once, whoever it is registered under: an X status
	/// id does not name its author, so the same id could otherwise be counted under its author
	/// and again under a sock puppet.
	Duplicate {
		/// The leaf's index.
		index: u32,
		/// The leaf.
		post: PostRecord,
		/// Its Merkle proof.
		proof: Proof,
		/// The batch that holds the post first.
		earlier: BatchId,
		/// Its index there.
		earlier_index: u32,
		/// The leaf there.
		earlier_post: PostRecord,
		/// Its Merkle proof there.
		earlier_proof: Proof,
	},
}

/// A platform batch in its challenge window: registered, its bond held, its counts not applied.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct PendingBatch<AccountId, BlockNumber, Balance> {
	/// The batch as it will be stored once activated.
	pub info: BatchInfo<AccountId, BlockNumber>,
	/// blake2-256 of the SCALE-encoded contributor list: activation and challenges repeat the
	/// list, and the chain checks it against this.
	pub contributors_hash: H256,
	/// The bond held from the registrant.
	pub bond: Balance,
	/// The first block in which the batch can be activated.
	pub matures_at: BlockNumber,
	/// Leaf requests not answered yet: the batch cannot be activated while there are any.
	pub open_requests: u32,
	/// How many of its leaves the chain samples (`SampleSize`, at most 32): drawn from the hash
	/// of the block it was registered in, which its registrant could not know when it signed.
	/// Each must be opened before the batch can be activated.
	pub samples: u32,
	/// The samples opened so far: bit `j` for sample `j`.
	pub opened: u32,
	/// The last block in which the samples can be opened: after it, one left unopened voids the
	/// batch.
	pub samples_due: BlockNumber,
}

impl<AccountId, BlockNumber, Balance> PendingBatch<AccountId, BlockNumber, Balance> {
	/// Whether every sample has been opened.
	pub fn samples_opened(&self) -> bool {
		self.opened == sample_mask(self.samples)
	}
}

/// The bits of `samples` sample slots: the low `samples` bits (all 32 from 32 on).
pub fn sample_mask(samples: u32) -> u32 {
	// A shift by 32 (no samples) is out of range: no bits.
	u32::MAX.checked_shr(32u32.saturating_sub(samples)).unwrap_or(0)
}

/// An activated platform batch in its tail: it counts, but part of its bond stays held and it can
/// still be shown to be fraudulent (`challenge`, or a leaf request left unanswered), which
/// removes its counts and slashes what is held.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Tail<BlockNumber, Balance> {
	/// blake2-256 of the SCALE-encoded contributor list, as while it was pending.
	pub contributors_hash: H256,
	/// The part of the bond still held from the registrant (`TailBond` of it).
	pub bond: Balance,
	/// The first block in which the held bond can be released (`release_bond`).
	pub ends_at: BlockNumber,
	/// Leaf requests not answered yet: the bond cannot be released while there are any.
	pub open_requests: u32,
	/// How many of its contributors had posts revoked in the tail (their entries in
	/// `TailRevocations`, which `release_bond` clears).
	pub revoked_authors: u32,
}

/// A challenger's commitment to a fraud proof, made before the proof is revealed, so that whoever
/// copies a revealed proof from the transaction pool has no commitment to it: the challenger who
/// found the fraud is the one paid.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Commitment<BlockNumber, Balance> {
	/// [`challenge_commitment`] of the proof, the batch and the challenger.
	pub hash: H256,
	/// The block it was made in: the proof can be revealed from the next block on.
	pub at: BlockNumber,
	/// The deposit held for it (`RequestDeposit`), returned when it is used or withdrawn.
	pub deposit: Balance,
}

/// What a challenger commits to before revealing `fraud` against `batch`: blake2-256 of
/// `"licentia/challenge"` (18 bytes), then the SCALE encodings of `batch` (u64), the challenger's
/// account and `fraud`. Naming the challenger makes a copied commitment worthless.
pub fn challenge_commitment<AccountId: Encode>(
	batch: BatchId,
	challenger: &AccountId,
	fraud: &Fraud,
) -> H256 {
	H256(
		(b"licentia/challenge", batch, challenger, fraud).using_encoded(sp_io::hashing::blake2_256),
	)
}

/// A request that the registrant of a pending batch open one of its leaves.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct LeafRequest<AccountId, BlockNumber, Balance> {
	/// Who asked (their deposit is held).
	pub requester: AccountId,
	/// The deposit held from them.
	pub deposit: Balance,
	/// The last block in which the leaf can be answered.
	pub deadline: BlockNumber,
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
	/// Its place among the batches that count, in the order they started to: licenses cover
	/// the batches counting when they were bought. Set when a platform batch is activated (0
	/// while it is pending) and when a Nostr batch is registered.
	pub seq: u64,
}

/// A note's content: UTF-8, at most [`MAX_NOTE_BYTES`](nostr::MAX_NOTE_BYTES).
pub type NoteContent = BoundedVec<u8, ConstU32<{ nostr::MAX_NOTE_BYTES }>>;
/// One field of a note's tag: UTF-8, at most [`MAX_TAG_FIELD_BYTES`](nostr::MAX_TAG_FIELD_BYTES).
pub type TagField = BoundedVec<u8, ConstU32<{ nostr::MAX_TAG_FIELD_BYTES }>>;
/// A note's tag: its fields, name first (`["e", <id>, <relay>]`).
pub type NoteTag = BoundedVec<TagField, ConstU32<{ nostr::MAX_TAG_FIELDS }>>;
/// A note's tags, in their order.
pub type NoteTags = BoundedVec<NoteTag, ConstU32<{ nostr::MAX_TAGS }>>;

/// A signed Nostr text note (kind 1), as its author registers it: the fields its NIP-01 id is
/// the hash of, and the signature. The chain computes the id itself ([`NostrEvent::id`]), so
/// what counts is a note anyone can check on Nostr, not a signature over any 32 bytes.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct NostrEvent {
	/// The author's x-only public key.
	pub pubkey: [u8; 32],
	/// When the author created it (seconds since 1970, as the note says).
	pub created_at: u64,
	/// Its tags.
	pub tags: NoteTags,
	/// Its content.
	pub content: NoteContent,
	/// The BIP-340 signature of its id by the key.
	pub sig: [u8; 64],
	/// The author's salt for the note's leaf ([`PostRecord::salt`]).
	pub salt: H256,
	/// The note's text seal ([`PostRecord::text_seal`]): its anonymous leaf sealed with a blind
	/// only the author's tool knows.
	pub text_seal: H256,
}

impl NostrEvent {
	/// Its NIP-01 id as a text note ([`nostr::note_id`]); `None` if its content or a tag is
	/// not UTF-8.
	pub fn id(&self) -> Option<[u8; 32]> {
		nostr::note_id(&self.pubkey, self.created_at, &self.tags, &self.content)
	}

	/// The bytes its id hashes beyond the fixed fields: its content and tag fields (what
	/// registering it costs beyond its signature check).
	pub fn text_len(&self) -> u32 {
		let tags: usize =
			self.tags.iter().flat_map(|tag| tag.iter()).map(|field| field.len()).sum();
		// At most 8,192 + 32 x 5 x 256 bytes.
		(self.content.len() + tags) as u32
	}

	/// The note's record (its leaf) on Nostr platform `platform`, its id being `id`: the id is
	/// both the post's id and its content hash.
	pub fn record(&self, platform: PlatformId, id: [u8; 32]) -> PostRecord {
		PostRecord {
			platform,
			post: PostId::Nostr { id },
			content_hash: H256(id),
			author: Identity::Nostr(self.pubkey),
			salt: self.salt,
			text_seal: self.text_seal,
		}
	}
}

/// How many notes a Nostr key registered in its current period.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct NoteAllowance<BlockNumber> {
	/// The block its period began in (its first registration after the last period ended).
	pub since: BlockNumber,
	/// The notes registered since.
	pub used: u32,
}

/// A revoked post.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct PostRevocation<BlockNumber> {
	/// The batch it was registered in.
	pub batch: BatchId,
	/// The block it was revoked in.
	pub at: BlockNumber,
}

/// How long platform batches stay open to challenges before they count and after, and how long a
/// leaf request stays open.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct ChallengeWindows<BlockNumber> {
	/// Blocks from a batch's registration to the first block it can be activated in.
	pub challenge: BlockNumber,
	/// Blocks from a leaf request to its deadline.
	pub answer: BlockNumber,
	/// Blocks from a batch's activation to the release of the part of its bond held through its
	/// tail (`TailBond`): while it lasts, the batch can still be challenged and its leaves
	/// requested, and fraud removes its counts.
	pub tail: BlockNumber,
	/// Blocks from a leaf request made in a batch's tail to its deadline: longer than `answer`,
	/// so that a bridge down for a while in the week of a tail does not lose its batches.
	pub tail_answer: BlockNumber,
}

impl<BlockNumber: PartialOrd + Default + sp_runtime::Saturating + Copy>
	ChallengeWindows<BlockNumber>
{
	/// Whether a request can be answered (neither answer window is zero) and a batch's samples
	/// can be drawn until they are due: the block hash they come from must still be kept then,
	/// so both windows together stay below `block_hashes` (frame_system's `BlockHashCount`). (A
	/// zero challenge window, for test chains, lets a batch be activated as soon as its samples
	/// are opened.)
	pub fn is_valid(&self, block_hashes: BlockNumber) -> bool {
		self.answer > BlockNumber::default()
			&& self.tail_answer > BlockNumber::default()
			&& self.challenge.saturating_add(self.answer) < block_hashes
	}
}
