//! `serve`: the platform's data gateway. A license holder fetches the records their license
//! covers, page by page; the chain decides what may be served, and the license's terms are
//! applied to what is delivered.
//!
//! - **Who.** Every request is signed by the license's owner: an sr25519 signature (as
//!   Polkadot.js `signRaw` makes it, `<Bytes>`-wrapped or not) of
//!   `licentia-gateway\n<genesis hash>\n<METHOD> <path and query>\n<timestamp ms>`, in the
//!   headers `Licentia-Account` (SS58), `Licentia-Timestamp` and `Licentia-Signature` (hex). A
//!   timestamp more than [`SKEW`] away from the gateway's clock, or a signature seen before, is
//!   refused. The owner is read from the chain for every request: a transferred license stops
//!   working for its old owner at once.
//! - **What.** The store's registered, not revoked posts of this platform, in the store's order
//!   (the cursor `<batch>.<leaf>` is stable), each checked with `licentia_checkAccessBatch` for
//!   the license's purpose: a post outside the license's snapshot, revoked, or whose author
//!   withdrew consent is never served.
//! - **Terms.** A capped license's records are recorded on chain (`licensing.recordDeliveries`)
//!   before they are served, so the cap holds across gateways and restarts: a page is cut to what
//!   the cap allows, and refused (409) once it is reached. Uncapped deliveries are recorded every
//!   few seconds, summed per license. `anonymisation`: no author identity, handle, post id or URI
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

use crate::{
	chain::{self, api, Answer, Chain},
	formats::Target,
	scrub::{scrub, text_of},
	store::{Position, RegisteredPost, Served, Store},
};
use anyhow::{Context, Result};
use axum::{
	body::Body,
	extract::{FromRequestParts, Path, Query, State},
	http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode, Uri},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use licentia_primitives::{
	consent::{Identity, PlatformId, Purpose},
	content::{BatchId, PostRecord},
	licensing::{AccessQuery, LicenseId},
	runtime_api::LicenseView,
	AccountId, Balance, BlockNumber, Hash,
};
use licentia_rpc::LicentiaApiClient;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sp_crypto_hashing::blake2_256;
use std::{
	collections::{BTreeMap, HashMap},
	net::SocketAddr,
	path::PathBuf,
	sync::{Arc, Mutex},
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use subxt_signer::sr25519::Keypair;

/// How far a request's timestamp may be from the gateway's clock.
pub const SKEW: Duration = Duration::from_secs(60);
/// How many pages a stream of an uncapped license reads and checks ahead.
const AHEAD: usize = 3;
/// A page holds at most this many records (and 100 by default).
pub const MAX_PAGE: usize = 1_000;
const DEFAULT_PAGE: usize = 100;
/// Uncapped deliveries are recorded on chain this often.
const FLUSH_EVERY: Duration = Duration::from_secs(6);
/// The context of a request signature.
const CONTEXT: &str = "licentia-gateway";

/// What `serve` does.
pub struct Options {
	/// The platform whose posts are served.
	pub platform: u32,
	/// The store.
	pub store: PathBuf,
	/// Where to listen.
	pub listen: SocketAddr,
	/// The node, to reconnect to.
	pub url: String,
	/// Requests per second allowed per license.
	pub rate: u32,
}

/// The gateway's state, shared by its requests.
struct Gateway {
	target: Target,
	url: String,
	signer: Keypair,
	genesis: [u8; 32],
	secret: [u8; 32],
	chain: tokio::sync::RwLock<Option<Arc<Chain>>>,
	store: Mutex<Store>,
	/// Signatures seen within the skew window, with when they expire.
	seen: Mutex<HashMap<[u8; 64], Instant>>,
	/// Requests per license in the current second.
	requests: Mutex<HashMap<LicenseId, (u64, u32)>>,
	rate: u32,
	/// Uncapped deliveries not yet recorded on chain.
	unrecorded: Mutex<BTreeMap<LicenseId, u64>>,
	/// One `recordDeliveries` at a time (the signer's nonces).
	recording: tokio::sync::Mutex<()>,
}

/// Runs the gateway until SIGTERM or SIGINT.
pub async fn run(chain: Chain, signer: Keypair, options: Options) -> Result<()> {
	let mut store = Store::open(&options.store)?;
	let target = chain.target(options.platform, store.salt_key()?).await?;
	let secret = store.gateway_secret()?;
	let gateway = Arc::new(Gateway {
		target,
		url: options.url,
		signer,
		genesis: chain.genesis_hash(),
		secret,
		chain: tokio::sync::RwLock::new(Some(Arc::new(chain))),
		store: Mutex::new(store),
		seen: Mutex::default(),
		requests: Mutex::default(),
		rate: options.rate.max(1),
		unrecorded: Mutex::default(),
		recording: tokio::sync::Mutex::new(()),
	});
	let app = Router::new()
		.route("/health", get(health))
		.route("/v1/licenses/{license}", get(license))
		.route("/v1/licenses/{license}/records", get(records))
		.route("/v1/licenses/{license}/status", get(status))
		.with_state(gateway.clone());
	let listener = tokio::net::TcpListener::bind(options.listen)
		.await
		.with_context(|| format!("listening on {}", options.listen))?;
	eprintln!(
		"serving platform {} on http://{}",
		gateway.target.id,
		listener.local_addr().unwrap_or(options.listen)
	);
	let flusher = tokio::spawn(flush_deliveries(gateway.clone()));
	let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
	axum::serve(listener, app)
		.with_graceful_shutdown(async move {
			tokio::select! {
				_ = terminate.recv() => {},
				_ = tokio::signal::ctrl_c() => {},
			}
		})
		.await?;
	flusher.abort();
	// What was served and not yet recorded is recorded before the gateway stops.
	gateway.record_unrecorded().await;
	eprintln!("stopped");
	Ok(())
}

/// An error answer: a status, a code and a message.
#[derive(Debug)]
struct Refusal(StatusCode, &'static str, String);

impl IntoResponse for Refusal {
	fn into_response(self) -> Response {
		let Refusal(status, code, message) = self;
		(status, Json(json!({ "error": code, "message": message }))).into_response()
	}
}

fn unavailable(error: anyhow::Error) -> Refusal {
	Refusal(StatusCode::SERVICE_UNAVAILABLE, "unavailable", format!("{error:#}"))
}

/// A request's query parameters: malformed ones (`limit=abc`) are a JSON 400, as every other
/// refusal.
struct Params<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
	type Rejection = Refusal;

	async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
		match Query::<T>::from_request_parts(parts, state).await {
			Ok(Query(params)) => Ok(Params(params)),
			Err(e) => Err(Refusal(StatusCode::BAD_REQUEST, "badRequest", e.body_text())),
		}
	}
}

