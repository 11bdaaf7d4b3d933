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
//!
//! Here the command and its loop; [`registrar`] one round of registration; [`reader`] a
//! source's reader; [`sources`] how each platform's source is connected to and resumed.

mod reader;
mod registrar;
mod sources;

pub use registrar::Summary;

use crate::{
	chain::Chain,
	cli,
	content::{self, submit, Batching},
	metrics::Metrics,
	store::Store,
};
use anyhow::{bail, Context, Result};
use licentia_primitives::consent::PlatformKind;
use reader::read_source;
use registrar::{round, Pace};
use sources::Source;
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use subxt_signer::sr25519::Keypair;
use tokio::{
	signal::unix::{signal, SignalKind},
	sync::watch,
};

/// The registrar looks for work this often.
pub(super) const TICK: Duration = Duration::from_secs(2);

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

/// `follow`, from its arguments, following `url`'s node (reconnected to when lost).
pub async fn command(chain: Chain, args: cli::Follow, url: String) -> Result<serde_json::Value> {
	let options = Options {
		platform: args.platform.id,
		store: args.store.path,
		sources: args.sources,
		token: args.token,
		window: Duration::from_secs(args.window),
		batching: Batching { batch_posts: args.batch_posts, in_flight: 4 },
		metrics: (args.metrics_port != 0).then(|| {
			let ip = if args.metrics_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
			SocketAddr::from((ip, args.metrics_port))
		}),
		url,
	};
	Ok(serde_json::to_value(run(chain, args.signer.keypair()?, options).await?)?)
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
			let keys = registrar::nostr_keys(&chain, &signer).await?;
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
	let mut settled = content::Summary::default();
	submit::settle_pending(&chain, &signer, &mut store, &mut settled).await?;

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
		let round = round(
			&chain,
			&signer,
			&target,
			&mut store,
			Pace { window: options.window, batching: options.batching },
			&metrics,
			&mut summary,
		);
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
