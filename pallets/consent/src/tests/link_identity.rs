//! `link_identity`: an operator attests an identity of its platform's kind.

use super::*;

#[test]
fn operator_attests_and_deposit_is_held() {
	with_platforms(|| {
		assert_ok!(link(RuntimeOrigin::signed(account(Bob)), 0, did("abc"), Alice));
		assert_eq!(IdentityOwner::<Test>::get(did("abc")).map(|l| l.account), Some(account(Alice)));
		assert_eq!(AccountIdentities::<Test>::get(account(Alice)).into_inner(), vec![did("abc")]);
		assert_eq!(held(Bob), 10);
		assert_eq!(
			last_event(),
			Event::IdentityLinked { identity: did("abc"), account: account(Alice), platform: 0 }
		);
		assert_ok!(link(
			RuntimeOrigin::signed(account(Charlie)),
			1,
			masto("alice@mastodon.social"),
			Alice
		));
		assert_ok!(link(RuntimeOrigin::signed(account(Bob)), 3, Identity::X(44196397), Alice));
	});
}

#[test]
fn errors() {
	with_platforms(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		assert_noop!(link(bob.clone(), 9, did("a"), Alice), Error::<Test>::PlatformNotFound);
		assert_noop!(
			link(RuntimeOrigin::signed(account(Alice)), 0, did("a"), Alice),
			Error::<Test>::NotOperator
		);
		assert_noop!(link(bob.clone(), 0, Identity::X(1), Alice), Error::<Test>::KindMismatch);
		assert_noop!(
			link(bob.clone(), 0, Identity::Nostr([1; 32]), Alice),
			Error::<Test>::NostrLinksItself
		);
		assert_noop!(
			link(bob.clone(), 0, Identity::Bluesky(handle("did:key:zabc")), Alice),
			Error::<Test>::MalformedIdentity
		);
		assert_noop!(
			link(RuntimeOrigin::signed(account(Charlie)), 1, masto("alice@fosstodon.org"), Alice),
			Error::<Test>::InstanceMismatch
		);
		assert_ok!(link(bob.clone(), 0, did("a"), Alice));
		assert_noop!(link(bob.clone(), 0, did("a"), Dave), Error::<Test>::AlreadyLinked);
		assert_ok!(link(bob.clone(), 0, did("b"), Alice));
		assert_ok!(link(bob.clone(), 0, did("c"), Alice));
		assert_noop!(link(bob.clone(), 0, did("d"), Alice), Error::<Test>::TooManyIdentities);
		suspend(0);
		assert_noop!(link(bob, 0, did("e"), Dave), Error::<Test>::PlatformSuspended);
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
		assert!(link(RuntimeOrigin::signed(account(Eve)), 0, did("a"), Alice).is_err());
		assert!(IdentityOwner::<Test>::get(did("a")).is_none(), "nothing is stored");
		assert!(AccountIdentities::<Test>::get(account(Alice)).is_empty());
	});
}

/// The attack: an operator fills an account's identity slots, or attaches identities it never
/// had, without the account. Every link needs the account's signature, for this platform and
/// this identity, and an unlink voids what the account accepted before.
#[test]
fn a_link_needs_the_accounts_acceptance_of_that_identity_once() {
	with_platforms(|| {
		let bob = || RuntimeOrigin::signed(account(Bob));
		// Signed by someone else, or for another identity or platform.
		let (acceptance, by_dave) = accept(0, &did("a"), Dave);
		assert_noop!(
			Consent::link_identity(bob(), 0, did("a"), account(Alice), acceptance, by_dave),
			Error::<Test>::BadSignature
		);
		let (acceptance, other_identity) = accept(0, &did("b"), Alice);
		assert_noop!(
			Consent::link_identity(bob(), 0, did("a"), account(Alice), acceptance, other_identity),
			Error::<Test>::BadSignature
		);
		let (acceptance, other_platform) = accept(3, &did("a"), Alice);
		assert_noop!(
			Consent::link_identity(bob(), 0, did("a"), account(Alice), acceptance, other_platform),
			Error::<Test>::BadSignature
		);

		// Two acceptances signed at once serve in any order; after an unlink, neither links
		// anything again.
		let (first, first_signature) = accept(0, &did("a"), Alice);
		let (second, second_signature) = accept(0, &did("b"), Alice);
		assert_ok!(Consent::link_identity(
			bob(),
			0,
			did("b"),
			account(Alice),
			second.clone(),
			second_signature.clone()
		));
		assert_ok!(Consent::link_identity(
			bob(),
			0,
			did("a"),
			account(Alice),
			first.clone(),
			first_signature.clone()
		));
		assert_eq!(RelayNonce::<Test>::get(account(Alice)), 0);
		assert_ok!(Consent::unlink_identity(bob(), did("a")));
		assert_eq!(RelayNonce::<Test>::get(account(Alice)), RELAY_NONCE_WINDOW);
		assert_noop!(
			Consent::link_identity(bob(), 0, did("a"), account(Alice), first, first_signature),
			Error::<Test>::BadNonce
		);
	});
}

#[test]
fn an_acceptance_expires_and_may_not_be_valid_for_long() {
	with_platforms(|| {
		System::set_block_number(20);
		let sign = |acceptance: LinkAcceptance<u64>| {
			let payload = Consent::link_payload(0, &did("a"), &acceptance);
			MultiSignature::Sr25519(Alice.sign(&payload))
		};
		for (expires_at, error) in [
			(19, Error::<Test>::StatementExpired),
			(
				20 + <<Test as Config>::MaxRelayValidity as frame_support::traits::Get<u64>>::get()
					+ 1,
				Error::<Test>::ExpiryTooFar,
			),
		] {
			let acceptance = LinkAcceptance { nonce: 0, expires_at };
			assert_noop!(
				Consent::link_identity(
					RuntimeOrigin::signed(account(Bob)),
					0,
					did("a"),
					account(Alice),
					acceptance.clone(),
					sign(acceptance)
				),
				error
			);
		}
	});
}

/// Wallets sign raw messages wrapped in `<Bytes>`: such a signature is the account's too.
#[test]
fn a_wallets_wrapped_signature_is_accepted() {
	with_platforms(|| {
		let acceptance = LinkAcceptance { nonce: 0, expires_at: 5 };
		let payload = Consent::link_payload(0, &did("a"), &acceptance);
		let wrapped = licentia_primitives::signed::wrapped(&payload);
		let signature = MultiSignature::Sr25519(Alice.sign(&wrapped));
		assert_ok!(Consent::link_identity(
			RuntimeOrigin::signed(account(Bob)),
			0,
			did("a"),
			account(Alice),
			acceptance,
			signature
		));
	});
}
