//! Uncapped deliveries recorded on chain, none lost: a page's records are written to the store as
//! owed before the page is sent ([`Gateway::meter`]); every few seconds, at the start and at the
//! stop, a round records what is owed in one transaction (`utility.forceBatch` of one
//! `licensing.recordDeliveries` per license, at most [`MAX_LICENSES`]), which is stored signed,
//! with the counts it carries, before it is submitted.
//!
//! A recording leaves the store only when it is settled: found in a finalized block (its counts
//! are on chain), or known never to be included, when its counts are owed again and recorded by a
//! later transaction. It cannot be included after the signer's nonce it uses is taken (by it or by
//! another transaction of the signer's: the blocks are searched for its hash), nor after the last
//! block of its era (it is mortal, [`chain::MORTALITY`] blocks). Until then it is submitted again
//! each round (the same bytes: one nonce, so it is included once at most). A gateway stopped or
//! killed at any point finds its recordings in the store when it starts, and settles them the
//! same way: no count is recorded twice, and none is dropped.

use super::state::*;
use crate::{
	chain::{self, account_of, api, Broadcast, Chain},
	store::Recording,
};
use anyhow::Result;
use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Arc,
	time::{Duration, Instant},
};

/// At most this many licenses' counts go in one transaction.
pub(super) const MAX_LICENSES: usize = 256;

/// At most this many transactions are signed in one round.
const MAX_PER_ROUND: usize = 4;

impl Gateway {
	/// One round: settles the recordings in flight, then records what is owed. Whether anything
	/// is still unsettled.
	pub(super) async fn record_owed(&self) -> Result<bool> {
		let chain = self.chain().await?;
		let mut unsettled = false;
		for recording in self.ledger.recordings().await? {
			unsettled |= !self.settle(&chain, recording).await?;
		}
		for _ in 0..MAX_PER_ROUND {
			if !self.submit_owed(&chain).await? {
				break;
			}
			unsettled = true;
		}
		Ok(unsettled)
	}

	/// Settles `recording` if its fate is known; else submits it again. Whether it was settled.
	pub(super) async fn settle(&self, chain: &Chain, recording: Recording) -> Result<bool> {
		// The nonce and the block are read at one block: a transaction included after it is
		// neither counted as included nor as expired.
		let (nonce, finalized) =
			chain.finalized_nonce_and_number(&account_of(&self.signer)).await?;
		if nonce > recording.nonce {
			// Its nonce is taken, by it or by another: it is in a finalized block, or in none.
			let found = chain.find(recording.hash, recording.born + 1, recording.dies).await?;
			match found {
				Some(found) if recording.reserves => {
					let granted = granted(&recording, found.events.as_ref(), self.target.id);
					self.ledger.reserved(&recording.hash, &granted).await?;
				},
				Some(found) => {
					if self.ledger.recorded(&recording.hash).await? {
						report(&recording, found.events.as_ref());
					}
				},
				None => {
					self.ledger.not_recorded(&recording.hash).await?;
				},
			}
			return Ok(true);
		}
		if finalized >= recording.dies {
			// Its era is over and it is in no block: it never will be.
			self.ledger.not_recorded(&recording.hash).await?;
			return Ok(true);
		}
		// On its way; or lost with a node's pool (a node restarted): handed to the pool again.
		if let Broadcast::Unknown(error) = chain.broadcast(&recording.extrinsic).await {
			return Err(error);
		}
		Ok(false)
	}

	/// Signs a transaction recording what is owed (up to [`MAX_LICENSES`] licenses), stores it,
	/// then submits it. Whether there was anything to record.
	async fn submit_owed(&self, chain: &Chain) -> Result<bool> {
		let owed = self.ledger.owed(MAX_LICENSES).await?;
		if owed.is_empty() {
			return Ok(false);
		}
		use api::runtime_types::{licentia_runtime::RuntimeCall, pallet_licensing::pallet::Call};
		let calls = owed
			.iter()
			.map(|(&license, &count)| {
				let platform = self.target.id;
				RuntimeCall::Licensing(Call::record_deliveries { license, platform, count })
			})
			.collect();
		let call = api::transactions().utility().force_batch(calls);
		// `None`: another gateway on this store recorded some of it meanwhile: owed counts are
		// read again next time; this transaction was never submitted.
		if let Some(recording) = self.store_signed(chain, &call, owed, false).await? {
			if let Some(why) = self.broadcast_stored(chain, &recording).await? {
				eprintln!("recording deliveries (will retry): the node refused: {why}");
			}
		}
		Ok(true)
	}

