//! What the calls do, access checks, the revocation feed, and what clients may ask.

use crate::*;
use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::{BlockNumberFor, OriginFor};
use licentia_primitives::{
	consent::Identity,
	content::{BatchRoot, ContentProvider, PostStatus},
	licensing::{LicenseView, OfferView},
};
use sp_runtime::{traits::Saturating, Perbill};

/// A purchase as it would happen now: the offer, its terms, the price and the split of it.
struct Sale<T: Config> {
	offer: OfferOf<T>,
	terms: Terms,
	quote: Quote<u128>,
	split: royalties::Split,
}

impl<T: Config> From<QuoteError> for Error<T> {
	fn from(e: QuoteError) -> Self {
		match e {
			QuoteError::OfferNotFound => Error::OfferNotFound,
			QuoteError::OfferPaused => Error::OfferPaused,
			QuoteError::TermsNotFound => Error::TermsNotFound,
			QuoteError::NothingToLicense => Error::NothingToLicense,
			QuoteError::Overflow => Error::Overflow,
		}
	}
}

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_terms(who: T::AccountId, terms: Terms) -> DispatchResult {
		ensure!(
			!terms.purposes.is_empty() && PurposeSet::ALL.contains_all(terms.purposes),
			Error::<T>::NoPurpose
		);
		ensure!(
			terms.duration > 0 && terms.duration <= T::MaxDuration::get(),
			Error::<T>::BadDuration
		);
		ensure!(terms.record_cap != Some(0), Error::<T>::ZeroCap);
		let hash = terms.hash();
		ensure!(!TermsByHash::<T>::contains_key(hash), Error::<T>::TermsExist);

		let id = NextTermsId::<T>::get();
		NextTermsId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let deposit = T::TermsDeposit::get();
		T::Currency::hold(&HoldReason::Terms.into(), &who, deposit)?;
		TermsOf::<T>::insert(id, TermsRecord { terms, depositor: who.clone(), deposit });
		TermsByHash::<T>::insert(hash, id);
		Self::deposit_event(Event::TermsRegistered { terms: id, hash, by: who });
		Ok(())
	}

	pub(crate) fn do_create_offer(
		owner: Option<T::AccountId>,
		platforms: PoolPlatforms,
		terms: TermsId,
		price: Price<u128>,
	) -> DispatchResult {
		ensure!(!platforms.is_empty(), Error::<T>::BadPool);
		ensure!(platforms.windows(2).all(|w| w[0] < w[1]), Error::<T>::BadPool);
		for platform in &platforms {
			let info = T::Consent::platform(*platform).ok_or(Error::<T>::PlatformNotFound)?;
			ensure!(info.active, Error::<T>::PlatformSuspended);
		}
		ensure!(TermsOf::<T>::contains_key(terms), Error::<T>::TermsNotFound);

		let id = NextOfferId::<T>::get();
		NextOfferId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let deposit = match &owner {
			Some(who) => {
				let deposit = T::OfferDeposit::get();
				T::Currency::hold(&HoldReason::Offer.into(), who, deposit)?;
				deposit
			},
			None => 0,
		};
		Offers::<T>::insert(
			id,
			Offer { owner: owner.clone(), platforms, terms, price, paused: false, deposit },
		);
		Self::deposit_event(Event::OfferCreated { offer: id, owner, terms, price });
		Ok(())
	}

	/// `None` for governance, `Some(who)` for a signed caller.
	pub(crate) fn ensure_governance_or_signed(
		origin: OriginFor<T>,
	) -> Result<Option<T::AccountId>, DispatchError> {
		match T::GovernanceOrigin::try_origin(origin) {
			Ok(_) => Ok(None),
			Err(origin) => Ok(Some(frame_system::ensure_signed(origin)?)),
		}
	}

	fn offer_for(caller: &Option<T::AccountId>, id: OfferId) -> Result<OfferOf<T>, DispatchError> {
		let offer = Offers::<T>::get(id).ok_or(Error::<T>::OfferNotFound)?;
		if let Some(who) = caller {
			ensure!(offer.owner.as_ref() == Some(who), Error::<T>::NotOfferOwner);
		}
		Ok(offer)
	}

	pub(crate) fn do_set_offer_paused(
		caller: Option<T::AccountId>,
		id: OfferId,
		paused: bool,
	) -> DispatchResult {
		let mut offer = Self::offer_for(&caller, id)?;
		offer.paused = paused;
		Offers::<T>::insert(id, offer);
		Self::deposit_event(Event::OfferPaused { offer: id, paused });
		Ok(())
	}

	pub(crate) fn do_close_offer(caller: Option<T::AccountId>, id: OfferId) -> DispatchResult {
		let offer = Self::offer_for(&caller, id)?;
		Offers::<T>::remove(id);
		if let Some(owner) = &offer.owner {
			T::Currency::release(
				&HoldReason::Offer.into(),
				owner,
				offer.deposit,
				Precision::BestEffort,
			)?;
		}
		Self::deposit_event(Event::OfferClosed { offer: id });
		Ok(())
	}

	/// Everything a purchase of `offer_id` needs, or the reason it cannot happen: the offer,
	/// its terms, the price and its split. The purchase and the `quote` runtime API both ask
	/// here, so a quote names exactly the error a purchase would fail with.
	fn sale(offer_id: OfferId) -> Result<Sale<T>, QuoteError> {
		let offer = Offers::<T>::get(offer_id).ok_or(QuoteError::OfferNotFound)?;
		ensure!(!offer.paused, QuoteError::OfferPaused);
		let terms = TermsOf::<T>::get(offer.terms).ok_or(QuoteError::TermsNotFound)?.terms;
		let mut pools = Vec::with_capacity(offer.platforms.len());
		let mut records: u64 = 0;
		for platform in &offer.platforms {
			let shares = Shares::<T>::get(platform).of(terms.purposes);
			let share = T::Consent::platform(*platform).map_or(Perbill::zero(), |p| p.share);
			records = records.checked_add(shares).ok_or(QuoteError::Overflow)?;
			pools.push((shares, share));
		}
		ensure!(records > 0, QuoteError::NothingToLicense);
		let licensed = terms.record_cap.map_or(records, |cap| cap.min(records));
		let price = match offer.price {
			Price::PerRecord(per_record) => {
				per_record.checked_mul(licensed as u128).ok_or(QuoteError::Overflow)?
			},
			Price::Flat(price) => price,
		};
		let split =
			royalties::split(price, T::ProtocolFee::get(), &pools).ok_or(QuoteError::Overflow)?;
		Ok(Sale { offer, terms, quote: Quote { price, records, licensed }, split })
	}

	pub(crate) fn do_purchase(
		buyer: T::AccountId,
		offer_id: OfferId,
		max_price: u128,
	) -> Result<u32, DispatchError> {
		let Sale { offer, terms, quote, split } = Self::sale(offer_id).map_err(Error::<T>::from)?;
		ensure!(quote.price <= max_price, Error::<T>::PriceAboveLimit);

		let id = NextLicenseId::<T>::get();
		NextLicenseId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		Self::pay(&buyer, quote.price, &offer.platforms, terms.purposes, &split)?;
		let deposit = T::LicenseDeposit::get();
		T::Currency::hold(&HoldReason::License.into(), &buyer, deposit)?;

		let start = frame_system::Pallet::<T>::block_number();
		let expiry = start.saturating_add(terms.duration.into());
		let platforms = offer.platforms.len() as u32;
		Licenses::<T>::insert(
			id,
			License {
				owner: buyer.clone(),
				offer: offer_id,
				terms: offer.terms,
				purposes: terms.purposes,
				transferable: terms.transferable,
				platforms: offer.platforms,
				start,
				expiry,
				snapshot: T::Content::batch_count(),
				records: quote.records,
				cap: terms.record_cap,
				delivered: 0,
				price: quote.price,
				revoked: None,
				depositor: buyer.clone(),
				deposit,
			},
		);
		Self::deposit_event(Event::LicensePurchased {
			license: id,
			offer: offer_id,
			buyer,
			price: quote.price,
			records: quote.records,
			expiry,
		});
		let (cuts, credited) = split.platforms.iter().fold((0u128, 0u128), |(a, b), p| {
			(a.saturating_add(p.platform_cut), b.saturating_add(p.credited))
		});
		Self::deposit_event(Event::PaymentSplit {
			license: id,
			protocol: split.protocol,
			platforms: cuts,
			contributors: credited,
			dust: split.dust,
		});
		Ok(platforms)
	}

	/// Whether `license` may still be used at `now`: neither revoked nor expired.
	fn is_live(license: &LicenseOf<T>, now: BlockNumberFor<T>) -> bool {
		license.revoked.is_none() && now < license.expiry
	}

	pub(crate) fn do_transfer_license(
		who: T::AccountId,
		id: LicenseId,
		to: T::AccountId,
	) -> DispatchResult {
		let mut license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		ensure!(license.owner == who, Error::<T>::NotLicenseOwner);
		ensure!(license.transferable, Error::<T>::NotTransferable);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(Self::is_live(&license, now), Error::<T>::LicenseEnded);
		license.owner = to.clone();
		Licenses::<T>::insert(id, license);
		Self::deposit_event(Event::LicenseTransferred { license: id, from: who, to });
		Ok(())
	}

	pub(crate) fn do_revoke_license(id: LicenseId) -> DispatchResult {
		let mut license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		ensure!(license.revoked.is_none(), Error::<T>::AlreadyRevoked);
		license.revoked = Some(frame_system::Pallet::<T>::block_number());
		Licenses::<T>::insert(id, license);
		Self::deposit_event(Event::LicenseRevoked { license: id });
		Ok(())
	}

	pub(crate) fn do_record_deliveries(
		who: T::AccountId,
		id: LicenseId,
		platform: PlatformId,
		count: u64,
	) -> DispatchResult {
		let mut license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		ensure!(license.platforms.contains(&platform), Error::<T>::PlatformNotCovered);
		ensure!(T::Consent::is_operator(platform, &who), Error::<T>::NotOperator);
		ensure!(count > 0, Error::<T>::ZeroDeliveries);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(Self::is_live(&license, now), Error::<T>::LicenseEnded);
		let delivered = license.delivered.checked_add(count).ok_or(Error::<T>::CapExceeded)?;
		ensure!(license.cap.is_none_or(|cap| delivered <= cap), Error::<T>::CapExceeded);
		license.delivered = delivered;
		Licenses::<T>::insert(id, license);
		Self::deposit_event(Event::DeliveriesRecorded { license: id, platform, count, delivered });
		Ok(())
	}

	pub(crate) fn do_release_license(id: LicenseId) -> DispatchResult {
		let license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(!Self::is_live(&license, now), Error::<T>::LicenseActive);
		Licenses::<T>::remove(id);
		T::Currency::release(
			&HoldReason::License.into(),
			&license.depositor,
			license.deposit,
			Precision::BestEffort,
		)?;
		Self::deposit_event(Event::LicenseReleased { license: id });
		Ok(())
	}

	/// May `query.post` be served for `query.purpose` under `query.license` now? The first
	/// reason that applies, in the order of [`Denial`]'s variants, is the answer.
	pub fn check_access(query: &AccessQuery) -> AccessDecision {
		AccessChecker::<T>::new().check(query)
	}

	/// Answers `queries` in order, as [`Self::check_access`] answers each; each license, batch
	/// and author's consent is read once, however many queries name it.
	pub fn check_access_batch(queries: &[AccessQuery]) -> Vec<AccessDecision> {
		let mut checker = AccessChecker::<T>::new();
		queries.iter().map(|query| checker.check(query)).collect()
	}

	/// Appends `change` to the revocation feed.
	pub(crate) fn feed(change: FeedChange<T::AccountId>) {
		let seq = FeedNext::<T>::get();
		let at = frame_system::Pallet::<T>::block_number();
		Feed::<T>::insert(seq, FeedRecord { at, change });
		// A u64 of feed entries cannot be exhausted at one entry per post or consent change.
		FeedNext::<T>::put(seq.saturating_add(1));
	}

	/// Drops feed entries older than `MaxDuration` (no license that could need them is still
	/// valid), as many as `remaining` allows. Returns the weight used.
	pub(crate) fn prune_feed(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let (base, one) = (T::WeightInfo::prune_feed(0), T::WeightInfo::prune_feed(1));
		let per_entry = one.saturating_sub(base);
		if !remaining.all_gte(one) {
			return Weight::zero();
		}
		let mut budget = remaining.saturating_sub(base);
		let cutoff = now.saturating_sub(T::MaxDuration::get().into());
		let (mut oldest, next) = (FeedOldest::<T>::get(), FeedNext::<T>::get());
		let mut pruned = 0u32;
		while oldest < next && budget.all_gte(per_entry) {
			budget = budget.saturating_sub(per_entry);
			match Feed::<T>::get(oldest) {
				Some(record) if record.at >= cutoff => break,
				_ => {},
			}
			Feed::<T>::remove(oldest);
			oldest = oldest.saturating_add(1);
			pruned = pruned.saturating_add(1);
		}
		if pruned > 0 {
			FeedOldest::<T>::put(oldest);
		}
		// The entry that stopped the loop was read too.
		T::WeightInfo::prune_feed(pruned.saturating_add(1))
	}

	/// The feed entries from block `since` on that affect `license`, oldest first, at most
	/// `limit`. If `limit` are returned, ask again from the last one's block (and drop the
	/// entries already seen). Empty for an unknown license.
	pub fn revocations(
		license: LicenseId,
		since: BlockNumberFor<T>,
		limit: u32,
	) -> Vec<FeedRecordOf<T>> {
		let Some(license) = Licenses::<T>::get(license) else { return Vec::new() };
		// Entries are in block order: find the first one at or after `since` by bisection.
		let (mut low, mut high) = (FeedOldest::<T>::get(), FeedNext::<T>::get());
		while low < high {
			let mid = low + (high - low) / 2;
			match Feed::<T>::get(mid) {
				Some(record) if record.at < since => low = mid + 1,
				_ => high = mid,
			}
		}
		let affects = |change: &FeedChange<T::AccountId>| match change {
			FeedChange::ConsentWithdrawn { platform, purposes, .. } => {
				license.platforms.contains(platform)
					&& !purposes.intersection(license.purposes).is_empty()
			},
			FeedChange::PostRevoked { platform, batch, .. } => {
				license.platforms.contains(platform) && *batch < license.snapshot
			},
		};
		(low..FeedNext::<T>::get())
			.filter_map(Feed::<T>::get)
			.filter(|record| affects(&record.change))
			.take(limit as usize)
			.collect()
	}

	/// The price of buying `offer` now, or why it cannot be bought.
	pub fn quote(offer: OfferId) -> QuoteResult<u128> {
		Self::sale(offer).map(|sale| sale.quote)
	}

	/// A license, as the runtime API shows it.
	pub fn license_view(
		id: LicenseId,
	) -> Option<LicenseView<T::AccountId, u128, BlockNumberFor<T>>> {
		Licenses::<T>::get(id).map(|l| LicenseView {
			id,
			owner: l.owner,
			offer: l.offer,
			terms: l.terms,
			purposes: l.purposes,
			platforms: l.platforms.into_inner(),
			start: l.start,
			expiry: l.expiry,
			snapshot: l.snapshot,
			records: l.records,
			cap: l.cap,
			delivered: l.delivered,
			price: l.price,
			revoked: l.revoked,
		})
	}

	/// An offer, as the runtime API shows it.
	pub fn offer_view(id: OfferId) -> Option<OfferView<T::AccountId, u128>> {
		Offers::<T>::get(id).map(|o| OfferView {
			id,
			owner: o.owner,
			platforms: o.platforms.into_inner(),
			terms: o.terms,
			price: o.price,
			paused: o.paused,
		})
	}

	/// Every open offer.
	pub fn offer_views() -> Vec<OfferView<T::AccountId, u128>> {
		Offers::<T>::iter_keys().filter_map(Self::offer_view).collect()
	}

	/// Checks the pallet's invariants: the pot holds at least everything owed, each platform's
	/// share totals are the sum of its members', and ids and the feed are consistent.
	///
	/// Also built with `std`, so that other pallets' tests can check these invariants too.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::Inspect;
		let mut owed: u128 = Owed::<T>::iter_values().fold(0, |a, b| a.saturating_add(b));
		let mut totals = alloc::collections::BTreeMap::<PlatformId, ShareTotals>::new();
		for (who, platform, member) in Members::<T>::iter() {
			ensure!(member.shares > 0 && !member.allowed.is_empty(), "an empty member is stored");
			owed = owed.saturating_add(member.earned(&Counters::<T>::get(platform)));
			totals.entry(platform).or_default().apply(member.shares, member.allowed, true);
			let _ = who;
		}
		let pot = T::Currency::balance(&Self::pot());
		ensure!(
			pot >= owed.saturating_add(T::Currency::minimum_balance()),
			"the pot holds less than what is owed"
		);
		for (platform, stored) in Shares::<T>::iter() {
			ensure!(
				totals.remove(&platform).unwrap_or_default() == stored,
				"a platform's share totals are not its members' sum"
			);
		}
		ensure!(totals.values().all(|t| *t == ShareTotals::default()), "members without totals");
		ensure!(FeedOldest::<T>::get() <= FeedNext::<T>::get(), "the feed's ends crossed");
		let next = NextLicenseId::<T>::get();
		ensure!(Licenses::<T>::iter_keys().all(|id| id < next), "a license id was never assigned");
		Ok(())
	}
}

