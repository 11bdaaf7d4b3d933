//! The types this pallet stores.

use codec::{Decode, Encode, MaxEncodedLen};
use core::fmt::Debug;
use licentia_primitives::{
	consent::{Consent, Demand, PlatformId, PriceTier, PurposeSet, RestrictionSet},
	content::BatchId,
	licensing::{LicenseId, OfferId, Price, Terms, TermsId, EARNINGS_PERIODS},
	runtime_api::PeriodPaid,
};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::{
	traits::{Saturating, Zero},
	BoundedVec, FixedPointNumber, FixedU128,
};

/// What an account's claims paid it: in total, and in each of its last [`EARNINGS_PERIODS`]
/// periods with a claim, oldest first.
#[derive(Clone, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct ClaimLedger<Balance, BlockNumber> {
	/// Everything its claims paid.
	pub claimed: Balance,
	/// The most recent periods with a claim, each named by its first block, strictly ascending.
	pub periods: BoundedVec<PeriodPaid<Balance, BlockNumber>, ConstU32<EARNINGS_PERIODS>>,
}

impl<Balance: Saturating + Copy, BlockNumber: PartialEq> ClaimLedger<Balance, BlockNumber> {
	/// Records a claim that paid `amount` in the period starting at block `from`, which is
	/// the last recorded period or a later one. A new period beyond the bound drops the oldest.
	pub fn record(&mut self, from: BlockNumber, amount: Balance) {
		self.claimed = self.claimed.saturating_add(amount);
		match self.periods.last_mut() {
			Some(last) if last.from == from => last.amount = last.amount.saturating_add(amount),
			_ => {
				// Inserting at the end cannot fail (the bound is not zero); when the ledger is
				// full, the oldest period makes room.
				let end = self.periods.len();
				let _ = self.periods.force_insert_keep_right(end, PeriodPaid { from, amount });
			},
		}
	}
}

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

/// Governance's revocation of a license.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct LicenseRevocation<BlockNumber> {
	/// The block it was revoked in: access checks deny the license from this block on.
	pub at: BlockNumber,
	/// For cause (a breach of the terms, after a dispute): the hash of the evidence the
	/// decision rests on, kept off chain by the parties. The buyer's deposit went to the
	/// treasury. `None`: revoked through no fault of the buyer (or before spec 110, which
	/// recorded no cause); the deposit is returned on release.
	pub cause: Option<H256>,
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
	/// The restrictions its terms conflict with (copied from the terms): posts of authors who
	/// state one are not in it.
	pub conflicts: RestrictionSet,
	/// The price tier it was sold at: posts of authors whose minimum is higher are not in it.
	pub tier: PriceTier,
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
	/// When and why governance revoked it, if it did.
	pub revoked: Option<LicenseRevocation<BlockNumber>>,
	/// Who paid the deposit (the buyer; it stays with them if the license is transferred).
	pub depositor: AccountId,
	/// The deposit held.
	pub deposit: Balance,
}

/// The most distinct [`Demand`]s (purposes, conflicts and price tier) whose sales one platform
/// keeps a reward counter for. Counters only grow, so this bounds every member's settlement; a
/// purchase that would need one more counter fails with `TooManyDemands`.
pub const MAX_DEMANDS: u32 = 64;

/// Reward counters of one platform: for each demand some sale has met, the rewards per share
/// paid so far to the posts whose authors' consent admits it. Only grows.
pub type RewardCounters = BoundedVec<(Demand, FixedU128), ConstU32<MAX_DEMANDS>>;

/// The counter of `demand` in `counters` (zero if nothing was ever sold for it).
pub fn counter_of(counters: &RewardCounters, demand: &Demand) -> FixedU128 {
	counters
		.iter()
		.find(|(d, _)| d == demand)
		.map_or(FixedU128::zero(), |(_, c)| *c)
}

/// One platform's part of a capped pool license's record cap ([`PlatformParts`](crate::PlatformParts)).
#[derive(Clone, Copy, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct CapPart {
	/// The most records the platform may record: the cap times the platform's share of the
	/// records licensed, rounded up.
	pub cap: u64,
	/// What it recorded so far.
	pub delivered: u64,
}

