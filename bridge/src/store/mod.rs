//! The bridge's store: an SQLite database (one file, `--store`, default `licentia-bridge.db`) of
//! what this bridge registered, with each post's content and proof, what it is about to register,
//! and where it stopped reading each source. The data gateway reads the same file.
//!
//! - `batches`: every batch the bridge submitted: `pending` (written before its transaction is
//!   submitted, with the nonce it uses), then `registered` (its id on chain) or `abandoned` (it
//!   never reached the chain; its posts are free to register again).
//! - `posts`: the posts of pending and registered batches, one row per post and platform (a post
//!   is registered once), with its leaf, proof (once registered), content and revocation, and
//!   its anonymous leaf, place and proof in its batch's anonymous tree (leaf format 3) and
//!   whether a sample of the chain made that public (`exposed`).
//! - `queue`: posts read from a live source and not yet batched (`follow`).
//! - `withdrawals`: deletions, edits and account removals read from a source and not yet revoked.
//! - `cursors`: each source's resume point, written in the same transaction as what it read.
//! - `used_signatures`: the request signatures the gateways on this store accepted, until they
//!   expire (replays are refused across instances).
//! - `owed`, `recordings`, `recording_counts`: what the gateway served and has not yet seen
//!   recorded on chain, and the transactions recording it (or reserving deliveries).
//! - `allowances`: per capped license, the deliveries reserved on chain for this platform and
//!   how many of them were served.
//!
//! Every change is one SQLite transaction (write-ahead log, `synchronous = FULL`): a bridge killed
//! at any point reopens a consistent store. The schema is versioned (`PRAGMA user_version`) and
//! migrated forward on open; a store written by a newer bridge is refused.
//!
//! Here the store itself, its rows' types and its secrets; [`schema`] its versions; [`posts`] the
//! registered posts (what access checks, revocations and the gateway read); [`batches`] batches
//! from submission to release; [`queue`] what live sources read and not yet registered or
//! revoked, with the sources' cursors; [`signatures`] the gateways' used request signatures;
//! [`owed`] the gateway's deliveries owed to the chain; [`allowances`] what capped licenses'
//! reservations leave it to serve.

mod allowances;
mod batches;
mod owed;
mod posts;
mod queue;
mod schema;
mod signatures;
#[cfg(test)]
mod tests;

use crate::post::{Post, SaltKey, SignedEvent, Withdrawal};
use anyhow::{bail, Context, Result};
use codec::{Decode, Encode};
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::{batch_proofs, batch_root, BatchId, PostId, PostRecord},
	Hash,
};
pub use owed::Recording;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
pub use signatures::UsedSignatures;
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	time::{SystemTime, UNIX_EPOCH},
};

/// The name of the gateway's secret, made once per store (random), so that every gateway on one
/// store gives an author the same pseudonym within a license.
const GATEWAY_SECRET: &str = "gateway";

/// The name of the key posts' salts are made with ([`crate::formats::salt`]), made once per
/// store (random): reading a post again gives it the same leaf.
const SALT_KEY: &str = "salt";

/// The status id in a Mastodon status URI, as the `*_by_status` indexes compute it (their
/// expression must be repeated exactly for SQLite to use them).
const STATUS_ID: &str = "substr(source, instr(source, '/statuses/') + 10)";

/// A registered post and its proof: what `licentia_checkAccess` and `revoke_posts` take.
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

/// A place in the store's order of posts (a batch's key in the store, a leaf): the gateway's
/// cursor, as `<batch>.<leaf>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
	/// The batch's key in the store (not its id on chain).
	pub batch: i64,
	/// The leaf.
	pub leaf: i64,
}

impl std::fmt::Display for Cursor {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{}.{}", self.batch, self.leaf)
	}
}

