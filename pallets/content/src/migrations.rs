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

/// Version 3 binds each batch's root to its number of posts, so that a proof opens exactly one
/// index of a tree of exactly the declared size
/// ([`sized_root`](licentia_primitives::content::sized_root), docs/design.md, *One leaf, one
/// index*), and gives pending batches the chain's samples. Every stored root, of registered and
/// of pending batches, becomes `sized_root(root, posts)`; the trees, and so every proof a bridge
/// holds, stay valid. A batch pending at the upgrade was registered without samples: it gets
/// none (`samples: 0`). Linear in the batches, in one block, as [`v1`].
pub mod v3 {
	use crate::*;
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use licentia_primitives::content::sized_root;
	use sp_core::H256;

	/// A pending batch as version 2 stored it.
	#[derive(Encode, Decode)]
	pub struct OldPendingBatch<AccountId, BlockNumber, Balance> {
		pub info: BatchInfo<AccountId, BlockNumber>,
		pub contributors_hash: H256,
		pub bond: Balance,
		pub matures_at: BlockNumber,
		pub open_requests: u32,
	}

	/// A pending batch of this runtime as version 2 stored it.
	pub type OldPendingBatchOf<T> =
		OldPendingBatch<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>>;

	/// `pending` as version 2 stored it (its root bare, no samples): for tests.
	pub fn old_pending<T: Config>(pending: PendingBatchOf<T>, root: H256) -> OldPendingBatchOf<T> {
		OldPendingBatch {
			info: BatchInfo { root, ..pending.info },
			contributors_hash: pending.contributors_hash,
			bond: pending.bond,
			matures_at: pending.matures_at,
			open_requests: pending.open_requests,
		}
	}

	/// Binds every batch's root to its size; pending batches get no samples.
	pub struct SizedRoots<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for SizedRoots<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut batches = 0u64;
			Batches::<T>::translate::<BatchOf<T>, _>(|_, mut batch| {
				batches = batches.saturating_add(1);
				batch.root = sized_root(batch.root, batch.posts);
				Some(batch)
			});
			PendingBatches::<T>::translate::<OldPendingBatchOf<T>, _>(|_, old| {
				batches = batches.saturating_add(1);
				let root = sized_root(old.info.root, old.info.posts);
				Some(PendingBatch {
					info: BatchInfo { root, ..old.info },
					contributors_hash: old.contributors_hash,
					bond: old.bond,
					matures_at: old.matures_at,
					open_requests: old.open_requests,
					samples: 0,
					opened: 0,
					samples_due: old.matures_at,
				})
			});
			T::DbWeight::get().reads_writes(batches, batches)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let mut roots: Vec<(bool, BatchId, H256, u32)> =
				Batches::<T>::iter().map(|(id, b)| (false, id, b.root, b.posts)).collect();
			for key in PendingBatches::<T>::iter_keys() {
				let raw = frame_support::storage::unhashed::get_raw(
					&PendingBatches::<T>::hashed_key_for(key),
				)
				.ok_or("a pending batch without a value")?;
				let old = OldPendingBatchOf::<T>::decode(&mut &raw[..])
					.map_err(|_| "a pending batch not in version 2's layout")?;
				roots.push((true, key, old.info.root, old.info.posts));
			}
			Ok(roots.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(bool, BatchId, H256, u32)>::decode(&mut &state[..])
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

/// Version 4 gave the windows a tail: an activated batch keeps `TailBond` of its bond held, and
/// can still be challenged, for `tail` blocks; a request in it is due in `tail_answer` blocks.
/// [`Windows`](crate::Windows) gets the default tail (a week) and its answer window (a day);
/// batches activated before the upgrade have none (their bonds were released whole).
/// One item, in one block.
pub mod v4 {
	use crate::*;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use frame_system::pallet_prelude::BlockNumberFor;

	/// The windows as version 3 stored them.
	#[derive(Encode, Decode)]
	pub struct OldWindows<BlockNumber> {
		pub challenge: BlockNumber,
		pub answer: BlockNumber,
	}

	/// Adds the default tail to the stored windows.
	pub struct AddTail<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for AddTail<T> {
		fn on_runtime_upgrade() -> Weight {
			let default = DefaultWindows::<T>::get();
			let _ = Windows::<T>::translate::<OldWindows<BlockNumberFor<T>>, _>(|old| {
				old.map(|old| ChallengeWindows {
					challenge: old.challenge,
					answer: old.answer,
					tail: default.tail,
					tail_answer: default.tail_answer,
				})
			});
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let windows = Windows::<T>::get();
			frame_support::ensure!(
				windows.tail == DefaultWindows::<T>::get().tail,
				"the windows did not get the default tail"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// [`AddTail`], run once: at the upgrade from storage version 3 to 4.
	pub type MigrateV3ToV4<T> = VersionedMigration<
		3,
		4,
		AddTail<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
