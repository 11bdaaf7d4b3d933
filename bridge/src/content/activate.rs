//! `activate`: a platform batch counts once its challenge window has ended and someone activates
//! it (anyone may; the bridge does it for its own batches). Until then its posts are not paid
//! for and cannot be licensed; the chain samples some of its leaves and anyone may ask for any
//! of them: the bridge opens each from the store (one left unopened voids the batch and slashes
//! its bond). Activated, a batch is in its tail: part of its bond stays held, leaves can still be
//! asked for (the bridge opens them), and when the tail ends the bridge releases the bond.

use crate::{
	chain::{self, api, Answer, Chain},
	cli,
	store::Store,
};
use anyhow::{Context, Result};
use licentia_primitives::content::{ranges, BatchId};
use licentia_rpc::{LicentiaApiClient, NOT_FOUND};
use serde::Serialize;
use serde_json::Value;
use std::{collections::BTreeSet, time::Duration};
use subxt_signer::sr25519::Keypair;

/// What `activate` did.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
	/// Batches activated now.
	pub activated: Vec<BatchId>,
	/// Leaves opened (the chain's samples and requests), as (batch, leaf index).
	pub answered: Vec<(BatchId, u32)>,
	/// Batches still in their challenge window, with the first block they can be activated in
	/// (without `--wait`).
	pub waiting: Vec<(BatchId, u32)>,
	/// Batches the chain no longer has: voided by a challenge (their bond was slashed).
	pub voided: Vec<BatchId>,
	/// Active batches in their tail, with the first block their bond can be released in.
	pub in_tail: Vec<(BatchId, u32)>,
	/// Active batches whose tail ended now: the rest of their bond was released.
	pub released: Vec<BatchId>,
	/// Batches registered under leaf format 2 that got their anonymous root now.
	pub anonymized: Vec<BatchId>,
}

/// `activate`, from its arguments.
pub async fn command(chain: &Chain, args: cli::Activate) -> Result<Value> {
	let mut store = Store::open(&args.store.path)?;
	let signer = args.signer.keypair()?;
	Ok(serde_json::to_value(run(chain, &signer, &mut store, None, args.wait).await?)?)
}

/// Activates the store's pending platform batches (only those in `only`, if given) whose
/// windows have ended, or, with `wait`, all of them as their windows end.
pub async fn run(
	chain: &Chain,
	signer: &Keypair,
	store: &mut Store,
	only: Option<&BTreeSet<BatchId>>,
	wait: bool,
) -> Result<Summary> {
	let mut summary = Summary::default();
	// Every batch still pending, whose samples and requests are opened at once, and those of
	// them whose windows have ended (or, with `wait`, all of them), which are then activated.
	let mut pending = Vec::new();
	let mut due = Vec::new();
	// Active batches in their tail (their requests are opened too), and those whose tail ends.
	let (mut tails, mut releasing) = (Vec::new(), Vec::new());
	let mut last_until = 0;
	for (id, records) in store.inactive_batches()? {
		if only.is_some_and(|only| !only.contains(&id)) {
			continue;
		}
		let until = match chain.licentia().batch(id, None).await.or_refusal()? {
			Ok(batch) => batch.pending_until,
			Err(refusal) if refusal.code() == NOT_FOUND => {
				eprintln!("batch {id} is not on chain any more: it was voided by a challenge");
				summary.voided.push(id);
				store.mark_settled(id)?;
				continue;
			},
			Err(refusal) => {
				anyhow::bail!("reading batch {id}: {} ({})", refusal.message(), refusal.code())
			},
		};
		// Active already (or a Nostr batch, active at once): settled once its tail is over.
		let Some(until) = until else {
			match chain.tail(id).await? {
				Some((ends_at, open_requests, revoked_authors)) => {
					store.mark_active(id)?;
					tails.push(id);
					let next = chain.finalized_number().await? + 1;
					if next >= ends_at && open_requests == 0 {
						releasing.push((id, revoked_authors));
					} else {
						summary.in_tail.push((id, ends_at));
					}
				},
				None => store.mark_settled(id)?,
			}
			continue;
		};
		pending.push(id);
		// A transaction submitted now is in a block after the last finalized one.
		if !wait && chain.finalized_number().await? + 1 < until {
			summary.waiting.push((id, until));
			continue;
		}
		last_until = last_until.max(until);
		due.push((id, records));
	}
	let open: Vec<BatchId> = pending.iter().chain(&tails).copied().collect();
	answer_requests(chain, signer, store, &open, &mut summary).await?;
	commit_legacy_roots(chain, signer, store, &mut summary).await?;
	let due_ids: Vec<BatchId> = due.iter().map(|(id, _)| *id).collect();
	while !due.is_empty() && chain.finalized_number().await? + 1 < last_until {
		tokio::time::sleep(Duration::from_secs(1)).await;
		answer_requests(chain, signer, store, &due_ids, &mut summary).await?;
	}
	// All at once, with consecutive nonces, then each waited for.
	let mut nonce = chain.pool_nonce(&chain::account_of(signer)).await?;
	let mut submitted = Vec::with_capacity(due.len());
	for (id, records) in due {
		let list = chain::convert(&ranges(&records))?;
		let call = api::transactions().content().activate_batch(id, list);
		submitted.push((id, chain.submit_then_watch(&call, signer, Some(nonce)).await?));
		nonce += 1;
	}
	for (id, activation) in submitted {
		activation.finalized().await.with_context(|| format!("activating batch {id}"))?;
		store.mark_active(id)?;
		summary.activated.push(id);
	}
	// Tails that ended: their bonds released, and the batches settled for good.
	let mut submitted = Vec::with_capacity(releasing.len());
	for (id, revoked_authors) in releasing {
		let call = api::transactions().content().release_bond(id, revoked_authors);
		submitted.push((id, chain.submit_then_watch(&call, signer, Some(nonce)).await?));
		nonce += 1;
	}
	for (id, release) in submitted {
		release
			.finalized()
			.await
			.with_context(|| format!("releasing the bond of batch {id}"))?;
		store.mark_settled(id)?;
		summary.released.push(id);
	}
	Ok(summary)
}

