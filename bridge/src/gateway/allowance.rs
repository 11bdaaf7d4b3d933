//! Capped deliveries served at the rate of uncapped ones. The first page of a capped license
//! reserves on chain (`licensing.reserveDeliveries`, waited for until finalized) what the cap
//! leaves this platform: its allowance, which no other platform or gateway can take. Pages are
//! then served from the allowance in the ledger ([`Ledger::take`](crate::ledger::Ledger::take)),
//! each taken and made owed in one transaction before it is sent, and recorded later with the
//! uncapped deliveries ([`super::recorder`]), drawn from the allowance on chain.
//!
//! The cap holds across gateways, stores and restarts: a record is served only from a
//! reservation a finalized block holds. A reservation is stored signed before it is submitted
//! and settled like a recording, so a gateway stopped while one is on its way finds it when it
//! starts: what the chain granted is never lost to it.

use super::{meter::*, state::*};
use crate::{
	chain::{api, refused_for_nonce, Chain, NONCE_RETRIES},
	store::Recording,
};
use anyhow::anyhow;
use licentia_primitives::licensing::LicenseId;
use std::{
	collections::BTreeMap,
	sync::Arc,
	time::{Duration, Instant},
};

/// A reservation asks for what the cap leaves this platform, up to this many deliveries.
pub(super) const MAX_RESERVATION: u64 = 100_000_000;

/// A request waits at most this long for a reservation to be finalized.
const RESERVE_WAIT: Duration = Duration::from_secs(60);

/// A request takes from the allowance, reserving again when other requests took it first, at
/// most this many times.
const TAKE_TRIES: usize = 4;

impl Gateway {
	/// What capped license `id`'s `cap` leaves this platform to serve: its allowance not yet
	/// served, and what it can still reserve.
	pub(super) async fn left(
		&self,
		chain: &Chain,
		id: LicenseId,
		cap: u64,
	) -> Result<u64, Refusal> {
		let (allowance, _) = self.ledger.allowance(id).await.map_err(store_failed)?;
		Ok(allowance.saturating_add(self.unreserved(chain, id, cap).await?))
	}

	/// What this platform can still reserve of capped license `id`: the cap less what was
	/// recorded and every platform's allowance, and of a pool license no more than this
	/// platform's part leaves beyond its allowance.
	async fn unreserved(&self, chain: &Chain, id: LicenseId, cap: u64) -> Result<u64, Refusal> {
		let recorded = self.recorded(chain, id).await?;
		let read = async {
			let part = chain.cap_part(id, self.target.id).await?;
			let (reserved, allowance) = chain.reservations(id, self.target.id).await?;
			anyhow::Ok((part, reserved, allowance))
		};
		let (part, reserved, allowance) = match read.await {
			Ok(read) => read,
			Err(error) => return Err(self.lost(error).await),
		};
		let total = cap.saturating_sub(recorded).saturating_sub(reserved);
		let part = part.map_or(u64::MAX, |(cap, delivered)| {
			cap.saturating_sub(delivered).saturating_sub(allowance)
		});
		Ok(total.min(part))
	}

	/// Takes up to `wanted` deliveries of capped license `id` from this platform's allowance,
	/// made owed before they are served, reserving on chain when the allowance is empty: how
	/// many it took, fewer than `wanted` only if the allowance or the cap holds fewer, and none
	/// only when the cap leaves this platform nothing.
	pub(super) async fn take(
		&self,
		chain: &Chain,
		id: LicenseId,
		cap: u64,
		wanted: u64,
	) -> Result<u64, Refusal> {
		for _ in 0..TAKE_TRIES {
			let (taken, _) = self.ledger.take(id, wanted).await.map_err(store_failed)?;
			if taken > 0 {
				return Ok(taken);
			}
			if !self.reserve(chain, id, cap).await? && !self.other_reservation(id).await? {
				return Ok(0);
			}
		}
		Err(unavailable(anyhow!(
			"other requests took license {id}'s allowance as fast as it was reserved: try again"
		)))
	}

