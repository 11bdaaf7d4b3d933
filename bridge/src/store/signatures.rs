//! The request signatures the data gateways on this store accepted (`used_signatures`), shared by
//! every gateway instance that serves from the store: a signature accepted by one is refused by
//! all, for as long as its timestamp could still be accepted anywhere.
//!
//! Each use is one indexed insert and the removal of at most [`SWEEP`] expired rows found by the
//! expiry index, in one transaction: no request scans the table, and since each insert removes
//! more than it adds once rows expire, the table holds the live signatures and at most what
//! expired since the last inserts.
//!
//! Its own connection, with `synchronous = NORMAL`: a commit is not synced to disk at once, so
//! serving a request waits for no disk flush. A commit survives the gateway's crash (it is in the
//! write-ahead log); a power cut may lose the last ones, which matters only if the machine is back
//! within a signature's validity (two minutes).

use super::Store;
use anyhow::Result;
use rusqlite::{params, Connection, TransactionBehavior};
use std::path::Path;

/// At most this many expired signatures are removed with each new one.
const SWEEP: i64 = 4;

/// The store's used request signatures, on a connection of their own.
pub struct UsedSignatures {
	connection: Connection,
}

impl UsedSignatures {
	/// Opens the store at `path` (creating and migrating it as [`Store::open`] does) for its used
	/// signatures.
	pub fn open(path: &Path) -> Result<Self> {
		let Store { connection, .. } = Store::open(path)?;
		connection.pragma_update(None, "synchronous", "NORMAL")?;
		Ok(Self { connection })
	}

	/// Records the first use of `signature`, remembered until `expires`; `false` if it is
	/// remembered already (a replay). `now` is the time (as `expires`, ms since 1970): rows
	/// expired by then are forgotten, [`SWEEP`] at most.
	pub fn first_use(&mut self, signature: &[u8; 64], expires: i64, now: i64) -> Result<bool> {
		let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
		tx.execute(
			"DELETE FROM used_signatures WHERE signature IN (
				SELECT signature FROM used_signatures WHERE expires <= ?1 ORDER BY expires LIMIT ?2
			)",
			params![now, SWEEP],
		)?;
		// An expired row not swept yet is taken over; a live one is a replay.
		let added = tx.execute(
			"INSERT INTO used_signatures (signature, expires) VALUES (?1, ?2)
			ON CONFLICT (signature) DO UPDATE SET expires = excluded.expires
			WHERE used_signatures.expires <= ?3",
			params![&signature[..], expires, now],
		)?;
		tx.commit()?;
		Ok(added == 1)
	}

	/// How many signatures the table holds, expired or not.
	#[cfg(test)]
	fn len(&self) -> i64 {
		self.connection
			.query_row("SELECT count(*) FROM used_signatures", [], |row| row.get(0))
			.unwrap()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temp_path(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
		let dir = std::env::temp_dir().join(format!("signatures-{name}-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("store.db");
		let _ = std::fs::remove_file(&path);
		(dir, path)
	}

	/// Two gateways on one store: a signature used at one is refused at the other while it
	/// lives, and may be used again once expired.
	#[test]
	fn a_signature_is_used_once_across_instances_of_one_store() {
		let (dir, path) = temp_path("shared");
		let (mut one, mut two) =
			(UsedSignatures::open(&path).unwrap(), UsedSignatures::open(&path).unwrap());
		assert!(one.first_use(&[1; 64], 120_000, 0).unwrap());
		assert!(!two.first_use(&[1; 64], 120_000, 1_000).unwrap(), "replayed at the other");
		assert!(!one.first_use(&[1; 64], 121_000, 119_999).unwrap(), "replayed here");
		assert!(two.first_use(&[2; 64], 121_000, 1_000).unwrap());
		assert!(two.first_use(&[1; 64], 240_000, 120_000).unwrap(), "expired");
		std::fs::remove_dir_all(dir).unwrap();
	}

	/// A steady flow of requests: the table holds the live signatures and a few expired ones,
	/// however many came before.
	#[test]
	fn expired_signatures_are_swept_as_new_ones_come() {
		let (dir, path) = temp_path("sweep");
		let mut used = UsedSignatures::open(&path).unwrap();
		// 10 a second, each for 120 s: 1,200 live at once.
		for n in 0..5_000u32 {
			let now = i64::from(n) * 100;
			let mut signature = [0; 64];
			signature[..4].copy_from_slice(&n.to_le_bytes());
			assert!(used.first_use(&signature, now + 120_000, now).unwrap());
		}
		assert!(used.len() <= 1_200 + SWEEP, "{} rows", used.len());
		std::fs::remove_dir_all(dir).unwrap();
	}
}
