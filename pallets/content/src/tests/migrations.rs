//! The storage migrations to version 3 (a batch's root binds its number of posts) and 4 (the
//! windows have a tail).

use super::*;
use crate::migrations::v3;
use frame_support::{
	storage::unhashed,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};
use licentia_primitives::content::{merkle_root, sized_root};

/// Batches stored with version 2's roots (the bare Merkle root), one registered and one
/// pending, migrate to roots bound to their sizes; the proofs a bridge kept open their posts
/// again, and the migration runs once only.
#[test]
fn v3_binds_every_root_to_its_size() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1), (20, 2)]);
		let active = register(&records);
		activate(active, &records);
		let (_, later) = x_batch(&[(12, 1), (13, 1), (21, 2), (22, 2), (23, 2)]);
		let pending = register(&later);
		let bare = |records: &[PostRecord]| {
			merkle_root(&records.iter().map(|r| r.leaf_hash()).collect::<Vec<_>>())
		};
		// Version 2's layouts: a registered batch alike with its bare root, a pending one
		// without samples.
		Batches::<Test>::mutate(active, |b| b.as_mut().expect("active").root = bare(&records));
		let now = PendingBatches::<Test>::get(pending).expect("pending");
		unhashed::put(
			&PendingBatches::<Test>::hashed_key_for(pending),
			&v3::old_pending::<Test>(now.clone(), bare(&later)),
		);
		StorageVersion::new(2).put::<Content>();
		let status = || Content::api_post_status(active, &records[2], 2, &proof_of(&records, 2));
		assert_eq!(status(), PostStatus::NotInBatch);

		v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();

		assert_eq!(Content::on_chain_storage_version(), 3);
		assert_eq!(Batches::<Test>::get(active).expect("kept").root, sized_root(bare(&records), 3));
		let migrated = PendingBatches::<Test>::get(pending).expect("kept");
		assert_eq!(migrated.info.root, sized_root(bare(&later), 5));
		assert_eq!(
			(migrated.samples, migrated.opened, migrated.samples_due),
			(0, 0, now.matures_at),
			"registered without samples, it gets none"
		);
		assert_eq!(migrated.bond, now.bond);
		assert_eq!(status(), PostStatus::Registered);

		// Run again (a second upgrade): the version says it is done, nothing is rebound.
		v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(Batches::<Test>::get(active).expect("kept").root, sized_root(bare(&records), 3));
	});
}

/// The windows stored by version 3 (no tail) get the default tail and its answer window, once.
#[test]
fn v4_gives_the_windows_a_tail() {
	setup(|| {
		use crate::migrations::v4;
		use frame_support::traits::Get;
		let old = v4::OldWindows { challenge: 7u64, answer: 3u64 };
		unhashed::put(&Windows::<Test>::hashed_key(), &old);
		StorageVersion::new(3).put::<Content>();

		v4::MigrateV3ToV4::<Test>::on_runtime_upgrade();

		assert_eq!(Content::on_chain_storage_version(), 4);
		let default = DefaultWindows::<Test>::get();
		assert_eq!(
			Windows::<Test>::get(),
			ChallengeWindows {
				challenge: 7,
				answer: 3,
				tail: default.tail,
				tail_answer: default.tail_answer
			}
		);
		// Run again: the version says it is done.
		Windows::<Test>::mutate(|w| w.tail = 5);
		v4::MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_eq!(Windows::<Test>::get().tail, 5);
	});
}