impl std::str::FromStr for Cursor {
	type Err = String;
	fn from_str(text: &str) -> Result<Self, String> {
		let bad = || format!("{text:?} is not a cursor (<batch>.<leaf>)");
		let (batch, leaf) = text.split_once('.').ok_or_else(bad)?;
		// Digits only: no sign, no fraction (`-1.0` is no cursor, not the start).
		let number = |part: &str| {
			let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
			digits.then(|| part.parse::<i64>().ok()).flatten().ok_or_else(bad)
		};
		Ok(Cursor { batch: number(batch)?, leaf: number(leaf)? })
	}
}

/// A registered post's place in its batch's anonymous tree (leaf format 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnonymousPlace {
	/// Its anonymous leaf.
	pub leaf: Hash,
	/// Its index in the anonymous tree.
	pub index: u32,
	/// Its Merkle proof there, leaf to root.
	pub proof: Vec<Hash>,
}

/// A registered post as the gateway serves it.
#[derive(Clone, Debug)]
pub struct Served {
	/// The post, its batch, leaf and proof.
	pub post: RegisteredPost,
	/// Its place in its batch's anonymous tree, when it has one.
	pub anonymous: Option<AnonymousPlace>,
	/// The item as the source gave it.
	pub content: Option<String>,
	/// Its labels.
	pub labels: Vec<String>,
}

/// A batch submitted and not yet known to be registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
	/// Its Merkle root.
	pub root: Hash,
	/// The number of batches on chain before it was submitted: its id is at least this.
	pub batches_before: BatchId,
	/// The signer's nonce its transaction uses: once the finalized nonce is past it, the batch
	/// is on chain or never will be.
	pub nonce: u64,
	/// Its posts, in leaf order.
	pub posts: Vec<PostRecord>,
}

/// The bridge's store.
pub struct Store {
	connection: Connection,
	path: PathBuf,
}

/// The key a post is stored under: its chain id, as JSON (a Bluesky post's includes the CID of
/// the version registered).
fn post_key(post: &PostId) -> String {
	serde_json::to_string(post).unwrap_or_default()
}

fn author_key(author: &Identity) -> String {
	serde_json::to_string(author).unwrap_or_default()
}

/// Seconds since 1970, as rows record when they were written.
pub fn now() -> i64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn proof_blob(proof: &[Hash]) -> Vec<u8> {
	proof.iter().flat_map(|hash| hash.0).collect()
}

/// A stored hash (32 bytes), or zero where there is none.
fn hash_or_zero(blob: Option<Vec<u8>>) -> Hash {
	blob.filter(|b| b.len() == 32).map_or_else(Hash::zero, |b| Hash::from_slice(&b))
}

fn hashes(blob: &[u8]) -> Vec<Hash> {
	blob.chunks_exact(32).map(Hash::from_slice).collect()
}

fn decode_record(blob: &[u8]) -> rusqlite::Result<PostRecord> {
	PostRecord::decode(&mut &blob[..]).map_err(|e| {
		rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
	})
}

fn registered_post(row: &rusqlite::Row) -> rusqlite::Result<RegisteredPost> {
	Ok(RegisteredPost {
		batch: row.get(0)?,
		index: row.get(1)?,
		post: decode_record(&row.get::<_, Vec<u8>>(2)?)?,
		proof: hashes(&row.get::<_, Option<Vec<u8>>>(3)?.unwrap_or_default()),
	})
}

/// The anonymous place of a row whose columns from `first` are the post's anonymous leaf, index
/// and proof (`None` where it has none).
fn anonymous_place(row: &rusqlite::Row, first: usize) -> rusqlite::Result<Option<AnonymousPlace>> {
	let leaf: Option<Vec<u8>> = row.get(first)?;
	let index: Option<u32> = row.get(first + 1)?;
	let proof: Option<Vec<u8>> = row.get(first + 2)?;
	Ok(match (leaf.filter(|l| l.len() == 32), index) {
		(Some(leaf), Some(index)) => Some(AnonymousPlace {
			leaf: Hash::from_slice(&leaf),
			index,
			proof: hashes(&proof.unwrap_or_default()),
		}),
		_ => None,
	})
}

