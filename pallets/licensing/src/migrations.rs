//! Storage migrations. Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration):
//! it runs once, at the upgrade that brings its storage version, and leaves the runtime's
//! `Migrations` once every live chain has run it. (Versions 1 and 2 left it at spec 107: every
//! chain that ran an older version was a development chain, started again since.)

/// Version 3: consent covers the terms. Each member's `allowed` purposes become its
/// [`Consent`](licentia_primitives::consent::Consent) (no restriction, no minimum price: what
/// consent meant before); each reward counter's purpose set becomes the
/// [`Demand`](licentia_primitives::consent::Demand) of those purposes with no conflict at tier 0
/// (every member of version 2 is admitted by both alike); the share totals, kept per platform
/// and minimum price tier now, are rebuilt from the members; each license gains its terms'
/// conflicts and the tier its price per record reached.
///
/// It runs in one block, in time linear in the members and licenses: that fits the development
/// and test chains of version 2; a chain with millions of contributors would need a multi-block
/// migration.
pub mod v3 {
	use crate::*;
	use alloc::collections::BTreeMap;
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use licentia_primitives::consent::{Consent, RestrictionSet};
	use sp_core::ConstU32;
	use sp_runtime::FixedU128;

	/// Version 2's reward counters: per purpose set.
	pub type OldCounters = BoundedVec<(PurposeSet, FixedU128), ConstU32<31>>;

	/// A member as version 2 stored it.
	#[derive(Encode, Decode)]
	pub struct OldPoolMember<AccountId> {
		pub owner: AccountId,
		pub shares: u64,
		pub allowed: PurposeSet,
		pub last_recorded_reward_counters: OldCounters,
	}

	/// A license as version 2 stored it.
	#[derive(Encode, Decode)]
	pub struct OldLicense<AccountId, Balance, BlockNumber> {
		pub owner: AccountId,
		pub offer: OfferId,
		pub terms: TermsId,
		pub purposes: PurposeSet,
		pub transferable: bool,
		pub platforms: PoolPlatforms,
		pub start: BlockNumber,
		pub expiry: BlockNumber,
		pub snapshot: BatchId,
		pub records: u64,
		pub cap: Option<u64>,
		pub delivered: u64,
		pub price: Balance,
		pub revoked: Option<BlockNumber>,
		pub depositor: AccountId,
		pub deposit: Balance,
	}

	/// Version 2's storage under its own names (an alias takes its storage name from its own).
	pub mod old {
		use super::*;
		use frame_support::{storage_alias, Twox64Concat};

		/// Version 2's share totals: per platform, per purpose set.
		#[storage_alias]
		pub type PlatformShareTotals<T: Config> =
			StorageMap<Pallet<T>, Twox64Concat, PlatformId, [u64; 32]>;
	}

	fn demand_of(purposes: PurposeSet) -> Demand {
		Demand { purposes, conflicts: RestrictionSet::EMPTY, tier: 0 }
	}

	fn counters_of<const N: u32>(old: OldCounters) -> BoundedVec<(Demand, FixedU128), ConstU32<N>> {
		// At most 31 old counters; the new bound is `MAX_DEMANDS` (64).
		BoundedVec::truncate_from(old.into_iter().map(|(set, c)| (demand_of(set), c)).collect())
	}

	/// Rewrites members, counters and licenses in version 3's layout and rebuilds the totals.
	pub struct ConsentCoversTheTerms<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ConsentCoversTheTerms<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut accesses = 0u64;
			PlatformRewardCounters::<T>::translate::<OldCounters, _>(|_, old| {
				accesses = accesses.saturating_add(1);
				Some(counters_of::<MAX_DEMANDS>(old))
			});
			let mut totals = BTreeMap::<PlatformId, ShareTotals>::new();
			PoolMembers::<T>::translate::<OldPoolMember<T::AccountId>, _>(|_, platform, old| {
				accesses = accesses.saturating_add(1);
				let consent = Consent { purposes: old.allowed, ..Consent::default() };
				totals.entry(platform).or_default().add(old.shares, &consent);
				Some(PoolMember {
					owner: old.owner,
					shares: old.shares,
					consent,
					last_recorded_reward_counters: counters_of::<MAX_DEMANDS>(
						old.last_recorded_reward_counters,
					),
				})
			});
			let cleared = old::PlatformShareTotals::<T>::clear(u32::MAX, None).unique as u64;
			for (platform, totals) in totals {
				PlatformShareTotals::<T>::insert(platform, 0, totals);
			}
			Licenses::<T>::translate::<OldLicense<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>, _>(
				|_, old| {
					accesses = accesses.saturating_add(2);
					let conflicts = TermsOf::<T>::get(old.terms)
						.map_or(RestrictionSet::EMPTY, |record| record.terms.conflicts());
					let licensed = old.cap.map_or(old.records, |cap| cap.min(old.records)).max(1);
					let tier = Pallet::<T>::price_tier(old.price / licensed as u128);
					Some(License {
						owner: old.owner,
						offer: old.offer,
						terms: old.terms,
						purposes: old.purposes,
						conflicts,
						tier,
						transferable: old.transferable,
						platforms: old.platforms,
						start: old.start,
						expiry: old.expiry,
						snapshot: old.snapshot,
						records: old.records,
						cap: old.cap,
						delivered: old.delivered,
						price: old.price,
						revoked: old.revoked,
						depositor: old.depositor,
						deposit: old.deposit,
					})
				},
			);
			let writes = accesses.saturating_add(cleared.saturating_mul(2));
			T::DbWeight::get().reads_writes(accesses.saturating_add(cleared), writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let members = PoolMembers::<T>::iter_keys().count() as u64;
			let licenses = Licenses::<T>::iter_keys().count() as u64;
			Ok((members, licenses).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let (members, licenses) = <(u64, u64)>::decode(&mut &state[..])
				.map_err(|_| "the counts of pre_upgrade decode")?;
			frame_support::ensure!(
				PoolMembers::<T>::iter_values().count() as u64 == members,
				"a member was lost or does not decode"
			);
			frame_support::ensure!(
				Licenses::<T>::iter_values().count() as u64 == licenses,
				"a license was lost or does not decode"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// [`ConsentCoversTheTerms`], run once: at the upgrade from storage version 2 to 3.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		ConsentCoversTheTerms<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	#[cfg(test)]
	pub(crate) fn old_counters(counters: &RewardCounters) -> OldCounters {
		BoundedVec::truncate_from(counters.iter().map(|(d, c)| (d.purposes, *c)).collect())
	}

	#[cfg(test)]
	pub(crate) fn old_license<T: Config>(
		l: LicenseOf<T>,
	) -> OldLicense<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> {
		OldLicense {
			owner: l.owner,
			offer: l.offer,
			terms: l.terms,
			purposes: l.purposes,
			transferable: l.transferable,
			platforms: l.platforms,
			start: l.start,
			expiry: l.expiry,
			snapshot: l.snapshot,
			records: l.records,
			cap: l.cap,
			delivered: l.delivered,
			price: l.price,
			revoked: l.revoked,
			depositor: l.depositor,
			deposit: l.deposit,
		}
	}
}
