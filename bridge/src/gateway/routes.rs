//! The routes: health, a license's summary, its records, the status of chosen records; and their
//! query parameters, malformed ones refused as JSON.

use super::{
	auth::Held,
	meter::cap_reached,
	pages::*,
	signing::{Audience, CONTEXT},
	state::*,
};
use crate::{chain::Answer, formats::scrub, store::Cursor};
use anyhow::Result;
use axum::{
	body::Body,
	extract::{FromRequestParts, Query, State},
	http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	Json,
};
use licentia_primitives::{
	consent::Purpose, runtime_api::LicenseView, AccountId, Balance, BlockNumber,
};
use licentia_rpc::LicentiaApiClient;
use serde::Deserialize;
use serde_json::{json, Value};
use std::{collections::BTreeMap, sync::Arc, time::Duration};

/// A request's query parameters: malformed ones (`limit=abc`) are a JSON 400, as every other
/// refusal.
pub(super) struct Params<T>(pub(super) T);

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
pub(super) struct PageQuery {
	/// Where the previous page ended (`<batch>.<leaf>`).
	pub(super) cursor: Option<String>,
	/// At most this many records.
	pub(super) limit: Option<usize>,
	/// The purpose they are served for (default: the license's first).
	pub(super) purpose: Option<String>,
	/// Every record from the cursor on, in one response.
	#[serde(default)]
	pub(super) stream: bool,
}

