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
use sp_runtime::traits::{Saturating, Zero};

/// A purchase as it would happen now: the offer, its terms, the price and the split of it.
pub(crate) struct Sale<T: Config> {
	offer: OfferOf<T>,
	terms: Terms,
	pub(crate) quote: Quote<BalanceOf<T>>,
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
			QuoteError::PlatformSuspended => Error::PlatformSuspended,
			QuoteError::OwnerNotOperator => Error::NotOperator,
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
	pub(crate) fn sale(offer_id: OfferId) -> Result<Sale<T>, QuoteError> {
		let offer = Offers::<T>::get(offer_id).ok_or(QuoteError::OfferNotFound)?;
		ensure!(!offer.paused, QuoteError::OfferPaused);
		let terms = TermsOf::<T>::get(offer.terms).ok_or(QuoteError::TermsNotFound)?.terms;
		let mut pools = Vec::with_capacity(offer.platforms.len());
		let mut records: u64 = 0;
		for platform in &offer.platforms {
			let info = T::Consent::platform(*platform)
				.filter(|info| info.active)
				.ok_or(QuoteError::PlatformSuspended)?;
			if let Some(owner) = &offer.owner {
				ensure!(T::Consent::is_operator(*platform, owner), QuoteError::OwnerNotOperator);
			}
			let shares = PlatformShareTotals::<T>::get(platform).of(terms.purposes);
			let share = info.share;
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

	/// Mints a license of `offer_id` for `buyer` and pays its price, if at most `max_price`.
	/// Returns the number of platforms in the offer's pool (what the call's weight depends on).
	pub(crate) fn do_purchase(
		buyer: T::AccountId,
		offer_id: OfferId,
		max_price: BalanceOf<T>,
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
