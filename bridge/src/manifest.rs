//! The JSON-lines manifest older bridges kept (before the store, [`crate::store`]); read only to
//! import it (`licentia-bridge import`).
//!
//! An append-only file. Before a batch is submitted a `pending` line records its root
//! and posts; once it is finalized a `registered` line records its id and every post's index and
//! proof. A `pending` line without its `registered` line is a batch whose fate is unknown (the
//! bridge stopped after submitting): on the next run it is looked up on chain by its root, and
//! either recorded or submitted again.

use crate::store::RegisteredPost;
use anyhow::{bail, Context, Result};
use licentia_primitives::{
	content::{BatchId, PostRecord},
	Hash,
};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One line of the manifest.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Entry {
	/// A batch about to be submitted.
	#[serde(rename_all = "camelCase")]
	Pending {
		/// Its Merkle root.
		root: Hash,
		/// The number of batches on chain before it was submitted: it can only have an id at
		/// least this.
		batches_before: BatchId,
		/// The signer's nonce its transaction uses: once the finalized nonce is past it, the
		/// batch is on chain or never will be.
		nonce: u64,
		/// Its posts, in leaf order.
		posts: Vec<PostRecord>,
	},
	/// A pending batch that never reached the chain: its posts are free to register again.
	#[serde(rename_all = "camelCase")]
	Abandoned {
		/// Its Merkle root.
		root: Hash,
	},
	/// A batch on chain (finalized).
	#[serde(rename_all = "camelCase")]
	Registered {
		/// Its id.
		batch: BatchId,
		/// Its Merkle root.
		root: Hash,
		/// The finalized block it is in.
		block: Hash,
		/// Its posts, in leaf order, with their proofs.
		posts: Vec<RegisteredPost>,
	},
}

/// Reads the manifest at `path`: its entries, in order. A last line cut short by a crash
/// mid-write is ignored (what it described is checked against the chain on the next run).
pub fn read(path: &Path) -> Result<Vec<Entry>> {
	let text =
		std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
	let mut entries = Vec::new();
	for (n, line) in text.lines().enumerate() {
		if line.trim().is_empty() {
			continue;
		}
		match serde_json::from_str::<Entry>(line) {
			Ok(entry) => entries.push(entry),
			Err(_) if n + 1 == text.lines().count() => {
				eprintln!("{}: line {} is incomplete; ignoring it", path.display(), n + 1);
			},
			Err(e) => bail!("{}: line {}: not a manifest entry: {e}", path.display(), n + 1),
		}
	}
	Ok(entries)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::Store;
	use licentia_primitives::{consent::Identity, content::PostId};
	use std::io::Write;

	fn post(id: u64) -> PostRecord {
		PostRecord {
			platform: 3,
			post: PostId::X { id },
			content_hash: Hash::repeat_byte(1),
			author: Identity::X(9),
		}
	}

	#[test]
	fn a_manifest_imports_into_a_store_with_its_pending_batches() {
		let dir = std::env::temp_dir().join(format!("manifest-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("m.jsonl");
		let (a, b, c) = (Hash::repeat_byte(0xa), Hash::repeat_byte(0xb), Hash::repeat_byte(0xc));
		let registered = RegisteredPost { batch: 0, index: 0, post: post(1), proof: vec![] };
		let entries = [
			Entry::Pending { root: a, batches_before: 0, nonce: 0, posts: vec![post(1)] },
			Entry::Pending { root: b, batches_before: 1, nonce: 1, posts: vec![post(2)] },
			// A batch that never reached the chain is abandoned: its posts are free again.
			Entry::Pending { root: c, batches_before: 1, nonce: 2, posts: vec![post(3)] },
			Entry::Abandoned { root: c },
			Entry::Registered { batch: 0, root: a, block: Hash::zero(), posts: vec![registered] },
		];
		let mut text: String =
			entries.iter().map(|e| serde_json::to_string(e).unwrap() + "\n").collect();
		// A crash mid-write leaves half a line.
		text.push_str("{\"type\":\"regis");
		std::fs::File::create(&path).unwrap().write_all(text.as_bytes()).unwrap();

		let store_path = dir.join("store.db");
		let _ = std::fs::remove_file(&store_path);
		let mut store = Store::open(&store_path).unwrap();
		assert_eq!(store.import_manifest(&path).unwrap(), 1);
		assert_eq!(store.len().unwrap(), 1);
		let got = store.get(3, &PostId::X { id: 1 }).unwrap().unwrap();
		assert_eq!((got.batch, got.index, got.post, got.proof), (0, 0, post(1), vec![]));
		// Pending: taken, not registered; abandoned: free.
		assert!(store.contains(3, &PostId::X { id: 2 }).unwrap());
		assert!(store.get(3, &PostId::X { id: 2 }).unwrap().is_none());
		assert!(!store.contains(3, &PostId::X { id: 3 }).unwrap());
		let pending: Vec<_> = store.pending().unwrap().into_iter().map(|p| p.root).collect();
		assert_eq!(pending, vec![b]);

		// A JSON-lines manifest is not a store: opening it says how to import it.
		let error = Store::open(&path).err().unwrap().to_string();
		assert!(error.contains("licentia-bridge import"), "{error}");
		std::fs::remove_dir_all(dir).unwrap();
	}
}
