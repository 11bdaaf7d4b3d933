//! `follow`: a platform's live source, followed for as long as the bridge runs.
//!
//! Two tasks share the store (two SQLite connections):
//! - the **reader** reads the source and writes what it reads to the store's queue (posts) and
//!   withdrawals (deletions, edits, accounts gone), each write in one transaction with the
//!   source's cursor. It never waits for the chain, so a slow block or a node restart does not
//!   hold the source back.
//! - the **registrar** wakes every few seconds and, when there is work: drops queued posts that
//!   were withdrawn before they were registered; registers the posts queued for at least a
//!   window, like `ingest` (authors who have not opted in are left out; a batch an author's
//!   withdrawn consent made fail is rebuilt without them in the next round, since its posts
//!   stay queued until they are registered or refused); revokes the registered posts that were
//!   withdrawn (`content.revokePosts`); unlinks accounts that were deleted; activates the
//!   batches whose challenge windows ended.
//!
//! Exactly once: a post is queued with the cursor that follows it, and a restarted reader
//! resumes a few seconds before the cursor (Jetstream's advice), so nothing is missed; what is
//! read twice is queued once (the queue is keyed by post) and registered once (a post in the
//! store is not registered again; a batch submitted before a stop is settled on start, as
//! `ingest` does).
//!
//! Sources: Bluesky's Jetstream (`kind: commit` of `app.bsky.feed.post`, and `kind: account`),
//! followed by the platform's operator; Nostr relays (NIP-01 subscriptions to the notes and
//! deletions of the Nostr keys linked to the signer's account), followed by the author: Nostr
//! events are registered by their authors.

use crate::{
	activate,
	chain::{self, api, Chain},
	commands,
	formats::{self, Item, Target},
	ingest::{self, Batching},
	metrics::Metrics,
	store::{self, Store, Withdrawal},
};
use anyhow::{bail, Context, Result};
use futures::{SinkExt, StreamExt};
use licentia_primitives::consent::{Identity, PlatformKind};
use serde::Serialize;
use std::{
	net::SocketAddr,
	path::PathBuf,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::Keypair;
use tokio::{
	signal::unix::{signal, SignalKind},
	sync::watch,
};
use tokio_tungstenite::tungstenite::Message;

/// How far back a reconnecting reader resumes, in microseconds: Jetstream's events are ordered
/// per connection but not across its instances, so a few seconds are read again.
const REWIND_US: u64 = 5_000_000;
/// The reader writes what it read at least this often (and every `FLUSH_ITEMS` items).
const FLUSH_EVERY: Duration = Duration::from_millis(500);
const FLUSH_ITEMS: usize = 1_000;
/// The registrar looks for work this often.
const TICK: Duration = Duration::from_secs(2);
/// The reader's reconnections back off up to this.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What `follow` does.
pub struct Options {
	/// The platform.
	pub platform: u32,
	/// The store.
	pub store: PathBuf,
	/// The source's endpoints: one Jetstream endpoint, or Nostr relays.
	pub sources: Vec<String>,
	/// How long a post waits in the queue before it is batched.
	pub window: Duration,
	/// How batches are cut and submitted.
	pub batching: Batching,
	/// Where to serve metrics.
	pub metrics: Option<SocketAddr>,
	/// The node (to reconnect after losing it).
	pub url: String,
}

/// What `follow` did, printed when it stops.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
	/// Posts registered.
	pub registered: usize,
	/// Posts revoked.
	pub revoked: usize,
	/// Batches registered.
	pub batches: usize,
	/// Rounds that failed talking to the chain (retried).
	pub chain_errors: usize,
	/// Posts still queued at the stop.
	pub queued: usize,
}

