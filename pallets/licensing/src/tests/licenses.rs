//! `transfer_license`, `revoke_license`, `release_license` and `record_deliveries`.

use super::*;
use frame_support::traits::fungible::InspectHold;

fn bought() -> World {
	let w = world();
	assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
	w
}

#[test]
fn transfers_only_by_the_owner_of_a_live_transferable_license() {
	run(|| {
		let w = bought();
		assert_noop!(
			Licensing::transfer_license(RuntimeOrigin::signed(w.alice.clone()), 0, w.bob.clone()),
			Error::<Test>::NotLicenseOwner
		);
		assert_noop!(
			Licensing::transfer_license(RuntimeOrigin::signed(w.buyer.clone()), 7, w.bob.clone()),
			Error::<Test>::LicenseNotFound
		);
		assert_ok!(Licensing::transfer_license(
			RuntimeOrigin::signed(w.buyer.clone()),
			0,
			w.bob.clone()
		));
		System::assert_last_event(
			Event::LicenseTransferred { license: 0, from: w.buyer.clone(), to: w.bob.clone() }
				.into(),
		);
		System::set_block_number(101);
		assert_noop!(
			Licensing::transfer_license(RuntimeOrigin::signed(w.bob), 0, w.buyer),
			Error::<Test>::LicenseEnded
		);
	});
}

#[test]
fn non_transferable_terms_keep_the_license_with_its_buyer() {
	run(|| {
		let w = world();
		let mut fixed = terms(&[TRAINING]);
		fixed.transferable = false;
		assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(w.operator.clone()), fixed));
		assert_ok!(Licensing::create_offer(
			RuntimeOrigin::signed(w.operator),
			w.platform,
			1,
			Price::Flat(10)
		));
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 1, 10));
		assert_noop!(
			Licensing::transfer_license(RuntimeOrigin::signed(w.buyer), 0, w.bob),
			Error::<Test>::NotTransferable
		);
	});
}

#[test]
fn governance_revokes_and_anyone_releases_ended_licenses() {
	run(|| {
		let w = bought();
		let anyone = RuntimeOrigin::signed(w.alice.clone());
		assert_noop!(Licensing::release_license(anyone.clone(), 0), Error::<Test>::LicenseActive);
		assert_noop!(Licensing::revoke_license(anyone.clone(), 0, None), DispatchError::BadOrigin);
		assert_noop!(
			Licensing::revoke_license(RuntimeOrigin::root(), 3, None),
			Error::<Test>::LicenseNotFound
		);
		System::set_block_number(7);
		assert_ok!(Licensing::revoke_license(RuntimeOrigin::root(), 0, None));
		System::assert_last_event(
			Event::LicenseRevoked { license: 0, cause: None, slashed: 0 }.into(),
		);
		let license = Licenses::<Test>::get(0).expect("kept until released");
		assert_eq!(license.revoked, Some(LicenseRevocation { at: 7, cause: None }));
		assert_eq!(license.deposit, 3, "revoked through no fault of the buyer: deposit kept");
		assert_noop!(
			Licensing::revoke_license(RuntimeOrigin::root(), 0, Some(H256::repeat_byte(1))),
			Error::<Test>::AlreadyRevoked
		);
		let before = free(&w.buyer);
		assert_ok!(Licensing::release_license(anyone.clone(), 0));
		System::assert_last_event(Event::LicenseReleased { license: 0 }.into());
		assert_eq!(free(&w.buyer), before + 3, "the deposit returns to the buyer");
		assert_noop!(Licensing::release_license(anyone, 0), Error::<Test>::LicenseNotFound);
	});
}

/// Revoked for cause after a dispute: the evidence's hash is recorded with the revocation and
/// the buyer's deposit goes to the treasury, so releasing the license returns nothing.
#[test]
fn a_license_revoked_for_cause_records_the_evidence_and_forfeits_the_deposit() {
	run(|| {
		let w = bought();
		let evidence = H256::repeat_byte(0xab);
		let treasury = TreasuryAccount::get();
		let (buyer_before, treasury_before) = (free(&w.buyer), free(&treasury));
		let held = <Balances as InspectHold<_>>::total_balance_on_hold(&w.buyer);
		assert_eq!(held, 3);

		System::set_block_number(9);
		assert_ok!(Licensing::revoke_license(RuntimeOrigin::root(), 0, Some(evidence)));
		System::assert_last_event(
			Event::LicenseRevoked { license: 0, cause: Some(evidence), slashed: 3 }.into(),
		);
		let license = Licenses::<Test>::get(0).expect("kept until released");
		assert_eq!(license.revoked, Some(LicenseRevocation { at: 9, cause: Some(evidence) }));
		assert_eq!(license.deposit, 0);
		assert_eq!(<Balances as InspectHold<_>>::total_balance_on_hold(&w.buyer), 0);
		assert_eq!(free(&treasury), treasury_before + 3);
		assert_eq!(Licensing::api_license(0).and_then(|l| l.revoked), Some(9));

		assert_ok!(Licensing::release_license(RuntimeOrigin::signed(w.alice), 0));
		assert_eq!(free(&w.buyer), buyer_before, "nothing returns to the buyer");
		assert_ok!(Licensing::do_try_state());
	});
}

