//! The pallet's invariants, checked by `try-runtime` and after every test.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::{fungible::Inspect, Get},
};
use sp_runtime::traits::{One, Zero};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants: the pot holds at least everything owed, each platform's
	/// share totals are the sum of its members', and ids and the feed are consistent.
	///
	/// Also built with `std`, so that other pallets' tests can check these invariants too.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut owed: BalanceOf<T> =
			Owed::<T>::iter_values().fold(Default::default(), |a, b| a.saturating_add(b));
		let mut totals = BTreeMap::<(PlatformId, PriceTier), ShareTotals>::new();
		for (identity, platform, member) in PoolMembers::<T>::iter() {
			ensure!(member.shares > 0 && member.consent.allows_any(), "an empty member is stored");
			ensure!(member.consent.min_price < PRICE_TIERS, "a member's price tier is unknown");
			ensure!(
				T::Consent::owner_of(&identity) == Some((member.owner.clone(), platform)),
				"a member's owner is not who its identity is linked to through its platform"
			);
			ensure!(
				T::Content::contributions(&identity, platform) == member.shares,
				"a member's shares are not its identity's posts"
			);
			owed = owed.saturating_add(member.earned(&PlatformRewardCounters::<T>::get(platform)));
			let tier = member.consent.min_price;
			totals.entry((platform, tier)).or_default().add(member.shares, &member.consent);
		}
		for (identity, platform, since) in MemberSince::<T>::iter() {
			ensure!(
				PoolMembers::<T>::contains_key(&identity, platform),
				"a member's first license is kept after the member went"
			);
			ensure!(since.base <= NextLicenseId::<T>::get(), "a member is counted from the future");
		}
		let pot = T::Currency::balance(&Self::pot());
		ensure!(
			pot >= owed.saturating_add(T::Currency::minimum_balance()),
			"the pot holds less than what is owed"
		);
		for (platform, tier, stored) in PlatformShareTotals::<T>::iter() {
			ensure!(
				totals.remove(&(platform, tier)).unwrap_or_default() == stored,
				"a platform's share totals are not its members' sum"
			);
		}
		ensure!(totals.values().all(ShareTotals::is_empty), "members without totals");
		ensure!(FeedOldest::<T>::get() <= FeedNext::<T>::get(), "the feed's ends crossed");
		let period = T::EarningsPeriod::get().max(One::one());
		for ledger in ClaimHistory::<T>::iter_values() {
			let periods = &ledger.periods;
			ensure!(
				periods.windows(2).all(|pair| pair[0].from < pair[1].from)
					&& periods.iter().all(|paid| (paid.from % period).is_zero()),
				"a claim ledger's periods are not ascending period starts"
			);
			let sum =
				periods.iter().fold(BalanceOf::<T>::zero(), |a, p| a.saturating_add(p.amount));
			ensure!(
				sum <= ledger.claimed,
				"a claim ledger's periods add up to more than its total"
			);
		}
		for (id, reserved) in Reserved::<T>::iter() {
			let license = Licenses::<T>::get(id).ok_or("an allowance outlives its license")?;
			let sum = Allowances::<T>::iter_prefix_values(id).fold(0u64, u64::saturating_add);
			ensure!(sum == reserved, "a license's reserved total is not its allowances' sum");
			ensure!(
				license.cap.is_some_and(|cap| license.delivered.saturating_add(reserved) <= cap),
				"a license's recorded and reserved deliveries exceed its cap"
			);
		}
		for (id, platform, allowance) in Allowances::<T>::iter() {
			ensure!(allowance > 0, "an empty allowance is stored");
			ensure!(Reserved::<T>::get(id) > 0, "an allowance is not in its license's total");
			if let Some(part) = PlatformParts::<T>::get(id, platform) {
				ensure!(
					part.delivered.saturating_add(allowance) <= part.cap,
					"a platform's recorded and reserved deliveries exceed its part"
				);
			}
		}
		let next = NextLicenseId::<T>::get();
		ensure!(Licenses::<T>::iter_keys().all(|id| id < next), "a license id was never assigned");
		Ok(())
	}
}
