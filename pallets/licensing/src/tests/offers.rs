//! `create_offer`, `create_pool_offer`, `set_offer_paused` and `close_offer`.

use super::*;

#[test]
fn an_operator_offers_its_platform_and_closes_the_offer() {
	run(|| {
		let w = world();
		let offer = Offers::<Test>::get(0).expect("offer");
		assert_eq!(offer.owner, Some(w.operator.clone()));
		assert_eq!(offer.platforms.to_vec(), vec![w.platform]);
		let held = 1_000_000_000 - free(&w.operator);
		assert_eq!(held, 5 + 7, "terms and offer deposits");
		assert_noop!(
			Licensing::close_offer(RuntimeOrigin::signed(w.alice.clone()), 0),
			Error::<Test>::NotOfferOwner
		);
		assert_ok!(Licensing::close_offer(RuntimeOrigin::signed(w.operator.clone()), 0));
		System::assert_last_event(Event::OfferClosed { offer: 0 }.into());
		assert_eq!(1_000_000_000 - free(&w.operator), 5, "the offer deposit is back");
		assert_noop!(
			Licensing::close_offer(RuntimeOrigin::signed(w.operator), 0),
			Error::<Test>::OfferNotFound
		);
	});
}

#[test]
fn only_operators_of_active_platforms_with_known_terms_offer() {
	run(|| {
		let w = world();
		let op = RuntimeOrigin::signed(w.operator.clone());
		assert_noop!(
			Licensing::create_offer(
				RuntimeOrigin::signed(w.alice.clone()),
				w.platform,
				0,
				Price::Flat(1)
			),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Licensing::create_offer(op.clone(), w.platform, 9, Price::Flat(1)),
			Error::<Test>::TermsNotFound
		);
		assert_ok!(Consent::update_platform(
			RuntimeOrigin::root(),
			w.platform,
			None,
			None,
			None,
			Some(PlatformStatus::Suspended)
		));
		assert_noop!(
			Licensing::create_offer(op, w.platform, 0, Price::Flat(1)),
			Error::<Test>::PlatformSuspended
		);
	});
}

#[test]
fn governance_offers_pools() {
	run(|| {
		let w = world();
		let other = Setup::platform(PlatformKind::X, &w.operator, Perbill::zero());
		let pool = |p: Vec<PlatformId>| PoolPlatforms::truncate_from(p);
		assert_noop!(
			Licensing::create_pool_offer(
				RuntimeOrigin::signed(w.operator.clone()),
				pool(vec![w.platform]),
				0,
				Price::Flat(1)
			),
			DispatchError::BadOrigin
		);
		for bad in [vec![], vec![other, w.platform], vec![w.platform, w.platform]] {
			assert_noop!(
				Licensing::create_pool_offer(RuntimeOrigin::root(), pool(bad), 0, Price::Flat(1)),
				Error::<Test>::BadPool
			);
		}
		assert_noop!(
			Licensing::create_pool_offer(
				RuntimeOrigin::root(),
				pool(vec![w.platform, 42]),
				0,
				Price::Flat(1)
			),
			Error::<Test>::PlatformNotFound
		);
		assert_ok!(Licensing::create_pool_offer(
			RuntimeOrigin::root(),
			pool(vec![w.platform, other]),
			0,
			Price::Flat(1_000)
		));
		System::assert_last_event(
			Event::OfferCreated { offer: 1, owner: None, terms: 0, price: Price::Flat(1_000) }
				.into(),
		);
		// Governance may pause and close any offer.
		assert_ok!(Licensing::set_offer_paused(RuntimeOrigin::root(), 0, true));
		assert_ok!(Licensing::close_offer(RuntimeOrigin::root(), 1));
	});
}

#[test]
fn a_paused_offer_cannot_be_bought_until_resumed() {
	run(|| {
		let w = world();
		let buyer = RuntimeOrigin::signed(w.buyer.clone());
		assert_noop!(
			Licensing::set_offer_paused(RuntimeOrigin::signed(w.alice.clone()), 0, true),
			Error::<Test>::NotOfferOwner
		);
		assert_noop!(
			Licensing::set_offer_paused(RuntimeOrigin::signed(w.operator.clone()), 5, true),
			Error::<Test>::OfferNotFound
		);
		assert_ok!(Licensing::set_offer_paused(RuntimeOrigin::signed(w.operator.clone()), 0, true));
		System::assert_last_event(Event::OfferPaused { offer: 0 }.into());
		assert_eq!(Licensing::api_quote(0), Err(QuoteError::OfferPaused));
		assert_noop!(Licensing::purchase(buyer.clone(), 0, u128::MAX), Error::<Test>::OfferPaused);
		assert_ok!(Licensing::set_offer_paused(RuntimeOrigin::signed(w.operator), 0, false));
		System::assert_last_event(Event::OfferResumed { offer: 0 }.into());
		assert_ok!(Licensing::purchase(buyer, 0, u128::MAX));
	});
}
