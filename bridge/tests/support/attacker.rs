//! The attacker of issue 30: what every piece of public chain data tells about whose an
//! anonymised record is. It reads every block (the extrinsics' calls: contributor lists, answered
//! leaves with the anonymous leaves samples opened, revocations, Nostr notes) and names the author
//! of a delivered line where the data ties the line to a public record:
//!
//! - `index`: the line's leaf index falls in one contributor's range of its batch's public list;
//! - `sealed`: the line's sealed half is a public record's;
//! - `leaf`: the leaf the line verifies with is a public record's leaf, or the anonymous leaf an
//!   answer opened beside a public record;
//! - `text`: the hash of the line's text is a public record's last field (leaf format 2 put the
//!   scrubbed hash there).

use licentia_harness::Node;
use licentia_primitives::{
	anonymous::anonymous_leaf,
	consent::Identity,
	content::{leaf_hash, BatchId, PostRecord},
	Hash,
};
use licentia_runtime::RuntimeCall;
use pallet_content::{Call, Contribution, Event};
use serde_json::Value;
use sp_crypto_hashing::blake2_256;
use std::collections::BTreeMap;

/// What the chain makes public, read block by block.
#[derive(Default)]
pub struct Public {
	/// Each platform batch's contributor list, as its registration shows it, by batch id.
	layouts: BTreeMap<BatchId, Vec<Contribution>>,
	/// Every record a block shows, with the anonymous leaf opened beside it, if any.
	records: Vec<(PostRecord, Option<Hash>)>,
}

impl Public {
	/// Everything blocks 1 to the best one show.
	pub fn read(node: &Node) -> Self {
		let mut public = Public::default();
		for number in 1..=node.block_number(false) {
			let hash = node.block_hash(number);
			let events = node.events(hash);
			let mut registered = events.iter().filter_map(|e| match e {
				licentia_runtime::RuntimeEvent::Content(Event::BatchRegistered {
					batch, ..
				}) => Some(*batch),
				_ => None,
			});
			for call in node.calls(hash) {
				let RuntimeCall::Content(call) = call else { continue };
				match call {
					Call::register_batch { contributors, .. } => {
						if let Some(batch) = registered.next() {
							public.layouts.insert(batch, contributors.into_inner());
						}
					},
					Call::answer_leaf { post, anonymous, .. } => {
						public.records.push((post, anonymous.map(|opening| opening.leaf)))
					},
					Call::revoke_post { post, .. } => public.records.push((post, None)),
					Call::revoke_posts { posts } => {
						public.records.extend(posts.into_iter().map(|p| (p.post, None)))
					},
					_ => {},
				}
			}
			for event in events {
				if let licentia_runtime::RuntimeEvent::Content(Event::LeafAnswered {
					post, ..
				}) = event
				{
					public.records.push((post, None));
				}
			}
		}
		public
	}

	/// The author of delivered `line` that public data names, and by which channel.
	pub fn attribute(&self, line: &Value) -> Option<(Identity, &'static str)> {
		let hash = |field: &str| -> Option<Hash> {
			let bytes = hex::decode(line[field].as_str()?.trim_start_matches("0x")).ok()?;
			(bytes.len() == 32).then(|| Hash::from_slice(&bytes))
		};
		let text_hash = line["text"].as_str().map(|t| Hash::from(blake2_256(t.as_bytes())));
		if let (Some(batch), Some(index)) = (line["batch"].as_u64(), line["index"].as_u64()) {
			if let Some(author) = self.range_owner(batch, index) {
				return Some((author, "index"));
			}
		}
		if let Some(sealed) = hash("sealed") {
			if let Some((record, _)) = self.records.iter().find(|(r, _)| r.sealed() == sealed) {
				return Some((record.author.clone(), "sealed"));
			}
		}
		let leaf = match (hash("sealed"), hash("anonymousKey"), text_hash) {
			(Some(sealed), _, Some(text)) => Some(leaf_hash(sealed, text)),
			(_, Some(key), Some(text)) => Some(anonymous_leaf(&key, &text)),
			_ => None,
		};
		if let Some(leaf) = leaf {
			let found = self
				.records
				.iter()
				.find(|(r, opened)| r.leaf_hash() == leaf || *opened == Some(leaf));
			if let Some((record, _)) = found {
				return Some((record.author.clone(), "leaf"));
			}
		}
		let found = self.records.iter().find(|(r, _)| Some(r.text_seal) == text_hash);
		found.map(|(record, _)| (record.author.clone(), "text"))
	}

	/// The author whose range of batch `batch`'s public list holds leaf `index`.
	fn range_owner(&self, batch: u64, index: u64) -> Option<Identity> {
		let mut start = 0u64;
		for c in self.layouts.get(&batch)? {
			start += u64::from(c.posts);
			if index < start {
				return Some(c.author.clone());
			}
		}
		None
	}

	/// Anonymous leaves the chain's samples opened (their posts are public with them).
	pub fn opened(&self) -> usize {
		self.records.iter().filter(|(_, opened)| opened.is_some()).count()
	}
}

/// A line as an anonymised license delivered it before leaf format 3, rebuilt from the
/// attributed license's line of the same post: its batch, leaf index, proof and sealed half,
/// with its text (`text`, as the gateway scrubbed it).
pub fn format_2_line(full: &Value, text: &str) -> Value {
	let record: PostRecord = serde_json::from_value(full["record"].clone()).expect("a record");
	serde_json::json!({
		"batch": full["batch"], "index": full["index"], "proof": full["proof"],
		"sealed": format!("0x{}", hex::encode(record.sealed())), "text": text,
	})
}

/// What a line's anonymous key and text verify against (for tests that check them).
pub fn anonymous_leaf_of(line: &Value) -> Option<Hash> {
	let key = hex::decode(line["anonymousKey"].as_str()?.trim_start_matches("0x")).ok()?;
	let text = line["text"].as_str()?;
	Some(anonymous_leaf(&Hash::from_slice(&key), &Hash::from(blake2_256(text.as_bytes()))))
}
