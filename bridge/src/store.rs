//! The bridge's store: an SQLite database (one file, `--store`, default `licentia-bridge.db`) of
//! what this bridge registered, with each post's content and proof, what it is about to register,
//! and where it stopped reading each source. The data gateway reads the same file.
//!
//! - `batches`: every batch the bridge submitted: `pending` (written before its transaction is
//!   submitted, with the nonce it uses), then `registered` (its id on chain) or `abandoned` (it
//!   never reached the chain; its posts are free to register again).
//! - `posts`: the posts of pending and registered batches, one row per post and platform (a post
//!   is registered once), with its leaf, proof (once registered), content and revocation.
//! - `queue`: posts read from a live source and not yet batched (`follow`).
//! - `withdrawals`: deletions, edits and account removals read from a source and not yet revoked.
//! - `cursors`: each source's resume point, written in the same transaction as what it read.
//!
//! Every change is one SQLite transaction (write-ahead log, `synchronous = FULL`): a bridge killed
//! at any point reopens a consistent store. The schema is versioned (`PRAGMA user_version`) and
//! migrated forward on open; a store written by a newer bridge is refused.

use crate::formats::{Post, SignedEvent};
use anyhow::{bail, Context, Result};
use codec::{Decode, Encode};
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::{batch_proofs, BatchId, PostId, PostRecord},
	Hash,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	time::{SystemTime, UNIX_EPOCH},
};

/// The schema, one migration per version: version `n` is reached by applying the first `n`.
const MIGRATIONS: &[&str] = &[
	// 1: batches, posts, the live sources' queue, withdrawals and cursors.
	"CREATE TABLE batches (
		key INTEGER PRIMARY KEY,
		root BLOB NOT NULL,
		platform INTEGER NOT NULL,
		state TEXT NOT NULL CHECK (state IN ('pending', 'registered', 'abandoned')),
		id INTEGER UNIQUE,
		batches_before INTEGER NOT NULL,
		nonce INTEGER NOT NULL,
		block BLOB,
		activated INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX batches_by_state ON batches (state, root);
	CREATE TABLE posts (
		platform INTEGER NOT NULL,
		post TEXT NOT NULL,
		source TEXT NOT NULL,
		author TEXT NOT NULL,
		batch INTEGER NOT NULL REFERENCES batches (key),
		leaf INTEGER NOT NULL,
		record BLOB NOT NULL,
		proof BLOB,
		content TEXT,
		revoked INTEGER,
		PRIMARY KEY (platform, post)
	) WITHOUT ROWID;
	CREATE INDEX posts_by_batch ON posts (batch, leaf);
	CREATE INDEX posts_by_source ON posts (source);
	CREATE INDEX posts_by_author ON posts (author);
	CREATE TABLE queue (
		platform INTEGER NOT NULL,
		post TEXT NOT NULL,
		source TEXT NOT NULL,
		author TEXT NOT NULL,
		record BLOB NOT NULL,
		event BLOB,
		content TEXT,
		seen INTEGER NOT NULL,
		PRIMARY KEY (platform, post)
	) WITHOUT ROWID;
	CREATE INDEX queue_by_source ON queue (source);
	CREATE INDEX queue_by_author ON queue (author);
	CREATE TABLE withdrawals (
		platform INTEGER NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN ('post', 'author')),
		target TEXT NOT NULL,
		reason TEXT NOT NULL,
		seen INTEGER NOT NULL,
		PRIMARY KEY (platform, kind, target)
	) WITHOUT ROWID;
	CREATE TABLE cursors (
		source TEXT PRIMARY KEY,
		value TEXT NOT NULL,
		updated INTEGER NOT NULL
	);",
	// 2: each post's labels (JSON array; NULL: none), for the gateway to apply buyers' terms.
	"ALTER TABLE posts ADD COLUMN labels TEXT;
	ALTER TABLE queue ADD COLUMN labels TEXT;",
	// 3: posts by Mastodon status id (the last segment of a status URI), which is all a streamed
	// deletion names.
	// (The expression alone: SQLite's planner prefers the primary key's `platform` to an index
	// led by it.)
	"CREATE INDEX posts_by_status ON posts (substr(source, instr(source, '/statuses/') + 10));
	CREATE INDEX queue_by_status ON queue (substr(source, instr(source, '/statuses/') + 10));",
	// 4: secrets (the gateway's pseudonym key).
	"CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);",
	// 5: leaf format 2 (records with a salt and a scrubbed hash). Nothing to change in the
	// schema; a store holding posts of format 1 is refused before this runs (`LEAF_FORMAT_2`).
	"-- leaf format 2",
	// 6: whether a batch's tail is over (its bond released): until then the bridge opens the
	// leaves asked of it. Batches active before tails existed had none.
	"ALTER TABLE batches ADD COLUMN released INTEGER NOT NULL DEFAULT 0;
	UPDATE batches SET released = activated;",
];

/// The schema version from which records are of leaf format 2: a store of an older version that
/// holds posts cannot be brought to it (their leaves are not the chain's).
const LEAF_FORMAT_2: usize = 5;

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
pub struct Position {
	/// The batch's key in the store (not its id on chain).
	pub batch: i64,
	/// The leaf.
	pub leaf: i64,
}