/// `GET /health`: 200 if the node answers now (its finalized block, within 5 s), else 503.
pub(super) async fn health(State(gateway): State<Arc<Gateway>>) -> Response {
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

/// `GET /v1/gateway` (unsigned): whom this gateway's requests are addressed to, for clients to
/// learn the platform they sign for. A client signs the origin of the URL it sends requests to,
/// never the `origin` answered here (which only helps it see a misconfigured `--public-url`).
pub(super) async fn about(State(gateway): State<Arc<Gateway>>) -> Response {
	let Audience { genesis, platform, origin } = &gateway.audience;
	Json(json!({
		"message": CONTEXT,
		"genesis": format!("0x{}", hex::encode(genesis)),
		"platform": platform,
		"origin": origin,
		"scrub": scrub::VERSIONS.iter().map(|rules| json!({
			"version": rules.version,
			"rules": rules.rules.iter().map(|rule| rule.name).collect::<Vec<_>>(),
		})).collect::<Vec<_>>(),
	}))
	.into_response()
}

/// `GET /v1/licenses/{id}`: the license as the chain has it, for its owner.
pub(super) async fn license(State(gateway): State<Arc<Gateway>>, held: Held) -> Response {
	Json(json!({ "license": held.license, "platform": gateway.target.id })).into_response()
}

/// `GET /v1/licenses/{id}/records`: a page of records, one JSON object per line; with
/// `stream=true`, every record from the cursor on, page after page in one response, ending with
/// a `{"done": ...}` line. Gzipped when the client accepts it.
pub(super) async fn records(
	State(gateway): State<Arc<Gateway>>,
	Held { id, chain, license }: Held,
	Params(query): Params<PageQuery>,
	headers: HeaderMap,
) -> Result<Response, Refusal> {
	let bad = |message: String| Refusal(StatusCode::BAD_REQUEST, "badRequest", message);
	let after = match &query.cursor {
		Some(cursor) => cursor.parse::<Cursor>().map_err(bad)?,
		None => Cursor::default(),
	};
	let limit = query.limit.unwrap_or(if query.stream { MAX_PAGE } else { DEFAULT_PAGE });
	if limit == 0 || limit > MAX_PAGE {
		return Err(bad(format!("limit must be 1 to {MAX_PAGE}")));
	}
	let purpose = purpose_of(query.purpose.as_deref(), &license).map_err(bad)?;
	// Capped: what the cap leaves this platform (all of it, or its part of a pool's cap).
	let left = match license.cap {
		Some(cap) => Some(gateway.left(&chain, id, cap).await?),
		None => None,
	};
	if let (Some(cap), Some(0)) = (license.cap, left) {
		return Err(cap_reached(id, cap));
	}
	let delivery = gateway.terms(&chain, &license).await?;
	let request =
		Request { id, owner: license.owner.clone(), cap: license.cap, purpose, delivery, limit };
	// Uncapped: what the chain has recorded and what this gateway has served since.
	// Capped, as far as this gateway is concerned: the cap less what it leaves.
	let delivered = match (license.cap, left) {
		(Some(cap), Some(left)) => cap - left,
		_ => gateway.delivered(id, license.delivered).await?,
	};
	let gzipped = accepts_gzip(&headers);
	let gzip = gzipped.then(Gzip::default);

	let mut response = if query.stream {
		Body::from_stream(pipelined(gateway, chain, request, after, delivered, gzip))
			.into_response()
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
pub(super) struct StatusQuery {
	/// Records' cursors, comma-separated (at most [`MAX_PAGE`]).
	pub(super) cursors: String,
	/// The purpose (default: the license's first).
	pub(super) purpose: Option<String>,
}

/// `GET /v1/licenses/{id}/status?cursors=a,b`: whether records delivered before may still be
/// used, each `{"cursor", "allowed", "reason"}` (the chain's `licentia_checkAccessBatch`
/// answer; `notRegistered` for a cursor this gateway does not know). What a holder of an
/// anonymised dataset, who cannot match the revocation feed's posts, honours withdrawals with:
/// its cursors name places in the anonymous order, and the answer names no author.
pub(super) async fn status(
	State(gateway): State<Arc<Gateway>>,
	Held { id, chain, license }: Held,
	Params(query): Params<StatusQuery>,
) -> Result<Response, Refusal> {
	let bad = |message: String| Refusal(StatusCode::BAD_REQUEST, "badRequest", message);
	let positions: Vec<Cursor> = query
		.cursors
		.split(',')
		.filter(|c| !c.is_empty())
		.map(|c| c.parse::<Cursor>())
		.collect::<Result<_, _>>()
		.map_err(bad)?;
	if positions.len() > MAX_PAGE {
		return Err(bad(format!("at most {MAX_PAGE} cursors")));
	}
	let purpose = purpose_of(query.purpose.as_deref(), &license).map_err(bad)?;
	// An anonymised license's cursors are places in the anonymous order, as it was served.
	let anonymous = gateway.terms(&chain, &license).await?.anonymisation;
	let found = {
		let store = gateway.store.lock().expect("not poisoned");
		store.at_positions(gateway.target.id, &positions, anonymous)
	}
	.map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, "store", format!("{e:#}")))?;
	let queries = found.iter().map(|(_, post)| access_query(id, purpose, post)).collect();
	let decisions = match chain.licentia().check_access_batch(queries, None).await.answer() {
		Ok(decisions) => decisions,
		Err(error) => return Err(gateway.lost(error).await),
	};
	let mut answers: BTreeMap<Cursor, Value> = positions
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
pub(super) fn purpose_of(
	name: Option<&str>,
	license: &LicenseView<AccountId, Balance, BlockNumber>,
) -> Result<Purpose, String> {
	match name {
		Some(name) => purpose_named(name),
		None => Purpose::ALL
			.into_iter()
			.find(|p| license.purposes.contains(*p))
			.ok_or_else(|| "the license grants no purpose".into()),
	}
}

/// The purpose `name` names, as JSON names it (`aiTraining`...).
pub(super) fn purpose_named(name: &str) -> Result<Purpose, String> {
	serde_json::from_value::<Purpose>(Value::String(name.into()))
		.map_err(|_| format!("{name:?} is not a purpose"))
}

pub(super) fn header_value(text: &str) -> HeaderValue {
	HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Arbitrary cursors (signs, huge numbers, multi-byte, missing parts) are parsed or refused,
	/// never a panic; a cursor a gateway wrote reads back as itself.
	#[test]
	fn arbitrary_cursors_parse_or_are_refused() {
		const PIECES: [&str; 9] = [".", "-", "+", "0", "7", "99999999999999999999", "é", " ", "a"];
		for text in licentia_harness::fuzz::texts(&PIECES, 0x9e37_79b9_7f4a_7c15, 8, 20_000) {
			if let Ok(position) = text.parse::<Cursor>() {
				assert_eq!(position.to_string().parse::<Cursor>(), Ok(position), "{text:?}");
			}
		}
		let position = Cursor { batch: 12, leaf: 4_095 };
		assert_eq!(position.to_string().parse::<Cursor>(), Ok(position));
		for malformed in
			["-1.0", "+1.2", "1.-2", "1.", ".1", "1.2.3", " 1.2", "1e3.0", "9223372036854775808.0"]
		{
			assert!(malformed.parse::<Cursor>().is_err(), "{malformed:?}");
		}
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

	/// Arbitrary query strings (repeated, empty, percent-escaped, signed, fractional, huge) give
	/// a page's parameters or a JSON 400, never a panic; and the parameters they give are then
	/// each a value or a refusal of their own.
	#[test]
	fn arbitrary_query_strings_are_parameters_or_a_json_bad_request() {
		const PIECES: [&str; 18] = [
			"cursor=",
			"limit=",
			"purpose=",
			"stream=",
			"&",
			"=",
			"-1.0",
			"1.2",
			"%",
			"%ZZ",
			"%2E",
			"é",
			"aiTraining",
			"true",
			"99999999999999999999",
			"+",
			";",
			"0",
		];
		let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
		for text in licentia_harness::fuzz::texts(&PIECES, 0x2545_f491_4f6c_dd1d, 10, 20_000) {
			let uri = format!("/r?{text}");
			let Ok(request) = axum::http::Request::get(&uri).body(()) else { continue };
			let (mut parts, ()) = request.into_parts();
			match runtime.block_on(Params::<PageQuery>::from_request_parts(&mut parts, &())) {
				Ok(Params(page)) => {
					if let Some(cursor) = &page.cursor {
						let _ = cursor.parse::<Cursor>();
					}
					if let Some(purpose) = &page.purpose {
						let _ = purpose_named(purpose);
					}
				},
				Err(refusal) => {
					assert_eq!((refusal.0, refusal.1), (StatusCode::BAD_REQUEST, "badRequest"));
					let response = refusal.into_response();
					assert_eq!(
						response.headers()[header::CONTENT_TYPE],
						"application/json",
						"{uri}"
					);
				},
			}
		}
	}
}