/// The first license a pool member's posts are served under, per demand: a license serves them
/// only if its id is at least this for the license's demand, since a license bought before paid
/// nobody for them. `base` is the id the next license had when the member entered the pool or
/// changed owner; `demands` names, for demands sold before the member's consent widened to admit
/// them, the id the next license had then. Stored per member ([`MemberSince`](crate::MemberSince)).
#[derive(Clone, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Since {
	/// For every demand the member admits.
	pub base: LicenseId,
	/// Later, for these demands.
	pub demands: BoundedVec<(Demand, LicenseId), ConstU32<MAX_DEMANDS>>,
}

impl Since {
	/// A member that entered (or changed owner) when the next license was `next`.
	pub fn entered(next: LicenseId) -> Self {
		Since { base: next, demands: BoundedVec::new() }
	}

	/// The first license of `demand` that serves the member.
	pub fn of(&self, demand: &Demand) -> LicenseId {
		self.demands.iter().find(|(d, _)| d == demand).map_or(self.base, |(_, s)| *s)
	}

	/// After the member's consent went from `old` to `new` when the next license was `next`:
	/// each demand sold so far (`counters`) that `new` admits and `old` did not is served from
	/// `next` on; demands `new` does not admit are forgotten (admitted again, they are
	/// recorded again). At most one entry per counter, so it stays within its bound.
	pub fn moved(
		self,
		old: &Consent,
		new: &Consent,
		counters: &RewardCounters,
		next: LicenseId,
	) -> Self {
		let mut demands: alloc::vec::Vec<_> =
			self.demands.into_iter().filter(|(d, _)| new.admits(d)).collect();
		for (demand, _) in counters.iter() {
			if new.admits(demand) && !old.admits(demand) {
				match demands.iter_mut().find(|(d, _)| d == demand) {
					Some((_, since)) => *since = next,
					None => demands.push((*demand, next)),
				}
			}
		}
		Since { base: self.base, demands: BoundedVec::truncate_from(demands) }
	}
}

/// The number of classes of [`ShareTotals`]: every set of purposes (five bits) with every set
/// of conditions accepted (four bits).
pub const CLASSES: usize = 1 << 9;

/// The class of posts whose authors allow `purposes` and accept the conditions that
/// `restrictions` does not refuse: bits 0 to 4 the purposes, 5 to 8 the conditions accepted.
fn member_class(consent: &Consent) -> usize {
	let accepted = RestrictionSet::ALL.difference(consent.restrictions);
	(consent.purposes.0 & PurposeSet::ALL.0) as usize | ((accepted.0 as usize) << 5)
}

/// The class of posts whose authors allow at least `purposes` and refuse none of `conflicts`.
fn demand_class(purposes: PurposeSet, conflicts: RestrictionSet) -> usize {
	(purposes.0 & PurposeSet::ALL.0) as usize
		| (((conflicts.0 & RestrictionSet::ALL.0) as usize) << 5)
}

/// The shares of one platform's contributors of one minimum price tier, per class: entry `c` is
/// the sum of the post counts of those whose consent's class contains every bit of `c` (allows
/// its purposes, accepts its conditions). Entry 0 counts every contributor. What a sale reaches
/// is the sum of one entry over the tiers up to the sale's: a read per tier, whatever the
/// number of contributors.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct ShareTotals(pub [u64; CLASSES]);

impl Default for ShareTotals {
	fn default() -> Self {
		ShareTotals([0; CLASSES])
	}
}

impl ShareTotals {
	/// The shares of the contributors who allow every purpose of `purposes` and refuse none
	/// of `conflicts`.
	pub fn of(&self, purposes: PurposeSet, conflicts: RestrictionSet) -> u64 {
		// Nine bits index 512 entries: always found.
		self.0.get(demand_class(purposes, conflicts)).copied().unwrap_or(0)
	}

