//! Storage migrations. Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration):
//! it runs once, at the upgrade that brings its storage version, and leaves the runtime's
//! `Migrations` once every live chain has run it.

/// Version 1 renamed the reward storage items after what they store: `Shares` to
/// [`PlatformShareTotals`](crate::PlatformShareTotals), `Counters` to
/// [`PlatformRewardCounters`](crate::PlatformRewardCounters) and `Members` to
/// [`PoolMembers`](crate::PoolMembers). Keys and values are unchanged: each entry moves to its
/// new prefix.
///
/// It runs in one block, in time linear in the entries it moves: one per platform for the first
/// two items, one per contributor and platform for the third. That fits the development and
/// test chains that ran version 0; a chain with millions of contributors would need a
/// multi-block migration.
pub mod v1 {
	use crate::*;
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration,
		storage::{storage_prefix, unhashed, PrefixIterator, StoragePrefixedMap},
		traits::{Get, PalletInfoAccess, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Each renamed item: its name in version 0 and its prefix now.
	fn renamed<T: Config>() -> [(&'static [u8], [u8; 32]); 3] {
		[
			(b"Shares", PlatformShareTotals::<T>::final_prefix()),
			(b"Counters", PlatformRewardCounters::<T>::final_prefix()),
			(b"Members", PoolMembers::<T>::final_prefix()),
		]
	}

	/// The prefix of this pallet's storage item `name`.
	fn prefix_of<T: Config>(name: &[u8]) -> [u8; 32] {
		storage_prefix(Pallet::<T>::name().as_bytes(), name)
	}

	/// Moves every entry under `from` to `to`, keeping the rest of its key. Returns how many.
	fn move_entries(from: &[u8; 32], to: &[u8; 32]) -> u64 {
		let entries = PrefixIterator::<(Vec<u8>, Vec<u8>)>::new(
			from.to_vec(),
			from.to_vec(),
			|key, value| Ok((key.to_vec(), value.to_vec())),
		)
		.drain();
		let mut moved = 0u64;
		for (key, value) in entries {
			unhashed::put_raw(&[&to[..], &key].concat(), &value);
			moved = moved.saturating_add(1);
		}
		moved
	}

	/// The number of entries under `prefix`.
	#[cfg(any(feature = "try-runtime", test))]
	pub(crate) fn count(prefix: &[u8; 32]) -> u64 {
		PrefixIterator::<()>::new(prefix.to_vec(), prefix.to_vec(), |_, _| Ok(())).count() as u64
	}

	/// Moves the reward storage items to their new names, whatever the storage version:
	/// [`MigrateV0ToV1`] runs it once, from version 0.
	pub struct RenameRewardStorage<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RenameRewardStorage<T> {
		fn on_runtime_upgrade() -> Weight {
			let moved = renamed::<T>()
				.iter()
				.map(|(old, new)| move_entries(&prefix_of::<T>(old), new))
				.fold(0u64, |sum, n| sum.saturating_add(n));
			// Each entry is read, written under its new key and removed from its old one; one
			// more read per item finds its end.
			T::DbWeight::get().reads_writes(moved.saturating_add(3), moved.saturating_mul(2))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			let counts: Vec<u64> =
				renamed::<T>().iter().map(|(old, _)| count(&prefix_of::<T>(old))).collect();
			Ok(counts.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before = Vec::<u64>::decode(&mut &state[..])
				.map_err(|_| "the counts of pre_upgrade decode")?;
			for ((old, new), before) in renamed::<T>().iter().zip(before) {
				frame_support::ensure!(
					count(&prefix_of::<T>(old)) == 0,
					"an old name still holds entries"
				);
				frame_support::ensure!(count(new) == before, "entries were lost in the move");
			}
			Ok(())
		}
	}

	/// Renames the reward storage items: storage version 0 to 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		RenameRewardStorage<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 2 keeps each identity's standing instead of each account's:
/// [`PoolMembers`](crate::PoolMembers) is keyed by `(Identity, PlatformId)` and names the
/// account the posts pay, so that rewards, access checks and the revocation feed follow one
/// rule.
///
/// Each version-1 member is settled (what it earned goes to its account's `Owed`) and removed,
/// and the share totals are cleared. It runs before the content pallet's migration to version 2,
/// which moves the post counts to identities and tells this pallet of each through
/// `ContributionObserver`: the members and totals are stood up again by the code every later
/// change uses. Linear in the members, in one block, as [`v1`].
pub mod v2 {
	use crate::*;
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration,
		storage_alias,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		Blake2_128Concat, Twox64Concat,
	};

	/// A member as version 1 stored it: per account, no owner.
	#[derive(codec::Encode, codec::Decode)]
	pub struct OldPoolMember {
		pub shares: u64,
		pub allowed: PurposeSet,
		pub last_recorded_reward_counters: RewardCounters,
	}

	/// Version 1's members, per account and platform.
	#[storage_alias]
	pub type PoolMembers<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		Twox64Concat,
		PlatformId,
		OldPoolMember,
	>;

	/// Settles every account-keyed member into `Owed` and clears the members and totals.
	pub struct SettleAccountStandings<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for SettleAccountStandings<T> {
		fn on_runtime_upgrade() -> Weight {
			let old: Vec<_> = PoolMembers::<T>::drain().collect();
			for (account, platform, member) in &old {
				let settled = PoolMember {
					owner: account.clone(),
					shares: member.shares,
					allowed: member.allowed,
					last_recorded_reward_counters: member.last_recorded_reward_counters.clone(),
				};
				let earned = settled.earned(&PlatformRewardCounters::<T>::get(platform));
				if earned > 0 {
					Owed::<T>::mutate(account, |owed| *owed = owed.saturating_add(earned));
				}
			}
			let totals = PlatformShareTotals::<T>::clear(u32::MAX, None).unique as u64;
			// Per member: itself read and removed, its platform's counters read, `Owed` read
			// and written; each platform's totals removed.
			let n = old.len() as u64;
			T::DbWeight::get().reads_writes(n.saturating_mul(3), n.saturating_mul(2) + totals)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				PoolMembers::<T>::iter_keys().next().is_none(),
				"an account-keyed member is left"
			);
			Ok(())
		}
	}

	/// [`SettleAccountStandings`], run once: at the upgrade from storage version 1 to 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		SettleAccountStandings<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
