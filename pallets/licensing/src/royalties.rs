//! The payment split and contributors' rewards.
//!
//! A purchase pays its price once: the protocol fee and the rounding dust to the treasury, each
//! platform's share to the platform's payee, and the contributors' part into the pot, where it
//! raises a **reward counter**: rewards per share (per registered post) for the posts whose
//! authors' consent admits the license's [`Demand`] (its purposes, the conditions its terms
//! conflict with and its price tier), on each platform of the pool. That is O(platforms of the
//! pool), whatever the number of contributors, as `pallet-nomination-pools`' reward counters
//! are.
//!
//! A contributor's rewards are `shares * (counter now - counter when it last settled)`. Two
//! functions bring a contributor up to date:
//! - `update_standing`, when its shares or allowed purposes change:
//!   when it registers or withdraws posts (the content pallet tells this pallet) and when its
//!   consent changes (the consent pallet does). It settles what the member earned with its old
//!   shares, then moves its shares in the platform's totals, so nobody is paid for posts they
//!   withdrew and nobody loses what they earned before.
//! - `settle_rewards`, when its shares stay: a claim settles the caller
//!   on each of its platforms, then pays what it is owed.
//!
//! Settling credits what was earned to `Owed` and records the counters it was settled at in the
//! member's `last_recorded_reward_counters`.
//!
//! Amounts are `u128`, the balance type the pallet's `Config::Currency` must have: the split
//! and the counters ([`FixedU128`]) compute in it.

use crate::*;
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		Get,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::{
	consent::{Consent, Demand, Identity},
	licensing::FeedChange,
};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{AccountIdConversion, CheckedAdd, One, Saturating, Zero},
	FixedPointNumber, FixedU128, Perbill, Rounding,
};

/// How one platform's part of a price is divided.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PlatformSplit {
	/// The platform's share, paid to its payee.
	pub platform_cut: u128,
	/// What the platform's contributors are credited, in total.
	pub credited: u128,
	/// The rise of the platform's reward counter.
	pub increment: FixedU128,
}

/// How a price is divided. `protocol + dust + sum(platform_cut + credited) == price`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Split {
	/// The protocol fee.
	pub protocol: u128,
	/// Each platform's part, in the pool's order.
	pub platforms: Vec<PlatformSplit>,
	/// Rounding remainders, paid to the treasury with the fee.
	pub dust: u128,
}

/// Divides `price`: `protocol_fee` of it to the protocol; the rest among the pool's platforms in
/// proportion to their `shares` (posts licensed), and of each platform's part its `share` to the
/// platform and the remainder to its contributors, per share. Parts and the per-share increment
/// round down, a platform's credit is the increment times its shares rounded up; what rounding
/// leaves is `dust`. `None` when no platform has a share, or on overflow.
pub fn split(price: u128, protocol_fee: Perbill, pools: &[(u64, Perbill)]) -> Option<Split> {
	let total: u128 = pools.iter().map(|(shares, _)| *shares as u128).sum();
	if total == 0 {
		return None;
	}
	let protocol = protocol_fee.mul_floor(price);
	let rest = price.checked_sub(protocol)?;
	let mut paid = protocol;
	let mut platforms = Vec::with_capacity(pools.len());
	for (shares, share) in pools {
		let portion =
			multiply_by_rational_with_rounding(rest, *shares as u128, total, Rounding::Down)?;
		let platform_cut = share.mul_floor(portion);
		let contributors = portion.checked_sub(platform_cut)?;
		let increment = if *shares == 0 {
			FixedU128::zero()
		} else {
			FixedU128::from_inner(multiply_by_rational_with_rounding(
				contributors,
				FixedU128::DIV,
				*shares as u128,
				Rounding::Down,
			)?)
		};
		// Rounded up: members' claims round down each, but a member that settles once after
		// several purchases is paid `floor(shares * sum of increments)`, which can exceed the
		// sum of each purchase's rounded-down credit. `increment * shares <= contributors`, so
		// the rounded-up credit still fits the contributors' part.
		let credited = multiply_by_rational_with_rounding(
			increment.into_inner(),
			*shares as u128,
			FixedU128::DIV,
			Rounding::Up,
		)?;
		paid = paid.checked_add(platform_cut)?.checked_add(credited)?;
		platforms.push(PlatformSplit { platform_cut, credited, increment });
	}
	let dust = price.checked_sub(paid)?;
	Some(Split { protocol, platforms, dust })
}

