//! `activate_batch`: a pending batch's counts apply after its challenge window.

use super::*;

#[test]
fn counts_apply_and_the_bond_is_released_after_the_window() {
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
		assert_ok!(Content::activate_batch(dave, 0, layout(&records)));
		assert_eq!(last_event(), Event::BatchActivated { batch: 0 });
		assert!(PendingBatches::<Test>::get(0).is_none());
		assert_eq!(Batches::<Test>::get(0).map(|b| b.posts), Some(3));
		assert_eq!(Contributions::<Test>::get(acc(Alice), 0), 2);
		assert_eq!(Contributions::<Test>::get(acc(Charlie), 0), 1);
		assert_eq!(PlatformPosts::<Test>::get(0), 3);
		assert_eq!(held(HoldReason::BatchBond, &acc(Bob)), 0);
		assert_eq!(free(&acc(Bob)), FUNDS);
		assert_eq!(
			Content::api_post_status(0, &records[2], 2, &proof_of(&records, 2)),
			PostStatus::Registered
		);
		assert_eq!(Content::api_batch(0).map(|b| b.pending_until), Some(None));
	});
}

#[test]
fn an_identity_unlinked_in_the_window_counts_for_nobody() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 2)]);
		register(&records);
		assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(acc(Alice)), Identity::X(1)));
		activate(0, &records);
		assert_eq!(Contributions::<Test>::get(acc(Alice), 0), 0);
		assert_eq!(Contributions::<Test>::get(acc(Charlie), 0), 1);
		// The platform counts only what someone is paid for.
		assert_eq!(PlatformPosts::<Test>::get(0), 1);
	});
}

#[test]
fn errors() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 2)]);
		register(&records);
		advance(CHALLENGE_WINDOW);
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
		assert_ok!(Content::activate_batch(dave.clone(), 0, layout(&records)));
		assert_noop!(Content::activate_batch(dave, 0, layout(&records)), Error::<Test>::NotPending);
	});
}