/// Opens every leaf that `batches` (pending, or active in their tail) must open and has not yet: the leaves the chain sampled from each and those someone asked for, each with its
/// proof. What keeps the bond: one left unopened past its deadline voids the batch. The answers
/// are submitted at once, with consecutive nonces, then waited for (16 samples a batch, answered
/// one block each, would not fit in a development chain's answer window).
pub(super) async fn answer_requests(
	chain: &Chain,
	signer: &Keypair,
	store: &mut Store,
	batches: &[BatchId],
	summary: &mut Summary,
) -> Result<()> {
	let key = store.salt_key()?;
	let mut nonce = chain.pool_nonce(&chain::account_of(signer)).await?;
	let mut submitted = Vec::new();
	for id in batches {
		let batch = chain.licentia().batch(*id, None).await.answer();
		let batch = batch.with_context(|| format!("reading batch {id}"))?;
		// A transaction submitted now is in a block after the last finalized one.
		let next = chain.finalized_number().await? + 1;
		for request in batch.requests {
			if request.deadline < next {
				// Too late: anyone may void the batch now; trying again would fail every round.
				eprintln!(
					"leaf {} of batch {id} was due by block {}: too late to open it",
					request.index, request.deadline
				);
				continue;
			}
			let Some(leaf) = store.leaf(*id, request.index)? else {
				anyhow::bail!("batch {id} has no leaf {} in the store", request.index);
			};
			let proof: Vec<subxt::utils::H256> =
				leaf.proof.iter().map(|h| subxt::utils::H256(h.0)).collect();
			// The chain's samples (listed first, due when the samples are) open the post's
			// anonymous leaf too; a leaf someone asked for only exposes nothing more.
			let anonymous = match request.anonymous {
				true => store.anonymous_opening(&key, *id, request.index)?,
				false => None,
			};
			// Marked before it is sent: a post whose anonymous leaf may be public is never
			// served anonymised, even if this run stops before the answer is final.
			if anonymous.is_some() {
				store.mark_exposed(*id, request.index)?;
			}
			let call = api::transactions().content().answer_leaf(
				*id,
				request.index,
				chain::convert(&leaf.post)?,
				api::runtime_types::bounded_collections::bounded_vec::BoundedVec(proof),
				anonymous.map(|opening| chain::convert(&opening)).transpose()?,
			);
			let watch = chain
				.submit_then_watch(&call, signer, Some(nonce))
				.await
				.with_context(|| format!("opening leaf {} of batch {id}", request.index))?;
			nonce += 1;
			submitted.push((*id, request.index, watch));
		}
	}
	for (id, index, watch) in submitted {
		watch
			.finalized()
			.await
			.with_context(|| format!("opening leaf {index} of batch {id}"))?;
		eprintln!("opened leaf {index} of batch {id}");
		summary.answered.push((id, index));
	}
	Ok(())
}

/// Gives each of the store's batches registered under leaf format 2 (before spec 116) an
/// anonymous root (`commit_anonymous_root`), made from its records' scrubbed hashes with blinds
/// of the store's key, and stores the tree once the chain holds it: until then the gateway
/// delivers none of their posts anonymised. A batch the chain no longer has is left alone.
async fn commit_legacy_roots(
	chain: &Chain,
	signer: &Keypair,
	store: &mut Store,
	summary: &mut Summary,
) -> Result<()> {
	let key = store.salt_key()?;
	for id in store.without_anonymous_root()? {
		let Ok(batch) = chain.licentia().batch(id, None).await.answer() else { continue };
		if batch.anonymous_root.is_some() {
			continue;
		}
		let (root, posts) = store.legacy_anonymous(&key, id)?;
		let call = api::transactions()
			.content()
			.commit_anonymous_root(id, subxt::utils::H256(root.0));
		chain
			.submit_then_watch(&call, signer, None)
			.await?
			.finalized()
			.await
			.with_context(|| format!("committing the anonymous root of batch {id}"))?;
		store.place_legacy(id, &posts)?;
		summary.anonymized.push(id);
	}
	Ok(())
}
