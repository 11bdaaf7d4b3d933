//! `relay_consent`: statements signed off chain, relayed by anyone.

use super::*;

fn statement(nonce: u32, expires_at: u64) -> RelayedStatementOf<Test> {
	RelayedStatement {
		account: account(Alice),
		scope: Scope::Account,
		decisions: decisions(&[(Purpose::AiTraining, Decision::Allow)]),
		restrictions: None,
		nonce,
		expires_at,
	}
}
fn sign(by: sp_keyring::Sr25519Keyring, statement: &RelayedStatementOf<Test>) -> MultiSignature {
	MultiSignature::Sr25519(by.pair().sign(&Consent::relay_payload(statement)))
}
use sp_core::Pair;

fn linked(test: impl FnOnce()) {
	with_platforms(|| {
		link_alices_did();
		test();
	});
}

#[test]
fn a_platform_relays_a_signed_statement_once() {
	linked(|| {
		let s = statement(0, 10);
		let signature = sign(Alice, &s);
		assert_ok!(Consent::relay_consent(
			RuntimeOrigin::signed(account(Bob)),
			s.clone(),
			signature.clone()
		));
		assert_eq!(
			last_event(),
			Event::ConsentRelayed { account: account(Alice), relayer: account(Bob), nonce: 0 }
		);
		assert!(Consent::allowed_purposes(&account(Alice), &did("a")).contains(Purpose::AiTraining));
		assert_eq!(RelayNonce::<Test>::get(account(Alice)), 1);
		// The same statement again is a replay.
		assert_noop!(
			Consent::relay_consent(RuntimeOrigin::signed(account(Bob)), s, signature),
			Error::<Test>::BadNonce
		);
	});
}

#[test]
fn a_relayed_statement_may_carry_restrictions_alone_or_with_decisions() {
	linked(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		let refused: BoundedVec<_, _> = vec![Restriction::NoCommercialUse].try_into().expect("one");
		let mut s = statement(0, 10);
		s.restrictions = Some(Restrictions { refused: refused.clone(), min_price: 2 });
		assert_ok!(Consent::relay_consent(bob.clone(), s.clone(), sign(Alice, &s)));
		let consent = Consent::linked_consent(&did("a")).expect("linked").consent;
		assert!(consent.purposes.contains(Purpose::AiTraining));
		assert_eq!(consent.restrictions, RestrictionSet::EMPTY.with(Restriction::NoCommercialUse));
		assert_eq!(consent.min_price, 2);
		System::assert_has_event(
			Event::RestrictionsChanged {
				account: account(Alice),
				scope: Scope::Account,
				restrictions: RestrictionSet::EMPTY.with(Restriction::NoCommercialUse),
				min_price: 2,
			}
			.into(),
		);

		// Restrictions alone.
		let mut alone = statement(1, 10);
		alone.decisions = decisions(&[]);
		alone.restrictions = Some(Restrictions { refused: Default::default(), min_price: 0 });
		assert_ok!(Consent::relay_consent(bob.clone(), alone.clone(), sign(Alice, &alone)));
		let consent = Consent::linked_consent(&did("a")).expect("linked").consent;
		assert_eq!((consent.restrictions, consent.min_price), (RestrictionSet::EMPTY, 0));

		// Nothing at all, and a bad tier, are refused before anything changes.
		let mut empty = statement(2, 10);
		empty.decisions = decisions(&[]);
		assert_noop!(
			Consent::relay_consent(bob.clone(), empty.clone(), sign(Alice, &empty)),
			Error::<Test>::NoDecisions
		);
		let mut bad = statement(2, 10);
		bad.restrictions = Some(Restrictions { refused, min_price: 4 });
		assert_noop!(
			Consent::relay_consent(bob, bad.clone(), sign(Alice, &bad)),
			Error::<Test>::BadPriceTier
		);
	});
}

#[test]
fn errors() {
	linked(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		let s = statement(0, 10);
		assert_noop!(
			Consent::relay_consent(bob.clone(), s.clone(), sign(Dave, &s)),
			Error::<Test>::BadSignature
		);
		let future = statement(RELAY_NONCE_WINDOW, 10);
		assert_noop!(
			Consent::relay_consent(bob.clone(), future.clone(), sign(Alice, &future)),
			Error::<Test>::BadNonce
		);
		System::set_block_number(11);
		assert_noop!(
			Consent::relay_consent(bob.clone(), s.clone(), sign(Alice, &s)),
			Error::<Test>::StatementExpired
		);
		// A signature for another chain does not verify here.
		let s = statement(0, 20);
		let signature = sign(Alice, &s);
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(9));
		assert_noop!(Consent::relay_consent(bob, s, signature), Error::<Test>::BadSignature);
	});
}

