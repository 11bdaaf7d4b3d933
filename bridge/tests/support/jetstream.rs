//! A stand-in for Bluesky's Jetstream, and the post-creation events it serves.

use serde_json::{json, Value};
use std::time::Duration;

/// A Jetstream stand-in: serves the events of `log` (JSON lines with `time_us`) from the
/// connection's `cursor` on, then those appended later, as `wss://jetstream…/subscribe` does.
/// Counts the connections and remembers each one's cursor.
pub struct Jetstream {
	pub port: u16,
	pub log: std::sync::Arc<std::sync::Mutex<Vec<(u64, String)>>>,
	pub cursors: std::sync::Arc<std::sync::Mutex<Vec<Option<u64>>>>,
}

impl Jetstream {
	pub fn start() -> Self {
		use futures::{SinkExt, StreamExt};
		use std::sync::{Arc, Mutex};
		use tokio_tungstenite::tungstenite::{handshake::server, Message};
		let log: Arc<Mutex<Vec<(u64, String)>>> = Arc::default();
		let cursors: Arc<Mutex<Vec<Option<u64>>>> = Arc::default();
		let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
		let port = listener.local_addr().expect("an address").port();
		listener.set_nonblocking(true).expect("non-blocking");
		let (events, seen) = (log.clone(), cursors.clone());
		std::thread::spawn(move || {
			let runtime = tokio::runtime::Runtime::new().expect("a runtime");
			runtime.block_on(async move {
				let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
				while let Ok((stream, _)) = listener.accept().await {
					let (events, seen) = (events.clone(), seen.clone());
					tokio::spawn(async move {
						let mut cursor = None;
						// tungstenite's handshake callback: its error type is theirs.
						#[allow(clippy::result_large_err)]
						let callback = |request: &server::Request, response: server::Response| {
							cursor = request.uri().query().and_then(|query| {
								query.split('&').find_map(|pair| {
									pair.strip_prefix("cursor=").and_then(|c| c.parse().ok())
								})
							});
							Ok(response)
						};
						let Ok(mut socket) =
							tokio_tungstenite::accept_hdr_async(stream, callback).await
						else {
							return;
						};
						seen.lock().expect("not poisoned").push(cursor);
						let mut sent = 0;
						loop {
							let next: Vec<String> = {
								let log = events.lock().expect("not poisoned");
								let new = log[sent..]
									.iter()
									.filter(|(time, _)| cursor.is_none_or(|c| *time >= c))
									.map(|(_, event)| event.clone())
									.collect();
								sent = log.len();
								new
							};
							for event in next {
								if socket.send(Message::text(event)).await.is_err() {
									return;
								}
							}
							tokio::select! {
								_ = tokio::time::sleep(Duration::from_millis(50)) => {},
								message = socket.next() => if message.is_none() { return },
							}
						}
					});
				}
			});
		});
		Self { port, log, cursors }
	}

	pub fn url(&self) -> String {
		format!("ws://127.0.0.1:{}/subscribe", self.port)
	}

	/// Appends an event stamped with the time (`time_us`: now, in microseconds, and after the
	/// events before it).
	pub fn push(&self, mut event: Value) -> u64 {
		let now = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.expect("after 1970")
			.as_micros() as u64;
		let mut log = self.log.lock().expect("not poisoned");
		let time = log.last().map_or(now, |(last, _)| now.max(last + 1));
		event["time_us"] = json!(time);
		log.push((time, event.to_string()));
		time
	}
}

/// A CIDv1 (base32, dag-cbor, sha2-256) with the sha2-256 of `seed` as its digest: the shape of
/// a record's CID (the bridge takes the digest as the post's content hash).
pub fn record_cid(seed: &str) -> String {
	let mut bytes = vec![0x01, 0x71, 0x12, 0x20];
	bytes.extend(sp_crypto_hashing::sha2_256(seed.as_bytes()));
	const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
	let (mut cid, mut buffer, mut bits) = (String::from("b"), 0u32, 0u32);
	for byte in bytes {
		buffer = buffer << 8 | u32::from(byte);
		bits += 8;
		while bits >= 5 {
			bits -= 5;
			cid.push(ALPHABET[(buffer >> bits) as usize & 31] as char);
		}
	}
	if bits > 0 {
		cid.push(ALPHABET[(buffer << (5 - bits)) as usize & 31] as char);
	}
	cid
}

/// A Jetstream post creation by `did`, record key `rkey`.
pub fn jetstream_post(did: &str, rkey: &str, text: &str) -> Value {
	json!({ "did": did, "kind": "commit", "commit": { "rev": rkey, "operation": "create",
		"collection": "app.bsky.feed.post", "rkey": rkey, "cid": record_cid(text),
		"record": { "$type": "app.bsky.feed.post", "text": text,
			"createdAt": "2026-12-01T00:00:00.000Z" } } })
}
