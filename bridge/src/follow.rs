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
//! Sources:
//! - Bluesky's Jetstream (`kind: commit` of `app.bsky.feed.post`, and `kind: account`), resumed
//!   from its `time_us` cursor;
//! - a Mastodon instance: its streaming API (`public:local`, found through `/api/v2/instance`),
//!   and on reconnection its public local timeline (REST, `min_id` = the last status read) for
//!   what was posted while the bridge was away;
//! - X's API v2: the filtered stream (`/2/tweets/search/stream`, with `expansions=author_id` and
//!   the fields the bridge reads) and the compliance stream's partitions
//!   (`/2/tweets/compliance/stream?partition=N`: deletions, edits, protected and suspended
//!   accounts), with `backfill_minutes` on reconnection;
//! - Nostr relays (NIP-01 subscriptions to the notes and deletions of the Nostr keys linked to
//!   the signer's account), followed by the author: Nostr events are registered by their authors.
//!
//! The first three are followed by the platform's operator.

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
use licentia_primitives::{
	consent::{Identity, PlatformKind},
	content::PostRecord,
};
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
	/// The source's endpoints: one Jetstream endpoint, one Mastodon instance, X's streams, or
	/// Nostr relays.
	pub sources: Vec<String>,
	/// The bearer token a Mastodon instance or X's API wants.
	pub token: Option<String>,
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
	let mut store = Store::open(&options.store)?;
	let target = chain.target(options.platform, store.salt_key()?).await?;
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
		PlatformKind::Mastodon => match options.sources.as_slice() {
			[instance] => vec![Source::Mastodon {
				instance: instance.trim_end_matches('/').to_string(),
				token: options.token.clone(),
			}],
			_ => {
				bail!("a Mastodon platform follows one instance (one --source https://<instance>)")
			},
		},
		PlatformKind::X => {
			let token = options.token.clone().context(
				"X's API wants the app's bearer token (--token or LICENTIA_SOURCE_TOKEN)",
			)?;
			options
				.sources
				.iter()
				.map(|url| {
					let compliance = url.contains("/compliance/");
					Source::X { url: url.clone(), token: token.clone(), compliance }
				})
				.collect()
		},
	};
	let metrics = match options.metrics {
		Some(addr) => Metrics::serve(addr).await?,
		None => Metrics::unserved()?,
	};
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
	// A batch the last round left in flight (it lost the node) is on chain or never will be:
	// settled first, so that its posts are recorded, or queued posts batched again.
	if !store.pending()?.is_empty() {
		let mut settled = ingest::Summary::default();
		ingest::settle_pending(chain, signer, store, &mut settled).await?;
		metrics.registered.inc_by(settled.registered as u64);
		summary.registered += settled.registered;
		summary.batches += settled.batches.len();
	}

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
		// Notes beyond their keys' allowance stay queued for the next period.
		let due: Vec<_> = due
			.into_iter()
			.filter(|post| !registration.deferred_posts.contains(post))
			.collect();
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
	/// A Mastodon instance (`https://<domain>`), and the token to read it with.
	Mastodon { instance: String, token: Option<String> },
	/// One of X's API v2 streams: the filtered stream or a compliance stream partition.
	X { url: String, token: String, compliance: bool },
}

impl Source {
	/// Its name in the store's `cursors`.
	fn cursor_name(&self) -> String {
		match self {
			Source::Jetstream(_) => "jetstream".into(),
			Source::Relay(url, _) => format!("nostr:{url}"),
			Source::Mastodon { .. } => "mastodon".into(),
			Source::X { url, .. } => format!("x:{url}"),
		}
	}

	/// How it is shown in messages.
	fn endpoint(&self) -> &str {
		match self {
			Source::Jetstream(url) | Source::Relay(url, _) => url,
			Source::Mastodon { instance, .. } => instance,
			Source::X { url, .. } => url,
		}
	}

