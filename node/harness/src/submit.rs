//! Signed extrinsics submitted to a [`Node`] and found in its blocks, each with the events it
//! emitted.

use crate::{rpc::to_hex, Node};
use codec::Encode;
use licentia_runtime::{AccountId, Hash, RuntimeEvent};
use serde_json::json;
use std::time::Duration;

/// Why an extrinsic failed, from its events (`None`: it succeeded).
pub fn dispatch_error(events: &[RuntimeEvent]) -> Option<sp_runtime::DispatchError> {
	events.iter().find_map(|event| match event {
		RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { dispatch_error, .. }) => {
			Some(*dispatch_error)
		},
		_ => None,
	})
}

/// The first of `events` that `f` picks out; the test fails, listing them, if none is.
#[track_caller]
pub fn find<T>(events: &[RuntimeEvent], f: impl Fn(&RuntimeEvent) -> Option<T>) -> T {
	events
		.iter()
		.find_map(f)
		.unwrap_or_else(|| panic!("event not found in {events:?}"))
}

impl Node {
	/// Signs each call as its signer (consecutive nonces per signer), submits them all, and
	/// waits until blocks include every one. Returns, per call, its block's number and the
	/// events it emitted; a dispatch error fails the test.
	#[track_caller]
	pub fn submit_all(
		&mut self,
		calls: Vec<(sp_keyring::Sr25519Keyring, licentia_runtime::RuntimeCall)>,
	) -> Vec<(u32, Vec<RuntimeEvent>)> {
		let outcomes = self.submit_all_outcomes(calls);
		for (block, events) in &outcomes {
			if let Some(error) = dispatch_error(events) {
				self.fail(&format!("an extrinsic of block {block} failed: {error:?}"));
			}
		}
		outcomes
	}

	/// [`Self::submit_all`], whether the calls succeed or not: a failed call's events hold its
	/// `ExtrinsicFailed` ([`dispatch_error`]).
	#[track_caller]
	pub fn submit_all_outcomes(
		&mut self,
		calls: Vec<(sp_keyring::Sr25519Keyring, licentia_runtime::RuntimeCall)>,
	) -> Vec<(u32, Vec<RuntimeEvent>)> {
		use licentia_runtime::signing::{signed_extrinsic, ChainContext};
		let genesis = self.block_hash(0);
		let mut nonces = std::collections::BTreeMap::<AccountId, u32>::new();
		let mut pending = Vec::new();
		let start = self.block_number(false);
		for (signer, call) in calls {
			let who = signer.to_account_id();
			let nonce = *nonces.entry(who.clone()).or_insert_with(|| {
				let next = self.rpc("system_accountNextIndex", json!([who.to_string()]));
				next.as_u64().unwrap_or_else(|| self.fail("nonce is a number")) as u32
			});
			nonces.insert(who, nonce + 1);
			let xt = signed_extrinsic(call, &signer.pair(), nonce, ChainContext::immortal(genesis));
			let xt_hex = to_hex(&xt.encode());
			self.rpc("author_submitExtrinsic", json!([xt_hex]));
			pending.push(xt_hex);
		}

		let mut found: Vec<Option<(u32, Vec<RuntimeEvent>)>> = vec![None; pending.len()];
		let mut next = start;
		self.wait_for("the extrinsics' blocks", Duration::from_secs(90), |n| {
			let best = n.block_number(false);
			while next <= best {
				let hash = n.block_hash(next);
				let block = n.rpc("chain_getBlock", json!([to_hex(&hash.encode())]));
				let extrinsics =
					block["block"]["extrinsics"].as_array().cloned().unwrap_or_default();
				type Records = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;
				let key = frame_support::storage::storage_prefix(b"System", b"Events");
				let records = n.storage::<Records>(&key, Some(hash)).unwrap_or_default();
				for (slot, xt_hex) in found.iter_mut().zip(&pending) {
					let Some(index) = extrinsics.iter().position(|x| x.as_str() == Some(xt_hex))
					else {
						continue;
					};
					let phase = frame_system::Phase::ApplyExtrinsic(index as u32);
					let events: Vec<RuntimeEvent> = records
						.iter()
						.filter(|r| r.phase == phase)
						.map(|r| r.event.clone())
						.collect();
					*slot = Some((next, events));
				}
				next += 1;
			}
			found.iter().all(Option::is_some).then_some(())
		});
		found.into_iter().map(|f| f.expect("every extrinsic was found")).collect()
	}
}
