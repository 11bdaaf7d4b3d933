//! `set_consent`, `set_restrictions` and `withdraw_consent`: the most restrictive statement
//! wins.

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

fn restrictions(refused: &[Restriction], min_price: PriceTier) -> Restrictions {
	Restrictions { refused: refused.to_vec().try_into().expect("few"), min_price }
}

#[test]
fn restrictions_replace_the_scopes_and_add_up_across_scopes() {
	linked(|| {
		let alice = RuntimeOrigin::signed(account(Alice));
		assert_ok!(Consent::set_consent(
			alice.clone(),
			Scope::Account,
			decisions(&[(Purpose::AiTraining, Decision::Allow)])
		));
		let nonce = RelayNonce::<Test>::get(account(Alice));
		assert_ok!(Consent::set_restrictions(
			alice.clone(),
			Scope::Account,
			restrictions(&[Restriction::NoCommercialUse, Restriction::NoRedistribution], 1)
		));
		assert_eq!(
			RelayNonce::<Test>::get(account(Alice)),
			nonce + RELAY_NONCE_WINDOW,
			"relayed ones void"
		);
		let both = RestrictionSet::EMPTY
			.with(Restriction::NoCommercialUse)
			.with(Restriction::NoRedistribution);
		assert_eq!(
			last_event(),
			Event::RestrictionsChanged {
				account: account(Alice),
				scope: Scope::Account,
				restrictions: both,
				min_price: 1,
			}
		);
		// The identity's restrictions add to the account's; its higher minimum wins.
		assert_ok!(Consent::set_restrictions(
			alice.clone(),
			Scope::Identity(Identity::X(7)),
			restrictions(&[Restriction::AnonymisationRequired], 3)
		));
		let x = Consent::linked_consent(&Identity::X(7)).expect("linked").consent;
		assert_eq!(x.restrictions, both.with(Restriction::AnonymisationRequired));
		assert_eq!(x.min_price, 3);
		let bluesky = Consent::linked_consent(&did("a")).expect("linked").consent;
		assert_eq!((bluesky.restrictions, bluesky.min_price), (both, 1));
		// Purposes are untouched by restrictions.
		assert!(bluesky.purposes.contains(Purpose::AiTraining));

		// A new statement replaces the scope's: none refused, no minimum.
		assert_ok!(Consent::set_restrictions(alice, Scope::Account, restrictions(&[], 0)));
		let bluesky = Consent::linked_consent(&did("a")).expect("linked").consent;
		assert_eq!((bluesky.restrictions, bluesky.min_price), (RestrictionSet::EMPTY, 0));
		let view = Consent::api_identity_consent(&Identity::X(7)).expect("linked").1;
		assert_eq!(
			(view.restrictions, view.min_price),
			(RestrictionSet::EMPTY.with(Restriction::AnonymisationRequired), 3)
		);
	});
}

#[test]
fn restriction_errors() {
	linked(|| {
		let alice = RuntimeOrigin::signed(account(Alice));
		let dave = RuntimeOrigin::signed(account(Dave));
		assert_noop!(
			Consent::set_restrictions(
				alice.clone(),
				Scope::Account,
				restrictions(&[Restriction::NoModelWeights, Restriction::NoModelWeights], 0)
			),
			Error::<Test>::DuplicateRestriction
		);
		assert_noop!(
			Consent::set_restrictions(alice.clone(), Scope::Account, restrictions(&[], 4)),
			Error::<Test>::BadPriceTier
		);
		assert_noop!(
			Consent::set_restrictions(dave.clone(), Scope::Account, restrictions(&[], 1)),
			Error::<Test>::NoIdentity
		);
		assert_noop!(
			Consent::set_restrictions(dave, Scope::Identity(did("a")), restrictions(&[], 1)),
			Error::<Test>::NotYourIdentity
		);
		assert_noop!(
			Consent::set_restrictions(alice, Scope::Identity(did("zz")), restrictions(&[], 1)),
			Error::<Test>::NotLinked
		);
		assert_noop!(
			Consent::set_restrictions(RuntimeOrigin::none(), Scope::Account, restrictions(&[], 1)),
			DispatchError::BadOrigin
		);
	});
}
