//! `register_batch`: a platform's batch, all or nothing, and every error naming its author.

use super::*;

#[test]
fn stores_the_root_and_counts_each_author() {
	setup(|| {
		let (root, _) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			contributions(&[(Identity::X(1), 2), (Identity::X(2), 1)])
		));
		let batch = Batches::<Test>::get(0).expect("stored");
		assert_eq!((batch.root, batch.posts, batch.contributors), (root, 3, 2));
		assert_eq!(Contributions::<Test>::get(acc(Alice), 0), 2);
		assert_eq!(Contributions::<Test>::get(acc(Charlie), 0), 1);
		assert_eq!(PlatformPosts::<Test>::get(0), 3);
		assert_eq!(
			last_event(),
			Event::BatchRegistered { batch: 0, platform: 0, root, posts: 3, contributors: 2 }
		);
		assert_eq!(NextBatchId::<Test>::get(), 1);
	});
}

#[test]
fn rejects_the_whole_batch_naming_the_failing_author() {
	setup(|| {
		let bob = RuntimeOrigin::signed(acc(Bob));
		let root = H256::repeat_byte(1);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				contributions(&[(Identity::X(1), 1), (Identity::X(9), 1)])
			),
			Error::<Test>::AuthorNotLinked { index: 1 }
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				contributions(&[(Identity::X(1), 1), (Identity::X(3), 1)])
			),
			Error::<Test>::NoConsent { index: 1 }
		);
		// Consent withdrawn: rejected from the same block on.
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(acc(Alice))));
		assert_noop!(
			Content::register_batch(bob, 0, root, contributions(&[(Identity::X(1), 1)])),
			Error::<Test>::NoConsent { index: 0 }
		);
		assert_eq!(Contributions::<Test>::get(acc(Charlie), 0), 0);
	});
}

#[test]
fn errors() {
	setup(|| {
		let bob = RuntimeOrigin::signed(acc(Bob));
		let root = H256::repeat_byte(1);
		let one = contributions(&[(Identity::X(1), 1)]);
		assert_noop!(
			Content::register_batch(bob.clone(), 7, root, one.clone()),
			Error::<Test>::PlatformNotFound
		);
		assert_noop!(
			Content::register_batch(RuntimeOrigin::signed(acc(Alice)), 0, root, one.clone()),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Content::register_batch(bob.clone(), 1, root, one.clone()),
			Error::<Test>::NostrRegistersItself
		);
		assert_noop!(
			Content::register_batch(bob.clone(), 0, root, contributions(&[])),
			Error::<Test>::EmptyBatch
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				contributions(&[(Identity::X(2), 1), (Identity::X(1), 1)])
			),
			Error::<Test>::NotSorted
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				contributions(&[(Identity::X(1), 1), (Identity::X(1), 1)])
			),
			Error::<Test>::NotSorted
		);
		assert_noop!(
			Content::register_batch(bob.clone(), 0, root, contributions(&[(Identity::X(1), 0)])),
			Error::<Test>::ZeroPosts
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				contributions(&[(Identity::X(1), 1_001)])
			),
			Error::<Test>::TooManyPosts
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				contributions(&[(Identity::X(1), u32::MAX), (Identity::X(2), 1)])
			),
			Error::<Test>::TooManyPosts
		);
		// An author linked through another platform.
		let other = ConsentSetup::register(PlatformKind::X, &acc(Dave));
		ConsentSetup::link_allowing(Identity::X(50), &acc(Dave), other, &[Purpose::Research]);
		assert_noop!(
			Content::register_batch(bob.clone(), 0, root, contributions(&[(Identity::X(50), 1)])),
			Error::<Test>::AuthorOnOtherPlatform { index: 0 }
		);
		assert_ok!(Consent::update_platform(
			RuntimeOrigin::root(),
			0,
			None,
			None,
			None,
			Some(pallet_consent::PlatformStatus::Suspended)
		));
		assert_noop!(Content::register_batch(bob, 0, root, one), Error::<Test>::PlatformSuspended);
	});
}
