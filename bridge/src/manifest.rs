//! The local manifest: what this bridge registered, with each post's proof, so that it can answer
//! "is this post licensable, and how do I prove it" without the chain, and resume without
//! registering a post twice.
//!
//! A JSON-lines file, append-only. Before a batch is submitted a `pending` line records its root
//! and posts; once it is finalized a `registered` line records its id and every post's index and
//! proof. A `pending` line without its `registered` line is a batch whose fate is unknown (the
//! bridge stopped after submitting): on the next run it is looked up on chain by its root, and
//! either recorded or submitted again.

use anyhow::{Context, Result};
use licentia_primitives::{
	content::{BatchId, PostId, PostRecord},
	Hash,
};
use serde::{Deserialize, Serialize};
use std::{
	collections::BTreeMap,
	fs::OpenOptions,
	io::Write,
	path::{Path, PathBuf},
};

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

/// A registered post and its proof: what `licentia_checkAccess` and `revoke_post` take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredPost {
	/// The batch.
	pub batch: BatchId,
	/// Its leaf index in the batch.
	pub index: u32,
	/// The record (its leaf).
	pub post: PostRecord,
	/// Its Merkle proof, leaf to root.
	pub proof: Vec<Hash>,
}

/// A manifest file, read and appended to.
pub struct Manifest {
	path: PathBuf,
	/// Registered posts by (platform, post id).
	registered: BTreeMap<String, RegisteredPost>,
	/// Pending batches not known to be registered, by root.
	pending: BTreeMap<Hash, Pending>,
	/// The file ends in a line cut short: the next entry starts on a new line.
	torn: bool,
}

/// A batch submitted and not yet known to be registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
	/// The number of batches before it.
	pub batches_before: BatchId,
	/// The nonce its transaction uses.
	pub nonce: u64,
	/// Its posts, in leaf order.
	pub posts: Vec<PostRecord>,
}

/// The key of a post: the same post is never registered twice through one manifest, whatever
/// its content hash (an edited Bluesky post keeps its URI).
pub fn key(platform: u32, post: &PostId) -> String {
	format!("{platform}:{}", serde_json::to_string(post).unwrap_or_default())
}

impl Manifest {
	/// Opens (or starts) the manifest at `path`.
	pub fn open(path: &Path) -> Result<Self> {
		let mut manifest = Self {
			path: path.to_owned(),
			registered: BTreeMap::new(),
			pending: BTreeMap::new(),
			torn: false,
		};
		let text = match std::fs::read_to_string(path) {
			Ok(text) => text,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(manifest),
			Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
		};
		manifest.torn = !text.is_empty() && !text.ends_with('\n');
		for (n, line) in text.lines().enumerate() {
			if line.trim().is_empty() {
				continue;
			}
			// A line cut short by a crash mid-write is the last one: what it described is
			// re-checked against the chain, so it is ignored.
			let Ok(entry) = serde_json::from_str::<Entry>(line) else {
				eprintln!("{}: line {} is incomplete; ignoring it", path.display(), n + 1);
				continue;
			};
			manifest.apply(entry);
		}
		Ok(manifest)
	}

	fn apply(&mut self, entry: Entry) {
		match entry {
			Entry::Pending { root, batches_before, nonce, posts } => {
				self.pending.insert(root, Pending { batches_before, nonce, posts });
			},
			Entry::Abandoned { root } => {
				self.pending.remove(&root);
			},
			Entry::Registered { root, posts, .. } => {
				self.pending.remove(&root);
				for post in posts {
					self.registered.insert(key(post.post.platform, &post.post.post), post);
				}
			},
		}
	}

	/// Appends `entry` and syncs it to disk before returning.
	pub fn append(&mut self, entry: Entry) -> Result<()> {
		let mut file = OpenOptions::new()
			.create(true)
			.append(true)
			.open(&self.path)
			.with_context(|| format!("opening {}", self.path.display()))?;
		let mut line = if self.torn { String::from("\n") } else { String::new() };
		line.push_str(&serde_json::to_string(&entry)?);
		line.push('\n');
		file.write_all(line.as_bytes())?;
		file.sync_data()?;
		self.torn = false;
		self.apply(entry);
		Ok(())
	}

