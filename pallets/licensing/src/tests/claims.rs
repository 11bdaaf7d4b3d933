//! `claim` and `claim_for`: contributors and platforms paid what they earned, and only that;
//! a claim free of fees once an interval when it pays at least the existential deposit.

use super::*;
use frame_support::dispatch::CheckIfFeeless;

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

#[test]
fn anyone_pays_a_contributor_what_it_is_owed() {
	run(|| {
		let w = world();
		let anyone = RuntimeOrigin::signed(w.buyer.clone());
		assert_noop!(
			Licensing::claim_for(anyone.clone(), w.alice.clone()),
			Error::<Test>::NothingToClaim
		);
		assert_noop!(
			Licensing::claim_for(RuntimeOrigin::none(), w.alice.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Licensing::purchase(anyone.clone(), 0, u128::MAX));
		let (alice, buyer) = (free(&w.alice), free(&w.buyer));
		assert_ok!(Licensing::claim_for(anyone.clone(), w.alice.clone()));
		System::assert_last_event(
			Event::RewardsClaimed { who: w.alice.clone(), amount: 256 }.into(),
		);
		assert_eq!((free(&w.alice), free(&w.buyer)), (alice + 256, buyer), "paid to Alice");
		assert_noop!(Licensing::claim_for(anyone, w.alice.clone()), Error::<Test>::NothingToClaim);
		assert!(!LastClaim::<Test>::contains_key(&w.alice), "her own free claim is untouched");
		assert_ok!(Licensing::do_try_state());
	});
}

/// A contributor who holds nothing is paid: its link provides for its account (so it could sign
/// a free claim itself), and anyone may pay it with `claim_for`.
#[test]
fn a_contributor_without_funds_is_paid() {
	run(|| {
		let w = world();
		let nobody = Setup::account(9);
		Setup::link(&nobody, w.platform, 9, &Purpose::ALL);
		Setup::posts(&Identity::X(9), w.platform, 70);
		Balances::set_balance(&nobody, 0);
		assert_eq!(free(&nobody), 0);
		assert_eq!(System::providers(&nobody), 1, "only its link provides for it");
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let owed = Licensing::api_pending_rewards(&nobody);
		assert!(owed >= 10, "at least the existential deposit: {owed}");
		assert_ok!(Licensing::claim_for(RuntimeOrigin::signed(w.operator.clone()), nobody.clone()));
		assert_eq!(free(&nobody), owed);
		assert_ok!(Licensing::do_try_state());
	});
}

#[test]
fn a_claim_is_free_once_an_interval_when_it_pays_the_existential_deposit() {
	run(|| {
		let w = world();
		let claim = RuntimeCall::Licensing(Call::claim {});
		let feeless = |who: &AccountId| claim.is_feeless(&RuntimeOrigin::signed(who.clone()));
		assert!(!feeless(&w.alice), "nothing to claim: not free");
		assert!(!claim.is_feeless(&RuntimeOrigin::root()), "not signed");
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		assert!(feeless(&w.alice), "256 owed, at least 10");
		assert!(!RuntimeCall::Licensing(Call::claim_for { who: w.alice.clone() })
			.is_feeless(&RuntimeOrigin::signed(w.alice.clone())));
		assert_ok!(Licensing::claim(RuntimeOrigin::signed(w.alice.clone())));
		assert_eq!(LastClaim::<Test>::get(&w.alice), Some(System::block_number()));

		// Owed again within the interval: a claim pays its fee.
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		assert!(Licensing::api_pending_rewards(&w.alice) >= 10);
		System::set_block_number(System::block_number() + 99);
		assert!(!feeless(&w.alice), "claimed 99 blocks ago");
		System::set_block_number(System::block_number() + 1);
		assert!(feeless(&w.alice), "100 blocks on");

		// Below the existential deposit: never free (it would not make an account exist).
		let carol = Setup::account(4);
		Owed::<Test>::insert(&carol, 9);
		assert!(!feeless(&carol), "9 < 10");
		Owed::<Test>::insert(&carol, 10);
		assert!(feeless(&carol));
		Owed::<Test>::remove(&carol);
	});
}

/// Earnings over time: each claim adds what it paid to its period (1,000 blocks in the mock),
/// `claim_for` records the payee's, and the ledger keeps the last `EARNINGS_PERIODS` periods
/// with a claim while its total keeps everything.
#[test]
fn claims_are_recorded_by_period_and_the_oldest_periods_roll_off() {
	run(|| {
		let w = world();
		let buyer = RuntimeOrigin::signed(w.buyer.clone());
		let earnings = || Licensing::api_earnings(&w.alice);
		assert_eq!(
			earnings(),
			Earnings { pending: 0, claimed: 0, period: 1_000, periods: vec![] },
			"nothing earned, nothing claimed"
		);
		assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
		assert_eq!(earnings().pending, 256);
		assert_eq!(earnings().claimed, 0, "earned is not claimed");

		System::set_block_number(1_500);
		assert_ok!(Licensing::claim(RuntimeOrigin::signed(w.alice.clone())));
		assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
		System::set_block_number(1_999);
		assert_ok!(Licensing::claim_for(RuntimeOrigin::signed(w.bob.clone()), w.alice.clone()));
		let paid_in_1000 = earnings().claimed;
		assert!(paid_in_1000 > 256, "two claims in one period: {paid_in_1000}");
		assert_eq!(
			earnings().periods,
			vec![PeriodPaid { from: 1_000, amount: paid_in_1000 }],
			"one period, both claims"
		);

		System::set_block_number(2_000);
		assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
		let pending = earnings().pending;
		assert_ok!(Licensing::claim(RuntimeOrigin::signed(w.alice.clone())));
		assert_eq!(
			earnings(),
			Earnings {
				pending: 0,
				claimed: paid_in_1000 + pending,
				period: 1_000,
				periods: vec![
					PeriodPaid { from: 1_000, amount: paid_in_1000 },
					PeriodPaid { from: 2_000, amount: pending },
				],
			}
		);
		assert_eq!(ClaimHistory::<Test>::get(&w.bob), Default::default(), "the caller's is not");
		assert_ok!(Licensing::do_try_state());

		// A claim in each of the next periods, some skipped: the ledger keeps the last twelve.
		let mut total = earnings().claimed;
		for period in 3..=20u64 {
			System::set_block_number(period * 1_000 * 2);
			assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
			total += earnings().pending;
			assert_ok!(Licensing::claim(RuntimeOrigin::signed(w.alice.clone())));
		}
		let ledger = earnings();
		assert_eq!(ledger.claimed, total, "the total keeps every claim");
		assert_eq!(ledger.periods.len(), EARNINGS_PERIODS as usize);
		let starts: Vec<u64> = ledger.periods.iter().map(|paid| paid.from).collect();
		assert_eq!(starts, (9..=20).map(|period| period * 2_000).collect::<Vec<_>>());
		assert_ok!(Licensing::do_try_state());
	});
}

#[test]
fn a_failed_claim_records_nothing() {
	run(|| {
		let w = world();
		assert_noop!(
			Licensing::claim(RuntimeOrigin::signed(w.alice.clone())),
			Error::<Test>::NothingToClaim
		);
		assert_eq!(ClaimHistory::<Test>::get(&w.alice), Default::default());
	});
}

#[test]
fn a_ledger_adds_within_a_period_and_saturates() {
	let mut ledger = ClaimLedger::<u128, u64>::default();
	ledger.record(0, u128::MAX - 1);
	ledger.record(0, 5);
	ledger.record(10, 5);
	assert_eq!(ledger.claimed, u128::MAX);
	assert_eq!(
		ledger.periods.into_inner(),
		vec![PeriodPaid { from: 0, amount: u128::MAX }, PeriodPaid { from: 10, amount: 5 }]
	);
}

/// A platform without a payee: its cut goes to the treasury with the protocol fee, not into an
/// account balance nobody may claim.
#[test]
fn a_platform_without_a_payee_pays_its_cut_to_the_treasury() {
	run(|| {
		let w = world();
		assert_ok!(Consent::update_platform(
			RuntimeOrigin::root(),
			w.platform,
			None,
			Some(None),
			None,
			None
		));
		let treasury = <Test as Config>::Treasury::get();
		let (treasury_before, pot_before) = (free(&treasury), free(&Licensing::pot()));
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let (protocol, platforms, contributors, dust) = System::events()
			.into_iter()
			.find_map(|r| match r.event {
				RuntimeEvent::Licensing(Event::PaymentSplit {
					protocol,
					platforms,
					contributors,
					dust,
					..
				}) => Some((protocol, platforms, contributors, dust)),
				_ => None,
			})
			.expect("a split");
		assert_eq!(platforms, 95, "the platform's 10% of 950");
		assert_eq!(free(&treasury), treasury_before + protocol + platforms + dust);
		assert_eq!(free(&Licensing::pot()), pot_before + contributors, "only contributors wait");
		assert_eq!(Owed::<Test>::get(&treasury), 0, "nothing owed to the treasury");
		assert_eq!(Licensing::api_pending_rewards(&w.operator), 0);
		assert_ok!(Licensing::do_try_state());
	});
}
