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

/// A free offer would license contributors' posts for nothing: refused, per record and flat,
/// for operators and for governance's pools.
#[test]
fn an_offer_has_a_price() {
	run(|| {
		let w = world();
		let op = RuntimeOrigin::signed(w.operator.clone());
		for price in [Price::PerRecord(0), Price::Flat(0)] {
			assert_noop!(
				Licensing::create_offer(op.clone(), w.platform, 0, price),
				Error::<Test>::ZeroPrice
			);
			assert_noop!(
				Licensing::create_pool_offer(
					RuntimeOrigin::root(),
					PoolPlatforms::truncate_from(vec![w.platform]),
					0,
					price
				),
				Error::<Test>::ZeroPrice
			);
		}
	});
}

/// An open offer cannot be bought while a platform of its pool is suspended, nor once the
/// operator who opened it no longer operates the platform (its successor must offer anew); the
/// quote names the same reason, and resuming the platform makes it buyable again.
#[test]
fn offers_of_suspended_platforms_or_former_operators_cannot_be_bought() {
	run(|| {
		let w = world();
		let buy = || Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX);
		let set_status = |status| {
			Consent::update_platform(
				RuntimeOrigin::root(),
				w.platform,
				None,
				None,
				None,
				Some(status),
			)
		};
		assert_ok!(set_status(PlatformStatus::Suspended));
		assert_eq!(Licensing::api_quote(0), Err(QuoteError::PlatformSuspended));
		assert_noop!(buy(), Error::<Test>::PlatformSuspended);
		assert_ok!(set_status(PlatformStatus::Active));
		assert!(Licensing::api_quote(0).is_ok());

		let successor = Setup::account(300);
		assert_ok!(Consent::update_platform(
			RuntimeOrigin::root(),
			w.platform,
			Some(vec![successor].try_into().expect("one")),
			None,
			None,
			None
		));
		assert_eq!(Licensing::api_quote(0), Err(QuoteError::OwnerNotOperator));
		assert_noop!(buy(), Error::<Test>::NotOperator);
	});
}

/// An operator buying its own offer moves no pool money to itself: the protocol fee and the
/// contributors' part leave it for good, and only its platform's cut comes back (to its payee,
/// itself here). Buying its own offer is refused by nothing, and pointless.
#[test]
fn buying_ones_own_offer_costs_the_fee_and_the_contributors_part() {
	run(|| {
		let w = world();
		let before = free(&w.operator);
		let quote = Licensing::api_quote(0).expect("buyable");
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.operator.clone()), 0, u128::MAX));
		assert_ok!(Licensing::claim(RuntimeOrigin::signed(w.operator.clone())));
		use frame_support::traits::Get;
		let deposit: Balance = <Test as crate::Config>::LicenseDeposit::get();
		let net_loss = before - free(&w.operator) - deposit;
		// 10% platform share of what is left after the protocol fee comes back, nothing else.
		let fee = <Test as crate::Config>::ProtocolFee::get() * quote.price;
		let cut = Perbill::from_percent(10) * (quote.price - fee);
		// (Up to a planck of rounding either way.)
		assert!(
			(quote.price - cut).abs_diff(net_loss) <= 1,
			"lost {net_loss}: fee {fee}, cut {cut}"
		);
		assert!(net_loss > quote.price / 2, "most of the price is gone");
	});
}
