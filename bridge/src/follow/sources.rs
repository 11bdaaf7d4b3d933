//! The live sources, and how each is connected to and resumed from its cursor.

use anyhow::{bail, Result};
use futures::{SinkExt, StreamExt};
use licentia_primitives::content::PostRecord;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How far back a reconnecting reader resumes, in microseconds: Jetstream's events are ordered
/// per connection but not across its instances, so a few seconds are read again.
pub(super) const REWIND_US: u64 = 5_000_000;

/// How far back a relay subscription resumes, in seconds: relays neither order events nor
/// promise that an event's `created_at` is when they received it.
pub(super) const RELAY_REWIND_S: u64 = 600;

/// A live source.
#[derive(Clone, Debug)]
pub(super) enum Source {
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
	pub(super) fn cursor_name(&self) -> String {
		match self {
			Source::Jetstream(_) => "jetstream".into(),
			Source::Relay(url, _) => format!("nostr:{url}"),
			Source::Mastodon { .. } => "mastodon".into(),
			Source::X { url, .. } => format!("x:{url}"),
		}
	}

	/// How it is shown in messages.
	pub(super) fn endpoint(&self) -> &str {
		match self {
			Source::Jetstream(url) | Source::Relay(url, _) => url,
			Source::Mastodon { instance, .. } => instance,
			Source::X { url, .. } => url,
		}
	}

	/// Connects, resuming a little before `cursor`.
	pub(super) async fn open(&self, client: &reqwest::Client, cursor: Option<u64>) -> Result<Feed> {
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
	pub(super) fn position(
		&self,
		item: &serde_json::Value,
		post: Option<&PostRecord>,
	) -> Option<(u64, f64)> {
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
pub(super) fn unix_now() -> Duration {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap_or_default()
}

/// The fields of a post X's filtered stream is asked for: what the bridge reads.
pub(super) const X_TWEET_FIELDS: &str =
	"author_id,created_at,edit_history_tweet_ids,note_tweet,possibly_sensitive,referenced_tweets";

/// The age in seconds of the X post with this id (a snowflake: milliseconds since X's epoch in
/// its top bits).
pub(super) fn x_age(id: u64) -> f64 {
	const X_EPOCH_MS: u64 = 1_288_834_974_657;
	let now = unix_now().as_millis() as u64;
	now.saturating_sub((id >> 22) + X_EPOCH_MS) as f64 / 1e3
}

/// A relay subscription (NIP-01 `REQ`) to the keys' notes and deletions since a little before
/// `cursor`.
pub(super) fn relay_request(keys: &[[u8; 32]], cursor: Option<u64>) -> String {
	let authors: Vec<String> = keys.iter().map(hex::encode).collect();
	let mut filter = serde_json::json!({ "authors": authors, "kinds": [1, 5] });
	if let Some(cursor) = cursor {
		filter["since"] = cursor.saturating_sub(RELAY_REWIND_S).into();
	}
	serde_json::json!(["REQ", "licentia", filter]).to_string()
}

/// A Mastodon instance's streaming API base (`wss://...`): `/api/v2/instance`'s
/// `configuration.urls.streaming`, else `/api/v1/instance`'s `urls.streaming_api`.
pub(super) async fn mastodon_streaming(client: &reqwest::Client, instance: &str) -> Result<String> {
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
pub(super) async fn mastodon_page(
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
pub(super) enum Feed {
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
pub(super) const SILENCE: Duration = Duration::from_secs(90);

impl Feed {
	/// The next item, `None` when the source closed the connection.
	pub(super) async fn next(&mut self) -> Result<Option<String>> {
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
pub(super) const MAX_LINE: usize = 4 << 20;

/// The Jetstream endpoint with the wanted collection and, if given, the cursor.
pub(super) fn jetstream_url(endpoint: &str, cursor: Option<u64>) -> String {
	let separator = if endpoint.contains('?') { '&' } else { '?' };
	let mut url = format!("{endpoint}{separator}wantedCollections=app.bsky.feed.post");
	if let Some(cursor) = cursor {
		url.push_str(&format!("&cursor={cursor}"));
	}
	url
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
