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