/// The records page's parameters.
#[derive(Deserialize)]
struct PageQuery {
	/// Where the previous page ended (`<batch>.<leaf>`).
	cursor: Option<String>,
	/// At most this many records.
	limit: Option<usize>,
	/// The purpose they are served for (default: the license's first).
	purpose: Option<String>,
	/// Every record from the cursor on, in one response.
	#[serde(default)]
	stream: bool,
}

/// `GET /health`: 200 if the node answers now (its finalized block, within 5 s), else 503.
async fn health(State(gateway): State<Arc<Gateway>>) -> Response {
	let chain = match gateway.chain().await {
		Ok(chain) => chain,
		Err(error) => return unavailable(error).into_response(),
	};
	let asked = tokio::time::timeout(Duration::from_secs(5), chain.finalized_number()).await;
	match asked.map_err(anyhow::Error::from).and_then(|answer| answer) {
		Ok(_) => (StatusCode::OK, "ok").into_response(),
		Err(error) => gateway.lost(error).await.into_response(),
	}
}

/// `GET /v1/licenses/{id}`: the license as the chain has it, for its owner.
async fn license(State(gateway): State<Arc<Gateway>>, held: Held) -> Response {
	Json(json!({ "license": held.license, "platform": gateway.target.id })).into_response()
}

/// A request signed by the holder of the license its path names, checked
/// ([`Gateway::authorise`]): the node, and the license as the chain has it now.
struct Held {
	id: LicenseId,
	chain: Arc<Chain>,
	license: LicenseView<AccountId, Balance, BlockNumber>,
}

impl FromRequestParts<Arc<Gateway>> for Held {
	type Rejection = Refusal;

	async fn from_request_parts(
		parts: &mut Parts,
		gateway: &Arc<Gateway>,
	) -> Result<Self, Refusal> {
		let Path(id) = Path::<LicenseId>::from_request_parts(parts, gateway)
			.await
			.map_err(|e| Refusal(StatusCode::BAD_REQUEST, "badRequest", e.body_text()))?;
		let (chain, license) =
			gateway.authorise(id, &parts.method, &parts.uri, &parts.headers).await?;
		Ok(Held { id, chain, license })
	}
}

/// `GET /v1/licenses/{id}/records`: a page of records, one JSON object per line; with
/// `stream=true`, every record from the cursor on, page after page in one response, ending with
/// a `{"done": ...}` line. Gzipped when the client accepts it.
async fn records(
	State(gateway): State<Arc<Gateway>>,
	Held { id, chain, license }: Held,
	Params(query): Params<PageQuery>,
	headers: HeaderMap,
) -> Result<Response, Refusal> {
	let bad = |message: String| Refusal(StatusCode::BAD_REQUEST, "badRequest", message);
	let after = match &query.cursor {
		Some(cursor) => cursor.parse::<Position>().map_err(bad)?,
		None => Position::default(),
	};
	let limit = query.limit.unwrap_or(if query.stream { MAX_PAGE } else { DEFAULT_PAGE });
	if limit == 0 || limit > MAX_PAGE {
		return Err(bad(format!("limit must be 1 to {MAX_PAGE}")));
	}
	let purpose = purpose_of(query.purpose.as_deref(), &license).map_err(bad)?;
	if let Some(cap) = license.cap.filter(|cap| license.delivered >= *cap) {
		return Err(cap_reached(id, cap));
	}
	let delivery = gateway.terms(&chain, &license).await?;
	let request =
		Request { id, owner: license.owner.clone(), cap: license.cap, purpose, delivery, limit };
	// Uncapped: what the chain has recorded and what this gateway has served since.
	let delivered = match license.cap {
		Some(_) => license.delivered,
		None => gateway.delivered(id, license.delivered),
	};
	let gzipped = accepts_gzip(&headers);
	let gzip = gzipped.then(Gzip::default);

	let mut response = if query.stream && request.cap.is_none() {
		Body::from_stream(pipelined(gateway, chain, request, after, delivered, gzip))
			.into_response()
	} else if query.stream {
		Body::from_stream(stream(gateway, chain, request, after, delivered, gzip)).into_response()
	} else {
		let page = gateway.serve_page(&chain, &request, after, delivered).await?;
		let body = match gzip {
			Some(mut gzip) => [gzip.chunk(page.body.as_bytes()), gzip.finish()].concat(),
			None => page.body.into_bytes(),
		};
		let mut response = body.into_response();
		let headers = response.headers_mut();
		if let Some(next) = page.next {
			headers.insert("licentia-next-cursor", header_value(&next.to_string()));
		}
		headers.insert("licentia-delivered", header_value(&page.delivered.to_string()));
		response
	};
	let headers = response.headers_mut();
	headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
	headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
	if gzipped {
		headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
	}
	if let Some(cap) = license.cap {
		headers.insert("licentia-cap", header_value(&cap.to_string()));
	}
	Ok(response)
}

