//! `purchase` and its quote: the license minted, the price and its exact split.

use super::*;

#[test]
fn mints_a_license_and_splits_the_price_exactly() {
	run(|| {
		let w = world();
		let (treasury, pot) = (TreasuryAccount::get(), Licensing::pot());
		let (t0, p0, b0) = (free(&treasury), free(&pot), free(&w.buyer));
		let issuance = Balances::total_issuance();
		assert_eq!(Licensing::api_quote(0), Ok(quote(1_000, 100, 100)));
		assert_noop!(
			Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, 999),
			Error::<Test>::PriceAboveLimit
		);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, 1_000));

		let license = Licenses::<Test>::get(0).expect("minted");
		assert_eq!(license.owner, w.buyer);
		assert_eq!((license.start, license.expiry), (1, 101));
		assert_eq!((license.records, license.cap, license.price), (100, Some(1_000), 1_000));
		assert_eq!(license.purposes, PurposeSet::EMPTY.with(TRAINING));
		assert_eq!(license.snapshot, 0, "no batch was registered before the purchase");
		let view = Licensing::api_license(0).expect("visible");
		assert_eq!((view.owner, view.platforms), (w.buyer.clone(), vec![w.platform]));

		// 5% fee = 50; 950 to the platform pool: 95 to the platform, 855 over 100 posts.
		System::assert_has_event(
			Event::PaymentSplit {
				license: 0,
				protocol: 50,
				platforms: 95,
				contributors: 855,
				dust: 0,
			}
			.into(),
		);
		assert_eq!(free(&w.buyer), b0 - 1_000 - 3, "price and license deposit");
		assert_eq!(free(&treasury), t0 + 50);
		assert_eq!(free(&pot), p0 + 950);
		assert_eq!(Balances::total_issuance(), issuance, "no money created or destroyed");
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 256, "30 x 8.55, rounded down");
		assert_eq!(Licensing::api_pending_rewards(&w.bob), 598, "70 x 8.55, rounded down");
		assert_eq!(Licensing::api_pending_rewards(&w.operator), 95);
		assert_ok!(Licensing::do_try_state());
	});
}

#[test]
fn caps_per_record_prices_and_charges_flat_ones_whole() {
	run(|| {
		let w = world();
		let mut capped = terms(&[TRAINING]);
		capped.record_cap = Some(40);
		assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(w.operator.clone()), capped));
		let op = RuntimeOrigin::signed(w.operator.clone());
		assert_ok!(Licensing::create_offer(op.clone(), w.platform, 1, Price::PerRecord(10)));
		assert_ok!(Licensing::create_offer(op, w.platform, 1, Price::Flat(77)));
		assert_eq!(Licensing::api_quote(1), Ok(quote(400, 100, 40)));
		assert_eq!(Licensing::api_quote(2), Ok(quote(77, 100, 40)));
	});
}

#[test]
fn a_price_that_overflows_is_refused_before_anything_moves() {
	run(|| {
		let w = world();
		let op = RuntimeOrigin::signed(w.operator.clone());
		assert_ok!(Licensing::create_offer(op, w.platform, 0, Price::PerRecord(u128::MAX)));
		assert_eq!(Licensing::api_quote(1), Err(QuoteError::Overflow));
		assert_noop!(
			Licensing::purchase(RuntimeOrigin::signed(w.buyer), 1, u128::MAX),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn only_posts_whose_authors_allow_every_purpose_count() {
	run(|| {
		let w = world();
		let carol = Setup::account(4);
		Setup::link(&carol, w.platform, 3, &[TRAINING]);
		Setup::posts(&Identity::X(3), w.platform, 50);
		assert_eq!(Licensing::api_quote(0).map(|q| q.records), Ok(150));
		assert_ok!(Licensing::register_terms(
			RuntimeOrigin::signed(w.operator.clone()),
			terms(&[TRAINING, Purpose::Research])
		));
		assert_ok!(Licensing::create_offer(
			RuntimeOrigin::signed(w.operator.clone()),
			w.platform,
			1,
			Price::PerRecord(1)
		));
		assert_eq!(
			Licensing::api_quote(1).map(|q| q.records),
			Ok(100),
			"carol allows training only"
		);
	});
}

#[test]
fn fails_without_posts_offer_or_funds_and_changes_nothing() {
	run(|| {
		let w = world();
		let buyer = RuntimeOrigin::signed(w.buyer.clone());
		assert_eq!(Licensing::api_quote(9), Err(QuoteError::OfferNotFound));
		assert_noop!(
			Licensing::purchase(buyer.clone(), 9, u128::MAX),
			Error::<Test>::OfferNotFound
		);
		let poor = AccountId::new([9; 32]);
		Balances::set_balance(&poor, 500);
		assert_noop!(
			Licensing::purchase(RuntimeOrigin::signed(poor), 0, u128::MAX),
			TokenError::FundsUnavailable
		);
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.alice)));
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.bob)));
		assert_eq!(
			Licensing::api_quote(0),
			Err(QuoteError::NothingToLicense(Exclusions::default()))
		);
		assert_noop!(Licensing::purchase(buyer, 0, u128::MAX), Error::<Test>::NothingToLicense);
	});
}

#[test]
fn a_pool_pays_each_platform_in_proportion_to_its_posts() {
	run(|| {
		let w = world();
		let op2 = Setup::account(101);
		let other = Setup::platform(PlatformKind::X, &op2, Perbill::from_percent(20));
		let carol = Setup::account(4);
		Setup::link(&carol, other, 3, &Purpose::ALL);
		Setup::posts(&Identity::X(3), other, 300);
		assert_ok!(Licensing::create_pool_offer(
			RuntimeOrigin::root(),
			PoolPlatforms::truncate_from(vec![w.platform, other]),
			0,
			Price::Flat(8_000)
		));
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer), 1, u128::MAX));
		// 400 fee; 7,600 in 100:300 -> 1,900 and 5,700; shares 10% and 20%.
		assert_eq!(Licensing::api_pending_rewards(&w.operator), 190);
		assert_eq!(Licensing::api_pending_rewards(&op2), 1_140);
		assert_eq!(Licensing::api_pending_rewards(&carol), 4_560);
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 513);
		assert_eq!(Licensing::api_pending_rewards(&w.bob), 1_197);
		assert_ok!(Licensing::do_try_state());
	});
}
