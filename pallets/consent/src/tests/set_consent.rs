//! `set_consent` and `withdraw_consent`: the most restrictive statement wins.

use super::*;

fn linked(test: impl FnOnce()) {
	with_platforms(|| {
		link_alices_did();
		assert_ok!(link(RuntimeOrigin::signed(account(Bob)), 3, Identity::X(7), Alice));
		test();
	});
}

#[test]
fn most_restrictive_statement_wins_across_scopes() {
	linked(|| {
		let alice = RuntimeOrigin::signed(account(Alice));
		assert_ok!(Consent::set_consent(
			alice.clone(),
			Scope::Account,
			decisions(&[
				(Purpose::AiTraining, Decision::Allow),
				(Purpose::Research, Decision::Allow)
			])
		));
		assert_eq!(
			last_event(),
			Event::ConsentChanged {
				account: account(Alice),
				scope: Scope::Account,
				allowed: PurposeSet::EMPTY.with(Purpose::AiTraining).with(Purpose::Research),
				denied: PurposeSet::EMPTY,
			}
		);
		assert_ok!(Consent::set_consent(
			alice,
			Scope::Identity(Identity::X(7)),
			decisions(&[(Purpose::AiTraining, Decision::Deny)])
		));
		let bluesky = Consent::allowed_purposes(&account(Alice), &did("a"));
		let x = Consent::allowed_purposes(&account(Alice), &Identity::X(7));
		assert!(bluesky.contains(Purpose::AiTraining) && bluesky.contains(Purpose::Research));
		assert!(!x.contains(Purpose::AiTraining), "the identity's deny wins");
		assert!(x.contains(Purpose::Research));
		assert!(!x.contains(Purpose::SearchIndexing), "unset is not allowed");
		// Someone else asking about Alice's identity gets nothing.
		assert_eq!(Consent::allowed_purposes(&account(Dave), &did("a")), PurposeSet::EMPTY);
	});
}

#[test]
fn withdrawal_takes_effect_at_once() {
	linked(|| {
		let alice = RuntimeOrigin::signed(account(Alice));
		assert_ok!(Consent::set_consent(
			alice.clone(),
			Scope::Identity(did("a")),
			decisions(&[(Purpose::AiTraining, Decision::Allow)])
		));
		assert!(Consent::allowed_purposes(&account(Alice), &did("a")).contains(Purpose::AiTraining));
		assert_ok!(Consent::withdraw_consent(alice));
		assert_eq!(Consent::allowed_purposes(&account(Alice), &did("a")), PurposeSet::EMPTY);
		assert_eq!(AccountConsent::<Test>::get(account(Alice)).denied, PurposeSet::ALL);
	});
}

#[test]
fn errors() {
	linked(|| {
		let alice = RuntimeOrigin::signed(account(Alice));
		let dave = RuntimeOrigin::signed(account(Dave));
		let allow = decisions(&[(Purpose::Research, Decision::Allow)]);
		assert_noop!(
			Consent::set_consent(alice.clone(), Scope::Account, decisions(&[])),
			Error::<Test>::NoDecisions
		);
		assert_noop!(
			Consent::set_consent(
				alice.clone(),
				Scope::Account,
				decisions(&[
					(Purpose::Research, Decision::Allow),
					(Purpose::Research, Decision::Deny)
				])
			),
			Error::<Test>::DuplicatePurpose
		);
		assert_noop!(
			Consent::set_consent(dave.clone(), Scope::Account, allow.clone()),
			Error::<Test>::NoIdentity
		);
		assert_noop!(Consent::withdraw_consent(dave.clone()), Error::<Test>::NoIdentity);
		assert_noop!(
			Consent::set_consent(dave, Scope::Identity(did("a")), allow.clone()),
			Error::<Test>::NotYourIdentity
		);
		assert_noop!(
			Consent::set_consent(alice, Scope::Identity(did("zzz")), allow),
			Error::<Test>::NotLinked
		);
	});
}
