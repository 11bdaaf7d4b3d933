//! `activate_batch`: a pending batch's counts apply after its challenge window.

use super::*;

#[test]
fn counts_apply_and_half_the_bond_is_released_after_the_window() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
		register(&records);
		advance(CHALLENGE_WINDOW - 1);
		let dave = RuntimeOrigin::signed(acc(Dave));
		assert_noop!(
			Content::activate_batch(dave.clone(), 0, layout(&records)),
			Error::<Test>::TooEarly
		);
		advance(1);
		assert_noop!(
			Content::activate_batch(dave.clone(), 0, layout(&records)),
			Error::<Test>::SamplesUnopened
		);
		open_samples(0, &records);
		assert_ok!(Content::activate_batch(dave, 0, layout(&records)));
		assert_eq!(last_event(), Event::BatchActivated { batch: 0 });
		assert!(PendingBatches::<Test>::get(0).is_none());
		assert_eq!(Batches::<Test>::get(0).map(|b| b.posts), Some(3));
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 2);
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 1);
		assert_eq!(PlatformPosts::<Test>::get(0), 3);
		// Half the bond stays held through the tail.
		let bond = BOND_BASE + 3 * BOND_PER_POST;
		assert_eq!(held(HoldReason::BatchBond, &acc(Bob)), bond / 2);
		assert_eq!(free(&acc(Bob)), FUNDS - bond / 2);
		let tail = Tails::<Test>::get(0).expect("in its tail");
		assert_eq!((tail.bond, tail.ends_at), (bond / 2, System::block_number() + TAIL_WINDOW));
		assert_eq!(
			Content::api_post_status(0, &records[2], 2, &proof_of(&records, 2)),
			PostStatus::Registered
		);
		assert_eq!(Content::api_batch(0).map(|b| b.pending_until), Some(None));
		assert_eq!(
			(Batches::<Test>::get(0).map(|b| b.seq), CountedBatches::<Test>::get()),
			(Some(0), 1)
		);
	});
}

/// The posts stay the identity's: while it is unlinked they pay nobody (and access checks serve
/// them to nobody); linked again, they count for its new account.
#[test]
fn an_identity_unlinked_in_the_window_keeps_its_posts_for_whoever_links_it_next() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 2)]);
		register(&records);
		assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(acc(Alice)), Identity::X(1)));
		activate(0, &records);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1);
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 1);
		assert_eq!(PlatformPosts::<Test>::get(0), 2);
		assert_eq!(Content::api_contributions(&acc(Alice)), vec![]);
		assert_eq!(
			Content::api_post_status(0, &records[0], 0, &proof_of(&records, 0)),
			PostStatus::Unlinked
		);

		ConsentSetup::link_allowing(
			Identity::X(1),
			&acc(sp_keyring::Sr25519Keyring::Eve),
			0,
			&[Purpose::AiTraining],
		);
		assert_eq!(Content::api_contributions(&acc(sp_keyring::Sr25519Keyring::Eve)), vec![(0, 1)]);
		assert_eq!(
			Content::api_post_status(0, &records[0], 0, &proof_of(&records, 0)),
			PostStatus::Registered
		);
		assert_ok!(Content::do_try_state());
	});
}

#[test]
fn errors() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 2)]);
		register(&records);
		advance(CHALLENGE_WINDOW);
		open_samples(0, &records);
		let dave = RuntimeOrigin::signed(acc(Dave));
		assert_noop!(
			Content::activate_batch(dave.clone(), 9, layout(&records)),
			Error::<Test>::NotPending
		);
		// A list other than the one registered: another count, or another key.
		let mut other = layout(&records);
		other[0].posts = 2;
		assert_noop!(
			Content::activate_batch(dave.clone(), 0, other),
			Error::<Test>::ContributorsMismatch
		);
		let mut other = layout(&records);
		other[1].last_key += 1;
		assert_noop!(
			Content::activate_batch(dave.clone(), 0, other),
			Error::<Test>::ContributorsMismatch
		);
		// A suspended platform's batches wait for governance.
		let suspend = |status| {
			Consent::update_platform(RuntimeOrigin::root(), 0, None, None, None, Some(status))
		};
		assert_ok!(suspend(pallet_consent::PlatformStatus::Suspended));
		assert_noop!(
			Content::activate_batch(dave.clone(), 0, layout(&records)),
			Error::<Test>::PlatformSuspended
		);
		assert_ok!(suspend(pallet_consent::PlatformStatus::Active));
		assert_ok!(Content::activate_batch(dave.clone(), 0, layout(&records)));
		assert_noop!(Content::activate_batch(dave, 0, layout(&records)), Error::<Test>::NotPending);
	});
}

#[test]
fn batches_count_in_the_order_they_are_activated() {
	setup(|| {
		let (_, first) = x_batch(&[(10, 1)]);
		let (_, second) = x_batch(&[(20, 2)]);
		register(&first);
		register(&second);
		// Batch 1 is activated before batch 0: it counts first.
		advance(CHALLENGE_WINDOW);
		open_samples(0, &first);
		open_samples(1, &second);
		let dave = RuntimeOrigin::signed(acc(Dave));
		assert_ok!(Content::activate_batch(dave.clone(), 1, layout(&second)));
		assert_eq!(CountedBatches::<Test>::get(), 1);
		assert_ok!(Content::activate_batch(dave, 0, layout(&first)));
		assert_eq!(Batches::<Test>::get(1).map(|b| b.seq), Some(0));
		assert_eq!(Batches::<Test>::get(0).map(|b| b.seq), Some(1));
	});
}

#[test]
fn the_migration_gives_old_batches_their_ids_as_seq() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run(|| {
		StorageVersion::new(0).put::<Pallet<Test>>();
		for id in 0..3u64 {
			let old = crate::migrations::v1::OldBatchInfo {
				platform: 0,
				root: H256::repeat_byte(id as u8),
				posts: 2,
				contributors: 1,
				registered_at: 1u64,
				submitter: acc(Bob),
			};
			frame_support::storage::unhashed::put(&Batches::<Test>::hashed_key_for(id), &old);
		}
		NextBatchId::<Test>::put(3);
		crate::migrations::v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(1));
		assert_eq!(CountedBatches::<Test>::get(), 3);
		for id in 0..3u64 {
			let batch = Batches::<Test>::get(id).expect("translated");
			assert_eq!((batch.seq, batch.root), (id, H256::repeat_byte(id as u8)));
		}
	});
}
