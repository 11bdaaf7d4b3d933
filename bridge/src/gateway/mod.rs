//! `serve`: the platform's data gateway. A license holder fetches the records their license
//! covers, page by page; the chain decides what may be served, and the license's terms are
//! applied to what is delivered.
//!
//! - **Who.** Every request is signed by the license's owner: an sr25519 signature (as
//!   Polkadot.js `signRaw` makes it, `<Bytes>`-wrapped or not) of
//!   `licentia-gateway/2\n<genesis hash>\n<platform id>\n<gateway's origin>\n<METHOD> <path
//!   and query>\n<timestamp ms>`, in the headers `Licentia-Account` (SS58), `Licentia-Timestamp`
//!   and `Licentia-Signature` (hex). The message names this gateway (its platform and its public
//!   origin, `--public-url`), so no other gateway accepts it. A timestamp more than [`SKEW`] away
//!   from the gateway's clock, or a signature seen before by any gateway on the same store, is
//!   refused. The owner is read from the chain for every request: a transferred license stops
//!   working for its old owner at once.
//! - **What.** The store's registered, not revoked posts of this platform, in the store's order
//!   (the cursor `<batch>.<leaf>` is stable), each checked with `licentia_checkAccessBatch` for
//!   the license's purpose: a post outside the license's snapshot, revoked, or whose author
//!   withdrew consent is never served.
//! - **Terms.** Every delivery is written to the store as owed before it is sent, and recorded
//!   on chain every few seconds, summed per license, in one transaction that leaves the store
//!   only once it is finalized (or can never be): none is lost to a stop or a crash, none
//!   recorded twice. A capped license's deliveries are also taken, before they are owed, from an
//!   allowance this platform reserved on chain ([`allowance`]), so the cap holds across gateways
//!   and restarts: a page is cut to what the cap leaves, and refused (409) once nothing is. `anonymisation`: no author identity, handle, post id or URI
//!   is delivered; each author is a pseudonym keyed by the store's secret and the license (stable
//!   within a license, unlinkable across licenses), and the text has handles, links and Nostr
//!   references replaced. `attribution`: the author and a link to them come with each record.
//! - **Provenance.** Each record comes with its batch, leaf index and Merkle proof; a buyer checks
//!   the proof against the batch root on chain (`licentia_batch`) and, for a record that is not
//!   anonymised, recomputes its content hash from its content (docs/design.md, *Content hashes*).
//!   An anonymised record carries the sealed half of its leaf instead of the record: the buyer
//!   hashes the scrubbed text delivered, which is the leaf's other half, and checks the leaf
//!   without learning whose post it is (docs/design.md, *The data path*).
//!
//! Errors are JSON `{"error": code, "message": ...}` with 400 (malformed), 401 (unsigned, bad
//! signature, stale or replayed), 403 (not the owner, license expired or revoked), 404 (no such
//! license, or not one covering this platform), 409 (cap reached), 429 (too many requests) and
//! 503 (the gateway cannot reach its node: it never serves from stale answers).
//!
//! Here the server and its routes; [`state`] what requests share; [`signing`] what a request
//! signs and to which gateway it is addressed; [`auth`] who may ask;
//! [`routes`] the handlers and their parameters; [`pages`] reading, checking and streaming
//! pages; [`render`] a record as the license's terms deliver it (anonymised, attributed);
//! [`meter`] deliveries metered; [`allowance`] capped licenses' allowances; [`recorder`]
//! deliveries recorded on chain.

mod allowance;
mod auth;
mod limits;
mod meter;
mod pages;
mod recorder;
mod render;
mod routes;
mod signing;
mod state;

use crate::{chain::Chain, cli, ledger::Ledger, store::Store};
use anyhow::{Context, Result};
use axum::{routing::get, Router};
use limits::{Rate, Replays};
use recorder::record_deliveries;
use routes::{about, health, license, records, status};
use serde_json::{json, Value};
use signing::{public_origin, Audience};
use state::{Gateway, MAX_LIVE_SIGNATURES, SKEW};
use std::{
	net::SocketAddr,
	path::PathBuf,
	sync::{Arc, Mutex},
};
use subxt_signer::sr25519::Keypair;

/// What `serve` does.
pub struct Options {
	/// The platform whose posts are served.
	pub platform: u32,
	/// The store.
	pub store: PathBuf,
	/// The PostgreSQL database of the ledger gateways on several machines share (`None`: the
	/// store).
	pub ledger: Option<String>,
	/// Where to listen.
	pub listen: SocketAddr,
	/// The URL buyers reach the gateway at (default: `http://` and the address it listens on):
	/// requests are signed for its origin.
	pub public_url: Option<String>,
	/// The node, to reconnect to.
	pub url: String,
	/// Requests per second allowed per license.
	pub rate: u32,
}

/// `serve`, from its arguments, with `url`'s node (reconnected to when lost).
pub async fn command(chain: Chain, args: cli::Serve, url: String) -> Result<Value> {
	let cli::Serve { platform, signer, store, ledger, listen, public_url, rate } = args;
	let options =
		Options { platform: platform.id, store: store.path, ledger, listen, public_url, url, rate };
	run(chain, signer.keypair()?, options).await?;
	Ok(json!({ "stopped": true }))
}

/// Runs the gateway until SIGTERM or SIGINT.
pub async fn run(chain: Chain, signer: Keypair, options: Options) -> Result<()> {
	let listener = tokio::net::TcpListener::bind(options.listen)
		.await
		.with_context(|| format!("listening on {}", options.listen))?;
	let listening = listener.local_addr().unwrap_or(options.listen);
	let origin = public_origin(options.public_url.as_deref(), listening)
		.map_err(anyhow::Error::msg)
		.context("the gateway's public URL (--public-url)")?;
	let mut store = Store::open(&options.store)?;
	let target = chain.target(options.platform, store.salt_key()?).await?;
	let ledger = Ledger::open(&options.store, options.ledger.as_deref(), target.id).await?;
	let audience = Audience { genesis: chain.genesis_hash(), platform: target.id, origin };
	let gateway = Arc::new(Gateway {
		target,
		url: options.url,
		signer,
		audience,
		chain: tokio::sync::RwLock::new(Some(Arc::new(chain))),
		store: Mutex::new(store),
		ledger,
		seen: Mutex::new(Replays::new(2 * SKEW, MAX_LIVE_SIGNATURES)),
		requests: Mutex::new(Rate::new(options.rate)),
		recording: tokio::sync::Mutex::new(()),
		reserving: Default::default(),
	});
	let app = Router::new()
		.route("/health", get(health))
		.route("/v1/gateway", get(about))
		.route("/v1/licenses/{license}", get(license))
		.route("/v1/licenses/{license}/records", get(records))
		.route("/v1/licenses/{license}/status", get(status))
		.with_state(gateway.clone());
	eprintln!(
		"serving platform {} on http://{listening}, signed for as {}, metered in {}",
		gateway.target.id,
		gateway.audience.origin,
		gateway.ledger.describe()
	);
	// Records what the store says is owed (from before a stop or a crash), then every few seconds.
	let recorder = tokio::spawn(record_deliveries(gateway.clone()));
	let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
	axum::serve(listener, app)
		.with_graceful_shutdown(async move {
			tokio::select! {
				_ = terminate.recv() => {},
				_ = tokio::signal::ctrl_c() => {},
			}
		})
		.await?;
	recorder.abort();
	// What was served is recorded before the gateway stops, for at most STOP_WAIT; what is not
	// confirmed by then stays owed in the store.
	gateway.record_at_stop().await;
	eprintln!("stopped");
	Ok(())
}
