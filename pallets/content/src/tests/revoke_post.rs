//! `revoke_post`: the author or the platform withdraws one post, with its proof.

use super::*;

/// Batch 0, activated: posts 10 and 11 by X(1) (Alice), 12 by X(2) (Charlie).
fn registered(test: impl FnOnce(Vec<PostRecord>)) {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
		activate(register(&records), &records);
		test(records);
	});
}
use proof_of as proof;

#[test]
fn posts_of_a_pending_batch_are_revoked_after_it_is_activated() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1)]);
		register(&records);
		assert_noop!(
			Content::revoke_post(
				RuntimeOrigin::signed(acc(Alice)),
				0,
				records[0].clone(),
				0,
				proof(&records, 0)
			),
			Error::<Test>::BatchPending
		);
	});
}

#[test]
fn the_author_withdraws_a_post() {
	registered(|records| {
		assert_ok!(Content::revoke_post(
			RuntimeOrigin::signed(acc(Alice)),
			0,
			records[1].clone(),
			1,
			proof(&records, 1)
		));
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1);
		assert_eq!(PlatformPosts::<Test>::get(0), 2);
		assert_eq!(
			Content::api_post_status(0, &records[1], 1, &proof(&records, 1)),
			PostStatus::Revoked { at: 1 + CHALLENGE_WINDOW }
		);
		assert_eq!(
			Content::api_post_status(0, &records[0], 0, &proof(&records, 0)),
			PostStatus::Registered
		);
		assert_eq!(
			last_event(),
			Event::PostRevoked { batch: 0, post: records[1].leaf_hash(), by: acc(Alice) }
		);
	});
}

#[test]
fn the_platform_withdraws_a_deleted_post() {
	registered(|records| {
		assert_ok!(Content::revoke_post(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			records[2].clone(),
			2,
			proof(&records, 2)
		));
		assert!(!Contributions::<Test>::contains_key(Identity::X(2), 0), "a zero count is removed");
	});
}

#[test]
fn errors() {
	registered(|records| {
		let alice = RuntimeOrigin::signed(acc(Alice));
		assert_noop!(
			Content::revoke_post(alice.clone(), 9, records[0].clone(), 0, proof(&records, 0)),
			Error::<Test>::BatchNotFound
		);
		assert_noop!(
			Content::revoke_post(alice.clone(), 0, records[0].clone(), 1, proof(&records, 0)),
			Error::<Test>::BadProof
		);
		assert_noop!(
			Content::revoke_post(alice.clone(), 0, x_post(99, 1), 0, proof(&records, 0)),
			Error::<Test>::BadProof
		);
		assert_noop!(
			Content::revoke_post(alice.clone(), 0, records[2].clone(), 2, proof(&records, 2)),
			Error::<Test>::NotAllowed
		);
		assert_ok!(Content::revoke_post(
			alice.clone(),
			0,
			records[0].clone(),
			0,
			proof(&records, 0)
		));
		assert_noop!(
			Content::revoke_post(alice, 0, records[0].clone(), 0, proof(&records, 0)),
			Error::<Test>::AlreadyRevoked
		);
		assert_eq!(
			Content::api_post_status(9, &records[0], 0, &proof(&records, 0)),
			PostStatus::BatchNotFound
		);
		assert_eq!(
			Content::api_post_status(0, &records[0], 1, &proof(&records, 0)),
			PostStatus::NotInBatch
		);
	});
}

/// A post stays its identity's whoever holds the identity: revoked after an unlink (by the
/// platform) or after a relink (by the new account, not the old one), the count it leaves is
/// its identity's, and the platform's total stays the sum of its authors' (`try_state`).
#[test]
fn a_post_is_revoked_from_its_identity_after_an_unlink_or_a_relink() {
	registered(|records| {
		assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(acc(Alice)), Identity::X(1)));
		assert_noop!(
			Content::revoke_post(
				RuntimeOrigin::signed(acc(Alice)),
				0,
				records[0].clone(),
				0,
				proof(&records, 0)
			),
			Error::<Test>::NotAllowed
		);
		assert_ok!(Content::revoke_post(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			records[0].clone(),
			0,
			proof(&records, 0)
		));
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1);
		assert_ok!(Content::do_try_state());

		let eve = acc(sp_keyring::Sr25519Keyring::Eve);
		ConsentSetup::link_allowing(Identity::X(1), &eve, 0, &[Purpose::AiTraining]);
		assert_noop!(
			Content::revoke_post(
				RuntimeOrigin::signed(acc(Alice)),
				0,
				records[1].clone(),
				1,
				proof(&records, 1)
			),
			Error::<Test>::NotAllowed
		);
		assert_ok!(Content::revoke_post(
			RuntimeOrigin::signed(eve.clone()),
			0,
			records[1].clone(),
			1,
			proof(&records, 1)
		));
		assert!(!Contributions::<Test>::contains_key(Identity::X(1), 0));
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 1);
		assert_eq!(PlatformPosts::<Test>::get(0), 1);
		assert_eq!(Content::api_contributions(&eve), vec![]);
	});
}