	/// Connects, resuming a little before `cursor`.
	async fn open(&self, client: &reqwest::Client, cursor: Option<u64>) -> Result<Feed> {
		match self {
			Source::Jetstream(endpoint) => {
				let url = jetstream_url(endpoint, cursor.map(|c| c.saturating_sub(REWIND_US)));
				Ok(Feed::Socket(Box::new(tokio_tungstenite::connect_async(url.as_str()).await?.0)))
			},
			Source::Relay(url, keys) => {
				let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str()).await?;
				socket.send(Message::text(relay_request(keys, cursor))).await?;
				Ok(Feed::Socket(Box::new(socket)))
			},
			Source::Mastodon { instance, token } => {
				let streaming = mastodon_streaming(client, instance).await?;
				let mut url = format!("{streaming}/api/v1/streaming?stream=public:local");
				if let Some(token) = token {
					url.push_str(&format!("&access_token={token}"));
				}
				Ok(Feed::Socket(Box::new(tokio_tungstenite::connect_async(url.as_str()).await?.0)))
			},
			Source::X { url, token, compliance } => {
				let mut request = client.get(url).bearer_auth(token);
				if !compliance {
					request = request
						.query(&[("expansions", "author_id"), ("tweet.fields", X_TWEET_FIELDS)]);
				}
				// Up to 5 minutes of what was missed (X's limit), from the last item read (a
				// post's id; the time a compliance event was read).
				let age = |cursor| match compliance {
					true => unix_now().as_secs().saturating_sub(cursor) as f64,
					false => x_age(cursor),
				};
				if let Some(minutes) = cursor.map(|cursor| age(cursor) / 60.0 + 1.0) {
					request = request.query(&[("backfill_minutes", (minutes as u64).min(5))]);
				}
				let response = request.send().await?;
				let status = response.status();
				if !status.is_success() {
					let body = response.text().await.unwrap_or_default();
					bail!("{status}: {}", body.chars().take(300).collect::<String>());
				}
				Ok(Feed::Lines { body: Box::pin(response.bytes_stream()), buffer: Vec::new() })
			},
		}
	}

	/// Where an item puts the cursor, and its age in seconds: Jetstream's `time_us`, a relay
	/// event's `created_at`; a Mastodon status's or X post's id (both are snowflakes, which
	/// carry their time); for X's compliance stream, when the event was read.
	fn position(&self, item: &serde_json::Value, post: Option<&PostRecord>) -> Option<(u64, f64)> {
		let now = unix_now();
		match self {
			Source::Jetstream(_) => {
				let time_us = item.get("time_us")?.as_u64()?;
				Some((time_us, now.as_micros().saturating_sub(u128::from(time_us)) as f64 / 1e6))
			},
			Source::Relay(..) => {
				let created_at = item.get(2)?.get("created_at")?.as_u64()?;
				Some((created_at, now.as_secs().saturating_sub(created_at) as f64))
			},
			Source::Mastodon { .. } => {
				let post = post?;
				let id = post.post.order_key(&post.author)?;
				let millis = (id >> 16) as u128;
				Some((id, now.as_millis().saturating_sub(millis) as f64 / 1e3))
			},
			Source::X { compliance: false, .. } => {
				let post = post?;
				let id = post.post.order_key(&post.author)?;
				Some((id, x_age(id)))
			},
			Source::X { compliance: true, .. } => Some((now.as_secs(), 0.0)),
		}
	}
}

/// The time since 1970.
fn unix_now() -> Duration {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap_or_default()
}

/// The fields of a post X's filtered stream is asked for: what the bridge reads.
const X_TWEET_FIELDS: &str =
	"author_id,created_at,edit_history_tweet_ids,note_tweet,possibly_sensitive,referenced_tweets";

/// The age in seconds of the X post with this id (a snowflake: milliseconds since X's epoch in
/// its top bits).
fn x_age(id: u64) -> f64 {
	const X_EPOCH_MS: u64 = 1_288_834_974_657;
	let now = unix_now().as_millis() as u64;
	now.saturating_sub((id >> 22) + X_EPOCH_MS) as f64 / 1e3
}