	/// Whether the post was registered through this manifest.
	pub fn contains(&self, platform: u32, post: &PostId) -> bool {
		self.registered.contains_key(&key(platform, post))
	}

	/// The registered post, with its proof.
	pub fn get(&self, platform: u32, post: &PostId) -> Option<&RegisteredPost> {
		self.registered.get(&key(platform, post))
	}

	/// Every registered post, in (platform, post id) order.
	pub fn posts(&self) -> impl Iterator<Item = &RegisteredPost> {
		self.registered.values()
	}

	/// Every registered batch's posts, in leaf order, by batch id.
	pub fn batches(&self) -> BTreeMap<BatchId, Vec<PostRecord>> {
		let mut batches = BTreeMap::<BatchId, Vec<&RegisteredPost>>::new();
		for post in self.registered.values() {
			batches.entry(post.batch).or_default().push(post);
		}
		batches
			.into_iter()
			.map(|(id, mut posts)| {
				posts.sort_by_key(|p| p.index);
				(id, posts.into_iter().map(|p| p.post.clone()).collect())
			})
			.collect()
	}

	/// Posts of batches that were submitted but not seen registered.
	pub fn pending(&self) -> impl Iterator<Item = (&Hash, &Pending)> {
		self.pending.iter()
	}

	/// How many posts are registered.
	pub fn len(&self) -> usize {
		self.registered.len()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use licentia_primitives::consent::Identity;

	fn post(id: u64) -> PostRecord {
		PostRecord {
			platform: 3,
			post: PostId::X { id },
			content_hash: Hash::repeat_byte(1),
			author: Identity::X(9),
		}
	}

	#[test]
	fn a_manifest_remembers_registered_and_pending_batches_across_runs() {
		let dir = std::env::temp_dir().join(format!("manifest-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("m.jsonl");
		let _ = std::fs::remove_file(&path);
		let mut m = Manifest::open(&path).unwrap();
		let (a, b) = (Hash::repeat_byte(0xa), Hash::repeat_byte(0xb));
		let c = Hash::repeat_byte(0xc);
		m.append(Entry::Pending { root: a, batches_before: 0, nonce: 0, posts: vec![post(1)] })
			.unwrap();
		m.append(Entry::Pending { root: b, batches_before: 1, nonce: 1, posts: vec![post(2)] })
			.unwrap();
		// A batch that never reached the chain is abandoned: its posts are free again.
		m.append(Entry::Pending { root: c, batches_before: 1, nonce: 1, posts: vec![post(3)] })
			.unwrap();
		m.append(Entry::Abandoned { root: c }).unwrap();
		let registered = RegisteredPost { batch: 0, index: 0, post: post(1), proof: vec![] };
		m.append(Entry::Registered {
			batch: 0,
			root: a,
			block: Hash::zero(),
			posts: vec![registered.clone()],
		})
		.unwrap();
		// A crash mid-write leaves half a line.
		std::fs::OpenOptions::new()
			.append(true)
			.open(&path)
			.unwrap()
			.write_all(b"{\"type\":\"regis")
			.unwrap();

		let mut m = Manifest::open(&path).unwrap();
		assert_eq!(m.len(), 1);
		assert_eq!(m.get(3, &PostId::X { id: 1 }), Some(&registered));
		assert!(!m.contains(3, &PostId::X { id: 2 }));
		let pending: Vec<_> = m.pending().map(|(root, _)| *root).collect();
		assert_eq!(pending, vec![b]);

		// The next entry starts on its own line, so the torn one does not swallow it.
		m.append(Entry::Registered { batch: 1, root: b, block: Hash::zero(), posts: vec![] })
			.unwrap();
		let m = Manifest::open(&path).unwrap();
		assert_eq!(m.pending().count(), 0);
		std::fs::remove_dir_all(dir).unwrap();
	}
}