	/// Adds the `shares` of a contributor whose consent is `consent` to every class it is in.
	pub fn add(&mut self, shares: u64, consent: &Consent) {
		// Totals are sums of post counts, which are u64s counted by the chain: they cannot
		// overflow.
		self.update(consent, |total| total.saturating_add(shares))
	}

	/// Removes the `shares` of a contributor whose consent was `consent` from every class it was
	/// in.
	pub fn remove(&mut self, shares: u64, consent: &Consent) {
		// Removals only remove what was added: they cannot underflow.
		self.update(consent, |total| total.saturating_sub(shares))
	}

	/// Whether every entry is zero.
	pub fn is_empty(&self) -> bool {
		self.0.iter().all(|total| *total == 0)
	}

	/// Applies `change` to the total of every class that `consent`'s class contains.
	fn update(&mut self, consent: &Consent, change: impl Fn(u64) -> u64) {
		let class = member_class(consent);
		for (c, total) in self.0.iter_mut().enumerate() {
			if class & c == c {
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
	/// What its account allowed for them.
	pub consent: Consent,
	/// The platform's reward counters when the member last settled (for the demands its consent
	/// admits): what it earned up to then is paid or in `Owed`, so it earns only what they rose
	/// since.
	pub last_recorded_reward_counters: RewardCounters,
}

impl<AccountId> PoolMember<AccountId> {
	/// A member of `owner` with `shares` and `consent`, settled at `counters`.
	pub fn settled_at(
		owner: AccountId,
		shares: u64,
		consent: Consent,
		counters: &RewardCounters,
	) -> Self {
		let settled = counters.iter().filter(|(demand, _)| consent.admits(demand)).copied();
		// A filtered subset of a bounded vector fits the same bound.
		let last_recorded_reward_counters = BoundedVec::truncate_from(settled.collect());
		PoolMember { owner, shares, consent, last_recorded_reward_counters }
	}

	/// What the member earned since it last settled, rounded down.
	pub fn earned(&self, counters: &RewardCounters) -> u128 {
		counters
			.iter()
			.filter(|(demand, _)| self.consent.admits(demand))
			.map(|(demand, counter)| {
				let last = counter_of(&self.last_recorded_reward_counters, demand);
				let delta = counter.saturating_sub(last);
				// Rounds down: members never claim more than was credited.
				delta.saturating_mul_int(self.shares as u128)
			})
			.fold(0u128, |sum, x| sum.saturating_add(x))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use licentia_primitives::consent::{Purpose, Restriction};

	fn consent(purposes: &[Purpose], restrictions: &[Restriction]) -> Consent {
		Consent {
			purposes: purposes.iter().copied().collect(),
			restrictions: restrictions.iter().copied().collect(),
			min_price: 0,
		}
	}

	/// Every entry of the totals equals the sum over contributors it counts, for every class:
	/// the superset sums are right whatever the mix of purposes and restrictions.
	#[test]
	fn totals_count_each_contributor_in_every_class_it_admits() {
		let members = [
			(3, consent(&[Purpose::AiTraining], &[])),
			(
				5,
				consent(&[Purpose::AiTraining, Purpose::Research], &[Restriction::NoCommercialUse]),
			),
			(7, consent(&Purpose::ALL, &Restriction::ALL)),
			(11, consent(&[Purpose::Research], &[Restriction::AnonymisationRequired])),
		];
		let mut totals = ShareTotals::default();
		for (shares, consent) in &members {
			totals.add(*shares, consent);
		}
		for purposes in 0..32u8 {
			for conflicts in 0..16u8 {
				let demand = Demand {
					purposes: PurposeSet(purposes),
					conflicts: RestrictionSet(conflicts),
					tier: 0,
				};
				let expected: u64 =
					members.iter().filter(|(_, c)| c.admits(&demand)).map(|(s, _)| s).sum();
				assert_eq!(totals.of(demand.purposes, demand.conflicts), expected, "{demand:?}");
			}
		}
		assert_eq!(totals.0[0], 26, "entry 0 counts everyone");
		for (shares, consent) in &members {
			totals.remove(*shares, consent);
		}
		assert!(totals.is_empty());
	}
}
