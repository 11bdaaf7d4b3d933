//! A person's consent on the real `licentia-node --dev` (issue 31): someone with no funds at all
//! withdraws and unlinks, free of fees, and the operator of their platform cannot give their
//! identity to another account after they withdrew.

use licentia_harness::*;
use licentia_primitives::consent::{Identity, PlatformId, Purpose};
use licentia_runtime::{Runtime, RuntimeCall, RuntimeEvent};
use pallet_consent::Event as ConsentEvent;
use sp_keyring::Sr25519Keyring::{Bob, Dave, One, Two};
use sp_runtime::DispatchError;

/// The development chain's X platform, operated by Dave.
const X: PlatformId = 3;

fn consent(call: pallet_consent::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Consent(call)
}

/// Whether `events` show the transaction's fee skipped (`SkipFeelessPayment.FeeSkipped`).
fn fee_skipped(events: &[RuntimeEvent]) -> bool {
	events.iter().any(|e| matches!(e, RuntimeEvent::SkipFeelessPayment(_)))
}

#[test]
fn a_person_without_funds_leaves_and_no_operator_takes_their_identity() {
	let mut node = Node::start("consent", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let (one, two) = (One.to_account_id(), Two.to_account_id());
	assert_eq!(node.free_balance(&one), 0, "One holds nothing on the development chain");
	let (x_one, x_two) = (Identity::X(7_001), Identity::X(7_002));

	// Dave, X's operator, links an X id to each of One and Two (each accepted); One's opt-in is
	// signed off chain and relayed by Bob.
	node.submit_all(vec![
		(Dave, accepted_link(X, x_one.clone(), &One.pair(), 0, genesis)),
		(Dave, accepted_link(X, x_two.clone(), &Two.pair(), 0, genesis)),
		(Bob, relayed_opt_in(&One.pair(), genesis)),
	]);
	let allowed = |node: &Node, identity: &Identity| {
		node.runtime_call::<Option<(licentia_runtime::AccountId, licentia_primitives::runtime_api::IdentityConsent)>>(
			"ConsentApi_identity_consent",
			identity,
		)
		.map(|(_, view)| view.allowed)
	};
	assert!(allowed(&node, &x_one).is_some_and(|a| a.contains(Purpose::AiTraining)));

	// One withdraws with no funds: the link gave it an account, the withdrawal is free.
	let withdrawn =
		node.submit_all(vec![(One, consent(pallet_consent::Call::withdraw_consent {}))]);
	assert!(fee_skipped(&withdrawn[0].1), "free of fees: {:?}", withdrawn[0].1);
	assert!(allowed(&node, &x_one).is_some_and(|a| a.is_empty()));

	// The attack: Dave unlinks One's X id and links it to himself, with his own acceptance.
	let unlinked = node.submit_all(vec![(
		Dave,
		consent(pallet_consent::Call::unlink_identity { identity: x_one.clone() }),
	)]);
	find(&unlinked[0].1, |e| match e {
		RuntimeEvent::Consent(ConsentEvent::IdentityHeld { identity, account })
			if identity == &x_one && account == &one =>
		{
			Some(())
		},
		_ => None,
	});
	let taken = node.submit_all_outcomes(vec![(
		Dave,
		accepted_link(X, x_one.clone(), &Dave.pair(), 0, genesis),
	)]);
	assert_eq!(
		dispatch_error(&taken[0].1),
		Some(DispatchError::from(pallet_consent::Error::<Runtime>::IdentityHeld))
	);
	assert_eq!(allowed(&node, &x_one), None, "linked to nobody: nothing allowed");

	// Two, with no funds either, unlinks its own identity, free of fees.
	let left = node.submit_all(vec![(
		Two,
		consent(pallet_consent::Call::unlink_identity { identity: x_two.clone() }),
	)]);
	assert!(fee_skipped(&left[0].1), "free of fees: {:?}", left[0].1);
	assert_eq!(allowed(&node, &x_two), None);
	assert_eq!(node.free_balance(&two), 0);
}