/// The status page's parameters.
#[derive(Deserialize)]
struct StatusQuery {
	/// Records' cursors, comma-separated (at most [`MAX_PAGE`]).
	cursors: String,
	/// The purpose (default: the license's first).
	purpose: Option<String>,
}

/// `GET /v1/licenses/{id}/status?cursors=a,b`: whether records delivered before may still be
/// used, each `{"cursor", "allowed", "reason"}` (the chain's `licentia_checkAccessBatch`
/// answer; `notRegistered` for a cursor this gateway does not know). What a holder of an
/// anonymised dataset, who cannot match the revocation feed's identities, honours withdrawals
/// with.
async fn status(
	State(gateway): State<Arc<Gateway>>,
	Held { id, chain, license }: Held,
	Params(query): Params<StatusQuery>,
) -> Result<Response, Refusal> {
	let bad = |message: String| Refusal(StatusCode::BAD_REQUEST, "badRequest", message);
	let positions: Vec<Position> = query
		.cursors
		.split(',')
		.filter(|c| !c.is_empty())
		.map(|c| c.parse::<Position>())
		.collect::<Result<_, _>>()
		.map_err(bad)?;
	if positions.len() > MAX_PAGE {
		return Err(bad(format!("at most {MAX_PAGE} cursors")));
	}
	let purpose = purpose_of(query.purpose.as_deref(), &license).map_err(bad)?;
	let found = {
		let store = gateway.store.lock().expect("not poisoned");
		store.at_positions(gateway.target.id, &positions)
	}
	.map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, "store", format!("{e:#}")))?;
	let queries = found.iter().map(|(_, post)| access_query(id, purpose, post)).collect();
	let decisions = match chain.licentia().check_access_batch(queries, None).await.answer() {
		Ok(decisions) => decisions,
		Err(error) => return Err(gateway.lost(error).await),
	};
	let mut answers: BTreeMap<Position, Value> = positions
		.iter()
		.map(|p| {
			(*p, json!({ "cursor": p.to_string(), "allowed": false, "reason": "notRegistered" }))
		})
		.collect();
	for ((position, _), decision) in found.iter().zip(decisions) {
		let mut answer = json!({ "cursor": position.to_string(), "allowed": decision.allowed });
		if let Some(reason) = decision.reason {
			answer["reason"] = json!(reason);
		}
		answers.insert(*position, answer);
	}
	let answers: Vec<Value> = positions.iter().filter_map(|p| answers.get(p).cloned()).collect();
	Ok(Json(answers).into_response())
}

/// The purpose named (as JSON names it: `aiTraining`...), or the license's first.
fn purpose_of(
	name: Option<&str>,
	license: &LicenseView<AccountId, Balance, BlockNumber>,
) -> Result<Purpose, String> {
	match name {
		Some(name) => serde_json::from_value::<Purpose>(Value::String(name.into()))
			.map_err(|_| format!("{name:?} is not a purpose")),
		None => Purpose::ALL
			.into_iter()
			.find(|p| license.purposes.contains(*p))
			.ok_or_else(|| "the license grants no purpose".into()),
	}
}

/// What the chain is asked of `post` under license `id`, for `purpose`.
fn access_query(id: LicenseId, purpose: Purpose, post: &RegisteredPost) -> AccessQuery {
	AccessQuery {
		license: id,
		purpose,
		batch: post.batch,
		post: post.post.clone(),
		index: post.index,
		proof: post.proof.clone(),
	}
}