/// A relay subscription (NIP-01 `REQ`) to the keys' notes and deletions since a little before
/// `cursor`.
fn relay_request(keys: &[[u8; 32]], cursor: Option<u64>) -> String {
	let authors: Vec<String> = keys.iter().map(hex::encode).collect();
	let mut filter = serde_json::json!({ "authors": authors, "kinds": [1, 5] });
	if let Some(cursor) = cursor {
		filter["since"] = cursor.saturating_sub(RELAY_REWIND_S).into();
	}
	serde_json::json!(["REQ", "licentia", filter]).to_string()
}

/// A Mastodon instance's streaming API base (`wss://...`): `/api/v2/instance`'s
/// `configuration.urls.streaming`, else `/api/v1/instance`'s `urls.streaming_api`.
async fn mastodon_streaming(client: &reqwest::Client, instance: &str) -> Result<String> {
	for (path, pointer) in [
		("/api/v2/instance", "/configuration/urls/streaming"),
		("/api/v1/instance", "/urls/streaming_api"),
	] {
		let response = client.get(format!("{instance}{path}")).send().await?;
		if !response.status().is_success() {
			continue;
		}
		let info: serde_json::Value = response.json().await?;
		if let Some(url) = info.pointer(pointer).and_then(|url| url.as_str()) {
			return Ok(url.trim_end_matches('/').to_string());
		}
	}
	bail!("{instance} names no streaming API in /api/v2/instance or /api/v1/instance")
}

/// The statuses a Mastodon instance's public local timeline has after `since` (a status id),
/// oldest first, one page of at most 40: what `follow` reads after a reconnection.
async fn mastodon_page(
	client: &reqwest::Client,
	instance: &str,
	token: Option<&str>,
	since: u64,
) -> Result<Vec<serde_json::Value>> {
	let mut request = client
		.get(format!("{instance}/api/v1/timelines/public"))
		.query(&[("local", "true"), ("limit", "40")])
		.query(&[("min_id", since)]);
	if let Some(token) = token {
		request = request.bearer_auth(token);
	}
	let response = request.send().await?.error_for_status()?;
	let mut statuses: Vec<serde_json::Value> = response.json().await?;
	// `min_id` pages come newest first; ids are decimal snowflakes.
	let id = |status: &serde_json::Value| {
		status["id"].as_str().and_then(|id| id.parse::<u64>().ok()).unwrap_or_default()
	};
	statuses.sort_by_key(id);
	Ok(statuses)
}

/// An open connection to a source, read item by item.
enum Feed {
	/// A WebSocket (Jetstream, a Nostr relay, Mastodon's streaming API): one item per message.
	/// (Boxed: a socket is 1.4 KB, and one feed is open per source.)
	Socket(
		Box<
			tokio_tungstenite::WebSocketStream<
				tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
			>,
		>,
	),
	/// An HTTP response streaming one JSON item per line (X), with the partial line read.
	Lines {
		body: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
		buffer: Vec<u8>,
	},
}

/// How long a stream may stay silent: X sends a keep-alive newline every 20 seconds.
const SILENCE: Duration = Duration::from_secs(90);

impl Feed {
	/// The next item, `None` when the source closed the connection.
	async fn next(&mut self) -> Result<Option<String>> {
		match self {
			Feed::Socket(socket) => loop {
				// Pings are answered by tungstenite on the next read.
				match socket.next().await {
					None | Some(Ok(Message::Close(_))) => return Ok(None),
					Some(Err(error)) => return Err(error.into()),
					Some(Ok(Message::Text(text))) => return Ok(Some(text.as_str().to_owned())),
					Some(Ok(_)) => continue,
				}
			},
			Feed::Lines { body, buffer } => loop {
				if let Some(end) = buffer.iter().position(|b| *b == b'\n') {
					let line: Vec<u8> = buffer.drain(..=end).collect();
					let line = String::from_utf8_lossy(&line).trim().to_string();
					if line.is_empty() {
						continue;
					}
					return Ok(Some(line));
				}
				if buffer.len() > MAX_LINE {
					bail!("a line longer than {MAX_LINE} bytes");
				}
				match tokio::time::timeout(SILENCE, body.next()).await {
					Err(_) => bail!("nothing, not even a keep-alive, for {} s", SILENCE.as_secs()),
					Ok(None) => return Ok(None),
					Ok(Some(chunk)) => buffer.extend_from_slice(&chunk?),
				}
			},
		}
	}
}

