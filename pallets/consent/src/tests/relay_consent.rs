//! `relay_consent`: statements signed off chain, relayed by anyone.

use super::*;

fn statement(nonce: u32, expires_at: u64) -> RelayedStatementOf<Test> {
	RelayedStatement {
		account: account(Alice),
		scope: Scope::Account,
		decisions: decisions(&[(Purpose::AiTraining, Decision::Allow)]),
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
		assert_ok!(Consent::link_identity(
			RuntimeOrigin::signed(account(Bob)),
			0,
			did("a"),
			account(Alice)
		));
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
fn errors() {
	linked(|| {
		let bob = RuntimeOrigin::signed(account(Bob));
		let s = statement(0, 10);
		assert_noop!(
			Consent::relay_consent(bob.clone(), s.clone(), sign(Dave, &s)),
			Error::<Test>::BadSignature
		);
		let future = statement(1, 10);
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
