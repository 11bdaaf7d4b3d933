//! `register_terms`: validation, one record per distinct terms, the deposit.

use super::*;

#[test]
fn stores_terms_once_and_holds_a_deposit() {
	run(|| {
		let who = Setup::account(1);
		let t = terms(&[TRAINING]);
		assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(who.clone()), t.clone()));
		assert_eq!(TermsOf::<Test>::get(0).map(|r| r.terms), Some(t.clone()));
		assert_eq!(TermsByHash::<Test>::get(t.hash()), Some(0));
		assert_eq!(free(&who), 1_000_000_000 - 5);
		System::assert_last_event(
			Event::TermsRegistered { terms: 0, hash: t.hash(), by: who.clone() }.into(),
		);
		assert_noop!(
			Licensing::register_terms(RuntimeOrigin::signed(who), t),
			Error::<Test>::TermsExist
		);
	});
}

#[test]
fn rejects_malformed_terms() {
	run(|| {
		let who = RuntimeOrigin::signed(Setup::account(1));
		assert_noop!(Licensing::register_terms(who.clone(), terms(&[])), Error::<Test>::NoPurpose);
		let mut unknown = terms(&[TRAINING]);
		unknown.purposes = PurposeSet(0b1000_0001);
		assert_noop!(Licensing::register_terms(who.clone(), unknown), Error::<Test>::NoPurpose);
		for duration in [0, 1_001] {
			let mut t = terms(&[TRAINING]);
			t.duration = duration;
			assert_noop!(Licensing::register_terms(who.clone(), t), Error::<Test>::BadDuration);
		}
		let mut t = terms(&[TRAINING]);
		t.record_cap = Some(0);
		assert_noop!(Licensing::register_terms(who, t), Error::<Test>::ZeroCap);
		assert_noop!(
			Licensing::register_terms(RuntimeOrigin::none(), terms(&[TRAINING])),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn needs_the_deposit() {
	run(|| {
		let poor = AccountId::new([9; 32]);
		assert_noop!(
			Licensing::register_terms(RuntimeOrigin::signed(poor), terms(&[TRAINING])),
			TokenError::FundsUnavailable
		);
	});
}
