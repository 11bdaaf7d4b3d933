//! The gateways' ledger: what every gateway instance of a platform shares so that a license is
//! metered once, whichever instance serves it. The request signatures accepted (a replay to any
//! instance is refused), the deliveries owed and the transactions recording them on chain,
//! capped licenses' allowances, and the key pseudonyms are made with.
//!
//! - **In the store** (the default): the SQLite file `serve --store` reads posts from, shared by
//!   the gateways of one machine ([`crate::store`]: `signatures.rs`, `owed.rs`,
//!   `allowances.rs`).
//! - **In PostgreSQL** (`serve --ledger postgresql://...`): one database shared by gateways on
//!   several machines ([`postgres`]), each serving posts from its own copy of the registering
//!   bridge's store. A gateway refuses to switch while its store still holds deliveries not
//!   recorded on chain or an allowance not served: copies of one store would each bring them.
//!
//! Both keep one rule: a count is always in exactly one place (owed, in a recording, recorded),
//! whichever instance or crash interrupts what.

mod postgres;

use crate::store::{Recording, Store, UsedSignatures};
use anyhow::{bail, Result};
use std::{collections::BTreeMap, path::Path, sync::Mutex};

/// Where the ledger is, and the pseudonym key every gateway on it uses.
pub struct Ledger {
	at: At,
	secret: [u8; 32],
}

enum At {
	Store { store: Mutex<Store>, used: Mutex<UsedSignatures> },
	Postgres(postgres::Postgres),
}

/// `$call` on the store's ledger (its connection locked), or awaited on PostgreSQL's.
macro_rules! either {
	($ledger:expr, $store:ident => $on_store:expr, $pg:ident => $on_postgres:expr) => {
		match &$ledger.at {
			At::Store { store, .. } => {
				let $store = &mut *store.lock().expect("not poisoned");
				$on_store
			},
			At::Postgres($pg) => $on_postgres.await,
		}
	};
}

impl Ledger {
	/// Platform `platform`'s ledger: in the store at `store`, or in the PostgreSQL database at
	/// `postgres`.
	pub async fn open(store: &Path, postgres: Option<&str>, platform: u32) -> Result<Self> {
		let mut local = Store::open(store)?;
		let Some(url) = postgres else {
			let secret = local.gateway_secret()?;
			let used = Mutex::new(UsedSignatures::open(store)?);
			return Ok(Self { at: At::Store { store: Mutex::new(local), used }, secret });
		};
		if let Some(unsettled) = local.unsettled()? {
			bail!(
				"{} holds {unsettled}: serve without --ledger until they are recorded and served \
				 (or the licenses end), then switch; what one machine's gateways owe or hold \
				 cannot be moved to a shared ledger without its copies moving it again",
				store.display()
			);
		}
		let ledger = postgres::Postgres::open(url, platform).await?;
		// The first gateway's key is everyone's: a license's pseudonyms are one set.
		let secret = ledger.secret("gateway", local.gateway_secret()?).await?;
		Ok(Self { at: At::Postgres(ledger), secret })
	}

	/// The key pseudonyms are made with.
	pub fn secret(&self) -> [u8; 32] {
		self.secret
	}

	/// Where it is, for messages.
	pub fn describe(&self) -> &'static str {
		match self.at {
			At::Store { .. } => "the store",
			At::Postgres(_) => "PostgreSQL",
		}
	}

	/// Records the first use of a request `signature`, remembered until `expires` (ms since 1970);
	/// `false` if it is remembered already: a replay, to any gateway on this ledger.
	pub async fn first_use(&self, signature: &[u8; 64], expires: i64, now: i64) -> Result<bool> {
		match &self.at {
			At::Store { used, .. } => {
				used.lock().expect("not poisoned").first_use(signature, expires, now)
			},
			At::Postgres(ledger) => ledger.first_use(signature, expires, now).await,
		}
	}

	/// Adds `count` deliveries of license `license` to what is owed.
	pub async fn owe(&self, license: u64, count: u64) -> Result<()> {
		either!(self, store => store.owe(license, count), pg => pg.owe(license, count))
	}

	/// What is owed and in no recording yet: up to `limit` licenses, with their counts.
	pub async fn owed(&self, limit: usize) -> Result<BTreeMap<u64, u64>> {
		either!(self, store => store.owed(limit), pg => pg.owed(limit))
	}

	/// The deliveries of license `license` owed and in no recording yet.
	pub async fn owed_to(&self, license: u64) -> Result<u64> {
		either!(self, store => store.owed_to(license), pg => pg.owed_to(license))
	}

	/// Moves `recording`'s counts from what is owed into it, and stores it, before it is
	/// submitted; `false`, nothing changed, if less is owed than it counts.
	pub async fn start_recording(&self, recording: &Recording) -> Result<bool> {
		either!(self, store => store.start_recording(recording), pg => pg.start_recording(recording))
	}

	/// The recordings (and reservations) stored and not yet settled, by nonce.
	pub async fn recordings(&self) -> Result<Vec<Recording>> {
		either!(self, store => store.recordings(), pg => pg.recordings())
	}

	/// Forgets recording `hash`, which a finalized block holds; `false` if it was settled already.
	pub async fn recorded(&self, hash: &[u8; 32]) -> Result<bool> {
		either!(self, store => store.recorded(hash), pg => pg.recorded(hash))
	}

	/// Recording `hash` never reached the chain and never will: its counts are owed again.
	/// `false` if it was settled already.
	pub async fn not_recorded(&self, hash: &[u8; 32]) -> Result<bool> {
		either!(self, store => store.not_recorded(hash), pg => pg.not_recorded(hash))
	}

	/// Takes up to `wanted` deliveries of license `license` from its allowance and makes them
	/// owed, at once: how many it took, and how many the allowance still holds.
	pub async fn take(&self, license: u64, wanted: u64) -> Result<(u64, u64)> {
		either!(self, store => store.take(license, wanted), pg => pg.take(license, wanted))
	}

	/// License `license`'s allowance not yet served, and all it was granted.
	pub async fn allowance(&self, license: u64) -> Result<(u64, u64)> {
		either!(self, store => store.allowance(license), pg => pg.allowance(license))
	}

	/// Whether a reservation of license `license`'s deliveries is stored and not yet settled.
	pub async fn reserving(&self, license: u64) -> Result<bool> {
		either!(self, store => store.reserving(license), pg => pg.reserving(license))
	}

	/// Reservation `hash` is in a finalized block, which granted `granted` per license: added
	/// to the allowances. `false` if it was settled already.
	pub async fn reserved(&self, hash: &[u8; 32], granted: &BTreeMap<u64, u64>) -> Result<bool> {
		either!(self, store => store.reserved(hash, granted), pg => pg.reserved(hash, granted))
	}
}

#[cfg(test)]
mod tests;