	/// Reserves what the cap leaves this platform of license `id` (at most
	/// [`MAX_RESERVATION`]), one reservation per license at a time, and waits until it is
	/// finalized: whether the allowance now holds anything.
	async fn reserve(&self, chain: &Chain, id: LicenseId, cap: u64) -> Result<bool, Refusal> {
		let lock = self.reservation_lock(id);
		let _one_at_a_time = lock.lock().await;
		let holds = || async { self.ledger.allowance(id).await.map(|(left, _)| left > 0) };
		// The request before this one may have reserved while this one waited.
		if holds().await.map_err(store_failed)? {
			return Ok(true);
		}
		let ask = self.unreserved(chain, id, cap).await?.min(MAX_RESERVATION);
		if ask == 0 {
			return Ok(false);
		}
		let call = api::transactions().licensing().reserve_deliveries(id, self.target.id, ask);
		let mut attempt = 0;
		let reservation = loop {
			let counts = BTreeMap::from([(id, ask)]);
			let reservation = match self.store_signed(chain, &call, counts, true).await {
				Ok(Some(reservation)) => reservation,
				Ok(None) => return Err(unavailable(anyhow!("the reservation was not stored"))),
				Err(error) => return Err(self.lost(error).await),
			};
			match self.broadcast_stored(chain, &reservation).await {
				Ok(None) => break reservation,
				// Another process with the operator's key (a gateway on another store, `follow`)
				// took the nonce first: signed again with the next.
				Ok(Some(why)) if attempt < NONCE_RETRIES && refused_for_nonce(&why) => {
					attempt += 1;
					tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
				},
				Ok(Some(why)) => {
					return Err(unavailable(anyhow!("the node refused the reservation: {why}")));
				},
				Err(error) => return Err(self.lost(error).await),
			}
		};
		self.settled(chain, reservation).await?;
		holds().await.map_err(store_failed)
	}

	/// Waits until `reservation` is settled: in a finalized block (its grant added to the
	/// allowance), or never to be included.
	async fn settled(&self, chain: &Chain, reservation: Recording) -> Result<(), Refusal> {
		let deadline = Instant::now() + RESERVE_WAIT;
		loop {
			tokio::time::sleep(Duration::from_millis(500)).await;
			match self.settle(chain, reservation.clone()).await {
				Ok(true) => return Ok(()),
				Ok(false) => {},
				Err(error) => return Err(self.lost(error).await),
			}
			if Instant::now() >= deadline {
				return Err(unavailable(anyhow!(
					"the reservation of license {}'s deliveries is not finalized yet: try again",
					reservation.counts.keys().next().copied().unwrap_or_default()
				)));
			}
		}
	}

	/// Waits while another gateway on this store has a reservation of license `id` on its way
	/// (the cap may be in it): whether there was one.
	async fn other_reservation(&self, id: LicenseId) -> Result<bool, Refusal> {
		let pending = || async { self.ledger.reserving(id).await.map_err(store_failed) };
		if !pending().await? {
			return Ok(false);
		}
		let deadline = Instant::now() + RESERVE_WAIT;
		while pending().await? {
			if Instant::now() >= deadline {
				return Err(unavailable(anyhow!(
					"a reservation of license {id}'s deliveries is not finalized yet: try again"
				)));
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		Ok(true)
	}

	/// The lock one license's reservations are made under, in this process.
	fn reservation_lock(&self, id: LicenseId) -> Arc<tokio::sync::Mutex<()>> {
		let mut locks = self.reserving.lock().expect("not poisoned");
		// Locks no request holds are dropped: the map stays as small as the reservations in
		// flight.
		locks.retain(|_, lock| Arc::strong_count(lock) > 1);
		locks.entry(id).or_default().clone()
	}
}