fn header_value(text: &str) -> HeaderValue {
	HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// How a license's records are delivered.
#[derive(Clone, Copy)]
struct Delivery {
	anonymisation: bool,
	attribution: bool,
}

/// What a records request asks for, as authorised.
#[derive(Clone)]
struct Request {
	id: LicenseId,
	/// Who holds the license.
	owner: AccountId,
	cap: Option<u64>,
	purpose: Purpose,
	delivery: Delivery,
	/// Records per page.
	limit: usize,
}

/// A page of records, ready to send.
struct Page {
	/// One delivered record per line.
	body: String,
	/// Where the next page starts (`None`: nothing more now).
	next: Option<Position>,
	/// The license's deliveries, this page's included.
	delivered: u64,
}

/// Every record of `request` after `after`, a page at a time, ended by a line
/// `{"done": {"next": cursor or null, "delivered": n}}` (with `error` and `message` if the
/// gateway had to stop: cap reached, license transferred or revoked meanwhile, node lost). Each
/// page is checked on chain when it is read, and the license's holder again before each page
/// after the first.
fn stream(
	gateway: Arc<Gateway>,
	chain: Arc<Chain>,
	request: Request,
	after: Position,
	delivered: u64,
	gzip: Option<Gzip>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::convert::Infallible>> {
	let first = Some((after, delivered, gzip, true));
	futures::stream::unfold(first, move |state| {
		let (gateway, chain, request) = (gateway.clone(), chain.clone(), request.clone());
		async move {
			let (after, delivered, mut gzip, first) = state?;
			let served = match first {
				true => Ok(()),
				false => gateway.still_held(&chain, request.id, &request.owner).await.map(drop),
			};
			let served = match served {
				Ok(()) => gateway.serve_page(&chain, &request, after, delivered).await,
				Err(refusal) => Err(refusal),
			};
			let (text, next) = match served {
				Ok(Page { body, next: Some(next), delivered }) => (body, Some((next, delivered))),
				Ok(Page { body, next: None, delivered }) => {
					(body + &done_line(None, delivered, None), None)
				},
				Err(refusal) => (done_line(Some(after), delivered, Some(refusal)), None),
			};
			let bytes = encode(&mut gzip, text, next.is_none());
			Some((Ok(bytes), next.map(|(after, delivered)| (after, delivered, gzip, false))))
		}
	})
}

/// Every record of uncapped `request` after `after`, as [`stream`] sends it, with the next
/// [`AHEAD`] pages read and checked while one is sent: a page's access check is a round trip to
/// the node, which a single buyer's stream would otherwise wait for page after page. (A capped
/// license's pages are recorded on chain one after the other, so they go through [`stream`].)
fn pipelined(
	gateway: Arc<Gateway>,
	chain: Arc<Chain>,
	request: Request,
	after: Position,
	delivered: u64,
	gzip: Option<Gzip>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::convert::Infallible>> {
	use futures::StreamExt;
	let limit = request.limit;
	let scans = futures::stream::unfold(Some(after), {
		let gateway = gateway.clone();
		move |after| {
			let gateway = gateway.clone();
			async move {
				match gateway.scan(after?, limit) {
					Err(refusal) => Some((Err(refusal), None)),
					Ok(rows) if rows.is_empty() => None,
					Ok(rows) => {
						let next = rows.last().filter(|_| rows.len() == limit).map(|(p, _)| *p);
						Some((Ok(rows), next))
					},
				}
			}
		}
	});
	let pages = scans
		.map(move |rows| {
			let (gateway, chain, request) = (gateway.clone(), chain.clone(), request.clone());
			async move {
				let rows = rows?;
				let last = rows.last().map(|(p, _)| *p);
				gateway.still_held(&chain, request.id, &request.owner).await?;
				let allowed = gateway.allowed(&chain, request.id, request.purpose, rows).await?;
				gateway.meter(request.id, allowed.len() as u64);
				Ok::<_, Refusal>((gateway.render(&request, &allowed), allowed.len() as u64, last))
			}
		})
		.buffered(AHEAD);
	let first = Some((Box::pin(pages), after, delivered, gzip));
	futures::stream::unfold(first, |state| async move {
		let (mut pages, after, delivered, mut gzip) = state?;
		let (text, next) = match pages.next().await {
			Some(Ok((body, count, last))) => {
				(body, Some((last.unwrap_or(after), delivered + count)))
			},
			Some(Err(refusal)) => (done_line(Some(after), delivered, Some(refusal)), None),
			None => (done_line(None, delivered, None), None),
		};
		let bytes = encode(&mut gzip, text, next.is_none());
		Some((Ok(bytes), next.map(|(after, delivered)| (pages, after, delivered, gzip))))
	})
}

/// A stream's last line: where to resume (`None`: everything was looked at), the license's
/// deliveries, and why the gateway stopped, if it had to.
fn done_line(next: Option<Position>, delivered: u64, stopped: Option<Refusal>) -> String {
	let mut done = json!({ "next": next.map(|n| n.to_string()), "delivered": delivered });
	if let Some(Refusal(_, code, message)) = stopped {
		done["error"] = json!(code);
		done["message"] = json!(message);
	}
	format!("{}\n", json!({ "done": done }))
}

/// A stream's `text` as sent: compressed if the client takes gzip, with the gzip stream's end
/// after the `last` chunk.
fn encode(gzip: &mut Option<Gzip>, text: String, last: bool) -> Vec<u8> {
	let Some(stream) = gzip.as_mut() else { return text.into_bytes() };
	let bytes = stream.chunk(text.as_bytes());
	match last {
		true => [bytes, gzip.take().map(Gzip::finish).unwrap_or_default()].concat(),
		false => bytes,
	}
}

/// A gzip stream compressed a chunk at a time, each chunk flushed so that a streamed page
/// reaches the client whole.
struct Gzip(flate2::write::GzEncoder<Vec<u8>>);

impl Default for Gzip {
	fn default() -> Self {
		Gzip(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()))
	}
}

impl Gzip {
	/// `bytes`, compressed.
	fn chunk(&mut self, bytes: &[u8]) -> Vec<u8> {
		use std::io::Write;
		// Writing into memory does not fail.
		let _ = self.0.write_all(bytes).and_then(|()| self.0.flush());
		std::mem::take(self.0.get_mut())
	}

	/// The stream's end (its checksum).
	fn finish(self) -> Vec<u8> {
		self.0.finish().unwrap_or_default()
	}
}

/// Whether the request's `Accept-Encoding` takes gzip.
fn accepts_gzip(headers: &HeaderMap) -> bool {
	headers
		.get_all(header::ACCEPT_ENCODING)
		.iter()
		.filter_map(|value| value.to_str().ok())
		.flat_map(|value| value.split(','))
		.any(|coding| {
			let mut parts = coding.split(';');
			let name = parts.next().unwrap_or_default().trim();
			let refused = parts.any(|p| p.split_whitespace().collect::<String>() == "q=0");
			name.eq_ignore_ascii_case("gzip") && !refused
		})
}

fn cap_reached(id: LicenseId, cap: u64) -> Refusal {
	Refusal(
		StatusCode::CONFLICT,
		"capReached",
		format!("license {id} has been served its cap of {cap} records"),
	)
}

impl Gateway {
	/// The node, connecting again if the connection was lost.
	async fn chain(&self) -> Result<Arc<Chain>> {
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

	/// Forgets a connection that failed, so that the next request connects again.
	async fn lost(&self, error: anyhow::Error) -> Refusal {
		*self.chain.write().await = None;
		unavailable(error)
	}

	/// Checks the request's signature, freshness and rate, and that its signer owns license `id`,
	/// which is live and covers this platform.
	async fn authorise(
		&self,
		id: LicenseId,
		method: &Method,
		uri: &Uri,
		headers: &HeaderMap,
	) -> Result<(Arc<Chain>, LicenseView<AccountId, Balance, BlockNumber>), Refusal> {
		let account = self.verify(method, uri, headers)?;
		self.throttle(id)?;
		let chain = self.chain().await.map_err(unavailable)?;
		let license = self.still_held(&chain, id, &account).await?;
		Ok((chain, license))
	}

	/// License `id` as the chain has it now, if `account` holds it and it is live and covers
	/// this platform.
	async fn still_held(
		&self,
		chain: &Chain,
		id: LicenseId,
		account: &AccountId,
	) -> Result<LicenseView<AccountId, Balance, BlockNumber>, Refusal> {
		let license = match chain.licentia().license(id, None).await.or_refusal() {
			Err(error) => return Err(self.lost(error).await),
			Ok(Err(refusal)) if refusal.code() == licentia_rpc::NOT_FOUND => {
				return Err(Refusal(StatusCode::NOT_FOUND, "notFound", format!("no license {id}")))
			},
			Ok(Err(refusal)) => return Err(unavailable(anyhow::anyhow!("{}", refusal.message()))),
			Ok(Ok(license)) => license,
		};
		let forbidden = |code, message| Err(Refusal(StatusCode::FORBIDDEN, code, message));
		if license.owner != *account {
			return forbidden("notOwner", format!("{account} does not hold license {id}"));
		}
		if let Some(at) = license.revoked {
			return forbidden("revoked", format!("license {id} was revoked at block {at}"));
		}
		let now = match chain.finalized_number().await {
			Ok(now) => now,
			Err(error) => return Err(self.lost(error).await),
		};
		if now >= license.expiry {
			return forbidden(
				"expired",
				format!("license {id} expired at block {}", license.expiry),
			);
		}
		if !license.platforms.contains(&self.target.id) {
			return Err(Refusal(
				StatusCode::NOT_FOUND,
				"notCovered",
				format!(
					"license {id} does not cover platform {}, which this gateway serves",
					self.target.id
				),
			));
		}
		Ok(license)
	}

	/// The account that signed the request, if the signature is good, fresh and new.
	fn verify(
		&self,
		method: &Method,
		uri: &Uri,
		headers: &HeaderMap,
	) -> Result<AccountId, Refusal> {
		let unauthorised =
			|message: String| Refusal(StatusCode::UNAUTHORIZED, "unauthorised", message);
		let header = |name: &str| {
			headers
				.get(name)
				.and_then(|value| value.to_str().ok())
				.ok_or_else(|| unauthorised(format!("no {name} header: sign the request")))
		};
		let (account, timestamp, signature) = (
			header("licentia-account")?,
			header("licentia-timestamp")?,
			header("licentia-signature")?,
		);
		let account: subxt::utils::AccountId32 = account
			.parse()
			.map_err(|_| unauthorised(format!("{account:?} is not an SS58 address")))?;
		let timestamp: u64 = timestamp.parse().map_err(|_| {
			unauthorised("Licentia-Timestamp is not milliseconds since 1970".into())
		})?;
		let now =
			SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
		if now.abs_diff(timestamp) > SKEW.as_millis() as u64 {
			return Err(unauthorised(format!(
				"the request's timestamp is more than {} s from the gateway's clock",
				SKEW.as_secs()
			)));
		}
		let signature: [u8; 64] = hex::decode(signature.trim_start_matches("0x"))
			.ok()
			.and_then(|bytes| bytes.try_into().ok())
			.ok_or_else(|| unauthorised("Licentia-Signature is not 64 bytes of hex".into()))?;
		let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
		let message = signed_message(&self.genesis, method.as_str(), path, timestamp);
		if !signed_by(&signature, message.as_bytes(), &account) {
			return Err(unauthorised(format!(
				"the signature is not {account}'s of this request (see docs/gateway.md)"
			)));
		}
		let mut seen = self.seen.lock().expect("not poisoned");
		let now = Instant::now();
		seen.retain(|_, expires| *expires > now);
		if seen.insert(signature, now + 2 * SKEW).is_some() {
			return Err(unauthorised("this request was already made: sign each one anew".into()));
		}
		Ok(chain::primitive_account(&account))
	}

	/// Counts a request of license `id`; refuses beyond the rate.
	fn throttle(&self, id: LicenseId) -> Result<(), Refusal> {
		let second = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
		let mut requests = self.requests.lock().expect("not poisoned");
		requests.retain(|_, (at, _)| *at == second);
		let (_, count) = requests.entry(id).or_insert((second, 0));
		*count += 1;
		if *count > self.rate {
			return Err(Refusal(
				StatusCode::TOO_MANY_REQUESTS,
				"tooManyRequests",
				format!("at most {} requests per second per license", self.rate),
			));
		}
		Ok(())
	}

	/// Up to `wanted` records the chain allows for `purpose` after `after`, and where the next
	/// page starts (`None`: nothing more now).
	async fn page(
		&self,
		chain: &Chain,
		id: LicenseId,
		purpose: Purpose,
		mut after: Position,
		wanted: usize,
	) -> Result<(Vec<(Position, Served)>, Option<Position>), Refusal> {
		let mut served = Vec::new();
		// Denied posts are skipped; a page looks at no more than this many.
		let mut budget = (4 * wanted).max(MAX_PAGE);
		loop {
			let scan = (wanted - served.len()).min(budget);
			let rows = self.scan(after, scan)?;
			let exhausted = rows.len() < scan;
			budget -= rows.len();
			if let Some((last, _)) = rows.last() {
				after = *last;
			}
			served.extend(self.allowed(chain, id, purpose, rows).await?);
			if exhausted {
				return Ok((served, None));
			}
			if served.len() == wanted || budget == 0 {
				return Ok((served, Some(after)));
			}
		}
	}

	/// Up to `limit` of the store's posts after `after`, unchecked.
	fn scan(&self, after: Position, limit: usize) -> Result<Vec<(Position, Served)>, Refusal> {
		let store = self.store.lock().expect("not poisoned");
		store
			.page(self.target.id, after, limit)
			.map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, "store", format!("{e:#}")))
	}

	/// The posts of `rows` the chain allows license `id` for `purpose` now.
	async fn allowed(
		&self,
		chain: &Chain,
		id: LicenseId,
		purpose: Purpose,
		rows: Vec<(Position, Served)>,
	) -> Result<Vec<(Position, Served)>, Refusal> {
		if rows.is_empty() {
			return Ok(rows);
		}
		let queries: Vec<AccessQuery> =
			rows.iter().map(|(_, row)| access_query(id, purpose, &row.post)).collect();
		let decisions = match chain.licentia().check_access_batch(queries, None).await.answer() {
			Ok(decisions) => decisions,
			Err(error) => return Err(self.lost(error).await),
		};
		Ok(rows
			.into_iter()
			.zip(decisions)
			.filter_map(|(row, decision)| decision.allowed.then_some(row))
			.collect())
	}

	/// `records` as delivered under `request`'s license, one per line.
	fn render(&self, request: &Request, records: &[(Position, Served)]) -> String {
		let mut body = String::with_capacity(records.len() * 768);
		for (position, served) in records {
			body.push_str(&self.deliver(request.id, *position, served, request.delivery));
			body.push('\n');
		}
		body
	}

	/// Counts `count` deliveries of uncapped license `id`, recorded on chain with the next flush.
	fn meter(&self, id: LicenseId, count: u64) {
		if count > 0 {
			*self.unrecorded.lock().expect("not poisoned").entry(id).or_default() += count;
		}
	}

	/// License `id`'s deliveries: `recorded` on chain, and those this gateway served and has yet
	/// to record.
	fn delivered(&self, id: LicenseId, recorded: u64) -> u64 {
		let unrecorded = self.unrecorded.lock().expect("not poisoned");
		recorded + unrecorded.get(&id).copied().unwrap_or(0)
	}

	/// A page of `request` after `after`, `delivered` records having been delivered under the
	/// license before: the records the chain allows, metered, shaped by the license's terms.
	async fn serve_page(
		&self,
		chain: &Chain,
		request: &Request,
		after: Position,
		delivered: u64,
	) -> Result<Page, Refusal> {
		let id = request.id;
		let allowance = match request.cap {
			Some(cap) => match cap.saturating_sub(delivered) {
				0 => return Err(cap_reached(id, cap)),
				left => request.limit.min(usize::try_from(left).unwrap_or(usize::MAX)),
			},
			None => request.limit,
		};
		let (records, next) = self.page(chain, id, request.purpose, after, allowance).await?;
		let count = records.len() as u64;
		let delivered = match (count, request.cap) {
			(0, _) => delivered,
			(_, Some(_)) => self.record(chain, id, count).await?,
			(_, None) => {
				self.meter(id, count);
				delivered + count
			},
		};
		let body = self.render(request, &records);
		Ok(Page { body, next, delivered })
	}

	/// Records `count` deliveries of license `id` on chain and returns its total; refused (409)
	/// beyond its cap.
	async fn record(&self, chain: &Chain, id: LicenseId, count: u64) -> Result<u64, Refusal> {
		let _one_at_a_time = self.recording.lock().await;
		let call = api::transactions().licensing().record_deliveries(id, self.target.id, count);
		match chain.submit(&call, &self.signer).await {
			Ok(included) => {
				let recorded = included
					.events
					.find_first::<api::licensing::events::DeliveriesRecorded>()
					.and_then(Result::ok);
				Ok(recorded.map_or(count, |event| event.delivered))
			},
			Err(error) if format!("{error:#}").contains("CapExceeded") => Err(Refusal(
				StatusCode::CONFLICT,
				"capReached",
				format!("license {id}'s cap leaves fewer than {count} records to serve"),
			)),
			Err(error) if error.is::<chain::Failed>() => Err(Refusal(
				StatusCode::FORBIDDEN,
				"refused",
				format!("the chain refused to record the deliveries: {error:#}"),
			)),
			Err(error) => Err(self.lost(error).await),
		}
	}

	/// Records the uncapped deliveries served since the last time.
	async fn record_unrecorded(&self) {
		let pending = std::mem::take(&mut *self.unrecorded.lock().expect("not poisoned"));
		if pending.is_empty() {
			return;
		}
		let Ok(chain) = self.chain().await else {
			// Not lost: counted again next time.
			let mut unrecorded = self.unrecorded.lock().expect("not poisoned");
			for (id, count) in pending {
				*unrecorded.entry(id).or_default() += count;
			}
			return;
		};
		for (id, count) in pending {
			match self.record(&chain, id, count).await {
				Ok(_) => {},
				// The chain will not take them (the license expired or was released meanwhile).
				Err(Refusal(StatusCode::FORBIDDEN | StatusCode::CONFLICT, _, message)) => {
					eprintln!("the chain refused {count} deliveries of license {id}: {message}")
				},
				// Not recorded: kept for the next flush.
				Err(Refusal(_, _, message)) => {
					eprintln!(
						"recording {count} deliveries of license {id} (will retry): {message}"
					);
					*self.unrecorded.lock().expect("not poisoned").entry(id).or_default() += count;
				},
			}
		}
	}

	/// Whether license's terms ask for anonymisation and attribution.
	async fn terms(
		&self,
		chain: &Chain,
		license: &LicenseView<AccountId, Balance, BlockNumber>,
	) -> Result<Delivery, Refusal> {
		match chain.licentia().terms(license.terms, None).await.answer() {
			Ok(terms) => {
				Ok(Delivery { anonymisation: terms.anonymisation, attribution: terms.attribution })
			},
			Err(error) => Err(self.lost(error).await),
		}
	}

	/// A record as delivered under license `id`: one line of JSON. (The stored content is
	/// embedded as it is, checked but not parsed into a tree, unless the text must be scrubbed.)
	fn deliver(
		&self,
		id: LicenseId,
		position: Position,
		served: &Served,
		delivery: Delivery,
	) -> String {
		use serde_json::value::RawValue;
		let post = &served.post;
		let content: Option<&RawValue> =
			served.content.as_deref().and_then(|c| serde_json::from_str(c).ok());
		let mut line = Line {
			cursor: position.to_string(),
			batch: post.batch,
			index: post.index,
			proof: &post.proof,
			labels: &served.labels,
			record: None,
			content: None,
			attribution: None,
			sealed: None,
			platform: None,
			author: None,
			text: None,
		};
		if delivery.anonymisation {
			let text = content
				.and_then(|c| serde_json::from_str::<Value>(c.get()).ok())
				.map(|c| text_of(&self.target, &c))
				.unwrap_or_default();
			line.sealed = Some(post.post.sealed());
			line.platform = Some(post.post.platform);
			line.author = Some(pseudonym(&self.secret, id, &post.post.author));
			line.text = Some(scrub(&text));
		} else {
			line.record = Some(&post.post);
			line.content = Some(content.unwrap_or(RawValue::NULL));
			if delivery.attribution {
				line.attribution = Some(attribution(&post.post.author));
			}
		}
		serde_json::to_string(&line).unwrap_or_default()
	}
}

/// One delivered record (docs/gateway.md): the fields of an anonymised record, or of one that
/// is not; never both.
#[derive(Serialize)]
struct Line<'a> {
	cursor: String,
	batch: BatchId,
	index: u32,
	proof: &'a [Hash],
	labels: &'a [String],
	#[serde(skip_serializing_if = "Option::is_none")]
	record: Option<&'a PostRecord>,
	#[serde(skip_serializing_if = "Option::is_none")]
	content: Option<&'a serde_json::value::RawValue>,
	#[serde(skip_serializing_if = "Option::is_none")]
	attribution: Option<Value>,
	#[serde(skip_serializing_if = "Option::is_none")]
	sealed: Option<Hash>,
	#[serde(skip_serializing_if = "Option::is_none")]
	platform: Option<PlatformId>,
	#[serde(skip_serializing_if = "Option::is_none")]
	author: Option<String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	text: Option<String>,
}

