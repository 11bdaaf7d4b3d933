//! `ingest`: from a platform export to registered batches, recorded with their proofs in the
//! store ([`crate::store`]).
//!
//! 1. Read the export ([`formats`]): posts, rejections (with reasons), skipped items.
//! 2. Settle batches a previous run left pending; drop posts the store already has.
//! 3. Ask the node about each author (`licentia_identityConsent`): only authors linked through
//!    this platform (for Nostr: to the signer's account) who allow some purpose are registered.
//! 4. Keep the posts a platform batch can hold: those with an order key (X and Mastodon ids,
//!    Bluesky TIDs) above their author's high-water mark on chain, one per key.
//! 5. Batch: authors in ascending order, each author's posts in ascending order key (the layout
//!    the chain's fraud proofs check), at most the chain's `MaxContributorsPerBatch` authors and
//!    `--batch-posts` posts per batch (Nostr: `MaxNostrEvents` events, ascending ids).
//! 6. For each batch: write it to the store as pending, sign and submit it (up to
//!    `--in-flight` at once, consecutive nonces), wait for its finality, and write every
//!    post's index and proof.
//! 7. Unless `--no-activate`: wait for the batches' challenge windows to end and activate them
//!    ([`crate::activate`]).

use crate::{
	chain::{self, api, Answer, Chain, Refusal, Submitted},
	formats::{self, Post, Target},
	store::Store,
};
use anyhow::{bail, Context, Result};
use futures::{stream, StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use licentia_primitives::{
	consent::{Identity, PlatformId, PlatformKind},
	content::{batch_root, ranges, BatchId, PostRecord},
	runtime_api::IdentityConsent,
	AccountId, Hash,
};
use licentia_rpc::{LicentiaApiClient, NOT_FOUND};
use serde::Serialize;
use std::{
	collections::{BTreeMap, BTreeSet, VecDeque},
	path::PathBuf,
};
use subxt_signer::sr25519::Keypair;

/// How many `licentia_identityConsent` questions are in flight at once. One at a time, an export
/// with thousands of authors waited a round trip per author; the node answers them in parallel.
const CONSENT_QUERIES_IN_FLIGHT: usize = 32;

/// What `ingest` does.
pub struct Options {
	/// The platform the posts are registered through.
	pub platform: PlatformId,
	/// The export files.
	pub files: Vec<PathBuf>,
	/// The store.
	pub store: PathBuf,
	/// How batches are cut and submitted.
	pub batching: Batching,
	/// Read and filter, but do not submit.
	pub dry_run: bool,
	/// Wait for the registered batches' challenge windows and activate them.
	pub activate: bool,
}

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

/// Why an author's posts are not registered.
fn refusal(
	target: &Target,
	signer: &subxt::utils::AccountId32,
	answer: Result<(AccountId, IdentityConsent), Refusal>,
) -> Result<Option<&'static str>> {
	let (account, consent) = match answer {
		Ok(found) => found,
		Err(refusal) if refusal.code() == NOT_FOUND => return Ok(Some("not linked to an account")),
		Err(refusal) => {
			bail!("asking for an author's consent: {} ({})", refusal.message(), refusal.code())
		},
	};
	Ok(if consent.platform != target.id {
		Some("linked through another platform")
	} else if consent.allowed.is_empty() {
		Some("allows no purpose")
	} else if target.kind == PlatformKind::Nostr && account != chain::primitive_account(signer) {
		Some("a Nostr key linked to another account than the signer")
	} else {
		None
	})
}

