//! What a gateway's requests share, and how they are refused.

use super::{
	limits::{Rate, Replays},
	signing::Audience,
};
use crate::{chain::Chain, ledger::Ledger, post::Target, store::Store};
use anyhow::{Context, Result};
use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use licentia_primitives::{consent::Purpose, licensing::LicenseId, AccountId};
use serde_json::json;
use std::{
	sync::{Arc, Mutex},
	time::Duration,
};
use subxt_signer::sr25519::Keypair;

/// How far a request's timestamp may be from the gateway's clock.
pub const SKEW: Duration = Duration::from_secs(60);

/// How many pages a stream of an uncapped license reads and checks ahead.
pub(super) const AHEAD: usize = 3;

/// A page holds at most this many records (and 100 by default).
pub const MAX_PAGE: usize = 1_000;

pub(super) const DEFAULT_PAGE: usize = 100;

/// Uncapped deliveries are recorded on chain this often.
pub(super) const FLUSH_EVERY: Duration = Duration::from_secs(6);

/// At the stop, the gateway waits at most this long for what it served to be recorded
/// (finalized); what is not is recorded at its next start. docs/operators.md asks for a stop
/// timeout above it.
pub(super) const STOP_WAIT: Duration = Duration::from_secs(20);

/// At most this many request signatures are remembered at once in a gateway's memory (each for
/// twice [`SKEW`]): a flood of fresh requests is refused beyond it rather than grow the gateway.
pub(super) const MAX_LIVE_SIGNATURES: usize = 1_000_000;

/// The gateway's state, shared by its requests.
pub(super) struct Gateway {
	pub(super) target: Target,
	pub(super) url: String,
	pub(super) signer: Keypair,
	/// Whom requests are addressed to: what their signatures name.
	pub(super) audience: Audience,
	pub(super) chain: tokio::sync::RwLock<Option<Arc<Chain>>>,
	/// The posts served.
	pub(super) store: Mutex<Store>,
	/// What every gateway of the platform on it shares: signatures used, deliveries owed and
	/// recorded, allowances.
	pub(super) ledger: Ledger,
	/// Signatures seen within their validity, by this process.
	pub(super) seen: Mutex<Replays>,
	/// Requests per license in the current second.
	pub(super) requests: Mutex<Rate<LicenseId>>,
	/// One transaction signed at a time (the signer's nonces).
	pub(super) recording: tokio::sync::Mutex<()>,
	/// Per capped license, the lock its reservations are made under.
	pub(super) reserving: Mutex<std::collections::BTreeMap<LicenseId, Arc<tokio::sync::Mutex<()>>>>,
}

/// An error answer: a status, a code and a message.
#[derive(Debug)]
pub(super) struct Refusal(pub(super) StatusCode, pub(super) &'static str, pub(super) String);

impl IntoResponse for Refusal {
	fn into_response(self) -> Response {
		let Refusal(status, code, message) = self;
		(status, Json(json!({ "error": code, "message": message }))).into_response()
	}
}

pub(super) fn unavailable(error: anyhow::Error) -> Refusal {
	Refusal(StatusCode::SERVICE_UNAVAILABLE, "unavailable", format!("{error:#}"))
}

impl Gateway {
	/// The node, connecting again if the connection was lost.
	pub(super) async fn chain(&self) -> Result<Arc<Chain>> {
		if let Some(chain) = self.chain.read().await.clone() {
			return Ok(chain);
		}
		let mut slot = self.chain.write().await;
		if let Some(chain) = slot.clone() {
			return Ok(chain);
		}
		let connect = tokio::time::timeout(Duration::from_secs(5), Chain::connect(&self.url));
		let chain = Arc::new(connect.await.context("connecting to the node timed out")??);
		*slot = Some(chain.clone());
		Ok(chain)
	}

	/// The answer to a request the node failed. The connection is forgotten, so that the next
	/// request connects again, only if it is down: a read that failed on a live connection does
	/// not cost every request in flight its connection.
	pub(super) async fn lost(&self, error: anyhow::Error) -> Refusal {
		let down = self.chain.read().await.as_ref().is_some_and(|chain| !chain.is_connected());
		if down {
			*self.chain.write().await = None;
		}
		unavailable(error)
	}
}

/// What a records request asks for, as authorised.
#[derive(Clone)]
pub(super) struct Request {
	pub(super) id: LicenseId,
	/// Who holds the license.
	pub(super) owner: AccountId,
	pub(super) cap: Option<u64>,
	pub(super) purpose: Purpose,
	pub(super) delivery: Delivery,
	/// Records per page.
	pub(super) limit: usize,
}

/// How a license's records are delivered.
#[derive(Clone, Copy)]
pub(super) struct Delivery {
	pub(super) anonymisation: bool,
	pub(super) attribution: bool,
}
