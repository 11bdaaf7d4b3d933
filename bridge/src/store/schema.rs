//! The store's schema, one migration per version (`PRAGMA user_version`), applied on open.

use super::Store;
use anyhow::{bail, Context, Result};
use rusqlite::OptionalExtension;

/// The schema, one migration per version: version `n` is reached by applying the first `n`.
pub(super) const MIGRATIONS: &[&str] = &[
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
	// 7: the request signatures the gateways on this store accepted, until they expire (ms since
	// 1970), so that a request is served once across every instance (`signatures.rs`).
	"CREATE TABLE used_signatures (signature BLOB PRIMARY KEY, expires INTEGER NOT NULL)
		WITHOUT ROWID;
	CREATE INDEX used_signatures_by_expiry ON used_signatures (expires);",
	// 8: the gateway's deliveries owed: records served to uncapped licenses and not yet
	// recorded on chain, and the transactions recording them, from their signing to their
	// inclusion (`owed.rs`).
	"CREATE TABLE owed (license INTEGER PRIMARY KEY, count INTEGER NOT NULL CHECK (count > 0));
	CREATE TABLE recordings (
		hash BLOB PRIMARY KEY,
		nonce INTEGER NOT NULL,
		born INTEGER NOT NULL,
		dies INTEGER NOT NULL,
		extrinsic BLOB NOT NULL
	);
	CREATE TABLE recording_counts (
		recording BLOB NOT NULL REFERENCES recordings (hash) ON DELETE CASCADE,
		license INTEGER NOT NULL,
		count INTEGER NOT NULL CHECK (count > 0),
		PRIMARY KEY (recording, license)
	) WITHOUT ROWID;",
	// 9: capped licenses' allowances: deliveries reserved on chain for this platform (`granted`,
	// once a finalized block holds the reservation) and how many of them the gateways on this
	// store served (`served`, owed until recorded); and which stored transactions are
	// reservations rather than recordings (`allowances.rs`).
	"CREATE TABLE allowances (
		license INTEGER PRIMARY KEY,
		granted INTEGER NOT NULL,
		served INTEGER NOT NULL,
		CHECK (0 <= served AND served <= granted)
	);
	ALTER TABLE recordings ADD COLUMN reserves INTEGER NOT NULL DEFAULT 0;",
	// 10: leaf format 3 (spec 116). Each post's anonymous leaf (NULL: read under format 2),
	// and once its batch is registered, the leaf's place in the batch's anonymous tree and its
	// proof; whether the chain's sample of it made it public (`exposed`: never delivered
	// anonymised); each batch's anonymous root. Queued posts of format 2 are sealed anew by
	// `seal_queued` after this step.
	"ALTER TABLE posts ADD COLUMN anonymous BLOB;
	ALTER TABLE posts ADD COLUMN anonymous_index INTEGER;
	ALTER TABLE posts ADD COLUMN anonymous_proof BLOB;
	ALTER TABLE posts ADD COLUMN exposed INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE queue ADD COLUMN anonymous BLOB;
	ALTER TABLE batches ADD COLUMN anonymous_root BLOB;
	CREATE INDEX posts_by_anonymous ON posts (batch, anonymous_index)
		WHERE anonymous_index IS NOT NULL;",
];

/// The schema version from which records are of leaf format 2: a store of an older version that
/// holds posts cannot be brought to it (their leaves are not the chain's).
pub(super) const LEAF_FORMAT_2: usize = 5;

/// The schema version from which posts are read under leaf format 3 (anonymous leaves).
pub(super) const LEAF_FORMAT_3: usize = 10;

impl Store {
	pub(super) fn migrate(&mut self) -> Result<()> {
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
		// Each step reads the version again under the write lock: processes opening one store at
		// once (a follower and a gateway) would otherwise apply the same step twice.
		let sealing = version > 0 && version < LEAF_FORMAT_3;
		loop {
			let tx = self
				.connection
				.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
			let version: usize = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
			let Some(migration) = MIGRATIONS.get(version) else { break };
			tx.execute_batch(migration).with_context(|| {
				format!("migrating {} to version {}", self.path.display(), version + 1)
			})?;
			tx.pragma_update(None, "user_version", version + 1)?;
			tx.commit()?;
		}
		if sealing {
			self.seal_queued()?;
		}
		Ok(())
	}

	/// Brings queued posts read under leaf format 2 to format 3: their last field was the
	/// scrubbed text's hash, of which the anonymous leaf is made, and which the text seal
	/// replaces. (Posts in batches keep the leaves the chain has; their batches get anonymous
	/// roots of their own: `anonymize_legacy`.) Idempotent: only rows without an anonymous leaf.
	fn seal_queued(&mut self) -> Result<()> {
		use licentia_primitives::anonymous;
		let tx = self
			.connection
			.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
		{
			let mut rows =
				tx.prepare("SELECT platform, post, record FROM queue WHERE anonymous IS NULL")?;
			let rows: Vec<(i64, String, Vec<u8>)> = rows
				.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
				.collect::<rusqlite::Result<_>>()?;
			if rows.is_empty() {
				return Ok(());
			}
			// The key their salts were made with, which their blinds are made with too.
			let key: Vec<u8> = tx
				.query_row("SELECT value FROM secrets WHERE name = ?1", [super::SALT_KEY], |row| {
					row.get(0)
				})
				.optional()?
				.context("queued posts without the store's salt key")?;
			let key = crate::post::SaltKey(
				key.try_into().map_err(|_| anyhow::anyhow!("the salt key is not 32 bytes"))?,
			);
			let mut update = tx.prepare(
				"UPDATE queue SET record = ?3, anonymous = ?4 WHERE platform = ?1 AND post = ?2",
			)?;
			for (platform, post, record) in rows {
				let mut record = super::decode_record(&record)?;
				let blind = crate::post::blind(&key, &record);
				let leaf =
					anonymous::anonymous_leaf(&anonymous::anonymous_key(&blind), &record.text_seal);
				record.text_seal = anonymous::text_seal(&blind, &leaf);
				update.execute(rusqlite::params![
					platform,
					post,
					codec::Encode::encode(&record),
					leaf.as_bytes()
				])?;
			}
		}
		Ok(tx.commit()?)
	}
}
