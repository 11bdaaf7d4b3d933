//! `register_batch`: a platform's batch, all or nothing, and every error naming its author.

use super::*;

#[test]
fn holds_the_bond_and_keeps_the_batch_pending() {
	setup(|| {
		let (root, records) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			H256::zero(),
			layout(&records)
		));
		let pending = PendingBatches::<Test>::get(0).expect("pending");
		assert_eq!(
			(pending.info.root, pending.info.posts, pending.info.contributors),
			(root, 3, 2)
		);
		let bond = BOND_BASE + 3 * BOND_PER_POST;
		assert_eq!((pending.bond, pending.matures_at), (bond, 1 + CHALLENGE_WINDOW));
		assert_eq!(held(HoldReason::BatchBond, &acc(Bob)), bond);
		// Nothing counts yet, and the posts cannot be licensed.
		assert!(Batches::<Test>::get(0).is_none());
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 0);
		assert_eq!(PlatformPosts::<Test>::get(0), 0);
		assert_eq!(
			Content::api_post_status(0, &records[0], 0, &proof_of(&records, 0)),
			PostStatus::Pending { until: 1 + CHALLENGE_WINDOW }
		);
		assert_eq!(Content::api_batch(0).and_then(|b| b.pending_until), Some(1 + CHALLENGE_WINDOW));
		// Each author's high-water mark is their last key.
		assert_eq!(Marks::<Test>::get(Identity::X(1)), Some(11));
		assert_eq!(Marks::<Test>::get(Identity::X(2)), Some(12));
		assert_eq!(
			last_event(),
			Event::BatchRegistered {
				batch: 0,
				platform: 0,
				root,
				anonymous_root: H256::zero(),
				posts: 3,
				contributors: 2,
				bond,
				matures_at: 1 + CHALLENGE_WINDOW
			}
		);
		assert_eq!(NextBatchId::<Test>::get(), 1);
		assert_eq!(AnonymousRoots::<Test>::get(0), Some(H256::zero()));
		assert_eq!(Content::api_batch(0).and_then(|b| b.anonymous_root), Some(H256::zero()));
	});
}

#[test]
fn a_post_is_registered_once() {
	setup(|| {
		let (_, first) = x_batch(&[(10, 1), (11, 1)]);
		register(&first);
		// The same posts again, one of them again, or an older one: each starts at or below the
		// mark (11).
		let bob = RuntimeOrigin::signed(acc(Bob));
		for again in [&[(10, 1), (11, 1)][..], &[(11, 1), (12, 1)], &[(9, 1)]] {
			let (root, records) = x_batch(again);
			assert_noop!(
				Content::register_batch(bob.clone(), 0, root, H256::zero(), layout(&records)),
				Error::<Test>::AlreadyRegistered { index: 0 }
			);
		}
		// Newer posts are welcome.
		let (_, newer) = x_batch(&[(12, 1), (13, 1)]);
		register(&newer);
		assert_eq!(Marks::<Test>::get(Identity::X(1)), Some(13));
	});
}

#[test]
fn keys_must_leave_room_for_the_posts() {
	setup(|| {
		let bob = RuntimeOrigin::signed(acc(Bob));
		let root = H256::repeat_byte(1);
		let range = |posts, first_key, last_key| -> Contributors {
			vec![Contribution { author: Identity::X(1), posts, first_key, last_key }]
				.try_into()
				.expect("one")
		};
		// Three posts need three distinct keys; one post one key; keys ascend.
		for (posts, first, last) in [(3, 5, 6), (2, 5, 5), (1, 5, 6), (2, 6, 5)] {
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					H256::zero(),
					range(posts, first, last)
				),
				Error::<Test>::BadKeys { index: 0 }
			);
		}
		assert_ok!(Content::register_batch(bob, 0, root, H256::zero(), range(3, 5, 7)));
	});
}

#[test]
fn the_registrant_must_afford_the_bond() {
	setup(|| {
		<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(&acc(Bob), 50);
		let (root, records) = x_batch(&[(10, 1)]);
		assert!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			H256::zero(),
			layout(&records)
		)
		.is_err());
		assert!(PendingBatches::<Test>::get(0).is_none());
		assert_eq!(Marks::<Test>::get(Identity::X(1)), None);
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
				H256::zero(),
				contributions(&[(Identity::X(1), 1), (Identity::X(9), 1)])
			),
			Error::<Test>::AuthorNotLinked { index: 1 }
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(1), 1), (Identity::X(3), 1)])
			),
			Error::<Test>::NoConsent { index: 1 }
		);
		// Consent withdrawn: rejected from the same block on.
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(acc(Alice))));
		assert_noop!(
			Content::register_batch(
				bob,
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(1), 1)])
			),
			Error::<Test>::NoConsent { index: 0 }
		);
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 0);
	});
}

#[test]
fn errors() {
	setup(|| {
		let bob = RuntimeOrigin::signed(acc(Bob));
		let root = H256::repeat_byte(1);
		let one = contributions(&[(Identity::X(1), 1)]);
		assert_noop!(
			Content::register_batch(bob.clone(), 7, root, H256::zero(), one.clone()),
			Error::<Test>::PlatformNotFound
		);
		assert_noop!(
			Content::register_batch(
				RuntimeOrigin::signed(acc(Alice)),
				0,
				root,
				H256::zero(),
				one.clone()
			),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Content::register_batch(bob.clone(), 1, root, H256::zero(), one.clone()),
			Error::<Test>::NostrRegistersItself
		);
		assert_noop!(
			Content::register_batch(bob.clone(), 0, root, H256::zero(), contributions(&[])),
			Error::<Test>::EmptyBatch
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(2), 1), (Identity::X(1), 1)])
			),
			Error::<Test>::NotSorted
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(1), 1), (Identity::X(1), 1)])
			),
			Error::<Test>::NotSorted
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(1), 0)])
			),
			Error::<Test>::ZeroPosts
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(1), 1_025)])
			),
			Error::<Test>::TooManyPosts
		);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(1), u32::MAX), (Identity::X(2), 1)])
			),
			Error::<Test>::TooManyPosts
		);
		// An author linked through another platform.
		let other = ConsentSetup::register(PlatformKind::X, &acc(Dave));
		ConsentSetup::link_allowing(Identity::X(50), &acc(Dave), other, &[Purpose::Research]);
		assert_noop!(
			Content::register_batch(
				bob.clone(),
				0,
				root,
				H256::zero(),
				contributions(&[(Identity::X(50), 1)])
			),
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
		assert_noop!(
			Content::register_batch(bob, 0, root, H256::zero(), one),
			Error::<Test>::PlatformSuspended
		);
	});
}