impl<T: Config> Pallet<T> {
	/// The account that holds contributors' rewards until they claim them.
	pub fn pot() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Brings the standing of `identity`'s posts on `platform` up to date with its posts and
	/// consent: settles what they earned into their previous owner's `Owed`, moves their shares
	/// in the platform's totals, and records in the feed what they may no longer be used for.
	/// O(1): one member, one platform.
	///
	/// The posts pay (and access checks serve them) while the identity is linked through
	/// `platform` and under the terms its account's consent admits: one rule for both. Access
	/// checks also ask that the license was bought after the member's [`MemberSince`].
	pub(crate) fn update_standing(identity: &Identity, platform: PlatformId) {
		let posts = T::Content::contributions(identity, platform);
		let (owner, consented) = match T::Consent::linked_consent(identity) {
			Some(link) if link.platform == platform => (Some(link.account), link.consent),
			_ => (None, Consent::default()),
		};
		let old = PoolMembers::<T>::get(identity, platform);
		let (shares, consent) = match owner {
			Some(_) if posts > 0 && consented.allows_any() => (posts, consented),
			_ => (0, Consent::default()),
		};
		let unchanged = match &old {
			Some(m) => (m.shares, m.consent, Some(&m.owner)) == (shares, consent, owner.as_ref()),
			None => shares == 0,
		};
		if unchanged {
			return;
		}

		let counters = PlatformRewardCounters::<T>::get(platform);
		if let Some(member) = &old {
			Self::credit(&member.owner, member.earned(&counters));
			Self::record_narrowing(identity, platform, member, &consent);
		}
		let (old_shares, old_consent) =
			old.as_ref().map_or((0, Consent::default()), |m| (m.shares, m.consent));
		if old_shares > 0 {
			PlatformShareTotals::<T>::mutate(platform, old_consent.min_price, |totals| {
				totals.remove(old_shares, &old_consent)
			});
		}
		if shares > 0 {
			PlatformShareTotals::<T>::mutate(platform, consent.min_price, |totals| {
				totals.add(shares, &consent)
			});
		}
		match owner {
			Some(owner) if shares > 0 => {
				// Licenses bought before the member entered, changed hands or came to admit
				// their demand were not counted over its posts: they do not serve them.
				let next = NextLicenseId::<T>::get();
				let since = match old.as_ref().filter(|m| m.shares > 0 && m.owner == owner) {
					Some(m) => MemberSince::<T>::get(identity, platform)
						.moved(&m.consent, &consent, &counters, next),
					None => Since::entered(next),
				};
				MemberSince::<T>::insert(identity, platform, since);
				PoolMembers::<T>::insert(
					identity,
					platform,
					PoolMember::settled_at(owner, shares, consent, &counters),
				)
			},
			_ => {
				PoolMembers::<T>::remove(identity, platform);
				MemberSince::<T>::remove(identity, platform);
			},
		}
	}

	/// Records in the feed what `member`'s posts may no longer be used for now that their
	/// consent is `now`: the purposes lost (`ConsentWithdrawn`), and while some purpose remains,
	/// the restrictions added and a raised minimum price (`ConsentNarrowed`). A revoked last
	/// post is in the feed as a revocation, not here.
	fn record_narrowing(
		identity: &Identity,
		platform: PlatformId,
		member: &PoolMember<T::AccountId>,
		now: &Consent,
	) {
		let lost = member.consent.purposes.difference(now.purposes);
		if !lost.is_empty() {
			Self::append_to_feed(FeedChange::ConsentWithdrawn {
				identity: identity.clone(),
				account: member.owner.clone(),
				platform,
				purposes: lost,
			});
		}
		let added = now.restrictions.difference(member.consent.restrictions);
		if now.allows_any() && (!added.is_empty() || now.min_price > member.consent.min_price) {
			Self::append_to_feed(FeedChange::ConsentNarrowed {
				identity: identity.clone(),
				account: member.owner.clone(),
				platform,
				restrictions: added,
				min_price: now.min_price,
			});
		}
	}