/// The message a request's signature signs.
pub fn signed_message(genesis: &[u8; 32], method: &str, path: &str, timestamp: u64) -> String {
	format!("{CONTEXT}\n0x{}\n{method} {path}\n{timestamp}", hex::encode(genesis))
}

/// Whether `signature` is `who`'s sr25519 signature of `message`, as signed or as wallets sign
/// raw messages (wrapped in `<Bytes>`, `</Bytes>`).
fn signed_by(signature: &[u8; 64], message: &[u8], who: &subxt::utils::AccountId32) -> bool {
	let wrapped = [&b"<Bytes>"[..], message, &b"</Bytes>"[..]].concat();
	[message.to_vec(), wrapped].into_iter().any(|message| {
		subxt_signer::sr25519::verify(
			&subxt_signer::sr25519::Signature(*signature),
			message,
			&subxt_signer::sr25519::PublicKey(who.0),
		)
	})
}

/// An author's pseudonym within license `id`: keyed by the gateway's secret, so that nobody
/// without it can tell whose it is by hashing candidate identities, and by the license, so that
/// two licenses' datasets cannot be joined on it.
fn pseudonym(secret: &[u8; 32], id: LicenseId, author: &Identity) -> String {
	use codec::Encode;
	let digest = blake2_256(&(b"licentia-pseudonym", secret, id, author).encode());
	format!("author-{}", hex::encode(&digest[..12]))
}

