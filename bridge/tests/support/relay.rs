//! A stand-in for a Nostr relay.

use serde_json::{json, Value};
use std::time::Duration;

/// A Nostr relay stand-in speaking NIP-01: it stores the events published to it (`["EVENT",
/// event]`, answered with `OK`) and answers a subscription (`["REQ", id, filter]`, with
/// `authors`, `kinds` and `since`) with the stored events that match, `EOSE`, then each
/// matching event published later.
pub struct Relay {
	pub port: u16,
	pub events: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
}

impl Relay {
	pub fn start() -> Self {
		use futures::{SinkExt, StreamExt};
		use std::sync::{Arc, Mutex};
		use tokio_tungstenite::tungstenite::Message;
		let events: Arc<Mutex<Vec<Value>>> = Arc::default();
		let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
		let port = listener.local_addr().expect("an address").port();
		listener.set_nonblocking(true).expect("non-blocking");
		let stored = events.clone();
		std::thread::spawn(move || {
			let runtime = tokio::runtime::Runtime::new().expect("a runtime");
			runtime.block_on(async move {
				let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
				while let Ok((stream, _)) = listener.accept().await {
					let stored = stored.clone();
					tokio::spawn(async move {
						let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
							return;
						};
						let matches = |filter: &Value, event: &Value| {
							let listed = |field: &str, value: &Value| {
								filter[field].as_array().is_none_or(|list| list.contains(value))
							};
							listed("authors", &event["pubkey"])
								&& listed("kinds", &event["kind"])
								&& filter["since"].as_u64().is_none_or(|since| {
									event["created_at"].as_u64().is_some_and(|t| t >= since)
								})
						};
						let mut subscription: Option<(Value, Value)> = None;
						let mut sent = 0;
						loop {
							if let Some((id, filter)) = &subscription {
								let new: Vec<Value> = {
									let events = stored.lock().expect("not poisoned");
									let new = events[sent..].to_vec();
									sent = events.len();
									new
								};
								for event in new.into_iter().filter(|e| matches(filter, e)) {
									let message = json!(["EVENT", id, event]).to_string();
									if socket.send(Message::text(message)).await.is_err() {
										return;
									}
								}
							}
							let message = tokio::select! {
								_ = tokio::time::sleep(Duration::from_millis(50)) => continue,
								message = socket.next() => message,
							};
							let Some(Ok(Message::Text(text))) = message else { return };
							let Ok(Value::Array(message)) = serde_json::from_str(text.as_str())
							else {
								continue;
							};
							match message.as_slice() {
								[verb, event] if verb == "EVENT" => {
									stored.lock().expect("not poisoned").push(event.clone());
									let ok = json!(["OK", event["id"], true, ""]).to_string();
									let _ = socket.send(Message::text(ok)).await;
								},
								[verb, id, filter] if verb == "REQ" => {
									let past: Vec<Value> = {
										let events = stored.lock().expect("not poisoned");
										sent = events.len();
										events
											.iter()
											.filter(|e| matches(filter, e))
											.cloned()
											.collect()
									};
									for event in past {
										let message = json!(["EVENT", id, event]).to_string();
										let _ = socket.send(Message::text(message)).await;
									}
									let eose = json!(["EOSE", id]).to_string();
									let _ = socket.send(Message::text(eose)).await;
									subscription = Some((id.clone(), filter.clone()));
								},
								_ => {},
							}
						}
					});
				}
			});
		});
		Self { port, events }
	}

	pub fn url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.port)
	}

	/// Publishes a kind `kind` event signed by `secret` (NIP-01 id, BIP-340 signature).
	pub fn publish(
		&self,
		secret: &[u8; 32],
		created_at: u64,
		kind: u16,
		tags: Value,
		content: &str,
	) -> String {
		use licentia_primitives::nostr;
		let pubkey = hex::encode(nostr::public_key(secret).expect("a valid secret"));
		let serialized = json!([0, pubkey, created_at, kind, tags, content]).to_string();
		let id = sp_crypto_hashing::sha2_256(serialized.as_bytes());
		let sig = nostr::sign(secret, &id, &[7; 32]).expect("signs");
		let id = hex::encode(id);
		self.events
			.lock()
			.expect("not poisoned")
			.push(json!({ "id": id, "pubkey": pubkey,
			"created_at": created_at, "kind": kind, "tags": tags, "content": content,
			"sig": hex::encode(sig) }));
		id
	}
}
