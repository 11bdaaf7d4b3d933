//! The ledger in PostgreSQL, for gateways on several machines: the same tables as the store's
//! (`used_signatures`, `owed`, `recordings` with `recording_counts`, `allowances`, `secrets`),
//! and the same rule that a count is always in exactly one place, kept by PostgreSQL's row locks
//! rather than SQLite's one writer:
//!
//! - a statement that moves a count changes a row only where the count is still there
//!   (`UPDATE owed SET count = count - n WHERE count >= n`, `DELETE FROM recordings ... RETURNING`),
//!   and the transaction goes on only if it did: a second gateway settling the same recording
//!   waits for the first's row lock, then finds nothing to move;
//! - an allowance is read `FOR UPDATE` before it is taken from.
//!
//! One database serves one platform's gateways: the `ledger` row names the platform, and a
//! gateway of another platform is refused. The tables are made by the first gateway that
//! connects, under an advisory lock, so gateways starting at once make them once.

use crate::store::Recording;
use anyhow::{bail, Context, Result};
use std::{collections::BTreeMap, sync::Mutex, time::Duration};
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio_postgres::{Client, Config, NoTls};

/// At most this many connections per gateway.
const CONNECTIONS: usize = 8;

/// How long connecting may take, unless the connection string says (`connect_timeout`): a
/// request waits at most this long for an unreachable database before it is refused.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// At most this many expired signatures are removed with each new one (as in the store).
const SWEEP: i64 = 4;

/// The advisory lock the tables are made under ("licentia" in ASCII).
const SCHEMA_LOCK: i64 = 0x6c69_6365_6e74_6961;

/// The ledger's schema version (the `ledger` row's).
const VERSION: i32 = 1;

const SCHEMA: &str = "
	CREATE TABLE IF NOT EXISTS ledger (
		platform BIGINT NOT NULL, version INTEGER NOT NULL, one BOOLEAN PRIMARY KEY DEFAULT TRUE
			CHECK (one));
	CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
	CREATE TABLE IF NOT EXISTS used_signatures (
		signature BYTEA PRIMARY KEY, expires BIGINT NOT NULL);
	CREATE INDEX IF NOT EXISTS used_signatures_by_expiry ON used_signatures (expires);
	CREATE TABLE IF NOT EXISTS owed (
		license BIGINT PRIMARY KEY, count BIGINT NOT NULL CHECK (count > 0));
	CREATE TABLE IF NOT EXISTS recordings (
		hash BYTEA PRIMARY KEY, nonce BIGINT NOT NULL, born BIGINT NOT NULL, dies BIGINT NOT NULL,
		extrinsic BYTEA NOT NULL, reserves BOOLEAN NOT NULL);
	CREATE TABLE IF NOT EXISTS recording_counts (
		recording BYTEA NOT NULL REFERENCES recordings (hash) ON DELETE CASCADE,
		license BIGINT NOT NULL, count BIGINT NOT NULL CHECK (count > 0),
		PRIMARY KEY (recording, license));
	CREATE INDEX IF NOT EXISTS recording_counts_by_license ON recording_counts (license);
	CREATE TABLE IF NOT EXISTS allowances (
		license BIGINT PRIMARY KEY, granted BIGINT NOT NULL, served BIGINT NOT NULL,
		CHECK (served <= granted));";

/// Adds to an allowance.
const GRANT: &str = "INSERT INTO allowances (license, granted, served) VALUES ($1, $2, 0)
	ON CONFLICT (license) DO UPDATE SET granted = allowances.granted + excluded.granted";

/// A PostgreSQL ledger: a few connections, opened as requests need them.
pub struct Postgres {
	config: Config,
	idle: Mutex<Vec<Client>>,
	permits: Semaphore,
}

/// A connection lent to one operation, given back when dropped (unless it broke).
struct Lent<'a> {
	client: Option<Client>,
	ledger: &'a Postgres,
	_permit: SemaphorePermit<'a>,
}

impl std::ops::Deref for Lent<'_> {
	type Target = Client;
	fn deref(&self) -> &Client {
		self.client.as_ref().expect("lent until dropped")
	}
}

impl std::ops::DerefMut for Lent<'_> {
	fn deref_mut(&mut self) -> &mut Client {
		self.client.as_mut().expect("lent until dropped")
	}
}

