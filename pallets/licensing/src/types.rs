//! The types this pallet stores.

use codec::{Decode, Encode, MaxEncodedLen};
use core::fmt::Debug;
use licentia_primitives::{
	consent::{PlatformId, PurposeSet},
	content::BatchId,
	licensing::{OfferId, Price, Terms, TermsId},
};
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::{
	traits::{Saturating, Zero},
	BoundedVec, FixedPointNumber, FixedU128,
};

/// The most platforms one offer's pool may span.
pub const MAX_POOL_PLATFORMS: u32 = 16;

/// The platforms of a pool, strictly ascending.
pub type PoolPlatforms = BoundedVec<PlatformId, ConstU32<MAX_POOL_PLATFORMS>>;

/// Registered terms and who paid for their storage.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct TermsRecord<AccountId, Balance> {
	/// The terms.
	pub terms: Terms,
	/// Who registered them (their deposit is held for as long as the terms exist: forever,
	/// since licenses refer to them).
	pub depositor: AccountId,
	/// The deposit held.
	pub deposit: Balance,
}

/// An offer: a pool of posts, terms and a price.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Offer<AccountId, Balance> {
	/// The operator that made it and whose deposit is held (`None`: governance).
	pub owner: Option<AccountId>,
	/// The platforms whose posts it licenses.
	pub platforms: PoolPlatforms,
	/// Its terms.
	pub terms: TermsId,
	/// Its price.
	pub price: Price<Balance>,
	/// Whether purchases are paused.
	pub paused: bool,
	/// The deposit held from the owner.
	pub deposit: Balance,
}

/// A license token.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct License<AccountId, Balance, BlockNumber> {
	/// Who holds it.
	pub owner: AccountId,
	/// The offer it was bought from.
	pub offer: OfferId,
	/// Its terms.
	pub terms: TermsId,
	/// The purposes its terms grant (copied: the offer may close).
	pub purposes: PurposeSet,
	/// Whether its terms allow transfer.
	pub transferable: bool,
	/// The platforms whose posts it covers (copied from the offer).
	pub platforms: PoolPlatforms,
	/// The block it was bought in.
	pub start: BlockNumber,
	/// The first block it is no longer valid in.
	pub expiry: BlockNumber,
	/// It covers the batches whose `seq` is below this: those that counted when it was bought
	/// ([`ContentProvider::counted_batches`](licentia_primitives::content::ContentProvider)).
	pub snapshot: BatchId,
	/// The records in the pool at purchase.
	pub records: u64,
	/// The most records it may be served.
	pub cap: Option<u64>,
	/// Records served so far, as platforms reported them.
	pub delivered: u64,
	/// What the buyer paid.
	pub price: Balance,
	/// When governance revoked it, if it did.
	pub revoked: Option<BlockNumber>,
	/// Who paid the deposit (the buyer; it stays with them if the license is transferred).
	pub depositor: AccountId,
	/// The deposit held.
	pub deposit: Balance,
}

/// Reward counters of one platform: for each purpose set some offer has sold, the rewards per
/// share paid so far to the posts whose authors allow every purpose of the set. Only grows.
pub type RewardCounters = BoundedVec<(PurposeSet, FixedU128), ConstU32<31>>;

/// The counter of `set` in `counters` (zero if nothing was ever sold for it).
pub fn counter_of(counters: &RewardCounters, set: PurposeSet) -> FixedU128 {
	counters.iter().find(|(s, _)| *s == set).map_or(FixedU128::zero(), |(_, c)| *c)
}

/// The shares of one platform's contributors, per purpose set: entry `s` is the sum of the
/// post counts of the contributors who allow every purpose of `PurposeSet(s)`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct ShareTotals(pub [u64; 32]);

impl ShareTotals {
	/// The shares of the contributors who allow every purpose of `set`.
	pub fn of(&self, set: PurposeSet) -> u64 {
		self.0.get(set.0 as usize).copied().unwrap_or(0)
	}

	/// Adds the `shares` of a contributor who allows `allowed` to every set it allows.
	pub fn add(&mut self, shares: u64, allowed: PurposeSet) {
		// Totals are sums of post counts, which are u64s counted by the chain: they cannot
		// overflow.
		self.update(allowed, |total| total.saturating_add(shares))
	}

	/// Removes the `shares` of a contributor who allowed `allowed` from every set it allowed.
	pub fn remove(&mut self, shares: u64, allowed: PurposeSet) {
		// Removals only remove what was added: they cannot underflow.
		self.update(allowed, |total| total.saturating_sub(shares))
	}

	/// Applies `change` to the total of every non-empty set that `allowed` covers.
	fn update(&mut self, allowed: PurposeSet, change: impl Fn(u64) -> u64) {
		for (s, total) in self.0.iter_mut().enumerate().skip(1) {
			if allowed.contains_all(PurposeSet(s as u8)) {
				*total = change(*total);
			}
		}
	}
}

/// The standing of one identity's posts on one platform, as of the last time it changed: who
/// they pay, how many they are, what they may be used for.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct PoolMember<AccountId> {
	/// The account the identity was linked to when the member last changed: every change of
	/// owner settles the member first, so what it earned since is this account's.
	pub owner: AccountId,
	/// Its registered posts on the platform.
	pub shares: u64,
	/// The purposes its account allowed for them.
	pub allowed: PurposeSet,
	/// The platform's reward counters when the member last settled (for the sets it allows):
	/// what it earned up to then is paid or in `Owed`, so it earns only what they rose since.
	pub last_recorded_reward_counters: RewardCounters,
}

impl<AccountId> PoolMember<AccountId> {
	/// A member of `owner` with `shares` and `allowed`, settled at `counters`.
	pub fn settled_at(
		owner: AccountId,
		shares: u64,
		allowed: PurposeSet,
		counters: &RewardCounters,
	) -> Self {
		let settled = counters.iter().filter(|(set, _)| allowed.contains_all(*set)).copied();
		// A filtered subset of a bounded vector fits the same bound.
		let last_recorded_reward_counters = BoundedVec::truncate_from(settled.collect());
		PoolMember { owner, shares, allowed, last_recorded_reward_counters }
	}

	/// What the member earned since it last settled, rounded down.
	pub fn earned(&self, counters: &RewardCounters) -> u128 {
		counters
			.iter()
			.filter(|(set, _)| self.allowed.contains_all(*set))
			.map(|(set, counter)| {
				let last = counter_of(&self.last_recorded_reward_counters, *set);
				let delta = counter.saturating_sub(last);
				// Rounds down: members never claim more than was credited.
				delta.saturating_mul_int(self.shares as u128)
			})
			.fold(0u128, |sum, x| sum.saturating_add(x))
	}
}
