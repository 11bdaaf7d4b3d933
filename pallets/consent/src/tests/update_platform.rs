//! `update_platform`: governance changes operators, payee, share or status.

use super::*;

#[test]
fn changes_only_what_is_given() {
	with_platforms(|| {
		assert_ok!(Consent::update_platform(
			RuntimeOrigin::root(),
			0,
			None,
			None,
			Some(Perbill::from_percent(15)),
			Some(PlatformStatus::Suspended)
		));
		let info = Platforms::<Test>::get(0).expect("exists");
		assert_eq!(info.share, Perbill::from_percent(15));
		assert_eq!(info.status, PlatformStatus::Suspended);
		assert_eq!(info.operators, ops(&[Bob]));
		assert_eq!(
			last_event(),
			Event::PlatformUpdated { platform: 0, status: PlatformStatus::Suspended }
		);
		assert_ok!(Consent::update_platform(
			RuntimeOrigin::root(),
			0,
			Some(ops(&[Dave])),
			Some(None),
			None,
			None
		));
		let info = Platforms::<Test>::get(0).expect("exists");
		assert_eq!((info.operators, info.payee), (ops(&[Dave]), None));
	});
}

#[test]
fn errors() {
	with_platforms(|| {
		assert_noop!(
			Consent::update_platform(
				RuntimeOrigin::signed(account(Bob)),
				0,
				None,
				None,
				None,
				None
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consent::update_platform(RuntimeOrigin::root(), 9, None, None, None, None),
			Error::<Test>::PlatformNotFound
		);
	});
}