/// Runs `follow` until SIGTERM or SIGINT.
pub async fn run(chain: Chain, signer: Keypair, options: Options) -> Result<Summary> {
	let target = chain.target(options.platform).await?;
	let sources = match target.kind {
		PlatformKind::Bluesky => match options.sources.as_slice() {
			[endpoint] => vec![Source::Jetstream(endpoint.clone())],
			_ => bail!("a Bluesky platform follows one Jetstream endpoint (one --source)"),
		},
		PlatformKind::Nostr => {
			let keys = nostr_keys(&chain, &signer).await?;
			if keys.is_empty() {
				bail!(
					"the signer's account has no linked Nostr key: link one (link-nostr), then \
					 follow the relays its notes are published to"
				);
			}
			options
				.sources
				.iter()
				.map(|relay| Source::Relay(relay.clone(), keys.clone()))
				.collect()
		},
		kind => bail!(
			"follow reads Bluesky's Jetstream and Nostr relays; platform {} is {kind:?} (use \
			 ingest with its exports)",
			target.id
		),
	};
	let metrics = match options.metrics {
		Some(addr) => Metrics::serve(addr).await?,
		None => Metrics::unserved()?,
	};
	let mut store = Store::open(&options.store)?;
	let mut settled = ingest::Summary::default();
	ingest::settle_pending(&chain, &signer, &mut store, &mut settled).await?;

	let (stop, stopped) = watch::channel(false);
	let readers: Vec<_> = sources
		.into_iter()
		.map(|source| {
			let (target, store, metrics) = (target.clone(), options.store.clone(), metrics.clone());
			tokio::spawn(read_source(source, target, store, metrics, stopped.clone()))
		})
		.collect();
	let reader = tokio::spawn(async move {
		for reader in readers {
			reader.await.map_err(|e| anyhow::anyhow!("a source reader stopped: {e}"))??;
		}
		anyhow::Ok(())
	});
	let mut terminate = signal(SignalKind::terminate())?;
	let mut interrupt = signal(SignalKind::interrupt())?;
	let mut summary = Summary { registered: settled.registered, ..Default::default() };
	let mut chain = chain;
	eprintln!("following {} for platform {}", options.sources.join(", "), target.id);
	loop {
		tokio::select! {
			_ = terminate.recv() => break,
			_ = interrupt.recv() => break,
			_ = tokio::time::sleep(TICK) => {},
		}
		if reader.is_finished() {
			break;
		}
		let round = round(&chain, &signer, &target, &mut store, &options, &metrics, &mut summary);
		if let Err(error) = round.await {
			eprintln!("error: {error:#} (retrying)");
			summary.chain_errors += 1;
			metrics.chain_errors.inc();
			// A lost connection is not coming back by itself: connect again.
			match Chain::connect(&options.url).await {
				Ok(fresh) => chain = fresh,
				Err(e) => eprintln!("error: {e:#}"),
			}
		}
	}
	eprintln!("stopping");
	let _ = stop.send(true);
	match reader.await {
		Ok(Ok(())) => {},
		Ok(Err(error)) => return Err(error.context("reading the source")),
		Err(error) => bail!("the source reader stopped: {error}"),
	}
	summary.queued = store.queue_len()?;
	Ok(summary)
}

/// One round of the registrar.
async fn round(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	store: &mut Store,
	options: &Options,
	metrics: &Metrics,
	summary: &mut Summary,
) -> Result<()> {
	let withdrawals = store.withdrawals()?;
	for (platform, withdrawal, reason) in &withdrawals {
		let dropped = store.withdraw_queued(*platform, withdrawal)?;
		metrics.skipped.with_label_values(&[reason.as_str()]).inc_by(dropped as u64);
	}

	let due = store.queued(store::now() - options.window.as_secs() as i64)?;
	metrics.queued.set(store.queue_len()? as u64);
	if !due.is_empty() {
		let mut registration = ingest::Summary::default();
		let hidden = indicatif::ProgressBar::hidden();
		metrics.batches_in_flight.set(1);
		let registered = ingest::register(
			chain,
			signer,
			target,
			store,
			due.clone(),
			Some(options.batching),
			&mut registration,
			&hidden,
		)
		.await;
		metrics.batches_in_flight.set(0);
		// Posts registered so far are in the store whatever happened; the others stay queued.
		metrics.registered.inc_by(registration.registered as u64);
		summary.registered += registration.registered;
		summary.batches += registration.batches.len();
		registered?;
		for (reason, count) in &registration.not_opted_in {
			metrics.skipped.with_label_values(&[label(reason)]).inc_by(*count as u64);
		}
		let skipped = metrics.skipped.clone();
		skipped
			.with_label_values(&["outOfOrder"])
			.inc_by(registration.out_of_order as u64);
		skipped
			.with_label_values(&["alreadyRegistered"])
			.inc_by(registration.already_registered as u64);
		store.dequeue(&due)?;
		metrics.queued.set(store.queue_len()? as u64);
		if registration.registered > 0 {
			eprintln!(
				"registered {} posts in batches {:?}",
				registration.registered, registration.batches
			);
		}
	}

	// Batches whose challenge windows ended count from now on (and their posts can be revoked).
	if target.kind != PlatformKind::Nostr {
		activate::run(chain, signer, store, None, false).await?;
	}

	// Withdrawals of registered posts; those in a batch not active yet wait for it.
	let mut revoke = Vec::new();
	let mut reasons = Vec::new();
	let mut done = Vec::new();
	let mut unlink = Vec::new();
	for (platform, withdrawal, reason) in withdrawals {
		if store.withdrawal_pending(platform, &withdrawal)? {
			continue;
		}
		let posts = store.withdrawn(Some(platform), &withdrawal)?;
		reasons.push((reason, posts.len()));
		revoke.extend(posts);
		if let Withdrawal::Author(author) = &withdrawal {
			unlink.push(author.clone());
		}
		done.push((platform, withdrawal));
	}
	if !revoke.is_empty() {
		let revoked = commands::revoke_posts(chain, signer, store, &revoke).await?;
		for (reason, posts) in reasons {
			metrics.revoked.with_label_values(&[reason.as_str()]).inc_by(posts as u64);
		}
		summary.revoked += revoked.revoked;
		eprintln!(
			"revoked {} posts ({} already revoked)",
			revoked.revoked,
			revoke.len() - revoked.revoked
		);
	}
	for author in unlink {
		unlink_identity(chain, signer, target, author).await?;
	}
	for (platform, withdrawal) in done {
		store.withdrawal_done(platform, &withdrawal)?;
	}
	Ok(())
}

