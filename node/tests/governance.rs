//! The council governs a running chain: a two-thirds motion registers a platform (one member
//! alone cannot), spends from the treasury, and authorizes a runtime upgrade through the
//! whitelist, which dispatches it as Root. On the development chain, whose council is Alice,
//! Bob and Charlie.

use codec::Encode;
use frame_support::dispatch::GetDispatchInfo;
use licentia_harness::*;
use licentia_primitives::consent::PlatformKind;
use licentia_runtime::{Balance, Hash, Runtime, RuntimeCall, RuntimeEvent, MILLI_UNIT};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Ferdie};
use sp_runtime::{traits::Hash as _, DispatchError, Perbill};
use std::time::Duration;

type CouncilEvent = pallet_collective::Event<Runtime, pallet_collective::Instance1>;

fn council(call: pallet_collective::Call<Runtime, pallet_collective::Instance1>) -> RuntimeCall {
	RuntimeCall::Council(call)
}

/// Alice proposes `call` with `threshold`; when the threshold is above one, Alice and Bob vote
/// aye and Charlie closes the motion. Returns the events of the call's execution and its result.
fn motion(
	node: &mut Node,
	threshold: u32,
	call: RuntimeCall,
) -> (Vec<RuntimeEvent>, Result<(), DispatchError>) {
	let length_bound = call.encoded_size() as u32;
	let proposal_weight_bound = call.get_dispatch_info().call_weight;
	let proposed = node.submit_all(vec![(
		Alice,
		council(pallet_collective::Call::propose {
			threshold,
			proposal: Box::new(call),
			length_bound,
		}),
	)]);
	let mut events = proposed[0].1.clone();
	if threshold > 1 {
		let (index, hash) = find(&events, |e| match e {
			RuntimeEvent::Council(CouncilEvent::Proposed {
				proposal_index, proposal_hash, ..
			}) => Some((*proposal_index, *proposal_hash)),
			_ => None,
		});
		let vote =
			|approve| council(pallet_collective::Call::vote { proposal: hash, index, approve });
		node.submit_all(vec![(Alice, vote(true)), (Bob, vote(true))]);
		let closed = node.submit_all(vec![(
			Charlie,
			council(pallet_collective::Call::close {
				proposal_hash: hash,
				index,
				proposal_weight_bound,
				length_bound,
			}),
		)]);
		events = closed[0].1.clone();
	}
	let result = find(&events, |e| match e {
		RuntimeEvent::Council(CouncilEvent::Executed { result, .. }) => Some(*result),
		_ => None,
	});
	(events, result)
}

#[test]
fn the_council_registers_platforms_spends_and_authorizes_upgrades() {
	let mut node = Node::start("governance", &["--dev", "--tmp"]);
	node.wait_for("block 1", Duration::from_secs(60), |n| {
		(n.block_number(false) >= 1).then_some(())
	});

	// -- A platform: not by one member alone (more than half is needed), then by two. ---------
	let register = RuntimeCall::Consent(pallet_consent::Call::register_platform {
		kind: PlatformKind::Mastodon,
		domain: b"fosstodon.org".to_vec().try_into().expect("a short domain"),
		operators: vec![Ferdie.to_account_id()].try_into().expect("one operator"),
		payee: Some(Ferdie.to_account_id()),
		share: Perbill::from_percent(10),
	});
	let (_, alone) = motion(&mut node, 1, register.clone());
	assert_eq!(alone, Err(DispatchError::BadOrigin), "one of three is not more than half");
	let (events, result) = motion(&mut node, 2, register);
	assert_eq!(result, Ok(()));
	let platform = find(&events, |e| match e {
		RuntimeEvent::Consent(pallet_consent::Event::PlatformRegistered { platform, .. }) => {
			Some(*platform)
		},
		_ => None,
	});
	let view = node.rpc("licentia_platform", serde_json::json!([platform]));
	assert_eq!(view["domain"], "fosstodon.org", "{view}");

	// -- The treasury: fees have filled it; two thirds of the council spend from it. ----------
	let treasury = licentia_runtime::configs::TreasuryAccount::get();
	let held = node.free_balance(&treasury);
	assert!(held > 0, "the treasury holds 80% of every fee paid so far");
	let amount: Balance = MILLI_UNIT;
	let spend = RuntimeCall::Treasury(pallet_treasury::Call::spend {
		asset_kind: Box::new(()),
		amount,
		beneficiary: Box::new(Ferdie.to_account_id()),
		valid_from: None,
	});
	let (events, result) = motion(&mut node, 2, spend);
	assert_eq!(result, Ok(()));
	let index = find(&events, |e| match e {
		RuntimeEvent::Treasury(pallet_treasury::Event::AssetSpendApproved { index, .. }) => {
			Some(*index)
		},
		_ => None,
	});
	let ferdie_before = node.free_balance(&Ferdie.to_account_id());
	let paid = node
		.submit_all(vec![(Ferdie, RuntimeCall::Treasury(pallet_treasury::Call::payout { index }))]);
	find(&paid[0].1, |e| {
		matches!(e, RuntimeEvent::Treasury(pallet_treasury::Event::Paid { .. })).then_some(())
	});
	let fee = paid[0]
		.1
		.iter()
		.find_map(|e| match e {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => Some(*actual_fee),
			_ => None,
		})
		.unwrap_or_default();
	assert_eq!(node.free_balance(&Ferdie.to_account_id()), ferdie_before + amount - fee);

	// -- A runtime upgrade's authorization: Root, through the whitelist. ------------------------
	// The code itself is then submitted by anyone (`system.apply_authorized_upgrade`); here
	// the authorization is the point: the council can act as Root without a Sudo key.
	let code_hash = sp_runtime::traits::BlakeTwo256::hash(b"a runtime's code");
	let authorize = RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash });
	let whitelisted = RuntimeCall::Utility(pallet_utility::Call::batch_all {
		calls: vec![
			RuntimeCall::Whitelist(pallet_whitelist::Call::whitelist_call {
				call_hash: <Runtime as frame_system::Config>::Hashing::hash_of(&authorize),
			}),
			RuntimeCall::Whitelist(
				pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
					call: Box::new(authorize),
				},
			),
		],
	});
	let (events, result) = motion(&mut node, 2, whitelisted);
	assert_eq!(result, Ok(()));
	let authorized: Hash = find(&events, |e| match e {
		RuntimeEvent::System(frame_system::Event::UpgradeAuthorized { code_hash, .. }) => {
			Some(*code_hash)
		},
		_ => None,
	});
	assert_eq!(authorized, code_hash);
}
