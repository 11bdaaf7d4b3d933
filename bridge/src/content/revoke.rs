//! `revoke`: registered posts withdrawn at the source (deleted, edited away, made private),
//! revoked on chain, and the revocation `ingest` and `follow` share.

use crate::{
	chain::{self, api, Chain},
	cli,
	post::Withdrawal,
	store::{RegisteredPost, Store},
};
use anyhow::{bail, Result};
use licentia_primitives::consent::PlatformId;
use serde_json::{json, Value};
use std::path::Path;
use subxt_signer::sr25519::Keypair;

/// `revoke`, from its arguments.
pub async fn command(chain: &Chain, args: cli::Revoke) -> Result<Value> {
	let signer = args.signer.keypair()?;
	revoke(chain, &signer, &args.store.path, args.platform, &args.ids).await
}

/// Revokes the store's posts with these source ids (every registered version of each), in
/// transactions of at most `MaxRevocationsPerCall` posts. Every id must be in the store.
pub async fn revoke(
	chain: &Chain,
	signer: &Keypair,
	store: &Path,
	platform: Option<PlatformId>,
	ids: &[String],
) -> Result<Value> {
	let mut store = Store::open(store)?;
	// The posts not known to be revoked, and how many posts (of any state) each id names.
	let (mut posts, mut matched, mut unknown) = (Vec::new(), 0, Vec::new());
	for id in ids {
		let registered = store.count_by_source(platform, id)?;
		if registered == 0 {
			unknown.push(id.as_str());
		}
		matched += registered;
		posts.extend(store.withdrawn(platform, &Withdrawal::Post(id.clone()))?);
	}
	if !unknown.is_empty() {
		bail!("not registered through this store: {}", unknown.join(", "));
	}
	let summary = revoke_posts(chain, signer, &mut store, &posts).await?;
	Ok(json!({
		"posts": matched,
		"revoked": summary.revoked,
		"alreadyRevoked": matched - summary.revoked,
		"transactions": summary.transactions,
		"fees": summary.fees.to_string(),
	}))
}

/// What [`revoke_posts`] did.
#[derive(Debug, Default)]
pub struct Revoked {
	/// Posts the chain revoked now (the others were revoked already).
	pub revoked: usize,
	/// Transactions submitted.
	pub transactions: usize,
	/// Their fees, in planck.
	pub fees: u128,
}

/// Revokes `posts` on chain, at most `MaxRevocationsPerCall` per transaction, and records them
/// as revoked in the store.
pub async fn revoke_posts(
	chain: &Chain,
	signer: &Keypair,
	store: &mut Store,
	posts: &[RegisteredPost],
) -> Result<Revoked> {
	let mut summary = Revoked::default();
	let max = chain.constant(&api::constants().content().max_revocations_per_call()).await?;
	for chunk in posts.chunks(max.max(1) as usize) {
		// `PostWithProof`'s fields, in order: SCALE encodes a struct as its fields.
		let items: Vec<_> = chunk.iter().map(|p| (p.batch, &p.post, p.index, &p.proof)).collect();
		let call = api::transactions().content().revoke_posts(chain::convert(&items)?);
		let included = chain.submit(&call, signer).await?;
		summary.revoked += included.events.find::<api::content::events::PostRevoked>().count();
		summary.transactions += 1;
		summary.fees += included.fee().unwrap_or_default();
		store.mark_revoked(chunk)?;
	}
	Ok(summary)
}
