//! `unlink_identity`: by the account or the platform's operator; the deposit returns.

use super::*;

#[test]
fn owner_or_operator_unlinks_and_the_deposit_returns() {
	with_platforms(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		assert_ok!(link(bob.clone(), 0, did("a"), Alice));
		assert_ok!(Consent::set_consent(
			RuntimeOrigin::signed(account(Alice)),
			Scope::Identity(did("a")),
			decisions(&[(Purpose::Research, Decision::Allow)])
		));
		assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(account(Alice)), did("a")));
		assert_eq!(held(Bob), 0);
		assert!(IdentityOwner::<Test>::get(did("a")).is_none());
		assert!(!AccountIdentities::<Test>::contains_key(account(Alice)));
		assert_eq!(
			last_event(),
			Event::IdentityUnlinked {
				identity: did("a"),
				account: account(Alice),
				by: account(Alice)
			}
		);
		// Relinking (to someone else) works, with none of the old account's statements for the
		// identity, and the operator may unlink too.
		assert_ok!(link(bob.clone(), 0, did("a"), Dave));
		let relinked = IdentityOwner::<Test>::get(did("a")).expect("linked");
		assert_eq!(relinked.statements, Statements::default());
		assert_ok!(Consent::unlink_identity(bob, did("a")));
	});
}

#[test]
fn errors() {
	with_platforms(|| {
		assert_noop!(
			Consent::unlink_identity(RuntimeOrigin::signed(account(Alice)), did("a")),
			Error::<Test>::NotLinked
		);
		assert_ok!(link(RuntimeOrigin::signed(account(Bob)), 0, did("a"), Alice));
		assert_noop!(
			Consent::unlink_identity(RuntimeOrigin::signed(account(Dave)), did("a")),
			Error::<Test>::NotAllowed
		);
		// Charlie operates another platform.
		assert_noop!(
			Consent::unlink_identity(RuntimeOrigin::signed(account(Charlie)), did("a")),
			Error::<Test>::NotAllowed
		);
	});
}