/// The metric label of a reason `ingest` gives for leaving an author's posts out.
fn label(reason: &str) -> &str {
	match reason {
		"not linked to an account" => "notLinked",
		"linked through another platform" => "linkedElsewhere",
		"allows no purpose" => "allowsNothing",
		"a Nostr key linked to another account than the signer" => "otherAccount",
		other => other,
	}
}

/// Unlinks an identity whose account is gone at the source, if it is linked through `target`.
async fn unlink_identity(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	author: Identity,
) -> Result<()> {
	use licentia_rpc::LicentiaApiClient;
	let consent = chain.licentia().identity_consent(author.clone(), None).await;
	let Ok((_, consent)) = consent.map_err(|_| ()) else { return Ok(()) };
	if consent.platform != target.id {
		return Ok(());
	}
	let call = api::transactions().consent().unlink_identity(chain::convert(&author)?);
	chain
		.submit(&call, signer)
		.await
		.context("unlinking an account gone at the source")?;
	eprintln!("unlinked {}", serde_json::to_string(&author)?);
	Ok(())
}

/// The Nostr keys linked to the signer's account: whose notes a Nostr follower registers.
async fn nostr_keys(chain: &Chain, signer: &Keypair) -> Result<Vec<[u8; 32]>> {
	use licentia_rpc::LicentiaApiClient;
	let account = chain::primitive_account(&chain::account_of(signer));
	let consent = chain.licentia().account_consent(account, None).await;
	let consent =
		crate::chain::Answer::answer(consent).context("reading the signer's identities")?;
	Ok(consent
		.identities
		.into_iter()
		.filter_map(|linked| match linked.identity {
			Identity::Nostr(key) => Some(key),
			_ => None,
		})
		.collect())
}

/// A live source.
#[derive(Clone, Debug)]
enum Source {
	/// A Jetstream endpoint.
	Jetstream(String),
	/// A Nostr relay, and the keys whose notes and deletions to ask it for.
	Relay(String, Vec<[u8; 32]>),
}

impl Source {
	/// Its name in the store's `cursors`.
	fn cursor_name(&self) -> String {
		match self {
			Source::Jetstream(_) => "jetstream".into(),
			Source::Relay(url, _) => format!("nostr:{url}"),
		}
	}

	/// The URL to connect to, resuming a little before `cursor`.
	fn url(&self, cursor: Option<u64>) -> String {
		match self {
			Source::Jetstream(endpoint) => {
				jetstream_url(endpoint, cursor.map(|c| c.saturating_sub(REWIND_US)))
			},
			Source::Relay(url, _) => url.clone(),
		}
	}

