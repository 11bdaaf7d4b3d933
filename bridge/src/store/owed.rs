//! The data gateway's deliveries owed: records served to uncapped licenses and not yet recorded
//! on chain (`owed`, a count per license, written before the records are sent), and the
//! transactions recording them (`recordings`, each with the counts it carries in
//! `recording_counts`), stored signed before they are submitted and removed only once a
//! finalized block holds them, or once they can never be included (their counts are then owed
//! again).
//!
//! Counts move between the two in one SQLite transaction each way, so a count is always in
//! exactly one place, whichever process (several gateways may share a store) or crash
//! interrupts what.

use super::Store;
use anyhow::Result;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;

/// A transaction recording owed deliveries, signed and not yet known to be on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
	/// Its hash.
	pub hash: [u8; 32],
	/// The signer's nonce it uses: once the chain's is past it, it is on chain or never will be.
	pub nonce: u64,
	/// The finalized block it was signed at: it is in a later block or none.
	pub born: u64,
	/// The last block it may be in (it is mortal).
	pub dies: u64,
	/// Its bytes, to submit it again.
	pub extrinsic: Vec<u8>,
	/// The deliveries it records (or, for a reservation, asks to reserve), per license.
	pub counts: BTreeMap<u64, u64>,
	/// Whether it reserves deliveries of capped licenses (`licensing.reserveDeliveries`) rather
	/// than records what is owed: its counts were never owed.
	pub reserves: bool,
}

impl Store {
	/// Adds `count` deliveries of license `license` to what is owed.
	pub fn owe(&mut self, license: u64, count: u64) -> Result<()> {
		if count == 0 {
			return Ok(());
		}
		self.connection.execute(
			"INSERT INTO owed (license, count) VALUES (?1, ?2)
			ON CONFLICT (license) DO UPDATE SET count = count + excluded.count",
			params![license as i64, count as i64],
		)?;
		Ok(())
	}

	/// What is owed and in no recording yet: up to `limit` licenses, with their counts.
	pub fn owed(&self, limit: usize) -> Result<BTreeMap<u64, u64>> {
		let mut query = self
			.connection
			.prepare_cached("SELECT license, count FROM owed ORDER BY license LIMIT ?1")?;
		let rows = query.query_map([limit as i64], |row| {
			Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64))
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// The deliveries of license `license` owed and in no recording yet.
	pub fn owed_to(&self, license: u64) -> Result<u64> {
		let query = "SELECT count FROM owed WHERE license = ?1";
		let count = self.connection.query_row(query, [license as i64], |row| row.get::<_, i64>(0));
		Ok(count.optional()?.unwrap_or(0) as u64)
	}

	/// Moves `recording`'s counts from what is owed into it, and stores it: to be done before it
	/// is submitted. `false`, and nothing changed, if less is owed than it counts (another
	/// gateway on this store took part of it meanwhile).
	pub fn start_recording(&mut self, recording: &Recording) -> Result<bool> {
		let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
		let owed = if recording.reserves { &BTreeMap::new() } else { &recording.counts };
		for (&license, &count) in owed {
			let query = "SELECT count FROM owed WHERE license = ?1";
			let owed: Option<i64> =
				tx.query_row(query, [license as i64], |row| row.get(0)).optional()?;
			let left = owed.unwrap_or(0) - count as i64;
			if left < 0 {
				return Ok(false); // the transaction is dropped: rolled back
			}
			match left {
				0 => tx.execute("DELETE FROM owed WHERE license = ?1", [license as i64])?,
				_ => tx.execute(
					"UPDATE owed SET count = ?2 WHERE license = ?1",
					params![license as i64, left],
				)?,
			};
		}
		tx.execute(
			"INSERT INTO recordings (hash, nonce, born, dies, extrinsic, reserves)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			params![
				&recording.hash[..],
				recording.nonce as i64,
				recording.born as i64,
				recording.dies as i64,
				recording.extrinsic,
				recording.reserves,
			],
		)?;
		for (&license, &count) in &recording.counts {
			tx.execute(
				"INSERT INTO recording_counts (recording, license, count) VALUES (?1, ?2, ?3)",
				params![&recording.hash[..], license as i64, count as i64],
			)?;
		}
		tx.commit()?;
		Ok(true)
	}

	/// What this store's gateways owe or hold: deliveries not yet recorded on chain, and capped
	/// licenses' allowances not yet served, said in words; `None` if nothing.
	pub fn unsettled(&self) -> Result<Option<String>> {
		let query = "SELECT (SELECT count(*) FROM owed), (SELECT count(*) FROM recordings),
			(SELECT count(*) FROM allowances WHERE granted > served)";
		let counts: (i64, i64, i64) = self
			.connection
			.query_row(query, [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
		let (owed, recordings, allowances) = counts;
		Ok((counts != (0, 0, 0)).then(|| {
			format!(
				"deliveries of {owed} licenses not yet recorded on chain, {recordings} \
				 transactions not yet settled and {allowances} capped licenses' allowances not \
				 yet served"
			)
		}))
	}

	/// The recordings stored and not yet settled, by nonce.
	pub fn recordings(&self) -> Result<Vec<Recording>> {
		let mut recordings = self.connection.prepare_cached(
			"SELECT hash, nonce, born, dies, extrinsic, reserves FROM recordings ORDER BY nonce",
		)?;
		let mut counts = self
			.connection
			.prepare_cached("SELECT license, count FROM recording_counts WHERE recording = ?1")?;
		let rows = recordings.query_map([], |row| {
			Ok(Recording {
				hash: row.get(0)?,
				nonce: row.get::<_, i64>(1)? as u64,
				born: row.get::<_, i64>(2)? as u64,
				dies: row.get::<_, i64>(3)? as u64,
				extrinsic: row.get(4)?,
				counts: BTreeMap::new(),
				reserves: row.get(5)?,
			})
		})?;
		let mut all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
		for recording in &mut all {
			let rows = counts.query_map([&recording.hash[..]], |row| {
				Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64))
			})?;
			recording.counts = rows.collect::<rusqlite::Result<_>>()?;
		}
		Ok(all)
	}

	/// Forgets recording `hash`, which a finalized block holds: its counts are on chain. `false`
	/// if it was settled already (by another gateway on this store).
	pub fn recorded(&mut self, hash: &[u8; 32]) -> Result<bool> {
		let removed =
			self.connection.execute("DELETE FROM recordings WHERE hash = ?1", [&hash[..]])?;
		Ok(removed == 1)
	}

	/// Recording `hash` never reached the chain and never will: its counts are owed again (a
	/// reservation's were never owed). `false` if it was settled already.
	pub fn not_recorded(&mut self, hash: &[u8; 32]) -> Result<bool> {
		let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
		tx.execute(
			"INSERT INTO owed (license, count)
			SELECT license, count FROM recording_counts
			WHERE recording = ?1 AND NOT (SELECT reserves FROM recordings WHERE hash = ?1)
			ON CONFLICT (license) DO UPDATE SET count = count + excluded.count",
			[&hash[..]],
		)?;
		let removed = tx.execute("DELETE FROM recordings WHERE hash = ?1", [&hash[..]])?;
		tx.commit()?;
		Ok(removed == 1)
	}
}
