//! `unlink_identity`: by the account (the identity is free, the deposit returns) or the
//! platform's operator (the identity is held for the account); `release_identity` ends a hold.

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
		// Unlinked by its account, the identity is free: relinking it to someone else works,
		// with none of the old account's statements for the identity.
		assert!(!HeldIdentities::<Test>::contains_key(did("a")));
		assert_ok!(link(bob.clone(), 0, did("a"), Dave));
		let relinked = IdentityOwner::<Test>::get(did("a")).expect("linked");
		assert_eq!(relinked.statements, Statements::default());
		// The operator may unlink too: then the identity is held for Dave.
		assert_ok!(Consent::unlink_identity(bob, did("a")));
		assert_eq!(
			last_event(),
			Event::IdentityHeld { identity: did("a"), account: account(Dave) }
		);
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

/// The attack (issue 31): after Alice withdraws, the platform's operator unlinks her X id and
/// links it to its own account, to have her posts allowed and paid to it. The identity is held
/// for Alice: no other account can be attested for it, and her posts stay out.
#[test]
fn an_operator_cannot_give_a_withdrawn_identity_to_another_account() {
	with_platforms(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		let x = Identity::X(7);
		assert_ok!(link(bob.clone(), 3, x.clone(), Alice));
		let alice = RuntimeOrigin::signed(account(Alice));
		assert_ok!(Consent::set_consent(
			alice.clone(),
			Scope::Account,
			decisions(&[(Purpose::AiTraining, Decision::Allow)])
		));
		assert_ok!(Consent::withdraw_consent(alice));

		assert_ok!(Consent::unlink_identity(bob.clone(), x.clone()));
		for to in [Bob, Dave] {
			assert_noop!(link(bob.clone(), 3, x.clone(), to), Error::<Test>::IdentityHeld);
		}
		assert_eq!(Consent::linked_consent(&x), None, "nobody's posts: nothing allowed");
		// The deposit stays held with the hold.
		assert_eq!(held(Bob), 10);

		// Linked again to Alice (with her acceptance), her withdrawal still binds.
		assert_ok!(link(bob, 3, x.clone(), Alice));
		assert!(Consent::allowed_purposes(&account(Alice), &x).is_empty());
		assert!(!HeldIdentities::<Test>::contains_key(&x));
		assert_eq!(held(Bob), 10, "the old deposit returned, the new one is held");
	});
}

/// Linked again to its account, a held identity gets back the statements it had for itself.
#[test]
fn a_held_identity_comes_back_with_its_statements() {
	with_platforms(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		assert_ok!(link(bob.clone(), 0, did("a"), Alice));
		let alice = RuntimeOrigin::signed(account(Alice));
		assert_ok!(Consent::set_consent(
			alice.clone(),
			Scope::Account,
			decisions(&[(Purpose::Research, Decision::Allow)])
		));
		// Research allowed for all her identities, denied for this one.
		assert_ok!(Consent::set_consent(
			alice,
			Scope::Identity(did("a")),
			decisions(&[(Purpose::Research, Decision::Deny)])
		));
		let before = IdentityOwner::<Test>::get(did("a")).expect("linked").statements;
		assert_ok!(Consent::unlink_identity(bob.clone(), did("a")));
		assert_ok!(link(bob, 0, did("a"), Alice));
		assert_eq!(IdentityOwner::<Test>::get(did("a")).expect("linked").statements, before);
		assert!(Consent::allowed_purposes(&account(Alice), &did("a")).is_empty());
	});
}

#[test]
fn the_account_or_governance_releases_a_hold() {
	with_platforms(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		for name in ["a", "b"] {
			assert_ok!(link(bob.clone(), 0, did(name), Alice));
			assert_ok!(Consent::unlink_identity(bob.clone(), did(name)));
		}
		assert_eq!(held(Bob), 20);
		assert_noop!(
			Consent::release_identity(RuntimeOrigin::signed(account(Bob)), did("a")),
			Error::<Test>::NotAllowed
		);
		assert_ok!(Consent::release_identity(RuntimeOrigin::signed(account(Alice)), did("a")));
		assert_eq!(
			last_event(),
			Event::IdentityReleased {
				identity: did("a"),
				account: account(Alice),
				by: Some(account(Alice))
			}
		);
		assert_ok!(Consent::release_identity(RuntimeOrigin::root(), did("b")));
		assert_eq!(
			last_event(),
			Event::IdentityReleased { identity: did("b"), account: account(Alice), by: None }
		);
		assert_eq!(held(Bob), 0);
		// Released, the identity may be attested to another account.
		assert_ok!(link(bob, 0, did("a"), Dave));
		assert_noop!(
			Consent::release_identity(RuntimeOrigin::signed(account(Alice)), did("b")),
			Error::<Test>::NotHeld
		);
		assert_noop!(
			Consent::release_identity(RuntimeOrigin::none(), did("b")),
			DispatchError::BadOrigin
		);
	});
}

/// Eve holds nothing. Her link provides for her account, so that she can sign the free calls
/// (withdraw, unlink); unlinking her last identity leaves nothing of it.
#[test]
fn a_link_provides_for_its_account_and_leaving_is_free() {
	with_platforms(|| {
		assert!(!System::account_exists(&account(Eve)));
		assert_ok!(link(RuntimeOrigin::signed(account(Bob)), 0, did("e"), Eve));
		assert!(System::account_exists(&account(Eve)));

		// A withdrawal is free while it changes something, an unlink for the account only.
		assert!(!Consent::withdrawal_is_free(&account(Alice)), "no identity: nothing to change");
		assert!(Consent::withdrawal_is_free(&account(Eve)));
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(account(Eve))));
		assert!(!Consent::withdrawal_is_free(&account(Eve)), "withdrawn already");
		assert!(Consent::owns(&account(Eve), &did("e")));
		assert!(!Consent::owns(&account(Bob), &did("e")));

		assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(account(Eve)), did("e")));
		assert_eq!(System::providers(&account(Eve)), 0);
		assert_eq!(System::providers(&account(Alice)), 1, "her balance's only");
	});
}
