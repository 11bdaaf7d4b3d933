//! The follower's Prometheus metrics, served as the node serves its own (polkadot-sdk's
//! `substrate-prometheus-endpoint`: `GET /metrics`, the text exposition format), all named
//! `licentia_bridge_*`.

use anyhow::Result;
use std::net::SocketAddr;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, F64, U64,
};

/// The follower's metrics (cheap to clone: each is a handle to shared counters).
#[derive(Clone)]
pub struct Metrics {
	/// Items read from the source, by what they were: `post`, `withdrawal`, `skipped`,
	/// `unreadable`.
	pub seen: CounterVec<U64>,
	/// Posts registered on chain.
	pub registered: Counter<U64>,
	/// Posts not registered, by reason: `notLinked`, `linkedElsewhere`, `allowsNothing`,
	/// `outOfOrder`, `alreadyRegistered`, or the source's reason for a post withdrawn before it
	/// was registered (`deleted`, ...).
	pub skipped: CounterVec<U64>,
	/// Posts revoked on chain, by reason (`deleted`, `edited`, `deactivated`, ...).
	pub revoked: CounterVec<U64>,
	/// Posts queued and not yet batched.
	pub queued: Gauge<U64>,
	/// Batches submitted and not yet finalized.
	pub batches_in_flight: Gauge<U64>,
	/// Seconds between the last item read and its time at the source.
	pub lag: Gauge<F64>,
	/// Errors talking to the chain (each retried in the next window).
	pub chain_errors: Counter<U64>,
	/// Reconnections to the source.
	pub reconnects: Counter<U64>,
}

impl Metrics {
	/// The metrics, registered in `registry`.
	pub fn new(registry: &Registry) -> Result<Self, PrometheusError> {
		let name = |name: &str, help: &str| Opts::new(format!("licentia_bridge_{name}"), help);
		Ok(Self {
			seen: register(
				CounterVec::new(
					name("source_items_total", "Items read from the source"),
					&["kind"],
				)?,
				registry,
			)?,
			registered: register(
				Counter::with_opts(name("posts_registered_total", "Posts registered on chain"))?,
				registry,
			)?,
			skipped: register(
				CounterVec::new(
					name("posts_skipped_total", "Posts not registered, by reason"),
					&["reason"],
				)?,
				registry,
			)?,
			revoked: register(
				CounterVec::new(
					name("posts_revoked_total", "Posts revoked on chain, by reason"),
					&["reason"],
				)?,
				registry,
			)?,
			queued: register(
				Gauge::with_opts(name("posts_queued", "Posts read and not yet batched"))?,
				registry,
			)?,
			batches_in_flight: register(
				Gauge::with_opts(name(
					"batches_in_flight",
					"Batches submitted and not yet finalized",
				))?,
				registry,
			)?,
			lag: register(
				Gauge::with_opts(name(
					"source_lag_seconds",
					"Seconds between the last item read and its time at the source",
				))?,
				registry,
			)?,
			chain_errors: register(
				Counter::with_opts(name("chain_errors_total", "Errors talking to the chain"))?,
				registry,
			)?,
			reconnects: register(
				Counter::with_opts(name("source_reconnects_total", "Reconnections to the source"))?,
				registry,
			)?,
		})
	}

	/// Metrics that nobody serves (no `--metrics-port`).
	pub fn unserved() -> Result<Self> {
		Ok(Self::new(&Registry::new())?)
	}

	/// The metrics, served at `http://addr/metrics` from now on.
	pub async fn serve(addr: SocketAddr) -> Result<Self> {
		let registry = Registry::new();
		let metrics = Self::new(&registry)?;
		// Bind now, so that a port in use is an error at start-up, not a log line later.
		let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
			anyhow::anyhow!("serving metrics on {addr}: {e} (another bridge or node on the port?)")
		})?;
		drop(listener);
		tokio::spawn(async move {
			if let Err(e) = substrate_prometheus_endpoint::init_prometheus(addr, registry).await {
				eprintln!("metrics: {e}");
			}
		});
		eprintln!("metrics at http://{addr}/metrics");
		Ok(metrics)
	}
}