	/// Adds `amount` to what `who` may claim.
	fn credit(who: &T::AccountId, amount: BalanceOf<T>) {
		if !amount.is_zero() {
			// Saturating: everything owed is covered by the pot, whose balance is a u128.
			Owed::<T>::mutate(who, |owed| *owed = owed.saturating_add(amount));
		}
	}

	/// Raises `platform`'s reward counter for `demand` by `increment`.
	pub(crate) fn raise_counter(
		platform: PlatformId,
		demand: Demand,
		increment: FixedU128,
	) -> DispatchResult {
		PlatformRewardCounters::<T>::try_mutate(platform, |counters| {
			match counters.iter_mut().find(|(d, _)| *d == demand) {
				Some((_, counter)) => {
					*counter = counter.checked_add(&increment).ok_or(Error::<T>::Overflow)?
				},
				None => counters
					.try_push((demand, increment))
					.map_err(|_| Error::<T>::TooManyDemands)?,
			}
			Ok(())
		})
	}

	/// Pays a purchase's `split` of `price` from `buyer`: the fee and dust to the treasury, the
	/// rest to the pot, where platforms and contributors claim it.
	pub(crate) fn pay(
		buyer: &T::AccountId,
		price: BalanceOf<T>,
		platforms: &[PlatformId],
		demand: Demand,
		split: &Split,
	) -> DispatchResult {
		let mut treasury_part = split.protocol.saturating_add(split.dust);
		let mut pot_part = BalanceOf::<T>::zero();
		for (platform, part) in platforms.iter().zip(&split.platforms) {
			// A platform's cut waits in the pot for its payee's claim; a platform without a
			// payee (Nostr, or one whose payee governance removed) pays it to the treasury now.
			if part.platform_cut > 0 {
				match T::Consent::platform(*platform).and_then(|p| p.payee) {
					Some(payee) => {
						Self::credit(&payee, part.platform_cut);
						pot_part = pot_part.saturating_add(part.platform_cut);
					},
					None => treasury_part = treasury_part.saturating_add(part.platform_cut),
				}
			}
			if part.credited > 0 {
				Self::raise_counter(*platform, demand, part.increment)?;
			}
			pot_part = pot_part.saturating_add(part.credited);
		}
		debug_assert_eq!(treasury_part.saturating_add(pot_part), price);
		if treasury_part > 0 {
			T::Currency::transfer(
				buyer,
				&T::Treasury::get(),
				treasury_part,
				Preservation::Preserve,
			)?;
		}
		if pot_part > 0 {
			T::Currency::transfer(buyer, &Self::pot(), pot_part, Preservation::Preserve)?;
		}
		Ok(())
	}

	/// Whether `who`'s claim would be free of fees now: it would pay at least the existential
	/// deposit, and `who` has not claimed within the last [`Config::FreeClaimInterval`].
	pub fn claim_is_free(who: &T::AccountId) -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		let rested = LastClaim::<T>::get(who)
			.is_none_or(|last| now >= last.saturating_add(T::FreeClaimInterval::get()));
		rested && Self::api_pending_rewards(who) >= T::Currency::minimum_balance()
	}

	/// Settles the posts of each of `who`'s identities, pays it everything it is owed and
	/// records the payment in its [`ClaimHistory`]. Returns how many identities it settled.
	pub(crate) fn do_claim(who: T::AccountId) -> Result<u32, DispatchError> {
		let identities = T::Consent::identities_of(&who);
		for (identity, platform) in &identities {
			Self::settle_rewards(identity, *platform);
		}
		let amount = Owed::<T>::take(&who);
		ensure!(amount > 0, Error::<T>::NothingToClaim);
		// The pot keeps its existential deposit: it is never reaped.
		T::Currency::transfer(&Self::pot(), &who, amount, Preservation::Preserve)?;
		ClaimHistory::<T>::mutate(&who, |ledger| ledger.record(Self::current_period(), amount));
		Self::deposit_event(Event::RewardsClaimed { who, amount });
		Ok(identities.len() as u32)
	}

	/// The first block of the current period of [`Config::EarningsPeriod`] blocks.
	pub(crate) fn current_period() -> BlockNumberFor<T> {
		let now = frame_system::Pallet::<T>::block_number();
		let length = T::EarningsPeriod::get().max(One::one());
		now.saturating_sub(now % length)
	}

	/// Credits the owner of `identity`'s posts on `platform` what they earned and records the
	/// current counters as those they last settled at. Shares, purposes and owner stay.
	fn settle_rewards(identity: &Identity, platform: PlatformId) {
		if let Some(member) = PoolMembers::<T>::get(identity, platform) {
			let counters = PlatformRewardCounters::<T>::get(platform);
			Self::credit(&member.owner, member.earned(&counters));
			let settled =
				PoolMember::settled_at(member.owner, member.shares, member.consent, &counters);
			PoolMembers::<T>::insert(identity, platform, settled);
		}
	}
}