/// Runs `ingest`.
pub async fn run(chain: &Chain, signer: &Keypair, options: &Options) -> Result<Summary> {
	let mut store = Store::open(&options.store)?;
	let target = chain.target(options.platform, store.salt_key()?).await?;
	let mut summary = Summary::default();
	let mut posts = Vec::new();
	let mut withdrawals = Vec::new();
	let mut nostr_deletions = Vec::new();
	let mut status_deletions = Vec::new();
	for file in &options.files {
		let export = formats::read_file(&target, file)?;
		export.check_platform(&target).with_context(|| file.display().to_string())?;
		summary.skipped += export.skipped
			+ export.withdrawals.len()
			+ export.nostr_deletions.len()
			+ export.status_deletions.len();
		summary.rejected.extend(
			export
				.rejected
				.iter()
				.map(|r| format!("{}: {}: {}", file.display(), r.position, r.reason)),
		);
		posts.extend(export.posts);
		withdrawals.extend(export.withdrawals.into_iter().map(|(_, withdrawal, _)| withdrawal));
		nostr_deletions.extend(export.nostr_deletions);
		status_deletions.extend(export.status_deletions);
	}
	summary.posts = posts.len();
	const SHOWN: usize = 10;
	for rejection in summary.rejected.iter().take(SHOWN) {
		eprintln!("rejected: {rejection}");
	}
	if summary.rejected.len() > SHOWN {
		eprintln!(
			"... and {} more rejected (all in the JSON summary)",
			summary.rejected.len() - SHOWN
		);
	}

	if !options.dry_run {
		settle_pending(chain, signer, &mut store, &mut summary).await?;
	}
	let progress = ProgressBar::new(0).with_style(
		ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} posts ({elapsed})")
			.expect("a valid template")
			.progress_chars("=> "),
	);
	progress.set_message("registering");
	let batching = (!options.dry_run).then_some(options.batching);
	register(chain, signer, &target, &mut store, posts, batching, &mut summary, &progress).await?;
	progress.finish_with_message("registered");
	summary.store_posts = store.len()?;
	if options.activate && !options.dry_run && target.kind != PlatformKind::Nostr {
		let batches: BTreeSet<BatchId> = summary.batches.iter().copied().collect();
		summary.activated = crate::activate::run(chain, signer, &mut store, Some(&batches), true)
			.await?
			.activated;
	}
	// A Nostr deletion withdraws only its own key's events (NIP-09), once they are registered.
	for (ids, by) in nostr_deletions {
		for id in ids {
			if store.source_author(target.id, &id)?.as_ref() == Some(&by) {
				withdrawals.push(crate::store::Withdrawal::Post(id));
			}
		}
	}
	// A Mastodon streaming deletion names the status id only.
	for status in status_deletions {
		if let Some(uri) = store.status_uri(target.id, &status)? {
			withdrawals.push(crate::store::Withdrawal::Post(uri));
		}
	}
	if !options.dry_run {
		withdraw(chain, signer, &target, &mut store, &withdrawals, &mut summary).await?;
	}
	Ok(summary)
}

/// Registers `posts` through `target`: drops those the store has, those whose authors have not
/// opted in here, and (platform batches) those that are not newer than their author's registered
/// posts, counting each in `summary`; cuts the rest into batches and registers them (unless
/// `batching` is `None`: a dry run), recording each in the store.
#[allow(clippy::too_many_arguments)]
pub async fn register(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	store: &mut Store,
	mut posts: Vec<Post>,
	batching: Option<Batching>,
	summary: &mut Summary,
	progress: &ProgressBar,
) -> Result<()> {
	let signer_account = chain::account_of(signer);
	// New posts only, each once.
	let mut seen = BTreeSet::new();
	let mut known = Vec::new();
	for post in &posts {
		known.push(store.contains(target.id, &post.record.post)?);
	}
	let mut known = known.into_iter();
	posts.retain(|p| {
		let new = !known.next().unwrap_or(true)
			&& seen.insert(serde_json::to_string(&p.record.post).unwrap_or_default());
		summary.already_registered += usize::from(!new);
		new
	});

	// Opted-in authors only: one question per author, several in flight on the one connection.
	let authors = posts_authors(&posts);
	let answers: Vec<_> = stream::iter(authors)
		.map(|author| async move {
			let answer = chain.licentia().identity_consent(author.clone(), None).await;
			anyhow::Ok((author, answer.or_refusal()?))
		})
		.buffer_unordered(CONSENT_QUERIES_IN_FLIGHT)
		.try_collect()
		.await?;
	let mut refused = BTreeMap::new();
	for (author, answer) in answers {
		if let Some(reason) = refusal(target, &signer_account, answer)? {
			refused.insert(author, reason);
		}
	}
	posts.retain(|p| match refused.get(&p.record.author) {
		Some(reason) => {
			*summary.not_opted_in.entry(reason.to_string()).or_default() += 1;
			false
		},
		None => true,
	});
	for (author, reason) in &refused {
		eprintln!("skipping the posts of {}: {reason}", serde_json::to_string(author)?);
	}
	let Some(batching) = batching else { return Ok(()) };
	if posts.is_empty() {
		return Ok(());
	}

	if target.kind != PlatformKind::Nostr {
		let marks: BTreeMap<Identity, u64> = stream::iter(posts_authors(&posts))
			.map(|author| async move { anyhow::Ok((author.clone(), chain.mark(&author).await?)) })
			.buffer_unordered(CONSENT_QUERIES_IN_FLIGHT)
			.try_filter_map(|(author, mark)| async move { Ok(mark.map(|m| (author, m))) })
			.try_collect()
			.await?;
		let mut keys = BTreeSet::new();
		let before = summary.out_of_order;
		posts.retain(|p| {
			let key = p.record.post.order_key(&p.record.author);
			let fits = key.is_some_and(|key| {
				marks.get(&p.record.author).is_none_or(|mark| key > *mark)
					&& keys.insert((p.record.author.clone(), key))
			});
			summary.out_of_order += usize::from(!fits);
			fits
		});
		if summary.out_of_order > before {
			eprintln!(
				"skipping {} posts without an order key or not newer than their author's \
				 registered posts",
				summary.out_of_order - before
			);
		}
	}

	let batches = if target.kind == PlatformKind::Nostr {
		let max = chain.constant(&api::constants().content().max_nostr_events()).await? as usize;
		// Each key registers at most its allowance a period: the rest waits in the queue.
		let mut allowed = std::collections::BTreeMap::<[u8; 32], u32>::new();
		let mut kept = Vec::with_capacity(posts.len());
		let before = posts.len();
		for post in posts {
			let Some(key) = post.event.as_ref().map(|e| e.pubkey) else {
				kept.push(post);
				continue;
			};
			let left = match allowed.get_mut(&key) {
				Some(left) => left,
				None => allowed.entry(key).or_insert(chain.notes_allowed(&key).await?),
			};
			if *left > 0 {
				*left -= 1;
				kept.push(post);
			} else {
				summary.deferred_posts.push(post);
			}
		}
		summary.deferred = summary.deferred_posts.len();
		if kept.len() < before {
			eprintln!(
				"{} notes wait for their keys' next period (MaxNotesPerPeriod)",
				before - kept.len()
			);
		}
		nostr_batches(kept, max)
	} else {
		let max_authors =
			chain.constant(&api::constants().content().max_contributors_per_batch()).await?;
		let max_posts = chain.constant(&api::constants().content().max_posts_per_batch()).await?;
		author_batches(posts, max_authors as usize, batching.batch_posts.min(max_posts) as usize)
	};

	progress.inc_length(batches.iter().map(Vec::len).sum::<usize>() as u64);
	// Up to `in_flight` batches in the pool at once, with consecutive nonces, so that a batch is
	// included while the one before it is being finalized (one at a time, each waited for a
	// block and a finality round). Each is written to the store as pending before it is
	// submitted: a run stopped here settles them next time.
	let mut nonce = chain.pool_nonce(&signer_account).await?;
	let mut in_flight = VecDeque::with_capacity(batching.in_flight);
	for batch in batches {
		if in_flight.len() >= batching.in_flight {
			if let Some(oldest) = in_flight.pop_front() {
				record(store, summary, progress, oldest).await?;
			}
		}
		in_flight.push_back(submit(chain, signer, target, store, batch, nonce).await?);
		nonce += 1;
	}
	while let Some(oldest) = in_flight.pop_front() {
		record(store, summary, progress, oldest).await?;
	}
	Ok(())
}

