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
//! ## Calls
//! - [`register_batch`](Pallet::register_batch): a platform operator registers a batch. Every
//!   author must be linked (through this platform) and must allow at least one purpose; the
//!   batch is all-or-nothing and the error names the first author that fails
//!   (`AuthorNotLinked { index }`, ...), so a bridge filters its posts first (it asks the node).
//! - [`register_nostr_events`](Pallet::register_nostr_events): a Nostr author registers their
//!   own signed events; each signature is checked on chain.
//! - [`revoke_post`](Pallet::revoke_post): the author or the platform withdraws one post, with
//!   its proof.
//!
//! ## Storage and deposits
//! A batch is the permanent public record that licenses and proofs refer to, about 100 bytes,
//! and is paid for by its transaction fee (its weight includes its storage writes). Revocations
//! are bounded by the posts registered and cost only their fee: withdrawing a post must stay
//! cheap.
//!
//! ## Where the code is
//! This file declares the pallet; each call hands over to a `do_*` function in `registration`
//! (batches and Nostr events) or `revocation`. `queries` answers the runtime API and other
//! pallets ([`ContentProvider`]); `try_state` checks the invariants.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
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

pub use licentia_primitives::{
	consent::{ConsentProvider, Identity, PlatformId, PlatformKind},
	content::{BatchId, ContentProvider, ContributionObserver, PostId, PostRecord, MAX_PROOF_LEN},
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
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::H256;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// A batch as stored.
	pub type BatchOf<T> = BatchInfo<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Platforms, identities and consent.
		type Consent: ConsentProvider<Self::AccountId>;

		/// Told after an author's post count changes and when a post is withdrawn (licensing
		/// settles rewards and feeds revocations to license holders then).
		type ContributionObserver: ContributionObserver<Self::AccountId>;

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

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up platforms and authors in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next batch gets.
	#[pallet::storage]
	pub type NextBatchId<T> = StorageValue<_, BatchId, ValueQuery>;

	/// Registered batches. `Twox64Concat`: ids are assigned in sequence by the chain.
	#[pallet::storage]
	pub type Batches<T: Config> = StorageMap<_, Twox64Concat, BatchId, BatchOf<T>>;

	/// Each account's registered (and not revoked) posts, per platform: what licensing pays in
	/// proportion to. `Blake2_128Concat` on the account: accounts are user-chosen.
	#[pallet::storage]
	pub type Contributions<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		PlatformId,
		u64,
		ValueQuery,
	>;

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

	/// Revoked posts, by leaf hash. `Identity` hasher: the key is already a blake2-256 hash of
	/// the post, which the chain checked against a batch root.
	#[pallet::storage]
	pub type RevokedPosts<T: Config> =
		StorageMap<_, frame_support::Identity, H256, Revocation<BlockNumberFor<T>>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A platform registered a batch of posts.
		BatchRegistered {
			batch: BatchId,
			platform: PlatformId,
			/// The Merkle root of its posts' leaf hashes.
			root: H256,
			/// How many posts it holds.
			posts: u32,
			/// How many distinct authors.
			contributors: u32,
		},
		/// A Nostr author registered their own events as a batch.
		NostrEventsRegistered {
			batch: BatchId,
			/// The author's account.
			account: T::AccountId,
			/// The Merkle root of the events' leaf hashes.
			root: H256,
			/// How many events it holds.
			events: u32,
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
		/// The platform is suspended and cannot register posts.
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
		/// The signature of the Nostr event at `index` does not verify.
		BadEventSignature {
			/// The event's position.
			index: u16,
		},
		/// No batch has this id.
		BatchNotFound,
		/// The post and proof do not match the batch's root.
		BadProof,
		/// The post is revoked already.
		AlreadyRevoked,
		/// Only the post's author or an operator of its platform may revoke it.
		NotAllowed,
		/// Every batch id is used: no batch can be registered any more.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxContributorsPerBatch::get() <= u16::MAX as u32
					&& T::MaxNostrEvents::get() <= u16::MAX as u32,
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
		/// Registers a batch of `platform`'s posts: their Merkle `root` and each author's post
		/// count, authors in strictly ascending order. The caller must operate the platform.
		///
		/// All-or-nothing: an author who is not linked through this platform, or allows no
		/// purpose, fails the batch with an error naming their index. Emits `BatchRegistered`.
		/// Cost: linear in the number of authors, independent of the number of posts.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_batch(contributors.len() as u32))]
		pub fn register_batch(
			origin: OriginFor<T>,
			platform: PlatformId,
			root: H256,
			contributors: BoundedVec<Contribution, T::MaxContributorsPerBatch>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_batch(who, platform, root, &contributors)
		}

		/// Registers the caller's own Nostr events, in strictly ascending id order. Each event's
		/// key must be linked to the caller, allow some purpose, and have signed the event id; an
		/// event registered before, by anyone, is refused (`EventRegistered`). The chain computes
		/// the batch's Merkle root itself. Emits `NostrEventsRegistered`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::register_nostr_events(events.len() as u32))]
		pub fn register_nostr_events(
			origin: OriginFor<T>,
			events: BoundedVec<NostrEvent, T::MaxNostrEvents>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_nostr_events(who, &events)
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
	}
}
