//! The revocation feed: what it lists for a license, and its pruning in `on_idle`.

use super::*;

#[test]
fn lists_withdrawals_and_revocations_that_affect_a_license() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1, 2]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		System::set_block_number(5);
		// Research is not licensed: this withdrawal does not concern the license.
		assert_ok!(Consent::set_consent(
			RuntimeOrigin::signed(w.bob.clone()),
			Scope::Account,
			vec![(Purpose::Research, Decision::Deny)].try_into().expect("one")
		));
		System::set_block_number(6);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.bob.clone())));
		System::set_block_number(7);
		let leaves = posts.iter().map(|p| p.leaf_hash()).collect();
		assert_ok!(Content::revoke_post(
			RuntimeOrigin::signed(w.operator.clone()),
			batch,
			posts[0].clone(),
			0,
			batch_proof(leaves, 0).try_into().expect("short")
		));

		let feed = Licensing::api_revocations(0, 0, 10);
		assert_eq!(feed.len(), 2, "{feed:?}");
		assert_eq!(feed[0].at, 6);
		assert!(matches!(
			&feed[0].change,
			FeedChange::ConsentWithdrawn { account, purposes, .. }
				if *account == w.bob && purposes.contains(TRAINING)
		));
		assert_eq!(
			feed[1],
			FeedRecord {
				at: 7,
				change: FeedChange::PostRevoked {
					platform: w.platform,
					batch,
					post: posts[0].leaf_hash()
				}
			}
		);
		assert_eq!(Licensing::api_revocations(0, 7, 10), vec![feed[1].clone()]);
		assert_eq!(Licensing::api_revocations(0, 0, 1), vec![feed[0].clone()]);
		assert!(Licensing::api_revocations(5, 0, 10).is_empty(), "unknown license");
	});
}

#[test]
fn on_idle_drops_entries_older_than_the_longest_license() {
	run(|| {
		let w = world();
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.alice.clone())));
		System::set_block_number(600);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.bob.clone())));
		assert_eq!(FeedNext::<Test>::get(), 2);
		Licensing::on_idle(1_000, Weight::MAX);
		assert_eq!(FeedOldest::<Test>::get(), 0, "nothing is older than 1,000 blocks yet");
		Licensing::on_idle(1_002, Weight::MAX);
		assert_eq!(FeedOldest::<Test>::get(), 1);
		assert!(Feed::<Test>::get(0).is_none() && Feed::<Test>::get(1).is_some());
	});
}
