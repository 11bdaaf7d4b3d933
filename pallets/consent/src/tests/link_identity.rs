//! `link_identity`: an operator attests an identity of its platform's kind.

use super::*;

#[test]
fn operator_attests_and_deposit_is_held() {
	with_platforms(|| {
		assert_ok!(Consent::link_identity(
			RuntimeOrigin::signed(account(Bob)),
			0,
			did("abc"),
			account(Alice)
		));
		assert_eq!(IdentityOwner::<Test>::get(did("abc")).map(|l| l.account), Some(account(Alice)));
		assert_eq!(AccountIdentities::<Test>::get(account(Alice)).into_inner(), vec![did("abc")]);
		assert_eq!(held(Bob), 10);
		assert_eq!(
			last_event(),
			Event::IdentityLinked { identity: did("abc"), account: account(Alice), platform: 0 }
		);
		assert_ok!(Consent::link_identity(
			RuntimeOrigin::signed(account(Charlie)),
			1,
			masto("alice@mastodon.social"),
			account(Alice)
		));
		assert_ok!(Consent::link_identity(
			RuntimeOrigin::signed(account(Bob)),
			3,
			Identity::X(44196397),
			account(Alice)
		));
	});
}

#[test]
fn errors() {
	with_platforms(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		assert_noop!(
			Consent::link_identity(bob.clone(), 9, did("a"), account(Alice)),
			Error::<Test>::PlatformNotFound
		);
		assert_noop!(
			Consent::link_identity(
				RuntimeOrigin::signed(account(Alice)),
				0,
				did("a"),
				account(Alice)
			),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Consent::link_identity(bob.clone(), 0, Identity::X(1), account(Alice)),
			Error::<Test>::KindMismatch
		);
		assert_noop!(
			Consent::link_identity(bob.clone(), 0, Identity::Nostr([1; 32]), account(Alice)),
			Error::<Test>::NostrLinksItself
		);
		assert_noop!(
			Consent::link_identity(
				bob.clone(),
				0,
				Identity::Bluesky(handle("did:key:zabc")),
				account(Alice)
			),
			Error::<Test>::MalformedIdentity
		);
		assert_noop!(
			Consent::link_identity(
				RuntimeOrigin::signed(account(Charlie)),
				1,
				masto("alice@fosstodon.org"),
				account(Alice)
			),
			Error::<Test>::InstanceMismatch
		);
		assert_ok!(Consent::link_identity(bob.clone(), 0, did("a"), account(Alice)));
		assert_noop!(
			Consent::link_identity(bob.clone(), 0, did("a"), account(Dave)),
			Error::<Test>::AlreadyLinked
		);
		assert_ok!(Consent::link_identity(bob.clone(), 0, did("b"), account(Alice)));
		assert_ok!(Consent::link_identity(bob.clone(), 0, did("c"), account(Alice)));
		assert_noop!(
			Consent::link_identity(bob.clone(), 0, did("d"), account(Alice)),
			Error::<Test>::TooManyIdentities
		);
		suspend(0);
		assert_noop!(
			Consent::link_identity(bob, 0, did("e"), account(Dave)),
			Error::<Test>::PlatformSuspended
		);
	});
}

#[test]
fn an_operator_without_funds_cannot_pay_the_deposit() {
	with_platforms(|| {
		assert_ok!(Consent::update_platform(
			RuntimeOrigin::root(),
			0,
			Some(ops(&[Eve])),
			None,
			None,
			None
		));
		assert!(Consent::link_identity(
			RuntimeOrigin::signed(account(Eve)),
			0,
			did("a"),
			account(Alice)
		)
		.is_err());
		assert!(IdentityOwner::<Test>::get(did("a")).is_none(), "nothing is stored");
		assert!(AccountIdentities::<Test>::get(account(Alice)).is_empty());
	});
}