	/// Signs `call` with the signer's next nonce and stores it as a recording of `counts` (or
	/// a reservation of them), before anything is submitted; `None` if the counts are no longer
	/// owed (nothing stored).
	pub(super) async fn store_signed<Call: subxt::tx::Payload>(
		&self,
		chain: &Chain,
		call: &Call,
		counts: BTreeMap<u64, u64>,
		reserves: bool,
	) -> Result<Option<Recording>> {
		// One nonce at a time in this gateway.
		let _one_at_a_time = self.recording.lock().await;
		let nonce = chain.pool_nonce(&account_of(&self.signer)).await?;
		let chain::Signed { hash, nonce, born, dies, bytes } =
			chain.sign(call, &self.signer, nonce).await?;
		let recording = Recording { hash, nonce, born, dies, extrinsic: bytes, counts, reserves };
		Ok(self.ledger.start_recording(&recording).await?.then_some(recording))
	}

	/// Hands a stored transaction to the node's pool. Turned away (the pool's words returned),
	/// it is settled at once as never included: a recording's counts are owed again, and signed
	/// anew with the next nonce.
	pub(super) async fn broadcast_stored(
		&self,
		chain: &Chain,
		recording: &Recording,
	) -> Result<Option<String>> {
		match chain.broadcast(&recording.extrinsic).await {
			Broadcast::Accepted => Ok(None),
			Broadcast::Refused(why) => {
				self.ledger.not_recorded(&recording.hash).await?;
				Ok(Some(why))
			},
			// Perhaps in the pool: settled as any other, from the next round on.
			Broadcast::Unknown(error) => Err(error),
		}
	}

	/// What the stop waits for: what was served is recorded, at most for [`STOP_WAIT`]. What is
	/// not confirmed by then stays in the store, recorded (or found recorded) at the next start.
	pub(super) async fn record_at_stop(&self) {
		let deadline = Instant::now() + STOP_WAIT;
		loop {
			let round = tokio::time::timeout_at(deadline.into(), self.record_owed()).await;
			match round {
				Ok(Ok(false)) => return,
				Ok(Ok(true)) => {},
				Ok(Err(error)) => eprintln!("recording deliveries at the stop: {error:#}"),
				Err(_) => break,
			}
			if Instant::now() + Duration::from_secs(1) >= deadline {
				break;
			}
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
		eprintln!(
			"stopping with deliveries not yet confirmed on chain: they stay in the store, and \
			 the next start records them"
		);
	}
}

/// Says which licenses' counts the chain refused to record (the license ended meanwhile): their
/// records were served, and the chain will not count them.
fn report(recording: &Recording, events: Option<&chain::ExtrinsicEvents>) {
	let Some(events) = events else { return };
	let recorded: BTreeSet<u64> = events
		.find::<api::licensing::events::DeliveriesRecorded>()
		.filter_map(Result::ok)
		.map(|event| event.license)
		.collect();
	for (license, count) in &recording.counts {
		if !recorded.contains(license) {
			eprintln!("the chain refused {count} deliveries of license {license} (ended?)");
		}
	}
}

/// What reservation `recording` was granted, per license: what the chain's `DeliveriesReserved`
/// events for this platform say (nothing if its events are gone: an allowance is never assumed).
fn granted(
	recording: &Recording,
	events: Option<&chain::ExtrinsicEvents>,
	platform: u32,
) -> BTreeMap<u64, u64> {
	let Some(events) = events else {
		eprintln!(
			"the events of reservation {} are gone: its grant is not used",
			hex(&recording.hash)
		);
		return BTreeMap::new();
	};
	events
		.find::<api::licensing::events::DeliveriesReserved>()
		.filter_map(Result::ok)
		.filter(|event| event.platform == platform && recording.counts.contains_key(&event.license))
		.map(|event| (event.license, event.count))
		.collect()
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Records what is owed at the start and every [`FLUSH_EVERY`].
pub(super) async fn record_deliveries(gateway: Arc<Gateway>) {
	loop {
		if let Err(error) = gateway.record_owed().await {
			eprintln!("recording deliveries (will retry): {error:#}");
		}
		tokio::time::sleep(FLUSH_EVERY).await;
	}
}
