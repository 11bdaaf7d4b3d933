//! `claim`: contributors and platforms paid what they earned, and only that.

use super::*;

#[test]
fn contributors_and_platforms_claim_their_shares() {
	run(|| {
		let w = world();
		assert_noop!(
			Licensing::claim(RuntimeOrigin::signed(w.alice.clone())),
			Error::<Test>::NothingToClaim
		);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		for (who, share) in [(&w.alice, 256), (&w.bob, 598), (&w.operator, 95)] {
			let before = free(who);
			assert_ok!(Licensing::claim(RuntimeOrigin::signed(who.clone())));
			System::assert_last_event(
				Event::RewardsClaimed { who: who.clone(), amount: share }.into(),
			);
			assert_eq!(free(who), before + share);
			assert_eq!(Licensing::api_pending_rewards(who), 0);
		}
		assert_noop!(
			Licensing::claim(RuntimeOrigin::signed(w.alice)),
			Error::<Test>::NothingToClaim
		);
		// 950 paid in, 949 paid out: the rounding remainder stays in the pot.
		assert_eq!(free(&Licensing::pot()), 10 + 1);
		assert_ok!(Licensing::do_try_state());
	});
}

#[test]
fn withdrawing_consent_keeps_what_was_earned_and_stops_what_follows() {
	run(|| {
		let w = world();
		let buyer = RuntimeOrigin::signed(w.buyer.clone());
		assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.alice.clone())));
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 256, "earned before, kept");
		assert_ok!(Licensing::purchase(buyer, 0, u128::MAX));
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 256, "nothing for the later sale");
		// Bob is now the pool: 700 paid, 665 after the fee, 599 after the platform.
		assert_eq!(Licensing::api_pending_rewards(&w.bob), 1_197, "one settlement, one rounding");
		assert_ok!(Licensing::do_try_state());
	});
}

#[test]
fn new_posts_earn_only_from_later_sales_and_revoked_ones_stop_earning() {
	run(|| {
		let w = world();
		let buyer = RuntimeOrigin::signed(w.buyer.clone());
		assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
		Setup::posts(&Identity::X(1), w.platform, 130);
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 256, "settled at 30 posts");
		assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
		// 2,000 paid: 1,900 to the pool, 190 to the platform, 1,710 over 200 posts.
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 256 + 1_111);
		Setup::posts(&Identity::X(1), w.platform, 0);
		assert!(PoolMembers::<Test>::get(Identity::X(1), w.platform).is_none());
		assert_ok!(Licensing::purchase(buyer, 0, u128::MAX));
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 256 + 1_111);
		assert_ok!(Licensing::do_try_state());
	});
}

/// Payment follows access, per identity: an identity-scoped denial stops only that identity's
/// posts from counting, and an identity relinked to another account pays its old account what
/// it earned until then and its new account from then on.
#[test]
fn each_identity_earns_for_whoever_holds_it_for_what_it_allows() {
	run(|| {
		let w = world();
		let (carol, dave) = (Setup::account(4), Setup::account(5));
		Setup::link(&carol, w.platform, 3, &Purpose::ALL);
		Setup::link(&carol, w.platform, 4, &Purpose::ALL);
		Setup::posts(&Identity::X(3), w.platform, 50);
		Setup::posts(&Identity::X(4), w.platform, 50);
		assert_eq!(Licensing::api_quote(0).map(|q| q.records), Ok(200));
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		// 2,000: 100 fee, 190 to the platform, 1,710 over 200 posts; Carol has two identities of
		// 50, each earning 427.5, rounded down.
		assert_eq!(Licensing::api_pending_rewards(&carol), 854);

		assert_ok!(Consent::set_consent(
			RuntimeOrigin::signed(carol.clone()),
			Scope::Identity(Identity::X(4)),
			vec![(TRAINING, Decision::Deny)].try_into().expect("one")
		));
		assert_eq!(Licensing::api_quote(0).map(|q| q.records), Ok(150), "X(3) still counts");
		assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(carol.clone()), Identity::X(3)));
		Setup::link(&dave, w.platform, 3, &Purpose::ALL);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		// 1,500: 75 fee, 142 to the platform, 1,283 over 150 posts; Dave has X(3)'s 50.
		assert_eq!(Licensing::api_pending_rewards(&carol), 854, "earned before the relink");
		assert_eq!(Licensing::api_pending_rewards(&dave), 427);
		assert_ok!(Licensing::claim(RuntimeOrigin::signed(carol.clone())));
		assert_eq!(Licensing::api_pending_rewards(&carol), 0);
	});
}