/// A statement cannot be signed to last for years: it must expire within `MaxRelayValidity`
/// (1,000 blocks in the mock) of the block that includes it.
#[test]
fn a_relayed_statement_expires_within_the_bound() {
	linked(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		let far = statement(0, 1 + 1_001);
		assert_noop!(
			Consent::relay_consent(bob.clone(), far.clone(), sign(Alice, &far)),
			Error::<Test>::ExpiryTooFar
		);
		let limit = statement(0, 1 + 1_000);
		assert_ok!(Consent::relay_consent(bob, limit.clone(), sign(Alice, &limit)));
	});
}

/// The attack: a platform holds an opt-in the person signed earlier and relays it after the
/// person withdrew directly. The person's own later word wins: `set_consent` and
/// `withdraw_consent` make every statement signed before unrelayable.
#[test]
fn a_direct_statement_invalidates_earlier_signed_ones() {
	linked(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		let alice = RuntimeOrigin::signed(account(Alice));
		let held = statement(0, 100);
		let signature = sign(Alice, &held);
		assert_ok!(Consent::withdraw_consent(alice.clone()));
		assert_noop!(
			Consent::relay_consent(bob.clone(), held.clone(), signature.clone()),
			Error::<Test>::BadNonce
		);
		assert!(Consent::allowed_purposes(&account(Alice), &did("a")).is_empty());

		let held = statement(RELAY_NONCE_WINDOW, 100);
		let signature = sign(Alice, &held);
		assert_ok!(Consent::set_consent(
			alice,
			Scope::Account,
			decisions(&[(Purpose::Research, Decision::Allow)])
		));
		assert_noop!(Consent::relay_consent(bob, held, signature), Error::<Test>::BadNonce);
		assert_eq!(RelayNonce::<Test>::get(account(Alice)), 2 * RELAY_NONCE_WINDOW);
	});
}

/// Wallets sign raw messages wrapped in `<Bytes>`: a statement signed so is the account's too.
#[test]
fn a_wallets_wrapped_signature_is_relayed() {
	linked(|| {
		let s = statement(0, 10);
		let wrapped = licentia_primitives::signed::wrapped(&Consent::relay_payload(&s));
		let signature = MultiSignature::Sr25519(Alice.pair().sign(&wrapped));
		assert_ok!(Consent::relay_consent(RuntimeOrigin::signed(account(Bob)), s, signature));
		assert!(Consent::allowed_purposes(&account(Alice), &did("a")).contains(Purpose::AiTraining));
	});
}

/// The attack: a person signs an opt-in, then changes their mind and signs a withdrawal before
/// either is relayed. Numbered in order, whichever order a relayer submits them in, the opt-in
/// never takes effect after the withdrawal; and a statement the person makes itself voids both.
#[test]
fn a_relayer_cannot_have_an_older_statement_follow_a_newer_one() {
	linked(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		let opt_in = statement(0, 100);
		let mut withdrawal = statement(1, 100);
		withdrawal.decisions = decisions(&[(Purpose::AiTraining, Decision::Deny)]);
		let (opt_in_signature, withdrawal_signature) =
			(sign(Alice, &opt_in), sign(Alice, &withdrawal));

		assert_ok!(Consent::relay_consent(bob.clone(), withdrawal.clone(), withdrawal_signature));
		assert_noop!(
			Consent::relay_consent(bob.clone(), opt_in.clone(), opt_in_signature.clone()),
			Error::<Test>::BadNonce
		);
		assert!(Consent::allowed_purposes(&account(Alice), &did("a")).is_empty());
		assert_eq!(RelayNonce::<Test>::get(account(Alice)), 2);

		// Signed in order and relayed in order, the newer wins too; a gap is fine.
		let opt_in = statement(2, 100);
		let later = statement(5, 100);
		assert_ok!(Consent::relay_consent(bob.clone(), opt_in.clone(), sign(Alice, &opt_in)));
		assert_eq!(RelayNonce::<Test>::get(account(Alice)), 3);
		// The person states something itself: the signed statement it has not seen relayed is
		// void.
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(account(Alice))));
		assert_noop!(
			Consent::relay_consent(bob, later.clone(), sign(Alice, &later)),
			Error::<Test>::BadNonce
		);
	});
}
