//! # Content pallet
//!
//! Which posts are on offer. Platforms register the posts of opted-in authors in **batches**;
//! the chain stores, per batch, the Merkle root of its posts and, per author, how many posts
//! they have registered on each platform (what licensing pays in proportion to). It never stores
//! a post: anyone holding a post and its Merkle proof can show it was registered, and a post its
//! author or platform withdraws goes into a sparse revocation set.
//!
//! ## Why batches of commitments
//! X alone sees about 500 million posts a day. One storage item per post would cap the chain
//! near 2,000 posts/s and grow its state without bound; a batch costs one item plus one counter
//! update per distinct author, whatever its number of posts.
//!
//! ## Counts that are provable
//! The chain cannot see a batch's leaves, so the layout of a batch is part of the protocol and a
//! lie about it is provable with one or two leaves ([`Contribution`], [`Fraud`]): leaves are
//! grouped by contributor in the order of the contributor list, each group exactly its declared
//! count long, and within a group the posts' order keys (snowflake ids, TIDs) strictly increase
//! from the declared first key to the declared last. The chain keeps, per identity, the largest
//! key registered ([`Marks`]) and refuses a contributor whose first key is not above it, so no
//! post is counted twice, in one batch or across batches.
//!
//! A platform batch is **pending** for a challenge window: its registrant holds a bond
//! (`BondBase + BondPerPost x posts`), and anyone may prove fraud with
//! [`challenge`](Pallet::challenge), or ask for any leaf with
//! [`request_leaf`](Pallet::request_leaf), which the registrant must open with
//! [`answer_leaf`](Pallet::answer_leaf) in time or lose the bond
//! ([`void_unanswered`](Pallet::void_unanswered)): a tree padded with leaves nobody can open is
//! caught too. A voided batch is removed, its bond slashed (`ChallengerReward` of it to the
//! challenger, the rest to the treasury). After the window, anyone may
//! [`activate_batch`](Pallet::activate_batch): its counts then earn, and its posts can be
//! licensed. docs/design.md explains the windows.
//!
//! ## Calls
//! - [`register_batch`](Pallet::register_batch): a platform operator registers a batch. Every
//!   author must be linked (through this platform) and must allow at least one purpose; the
//!   batch is all-or-nothing and the error names the first author that fails
//!   (`AuthorNotLinked { index }`, ...), so a bridge filters its posts first (it asks the node).
//! - [`activate_batch`](Pallet::activate_batch), [`challenge`](Pallet::challenge),
//!   [`request_leaf`](Pallet::request_leaf), [`answer_leaf`](Pallet::answer_leaf),
//!   [`void_unanswered`](Pallet::void_unanswered): the challenge window, above.
//! - [`set_windows`](Pallet::set_windows): governance sets the window lengths.
//! - [`register_nostr_events`](Pallet::register_nostr_events): a Nostr author registers their
//!   own signed events; each signature is checked on chain.
//! - [`revoke_post`](Pallet::revoke_post): the author or the platform withdraws one post, with
//!   its proof.
//!
//! ## Storage and deposits
//! A batch is the permanent public record that licenses and proofs refer to, about 100 bytes,
//! and is paid for by its transaction fee (its weight includes its storage writes); while it is
//! pending, its registrant's bond is held (and slashed if it lied). A leaf request holds its
//! requester's deposit until it is answered or the batch voided. Revocations are bounded by the
//! posts registered and cost only their fee: withdrawing a post must stay cheap.
//!
//! ## Where the code is
//! This file declares the pallet; each call hands over to a `do_*` function in `registration`
//! (batches and Nostr events), `challenges` (the window) or `revocation`. `queries` answers the runtime API and other
//! pallets ([`ContentProvider`]); `try_state` checks the invariants.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod challenges;
pub mod migrations;
#[cfg(test)]
mod mock;
mod queries;
mod registration;
mod revocation;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", feature = "std", test))]
mod try_state;
pub mod types;
pub mod weights;

pub use licentia_primitives::anonymous::AnonymousOpening;
pub use licentia_primitives::{
	consent::{ConsentProvider, Identity, PlatformId, PlatformKind},
	content::{
		BatchId, ContentProvider, ContributionObserver, OrderKey, PostId, PostRecord, MAX_PROOF_LEN,
	},
};
pub use types::*;
pub use weights::WeightInfo;

