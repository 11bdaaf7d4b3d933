//! Storage migrations. Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration):
//! it runs once, at the upgrade that brings its storage version, and leaves the runtime's
//! `Migrations` once every live chain has run it.

/// Version 1 gave each batch its `seq` (its place among the batches that count, which licenses'
/// snapshots now compare with) and added [`CountedBatches`](crate::CountedBatches). Every batch
/// of version 0 counted from its registration, in id order: its `seq` is its id, and the count
/// is the next id.
///
/// It runs in one block, in time linear in the batches: that fits the development and test
/// chains that ran version 0; a chain with millions of batches would need a multi-block
/// migration.
pub mod v1 {
	use crate::*;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use sp_core::H256;

	/// A batch as version 0 stored it.
	#[derive(codec::Encode, codec::Decode)]
	pub struct OldBatchInfo<AccountId, BlockNumber> {
		pub platform: PlatformId,
		pub root: H256,
		pub posts: u32,
		pub contributors: u32,
		pub registered_at: BlockNumber,
		pub submitter: AccountId,
	}

	/// Adds `seq` to every batch.
	pub struct AddSeq<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for AddSeq<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut batches = 0u64;
			Batches::<T>::translate::<OldBatchInfo<T::AccountId, BlockNumberFor<T>>, _>(
				|id, old| {
					batches = batches.saturating_add(1);
					Some(BatchInfo {
						platform: old.platform,
						root: old.root,
						posts: old.posts,
						contributors: old.contributors,
						registered_at: old.registered_at,
						submitter: old.submitter,
						seq: id,
					})
				},
			);
			CountedBatches::<T>::put(NextBatchId::<T>::get());
			T::DbWeight::get().reads_writes(batches.saturating_add(1), batches.saturating_add(1))
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`AddSeq`], run once: at the upgrade from storage version 0 to 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		AddSeq<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 2 counts registered posts per identity instead of per account:
/// [`Contributions`](crate::Contributions) is keyed by `(Identity, PlatformId)`, so that a
/// post pays whoever its author's identity is linked to, the rule access checks apply.
///
/// Version 1 did not record which of an account's identities wrote its posts. Each account's
/// count on a platform goes to its first identity linked through that platform (most accounts
/// have one per platform); a count whose account has no identity there any more paid nobody and
/// is dropped, and each platform's total becomes the sum of what remains. Each moved count is
/// announced to `ContributionObserver`, as every later change is: licensing (whose own migration
/// to version 2 runs first and settles the old standings) stands each identity's member up from
/// it. Linear in the accounts' counts, in one block, as [`v1`].
pub mod v2 {
	use crate::*;
	use alloc::{collections::BTreeMap, vec::Vec};
	use frame_support::{
		migrations::VersionedMigration,
		storage_alias,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		Blake2_128Concat, Twox64Concat,
	};

	/// Version 1's counts, per account and platform.
	#[storage_alias]
	pub type Contributions<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		Twox64Concat,
		PlatformId,
		u64,
	>;

	/// Moves each account's counts to its identities.
	pub struct CountPerIdentity<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for CountPerIdentity<T> {
		fn on_runtime_upgrade() -> Weight {
			let old: Vec<_> = Contributions::<T>::drain().collect();
			let mut totals = BTreeMap::<PlatformId, u64>::new();
			// Each old entry, then the account's identity list and each identity's link.
			let mut reads = old.len() as u64;
			let mut moved = 0u32;
			for (account, platform, posts) in &old {
				let identities = T::Consent::identities_of(account);
				reads = reads.saturating_add(1 + identities.len() as u64);
				let identity = identities
					.into_iter()
					.find_map(|(identity, through)| (through == *platform).then_some(identity));
				if let Some(identity) = identity {
					crate::Contributions::<T>::mutate(&identity, platform, |n| {
						*n = n.saturating_add(*posts)
					});
					T::ContributionObserver::contribution_changed(&identity, *platform);
					moved = moved.saturating_add(1);
					let total = totals.entry(*platform).or_default();
					*total = total.saturating_add(*posts);
				}
			}
			let platforms: Vec<PlatformId> = PlatformPosts::<T>::iter_keys().collect();
			for platform in platforms.iter().chain(totals.keys()) {
				match totals.get(platform) {
					Some(total) => PlatformPosts::<T>::insert(platform, total),
					None => PlatformPosts::<T>::remove(platform),
				}
			}
			// Each old entry removed; each platform's total read and written; each moved count
			// written and settled, which is what activation does per contributor (benchmarked).
			let platforms = platforms.len() as u64;
			let per_count = T::WeightInfo::activate_batch(moved)
				.saturating_sub(T::WeightInfo::activate_batch(0));
			T::DbWeight::get()
				.reads_writes(reads.saturating_add(platforms), (old.len() as u64) + platforms)
				.saturating_add(per_count)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`CountPerIdentity`], run once: at the upgrade from storage version 1 to 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		CountPerIdentity<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 3 binds each batch's root to its number of posts: a proof now opens exactly one index
/// of a tree of exactly the declared size ([`sized_root`](licentia_primitives::content::sized_root),
/// docs/design.md, *One leaf, one index*). Every stored root, of registered and of pending
/// batches, becomes `sized_root(root, posts)`; the trees and so every proof a bridge holds stay
/// valid. Linear in the batches, in one block, as [`v1`].
pub mod v3 {
	use crate::*;
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use licentia_primitives::content::sized_root;

	/// Binds every batch's root to its size.
	pub struct SizedRoots<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for SizedRoots<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut batches = 0u64;
			Batches::<T>::translate::<BatchOf<T>, _>(|_, mut batch| {
				batches = batches.saturating_add(1);
				batch.root = sized_root(batch.root, batch.posts);
				Some(batch)
			});
			PendingBatches::<T>::translate::<PendingBatchOf<T>, _>(|_, mut pending| {
				batches = batches.saturating_add(1);
				pending.info.root = sized_root(pending.info.root, pending.info.posts);
				Some(pending)
			});
			T::DbWeight::get().reads_writes(batches, batches)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			let roots: Vec<(bool, BatchId, sp_core::H256, u32)> = Batches::<T>::iter()
				.map(|(id, b)| (false, id, b.root, b.posts))
				.chain(PendingBatches::<T>::iter().map(|(id, p)| (true, id, p.info.root, p.info.posts)))
				.collect();
			Ok(roots.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before = Vec::<(bool, BatchId, sp_core::H256, u32)>::decode(&mut &state[..])
				.map_err(|_| "pre_upgrade's roots decode")?;
			let after = Batches::<T>::iter().count() + PendingBatches::<T>::iter().count();
			frame_support::ensure!(after == before.len(), "a batch was lost or does not decode");
			for (pending, id, root, posts) in before {
				let now = if pending {
					PendingBatches::<T>::get(id).map(|p| p.info.root)
				} else {
					Batches::<T>::get(id).map(|b| b.root)
				};
				frame_support::ensure!(
					now == Some(sized_root(root, posts)),
					"a batch's root is not its old root bound to its size"
				);
			}
			Pallet::<T>::do_try_state()
		}
	}

	/// [`SizedRoots`], run once: at the upgrade from storage version 2 to 3.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		SizedRoots<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