/// The longest line a streaming HTTP source may send.
const MAX_LINE: usize = 4 << 20;

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
	let client = reqwest::Client::builder()
		.connect_timeout(Duration::from_secs(10))
		.user_agent(concat!("licentia-bridge/", env!("CARGO_PKG_VERSION")))
		.build()?;
	let mut backoff = Duration::from_secs(1);
	let mut reader = Reader { source: &source, target: &target, metrics: &metrics };
	loop {
		let started = Instant::now();
		let outcome = tokio::select! {
			outcome = reader.follow(&client, &mut store) => outcome,
			_ = stop.changed() => return Ok(()),
		};
		match outcome {
			Ok(()) => eprintln!("{} closed the connection", source.endpoint()),
			Err(error) => eprintln!("reading {}: {error:#}", source.endpoint()),
		}
		if started.elapsed() > MAX_BACKOFF {
			backoff = Duration::from_secs(1);
		}
		metrics.reconnects.inc();
		tokio::select! {
			_ = tokio::time::sleep(backoff) => {},
			_ = stop.changed() => return Ok(()),
		}
		backoff = (backoff * 2).min(MAX_BACKOFF);
		reader = Reader { source: &source, target: &target, metrics: &metrics };
	}
}

/// One source's reader.
struct Reader<'a> {
	source: &'a Source,
	target: &'a Target,
	metrics: &'a Metrics,
}

