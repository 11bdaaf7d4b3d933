//! What clients may ask: one function per method of the `LicensingApi` runtime API, named after
//! it (`api_<method>`), which the runtime calls and nothing else. They only read.

use crate::*;
use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::runtime_api::{LicenseView, OfferView};

impl<T: Config> Pallet<T> {
	/// Registered terms.
	pub fn api_terms(id: TermsId) -> Option<Terms> {
		TermsOf::<T>::get(id).map(|record| record.terms)
	}

	/// The id of terms identical to `terms`, if they are registered.
	pub fn api_find_terms(terms: &Terms) -> Option<TermsId> {
		TermsByHash::<T>::get(terms.hash())
	}

	/// An open offer, as clients see it.
	pub fn api_offer(id: OfferId) -> Option<OfferView<T::AccountId, BalanceOf<T>>> {
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
	pub fn api_offers() -> Vec<OfferView<T::AccountId, BalanceOf<T>>> {
		Offers::<T>::iter_keys().filter_map(Self::api_offer).collect()
	}

	/// The price of buying `offer` now, or why it cannot be bought: the error a purchase would
	/// fail with, short of the buyer's price limit and funds.
	pub fn api_quote(offer: OfferId) -> QuoteResult<BalanceOf<T>> {
		Self::sale(offer).map(|sale| sale.quote)
	}

	/// A license, as clients see it.
	pub fn api_license(
		id: LicenseId,
	) -> Option<LicenseView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		Licenses::<T>::get(id).map(|l| LicenseView {
			id,
			owner: l.owner,
			offer: l.offer,
			terms: l.terms,
			purposes: l.purposes,
			conflicts: l.conflicts,
			tier: l.tier,
			platforms: l.platforms.into_inner(),
			start: l.start,
			expiry: l.expiry,
			snapshot: l.snapshot,
			records: l.records,
			cap: l.cap,
			delivered: l.delivered,
			price: l.price,
			revoked: l.revoked.map(|r| r.at),
		})
	}

	/// May `query.post` be served for `query.purpose` under `query.license` now? The first
	/// reason that applies, in the order of [`Denial`]'s variants, is the answer.
	pub fn api_check_access(query: &AccessQuery) -> AccessDecision {
		access::AccessChecker::<T>::new().check(query)
	}

	/// Answers `queries` in order, as [`Self::api_check_access`] answers each; each license,
	/// batch and author's consent is read once, however many queries name it.
	pub fn api_check_access_batch(queries: &[AccessQuery]) -> Vec<AccessDecision> {
		let mut checker = access::AccessChecker::<T>::new();
		queries.iter().map(|query| checker.check(query)).collect()
	}

	/// What `who` could claim now: what it is owed plus what it earned since it last settled.
	pub fn api_pending_rewards(who: &T::AccountId) -> BalanceOf<T> {
		T::Consent::identities_of(who)
			.into_iter()
			.filter_map(|(identity, platform)| {
				let member = PoolMembers::<T>::get(&identity, platform)?;
				(&member.owner == who)
					.then(|| member.earned(&PlatformRewardCounters::<T>::get(platform)))
			})
			.fold(Owed::<T>::get(who), |sum, x| sum.saturating_add(x))
	}

	/// What `who`'s claims paid it, period by period, and what it could claim now.
	pub fn api_earnings(who: &T::AccountId) -> EarningsOf<T> {
		let ledger = ClaimHistory::<T>::get(who);
		Earnings {
			pending: Self::api_pending_rewards(who),
			claimed: ledger.claimed,
			period: T::EarningsPeriod::get(),
			periods: ledger.periods.into_inner(),
		}
	}

	/// Consent withdrawals and post revocations affecting `license`, from feed position
	/// `cursor` and block `since` on, oldest first, at most `limit`; see
	/// [`FeedPage`](licentia_primitives::licensing::FeedPage). No records for an unknown license.
	pub fn api_revocations(
		license: LicenseId,
		since: BlockNumberFor<T>,
		cursor: Option<u64>,
		limit: u32,
	) -> FeedPageOf<T> {
		Self::feed_page(license, since, cursor, limit)
	}
}