	/// What to send once connected: a relay's subscription (NIP-01 `REQ`) to the keys' notes
	/// and deletions since a little before `cursor`.
	fn request(&self, cursor: Option<u64>) -> Option<String> {
		let Source::Relay(_, keys) = self else { return None };
		let authors: Vec<String> = keys.iter().map(hex::encode).collect();
		let mut filter = serde_json::json!({ "authors": authors, "kinds": [1, 5] });
		if let Some(cursor) = cursor {
			filter["since"] = cursor.saturating_sub(RELAY_REWIND_S).into();
		}
		Some(serde_json::json!(["REQ", "licentia", filter]).to_string())
	}

	/// Where an item puts the cursor, and its age in seconds: Jetstream's `time_us`, a relay
	/// event's `created_at`.
	fn position(&self, item: &serde_json::Value) -> Option<(u64, f64)> {
		let now = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.unwrap_or_default();
		match self {
			Source::Jetstream(_) => {
				let time_us = item.get("time_us")?.as_u64()?;
				Some((time_us, now.as_micros().saturating_sub(u128::from(time_us)) as f64 / 1e6))
			},
			Source::Relay(..) => {
				let created_at = item.get(2)?.get("created_at")?.as_u64()?;
				Some((created_at, now.as_secs().saturating_sub(created_at) as f64))
			},
		}
	}
}

/// How far back a relay subscription resumes, in seconds: relays neither order events nor
/// promise that an event's `created_at` is when they received it.
const RELAY_REWIND_S: u64 = 600;

/// The Jetstream endpoint with the wanted collection and, if given, the cursor.
fn jetstream_url(endpoint: &str, cursor: Option<u64>) -> String {
	let separator = if endpoint.contains('?') { '&' } else { '?' };
	let mut url = format!("{endpoint}{separator}wantedCollections=app.bsky.feed.post");
	if let Some(cursor) = cursor {
		url.push_str(&format!("&cursor={cursor}"));
	}
	url
}

/// A reader: follows `source` from the store's cursor, reconnecting with backoff, until `stop`.
async fn read_source(
	source: Source,
	target: Target,
	store: PathBuf,
	metrics: Metrics,
	mut stop: watch::Receiver<bool>,
) -> Result<()> {
	let mut store = Store::open(&store)?;
	let mut backoff = Duration::from_secs(1);
	let name = source.cursor_name();
	loop {
		let cursor = store.cursor(&name)?.and_then(|c| c.parse::<u64>().ok());
		let url = source.url(cursor);
		let connected = tokio::select! {
			connected = tokio_tungstenite::connect_async(url.as_str()) => connected,
			_ = stop.changed() => return Ok(()),
		};
		let shown = match &source {
			Source::Jetstream(endpoint) | Source::Relay(endpoint, _) => endpoint.clone(),
		};
		match connected {
			Ok((mut socket, _)) => {
				let started = Instant::now();
				let subscribed: Result<()> = match source.request(cursor) {
					Some(request) => socket.send(Message::text(request)).await.map_err(Into::into),
					None => Ok(()),
				};
				let outcome = match subscribed {
					Ok(()) => {
						read_socket(socket, &source, &target, &mut store, &metrics, &mut stop).await
					},
					Err(error) => Err(error),
				};
				match outcome {
					Ok(Stop::Requested) => return Ok(()),
					Ok(Stop::Closed) => eprintln!("{shown} closed the connection"),
					Err(error) => eprintln!("reading {shown}: {error:#}"),
				}
				if started.elapsed() > MAX_BACKOFF {
					backoff = Duration::from_secs(1);
				}
			},
			Err(error) => eprintln!("connecting to {shown}: {error}"),
		}
		metrics.reconnects.inc();
		tokio::select! {
			_ = tokio::time::sleep(backoff) => {},
			_ = stop.changed() => return Ok(()),
		}
		backoff = (backoff * 2).min(MAX_BACKOFF);
	}
}

enum Stop {
	Requested,
	Closed,
}

/// What the reader read since its last write.
#[derive(Default)]
struct Read {
	posts: Vec<formats::Post>,
	withdrawals: Vec<(u32, Withdrawal, String)>,
	cursor: Option<u64>,
	items: usize,
}