impl Reader<'_> {
	/// Connects and reads until the source closes the connection or fails. What was read is
	/// written at least every `FLUSH_EVERY` (and on the way out: cancelled by a stop, the
	/// reader loses at most what it read since its last write, which the cursor makes it read
	/// again).
	async fn follow(&mut self, client: &reqwest::Client, store: &mut Store) -> Result<()> {
		let name = self.source.cursor_name();
		let cursor = store.cursor(&name)?.and_then(|c| c.parse::<u64>().ok());
		let mut feed = self.source.open(client, cursor).await?;
		// Mastodon's stream does not replay: what was posted while the bridge was away is read
		// from the public timeline (the stream is open first, so nothing falls between).
		if let (Source::Mastodon { instance, token }, Some(mut since)) = (self.source, cursor) {
			loop {
				let page = mastodon_page(client, instance, token.as_deref(), since).await?;
				let last = page.last().and_then(|s| s["id"].as_str()?.parse::<u64>().ok());
				// An empty page is the end; one that does not move forward is an instance that
				// ignores `min_id` (the stream takes over).
				let Some(last) = last.filter(|last| *last > since) else { break };
				since = last;
				let mut read = Read::default();
				for status in &page {
					self.read_item(&status.to_string(), store, &mut read)?;
				}
				write(store, &name, &mut read)?;
			}
		}
		let mut read = Read::default();
		let mut flush = tokio::time::interval(FLUSH_EVERY);
		let outcome = loop {
			let item = tokio::select! {
				item = feed.next() => item,
				_ = flush.tick() => {
					write(store, &name, &mut read)?;
					continue;
				},
			};
			match item {
				Ok(Some(text)) => self.read_item(&text, store, &mut read)?,
				Ok(None) => break Ok(()),
				Err(error) => break Err(error),
			}
			if read.items >= FLUSH_ITEMS {
				write(store, &name, &mut read)?;
			}
		};
		write(store, &name, &mut read)?;
		outcome
	}

	/// Takes one item of the source: a post is queued, a withdrawal of something the bridge has
	/// (or has queued) is recorded, the rest is counted.
	fn read_item(&self, text: &str, store: &Store, read: &mut Read) -> Result<()> {
		let (target, metrics) = (self.target, self.metrics);
		let value: serde_json::Value = match serde_json::from_str(text) {
			Ok(value) => value,
			Err(error) => {
				metrics.seen.with_label_values(&["unreadable"]).inc();
				eprintln!("an item that is not JSON: {error}");
				return Ok(());
			},
		};
		read.items += 1;
		let item = formats::read_item(target, &value);
		let post = match &item {
			Ok(Item::Post(record, ..) | Item::Edited(record, ..)) => Some(record),
			_ => None,
		};
		if let Some((position, age)) = self.source.position(&value, post) {
			read.cursor = Some(read.cursor.map_or(position, |c| c.max(position)));
			metrics.lag.set(age);
		}
		let (record, event, labels, earlier) = match item {
			Ok(Item::Post(record, event, labels)) => (record, event, labels, Vec::new()),
			Ok(Item::Edited(record, labels, earlier)) => (record, None, labels, earlier),
			Ok(Item::Withdrawal(withdrawal, reason)) => {
				metrics.seen.with_label_values(&["withdrawal"]).inc();
				return read.withdraw(store, target, withdrawal, reason);
			},
			Ok(Item::NostrDeletion { ids, by }) => {
				metrics.seen.with_label_values(&["withdrawal"]).inc();
				// NIP-09: a deletion withdraws only its own key's events.
				for id in ids {
					let author = match read.queued_author(&id) {
						Some(author) => Some(author),
						None => store.source_author(target.id, &id)?,
					};
					if author.as_ref() == Some(&by) {
						let deleted = (target.id, Withdrawal::Post(id), "deleted".into());
						read.withdrawals.push(deleted);
					}
				}
				return Ok(());
			},
			Ok(Item::StatusDeletion(status)) => {
				metrics.seen.with_label_values(&["withdrawal"]).inc();
				let suffix = format!("/statuses/{status}");
				let queued = read
					.posts
					.iter()
					.map(|p| store::source_id(&p.record.post))
					.find(|uri| uri.ends_with(&suffix));
				let uri = match queued {
					Some(uri) => Some(uri),
					None => store.status_uri(target.id, &status)?,
				};
				if let Some(uri) = uri {
					read.withdrawals.push((target.id, Withdrawal::Post(uri), "deleted".into()));
				}
				return Ok(());
			},
			Ok(Item::Skipped) => {
				metrics.seen.with_label_values(&["skipped"]).inc();
				return Ok(());
			},
			Err(reason) => {
				metrics.seen.with_label_values(&["unreadable"]).inc();
				eprintln!("skipping an item: {reason}");
				return Ok(());
			},
		};
		metrics.seen.with_label_values(&["post"]).inc();
		let content = Some(value.to_string());
		let position = formats::Position::Line(0);
		read.posts.push(formats::Post { position, record, event, content, labels });
		for id in earlier {
			read.withdraw(store, target, Withdrawal::Post(id), "edited".into())?;
		}
		Ok(())
	}
}

/// What the reader read since its last write.
#[derive(Default)]
struct Read {
	posts: Vec<formats::Post>,
	withdrawals: Vec<(u32, Withdrawal, String)>,
	cursor: Option<u64>,
	items: usize,
}

impl Read {
	/// The author of a post read and not yet written, by its id at the source.
	fn queued_author(&self, id: &str) -> Option<Identity> {
		self.posts
			.iter()
			.find(|p| store::source_id(&p.record.post) == id)
			.map(|p| p.record.author.clone())
	}

	/// Records a withdrawal of something the bridge has, has queued or has just read.
	fn withdraw(
		&mut self,
		store: &Store,
		target: &Target,
		withdrawal: Withdrawal,
		reason: String,
	) -> Result<()> {
		let read = self.posts.iter().any(|p| match &withdrawal {
			Withdrawal::Post(id) => store::source_id(&p.record.post) == *id,
			Withdrawal::Author(author) => p.record.author == *author,
		});
		if read || store.knows(target.id, &withdrawal)? {
			self.withdrawals.push((target.id, withdrawal, reason));
		}
		Ok(())
	}
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