#[test]
fn expired_licenses_can_be_released() {
	run(|| {
		let w = bought();
		System::set_block_number(101);
		assert_ok!(Licensing::release_license(RuntimeOrigin::signed(w.alice), 0));
	});
}

#[test]
fn platforms_meter_deliveries_up_to_the_cap() {
	run(|| {
		let w = bought();
		let op = RuntimeOrigin::signed(w.operator.clone());
		assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 600));
		System::assert_last_event(
			Event::DeliveriesRecorded {
				license: 0,
				platform: w.platform,
				count: 600,
				delivered: 600,
			}
			.into(),
		);
		assert_noop!(
			Licensing::record_deliveries(op.clone(), 0, w.platform, 401),
			Error::<Test>::CapExceeded
		);
		assert_noop!(
			Licensing::record_deliveries(op.clone(), 0, w.platform, u64::MAX),
			Error::<Test>::CapExceeded
		);
		assert_noop!(
			Licensing::record_deliveries(op.clone(), 0, w.platform, 0),
			Error::<Test>::ZeroDeliveries
		);
		assert_noop!(
			Licensing::record_deliveries(op.clone(), 0, w.platform + 1, 1),
			Error::<Test>::PlatformNotCovered
		);
		assert_noop!(
			Licensing::record_deliveries(RuntimeOrigin::signed(w.alice), 0, w.platform, 1),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Licensing::record_deliveries(op.clone(), 9, w.platform, 1),
			Error::<Test>::LicenseNotFound
		);
		assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 400));
		System::set_block_number(101);
		assert_noop!(
			Licensing::record_deliveries(op, 0, w.platform, 1),
			Error::<Test>::LicenseEnded
		);
	});
}

/// Issue 31, cap burning: any operator of a pool license's platforms could record deliveries
/// against it and use up the buyer's cap. Each platform records within its own part of the cap,
/// in proportion to its records in the license (rounded up); the license's total still holds.
#[test]
fn a_pool_platform_records_only_within_its_part_of_the_cap() {
	run(|| {
		let w = world();
		// A second X platform, operated by someone else, with 25 posts of Dave's (w.platform has
		// 100: Alice's 30 and Bob's 70).
		let (other_operator, other) = pool_license(&w, 25);
		// The cap is 1,000 over 125 records: 800 and 200.
		assert_eq!(PlatformParts::<Test>::get(0, w.platform).map(|p| p.cap), Some(800));
		assert_eq!(PlatformParts::<Test>::get(0, other).map(|p| p.cap), Some(200));

		// The other platform cannot burn the buyer's cap beyond its part.
		let theirs = RuntimeOrigin::signed(other_operator);
		assert_noop!(
			Licensing::record_deliveries(theirs.clone(), 0, other, 201),
			Error::<Test>::CapExceeded
		);
		assert_ok!(Licensing::record_deliveries(theirs.clone(), 0, other, 200));
		assert_noop!(Licensing::record_deliveries(theirs, 0, other, 1), Error::<Test>::CapExceeded);
		// The first platform still serves its own part, and no more.
		let ours = RuntimeOrigin::signed(w.operator.clone());
		assert_ok!(Licensing::record_deliveries(ours.clone(), 0, w.platform, 800));
		assert_eq!(Licenses::<Test>::get(0).map(|l| l.delivered), Some(1_000));

		// Released, the license takes its parts with it.
		System::set_block_number(101);
		assert_ok!(Licensing::release_license(ours, 0));
		assert_eq!(PlatformParts::<Test>::iter_prefix(0).count(), 0);
	});
}

#[test]
fn cap_parts_cover_the_cap_and_round_up() {
	use crate::offers::cap_parts;
	assert_eq!(cap_parts(1_000, &[100, 25]), vec![800, 200]);
	assert_eq!(cap_parts(10, &[1, 1, 1]), vec![4, 4, 4]);
	assert_eq!(cap_parts(u64::MAX, &[1, 1]), vec![u64::MAX / 2 + 1; 2], "no overflow");
	assert_eq!(cap_parts(5, &[0, 9]), vec![0, 5]);
}
