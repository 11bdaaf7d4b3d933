//! The content commands: registering posts (`ingest`, and the registration `follow` shares),
//! activating batches and releasing their bonds, revoking posts. What they share is here: how
//! batches are cut and what a registration did.
//!
//! - [`ingest`]: from export files to registered batches;
//! - [`register`]: the registration itself (consent, order keys, batches), used by `ingest` and
//!   `follow`;
//! - [`submit`]: batches submitted, recorded and settled across restarts;
//! - [`activate`]: batches whose windows ended, their samples and requests answered;
//! - [`revoke`]: posts withdrawn at the source, revoked on chain.

pub mod activate;
pub mod ingest;
pub mod register;
pub mod revoke;
pub mod submit;

use crate::post::Post;
use licentia_primitives::content::BatchId;
use serde::Serialize;
use std::collections::BTreeMap;

/// How posts are cut into batches and submitted.
#[derive(Clone, Copy, Debug)]
pub struct Batching {
	/// At most this many posts per batch.
	pub batch_posts: u32,
	/// At most this many batches submitted and not yet finalized.
	pub in_flight: usize,
}

/// What `ingest` did.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
	/// Posts read from the exports.
	pub posts: usize,
	/// Items that are not original posts (likes, deletions, reblogs, other instances...).
	pub skipped: usize,
	/// Items rejected, with where and why.
	pub rejected: Vec<String>,
	/// Posts the store already had (or that appeared twice in the input).
	pub already_registered: usize,
	/// Posts left out because their author has not opted in here, by reason.
	pub not_opted_in: BTreeMap<String, usize>,
	/// Posts a platform batch cannot hold: no order key (a Bluesky record key that is not a
	/// TID, a URI naming another account), or at or below their author's high-water mark (an
	/// older post than one registered already, or a second version of one).
	pub out_of_order: usize,
	/// Nostr notes left for their keys' next period (`MaxNotesPerPeriod`): they stay queued.
	pub deferred: usize,
	/// Those notes themselves, which a follower keeps queued.
	#[serde(skip)]
	pub deferred_posts: Vec<Post>,
	/// Posts registered by this run.
	pub registered: usize,
	/// Batches registered by this run (including pending ones found on chain).
	pub batches: Vec<BatchId>,
	/// Batches this run activated after their challenge windows.
	pub activated: Vec<BatchId>,
	/// Posts the store holds now.
	pub store_posts: usize,
	/// Registered posts the exports withdrew (deleted, edited, accounts gone), revoked now.
	pub revoked: usize,
	/// Withdrawals of posts whose batches are not active yet: run again once they are.
	pub withdrawals_waiting: usize,
}

/// `posts`: the store's registered posts with their proofs.
pub fn posts(store: &crate::cli::Store) -> anyhow::Result<serde_json::Value> {
	Ok(serde_json::to_value(crate::store::Store::open(&store.path)?.posts()?)?)
}
