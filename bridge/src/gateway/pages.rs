//! Pages of records: read from the store in its order, checked with the chain, cut to what the
//! license allows, and streamed (gzipped when asked).

use super::{meter::*, render::Rendered, state::*};
use crate::{
	chain::{Answer, Chain},
	store::{Cursor, RegisteredPost, Served},
};
use anyhow::Result;
use axum::http::{header, HeaderMap, StatusCode};
use licentia_primitives::{
	consent::Purpose,
	licensing::{AccessQuery, LicenseId},
};
use licentia_rpc::LicentiaApiClient;
use serde_json::json;
use std::sync::Arc;

/// A page of records, ready to send.
pub(super) struct Page {
	/// One delivered record per line.
	pub(super) body: String,
	/// Where the next page starts (`None`: nothing more now).
	pub(super) next: Option<Cursor>,
	/// The license's deliveries, this page's included.
	pub(super) delivered: u64,
}

/// Every record of `request` after `after`, a page at a time, ended by a line
/// `{"done": {"next": cursor or null, "delivered": n}}` (with `error` and `message` if the
/// gateway had to stop: cap reached, license transferred or revoked meanwhile, node lost). The
/// next [`AHEAD`] pages are read and checked on chain (the license's holder again too) while one
/// is sent: a page's access check is a round trip to the node, which a single buyer's stream
/// would otherwise wait for page after page. A page is metered when it is sent, and cut to what
/// a cap leaves.
pub(super) fn pipelined(
	gateway: Arc<Gateway>,
	chain: Arc<Chain>,
	request: Request,
	after: Cursor,
	delivered: u64,
	gzip: Option<Gzip>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::convert::Infallible>> {
	use futures::StreamExt;
	let (limit, id) = (request.limit, request.id);
	let anonymous = request.delivery.anonymisation;
	let scans = futures::stream::unfold(Some(after), {
		let gateway = gateway.clone();
		move |after| {
			let gateway = gateway.clone();
			async move {
				match gateway.scan(after?, limit, anonymous) {
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
		.map({
			let (gateway, chain, request) = (gateway.clone(), chain.clone(), request.clone());
			move |rows| {
				let (gateway, chain, request) = (gateway.clone(), chain.clone(), request.clone());
				async move {
					let rows = rows?;
					let last = rows.last().map(|(p, _)| *p);
					gateway.still_held(&chain, request.id, &request.owner).await?;
					let allowed =
						gateway.allowed(&chain, request.id, request.purpose, rows).await?;
					Ok::<_, Refusal>((Rendered::of(&gateway, &request, &allowed), last))
				}
			}
		})
		.buffered(AHEAD);
	let first = Some((Box::pin(pages), after, delivered, gzip));
	futures::stream::unfold(first, move |state| {
		let (gateway, chain, request) = (gateway.clone(), chain.clone(), request.clone());
		async move {
			let (mut pages, after, delivered, mut gzip) = state?;
			// A page read ahead is metered when it is sent, not when it is read, and cut to
			// what a cap leaves.
			let page = match pages.next().await {
				Some(Ok((mut page, last))) => {
					let count = page.ends.len() as u64;
					match gateway.charge(&chain, &request, count).await {
						Ok(0) if count > 0 => {
							Some(Err(cap_reached(id, request.cap.unwrap_or_default())))
						},
						Ok(taken) if taken < count => {
							let last = page.cut(taken as usize);
							Some(Ok((page.body, taken, last, true)))
						},
						Ok(taken) => Some(Ok((page.body, taken, last, false))),
						Err(refusal) => Some(Err(refusal)),
					}
				},
				Some(Err(refusal)) => Some(Err(refusal)),
				None => None,
			};
			let (text, next) = match page {
				// Cut by the cap: the stream ends with the page, where a next request resumes.
				Some(Ok((body, count, last, true))) => {
					let (resume, delivered) = (last.unwrap_or(after), delivered + count);
					let cap = cap_reached(id, request.cap.unwrap_or_default());
					(body + &done_line(Some(resume), delivered, Some(cap)), None)
				},
				Some(Ok((body, count, last, false))) => {
					(body, Some((last.unwrap_or(after), delivered + count)))
				},
				Some(Err(refusal)) => (done_line(Some(after), delivered, Some(refusal)), None),
				None => (done_line(None, delivered, None), None),
			};
			let bytes = encode(&mut gzip, text, next.is_none());
			Some((Ok(bytes), next.map(|(after, delivered)| (pages, after, delivered, gzip))))
		}
	})
}

/// A stream's last line: where to resume (`None`: everything was looked at), the license's
/// deliveries, and why the gateway stopped, if it had to.
pub(super) fn done_line(next: Option<Cursor>, delivered: u64, stopped: Option<Refusal>) -> String {
	let mut done = json!({ "next": next.map(|n| n.to_string()), "delivered": delivered });
	if let Some(Refusal(_, code, message)) = stopped {
		done["error"] = json!(code);
		done["message"] = json!(message);
	}
	format!("{}\n", json!({ "done": done }))
}

/// A stream's `text` as sent: compressed if the client takes gzip, with the gzip stream's end
/// after the `last` chunk.
pub(super) fn encode(gzip: &mut Option<Gzip>, text: String, last: bool) -> Vec<u8> {
	let Some(stream) = gzip.as_mut() else { return text.into_bytes() };
	let bytes = stream.chunk(text.as_bytes());
	match last {
		true => [bytes, gzip.take().map(Gzip::finish).unwrap_or_default()].concat(),
		false => bytes,
	}
}

/// A gzip stream compressed a chunk at a time, each chunk flushed so that a streamed page
/// reaches the client whole.
pub(super) struct Gzip(pub(super) flate2::write::GzEncoder<Vec<u8>>);

impl Default for Gzip {
	fn default() -> Self {
		Gzip(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()))
	}
}

impl Gzip {
	/// `bytes`, compressed.
	pub(super) fn chunk(&mut self, bytes: &[u8]) -> Vec<u8> {
		use std::io::Write;
		// Writing into memory does not fail.
		let _ = self.0.write_all(bytes).and_then(|()| self.0.flush());
		std::mem::take(self.0.get_mut())
	}

	/// The stream's end (its checksum).
	pub(super) fn finish(self) -> Vec<u8> {
		self.0.finish().unwrap_or_default()
	}
}

/// Whether the request's `Accept-Encoding` takes gzip.
pub(super) fn accepts_gzip(headers: &HeaderMap) -> bool {
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

impl Gateway {
	/// Up to `wanted` records the chain allows for `purpose` after `after`, and where the next
	/// page starts (`None`: nothing more now).
	pub(super) async fn page(
		&self,
		chain: &Chain,
		id: LicenseId,
		purpose: Purpose,
		mut after: Cursor,
		wanted: usize,
		anonymous: bool,
	) -> Result<(Vec<(Cursor, Served)>, Option<Cursor>), Refusal> {
		let mut served = Vec::new();
		// Denied posts are skipped; a page looks at no more than this many.
		let mut budget = (4 * wanted).max(MAX_PAGE);
		loop {
			let scan = (wanted - served.len()).min(budget);
			let rows = self.scan(after, scan, anonymous)?;
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

	/// Up to `limit` of the store's posts after `after`, unchecked: in the anonymous order, and
	/// only those with an anonymous place no sample exposed, for an anonymised license.
	pub(super) fn scan(
		&self,
		after: Cursor,
		limit: usize,
		anonymous: bool,
	) -> Result<Vec<(Cursor, Served)>, Refusal> {
		let store = self.store.lock().expect("not poisoned");
		store
			.page(self.target.id, after, limit, anonymous)
			.map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, "store", format!("{e:#}")))
	}

	/// The posts of `rows` the chain allows license `id` for `purpose` now.
	pub(super) async fn allowed(
		&self,
		chain: &Chain,
		id: LicenseId,
		purpose: Purpose,
		rows: Vec<(Cursor, Served)>,
	) -> Result<Vec<(Cursor, Served)>, Refusal> {
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

	/// A page of `request` after `after`, `delivered` records having been delivered under the
	/// license before: the records the chain allows, metered, shaped by the license's terms.
	pub(super) async fn serve_page(
		&self,
		chain: &Chain,
		request: &Request,
		after: Cursor,
		delivered: u64,
	) -> Result<Page, Refusal> {
		let id = request.id;
		let wanted = match request.cap {
			Some(cap) => match cap.saturating_sub(delivered) {
				0 => return Err(cap_reached(id, cap)),
				left => request.limit.min(usize::try_from(left).unwrap_or(usize::MAX)),
			},
			None => request.limit,
		};
		let anonymous = request.delivery.anonymisation;
		let (mut records, mut next) =
			self.page(chain, id, request.purpose, after, wanted, anonymous).await?;
		let count = records.len() as u64;
		let taken = self.charge(chain, request, count).await?;
		if taken < count {
			// Other requests (here or at another gateway) took part of what the cap left: this
			// page takes the rest, and is refused only if nothing is left.
			if taken == 0 {
				return Err(cap_reached(id, request.cap.unwrap_or_default()));
			}
			records.truncate(taken as usize);
			next = records.last().map(|(cursor, _)| *cursor);
		}
		let delivered = delivered + taken;
		let body = self.render(request, &records);
		Ok(Page { body, next, delivered })
	}
}

/// What the chain is asked of `post` under license `id`, for `purpose`.
pub(super) fn access_query(id: LicenseId, purpose: Purpose, post: &RegisteredPost) -> AccessQuery {
	AccessQuery {
		license: id,
		purpose,
		batch: post.batch,
		post: post.post.clone(),
		index: post.index,
		proof: post.proof.clone(),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

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
}