/// Who to credit, and where: the author's identity and a link to their profile.
fn attribution(author: &Identity) -> Value {
	let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
	let (name, url) = match author {
		Identity::Bluesky(did) => (text(did), format!("https://bsky.app/profile/{}", text(did))),
		Identity::Mastodon(account) => {
			let account = text(account);
			let url = match account.split_once('@') {
				Some((user, instance)) => format!("https://{instance}/@{user}"),
				None => String::new(),
			};
			(account, url)
		},
		Identity::X(id) => (id.to_string(), format!("https://x.com/i/user/{id}")),
		Identity::Nostr(key) => (hex::encode(key), format!("nostr:{}", hex::encode(key))),
	};
	json!({ "author": name, "url": url })
}

/// Records uncapped deliveries every few seconds.
async fn flush_deliveries(gateway: Arc<Gateway>) {
	loop {
		tokio::time::sleep(FLUSH_EVERY).await;
		gateway.record_unrecorded().await;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pseudonyms_are_stable_within_a_license_and_differ_across_licenses_and_keys() {
		let author = Identity::X(783_214);
		let key = [7; 32];
		assert_eq!(pseudonym(&key, 1, &author), pseudonym(&key, 1, &author));
		assert_ne!(pseudonym(&key, 1, &author), pseudonym(&key, 2, &author));
		assert_ne!(pseudonym(&key, 1, &author), pseudonym(&[8; 32], 1, &author));
		assert_ne!(pseudonym(&key, 1, &author), pseudonym(&key, 1, &Identity::X(783_215)));
	}

	/// Arbitrary cursors (signs, huge numbers, multi-byte, missing parts) are parsed or refused,
	/// never a panic; a cursor a gateway wrote reads back as itself.
	#[test]
	fn arbitrary_cursors_parse_or_are_refused() {
		const PIECES: [&str; 9] = [".", "-", "+", "0", "7", "99999999999999999999", "é", " ", "a"];
		for text in crate::fuzz::texts(&PIECES, 0x9e37_79b9_7f4a_7c15, 8, 20_000) {
			if let Ok(position) = text.parse::<Position>() {
				assert_eq!(position.to_string().parse::<Position>(), Ok(position), "{text:?}");
			}
		}
		let position = Position { batch: 12, leaf: 4_095 };
		assert_eq!(position.to_string().parse::<Position>(), Ok(position));
	}

	/// Malformed query parameters are refused as JSON 400s, with what was wrong.
	#[test]
	fn malformed_parameters_are_a_json_bad_request() {
		let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
		let parse = |uri: &str| {
			let (mut parts, ()) = axum::http::Request::get(uri).body(()).unwrap().into_parts();
			runtime.block_on(Params::<PageQuery>::from_request_parts(&mut parts, &()))
		};
		let Params(page) = parse("/r?limit=7&stream=true").map_err(|r| r.2).unwrap();
		assert_eq!((page.limit, page.stream), (Some(7), true));
		for uri in ["/r?limit=abc", "/r?limit=-1", "/r?stream=maybe"] {
			let refusal = parse(uri).err().expect(uri);
			assert_eq!((refusal.0, refusal.1), (StatusCode::BAD_REQUEST, "badRequest"), "{uri}");
			assert!(refusal.2.contains("limit") || refusal.2.contains("stream"), "{}", refusal.2);
			let response = refusal.into_response();
			assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
		}
	}

	/// A stream gzipped page by page is one gzip stream: each chunk decodes as it arrives, and
	/// the whole decodes to every page.
	#[test]
	fn a_gzipped_stream_decodes_chunk_by_chunk_and_whole() {
		use std::io::Read;
		let pages = ["{\"a\":1}\n".repeat(50), "{\"b\":2}\n".repeat(70), "{\"done\":{}}\n".into()];
		let mut gzip = Some(Gzip::default());
		let mut sent = Vec::new();
		for (n, page) in pages.iter().enumerate() {
			sent.extend(encode(&mut gzip, page.clone(), n == pages.len() - 1));
			// What has arrived so far decodes (a flushed gzip stream without its end).
			let mut so_far = Vec::new();
			let _ = flate2::read::GzDecoder::new(&sent[..]).read_to_end(&mut so_far);
			assert_eq!(String::from_utf8(so_far).unwrap(), pages[..=n].concat());
		}
		assert!(gzip.is_none(), "finished");
		let mut whole = String::new();
		flate2::read::GzDecoder::new(&sent[..]).read_to_string(&mut whole).unwrap();
		assert_eq!(whole, pages.concat());
		assert_eq!(encode(&mut None, "plain".into(), true), b"plain");
	}

	#[test]
	fn a_request_is_signed_with_its_method_path_and_time() {
		let alice = subxt_signer::sr25519::dev::alice();
		let message =
			signed_message(&[1; 32], "GET", "/v1/licenses/0/records?limit=5", 1_700_000_000_000);
		let who: subxt::utils::AccountId32 = alice.public_key().into();
		let signature = alice.sign(message.as_bytes()).0;
		assert!(signed_by(&signature, message.as_bytes(), &who));
		let wrapped = alice.sign(format!("<Bytes>{message}</Bytes>").as_bytes()).0;
		assert!(signed_by(&wrapped, message.as_bytes(), &who), "as signRaw signs");
		let other =
			signed_message(&[1; 32], "GET", "/v1/licenses/1/records?limit=5", 1_700_000_000_000);
		assert!(!signed_by(&signature, other.as_bytes(), &who), "another license");
	}
}
