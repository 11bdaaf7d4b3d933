//! # Licensing pallet
//!
//! Sells access to registered posts and pays the people who wrote them.
//!
//! ## Overview
//! - **Terms** say what a license grants (purposes, duration, record cap, anonymisation,
//!   attribution, transfer, redistribution, commercial use, release of model weights, and the
//!   hash of the legal text). Identical terms are stored once, under one id.
//! - **Offers** put a pool of posts (one platform's, by its operator; several platforms', by
//!   governance) on sale under terms, at a price per record or flat. Offers can be paused and
//!   closed.
//! - **Purchase** mints a **license token** owned by the buyer. It covers the batches
//!   registered before the purchase, and only the posts whose authors allow every purpose of
//!   the terms; it lasts `duration` blocks. The price is split in the same extrinsic: a
//!   protocol fee to the treasury, each platform's share, and the contributors' part, in
//!   proportion to their licensed posts, through per-platform reward counters (see
//!   [`royalties`]): a purchase costs the same with 10 contributors as with 10 million.
//!   Contributors (and platforms) **claim** what they are owed.
//! - **Access checks** ([`Pallet::api_check_access`], through the runtime API) answer whether a
//!   record may be served under a license, or why not: expired, revoked, purpose not covered,
//!   cap reached, outside the snapshot, not registered, post revoked, consent withdrawn.
//!   Platforms **meter** deliveries against the cap.
//! - The **revocation feed** lists the consent withdrawals and post revocations since a block,
//!   so that buyers honour deletions after their purchase. It keeps `FeedRetention` blocks.
//!
//! ## Calls
//! [`register_terms`](Pallet::register_terms), [`create_offer`](Pallet::create_offer),
//! [`create_pool_offer`](Pallet::create_pool_offer),
//! [`set_offer_paused`](Pallet::set_offer_paused), [`close_offer`](Pallet::close_offer),
//! [`purchase`](Pallet::purchase), [`transfer_license`](Pallet::transfer_license),
//! [`revoke_license`](Pallet::revoke_license),
//! [`record_deliveries`](Pallet::record_deliveries), [`release_license`](Pallet::release_license),
//! [`claim`](Pallet::claim).
//!
//! ## Deposits
//! Terms, offers and licenses stay in storage: their creator's deposit is held while they do.
//! Terms are never removed (licenses refer to them); an offer's deposit returns when it closes,
//! a license's when it is released after it ends.
//!
//! ## Where the code is
//! This file declares the pallet: its configuration, storage, events, errors and calls, each
//! documented where it is read (hence its length). Each call checks its origin and hands over to
//! a `do_*` function in the module of its domain: `terms`, `offers` (offers and purchases),
//! `licenses`, [`royalties`] (the split and rewards), `access` (access checks), `feed` (the
//! revocation feed). `queries` answers the runtime API, `try_state` checks the invariants and
//! [`migrations`] upgrades storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod access;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod feed;
mod licenses;
pub mod migrations;
#[cfg(test)]
mod mock;
mod offers;
mod queries;
pub mod royalties;
mod terms;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", feature = "std", test))]
mod try_state;
pub mod types;
pub mod weights;

pub use licentia_primitives::{
	consent::{
		ConsentObserver, ConsentProvider, Demand, Identity, PlatformId, PriceTier, Purpose,
		PurposeSet, PRICE_TIERS,
	},
	content::{BatchId, ContentProvider, ContributionObserver},
	licensing::{
		AccessDecision, AccessQuery, Denial, Exclusions, FeedChange, FeedPage, FeedRecord,
		LicenseId, OfferId, Price, Quote, QuoteError, QuoteResult, Terms, TermsId,
		EARNINGS_PERIODS,
	},
	runtime_api::{Earnings, PeriodPaid},
};
pub use types::*;
pub use weights::WeightInfo;