/// Revokes the registered posts the exports withdrew (posts of batches not active yet wait).
async fn withdraw(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	store: &mut Store,
	withdrawals: &[crate::store::Withdrawal],
	summary: &mut Summary,
) -> Result<()> {
	let mut revoke = Vec::new();
	for withdrawal in withdrawals {
		if store.withdrawal_pending(target.id, withdrawal)? {
			summary.withdrawals_waiting += 1;
			continue;
		}
		revoke.extend(store.withdrawn(Some(target.id), withdrawal)?);
	}
	if !revoke.is_empty() {
		summary.revoked =
			crate::commands::revoke_posts(chain, signer, store, &revoke).await?.revoked;
	}
	Ok(())
}

fn posts_authors(posts: &[Post]) -> BTreeSet<Identity> {
	posts.iter().map(|p| p.record.author.clone()).collect()
}

/// Posts grouped by author, authors ascending, each author's posts in ascending order key, cut
/// into batches of at most `max_authors` authors and `max_posts` posts (an author with more
/// posts than that spans batches, older posts first).
fn author_batches(posts: Vec<Post>, max_authors: usize, max_posts: usize) -> Vec<Vec<Post>> {
	let mut by_author: BTreeMap<Identity, Vec<Post>> = BTreeMap::new();
	for post in posts {
		by_author.entry(post.record.author.clone()).or_default().push(post);
	}
	for own in by_author.values_mut() {
		own.sort_by_key(|p| p.record.post.order_key(&p.record.author));
	}
	let mut batches = vec![];
	let (mut batch, mut authors) = (Vec::new(), 0);
	for (_, mut own) in by_author {
		while !own.is_empty() {
			if authors == max_authors || batch.len() == max_posts {
				batches.push(std::mem::take(&mut batch));
				authors = 0;
			}
			let room = max_posts - batch.len();
			let rest = own.split_off(own.len().min(room));
			batch.append(&mut own);
			own = rest;
			authors += 1;
		}
	}
	if !batch.is_empty() {
		batches.push(batch);
	}
	batches
}