impl std::fmt::Display for Position {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{}.{}", self.batch, self.leaf)
	}
}

impl std::str::FromStr for Position {
	type Err = String;
	fn from_str(text: &str) -> Result<Self, String> {
		let bad = || format!("{text:?} is not a cursor (<batch>.<leaf>)");
		let (batch, leaf) = text.split_once('.').ok_or_else(bad)?;
		Ok(Position {
			batch: batch.parse().map_err(|_| bad())?,
			leaf: leaf.parse().map_err(|_| bad())?,
		})
	}
}

/// A registered post as the gateway serves it.
#[derive(Clone, Debug)]
pub struct Served {
	/// The post, its batch, leaf and proof.
	pub post: RegisteredPost,
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

/// Something a source withdrew: one post, or every post of an author (an account deleted or
/// deactivated).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Withdrawal {
	/// A post, by its id at the source (see [`source_id`]).
	Post(String),
	/// Every post of an author.
	Author(Identity),
}

/// The bridge's store.
pub struct Store {
	connection: Connection,
	path: PathBuf,
}

/// A post's id at its source, as deletion notices name it: an X id, a Bluesky or Mastodon URI,
/// a Nostr event id in hex.
pub fn source_id(post: &PostId) -> String {
	match post {
		PostId::Bluesky { uri, .. } | PostId::Mastodon { uri } => {
			String::from_utf8_lossy(uri).into_owned()
		},
		PostId::Nostr { id } => hex::encode(id),
		PostId::X { id } => id.to_string(),
	}
}

/// The key a post is stored under: its chain id, as JSON (a Bluesky post's includes the CID of
/// the version registered).
fn post_key(post: &PostId) -> String {
	serde_json::to_string(post).unwrap_or_default()
}

fn author_key(author: &Identity) -> String {
	serde_json::to_string(author).unwrap_or_default()
}

impl Withdrawal {
	/// Its kind, as the `withdrawals` table records it.
	fn kind(&self) -> &'static str {
		match self {
			Withdrawal::Post(_) => "post",
			Withdrawal::Author(_) => "author",
		}
	}

	/// The column of `posts` and `queue` it names rows by, and the value.
	fn column(&self) -> (&'static str, String) {
		match self {
			Withdrawal::Post(id) => ("source", id.clone()),
			Withdrawal::Author(author) => ("author", author_key(author)),
		}
	}
}

/// Seconds since 1970, as rows record when they were written.
pub fn now() -> i64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn proof_blob(proof: &[Hash]) -> Vec<u8> {
	proof.iter().flat_map(|hash| hash.0).collect()
}

fn hashes(blob: &[u8]) -> Vec<Hash> {
	blob.chunks_exact(32).map(Hash::from_slice).collect()
}