/// What benchmarks need from the runtime: platforms and contributors.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers an active platform operated by (and paying) `operator`.
	fn platform(operator: &AccountId) -> PlatformId;
	/// Makes `who` a contributor of `posts` posts on `platform`, allowing every purpose and
	/// refusing nothing, at minimum price tier `min_price`.
	fn contributor(who: &AccountId, platform: PlatformId, posts: u64, min_price: PriceTier);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
	use licentia_primitives::consent::Identity;
	use sp_runtime::Perbill;

	/// The in-code storage version. 1: the reward storage items renamed; 2: standings per
	/// identity; 3: consent that covers the terms (see [`migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(4);

	/// An amount of the native token. Calls and events name it so (not `u128`), as
	/// `pallet-balances` does: metadata then types those fields `BalanceOf<T>`, which wallets
	/// show as an amount of the token.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// A license as stored.
	pub type LicenseOf<T> =
		License<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	/// An offer as stored.
	pub type OfferOf<T> = Offer<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// Registered terms as stored.
	pub type TermsRecordOf<T> = TermsRecord<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A revocation feed entry as stored.
	pub type FeedRecordOf<T> =
		FeedRecord<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// A page of the revocation feed, as this pallet's runtime API returns it.
	pub type FeedPageOf<T> = FeedPage<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// An account's claims as stored.
	pub type ClaimLedgerOf<T> = ClaimLedger<BalanceOf<T>, BlockNumberFor<T>>;
	/// An account's earnings, as this pallet's runtime API returns them.
	pub type EarningsOf<T> = Earnings<BalanceOf<T>, BlockNumberFor<T>>;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native token: prices, payments and deposits. Its balance is a `u128`: the split of
		/// a price and the reward counters compute in `u128` (see [`royalties`]).
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>
			+ Inspect<Self::AccountId, Balance = u128>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Platforms, identities and consent.
		type Consent: ConsentProvider<Self::AccountId>;

		/// Registered posts.
		type Content: ContentProvider<Self::AccountId, BlockNumberFor<Self>>;

		/// Who offers cross-platform pools and revokes licenses (Root until on-chain governance
		/// exists).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The pot's account is derived from this id.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Receives the protocol fee and rounding dust.
		type Treasury: Get<Self::AccountId>;

		/// The protocol's share of every price.
		#[pallet::constant]
		type ProtocolFee: Get<Perbill>;

		/// The minimum prices per record of price tiers 1, 2 and 3, ascending: a sale whose
		/// price per record is at least the `k`-th floor reaches tier `k`, and includes the
		/// posts of authors whose minimum tier is at most `k` (tier 0: no minimum).
		#[pallet::constant]
		type PriceFloors: Get<[BalanceOf<Self>; (PRICE_TIERS - 1) as usize]>;

		/// The deposit held for registered terms.
		#[pallet::constant]
		type TermsDeposit: Get<BalanceOf<Self>>;

		/// The deposit held for an offer while it is open.
		#[pallet::constant]
		type OfferDeposit: Get<BalanceOf<Self>>;

		/// The deposit held for a license until it is released.
		#[pallet::constant]
		type LicenseDeposit: Get<BalanceOf<Self>>;

		/// The longest license, in blocks. The revocation feed keeps this long.
		#[pallet::constant]
		type MaxDuration: Get<u32>;

		/// The most identities one account has linked (the consent pallet's bound): what a claim
		/// settles at most.
		#[pallet::constant]
		type MaxIdentitiesPerAccount: Get<u32>;

		/// How often an account's `claim` is free of fees, in blocks: a claim is free when it
		/// pays at least the existential deposit and the account's last claim is at least this
		/// old (see [`Pallet::claim`]).
		#[pallet::constant]
		type FreeClaimInterval: Get<BlockNumberFor<Self>>;

		/// The length of a period of [`ClaimHistory`], in blocks (the runtime's is 30 days). Not
		/// zero.
		#[pallet::constant]
		type EarningsPeriod: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up platforms and contributors in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Registered terms.
		Terms,
		/// An open offer.
		Offer,
		/// A license token.
		License,
	}

	/// The id the next terms get.
	#[pallet::storage]
	pub type NextTermsId<T> = StorageValue<_, TermsId, ValueQuery>;

	/// Registered terms. `Twox64Concat`: ids are assigned in sequence by the chain.
	#[pallet::storage]
	pub type TermsOf<T: Config> = StorageMap<_, Twox64Concat, TermsId, TermsRecordOf<T>>;

	/// Terms by their hash, so that identical terms are stored once. `Identity`: the key is a
	/// blake2-256 hash computed by the chain.
	#[pallet::storage]
	pub type TermsByHash<T> = StorageMap<_, frame_support::Identity, sp_core::H256, TermsId>;

	/// The id the next offer gets.
	#[pallet::storage]
	pub type NextOfferId<T> = StorageValue<_, OfferId, ValueQuery>;

	/// Open offers. `Twox64Concat`: ids are assigned in sequence by the chain.
	#[pallet::storage]
	pub type Offers<T: Config> = StorageMap<_, Twox64Concat, OfferId, OfferOf<T>>;

	/// The id the next license gets.
	#[pallet::storage]
	pub type NextLicenseId<T> = StorageValue<_, LicenseId, ValueQuery>;

	/// Each platform's part of a capped pool license's record cap, and what it recorded: a
	/// platform's deliveries count only against its own part, so that no platform of the pool
	/// can use up the buyer's cap for the others. Written at purchase for capped licenses of more
	/// than one platform (a single platform's part is the whole cap), removed on release.
	#[pallet::storage]
	pub type PlatformParts<T> =
		StorageDoubleMap<_, Twox64Concat, LicenseId, Twox64Concat, PlatformId, CapPart>;

	/// Per capped license and platform, the deliveries the platform reserved and has not
	/// recorded yet ([`Pallet::reserve_deliveries`]): a part of the cap no other platform or
	/// gateway can take, which the platform's later [`Pallet::record_deliveries`] draw from.
	/// A gateway serves from its allowance at once and records afterwards, without a
	/// transaction per page. Removed on release.
	#[pallet::storage]
	pub type Allowances<T> =
		StorageDoubleMap<_, Twox64Concat, LicenseId, Twox64Concat, PlatformId, u64, ValueQuery>;

	/// Per capped license, the sum of its platforms' [`Allowances`]: the license's recorded
	/// deliveries plus this never exceed its cap.
	#[pallet::storage]
	pub type Reserved<T> = StorageMap<_, Twox64Concat, LicenseId, u64, ValueQuery>;

	/// License tokens. `Twox64Concat`: ids are assigned in sequence by the chain.
	#[pallet::storage]
	pub type Licenses<T: Config> = StorageMap<_, Twox64Concat, LicenseId, LicenseOf<T>>;

	/// Per platform and minimum price tier, the shares of its contributors of that tier per
	/// class of consent: what a purchase divides by. `Twox64Concat`: platform ids are assigned
	/// by the chain, tiers are below `PRICE_TIERS`.
	#[pallet::storage]
	pub type PlatformShareTotals<T> = StorageDoubleMap<
		_,
		Twox64Concat,
		PlatformId,
		Twox64Concat,
		PriceTier,
		ShareTotals,
		ValueQuery,
	>;

	/// Per platform, the rewards paid per share for each demand sold.
	#[pallet::storage]
	pub type PlatformRewardCounters<T> =
		StorageMap<_, Twox64Concat, PlatformId, RewardCounters, ValueQuery>;

	/// The standing of each identity's posts per platform: owner, shares, consent and the
	/// counters it last settled at. An entry exists while the posts pay someone (linked through
	/// the platform, some purpose allowed). `Blake2_128Concat` on the identity:
	/// identities are user input.
	#[pallet::storage]
	pub type PoolMembers<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		Identity,
		Twox64Concat,
		PlatformId,
		PoolMember<T::AccountId>,
	>;

	/// The first license each pool member's posts are served under, per demand ([`Since`]):
	/// licenses bought before the member entered the pool, changed owner, or widened its consent
	/// to admit their demand were not counted over its posts and paid it nothing. Absent: from
	/// license 0 (members from before this was kept). Removed with the member.
	#[pallet::storage]
	pub type MemberSince<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		Identity,
		Twox64Concat,
		PlatformId,
		Since,
		ValueQuery,
	>;

	/// Settled rewards each account may claim (contributors and platform payees).
	#[pallet::storage]
	pub type Owed<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// The block of each account's last `claim`: a claim is free once per
	/// [`Config::FreeClaimInterval`]. One entry per account that ever claimed (each was paid).
	#[pallet::storage]
	pub type LastClaim<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>>;

	/// What each account's claims paid it: in total, and in each of the last
	/// [`EARNINGS_PERIODS`] periods of [`Config::EarningsPeriod`] blocks with a claim, oldest
	/// first. One bounded entry per account that ever claimed, written by the claim itself.
	#[pallet::storage]
	pub type ClaimHistory<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ClaimLedgerOf<T>, ValueQuery>;

	/// The revocation feed, by sequence number. `Twox64Concat`: assigned by the chain.
	#[pallet::storage]
	pub type Feed<T: Config> = StorageMap<_, Twox64Concat, u64, FeedRecordOf<T>>;

	/// The sequence number of the next feed entry.
	#[pallet::storage]
	pub type FeedNext<T> = StorageValue<_, u64, ValueQuery>;

	/// The sequence number of the oldest feed entry kept.
	#[pallet::storage]
	pub type FeedOldest<T> = StorageValue<_, u64, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		_config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The pot and the treasury must exist before the first payment into them, which
			// may be smaller than the existential deposit.
			let ed = T::Currency::minimum_balance();
			for account in [Pallet::<T>::pot(), T::Treasury::get()] {
				if T::Currency::balance(&account) < ed {
					let _ = T::Currency::mint_into(&account, ed);
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Terms were registered.
		TermsRegistered {
			terms: TermsId,
			/// Their hash, under which identical terms are found (`TermsByHash`).
			hash: sp_core::H256,
			/// Who registered them and pays their deposit.
			by: T::AccountId,
		},
		/// An offer was opened.
		OfferCreated {
			offer: OfferId,
			/// The operator that made it and pays its deposit (`None`: governance).
			owner: Option<T::AccountId>,
			terms: TermsId,
			price: Price<BalanceOf<T>>,
		},
		/// An offer was paused: purchases fail until it is resumed.
		OfferPaused { offer: OfferId },
		/// An offer was closed; licenses bought from it stay valid.
		OfferClosed { offer: OfferId },
		/// A license token was minted.
		LicensePurchased {
			license: LicenseId,
			offer: OfferId,
			/// Who bought it, and owns it.
			buyer: T::AccountId,
			/// What the buyer paid.
			price: BalanceOf<T>,
			/// The records in the pool at purchase.
			records: u64,
			/// The first block it is no longer valid in.
			expiry: BlockNumberFor<T>,
		},
		/// A price was divided.
		PaymentSplit {
			/// The license it paid for.
			license: LicenseId,
			/// Protocol fee, to the treasury.
			protocol: BalanceOf<T>,
			/// Platforms' shares: claimable by their payees, to the treasury for a platform without one.
			platforms: BalanceOf<T>,
			/// Contributors' part, claimable in proportion to their licensed posts.
			contributors: BalanceOf<T>,
			/// Rounding remainder, to the treasury.
			dust: BalanceOf<T>,
		},
		/// A license moved to another owner.
		LicenseTransferred {
			license: LicenseId,
			/// The old owner.
			from: T::AccountId,
			/// The new owner.
			to: T::AccountId,
		},
		/// Governance revoked a license: access checks deny it from this block on.
		LicenseRevoked {
			license: LicenseId,
			/// For cause: the hash of the evidence. `None`: through no fault of the buyer.
			cause: Option<sp_core::H256>,
			/// The buyer's deposit, paid to the treasury when revoked for cause (else zero: the
			/// deposit is returned on release).
			slashed: BalanceOf<T>,
		},
		/// A platform reported records served under a license.
		DeliveriesRecorded {
			license: LicenseId,
			/// The platform that served them.
			platform: PlatformId,
			/// How many in this report.
			count: u64,
			/// How many under the license so far, this report included.
			delivered: u64,
		},
		/// A license that had ended was removed and its deposit returned.
		LicenseReleased { license: LicenseId },
		/// An account was paid the rewards it was owed.
		RewardsClaimed { who: T::AccountId, amount: BalanceOf<T> },
		// Last, so that the events before it keep their indices.
		/// A paused offer was resumed: it may be bought again.
		OfferResumed { offer: OfferId },
		/// A platform reserved deliveries of a capped license: that many records of the cap are
		/// its to serve, recorded later.
		DeliveriesReserved {
			license: LicenseId,
			/// The platform that reserved them.
			platform: PlatformId,
			/// How many this reservation got: what was asked, or what the cap left if less.
			count: u64,
			/// The platform's allowance now: reserved and not yet recorded.
			allowance: u64,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Terms must name at least one purpose, and only known ones.
		NoPurpose,
		/// A license must last at least one block and at most `MaxDuration`.
		BadDuration,
		/// A record cap of zero would license nothing.
		ZeroCap,
		/// Identical terms are registered already: use their id.
		TermsExist,
		/// No terms have this id.
		TermsNotFound,
		/// No platform has this id.
		PlatformNotFound,
		/// The platform is suspended: it cannot open offers, and offers of its posts cannot be
		/// bought until governance reactivates it.
		PlatformSuspended,
		/// Only an operator of the platform may offer its posts; an operator's offer cannot be
		/// bought once its owner no longer operates every platform of it.
		NotOperator,
		/// A pool needs at least one platform, in strictly ascending order.
		BadPool,
		/// No offer has this id.
		OfferNotFound,
		/// The offer is paused: purchases fail until it is resumed.
		OfferPaused,
		/// Only the offer's operator (or governance) may change it.
		NotOfferOwner,
		/// The offer's pool holds no posts whose authors' consent admits its terms at its price
		/// (the quote's `excluded` says why).
		NothingToLicense,
		/// The price is above the limit the buyer set.
		PriceAboveLimit,
		/// An amount or a count overflowed: the price of a large pool at a high per-record
		/// price, a reward counter, or every id of a kind used. Nothing changed.
		Overflow,
		/// No license has this id.
		LicenseNotFound,
		/// Only the license's owner may transfer it.
		NotLicenseOwner,
		/// The license's terms do not allow transfer.
		NotTransferable,
		/// The license has expired or was revoked.
		LicenseEnded,
		/// The license is still valid: it can be released once it has expired or been revoked.
		LicenseActive,
		/// The license is revoked already.
		AlreadyRevoked,
		/// The platform is not in the license's pool.
		PlatformNotCovered,
		/// The deliveries would exceed the license's record cap, or the recording platform's part
		/// of a pool license's cap: nothing was recorded.
		CapExceeded,
		/// A delivery report must count at least one record.
		ZeroDeliveries,
		/// The account is owed nothing.
		NothingToClaim,
		/// An offer's price must not be zero: a free license would pay contributors nothing
		/// for their posts.
		ZeroPrice,
		/// A platform of the pool keeps a reward counter for `MAX_DEMANDS` (64) distinct
		/// demands (purposes, conflicting conditions, price tier) already: an offer whose terms
		/// or price tier match one of them can still be sold.
		TooManyDemands,
		/// Only a capped license's deliveries are reserved: an uncapped license's are recorded
		/// after they are served.
		NotCapped,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Drops revocation feed entries older than `MaxDuration`, as far as `remaining` allows.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune_feed(now, remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers `terms` and holds `TermsDeposit` from the caller. Identical terms are
		/// stored once: registering them again fails with `TermsExist`. Emits
		/// `TermsRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_terms())]
		pub fn register_terms(origin: OriginFor<T>, terms: Terms) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_terms(who, terms)
		}

		/// Offers `platform`'s posts under `terms` at `price`. The caller must operate the
		/// platform; `OfferDeposit` is held until the offer closes. Emits `OfferCreated`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::create_offer())]
		pub fn create_offer(
			origin: OriginFor<T>,
			platform: PlatformId,
			terms: TermsId,
			price: Price<BalanceOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let platforms = BoundedVec::truncate_from(alloc::vec![platform]);
			Self::do_create_offer(Some(who), platforms, terms, price)
		}

		/// Governance offers a pool of several platforms' posts (strictly ascending ids) under
		/// `terms` at `price`. No deposit. Emits `OfferCreated`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::create_pool_offer(platforms.len() as u32))]
		pub fn create_pool_offer(
			origin: OriginFor<T>,
			platforms: PoolPlatforms,
			terms: TermsId,
			price: Price<BalanceOf<T>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_create_offer(None, platforms, terms, price)
		}

		/// Pauses (`paused`) or resumes purchases of an offer. Its operator or governance may
		/// call this. Emits `OfferPaused` or `OfferResumed`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_offer_paused())]
		pub fn set_offer_paused(
			origin: OriginFor<T>,
			offer: OfferId,
			paused: bool,
		) -> DispatchResult {
			let who = Self::ensure_governance_or_signed(origin)?;
			Self::do_set_offer_paused(who, offer, paused)
		}

		/// Closes an offer and returns its deposit. Its operator or governance may call this.
		/// Licenses bought from it stay valid. Emits `OfferClosed`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::close_offer())]
		pub fn close_offer(origin: OriginFor<T>, offer: OfferId) -> DispatchResult {
			let who = Self::ensure_governance_or_signed(origin)?;
			Self::do_close_offer(who, offer)
		}

		/// Buys `offer`: mints a license token owned by the caller and pays the price, if it is
		/// at most `max_price` (a per-record price grows with the pool). The price is split in
		/// this call; `LicenseDeposit` is held until the license is released. Emits
		/// `LicensePurchased` and `PaymentSplit`. Cost: linear in the pool's platforms,
		/// independent of its contributors.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::purchase(MAX_POOL_PLATFORMS))]
		pub fn purchase(
			origin: OriginFor<T>,
			offer: OfferId,
			max_price: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let platforms = Self::do_purchase(who, offer, max_price)?;
			Ok(Some(T::WeightInfo::purchase(platforms)).into())
		}

		/// Moves a license to `to`, if its terms allow transfer. Only its owner may call this.
		/// Emits `LicenseTransferred`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::transfer_license())]
		pub fn transfer_license(
			origin: OriginFor<T>,
			license: LicenseId,
			to: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_transfer_license(who, license, to)
		}

		/// Governance revokes a license: access checks deny it from this block on.
		///
		/// For cause (a breach of its terms, settled by a dispute), `cause` is the hash of the
		/// evidence, recorded in the license, and the buyer's deposit is paid to the treasury
		/// instead of being returned on release. With `None`, the license ends through no
		/// fault of the buyer (a court order, a platform's withdrawal) and the deposit is
		/// returned on release. Emits `LicenseRevoked`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::revoke_license())]
		pub fn revoke_license(
			origin: OriginFor<T>,
			license: LicenseId,
			cause: Option<sp_core::H256>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_revoke_license(license, cause)
		}

		/// An operator of `platform` records `count` records served under `license`, drawn first
		/// from the platform's allowance ([`Pallet::reserve_deliveries`]). Refused, and nothing
		/// recorded, if the rest would exceed what the license's record cap leaves (other
		/// platforms' allowances included) or the license has ended. Emits `DeliveriesRecorded`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::record_deliveries())]
		pub fn record_deliveries(
			origin: OriginFor<T>,
			license: LicenseId,
			platform: PlatformId,
			count: u64,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_record_deliveries(who, license, platform, count)
		}

		/// Removes a license that has expired or was revoked, and returns its deposit to whoever
		/// paid it (nothing, if it was revoked for cause). Anyone may call this. Emits `LicenseReleased`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::release_license())]
		pub fn release_license(origin: OriginFor<T>, license: LicenseId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_release_license(license)
		}

		/// Pays the caller what it is owed: what the posts of each of its identities earned,
		/// settled now, and any platform share it receives. Emits `RewardsClaimed`. Cost: linear
		/// in the caller's identities.
		///
		/// Free of fees (with the runtime's `SkipCheckIfFeeless`) when it pays at least the
		/// existential deposit and the caller's last claim is at least
		/// [`Config::FreeClaimInterval`] old: a contributor with too little to pay a fee is
		/// paid all the same, and nobody can fill blocks with free claims (one per interval
		/// per account, each moving real rewards). A contributor's account exists even with no
		/// funds (its identity links provide for it); anyone may also pay it with
		/// [`Pallet::claim_for`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::claim(T::MaxIdentitiesPerAccount::get()))]
		#[pallet::feeless_if(|origin: &OriginFor<T>| -> bool {
			ensure_signed(origin.clone()).is_ok_and(|who| Pallet::<T>::claim_is_free(&who))
		})]
		pub fn claim(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let identities = Self::do_claim(who.clone())?;
			LastClaim::<T>::insert(&who, frame_system::Pallet::<T>::block_number());
			Ok(Some(T::WeightInfo::claim(identities)).into())
		}

		/// Pays `who` what it is owed, as its own `claim` would; anyone may call it and pays
		/// its fee (a platform or a wallet service paying out contributors who hold nothing).
		/// Emits `RewardsClaimed`. Cost: linear in `who`'s identities.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::claim_for(T::MaxIdentitiesPerAccount::get()))]
		pub fn claim_for(origin: OriginFor<T>, who: T::AccountId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let identities = Self::do_claim(who)?;
			Ok(Some(T::WeightInfo::claim_for(identities)).into())
		}

		/// An operator of `platform` reserves up to `count` deliveries of capped `license`: they
		/// are taken from what the cap (and the platform's part of a pool license's cap) leaves,
		/// and become the platform's allowance, which its [`Pallet::record_deliveries`] draw
		/// from. Reserves what is left if that is less than `count`; refused with `CapExceeded`
		/// if nothing is. Emits `DeliveriesReserved`.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::reserve_deliveries())]
		pub fn reserve_deliveries(
			origin: OriginFor<T>,
			license: LicenseId,
			platform: PlatformId,
			count: u64,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reserve_deliveries(who, license, platform, count)
		}
	}
}