/// Answers access checks at the current block, remembering what it read: a platform checks
/// thousands of records of one license, from a few batches and authors, at once.
struct AccessChecker<T: Config> {
	now: BlockNumberFor<T>,
	licenses: BTreeMap<LicenseId, Option<LicenseOf<T>>>,
	batches: BTreeMap<BatchId, Option<BatchRoot>>,
	allowed: BTreeMap<Identity, Option<PurposeSet>>,
}

impl<T: Config> AccessChecker<T> {
	fn new() -> Self {
		Self {
			now: frame_system::Pallet::<T>::block_number(),
			licenses: BTreeMap::new(),
			batches: BTreeMap::new(),
			allowed: BTreeMap::new(),
		}
	}

	fn check(&mut self, query: &AccessQuery) -> AccessDecision {
		let license = self
			.licenses
			.entry(query.license)
			.or_insert_with(|| Licenses::<T>::get(query.license))
			.as_ref()
			.ok_or(Denial::UnknownLicense)?;
		ensure!(license.revoked.is_none(), Denial::LicenseRevoked);
		ensure!(self.now < license.expiry, Denial::Expired);
		ensure!(license.purposes.contains(query.purpose), Denial::PurposeNotCovered);
		ensure!(license.cap.is_none_or(|cap| license.delivered < cap), Denial::CapReached);
		ensure!(
			query.batch < license.snapshot && license.platforms.contains(&query.post.platform),
			Denial::OutsideSnapshot
		);
		let purposes = license.purposes;

		let batch = self
			.batches
			.entry(query.batch)
			.or_insert_with(|| T::Content::batch_root(query.batch))
			.ok_or(Denial::NotRegistered)?;
		match batch.post_status(&query.post, query.index, &query.proof, T::Content::revoked_at) {
			PostStatus::Registered => {},
			PostStatus::Revoked { .. } => return Err(Denial::PostRevoked),
			PostStatus::NotInBatch | PostStatus::BatchNotFound => {
				return Err(Denial::NotRegistered)
			},
		}

		let author = &query.post.author;
		let allowed = *self.allowed.entry(author.clone()).or_insert_with(|| {
			T::Consent::owner_of(author)
				.map(|(account, _)| T::Consent::allowed_purposes(&account, author))
		});
		ensure!(
			allowed.is_some_and(|allowed| allowed.contains_all(purposes)),
			Denial::ConsentWithdrawn
		);
		Ok(())
	}
}
