//! `reserve_deliveries`: a platform's allowance of a capped license, taken from the cap at once
//! and drawn by its later `record_deliveries` (issue 31: capped delivery without a transaction
//! per page).

use super::*;

fn bought() -> World {
	let w = world();
	assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
	w
}

fn reserved(license: LicenseId, platform: PlatformId, count: u64, allowance: u64) -> RuntimeEvent {
	Event::DeliveriesReserved { license, platform, count, allowance }.into()
}

#[test]
fn an_allowance_is_taken_from_the_cap_and_drawn_by_recordings() {
	run(|| {
		let w = bought();
		let op = RuntimeOrigin::signed(w.operator.clone());
		assert_ok!(Licensing::reserve_deliveries(op.clone(), 0, w.platform, 300));
		System::assert_last_event(reserved(0, w.platform, 300, 300));
		assert_eq!((Allowances::<Test>::get(0, w.platform), Reserved::<Test>::get(0)), (300, 300));
		// Reserved is not delivered: the license still serves.
		assert_eq!(Licenses::<Test>::get(0).map(|l| l.delivered), Some(0));

		// Recordings draw from the allowance first.
		assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 100));
		assert_eq!((Allowances::<Test>::get(0, w.platform), Reserved::<Test>::get(0)), (200, 200));
		// Beyond the allowance, a recording takes what the cap leaves besides it: 1,000 less
		// 100 recorded and 200 reserved leave 700.
		assert_noop!(
			Licensing::record_deliveries(op.clone(), 0, w.platform, 901),
			Error::<Test>::CapExceeded
		);
		assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 800));
		assert_eq!(Licenses::<Test>::get(0).map(|l| l.delivered), Some(900));
		assert!(!Allowances::<Test>::contains_key(0, w.platform), "drawn, and removed");
		assert!(!Reserved::<Test>::contains_key(0));

		// A reservation takes what is left when that is less than asked.
		assert_ok!(Licensing::reserve_deliveries(op.clone(), 0, w.platform, 500));
		System::assert_last_event(reserved(0, w.platform, 100, 100));
		assert_noop!(
			Licensing::reserve_deliveries(op.clone(), 0, w.platform, 1),
			Error::<Test>::CapExceeded
		);
		// The cap is whole: recorded and reserved make 1,000; the license serves until the
		// allowance is recorded.
		assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 100));
		assert_eq!(Licenses::<Test>::get(0).map(|l| l.delivered), Some(1_000));
		assert_noop!(
			Licensing::record_deliveries(op, 0, w.platform, 1),
			Error::<Test>::CapExceeded
		);
	});
}

#[test]
fn only_operators_of_a_live_capped_license_reserve() {
	run(|| {
		let w = bought();
		let op = RuntimeOrigin::signed(w.operator.clone());
		assert_noop!(
			Licensing::reserve_deliveries(op.clone(), 0, w.platform, 0),
			Error::<Test>::ZeroDeliveries
		);
		assert_noop!(
			Licensing::reserve_deliveries(op.clone(), 0, w.platform + 1, 1),
			Error::<Test>::PlatformNotCovered
		);
		assert_noop!(
			Licensing::reserve_deliveries(RuntimeOrigin::signed(w.alice.clone()), 0, w.platform, 1),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Licensing::reserve_deliveries(op.clone(), 9, w.platform, 1),
			Error::<Test>::LicenseNotFound
		);
		assert_noop!(
			Licensing::reserve_deliveries(RuntimeOrigin::none(), 0, w.platform, 1),
			DispatchError::BadOrigin
		);
		// Uncapped terms: nothing to reserve.
		let uncapped = Terms { record_cap: None, ..terms(&[TRAINING]) };
		assert_ok!(Licensing::register_terms(op.clone(), uncapped));
		assert_ok!(Licensing::create_offer(op.clone(), w.platform, 1, Price::PerRecord(10)));
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 1, u128::MAX));
		assert_noop!(
			Licensing::reserve_deliveries(op.clone(), 1, w.platform, 1),
			Error::<Test>::NotCapped
		);
		// Ended: nothing to reserve, and release takes the allowance with the license.
		assert_ok!(Licensing::reserve_deliveries(op.clone(), 0, w.platform, 10));
		System::set_block_number(101);
		assert_noop!(
			Licensing::reserve_deliveries(op.clone(), 0, w.platform, 1),
			Error::<Test>::LicenseEnded
		);
		assert_ok!(Licensing::release_license(op, 0));
		assert!(!Allowances::<Test>::contains_key(0, w.platform));
		assert!(!Reserved::<Test>::contains_key(0));
	});
}

/// A platform's allowance is its own: no other platform of the pool records into it, even where
/// the platforms' parts (rounded up) add up to more than the cap.
#[test]
fn another_platforms_allowance_holds_against_recordings() {
	run(|| {
		let w = world();
		let (other_operator, other) = pool_license(&w, 50);
		// 1,000 over 100 and 50 records: parts of 667 and 334, rounded up, 1,001 in all.
		assert_eq!(PlatformParts::<Test>::get(0, w.platform).map(|p| p.cap), Some(667));
		assert_eq!(PlatformParts::<Test>::get(0, other).map(|p| p.cap), Some(334));

		let theirs = RuntimeOrigin::signed(other_operator);
		assert_ok!(Licensing::reserve_deliveries(theirs.clone(), 0, other, 1_000));
		System::assert_last_event(reserved(0, other, 334, 334));
		// The rest of the cap is 666, one less than our part.
		let ours = RuntimeOrigin::signed(w.operator.clone());
		assert_ok!(Licensing::reserve_deliveries(ours.clone(), 0, w.platform, 1_000));
		System::assert_last_event(reserved(0, w.platform, 666, 666));
		assert_noop!(
			Licensing::record_deliveries(ours.clone(), 0, w.platform, 667),
			Error::<Test>::CapExceeded
		);
		assert_ok!(Licensing::record_deliveries(ours, 0, w.platform, 666));
		assert_ok!(Licensing::record_deliveries(theirs.clone(), 0, other, 334));
		assert_eq!(Licenses::<Test>::get(0).map(|l| l.delivered), Some(1_000));
		assert_noop!(
			Licensing::reserve_deliveries(theirs, 0, other, 1),
			Error::<Test>::CapExceeded
		);
	});
}

/// The access check denies a capped license only once its whole cap is recorded: a platform
/// serving from its allowance is not refused for records it reserved.
#[test]
fn an_allowance_does_not_stop_access() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let op = RuntimeOrigin::signed(w.operator.clone());
		assert_ok!(Licensing::reserve_deliveries(op.clone(), 0, w.platform, 1_000));
		let q = query(0, batch, &posts, 0);
		assert_eq!(Licensing::api_check_access(&q), Ok(()));
		assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 999));
		assert_eq!(Licensing::api_check_access(&q), Ok(()));
		assert_ok!(Licensing::record_deliveries(op, 0, w.platform, 1));
		assert_eq!(Licensing::api_check_access(&q), Err(Denial::CapReached));
	});
}
