//! Offers and purchases: opening, pausing and closing offers, and buying them.
//!
//! A purchase and the `quote` runtime API ask the same function, [`Pallet::sale`], what a
//! purchase would cost now or why it cannot happen, so that they cannot disagree.

use crate::*;
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::OriginFor;
use licentia_primitives::consent::RestrictionSet;
use sp_runtime::traits::{Saturating, Zero};

/// A purchase as it would happen now: the offer, its terms, what it needs of consent, the price
/// and the split of it.
pub(crate) struct Sale<T: Config> {
	offer: OfferOf<T>,
	terms: Terms,
	demand: Demand,
	pub(crate) quote: Quote<BalanceOf<T>>,
	split: royalties::Split,
	/// The records licensed of each platform of the pool, in its order.
	reached: Vec<u64>,
}

/// Each platform's part of a record `cap`, in proportion to the records it has in the license
/// (`reached`), rounded up so that each can serve its whole share (the license's total still
/// holds the cap).
pub fn cap_parts(cap: u64, reached: &[u64]) -> Vec<u64> {
	let total: u128 = reached.iter().map(|r| *r as u128).sum();
	reached
		.iter()
		.map(|r| {
			sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
				cap as u128,
				*r as u128,
				total.max(1),
				sp_runtime::Rounding::Up,
			)
			.map_or(cap, |part| u64::try_from(part).unwrap_or(cap).min(cap))
		})
		.collect()
}

/// The shares of one platform's `totals` (one per tier) whose authors allow `purposes`, refuse
/// none of `conflicts` and ask one of the first `tiers` tiers.
fn reach(
	totals: &[ShareTotals],
	purposes: PurposeSet,
	conflicts: RestrictionSet,
	tiers: usize,
) -> u64 {
	totals
		.iter()
		.take(tiers)
		.map(|t| t.of(purposes, conflicts))
		.fold(0u64, |sum, n| sum.saturating_add(n))
}

/// The posts of consenting authors on the pool that `demand` leaves out, by the first reason
/// that leaves each out: each platform's share totals per tier, one entry per reason.
fn exclusions(pools: &[&[ShareTotals]], demand: &Demand) -> Exclusions {
	let count = |purposes, conflicts, tiers: usize| -> u64 {
		pools
			.iter()
			.map(|totals| reach(totals, purposes, conflicts, tiers))
			.fold(0u64, |sum, n| sum.saturating_add(n))
	};
	let every_tier = PRICE_TIERS as usize;
	let mut excluded = Exclusions::default();
	let mut before = count(PurposeSet::EMPTY, RestrictionSet::EMPTY, every_tier);
	let mut after = count(demand.purposes, RestrictionSet::EMPTY, every_tier);
	excluded.purposes = before.saturating_sub(after);
	let mut conflicts = RestrictionSet::EMPTY;
	for restriction in demand.conflicts.iter() {
		conflicts = conflicts.with(restriction);
		before = after;
		after = count(demand.purposes, conflicts, every_tier);
		*excluded.of_mut(restriction) = before.saturating_sub(after);
	}
	let within_tier = count(demand.purposes, conflicts, demand.tier as usize + 1);
	excluded.min_price = after.saturating_sub(within_tier);
	excluded
}