impl<T: Config> ContributionObserver for Pallet<T> {
	fn contribution_changed(identity: &Identity, platform: PlatformId) {
		Self::update_standing(identity, platform)
	}

	fn post_revoked(platform: PlatformId, batch: BatchId, post: sp_core::H256) {
		Self::append_to_feed(FeedChange::PostRevoked { platform, batch, post })
	}
}

impl<T: Config> ConsentObserver for Pallet<T> {
	fn consent_changed(identity: &Identity, platform: PlatformId) {
		Self::update_standing(identity, platform)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		/// Nothing is created or lost: fee, dust, platform cuts and credits add up to the price,
		/// and contributors are never credited more than their part.
		#[test]
		fn split_conserves_the_price(
			price in 0u128..=1_000_000_000_000_000_000_000,
			fee in 0u32..=1_000_000_000,
			pools in prop::collection::vec((0u64..=10_000_000_000, 0u32..=1_000_000_000), 1..16),
		) {
			let pools: Vec<(u64, Perbill)> =
				pools.into_iter().map(|(s, p)| (s, Perbill::from_parts(p))).collect();
			let total: u64 = pools.iter().map(|(s, _)| *s).sum();
			match split(price, Perbill::from_parts(fee), &pools) {
				None => prop_assert_eq!(total, 0),
				Some(split) => {
					let parts: u128 = split
						.platforms
						.iter()
						.map(|p| p.platform_cut + p.credited)
						.sum();
					prop_assert_eq!(split.protocol + split.dust + parts, price);
					for ((shares, _), part) in pools.iter().zip(&split.platforms) {
						// What members can ever claim from this purchase, rounded down each.
						let claimable = part.increment.saturating_mul_int(*shares as u128);
						prop_assert!(claimable <= part.credited);
					}
					// Dust is rounding only: under one unit per platform for its portion and
					// under two for its credit.
					prop_assert!(split.dust < 3 * pools.len() as u128);
				},
			}
		}
	}

	#[test]
	fn split_is_exact_when_it_divides() {
		let pools = [(10, Perbill::from_percent(10)), (40, Perbill::from_percent(20))];
		let split = split(1_000, Perbill::from_percent(10), &pools).expect("shares");
		// 100 fee; 900 rest: 180 and 720; cuts 18 and 144; 162 over 10 shares, 576 over 40.
		assert_eq!(split.protocol, 100);
		assert_eq!(
			split.platforms[0],
			PlatformSplit {
				platform_cut: 18,
				credited: 162,
				increment: FixedU128::from_rational(162, 10),
			}
		);
		assert_eq!(split.platforms[1].platform_cut, 144);
		assert_eq!(split.platforms[1].credited, 576);
		assert_eq!(split.dust, 0);
	}

	#[test]
	fn credits_round_up_claims_round_down_and_no_shares_is_no_split() {
		let split = split(100, Perbill::zero(), &[(3, Perbill::zero())]).expect("shares");
		// 100 / 3 per share, rounded down in 18 decimals; credited 99.99.. rounded up.
		assert_eq!((split.platforms[0].credited, split.dust), (100, 0));
		assert_eq!(split.platforms[0].increment.saturating_mul_int(3u128), 99, "claims round down");
		assert_eq!(super::split(100, Perbill::zero(), &[(0, Perbill::zero())]), None);
	}
}
