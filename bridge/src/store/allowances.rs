//! Capped licenses' allowances: the deliveries reserved on chain for this platform
//! (`licensing.reserveDeliveries`), `granted` once a finalized block holds the reservation, and
//! how many of them the gateways on this store `served`.
//!
//! A gateway serves a capped page by taking from the allowance ([`Store::take`]) in the same
//! SQLite transaction that makes the records owed: the chain then records them from its side of
//! the allowance, as it records uncapped deliveries ([`super::owed`]). Whatever process or crash
//! interrupts what, a record is served only within a reservation the chain holds, so the cap
//! holds across gateways, stores and restarts.

use super::Store;
use anyhow::Result;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;

impl Store {
	/// Takes up to `wanted` deliveries of license `license` from its allowance and makes them
	/// owed, in one transaction: how many it took, and how many the allowance still holds.
	pub fn take(&mut self, license: u64, wanted: u64) -> Result<(u64, u64)> {
		let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
		let query = "SELECT granted - served FROM allowances WHERE license = ?1";
		let left: i64 =
			tx.query_row(query, [license as i64], |row| row.get(0)).optional()?.unwrap_or(0);
		let taken = wanted.min(left.max(0) as u64);
		if taken > 0 {
			tx.execute(
				"UPDATE allowances SET served = served + ?2 WHERE license = ?1",
				params![license as i64, taken as i64],
			)?;
			tx.execute(
				"INSERT INTO owed (license, count) VALUES (?1, ?2)
				ON CONFLICT (license) DO UPDATE SET count = count + excluded.count",
				params![license as i64, taken as i64],
			)?;
		}
		tx.commit()?;
		Ok((taken, left.max(0) as u64 - taken))
	}

	/// The deliveries of license `license` reserved for this store and not yet served, and all
	/// it was granted.
	pub fn allowance(&self, license: u64) -> Result<(u64, u64)> {
		let query = "SELECT granted - served, granted FROM allowances WHERE license = ?1";
		let row = self
			.connection
			.query_row(query, [license as i64], |row| {
				Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
			})
			.optional()?;
		Ok(row.map_or((0, 0), |(left, granted)| (left as u64, granted as u64)))
	}

	/// Whether a reservation of license `license`'s deliveries is stored and not yet settled
	/// (by any gateway on this store).
	pub fn reserving(&self, license: u64) -> Result<bool> {
		let query = "SELECT EXISTS (SELECT 1 FROM recordings JOIN recording_counts
			ON recording_counts.recording = recordings.hash
			WHERE recordings.reserves AND recording_counts.license = ?1)";
		Ok(self.connection.query_row(query, [license as i64], |row| row.get(0))?)
	}

	/// Reservation `hash` is in a finalized block, which granted `granted` per license (what the
	/// chain's `DeliveriesReserved` events say; nothing where it refused): forgotten as a
	/// transaction, added to the allowances. `false` if it was settled already.
	pub fn reserved(&mut self, hash: &[u8; 32], granted: &BTreeMap<u64, u64>) -> Result<bool> {
		let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
		let removed = tx.execute("DELETE FROM recordings WHERE hash = ?1", [&hash[..]])?;
		if removed == 1 {
			for (&license, &count) in granted {
				tx.execute(
					"INSERT INTO allowances (license, granted, served) VALUES (?1, ?2, 0)
					ON CONFLICT (license) DO UPDATE SET granted = granted + excluded.granted",
					params![license as i64, count as i64],
				)?;
			}
		}
		tx.commit()?;
		Ok(removed == 1)
	}
}