impl Drop for Lent<'_> {
	fn drop(&mut self) {
		if let Some(client) = self.client.take().filter(|client| !client.is_closed()) {
			self.ledger.idle.lock().expect("not poisoned").push(client);
		}
	}
}

/// A count as PostgreSQL keeps it (`BIGINT`).
fn int(value: u64) -> Result<i64> {
	i64::try_from(value).with_context(|| format!("{value} is beyond what the ledger holds"))
}

/// A count PostgreSQL kept.
fn count(value: i64) -> u64 {
	u64::try_from(value).unwrap_or(0)
}

impl Postgres {
	/// Connects to the database at `url` (a `postgresql://` URL or a key=value string), makes
	/// its tables if it has none, and checks that it is platform `platform`'s ledger.
	pub async fn open(url: &str, platform: u32) -> Result<Self> {
		let mut config: Config = url.parse().context("the ledger's connection string")?;
		if config.get_connect_timeout().is_none() {
			config.connect_timeout(CONNECT_TIMEOUT);
		}
		let ledger =
			Self { config, idle: Mutex::new(Vec::new()), permits: Semaphore::new(CONNECTIONS) };
		let mut client = ledger.client().await?;
		let tx = client.transaction().await?;
		tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK]).await?;
		tx.batch_execute(SCHEMA).await.context("making the ledger's tables")?;
		let owner = tx.query_opt("SELECT platform, version FROM ledger", &[]).await?;
		match owner {
			None => {
				tx.execute(
					"INSERT INTO ledger (platform, version) VALUES ($1, $2)",
					&[&i64::from(platform), &VERSION],
				)
				.await?;
			},
			Some(row) if row.get::<_, i64>(0) != i64::from(platform) => bail!(
				"this ledger belongs to platform {}'s gateways, not platform {platform}'s: \
				 give each platform a database of its own",
				row.get::<_, i64>(0)
			),
			Some(row) if row.get::<_, i32>(1) > VERSION => bail!(
				"this ledger was made by a newer bridge (version {}; this one knows {VERSION})",
				row.get::<_, i32>(1)
			),
			Some(_) => {},
		}
		tx.commit().await?;
		drop(client);
		Ok(ledger)
	}

	/// A connection: an idle one, or a new one while fewer than [`CONNECTIONS`] are open.
	async fn client(&self) -> Result<Lent<'_>> {
		let permit = self.permits.acquire().await.context("the ledger is closed")?;
		let idle = self.idle.lock().expect("not poisoned").pop();
		let client = match idle {
			Some(client) => client,
			None => {
				let (client, connection) = self
					.config
					.connect(NoTls)
					.await
					.context("connecting to the ledger's PostgreSQL")?;
				tokio::spawn(async move {
					if let Err(error) = connection.await {
						eprintln!("the ledger's PostgreSQL connection ended: {error}");
					}
				});
				client
			},
		};
		Ok(Lent { client: Some(client), ledger: self, _permit: permit })
	}

	/// The secret `name`: the one stored, or `proposed` if there is none yet (the first gateway's
	/// wins, so that every gateway uses one).
	pub async fn secret(&self, name: &str, proposed: [u8; 32]) -> Result<[u8; 32]> {
		let client = self.client().await?;
		client
			.execute(
				"INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
				&[&name, &&proposed[..]],
			)
			.await?;
		let row = client.query_one("SELECT value FROM secrets WHERE name = $1", &[&name]).await?;
		let value: Vec<u8> = row.get(0);
		value
			.try_into()
			.map_err(|_| anyhow::anyhow!("the ledger's {name} key is not 32 bytes"))
	}

	/// As [`UsedSignatures::first_use`](crate::store::UsedSignatures::first_use).
	pub async fn first_use(&self, signature: &[u8; 64], expires: i64, now: i64) -> Result<bool> {
		let client = self.client().await?;
		client
			.execute(
				"DELETE FROM used_signatures WHERE signature IN (
					SELECT signature FROM used_signatures WHERE expires <= $1
					ORDER BY expires LIMIT $2 FOR UPDATE SKIP LOCKED)",
				&[&now, &SWEEP],
			)
			.await?;
		let added = client
			.execute(
				"INSERT INTO used_signatures (signature, expires) VALUES ($1, $2)
				ON CONFLICT (signature) DO UPDATE SET expires = excluded.expires
				WHERE used_signatures.expires <= $3",
				&[&&signature[..], &expires, &now],
			)
			.await?;
		Ok(added == 1)
	}

	/// As [`Store::owe`](crate::store::Store::owe).
	pub async fn owe(&self, license: u64, count: u64) -> Result<()> {
		if count == 0 {
			return Ok(());
		}
		self.client()
			.await?
			.execute(
				"INSERT INTO owed (license, count) VALUES ($1, $2)
				ON CONFLICT (license) DO UPDATE SET count = owed.count + excluded.count",
				&[&int(license)?, &int(count)?],
			)
			.await?;
		Ok(())
	}

	/// As [`Store::owed`](crate::store::Store::owed).
	pub async fn owed(&self, limit: usize) -> Result<BTreeMap<u64, u64>> {
		let rows = self
			.client()
			.await?
			.query(
				"SELECT license, count FROM owed ORDER BY license LIMIT $1",
				&[&int(limit as u64)?],
			)
			.await?;
		Ok(rows.iter().map(|row| (count(row.get(0)), count(row.get(1)))).collect())
	}

	/// As [`Store::owed_to`](crate::store::Store::owed_to).
	pub async fn owed_to(&self, license: u64) -> Result<u64> {
		let row = self
			.client()
			.await?
			.query_opt("SELECT count FROM owed WHERE license = $1", &[&int(license)?])
			.await?;
		Ok(row.map_or(0, |row| count(row.get(0))))
	}

	/// As [`Store::start_recording`](crate::store::Store::start_recording).
	pub async fn start_recording(&self, recording: &Recording) -> Result<bool> {
		let mut client = self.client().await?;
		let tx = client.transaction().await?;
		if !recording.reserves {
			for (&license, &taken) in &recording.counts {
				let (license, taken) = (int(license)?, int(taken)?);
				// Each waits for another gateway's change to the row, then looks at it again: only
				// what is still owed is taken.
				let all = "DELETE FROM owed WHERE license = $1 AND count = $2";
				let part = "UPDATE owed SET count = count - $2 WHERE license = $1 AND count > $2";
				if tx.execute(all, &[&license, &taken]).await? == 0
					&& tx.execute(part, &[&license, &taken]).await? == 0
				{
					return Ok(false); // the transaction is dropped: rolled back
				}
			}
		}
		tx.execute(
			"INSERT INTO recordings (hash, nonce, born, dies, extrinsic, reserves)
			VALUES ($1, $2, $3, $4, $5, $6)",
			&[
				&&recording.hash[..],
				&int(recording.nonce)?,
				&int(recording.born)?,
				&int(recording.dies)?,
				&recording.extrinsic,
				&recording.reserves,
			],
		)
		.await?;
		for (&license, &counted) in &recording.counts {
			tx.execute(
				"INSERT INTO recording_counts (recording, license, count) VALUES ($1, $2, $3)",
				&[&&recording.hash[..], &int(license)?, &int(counted)?],
			)
			.await?;
		}
		tx.commit().await?;
		Ok(true)
	}

	/// As [`Store::recordings`](crate::store::Store::recordings).
	pub async fn recordings(&self) -> Result<Vec<Recording>> {
		let mut client = self.client().await?;
		// Both read at one snapshot.
		let tx = client
			.build_transaction()
			.isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
			.read_only(true)
			.start()
			.await?;
		let rows = tx
			.query(
				"SELECT hash, nonce, born, dies, extrinsic, reserves FROM recordings ORDER BY nonce",
				&[],
			)
			.await?;
		let counts =
			tx.query("SELECT recording, license, count FROM recording_counts", &[]).await?;
		tx.commit().await?;
		let mut all = Vec::with_capacity(rows.len());
		for row in rows {
			let hash: Vec<u8> = row.get(0);
			let hash: [u8; 32] = hash
				.try_into()
				.map_err(|_| anyhow::anyhow!("a recording's hash is not 32 bytes"))?;
			all.push(Recording {
				hash,
				nonce: count(row.get(1)),
				born: count(row.get(2)),
				dies: count(row.get(3)),
				extrinsic: row.get(4),
				counts: BTreeMap::new(),
				reserves: row.get(5),
			});
		}
		let at: BTreeMap<[u8; 32], usize> =
			all.iter().enumerate().map(|(i, recording)| (recording.hash, i)).collect();
		for row in counts {
			let hash: Vec<u8> = row.get(0);
			let found = <[u8; 32]>::try_from(hash.as_slice()).ok().and_then(|h| at.get(&h));
			if let Some(&i) = found {
				all[i].counts.insert(count(row.get(1)), count(row.get(2)));
			}
		}
		Ok(all)
	}

	/// As [`Store::recorded`](crate::store::Store::recorded).
	pub async fn recorded(&self, hash: &[u8; 32]) -> Result<bool> {
		let client = self.client().await?;
		let removed =
			client.execute("DELETE FROM recordings WHERE hash = $1", &[&&hash[..]]).await?;
		Ok(removed == 1)
	}

	/// As [`Store::not_recorded`](crate::store::Store::not_recorded): the recording is removed
	/// first, so that of two gateways settling it, only the one that removed it owes its counts
	/// again.
	pub async fn not_recorded(&self, hash: &[u8; 32]) -> Result<bool> {
		let mut client = self.client().await?;
		let tx = client.transaction().await?;
		let counts = tx
			.query(
				"SELECT license, count FROM recording_counts WHERE recording = $1",
				&[&&hash[..]],
			)
			.await?;
		let removed = tx
			.query_opt("DELETE FROM recordings WHERE hash = $1 RETURNING reserves", &[&&hash[..]])
			.await?;
		let Some(removed) = removed else { return Ok(false) };
		if !removed.get::<_, bool>(0) {
			for row in counts {
				tx.execute(
					"INSERT INTO owed (license, count) VALUES ($1, $2)
					ON CONFLICT (license) DO UPDATE SET count = owed.count + excluded.count",
					&[&row.get::<_, i64>(0), &row.get::<_, i64>(1)],
				)
				.await?;
			}
		}
		tx.commit().await?;
		Ok(true)
	}

	/// As [`Store::take`](crate::store::Store::take).
	pub async fn take(&self, license: u64, wanted: u64) -> Result<(u64, u64)> {
		let mut client = self.client().await?;
		let tx = client.transaction().await?;
		let license = int(license)?;
		let left = tx
			.query_opt(
				"SELECT granted - served FROM allowances WHERE license = $1 FOR UPDATE",
				&[&license],
			)
			.await?
			.map_or(0, |row| count(row.get(0)));
		let taken = wanted.min(left);
		if taken > 0 {
			tx.execute(
				"UPDATE allowances SET served = served + $2 WHERE license = $1",
				&[&license, &int(taken)?],
			)
			.await?;
			tx.execute(
				"INSERT INTO owed (license, count) VALUES ($1, $2)
				ON CONFLICT (license) DO UPDATE SET count = owed.count + excluded.count",
				&[&license, &int(taken)?],
			)
			.await?;
		}
		tx.commit().await?;
		Ok((taken, left - taken))
	}

	/// As [`Store::allowance`](crate::store::Store::allowance).
	pub async fn allowance(&self, license: u64) -> Result<(u64, u64)> {
		let row = self
			.client()
			.await?
			.query_opt(
				"SELECT granted - served, granted FROM allowances WHERE license = $1",
				&[&int(license)?],
			)
			.await?;
		Ok(row.map_or((0, 0), |row| (count(row.get(0)), count(row.get(1)))))
	}

	/// As [`Store::reserving`](crate::store::Store::reserving).
	pub async fn reserving(&self, license: u64) -> Result<bool> {
		let row = self
			.client()
			.await?
			.query_one(
				"SELECT EXISTS (SELECT 1 FROM recordings JOIN recording_counts
				ON recording_counts.recording = recordings.hash
				WHERE recordings.reserves AND recording_counts.license = $1)",
				&[&int(license)?],
			)
			.await?;
		Ok(row.get(0))
	}

	/// As [`Store::reserved`](crate::store::Store::reserved).
	pub async fn reserved(&self, hash: &[u8; 32], granted: &BTreeMap<u64, u64>) -> Result<bool> {
		let mut client = self.client().await?;
		let tx = client.transaction().await?;
		let removed = tx.execute("DELETE FROM recordings WHERE hash = $1", &[&&hash[..]]).await?;
		if removed == 1 {
			for (&license, &count) in granted {
				tx.execute(GRANT, &[&int(license)?, &int(count)?]).await?;
			}
		}
		tx.commit().await?;
		Ok(removed == 1)
	}
}