/// Labels as the store keeps them: a JSON array, or NULL for none.
fn labels_json(labels: &[String]) -> Option<String> {
	(!labels.is_empty()).then(|| serde_json::to_string(labels).unwrap_or_default())
}

/// A queued Nostr note as the store keeps it: id, key and signature (128 bytes), then the JSON
/// of `[created_at, tags, content]`.
fn encode_event(event: &SignedEvent) -> Vec<u8> {
	let note = serde_json::json!([event.created_at, event.tags, event.content]);
	[&event.id[..], &event.pubkey[..], &event.sig[..], note.to_string().as_bytes()].concat()
}

/// What [`encode_event`] wrote; `None` for what a bridge before spec 112 wrote (no note fields,
/// which the chain now needs: such a post is read again from its source).
fn decode_event(blob: &[u8]) -> Option<SignedEvent> {
	let (created_at, tags, content): (u64, Vec<Vec<String>>, String) =
		serde_json::from_slice(blob.get(128..)?).ok()?;
	Some(SignedEvent {
		id: blob.get(..32)?.try_into().ok()?,
		pubkey: blob.get(32..64)?.try_into().ok()?,
		sig: blob.get(64..128)?.try_into().ok()?,
		created_at,
		tags,
		content,
	})
}

impl Store {
	/// Opens the store at `path`, creating it if there is none, and brings its schema up to date.
	pub fn open(path: &Path) -> Result<Self> {
		// The file is never opened outside SQLite: closing another descriptor of it would drop
		// the POSIX locks of this process's connections, and another process could then delete
		// the write-ahead log under them.
		let connection =
			Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
		connection.busy_timeout(std::time::Duration::from_secs(30))?;
		let setup =
			"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
		// Turning a new file to WAL needs it alone, and SQLite answers `busy` at once rather
		// than wait when another process opens it at the same moment: tried again a while.
		let mut tries = 0;
		let setup = loop {
			match connection.execute_batch(setup) {
				Err(rusqlite::Error::SqliteFailure(e, _))
					if e.code == rusqlite::ErrorCode::DatabaseBusy && tries < 100 =>
				{
					tries += 1;
					std::thread::sleep(std::time::Duration::from_millis(50));
				},
				done => break done,
			}
		};
		match setup {
			Ok(()) => {},
			Err(rusqlite::Error::SqliteFailure(e, _))
				if e.code == rusqlite::ErrorCode::NotADatabase =>
			{
				bail!("{} is not a bridge store", path.display())
			},
			Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
		}
		let mut store = Self { connection, path: path.to_owned() };
		store.migrate()?;
		Ok(store)
	}

	/// The gateway's secret key (pseudonyms): made on first use.
	pub fn gateway_secret(&mut self) -> Result<[u8; 32]> {
		self.secret(GATEWAY_SECRET)
	}

	/// The key posts' salts are made with: made on first use.
	pub fn salt_key(&mut self) -> Result<SaltKey> {
		self.secret(SALT_KEY).map(SaltKey)
	}

	/// The store's secret `name`: read, or made from the OS's randomness on first use.
	fn secret(&mut self, name: &str) -> Result<[u8; 32]> {
		use std::io::Read;
		let tx = self.connection.transaction()?;
		let known: Option<Vec<u8>> = tx
			.query_row("SELECT value FROM secrets WHERE name = ?1", [name], |row| row.get(0))
			.optional()?;
		let secret = match known {
			Some(secret) => secret,
			None => {
				let mut secret = vec![0; 32];
				std::fs::File::open("/dev/urandom")
					.and_then(|mut random| random.read_exact(&mut secret))
					.with_context(|| format!("reading /dev/urandom for the store's {name} key"))?;
				tx.execute(
					"INSERT INTO secrets (name, value) VALUES (?1, ?2)",
					params![name, secret],
				)?;
				secret
			},
		};
		tx.commit()?;
		secret
			.try_into()
			.map_err(|_| anyhow::anyhow!("the store's {name} key is not 32 bytes"))
	}
}
