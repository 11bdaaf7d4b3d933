//! A platform's batches as a bridge handles them: the contributor list it declares, the leaves it
//! opens when the chain samples them or someone asks, the activation once the challenge window
//! ends; and the record keys of Bluesky posts.

use crate::Node;
use licentia_primitives::content::{BatchId, PostRecord};
use licentia_runtime::{RuntimeCall, RuntimeEvent};
use serde_json::{json, Value};
use std::time::Duration;

/// `value` as a Bluesky TID: 13 characters of base32-sortable.
pub fn tid(value: u64) -> String {
	const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
	(0..13)
		.rev()
		.map(|i| ALPHABET[((value as u128 >> (5 * i)) & 31) as usize] as char)
		.collect()
}

/// The contributor list of `records` as a bridge declares it: one range per run of one author,
/// with the order keys of its first and last post.
pub fn layout(records: &[PostRecord]) -> Vec<pallet_content::Contribution> {
	licentia_primitives::content::ranges(records)
		.into_iter()
		.map(|(author, posts, first_key, last_key)| pallet_content::Contribution {
			author,
			posts,
			first_key,
			last_key,
		})
		.collect()
}

/// The `answer_leaf` calls that open what pending `batch` of `records` (in leaf order) must open
/// now, as `licentia_batch` lists it in `view`: the chain's samples of it and the leaves someone
/// asked for.
pub fn answers(view: &Value, batch: BatchId, records: &[PostRecord]) -> Vec<RuntimeCall> {
	let leaves: Vec<_> = records.iter().map(|r| r.leaf_hash()).collect();
	let requests = view["requests"].as_array().cloned().unwrap_or_default();
	requests
		.iter()
		.filter_map(|request| request["index"].as_u64())
		.map(|index| {
			let index = index as u32;
			let proof = licentia_primitives::content::batch_proof(leaves.clone(), index);
			RuntimeCall::Content(pallet_content::Call::answer_leaf {
				batch,
				index,
				post: records[index as usize].clone(),
				proof: proof.try_into().expect("a batch's proof fits"),
			})
		})
		.collect()
}

impl Node {
	/// Activates the platform batches that `registered` (what `submit_all` returned for
	/// `register_batch` calls, with the records of each in leaf order) registered, as a bridge
	/// does: opens the leaves the chain sampled from each (Ferdie answers, as anyone may), then
	/// activates them as soon as their challenge windows end. Returns the activations' blocks
	/// and events.
	pub fn activate_all(
		&mut self,
		registered: &[(u32, Vec<RuntimeEvent>)],
		records: &[&[PostRecord]],
	) -> Vec<(u32, Vec<RuntimeEvent>)> {
		let mut batches = Vec::new();
		let (mut until, mut drawn) = (0, 0);
		for (block, events) in registered {
			let (batch, matures_at) = events
				.iter()
				.find_map(|e| match e {
					RuntimeEvent::Content(pallet_content::Event::BatchRegistered {
						batch,
						matures_at,
						..
					}) => Some((*batch, *matures_at)),
					_ => None,
				})
				.unwrap_or_else(|| self.fail("a register_batch without BatchRegistered"));
			until = until.max(matures_at);
			// The samples come from the registration block's hash: known in the next block.
			drawn = drawn.max(*block + 1);
			batches.push(batch);
		}
		self.wait_for("the samples to be drawn", Duration::from_secs(60), |n| {
			(n.block_number(false) >= drawn).then_some(())
		});
		let mut opening = Vec::new();
		for (batch, records) in batches.iter().zip(records) {
			let view = self.rpc("licentia_batch", json!([batch]));
			let calls = answers(&view, *batch, records);
			opening
				.extend(calls.into_iter().map(|call| (sp_keyring::Sr25519Keyring::Ferdie, call)));
		}
		if !opening.is_empty() {
			self.submit_all(opening);
		}
		let mut calls = Vec::new();
		for (batch, records) in batches.iter().zip(records) {
			let contributors =
				layout(records).try_into().unwrap_or_else(|_| self.fail("a long list"));
			let call = pallet_content::Call::activate_batch { batch: *batch, contributors };
			calls.push((sp_keyring::Sr25519Keyring::Ferdie, RuntimeCall::Content(call)));
		}
		// An extrinsic submitted now goes into the next block.
		self.wait_for("the challenge windows", Duration::from_secs(180), |n| {
			(n.block_number(false) + 1 >= until).then_some(())
		});
		self.submit_all(calls)
	}
}