/// Nostr events in ascending id order, `max` per registration.
fn nostr_batches(mut posts: Vec<Post>, max: usize) -> Vec<Vec<Post>> {
	// A Nostr post without its note (queued by an older bridge) cannot be registered.
	posts.retain(|p| {
		if p.event.is_none() {
			eprintln!("skipping a queued Nostr post without its note: read its source again");
		}
		p.event.is_some()
	});
	posts.sort_by_key(|p| p.event.as_ref().map(|e| e.id));
	posts.chunks(max.max(1)).map(<[Post]>::to_vec).collect()
}

/// A batch submitted and not yet recorded.
struct InFlight {
	root: Hash,
	posts: usize,
	nostr: bool,
	submitted: Submitted,
}

/// Writes `batch` to the store as pending (with `nonce`), then signs and submits it.
async fn submit(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	store: &mut Store,
	batch: Vec<Post>,
	nonce: u64,
) -> Result<InFlight> {
	let records: Vec<PostRecord> = batch.iter().map(|p| p.record.clone()).collect();
	let root = batch_root(records.iter().map(PostRecord::leaf_hash));
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
					scrubbed_hash: record.scrubbed_hash,
				}
			})
			.collect();
		let call = api::transactions().content().register_nostr_events(
			api::runtime_types::bounded_collections::bounded_vec::BoundedVec(events),
		);
		chain.submit_then_watch(&call, signer, Some(nonce)).await?
	} else {
		let call = api::transactions().content().register_batch(
			target.id,
			subxt::utils::H256(root.0),
			chain::convert(&ranges(&records))?,
		);
		chain.submit_then_watch(&call, signer, Some(nonce)).await?
	};
	Ok(InFlight { root, posts: records.len(), nostr, submitted })
}

/// Waits until a submitted batch is finalized and records it with its proofs.
async fn record(
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

fn check_root(on_chain: [u8; 32], ours: Hash) -> Result<()> {
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
async fn find_batch(
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

#[cfg(test)]
mod tests {
	use super::*;
	use licentia_primitives::content::PostId;

	fn post(author: u64, id: u64) -> Post {
		Post {
			position: formats::Position::Line(1),
			record: PostRecord {
				platform: 3,
				post: PostId::X { id },
				content_hash: Hash::zero(),
				author: Identity::X(author),
				salt: Default::default(),
				scrubbed_hash: Default::default(),
			},
			event: None,
			content: None,
			labels: Vec::new(),
		}
	}

	#[test]
	fn contributors_declare_each_authors_range_and_keys() {
		let records: Vec<PostRecord> =
			[(2, 10), (2, 12), (5, 3)].iter().map(|(a, id)| post(*a, *id).record).collect();
		assert_eq!(ranges(&records), vec![(Identity::X(2), 2, 10, 12), (Identity::X(5), 1, 3, 3)]);
	}

	fn shape(batches: &[Vec<Post>]) -> Vec<Vec<(u64, u64)>> {
		batches
			.iter()
			.map(|b| {
				b.iter()
					.map(|p| match (&p.record.author, &p.record.post) {
						(Identity::X(a), PostId::X { id }) => (*a, *id),
						_ => unreachable!(),
					})
					.collect()
			})
			.collect()
	}

	#[test]
	fn batches_group_posts_by_ascending_author_within_both_limits() {
		let posts = vec![post(9, 1), post(2, 2), post(9, 3), post(5, 4), post(2, 5)];
		let all = author_batches(posts.clone(), 10, 10);
		assert_eq!(shape(&all), vec![vec![(2, 2), (2, 5), (5, 4), (9, 1), (9, 3)]]);
		let two_authors = author_batches(posts.clone(), 2, 10);
		assert_eq!(shape(&two_authors), vec![vec![(2, 2), (2, 5), (5, 4)], vec![(9, 1), (9, 3)]]);
		let three_posts = author_batches(posts, 10, 3);
		assert_eq!(shape(&three_posts), vec![vec![(2, 2), (2, 5), (5, 4)], vec![(9, 1), (9, 3)]]);
		let one_post = author_batches(vec![post(1, 1), post(1, 2)], 10, 1);
		assert_eq!(shape(&one_post), vec![vec![(1, 1)], vec![(1, 2)]]);
		// Each author's posts by ascending order key (here the X post id), older first when an
		// author spans batches: the layout the chain's fraud proofs check.
		let unordered = author_batches(vec![post(1, 7), post(1, 3), post(1, 5)], 10, 2);
		assert_eq!(shape(&unordered), vec![vec![(1, 3), (1, 5)], vec![(1, 7)]]);
	}
}