impl<T: Config> From<QuoteError> for Error<T> {
	fn from(e: QuoteError) -> Self {
		match e {
			QuoteError::OfferNotFound => Error::OfferNotFound,
			QuoteError::OfferPaused => Error::OfferPaused,
			QuoteError::TermsNotFound => Error::TermsNotFound,
			QuoteError::NothingToLicense(_) => Error::NothingToLicense,
			QuoteError::Overflow => Error::Overflow,
			QuoteError::PlatformSuspended => Error::PlatformSuspended,
			QuoteError::OwnerNotOperator => Error::NotOperator,
			QuoteError::TooManyDemands => Error::TooManyDemands,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// `None` for governance, `Some(who)` for a signed caller.
	pub(crate) fn ensure_governance_or_signed(
		origin: OriginFor<T>,
	) -> Result<Option<T::AccountId>, DispatchError> {
		match T::GovernanceOrigin::try_origin(origin) {
			Ok(_) => Ok(None),
			Err(origin) => Ok(Some(frame_system::ensure_signed(origin)?)),
		}
	}

	/// Fails with `NotOperator` unless `who` operates `platform`: only its operators offer a
	/// platform's posts and report what it served.
	pub(crate) fn ensure_operator(platform: PlatformId, who: &T::AccountId) -> DispatchResult {
		ensure!(T::Consent::is_operator(platform, who), Error::<T>::NotOperator);
		Ok(())
	}

	/// Opens an offer of `platforms`' posts. `owner` is the operator offering its platform
	/// (it must operate every platform of the pool, and its deposit is held), or `None` for
	/// governance.
	pub(crate) fn do_create_offer(
		owner: Option<T::AccountId>,
		platforms: PoolPlatforms,
		terms: TermsId,
		price: Price<BalanceOf<T>>,
	) -> DispatchResult {
		if let Some(who) = &owner {
			for platform in &platforms {
				Self::ensure_operator(*platform, who)?;
			}
		}
		ensure!(!platforms.is_empty(), Error::<T>::BadPool);
		ensure!(platforms.windows(2).all(|w| w[0] < w[1]), Error::<T>::BadPool);
		let free = match price {
			Price::PerRecord(price) | Price::Flat(price) => price.is_zero(),
		};
		ensure!(!free, Error::<T>::ZeroPrice);
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
			None => Zero::zero(),
		};
		Offers::<T>::insert(
			id,
			Offer { owner: owner.clone(), platforms, terms, price, paused: false, deposit },
		);
		Self::deposit_event(Event::OfferCreated { offer: id, owner, terms, price });
		Ok(())
	}

	/// The offer `id`, if `caller` may change it: its owner, or governance (`None`).
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
		Self::deposit_event(if paused {
			Event::OfferPaused { offer: id }
		} else {
			Event::OfferResumed { offer: id }
		});
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
	///
	/// What the sale reaches: on each platform of the pool, the posts whose authors allow every
	/// purpose of the terms, refuse none of the conditions they allow, and ask no more than the
	/// sale's price tier, summed from the platform's share totals: `PRICE_TIERS` reads per
	/// platform, whatever the number of contributors. A per-record price sets the tier; a flat
	/// price reaches the highest tier whose floor its price per record (over the records that
	/// tier reaches, up to the cap) still meets.
	pub(crate) fn sale(offer_id: OfferId) -> Result<Sale<T>, QuoteError> {
		let offer = Offers::<T>::get(offer_id).ok_or(QuoteError::OfferNotFound)?;
		ensure!(!offer.paused, QuoteError::OfferPaused);
		let terms = TermsOf::<T>::get(offer.terms).ok_or(QuoteError::TermsNotFound)?.terms;
		let (purposes, conflicts) = (terms.purposes, terms.conflicts());
		let mut pools = Vec::with_capacity(offer.platforms.len());
		for platform in &offer.platforms {
			let info = T::Consent::platform(*platform)
				.filter(|info| info.active)
				.ok_or(QuoteError::PlatformSuspended)?;
			if let Some(owner) = &offer.owner {
				ensure!(T::Consent::is_operator(*platform, owner), QuoteError::OwnerNotOperator);
			}
			let totals: Vec<ShareTotals> = (0..PRICE_TIERS)
				.map(|tier| PlatformShareTotals::<T>::get(platform, tier))
				.collect();
			pools.push((totals, info.share));
		}
		// The shares the terms reach per tier of minimum price, over the pool.
		let reached = |tier: PriceTier| -> Result<u64, QuoteError> {
			pools.iter().try_fold(0u64, |sum, (totals, _)| {
				let platform = reach(totals, purposes, conflicts, tier as usize + 1);
				sum.checked_add(platform).ok_or(QuoteError::Overflow)
			})
		};
		let licensed_of = |records: u64| terms.record_cap.map_or(records, |cap| cap.min(records));
		let tier = match offer.price {
			Price::PerRecord(per_record) => Self::price_tier(per_record),
			Price::Flat(price) => {
				let mut tier = 0;
				for candidate in (1..PRICE_TIERS).rev() {
					let licensed = licensed_of(reached(candidate)?);
					if licensed > 0 && Self::price_tier(price / licensed as u128) >= candidate {
						tier = candidate;
						break;
					}
				}
				tier
			},
		};
		let demand = Demand { purposes, conflicts, tier };
		let totals: Vec<&[ShareTotals]> = pools.iter().map(|(t, _)| &t[..]).collect();
		let excluded = exclusions(&totals, &demand);
		let records = reached(tier)?;
		ensure!(records > 0, QuoteError::NothingToLicense(excluded));
		let licensed = licensed_of(records);
		let price = match offer.price {
			Price::PerRecord(per_record) => {
				per_record.checked_mul(licensed as u128).ok_or(QuoteError::Overflow)?
			},
			Price::Flat(price) => price,
		};
		let mut shares = Vec::with_capacity(pools.len());
		for (platform, (totals, share)) in offer.platforms.iter().zip(&pools) {
			let reached = reach(totals, purposes, conflicts, tier as usize + 1);
			if reached > 0 {
				let counters = PlatformRewardCounters::<T>::get(platform);
				let room = counters.len() < MAX_DEMANDS as usize;
				ensure!(
					room || counters.iter().any(|(d, _)| *d == demand),
					QuoteError::TooManyDemands
				);
			}
			shares.push((reached, *share));
		}
		let reached = shares.iter().map(|(reached, _)| *reached).collect();
		let split =
			royalties::split(price, T::ProtocolFee::get(), &shares).ok_or(QuoteError::Overflow)?;
		Ok(Sale {
			offer,
			terms,
			demand,
			quote: Quote { price, records, licensed, tier, excluded },
			split,
			reached,
		})
	}

	/// The price tier a price per record reaches: the number of `PriceFloors` it meets.
	pub(crate) fn price_tier(per_record: BalanceOf<T>) -> PriceTier {
		T::PriceFloors::get().iter().filter(|floor| **floor <= per_record).count() as PriceTier
	}

	/// Mints a license of `offer_id` for `buyer` and pays its price, if at most `max_price`.
	/// Returns the number of platforms in the offer's pool (what the call's weight depends on).
	pub(crate) fn do_purchase(
		buyer: T::AccountId,
		offer_id: OfferId,
		max_price: BalanceOf<T>,
	) -> Result<u32, DispatchError> {
		let Sale { offer, terms, demand, quote, split, reached } =
			Self::sale(offer_id).map_err(Error::<T>::from)?;
		ensure!(quote.price <= max_price, Error::<T>::PriceAboveLimit);

		let id = NextLicenseId::<T>::get();
		NextLicenseId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		Self::pay(&buyer, quote.price, &offer.platforms, demand, &split)?;
		let deposit = T::LicenseDeposit::get();
		T::Currency::hold(&HoldReason::License.into(), &buyer, deposit)?;

		let start = frame_system::Pallet::<T>::block_number();
		let expiry = start.saturating_add(terms.duration.into());
		let platforms = offer.platforms.len() as u32;
		if let (Some(cap), true) = (terms.record_cap, platforms > 1) {
			for (platform, part) in offer.platforms.iter().zip(cap_parts(cap, &reached)) {
				PlatformParts::<T>::insert(id, platform, CapPart { cap: part, delivered: 0 });
			}
		}
		Licenses::<T>::insert(
			id,
			License {
				owner: buyer.clone(),
				offer: offer_id,
				terms: offer.terms,
				purposes: terms.purposes,
				conflicts: demand.conflicts,
				tier: demand.tier,
				transferable: terms.transferable,
				platforms: offer.platforms,
				start,
				expiry,
				snapshot: T::Content::counted_batches(),
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
		let zero = BalanceOf::<T>::zero();
		let (cuts, credited) = split.platforms.iter().fold((zero, zero), |(a, b), p| {
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
}
