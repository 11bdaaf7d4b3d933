//! A platform's batches as a bridge handles them: the contributor list it declares, its posts'
//! anonymous leaves (leaf format 3), the leaves it opens when the chain samples them or someone
//! asks, the activation once the challenge window ends; and the record keys of Bluesky posts.

use crate::Node;
use codec::Encode;
use licentia_primitives::{
	anonymous::{self, AnonymousOpening},
	content::{batch_proof, batch_root, BatchId, PostRecord},
};
use licentia_runtime::{RuntimeCall, RuntimeEvent};
use serde_json::{json, Value};
use sp_core::H256;
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

/// The blind a test bridge keeps for `record` and the record's anonymous leaf, both made from its
/// post id (a real bridge makes the blind with its store's key, and the leaf from the text).
fn anonymous_of(record: &PostRecord) -> (H256, H256) {
	let of = |tag: &[u8]| H256(sp_io::hashing::blake2_256(&(tag, &record.post).encode()));
	(of(b"licentia-harness/blind"), of(b"licentia-harness/anonymous"))
}

/// `record` with the text seal of its anonymous leaf, as a bridge registers it.
pub fn sealed(mut record: PostRecord) -> PostRecord {
	let (blind, leaf) = anonymous_of(&record);
	record.text_seal = anonymous::text_seal(&blind, &leaf);
	record
}

/// The anonymous tree of a batch of `records`: their anonymous leaves in its order.
fn anonymous_tree(records: &[PostRecord]) -> Vec<H256> {
	let mut leaves: Vec<H256> = records.iter().map(|r| anonymous_of(r).1).collect();
	anonymous::anonymous_order(&mut leaves);
	leaves
}

/// The anonymous root of a batch of `records` ([`sealed`] ones), as `register_batch` takes it.
pub fn anonymous_root(records: &[PostRecord]) -> H256 {
	batch_root(anonymous_tree(records))
}

/// What opens the anonymous leaf of `record`, one of `records`, as a sample's answer needs.
pub fn anonymous_opening(records: &[PostRecord], record: &PostRecord) -> AnonymousOpening {
	let tree = anonymous_tree(records);
	let (blind, leaf) = anonymous_of(record);
	let index = tree.iter().position(|l| *l == leaf).expect("one of the records") as u32;
	let proof = batch_proof(tree, index).try_into().expect("a batch's proof fits");
	AnonymousOpening { blind, leaf, index, proof }
}

/// The `answer_leaf` calls that open what pending `batch` of `records` (in leaf order) must open
/// now, as `licentia_batch` lists it in `view`: the chain's samples of it and the leaves someone
/// asked for. Each opens the post's anonymous leaf too (which a sample needs; `records` are
/// [`sealed`]).
pub fn answers(view: &Value, batch: BatchId, records: &[PostRecord]) -> Vec<RuntimeCall> {
	let leaves: Vec<_> = records.iter().map(|r| r.leaf_hash()).collect();
	let requests = view["requests"].as_array().cloned().unwrap_or_default();
	requests
		.iter()
		.filter_map(|request| request["index"].as_u64())
		.map(|index| {
			let index = index as u32;
			let proof = batch_proof(leaves.clone(), index);
			let post = records[index as usize].clone();
			RuntimeCall::Content(pallet_content::Call::answer_leaf {
				batch,
				index,
				anonymous: Some(anonymous_opening(records, &post)),
				post,
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
