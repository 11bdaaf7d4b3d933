//! Registering posts: who has opted in, which posts a batch can hold, how they are cut into
//! batches; shared by `ingest` and `follow`.

use crate::{
	chain::{self, api, Answer, Chain, Refusal},
	post::{Post, Target},
	store::Store,
};
use anyhow::{bail, Result};
use futures::{stream, StreamExt, TryStreamExt};
use indicatif::ProgressBar;
use licentia_primitives::{
	consent::{Identity, PlatformKind},
	runtime_api::IdentityConsent,
	AccountId,
};
use licentia_rpc::{LicentiaApiClient, NOT_FOUND};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use subxt_signer::sr25519::Keypair;

use super::{submit, Batching, Summary};

/// How many `licentia_identityConsent` questions are in flight at once. One at a time, an export
/// with thousands of authors waited a round trip per author; the node answers them in parallel.
pub(super) const CONSENT_QUERIES_IN_FLIGHT: usize = 32;

/// Why an author's posts are not registered.
pub(super) fn refusal(
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
				submit::record(store, summary, progress, oldest).await?;
			}
		}
		in_flight.push_back(submit::submit(chain, signer, target, store, batch, nonce).await?);
		nonce += 1;
	}
	while let Some(oldest) = in_flight.pop_front() {
		submit::record(store, summary, progress, oldest).await?;
	}
	Ok(())
}

pub(super) fn posts_authors(posts: &[Post]) -> BTreeSet<Identity> {
	posts.iter().map(|p| p.record.author.clone()).collect()
}

/// Posts grouped by author, authors ascending, each author's posts in ascending order key, cut
/// into batches of at most `max_authors` authors and `max_posts` posts (an author with more
/// posts than that spans batches, older posts first).
pub(super) fn author_batches(
	posts: Vec<Post>,
	max_authors: usize,
	max_posts: usize,
) -> Vec<Vec<Post>> {
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
pub(super) fn nostr_batches(mut posts: Vec<Post>, max: usize) -> Vec<Vec<Post>> {
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

#[cfg(test)]
mod tests {
	use super::*;
	use licentia_primitives::{
		content::{ranges, PostId, PostRecord},
		Hash,
	};

	fn post(author: u64, id: u64) -> Post {
		Post {
			position: crate::post::Position::Line(1),
			record: PostRecord {
				platform: 3,
				post: PostId::X { id },
				content_hash: Hash::zero(),
				author: Identity::X(author),
				salt: Default::default(),
				text_seal: Default::default(),
			},
			anonymous: Hash::zero(),
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