/// What benchmarks need from the runtime: platforms and linked, consenting authors.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers an active platform of `kind` operated by `operator`.
	fn platform(kind: PlatformKind, operator: &AccountId) -> PlatformId;
	/// Links `identity` to `account` through `platform`, allowing every purpose.
	fn link(identity: Identity, account: &AccountId, platform: PlatformId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
	use licentia_primitives::consent::Identity;
	use sp_core::H256;
	use sp_runtime::Perbill;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(4);

	/// A batch as stored.
	pub type BatchOf<T> = BatchInfo<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A pending batch as stored.
	pub type PendingBatchOf<T> =
		PendingBatch<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>>;
	/// A leaf request as stored.
	pub type LeafRequestOf<T> =
		LeafRequest<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>>;
	/// An active batch's tail as stored.
	pub type TailOf<T> = Tail<BlockNumberFor<T>, BalanceOf<T>>;
	/// A challenger's commitment as stored.
	pub type CommitmentOf<T> = Commitment<BlockNumberFor<T>, BalanceOf<T>>;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Platforms, identities and consent.
		type Consent: ConsentProvider<Self::AccountId>;

		/// Holds bonds and request deposits, and pays slashed bonds out.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Sets the window lengths.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Receives what is slashed from a voided batch's bond beyond the challenger's reward.
		type Treasury: Get<Self::AccountId>;

		/// The bond every platform batch holds, whatever its size.
		#[pallet::constant]
		type BondBase: Get<BalanceOf<Self>>;

		/// The bond each post of a platform batch adds.
		#[pallet::constant]
		type BondPerPost: Get<BalanceOf<Self>>;

		/// What the challenger of a voided batch receives from its bond (all of the bond, if it
		/// is less). A fixed amount, not a share: a registrant who challenges its own batch from
		/// another account recovers this much and nothing that grows with the batch.
		#[pallet::constant]
		type ChallengerReward: Get<BalanceOf<Self>>;

		/// The part of a batch's bond that stays held through its tail, after activation: what a
		/// fraud proven late still costs.
		#[pallet::constant]
		type TailBond: Get<Perbill>;

		/// Held from whoever asks for a leaf (the registrant receives it for answering) or
		/// commits to a challenge (returned when it is revealed or withdrawn).
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;

		/// How many leaves of each platform batch the chain samples (at most 32): its
		/// registrant must open them all before the batch can be activated, whoever watches.
		#[pallet::constant]
		type SampleSize: Get<u32>;

		/// How many of those samples (the first ones drawn) open the post's anonymous leaf too,
		/// checking the batch's anonymous tree (leaf format 3). Each makes one post's anonymised
		/// record public, so the gateway never delivers it anonymised: few, since a registrant
		/// gains nothing from a false anonymous tree but the bond it loses when one is drawn.
		#[pallet::constant]
		type AnonymousSampleSize: Get<u32>;

		/// Told after an author's post count changes and when a post is withdrawn (licensing
		/// settles rewards and feeds revocations to license holders then).
		type ContributionObserver: ContributionObserver;

		/// The most distinct authors one batch may have (at most 65,535: errors name an author
		/// by a `u16` index).
		#[pallet::constant]
		type MaxContributorsPerBatch: Get<u32>;

		/// The most posts one batch may hold.
		#[pallet::constant]
		type MaxPostsPerBatch: Get<u32>;

		/// The most Nostr events one call may register (each signature is checked on chain).
		#[pallet::constant]
		type MaxNostrEvents: Get<u32>;

		/// The most notes one Nostr key may register in a period of `NotePeriod` blocks: however
		/// cheaply notes are made, a key's count grows at most this fast.
		#[pallet::constant]
		type MaxNotesPerPeriod: Get<u32>;

		/// The length of the periods `MaxNotesPerPeriod` counts in, in blocks (not zero).
		#[pallet::constant]
		type NotePeriod: Get<BlockNumberFor<Self>>;

		/// Held from whoever registers a Nostr event, for as long as the chain keeps it (for
		/// good: it is what refuses the event a second time). It pays for the storage anyone
		/// with a Nostr key can create: the event's entry and, should the event be revoked,
		/// its revocation's.
		#[pallet::constant]
		type NostrEventDeposit: Get<BalanceOf<Self>>;

		/// The most posts one `revoke_posts` call may withdraw (at most 65,535: errors name a
		/// post by a `u16` index).
		#[pallet::constant]
		type MaxRevocationsPerCall: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up platforms and authors in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next batch gets.
	#[pallet::storage]
	pub type NextBatchId<T> = StorageValue<_, BatchId, ValueQuery>;

	/// How many batches count so far: the `seq` the next batch to count gets (see
	/// [`BatchInfo::seq`]).
	#[pallet::storage]
	pub type CountedBatches<T> = StorageValue<_, u64, ValueQuery>;

	/// Registered batches whose posts count: Nostr authors' at once, platforms' once activated.
	/// `Twox64Concat`: ids are assigned in sequence by the chain.
	#[pallet::storage]
	pub type Batches<T: Config> = StorageMap<_, Twox64Concat, BatchId, BatchOf<T>>;

	/// Platform batches in their challenge window. A batch is here or in [`Batches`], never both;
	/// a voided batch is in neither.
	#[pallet::storage]
	pub type PendingBatches<T: Config> = StorageMap<_, Twox64Concat, BatchId, PendingBatchOf<T>>;

	/// Open requests for leaves of batches pending or in their tail, by batch and leaf index.
	#[pallet::storage]
	pub type LeafRequests<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BatchId, Twox64Concat, u32, LeafRequestOf<T>>;

	/// Active platform batches in their tail (see [`Tail`]): a batch is here only while it is in
	/// [`Batches`].
	#[pallet::storage]
	pub type Tails<T: Config> = StorageMap<_, Twox64Concat, BatchId, TailOf<T>>;

	/// How many posts of each contributor of a batch in its tail were revoked since it was
	/// activated: a fraud proven in the tail removes the rest of its counts, no more. Cleared
	/// with the tail. `Blake2_128Concat` on the identity: identities are user input.
	#[pallet::storage]
	pub type TailRevocations<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BatchId, Blake2_128Concat, Identity, u32, ValueQuery>;

	/// Challengers' commitments to fraud proofs, by batch and challenger (one each).
	#[pallet::storage]
	pub type Commitments<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BatchId, Blake2_128Concat, T::AccountId, CommitmentOf<T>>;

	/// Each identity's high-water mark: the largest order key of its posts registered in a
	/// platform batch (pending or active). A contributor's first key must be above it.
	/// `Blake2_128Concat`: identities are user-chosen.
	#[pallet::storage]
	pub type Marks<T: Config> =
		StorageMap<_, Blake2_128Concat, licentia_primitives::consent::Identity, OrderKey>;

	/// The window lengths, in blocks.
	#[pallet::storage]
	pub type Windows<T: Config> =
		StorageValue<_, ChallengeWindows<BlockNumberFor<T>>, ValueQuery, DefaultWindows<T>>;

	/// One hour to challenge a batch, half an hour to answer a request, a week of tail and a day
	/// to answer a request in it (6-second blocks).
	#[pallet::type_value]
	pub fn DefaultWindows<T: Config>() -> ChallengeWindows<BlockNumberFor<T>> {
		ChallengeWindows {
			challenge: 600u32.into(),
			answer: 300u32.into(),
			tail: 100_800u32.into(),
			tail_answer: 14_400u32.into(),
		}
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The bond of a pending platform batch.
		BatchBond,
		/// The deposit of a leaf request.
		LeafRequest,
		/// The deposit of registered Nostr events.
		NostrEvents,
		/// The deposit of a challenger's commitment.
		ChallengeCommit,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The challenge window, in blocks; [`DefaultWindows`] when `None`.
		pub challenge_window: Option<BlockNumberFor<T>>,
		/// The answer window, in blocks; [`DefaultWindows`] when `None`.
		pub answer_window: Option<BlockNumberFor<T>>,
		/// The tail, in blocks; [`DefaultWindows`] when `None`.
		pub tail_window: Option<BlockNumberFor<T>>,
		/// The answer window of requests made in a tail, in blocks; [`DefaultWindows`] when
		/// `None`.
		pub tail_answer_window: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let default = DefaultWindows::<T>::get();
			let windows = ChallengeWindows {
				challenge: self.challenge_window.unwrap_or(default.challenge),
				answer: self.answer_window.unwrap_or(default.answer),
				tail: self.tail_window.unwrap_or(default.tail),
				tail_answer: self.tail_answer_window.unwrap_or(default.tail_answer),
			};
			let block_hashes = <T as frame_system::Config>::BlockHashCount::get();
			assert!(
				windows.is_valid(block_hashes),
				"no answer window may be zero, and the challenge and answer windows must end within BlockHashCount"
			);
			Windows::<T>::put(windows);
		}
	}

	/// Each identity's registered (and not revoked) posts, per platform: what licensing pays in
	/// proportion to, to whoever the identity is linked to through that platform (the rule
	/// access checks apply to the same posts). The count stays with the identity whatever
	/// happens to its link. `Blake2_128Concat` on the identity: identities are user input.
	#[pallet::storage]
	pub type Contributions<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Identity, Twox64Concat, PlatformId, u64, ValueQuery>;

	/// Registered (and not revoked) posts per platform.
	#[pallet::storage]
	pub type PlatformPosts<T: Config> = StorageMap<_, Twox64Concat, PlatformId, u64, ValueQuery>;

	/// The batch each Nostr event was registered in, by event id: an event is registered once,
	/// whoever submits it and however often. `Blake2_128Concat`: an event id is a sha256 its
	/// author can grind, so it is hashed again before it shapes the trie. One entry per event,
	/// written in the call that pays for its signature check; revoking the post keeps the entry,
	/// so a revoked event cannot come back.
	#[pallet::storage]
	pub type NostrEvents<T: Config> = StorageMap<_, Blake2_128Concat, [u8; 32], BatchId>;

	/// Each batch's anonymous root: the sized Merkle root of its posts' anonymous leaves, sorted
	/// by value (leaf format 3, `licentia_primitives::anonymous`), which anonymised records are
	/// verified against. Set at registration; a batch registered before spec 116 has none until
	/// its registrant commits one (`commit_anonymous_root`). Removed with its batch.
	#[pallet::storage]
	pub type AnonymousRoots<T: Config> = StorageMap<_, Twox64Concat, BatchId, H256>;

	/// How many notes each Nostr key registered in its current period. `Blake2_128Concat`:
	/// keys are user-chosen. One entry per key that ever registered, which its link's deposit
	/// pays for.
	#[pallet::storage]
	pub type NoteAllowances<T: Config> =
		StorageMap<_, Blake2_128Concat, [u8; 32], NoteAllowance<BlockNumberFor<T>>>;

	/// Revoked posts, by leaf hash. `Identity` hasher: the key is already a blake2-256 hash of
	/// the post, which the chain checked against a batch root.
	#[pallet::storage]
	pub type RevokedPosts<T: Config> =
		StorageMap<_, frame_support::Identity, H256, PostRevocation<BlockNumberFor<T>>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A platform registered a batch of posts: it is pending until `matures_at`.
		BatchRegistered {
			batch: BatchId,
			platform: PlatformId,
			/// The Merkle root of its posts' leaf hashes.
			root: H256,
			/// The root of its posts' anonymous leaves.
			anonymous_root: H256,
			/// How many posts it holds.
			posts: u32,
			/// How many distinct authors.
			contributors: u32,
			/// The bond held from the registrant.
			bond: BalanceOf<T>,
			/// The first block in which it can be activated.
			matures_at: BlockNumberFor<T>,
		},
		/// A pending batch was activated: its posts count and can be licensed.
		BatchActivated { batch: BatchId },
		/// The tail of an active batch ended: the part of its bond held through it was released.
		BondReleased {
			batch: BatchId,
			/// Released to the batch's registrant.
			amount: BalanceOf<T>,
		},
		/// A batch, pending or in its tail, was shown to break the layout, or left a leaf
		/// unopened: it is removed, its counts (if it was active) withdrawn and what is held of
		/// its bond slashed.
		BatchVoided {
			batch: BatchId,
			/// Who proved it.
			challenger: T::AccountId,
			/// The bond slashed.
			slashed: BalanceOf<T>,
			/// The part of it paid to the challenger.
			reward: BalanceOf<T>,
		},
		/// Someone asked the registrant of a pending batch to open leaf `index` by `deadline`.
		LeafRequested {
			batch: BatchId,
			index: u32,
			requester: T::AccountId,
			deadline: BlockNumberFor<T>,
		},
		/// Leaf `index` of a pending batch was opened (for a request, or for the chain's sample):
		/// anyone can now check it. `anonymous_index`: for a sample, the place of its anonymous
		/// leaf in the batch's anonymous tree, opened with it.
		LeafAnswered { batch: BatchId, index: u32, post: PostRecord, anonymous_index: Option<u32> },
		/// The registrant of a batch registered without an anonymous root committed one.
		AnonymousRootCommitted { batch: BatchId, anonymous_root: H256 },
		/// `challenger` committed to a fraud proof against `batch`, to reveal with `challenge`.
		ChallengeCommitted { batch: BatchId, challenger: T::AccountId },
		/// `challenger` withdrew their commitment against `batch`, and got its deposit back.
		CommitmentWithdrawn { batch: BatchId, challenger: T::AccountId },
		/// A request on a batch that was voided while it was open returned its deposit.
		RequestRefunded {
			batch: BatchId,
			index: u32,
			/// Who asked, and got the deposit back.
			requester: T::AccountId,
		},
		/// Governance set the window lengths.
		WindowsSet { windows: ChallengeWindows<BlockNumberFor<T>> },
		/// A Nostr author registered their own events as a batch.
		NostrEventsRegistered {
			batch: BatchId,
			/// The author's account.
			account: T::AccountId,
			/// The Merkle root of the events' leaf hashes.
			root: H256,
			/// The root of their anonymous leaves, as the author's tool committed it.
			anonymous_root: H256,
			/// How many events it holds.
			events: u32,
			/// Held from `account` for them (`NostrEventDeposit` each).
			deposit: BalanceOf<T>,
		},
		/// A post was withdrawn: licenses must stop serving it.
		PostRevoked {
			/// The batch it was registered in.
			batch: BatchId,
			/// Its leaf hash.
			post: H256,
			/// Who withdrew it: its author's account or an operator of its platform.
			by: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No platform has this id.
		PlatformNotFound,
		/// The platform is suspended: it cannot register posts, and its pending batches cannot be
		/// activated until it is resumed.
		PlatformSuspended,
		/// Only an operator of the platform may register its posts.
		NotOperator,
		/// Nostr events are registered by their authors, with `register_nostr_events`.
		NostrRegistersItself,
		/// No Nostr platform is registered.
		NoNostrPlatform,
		/// A batch must hold at least one post.
		EmptyBatch,
		/// Authors (or Nostr event ids) must be strictly ascending: no author twice.
		NotSorted,
		/// An author's post count must be at least one.
		ZeroPosts,
		/// The batch holds more posts than `MaxPostsPerBatch`.
		TooManyPosts,
		/// The author at `index` is not linked to any account.
		AuthorNotLinked {
			/// The author's position in the batch.
			index: u16,
		},
		/// The author at `index` is linked through another platform than this one.
		AuthorOnOtherPlatform {
			/// The author's position in the batch.
			index: u16,
		},
		/// The author at `index` allows no purpose: their posts cannot be registered.
		NoConsent {
			/// The author's position in the batch.
			index: u16,
		},
		/// The Nostr key of the event at `index` is not linked to the caller.
		NotYourKey {
			/// The event's position.
			index: u16,
		},
		/// The Nostr event at `index` is registered already (in this call or an earlier one): an
		/// event is registered once.
		EventRegistered {
			/// The event's position.
			index: u16,
		},
		/// The signature of the Nostr event at `index` does not verify over its id (the NIP-01
		/// hash of its fields as a text note).
		BadEventSignature {
			/// The event's position.
			index: u16,
		},
		/// The Nostr event at `index` is no text note: its content or a tag field is not UTF-8.
		NotANote {
			/// The event's position.
			index: u16,
		},
		/// The key of the Nostr event at `index` has registered `MaxNotesPerPeriod` notes in its
		/// current period (`NoteAllowances`): register the rest when it ends.
		TooManyNotes {
			/// The event's position.
			index: u16,
		},
		/// The contributor at `index` declares keys that cannot hold its posts: `first_key` must
		/// equal `last_key` for one post, and leave room for `posts` strictly increasing keys
		/// otherwise.
		BadKeys {
			/// The contributor's position in the batch.
			index: u16,
		},
		/// The first key of the contributor at `index` is not above their high-water mark: some
		/// of these posts may be registered already. Register newer posts only.
		AlreadyRegistered {
			/// The contributor's position in the batch.
			index: u16,
		},
		/// No batch has this id.
		BatchNotFound,
		/// The batch is in its challenge window: it cannot be used (or its posts revoked) until it
		/// is activated.
		BatchPending,
		/// No batch with this id is pending, or active in its tail (it was voided, its tail ended,
		/// or it was never registered; Nostr batches have neither).
		NotPending,
		/// The batch's tail has not ended: its bond stays held until `Tail::ends_at`.
		TailNotOver,
		/// `revoked_authors` is below the tail's `revoked_authors` (read it from `Tails`).
		BadWitness,
		/// A challenge reveals a proof the caller committed to (`commit_challenge`) in an earlier
		/// block; the caller has no such commitment (none, a later one, or to another proof).
		NoCommitment,
		/// The batch's challenge window has not ended.
		TooEarly,
		/// The batch has unanswered leaf requests: it cannot be activated, nor its tail bond
		/// released, before they are answered or it is voided.
		RequestsOpen,
		/// The contributor list is not the one the batch was registered with.
		ContributorsMismatch,
		/// The proof holds: the leaves opened are in the batch and agree with its layout.
		NotFraud,
		/// The index is beyond the batch's last leaf.
		IndexOutOfRange,
		/// This leaf is requested already.
		AlreadyRequested,
		/// Some of the leaves the chain sampled from this batch are not opened yet: its registrant
		/// must answer them (`answer_leaf`) before it can be activated.
		SamplesUnopened,
		/// No open request for this leaf.
		NoRequest,
		/// The request's deadline has passed: it can no longer be answered.
		RequestExpired,
		/// The request can still be answered: it cannot be called unanswered yet.
		AnswerWindowOpen,
		/// The batch's challenge window and tail have ended: its leaves can no longer be requested.
		WindowClosed,
		/// No answer window may be zero, and the challenge and answer windows together must stay below
		/// `BlockHashCount` (the block hash a batch's samples come from must be kept until they
		/// are due).
		BadWindows,
		/// The post and proof do not match the batch's root.
		BadProof,
		/// One of the first `AnonymousSampleSize` samples of a batch with an anonymous root is
		/// opened with its anonymous leaf (`answer_leaf`'s `anonymous`): none was given.
		AnonymousOpeningNeeded,
		/// The anonymous opening does not match the post's text seal, or its proof does not match
		/// the batch's anonymous root, or the batch has none.
		BadAnonymousOpening,
		/// The batch has an anonymous root already.
		AnonymousRootSet,
		/// Only the batch's registrant may commit its anonymous root.
		NotRegistrant,
		/// The post is revoked already.
		AlreadyRevoked,
		/// Only the post's author or an operator of its platform may revoke it.
		NotAllowed,
		/// The post at `index` of a `revoke_posts` call cannot be revoked, for `reason`; nothing
		/// of the call was revoked.
		CannotRevoke {
			/// The post's position in the call.
			index: u16,
			/// Why.
			reason: RevocationError,
		},
		/// Every batch id is used: no batch can be registered any more; or a bond or block
		/// number overflowed.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::SampleSize::get() <= 32, "samples are tracked by the bits of a u32");
			assert!(T::AnonymousSampleSize::get() <= T::SampleSize::get(), "some of the samples");
			assert!(!T::NotePeriod::get().is_zero(), "a note period is at least one block");
			assert!(
				T::MaxContributorsPerBatch::get() <= u16::MAX as u32
					&& T::MaxNostrEvents::get() <= u16::MAX as u32
					&& T::MaxRevocationsPerCall::get() <= u16::MAX as u32,
				"errors name a batch entry by a u16 index"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a batch of `platform`'s posts: their Merkle `root` and each author's range
		/// ([`Contribution`]: count, first and last order key), authors in strictly ascending
		/// order, leaves laid out in that order. The caller must operate the platform and holds
		/// `BondBase + BondPerPost x posts` until the batch is activated or voided.
		///
		/// All-or-nothing: an author who is not linked through this platform, or allows no
		/// purpose, or whose first key is not above their high-water mark, fails the batch with
		/// an error naming their index. `anonymous_root` commits to the posts' anonymous leaves
		/// (leaf format 3), which the chain's samples check along with the posts. Emits
		/// `BatchRegistered`; the batch is pending until its challenge window ends. Cost: linear in the number of authors, independent of the
		/// number of posts.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_batch(contributors.len() as u32))]
		pub fn register_batch(
			origin: OriginFor<T>,
			platform: PlatformId,
			root: H256,
			anonymous_root: H256,
			contributors: BoundedVec<Contribution, T::MaxContributorsPerBatch>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_batch(who, platform, (root, anonymous_root), &contributors)
		}

		/// Registers the caller's own Nostr text notes, in strictly ascending id order. The chain
		/// computes each note's NIP-01 id from its fields (kind 1) and checks its signature; its
		/// key must be linked to the caller, allow some purpose, and have registered fewer than
		/// `MaxNotesPerPeriod` notes in its period; a note registered before, by anyone, is
		/// refused (`EventRegistered`). The chain computes the batch's Merkle root itself;
		/// `anonymous_root` is the author's tool's commitment to the notes' anonymous leaves
		/// (leaf format 3), which nothing on chain checks: it is the author's word. Holds
		/// `NostrEventDeposit` per note from the caller. Emits `NostrEventsRegistered`. Cost:
		/// linear in the notes and in their text.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::register_nostr_events(
			events.len() as u32,
			events.iter().map(NostrEvent::text_len).fold(0, u32::saturating_add),
		))]
		pub fn register_nostr_events(
			origin: OriginFor<T>,
			events: BoundedVec<NostrEvent, T::MaxNostrEvents>,
			anonymous_root: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_nostr_events(who, &events, anonymous_root)
		}

		/// Withdraws one registered post: `post` is leaf `index` of `batch`, and `proof` its
		/// Merkle proof. The post's author (its identity's account) or an operator of its
		/// platform may call this. The author's post count drops by one. Emits `PostRevoked`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::revoke_post(proof.len() as u32))]
		pub fn revoke_post(
			origin: OriginFor<T>,
			batch: BatchId,
			post: PostRecord,
			index: u32,
			proof: BoundedVec<H256, ConstU32<MAX_PROOF_LEN>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_revoke_post(who, batch, post, index, &proof)
		}

		/// Activates a pending batch once its challenge window has ended, its samples are opened,
		/// no leaf request is open and its platform is not suspended: its authors' counts are
		/// added (to the accounts their identities are linked to through the batch's platform
		/// now) and its posts can be licensed. The bond is released but for `TailBond` of it,
		/// held through the batch's tail (`release_bond`). `contributors` is the list it was
		/// registered with. Anyone may call this. Emits `BatchActivated`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::activate_batch(contributors.len() as u32))]
		pub fn activate_batch(
			origin: OriginFor<T>,
			batch: BatchId,
			contributors: BoundedVec<Contribution, T::MaxContributorsPerBatch>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_activate_batch(batch, &contributors)
		}

		/// Reveals a proof that a batch, pending or in its tail, breaks its layout ([`Fraud`]):
		/// the caller must have committed to it in an earlier block (`commit_challenge`), so that
		/// nobody can take the reward by copying the proof. `contributors` is the list the batch
		/// was registered with. The batch is removed, its counts (if it was active) withdrawn and
		/// what is held of its bond slashed: `ChallengerReward` to the caller, the rest to the
		/// treasury; the commitment's deposit is returned. Emits `BatchVoided`; a proof that
		/// holds nothing fails with `NotFraud`.
		#[pallet::call_index(4)]
		#[pallet::weight({
			let c = contributors.len() as u32;
			T::WeightInfo::challenge(c).max(T::WeightInfo::challenge_duplicate(c))
		})]
		pub fn challenge(
			origin: OriginFor<T>,
			batch: BatchId,
			contributors: BoundedVec<Contribution, T::MaxContributorsPerBatch>,
			fraud: Box<Fraud>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_challenge(who, batch, &contributors, &fraud)
		}

		/// Asks the registrant of a batch in its challenge window or its tail to open leaf
		/// `index` within the answer window, holding `RequestDeposit` from the caller (paid to
		/// the registrant when they answer). While a request is open, the batch cannot be
		/// activated nor its tail bond released; unanswered, it voids the batch. There is no
		/// limit on how many are open, so nobody can keep others from asking. Emits
		/// `LeafRequested`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::request_leaf())]
		pub fn request_leaf(origin: OriginFor<T>, batch: BatchId, index: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_leaf(who, batch, index)
		}

		/// Opens leaf `index` of `batch` (pending or in its tail): `post`, by `proof`, for an open
		/// request (the requester's deposit goes to the batch's registrant) or for the chain's
		/// sample of a pending batch (the sample counts as opened). The first
		/// `AnonymousSampleSize` samples of a batch with an anonymous root are opened with their
		/// anonymous leaves too (`anonymous`: the post's blind, anonymous leaf and its place in
		/// the anonymous tree), so that the chain checks the anonymous tree as it checks the
		/// posts; a request alone needs none (and a given opening is checked). Anyone may answer.
		/// Emits `LeafAnswered` with the post, which anyone can then check against the layout.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::answer_leaf())]
		pub fn answer_leaf(
			origin: OriginFor<T>,
			batch: BatchId,
			index: u32,
			post: PostRecord,
			proof: Proof,
			anonymous: Option<AnonymousOpening>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_answer_leaf(batch, index, post, &proof, anonymous.as_ref())
		}

		/// Voids a batch that left leaf `index` unopened (`contributors` is the list it was
		/// registered with): a request for it past its deadline, while the batch is pending or in
		/// its tail (the requester gets their deposit back and the challenger's reward), or one of
		/// the chain's samples of a pending batch past the samples' deadline (the caller gets the
		/// reward). An active batch's counts are withdrawn. Anyone may call this. Emits
		/// `BatchVoided`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::void_unanswered(contributors.len() as u32))]
		pub fn void_unanswered(
			origin: OriginFor<T>,
			batch: BatchId,
			index: u32,
			contributors: BoundedVec<Contribution, T::MaxContributorsPerBatch>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_void_unanswered(who, batch, index, &contributors)
		}

		/// Sets the window lengths (governance). Batches and requests already made keep theirs.
		/// Emits `WindowsSet`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_windows())]
		pub fn set_windows(
			origin: OriginFor<T>,
			windows: ChallengeWindows<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_windows(windows)
		}

		/// Returns the deposit of a request whose batch was voided while it was open, to its
		/// requester. Anyone may call this. Emits `RequestRefunded`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::refund_request())]
		pub fn refund_request(origin: OriginFor<T>, batch: BatchId, index: u32) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_refund_request(batch, index)
		}

		/// Withdraws many registered posts at once, from any batches: what a platform's bridge
		/// sends as deletions arrive. Each post must be one the caller may revoke (as for
		/// `revoke_post`: its author's account or an operator of its platform); a post revoked
		/// already is skipped, so a call can be sent again after a crash. All-or-nothing
		/// otherwise: `CannotRevoke { index, reason }` names the first post that cannot be. Each
		/// author's count drops by its revoked posts, settled once per author. Emits
		/// `PostRevoked` for each post revoked.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::revoke_posts(posts.len() as u32))]
		pub fn revoke_posts(
			origin: OriginFor<T>,
			posts: BoundedVec<PostWithProof, T::MaxRevocationsPerCall>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_revoke_posts(who, &posts)
		}

		/// Commits the caller to a fraud proof against `batch` (pending or in its tail), to be
		/// revealed with `challenge` from the next block on: `commitment` is
		/// [`challenge_commitment`] of the batch, the caller and the proof. Holds
		/// `RequestDeposit` (once per batch: a new commitment replaces the caller's last). Emits
		/// `ChallengeCommitted`.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::commit_challenge())]
		pub fn commit_challenge(
			origin: OriginFor<T>,
			batch: BatchId,
			commitment: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_challenge(who, batch, commitment)
		}

		/// Withdraws the caller's commitment against `batch` and returns its deposit, whatever
		/// became of the batch. Emits `CommitmentWithdrawn`.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::withdraw_commitment())]
		pub fn withdraw_commitment(origin: OriginFor<T>, batch: BatchId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_commitment(who, batch)
		}

		/// Ends the tail of an active batch once `Tail::ends_at` is reached and no leaf request
		/// is open: the part of its bond held through it goes back to its registrant, and the
		/// batch can no longer be challenged. `revoked_authors` is at least the tail's
		/// `revoked_authors` (read it from `Tails`; usually 0, and a larger value is refunded):
		/// the call is charged for it. Anyone may call this. Emits `BondReleased`.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::release_bond(*revoked_authors))]
		pub fn release_bond(
			origin: OriginFor<T>,
			batch: BatchId,
			revoked_authors: u32,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let cleared = Self::do_release_bond(batch, revoked_authors)?;
			Ok(Some(T::WeightInfo::release_bond(cleared)).into())
		}

		/// Commits the anonymous root of a batch registered without one (before spec 116), pending
		/// or active: the sized Merkle root of its posts' anonymous leaves, sorted by value, which
		/// anonymised records of its posts are then verified against. Only its registrant may
		/// call this, once. Unlike a root given at registration, the chain's samples do not check
		/// it: it is the registrant's word. Emits `AnonymousRootCommitted`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::commit_anonymous_root())]
		pub fn commit_anonymous_root(
			origin: OriginFor<T>,
			batch: BatchId,
			anonymous_root: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_anonymous_root(who, batch, anonymous_root)
		}
	}
}