fn decode_record(blob: &[u8]) -> rusqlite::Result<PostRecord> {
	PostRecord::decode(&mut &blob[..]).map_err(|e| {
		rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
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
		match connection.execute_batch(setup) {
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

	fn migrate(&mut self) -> Result<()> {
		let version: usize =
			self.connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
		if version > MIGRATIONS.len() {
			bail!(
				"{} has schema version {version}, written by a newer bridge (this one knows up to \
				 {})",
				self.path.display(),
				MIGRATIONS.len()
			);
		}
		if version > 0 && version < LEAF_FORMAT_2 {
			let posts: i64 = self.connection.query_row(
				"SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM queue)",
				[],
				|row| row.get(0),
			)?;
			if posts > 0 {
				bail!(
					"{} holds {posts} posts read by a bridge of leaf format 1 (schema version \
					 {version}); the chain's leaves are of format 2 (a salt and a scrubbed hash, \
					 docs/design.md): read the exports or sources again into a new store",
					self.path.display()
				);
			}
		}
		for (applied, migration) in MIGRATIONS.iter().enumerate().skip(version) {
			let tx = self.connection.transaction()?;
			tx.execute_batch(migration).with_context(|| {
				format!("migrating {} to version {}", self.path.display(), applied + 1)
			})?;
			tx.pragma_update(None, "user_version", applied + 1)?;
			tx.commit()?;
		}
		Ok(())
	}

	/// Whether the post is in a batch (registered, or pending and not abandoned).
	pub fn contains(&self, platform: PlatformId, post: &PostId) -> Result<bool> {
		let mut query = self
			.connection
			.prepare_cached("SELECT 1 FROM posts WHERE platform = ?1 AND post = ?2")?;
		Ok(query.exists(params![platform, post_key(post)])?)
	}

	/// The registered post, with its proof.
	pub fn get(&self, platform: PlatformId, post: &PostId) -> Result<Option<RegisteredPost>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.platform = ?1 AND p.post = ?2 AND b.state = 'registered'",
		)?;
		Ok(query.query_row(params![platform, post_key(post)], registered_post).optional()?)
	}

	/// Every registered post, by platform and post id.
	pub fn posts(&self) -> Result<Vec<RegisteredPost>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE b.state = 'registered' ORDER BY p.platform, p.post",
		)?;
		let rows = query.query_map([], registered_post)?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Up to `limit` registered, not revoked posts of `platform` after `after`, in the store's
	/// order (batches as recorded, leaves in order), with their content and labels: what the
	/// gateway serves, page by page. A page's last position is the next page's `after`. (The
	/// unary `+` keeps SQLite from the primary key's `platform`, which would sort every post of
	/// the platform for each page, on the index in page order.)
	pub fn page(
		&self,
		platform: PlatformId,
		after: Position,
		limit: usize,
	) -> Result<Vec<(Position, Served)>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof, p.content, p.labels, p.batch
			 FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE +p.platform = ?1 AND b.state = 'registered' AND p.revoked IS NULL
			   AND (p.batch, p.leaf) > (?2, ?3)
			 ORDER BY p.batch, p.leaf LIMIT ?4",
		)?;
		let rows =
			query.query_map(params![platform, after.batch, after.leaf, limit as i64], |row| {
				let post = registered_post(row)?;
				let labels: Option<String> = row.get(5)?;
				let served = Served {
					content: row.get(4)?,
					labels: labels.and_then(|l| serde_json::from_str(&l).ok()).unwrap_or_default(),
					post,
				};
				Ok((Position { batch: row.get(6)?, leaf: row.get(1)? }, served))
			})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// The registered posts of `platform` at `positions` (those the store has; revoked ones
	/// too): what a gateway re-checks for a buyer honouring withdrawals.
	pub fn at_positions(
		&self,
		platform: PlatformId,
		positions: &[Position],
	) -> Result<Vec<(Position, RegisteredPost)>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.batch = ?1 AND p.leaf = ?2 AND p.platform = ?3 AND b.state = 'registered'",
		)?;
		let mut found = Vec::new();
		for position in positions {
			let post = query
				.query_row(params![position.batch, position.leaf, platform], registered_post)
				.optional()?;
			found.extend(post.map(|post| (*position, post)));
		}
		Ok(found)
	}

	/// The registered, not revoked posts that `withdrawal` names (of `platform` only, if given).
	pub fn withdrawn(
		&self,
		platform: Option<PlatformId>,
		withdrawal: &Withdrawal,
	) -> Result<Vec<RegisteredPost>> {
		let (column, value) = withdrawal.column();
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.{column} = ?1 AND (?2 IS NULL OR p.platform = ?2)
			   AND b.state = 'registered' AND p.revoked IS NULL ORDER BY b.id, p.leaf"
		))?;
		let rows = query.query_map(params![value, platform], registered_post)?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// How many registered posts (revoked or not) have this id at the source.
	pub fn count_by_source(&self, platform: Option<PlatformId>, id: &str) -> Result<usize> {
		let mut query = self.connection.prepare_cached(
			"SELECT count(*) FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.source = ?1 AND (?2 IS NULL OR p.platform = ?2) AND b.state = 'registered'",
		)?;
		Ok(query.query_row(params![id, platform], |row| row.get::<_, i64>(0))? as usize)
	}

	/// Whether some post `withdrawal` names is in a batch whose fate is not known yet, or that
	/// is not known to be active (the chain revokes only posts of active batches).
	pub fn withdrawal_pending(
		&self,
		platform: PlatformId,
		withdrawal: &Withdrawal,
	) -> Result<bool> {
		let (column, value) = withdrawal.column();
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT 1 FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.{column} = ?1 AND p.platform = ?2 AND p.revoked IS NULL
			   AND (b.state = 'pending' OR b.activated = 0)"
		))?;
		Ok(query.exists(params![value, platform])?)
	}

	/// Whether the store has (in a batch or queued) a post `withdrawal` names: what a follower
	/// keeps of the source's withdrawals (the others name posts it never had).
	pub fn knows(&self, platform: PlatformId, withdrawal: &Withdrawal) -> Result<bool> {
		let (column, value) = withdrawal.column();
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT EXISTS (SELECT 1 FROM posts WHERE {column} = ?1 AND platform = ?2)
			     OR EXISTS (SELECT 1 FROM queue WHERE {column} = ?1 AND platform = ?2)"
		))?;
		Ok(query.query_row(params![value, platform], |row| row.get(0))?)
	}

	/// The author of the post (in a batch or queued) with this id at the source.
	pub fn source_author(&self, platform: PlatformId, id: &str) -> Result<Option<Identity>> {
		let mut query = self.connection.prepare_cached(
			"SELECT author FROM posts WHERE source = ?1 AND platform = ?2
			 UNION ALL SELECT author FROM queue WHERE source = ?1 AND platform = ?2 LIMIT 1",
		)?;
		let author: Option<String> =
			query.query_row(params![id, platform], |row| row.get(0)).optional()?;
		Ok(author.and_then(|author| serde_json::from_str(&author).ok()))
	}

	/// The gateway's secret key (pseudonyms): made on first use.
	pub fn gateway_secret(&mut self) -> Result<[u8; 32]> {
		self.secret(GATEWAY_SECRET)
	}

	/// The key posts' salts are made with: made on first use.
	pub fn salt_key(&mut self) -> Result<crate::formats::SaltKey> {
		self.secret(SALT_KEY).map(crate::formats::SaltKey)
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

	/// The URI of the Mastodon status (in a batch or queued) with this id.
	pub fn status_uri(&self, platform: PlatformId, status: &str) -> Result<Option<String>> {
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT source FROM posts WHERE platform = ?1 AND {STATUS_ID} = ?2
			 UNION ALL SELECT source FROM queue WHERE platform = ?1 AND {STATUS_ID} = ?2 LIMIT 1"
		))?;
		Ok(query.query_row(params![platform, status], |row| row.get(0)).optional()?)
	}

	/// Records that these posts are revoked on chain.
	pub fn mark_revoked(&mut self, posts: &[RegisteredPost]) -> Result<()> {
		let tx = self.connection.transaction()?;
		{
			let mut update = tx.prepare_cached(
				"UPDATE posts SET revoked = ?3 WHERE platform = ?1 AND post = ?2 AND revoked IS NULL",
			)?;
			let at = now();
			for post in posts {
				update.execute(params![post.post.platform, post_key(&post.post.post), at])?;
			}
		}
		Ok(tx.commit()?)
	}

	/// The registered batches not known to be settled (active with their tail over, or gone),
	/// with their posts in leaf order.
	pub fn inactive_batches(&self) -> Result<BTreeMap<BatchId, Vec<PostRecord>>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.record FROM batches b JOIN posts p ON p.batch = b.key
			 WHERE b.state = 'registered' AND b.released = 0 ORDER BY b.id, p.leaf",
		)?;
		let mut batches = BTreeMap::<BatchId, Vec<PostRecord>>::new();
		let rows = query
			.query_map([], |row| Ok((row.get(0)?, decode_record(&row.get::<_, Vec<u8>>(1)?)?)))?;
		for row in rows {
			let (id, record) = row?;
			batches.entry(id).or_default().push(record);
		}
		Ok(batches)
	}

	/// The registered post at leaf `index` of batch `id`, with its proof.
	pub fn leaf(&self, id: BatchId, index: u32) -> Result<Option<RegisteredPost>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE b.id = ?1 AND b.state = 'registered' AND p.leaf = ?2",
		)?;
		Ok(query.query_row(params![id, index], registered_post).optional()?)
	}

	/// Records that batch `id` is active: its posts can be revoked. Its tail is still watched.
	pub fn mark_active(&mut self, id: BatchId) -> Result<()> {
		self.connection
			.execute("UPDATE batches SET activated = 1 WHERE id = ?1", params![id])?;
		Ok(())
	}

	/// Records that batch `id` is settled: active with its tail over (or gone: voided by a
	/// challenge), so that it is not looked at again.
	pub fn mark_settled(&mut self, id: BatchId) -> Result<()> {
		self.connection
			.execute("UPDATE batches SET activated = 1, released = 1 WHERE id = ?1", params![id])?;
		Ok(())
	}

	/// Batches submitted and not yet known to be registered, by nonce.
	pub fn pending(&self) -> Result<Vec<Pending>> {
		let mut batches = self.connection.prepare_cached(
			"SELECT key, root, batches_before, nonce FROM batches WHERE state = 'pending'
			 ORDER BY nonce",
		)?;
		let mut posts = self
			.connection
			.prepare_cached("SELECT record FROM posts WHERE batch = ?1 ORDER BY leaf")?;
		let rows = batches.query_map([], |row| {
			Ok((
				row.get::<_, i64>(0)?,
				Hash::from_slice(&row.get::<_, [u8; 32]>(1)?),
				row.get(2)?,
				row.get(3)?,
			))
		})?;
		let mut pending = Vec::new();
		for row in rows {
			let (key, root, batches_before, nonce) = row?;
			let records =
				posts.query_map(params![key], |row| decode_record(&row.get::<_, Vec<u8>>(0)?))?;
			let posts = records.collect::<rusqlite::Result<_>>()?;
			pending.push(Pending { root, batches_before, nonce, posts });
		}
		Ok(pending)
	}

	/// How many posts are registered.
	pub fn len(&self) -> Result<usize> {
		let query = "SELECT count(*) FROM posts p JOIN batches b ON b.key = p.batch
			WHERE b.state = 'registered'";
		Ok(self.connection.query_row(query, [], |row| row.get::<_, i64>(0))? as usize)
	}

	/// Records a batch about to be submitted with `nonce`: its posts are taken from then on.
	pub fn add_pending(
		&mut self,
		platform: PlatformId,
		root: Hash,
		batches_before: BatchId,
		nonce: u64,
		posts: &[Post],
	) -> Result<()> {
		let tx = self.connection.transaction()?;
		add_pending(&tx, platform, root, batches_before, nonce, posts)?;
		Ok(tx.commit()?)
	}

	/// A pending batch never reached the chain: its posts are free to register again.
	pub fn abandon(&mut self, root: Hash) -> Result<()> {
		let tx = self.connection.transaction()?;
		abandon(&tx, root)?;
		Ok(tx.commit()?)
	}

	/// The pending batch with `root` is batch `id` on chain, finalized in `block`: its posts get
	/// their proofs (all computed in one pass over the tree). Returns how many posts it holds.
	pub fn register(&mut self, root: Hash, id: BatchId, block: Hash) -> Result<usize> {
		let tx = self.connection.transaction()?;
		let posts = register(&tx, root, id, block)?;
		tx.commit()?;
		Ok(posts)
	}

	/// Posts read from a live source: queued (each once) with the source's new cursor, in one
	/// transaction.
	pub fn enqueue(
		&mut self,
		posts: &[Post],
		withdrawals: &[(PlatformId, Withdrawal, String)],
		cursor: Option<(&str, &str)>,
	) -> Result<usize> {
		let tx = self.connection.transaction()?;
		let mut queued = 0;
		{
			let mut insert = tx.prepare_cached(
				"INSERT OR IGNORE INTO queue
				 (platform, post, source, author, record, event, content, seen, labels)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			)?;
			let seen = now();
			for post in posts {
				let record = &post.record;
				queued += insert.execute(params![
					record.platform,
					post_key(&record.post),
					source_id(&record.post),
					author_key(&record.author),
					record.encode(),
					post.event.as_ref().map(encode_event),
					post.content,
					seen,
					labels_json(&post.labels),
				])?;
			}
			let mut withdraw = tx.prepare_cached(
				"INSERT OR IGNORE INTO withdrawals (platform, kind, target, reason, seen)
				 VALUES (?1, ?2, ?3, ?4, ?5)",
			)?;
			for (platform, withdrawal, reason) in withdrawals {
				let (_, target) = withdrawal.column();
				withdraw.execute(params![platform, withdrawal.kind(), target, reason, seen])?;
			}
		}
		if let Some((source, value)) = cursor {
			set_cursor(&tx, source, value)?;
		}
		tx.commit()?;
		Ok(queued)
	}

	/// The queued posts seen at or before `seen` (seconds since 1970), oldest first.
	pub fn queued(&self, seen: i64) -> Result<Vec<Post>> {
		let mut query = self.connection.prepare_cached(
			"SELECT record, event, content, labels FROM queue WHERE seen <= ?1 ORDER BY seen",
		)?;
		let rows = query.query_map(params![seen], |row| {
			let record = decode_record(&row.get::<_, Vec<u8>>(0)?)?;
			let event = row.get::<_, Option<Vec<u8>>>(1)?.and_then(|blob| decode_event(&blob));
			Ok(Post {
				position: crate::formats::Position::Line(0),
				record,
				event,
				content: row.get(2)?,
				labels: row
					.get::<_, Option<String>>(3)?
					.and_then(|labels| serde_json::from_str(&labels).ok())
					.unwrap_or_default(),
			})
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Removes these posts from the queue (registered, refused or withdrawn).
	pub fn dequeue(&mut self, posts: &[Post]) -> Result<()> {
		let tx = self.connection.transaction()?;
		{
			let mut delete =
				tx.prepare_cached("DELETE FROM queue WHERE platform = ?1 AND post = ?2")?;
			for post in posts {
				delete.execute(params![post.record.platform, post_key(&post.record.post)])?;
			}
		}
		Ok(tx.commit()?)
	}

	/// How many posts are queued.
	pub fn queue_len(&self) -> Result<usize> {
		let count = self
			.connection
			.query_row("SELECT count(*) FROM queue", [], |row| row.get::<_, i64>(0))?;
		Ok(count as usize)
	}

	/// The withdrawals not yet carried out, with their reasons.
	pub fn withdrawals(&self) -> Result<Vec<(PlatformId, Withdrawal, String)>> {
		let mut query = self.connection.prepare_cached(
			"SELECT platform, kind, target, reason FROM withdrawals ORDER BY seen",
		)?;
		let rows = query.query_map([], |row| {
			let platform: PlatformId = row.get(0)?;
			let kind: String = row.get(1)?;
			let target: String = row.get(2)?;
			Ok((platform, kind, target, row.get::<_, String>(3)?))
		})?;
		let mut withdrawals = Vec::new();
		for row in rows {
			let (platform, kind, target, reason) = row?;
			let withdrawal = if kind == "author" {
				Withdrawal::Author(serde_json::from_str(&target).context("a withdrawn author")?)
			} else {
				Withdrawal::Post(target)
			};
			withdrawals.push((platform, withdrawal, reason));
		}
		Ok(withdrawals)
	}

	/// Drops the queued posts a withdrawal names (they are never registered); returns how many.
	pub fn withdraw_queued(
		&mut self,
		platform: PlatformId,
		withdrawal: &Withdrawal,
	) -> Result<usize> {
		let (column, value) = withdrawal.column();
		Ok(self.connection.execute(
			&format!("DELETE FROM queue WHERE {column} = ?1 AND platform = ?2"),
			params![value, platform],
		)?)
	}

	/// A withdrawal was carried out (or found nothing to withdraw).
	pub fn withdrawal_done(&mut self, platform: PlatformId, withdrawal: &Withdrawal) -> Result<()> {
		let ((_, target), kind) = (withdrawal.column(), withdrawal.kind());
		self.connection.execute(
			"DELETE FROM withdrawals WHERE platform = ?1 AND kind = ?2 AND target = ?3",
			params![platform, kind, target],
		)?;
		Ok(())
	}

	/// Where `source` stopped.
	pub fn cursor(&self, source: &str) -> Result<Option<String>> {
		let query = "SELECT value FROM cursors WHERE source = ?1";
		Ok(self.connection.query_row(query, params![source], |row| row.get(0)).optional()?)
	}
}

fn registered_post(row: &rusqlite::Row) -> rusqlite::Result<RegisteredPost> {
	Ok(RegisteredPost {
		batch: row.get(0)?,
		index: row.get(1)?,
		post: decode_record(&row.get::<_, Vec<u8>>(2)?)?,
		proof: hashes(&row.get::<_, Option<Vec<u8>>>(3)?.unwrap_or_default()),
	})
}

fn add_pending(
	tx: &Transaction,
	platform: PlatformId,
	root: Hash,
	batches_before: BatchId,
	nonce: u64,
	posts: &[Post],
) -> Result<()> {
	tx.execute(
		"INSERT INTO batches (root, platform, state, batches_before, nonce)
		 VALUES (?1, ?2, 'pending', ?3, ?4)",
		params![root.as_bytes(), platform, batches_before, nonce],
	)?;
	let key = tx.last_insert_rowid();
	let mut insert = tx.prepare_cached(
		"INSERT INTO posts (platform, post, source, author, batch, leaf, record, content, labels)
		 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	)?;
	for (leaf, post) in posts.iter().enumerate() {
		let record = &post.record;
		insert
			.execute(params![
				record.platform,
				post_key(&record.post),
				source_id(&record.post),
				author_key(&record.author),
				key,
				leaf as u32,
				record.encode(),
				post.content,
				labels_json(&post.labels),
			])
			.with_context(|| format!("storing post {}", source_id(&record.post)))?;
	}
	Ok(())
}

/// Labels as the store keeps them: a JSON array, or NULL for none.
fn labels_json(labels: &[String]) -> Option<String> {
	(!labels.is_empty()).then(|| serde_json::to_string(labels).unwrap_or_default())
}

fn abandon(tx: &Transaction, root: Hash) -> Result<()> {
	tx.execute(
		"DELETE FROM posts WHERE batch IN
		 (SELECT key FROM batches WHERE root = ?1 AND state = 'pending')",
		params![root.as_bytes()],
	)?;
	tx.execute(
		"UPDATE batches SET state = 'abandoned' WHERE root = ?1 AND state = 'pending'",
		params![root.as_bytes()],
	)?;
	Ok(())
}

fn register(tx: &Transaction, root: Hash, id: BatchId, block: Hash) -> Result<usize> {
	let key: i64 = tx
		.query_row(
			"SELECT key FROM batches WHERE root = ?1 AND state = 'pending'",
			params![root.as_bytes()],
			|row| row.get(0),
		)
		.optional()?
		.with_context(|| format!("no pending batch with root {root:?} in the store"))?;
	let records: Vec<(String, PostRecord)> = {
		let mut query =
			tx.prepare_cached("SELECT post, record FROM posts WHERE batch = ?1 ORDER BY leaf")?;
		let rows = query.query_map(params![key], |row| {
			Ok((row.get(0)?, decode_record(&row.get::<_, Vec<u8>>(1)?)?))
		})?;
		rows.collect::<rusqlite::Result<_>>()?
	};
	let leaves: Vec<Hash> = records.iter().map(|(_, record)| record.leaf_hash()).collect();
	let mut update =
		tx.prepare_cached("UPDATE posts SET proof = ?3 WHERE platform = ?1 AND post = ?2")?;
	for ((post, record), proof) in records.iter().zip(batch_proofs(&leaves)) {
		update.execute(params![record.platform, post, proof_blob(&proof)])?;
	}
	tx.execute(
		"UPDATE batches SET state = 'registered', id = ?2, block = ?3 WHERE key = ?1",
		params![key, id, block.as_bytes()],
	)?;
	Ok(records.len())
}

fn set_cursor(tx: &Transaction, source: &str, value: &str) -> Result<()> {
	tx.execute(
		"INSERT INTO cursors (source, value, updated) VALUES (?1, ?2, ?3)
		 ON CONFLICT (source) DO UPDATE SET value = ?2, updated = ?3",
		params![source, value, now()],
	)?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use licentia_primitives::content::batch_proof;
	use std::time::Instant;

	fn post(n: u64) -> Post {
		Post::from_record(PostRecord {
			platform: 3,
			post: PostId::X { id: n },
			content_hash: Hash::repeat_byte(n as u8),
			author: Identity::X(n / 16),
			salt: Default::default(),
			scrubbed_hash: Default::default(),
		})
	}

	fn temp_store(name: &str) -> (PathBuf, Store) {
		let dir = std::env::temp_dir().join(format!("store-{name}-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("store.db");
		let _ = std::fs::remove_file(&path);
		let store = Store::open(&path).unwrap();
		(dir, store)
	}

	#[test]
	fn a_batch_goes_from_pending_to_registered_with_every_proof() {
		let (dir, mut store) = temp_store("register");
		let posts: Vec<Post> = (0..37).map(post).collect();
		let leaves: Vec<Hash> = posts.iter().map(|p| p.record.leaf_hash()).collect();
		let root = licentia_primitives::content::batch_root(leaves.clone());
		store.add_pending(3, root, 5, 9, &posts).unwrap();
		assert!(store.contains(3, &PostId::X { id: 4 }).unwrap(), "taken while pending");
		assert_eq!(store.len().unwrap(), 0);
		assert_eq!(store.pending().unwrap()[0].nonce, 9);
		assert_eq!(store.register(root, 7, Hash::zero()).unwrap(), 37);
		assert!(store.pending().unwrap().is_empty());
		for (index, leaf) in leaves.iter().enumerate() {
			let got = store.get(3, &posts[index].record.post).unwrap().unwrap();
			assert_eq!((got.batch, got.index), (7, index as u32));
			assert_eq!(got.proof, batch_proof(leaves.clone(), index as u32));
			assert!(licentia_primitives::content::verify_batch_proof(
				&root,
				&got.proof,
				37,
				index as u32,
				*leaf
			));
		}
		// A second batch with the same posts cannot be recorded: a post is in one batch.
		assert!(store.add_pending(3, Hash::repeat_byte(1), 8, 10, &posts[..1]).is_err());
		// Revocation marks, withdrawals by source id and by author.
		let by_id = store.withdrawn(None, &Withdrawal::Post("4".into())).unwrap();
		assert_eq!(by_id.len(), 1);
		store.mark_revoked(&by_id).unwrap();
		assert!(store.withdrawn(None, &Withdrawal::Post("4".into())).unwrap().is_empty());
		assert_eq!(store.count_by_source(Some(3), "4").unwrap(), 1);
		let by_author = store.withdrawn(Some(3), &Withdrawal::Author(Identity::X(0))).unwrap();
		assert_eq!(by_author.len(), 15, "author 0's 16 posts less the revoked one");
		std::fs::remove_dir_all(dir).unwrap();
	}

	/// A store of leaf format 1 holding posts is refused with what to do; an empty one, or one
	/// made by this bridge, opens. Its keys are made once and kept.
	#[test]
	fn a_store_of_posts_read_for_the_first_leaf_format_is_refused() {
		let (dir, mut store) = temp_store("format");
		let key = store.salt_key().unwrap().0;
		assert_eq!(store.salt_key().unwrap().0, key, "kept");
		assert_ne!(store.gateway_secret().unwrap(), key, "one key per use");
		// Back to version 4's schema: the later migrations run again.
		let back = |store: &Store| {
			store
				.connection
				.execute_batch("ALTER TABLE batches DROP COLUMN released")
				.unwrap();
			store.connection.pragma_update(None, "user_version", LEAF_FORMAT_2 - 1).unwrap();
		};
		back(&store);
		drop(store);
		let mut store = Store::open(&dir.join("store.db")).expect("no posts: migrated");
		assert_eq!(store.salt_key().unwrap().0, key);
		store.enqueue(&[post(1)], &[], None).unwrap();
		back(&store);
		drop(store);
		let error = Store::open(&dir.join("store.db")).err().expect("refused").to_string();
		assert!(error.contains("holds 1 posts read by a bridge of leaf format 1"), "{error}");
		assert!(error.contains("into a new store"), "{error}");
		std::fs::remove_dir_all(dir).unwrap();
	}

	#[test]
	fn the_queue_keeps_each_post_once_with_its_cursor() {
		let (dir, mut store) = temp_store("queue");
		let posts: Vec<Post> = (0..3).map(post).collect();
		let withdrawal = (3, Withdrawal::Post("1".into()), "deleted".to_string());
		assert_eq!(
			store
				.enqueue(&posts, std::slice::from_ref(&withdrawal), Some(("s", "10")))
				.unwrap(),
			3
		);
		// Read again after a rewind: nothing new.
		assert_eq!(
			store
				.enqueue(&posts[1..], std::slice::from_ref(&withdrawal), Some(("s", "12")))
				.unwrap(),
			0
		);
		assert_eq!(store.cursor("s").unwrap().as_deref(), Some("12"));
		assert_eq!(store.queue_len().unwrap(), 3);
		assert!(store.knows(3, &withdrawal.1).unwrap());
		assert_eq!(store.withdrawals().unwrap(), vec![withdrawal.clone()]);
		assert_eq!(store.withdraw_queued(3, &withdrawal.1).unwrap(), 1);
		let queued = store.queued(now()).unwrap();
		assert_eq!(queued.len(), 2);
		assert!(store.queued(now() - 3600).unwrap().is_empty(), "nothing an hour old");
		store.dequeue(&queued).unwrap();
		store.withdrawal_done(3, &withdrawal.1).unwrap();
		assert_eq!((store.queue_len().unwrap(), store.withdrawals().unwrap().len()), (0, 0));
		std::fs::remove_dir_all(dir).unwrap();
	}

	/// A streamed Mastodon deletion names a status id: it finds the status (queued or in a
	/// batch) through an index, not a scan.
	#[test]
	fn a_status_is_found_by_its_id() {
		let (dir, mut store) = temp_store("status");
		let status = |id: u64| {
			let uri = format!("https://social.example/users/alice/statuses/{id}");
			let mut post = post(id);
			post.record.post =
				PostId::Mastodon { uri: uri.into_bytes().try_into().expect("short") };
			post.record.author =
				Identity::Mastodon(b"alice@social.example".to_vec().try_into().unwrap());
			post
		};
		let (queued, batched) = (status(113_000_000_000_000_001), status(113_000_000_000_000_002));
		store.enqueue(std::slice::from_ref(&queued), &[], None).unwrap();
		store
			.add_pending(3, Hash::repeat_byte(2), 0, 0, std::slice::from_ref(&batched))
			.unwrap();
		for post in [&queued, &batched] {
			let id = source_id(&post.record.post);
			let status = id.rsplit('/').next().unwrap();
			assert_eq!(store.status_uri(3, status).unwrap(), Some(id.clone()));
		}
		assert_eq!(store.status_uri(3, "113000000000000003").unwrap(), None);
		assert_eq!(store.status_uri(4, "113000000000000001").unwrap(), None, "another platform");
		for table in ["posts", "queue"] {
			let plan: String = store
				.connection
				.query_row(
					&format!("EXPLAIN QUERY PLAN SELECT source FROM {table} WHERE platform = 3 AND {STATUS_ID} = '1'"),
					[],
					|row| row.get(3),
				)
				.unwrap();
			assert!(plan.contains(&format!("USING INDEX {table}_by_status")), "{plan}");
		}
		std::fs::remove_dir_all(dir).unwrap();
	}

	/// The gateway's pages: every post once, in order, from any cursor, read in index order.
	#[test]
	fn pages_follow_the_store_order_from_a_cursor() {
		let (dir, mut store) = temp_store("pages");
		for (n, root) in [(0..5u64, 1u8), (5..8, 2)] {
			let posts: Vec<Post> = n.map(post).collect();
			let root = Hash::repeat_byte(root);
			store.add_pending(3, root, 0, 0, &posts).unwrap();
			store.register(root, u64::from(root[0]), Hash::zero()).unwrap();
		}
		let mut after = Position::default();
		let mut seen = Vec::new();
		loop {
			let page = store.page(3, after, 3).unwrap();
			let Some((last, _)) = page.last() else { break };
			after = *last;
			seen.extend(page.into_iter().map(|(_, served)| served.post.post.post.clone()));
		}
		assert_eq!(seen, (0..8).map(|n| PostId::X { id: n }).collect::<Vec<_>>());
		assert!(store.page(4, Position::default(), 3).unwrap().is_empty(), "another platform");
		let plan: String = store
			.connection
			.query_row(
				"EXPLAIN QUERY PLAN SELECT 1 FROM posts p WHERE +p.platform = 3 AND (p.batch, p.leaf) > (0, 0) ORDER BY p.batch, p.leaf",
				[],
				|row| row.get(3),
			)
			.unwrap();
		assert!(plan.contains("posts_by_batch"), "{plan}");
		std::fs::remove_dir_all(dir).unwrap();
	}

	/// The follower's reader and registrar each have a connection to one store.
	#[test]
	fn two_connections_see_each_others_writes() {
		let (dir, mut registrar) = temp_store("two");
		let mut reader = Store::open(&dir.join("store.db")).unwrap();
		let posts: Vec<Post> = (0..5).map(post).collect();
		reader.enqueue(&posts, &[], Some(("s", "1"))).unwrap();
		let due = registrar.queued(now()).unwrap();
		assert_eq!(due.len(), 5);
		for p in &due {
			assert!(!registrar.contains(3, &p.record.post).unwrap());
		}
		let leaves: Vec<Hash> = due.iter().map(|p| p.record.leaf_hash()).collect();
		let root = licentia_primitives::content::batch_root(leaves);
		registrar.add_pending(3, root, 0, 0, &due).unwrap();
		reader.enqueue(&posts, &[], Some(("s", "2"))).unwrap();
		registrar.register(root, 0, Hash::zero()).unwrap();
		registrar.dequeue(&due).unwrap();
		let third = Store::open(&dir.join("store.db")).unwrap();
		assert_eq!((third.len().unwrap(), third.queue_len().unwrap()), (5, 0));
		std::fs::remove_dir_all(dir).unwrap();
	}

	/// `scripts/bench-ingest`: the proofs of a 65,536-post batch, one tree pass against one
	/// tree per leaf (timed on 256 leaves and scaled), and recording the batch in the store.
	#[test]
	#[ignore]
	fn proofs_of_a_65536_post_batch() {
		const POSTS: u64 = 65_536;
		let posts: Vec<Post> = (0..POSTS).map(post).collect();
		let leaves: Vec<Hash> = posts.iter().map(|p| p.record.leaf_hash()).collect();

		let started = Instant::now();
		let all = batch_proofs(&leaves);
		let one_pass = started.elapsed().as_secs_f64();
		let sample = 256;
		let started = Instant::now();
		for index in 0..sample {
			assert_eq!(batch_proof(leaves.clone(), index), all[index as usize]);
		}
		let per_leaf = started.elapsed().as_secs_f64() / sample as f64;
		println!(
			"proofs of {POSTS} posts: one pass {one_pass:.3} s; one tree per leaf {:.1} s \
			 ({:.2} ms per leaf, timed on {sample} leaves)",
			per_leaf * POSTS as f64,
			per_leaf * 1e3
		);

		let (dir, mut store) = temp_store("bench");
		let root = licentia_primitives::content::batch_root(leaves);
		let started = Instant::now();
		store.add_pending(3, root, 0, 0, &posts).unwrap();
		let pending = started.elapsed().as_secs_f64();
		let started = Instant::now();
		store.register(root, 0, Hash::zero()).unwrap();
		let registered = started.elapsed().as_secs_f64();
		store.connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
		println!(
			"store: {POSTS} posts written pending in {pending:.2} s, registered with their \
			 proofs in {registered:.2} s; {:.1} MB on disk after a checkpoint",
			["store.db", "store.db-wal"]
				.iter()
				.map(|f| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len()))
				.sum::<u64>() as f64
				/ 1e6
		);
		std::fs::remove_dir_all(dir).unwrap();
	}
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