async fn read_socket(
	mut socket: tokio_tungstenite::WebSocketStream<
		tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
	>,
	source: &Source,
	target: &Target,
	store: &mut Store,
	metrics: &Metrics,
	stop: &mut watch::Receiver<bool>,
) -> Result<Stop> {
	let name = source.cursor_name();
	let mut read = Read::default();
	let mut flush = tokio::time::interval(FLUSH_EVERY);
	let outcome = loop {
		let message = tokio::select! {
			message = socket.next() => message,
			_ = flush.tick() => {
				write(store, &name, &mut read)?;
				continue;
			},
			_ = stop.changed() => break Stop::Requested,
		};
		let text = match message {
			None => break Stop::Closed,
			Some(Err(error)) => {
				write(store, &name, &mut read)?;
				return Err(error.into());
			},
			Some(Ok(Message::Text(text))) => text,
			Some(Ok(Message::Ping(ping))) => {
				socket.send(Message::Pong(ping)).await?;
				continue;
			},
			Some(Ok(Message::Close(_))) => break Stop::Closed,
			Some(Ok(_)) => continue,
		};
		read_event(text.as_str(), source, target, store, metrics, &mut read)?;
		if read.items >= FLUSH_ITEMS {
			write(store, &name, &mut read)?;
		}
	};
	write(store, &name, &mut read)?;
	Ok(outcome)
}

/// Takes one item of the source: a post is queued, a withdrawal of something the bridge has
/// (or has queued) is recorded, the rest is counted.
fn read_event(
	text: &str,
	source: &Source,
	target: &Target,
	store: &Store,
	metrics: &Metrics,
	read: &mut Read,
) -> Result<()> {
	let value: serde_json::Value = match serde_json::from_str(text) {
		Ok(value) => value,
		Err(error) => {
			metrics.seen.with_label_values(&["unreadable"]).inc();
			eprintln!("an item that is not JSON: {error}");
			return Ok(());
		},
	};
	read.items += 1;
	if let Some((position, age)) = source.position(&value) {
		read.cursor = Some(read.cursor.map_or(position, |c| c.max(position)));
		metrics.lag.set(age);
	}
	let queued_author = |read: &Read, id: &str| {
		read.posts
			.iter()
			.find(|p| store::source_id(&p.record.post) == id)
			.map(|p| p.record.author.clone())
	};
	match formats::read_item(target, &value) {
		Ok(Item::Post(record, event, labels)) => {
			metrics.seen.with_label_values(&["post"]).inc();
			let content = Some(value.to_string());
			let position = formats::Position::Line(0);
			read.posts.push(formats::Post { position, record, event, content, labels });
		},
		Ok(Item::Withdrawal(withdrawal, reason)) => {
			metrics.seen.with_label_values(&["withdrawal"]).inc();
			let queued = read.posts.iter().any(|p| match &withdrawal {
				Withdrawal::Post(id) => store::source_id(&p.record.post) == *id,
				Withdrawal::Author(author) => p.record.author == *author,
			});
			if queued || store.knows(target.id, &withdrawal)? {
				read.withdrawals.push((target.id, withdrawal, reason));
			}
		},
		Ok(Item::NostrDeletion { ids, by }) => {
			metrics.seen.with_label_values(&["withdrawal"]).inc();
			// NIP-09: a deletion withdraws only its own key's events.
			for id in ids {
				let author = match queued_author(read, &id) {
					Some(author) => Some(author),
					None => store.source_author(target.id, &id)?,
				};
				if author.as_ref() == Some(&by) {
					read.withdrawals.push((target.id, Withdrawal::Post(id), "deleted".into()));
				}
			}
		},
		Ok(Item::Skipped) => metrics.seen.with_label_values(&["skipped"]).inc(),
		Err(reason) => {
			metrics.seen.with_label_values(&["unreadable"]).inc();
			eprintln!("skipping an item: {reason}");
		},
	}
	Ok(())
}

/// Writes what was read, with the cursor after it, in one transaction.
fn write(store: &mut Store, name: &str, read: &mut Read) -> Result<()> {
	if read.items == 0 {
		return Ok(());
	}
	let cursor = read.cursor.map(|c| c.to_string());
	store.enqueue(&read.posts, &read.withdrawals, cursor.as_deref().map(|c| (name, c)))?;
	*read = Read::default();
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_cursor_is_added_to_the_endpoint() {
		assert_eq!(
			jetstream_url("ws://h/subscribe", Some(7)),
			"ws://h/subscribe?wantedCollections=app.bsky.feed.post&cursor=7"
		);
		assert_eq!(
			jetstream_url("wss://h/subscribe?compress=false", None),
			"wss://h/subscribe?compress=false&wantedCollections=app.bsky.feed.post"
		);
	}
}
