//! Batches on their way to the chain: submitted with consecutive nonces, recorded with their
//! proofs once finalized, and settled after a restart (on chain, or never).

use crate::{
	chain::{self, api, Answer, Chain, Submitted},
	post::{Post, Target},
	store::Store,
};
use anyhow::{bail, Context, Result};
use indicatif::ProgressBar;
use licentia_primitives::{
	anonymous,
	consent::PlatformKind,
	content::{batch_root, ranges, BatchId, PostRecord},
	Hash,
};
use licentia_rpc::LicentiaApiClient;
use subxt_signer::sr25519::Keypair;

use super::Summary;

/// A batch submitted and not yet recorded.
pub(super) struct InFlight {
	pub(super) root: Hash,
	pub(super) posts: usize,
	pub(super) nostr: bool,
	pub(super) submitted: Submitted,
}

/// Writes `batch` to the store as pending (with `nonce`), then signs and submits it.
pub(super) async fn submit(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	store: &mut Store,
	batch: Vec<Post>,
	nonce: u64,
) -> Result<InFlight> {
	let records: Vec<PostRecord> = batch.iter().map(|p| p.record.clone()).collect();
	let root = batch_root(records.iter().map(PostRecord::leaf_hash));
	let mut anonymous: Vec<Hash> = batch.iter().map(|p| p.anonymous).collect();
	anonymous::anonymous_order(&mut anonymous);
	let anonymous_root = subxt::utils::H256(batch_root(anonymous).0);
	let batches_before = chain.licentia().batch_count(None).await.answer();
	let batches_before = batches_before.context("counting the registered batches")?;
	store.add_pending(target.id, root, batches_before, nonce, &batch)?;

	let nostr = target.kind == PlatformKind::Nostr;
	let submitted = if nostr {
		let events: Vec<_> = batch
			.iter()
			.filter_map(|p| Some((p.event.as_ref()?, &p.record)))
			.map(|(e, record)| {
				use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
				let field = |f: &String| BoundedVec(f.as_bytes().to_vec());
				api::runtime_types::pallet_content::types::NostrEvent {
					pubkey: e.pubkey,
					created_at: e.created_at,
					tags: BoundedVec(
						e.tags
							.iter()
							.map(|tag| BoundedVec(tag.iter().map(field).collect()))
							.collect(),
					),
					content: BoundedVec(e.content.as_bytes().to_vec()),
					sig: e.sig,
					salt: record.salt,
					text_seal: record.text_seal,
				}
			})
			.collect();
		let call = api::transactions().content().register_nostr_events(
			api::runtime_types::bounded_collections::bounded_vec::BoundedVec(events),
			anonymous_root,
		);
		chain.submit_then_watch(&call, signer, Some(nonce)).await?
	} else {
		let call = api::transactions().content().register_batch(
			target.id,
			subxt::utils::H256(root.0),
			anonymous_root,
			chain::convert(&ranges(&records))?,
		);
		chain.submit_then_watch(&call, signer, Some(nonce)).await?
	};
	Ok(InFlight { root, posts: records.len(), nostr, submitted })
}

/// Waits until a submitted batch is finalized and records it with its proofs.
pub(super) async fn record(
	store: &mut Store,
	summary: &mut Summary,
	progress: &ProgressBar,
	batch: InFlight,
) -> Result<()> {
	let InFlight { root, posts, nostr, submitted } = batch;
	let included = match submitted.finalized().await {
		Ok(included) => included,
		// Refused on chain (an author withdrew consent or unlinked since they were asked, a
		// mark moved): its posts are free again, and the next run or round batches them anew,
		// asking about their authors again.
		Err(error) if error.is::<chain::Failed>() => {
			store.abandon(root)?;
			return Err(error.context("a batch was refused; its posts will be batched again"));
		},
		Err(error) => return Err(error),
	};
	let (id, on_chain_root) = if nostr {
		let registered = included
			.events
			.find_first::<api::content::events::NostrEventsRegistered>()
			.context("no NostrEventsRegistered event")??;
		(registered.batch, registered.root.0)
	} else {
		let registered = included
			.events
			.find_first::<api::content::events::BatchRegistered>()
			.context("no BatchRegistered event")??;
		(registered.batch, registered.root.0)
	};
	check_root(on_chain_root, root)?;
	store.register(root, id, included.block)?;
	if nostr {
		// Nostr batches count at once: nothing to activate.
		store.mark_settled(id)?;
	}
	summary.registered += posts;
	summary.batches.push(id);
	progress.inc(posts as u64);
	Ok(())
}

pub(super) fn check_root(on_chain: [u8; 32], ours: Hash) -> Result<()> {
	if on_chain != ours.0 {
		bail!("the chain registered root 0x{} for batch root {ours:?}", hex::encode(on_chain));
	}
	Ok(())
}

/// Batches a previous run submitted without seeing them registered, settled in nonce order.
/// Each one's transaction used a known nonce, and a nonce is used once: once the finalized
/// nonce is past it, the batch is on chain (found by root and submitter, and recorded) or never
/// will be (abandoned, its posts are registered again); while a transaction with that nonce may
/// still be in the pool, wait.
///
/// A nonce that is neither used nor ready in the pool was never taken up (the run stopped
/// before submitting, or the pool dropped the transaction). A later batch of that run may then
/// still wait in the pool's future queue for it, and would be included the moment this run
/// used the nonce for something else, after its posts had been registered again. So the gap is
/// filled first, with a `system.remark`: such a batch is then included, and found.
pub async fn settle_pending(
	chain: &Chain,
	signer: &Keypair,
	store: &mut Store,
	summary: &mut Summary,
) -> Result<()> {
	let account = chain::account_of(signer);
	let pending = store.pending()?;
	let last_nonce = pending.last().map(|p| p.nonce);
	for pending in pending {
		let root = pending.root;
		loop {
			if chain.finalized_nonce(&account).await? > pending.nonce {
				match find_batch(chain, root, pending.batches_before, &account).await? {
					Some(id) => {
						eprintln!("a batch submitted before the last stop is on chain: batch {id}");
						summary.batches.push(id);
						summary.registered += store.register(root, id, Hash::zero())?;
					},
					None => store.abandon(root)?,
				}
				break;
			}
			if chain.pool_nonce(&account).await? <= pending.nonce {
				if Some(pending.nonce) != last_nonce {
					eprintln!(
						"filling nonce {} so that later pending batches can settle",
						pending.nonce
					);
					let remark = api::transactions().system().remark(b"licentia-bridge".to_vec());
					chain.submit_with_nonce(&remark, signer, Some(pending.nonce)).await?;
				}
				store.abandon(root)?;
				break;
			}
			eprintln!("waiting for a batch submitted before the last stop to be finalized");
			tokio::time::sleep(std::time::Duration::from_secs(2)).await;
		}
	}
	Ok(())
}

/// The id of the batch with `root` registered by `signer`, looking from id `from` on.
pub(super) async fn find_batch(
	chain: &Chain,
	root: Hash,
	from: BatchId,
	signer: &subxt::utils::AccountId32,
) -> Result<Option<BatchId>> {
	let count = chain.licentia().batch_count(None).await.answer();
	for id in from..count.context("counting the registered batches")? {
		let batch = chain.licentia().batch(id, None).await.answer();
		let batch = batch.with_context(|| format!("reading batch {id}"))?;
		if batch.root == root && batch.submitter == chain::primitive_account(signer) {
			return Ok(Some(id));
		}
	}
	Ok(None)
}
