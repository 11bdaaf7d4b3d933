//! Stand-ins for the operated platforms' live APIs: Mastodon's and X's.

use super::num;
use serde_json::{json, Value};
use std::time::Duration;

/// The operated platforms' APIs, stood in for by an axum server and a WebSocket server:
/// Mastodon's `/api/v2/instance` (naming the streaming server), public timeline
/// (`/api/v1/timelines/public?local=true&min_id=`, newest first) and streaming API (`public:local`:
/// what is pushed while a client is connected, no replay); X's filtered stream
/// (`/2/tweets/search/stream`) and compliance stream (`/2/tweets/compliance/stream`), one JSON
/// object per line with keep-alive newlines, replaying what a `backfill_minutes` reconnection
/// missed, for the bearer token `test-token` only.
pub struct Platforms {
	pub http: u16,
	/// The public local timeline, oldest first.
	pub timeline: Shared<Value>,
	/// The `min_id` of each timeline request.
	pub asked: Shared<u64>,
	/// Mastodon streaming messages.
	pub streamed: Shared<String>,
	/// X's filtered stream and compliance stream.
	pub x_posts: Shared<String>,
	pub x_compliance: Shared<String>,
}

pub type Shared<T> = std::sync::Arc<std::sync::Mutex<Vec<T>>>;

impl Platforms {
	pub fn start() -> Self {
		use axum::{
			extract::Query,
			http::{HeaderMap, StatusCode},
			response::{IntoResponse, Response},
			routing::get,
			Json, Router,
		};
		use std::collections::HashMap;
		let (timeline, asked, streamed): (Shared<Value>, Shared<u64>, Shared<String>) =
			Default::default();
		let (x_posts, x_compliance): (Shared<String>, Shared<String>) = Default::default();
		let ws_port = live_socket(streamed.clone());

		let stream = |log: Shared<String>| {
			move |headers: HeaderMap, query: Query<HashMap<String, String>>| async move {
				if headers.get("authorization").and_then(|v| v.to_str().ok())
					!= Some("Bearer test-token")
				{
					return (StatusCode::UNAUTHORIZED, "{\"title\":\"Unauthorized\"}")
						.into_response();
				}
				let start = match query.get("backfill_minutes") {
					Some(_) => 0,
					None => log.lock().expect("not poisoned").len(),
				};
				let lines = futures::stream::unfold((start, 0u32), move |(sent, ticks)| {
					let log = log.clone();
					async move {
						tokio::time::sleep(Duration::from_millis(50)).await;
						let log = log.lock().expect("not poisoned");
						let mut chunk: String =
							log[sent..].iter().map(|line| format!("{line}\r\n")).collect();
						if chunk.is_empty() && ticks % 20 == 19 {
							chunk.push_str("\r\n"); // keep-alive
						}
						Some((Ok::<_, std::convert::Infallible>(chunk), (log.len(), ticks + 1)))
					}
				});
				Response::new(axum::body::Body::from_stream(lines))
			}
		};
		let (statuses, requests) = (timeline.clone(), asked.clone());
		let app = Router::new()
			.route(
				"/api/v2/instance",
				get(move || async move {
					let streaming = format!("ws://127.0.0.1:{ws_port}");
					Json(json!({ "domain": "mastodon.social",
						"configuration": { "urls": { "streaming": streaming } } }))
				}),
			)
			.route(
				"/api/v1/timelines/public",
				get(move |query: Query<HashMap<String, String>>| async move {
					let since: u64 =
						query.get("min_id").and_then(|id| id.parse().ok()).unwrap_or(0);
					let limit: usize =
						query.get("limit").and_then(|l| l.parse().ok()).unwrap_or(20);
					requests.lock().expect("not poisoned").push(since);
					let id = |status: &Value| num(&status["id"]) as u64;
					let mut page: Vec<Value> = statuses
						.lock()
						.expect("not poisoned")
						.iter()
						.filter(|status| id(status) > since)
						.take(limit)
						.cloned()
						.collect();
					page.reverse();
					Json(Value::Array(page))
				}),
			)
			.route("/2/tweets/search/stream", get(stream(x_posts.clone())))
			.route("/2/tweets/compliance/stream", get(stream(x_compliance.clone())));
		let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
		let http = listener.local_addr().expect("an address").port();
		listener.set_nonblocking(true).expect("non-blocking");
		std::thread::spawn(move || {
			let runtime = tokio::runtime::Runtime::new().expect("a runtime");
			runtime.block_on(async move {
				let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
				axum::serve(listener, app).await.expect("serves");
			});
		});
		Self { http, timeline, asked, streamed, x_posts, x_compliance }
	}

	pub fn url(&self, path: &str) -> String {
		format!("http://127.0.0.1:{}{path}", self.http)
	}

	/// A new public status by `user` of mastodon.social: on the timeline and, if `streamed`,
	/// pushed to the streaming API's clients. Returns it.
	pub fn status(&self, user: &str, text: &str, streamed: bool) -> Value {
		let mut timeline = self.timeline.lock().expect("not poisoned");
		// A snowflake: milliseconds << 16, later than the status before.
		let now = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.expect("after 1970")
			.as_millis() as u64;
		let last = timeline.last().map_or(0, |s| num(&s["id"]) as u64);
		let id = (now << 16).max(last + 1);
		let status = json!({ "id": id.to_string(),
			"uri": format!("https://mastodon.social/users/{user}/statuses/{id}"),
			"content": format!("<p>{text}</p>"), "account": { "acct": user },
			"visibility": "public", "reblog": null, "sensitive": false, "spoiler_text": "" });
		timeline.push(status.clone());
		if streamed {
			self.stream("update", &status.to_string());
		}
		status
	}

	/// Pushes a streaming message.
	pub fn stream(&self, event: &str, payload: &str) {
		let message = json!({ "stream": ["public:local"], "event": event, "payload": payload });
		self.streamed.lock().expect("not poisoned").push(message.to_string());
	}

	/// A new X post by `author` on the filtered stream (`history`: the ids of the versions it
	/// edits). Returns its id.
	pub fn tweet(&self, author: u64, text: &str, history: &[String]) -> String {
		const X_EPOCH_MS: u64 = 1_288_834_974_657;
		let mut log = self.x_posts.lock().expect("not poisoned");
		let now = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.expect("after 1970")
			.as_millis() as u64;
		let id = (((now - X_EPOCH_MS) << 22) | log.len() as u64).to_string();
		let versions: Vec<String> = history.iter().cloned().chain([id.clone()]).collect();
		let mut post = json!({ "id": id, "author_id": author.to_string(), "text": text,
			"edit_history_tweet_ids": versions });
		if text.starts_with("RT @") {
			post["referenced_tweets"] = json!([{ "type": "retweeted", "id": "20" }]);
		}
		let users = json!([{ "id": author.to_string(), "username": "sample" }]);
		log.push(json!({ "data": post, "includes": { "users": users } }).to_string());
		id
	}
}

/// A WebSocket server sending each client the messages of `log` pushed while it is connected.
/// Returns its port.
fn live_socket(log: Shared<String>) -> u16 {
	use futures::{SinkExt, StreamExt};
	use tokio_tungstenite::tungstenite::Message;
	let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
	let port = listener.local_addr().expect("an address").port();
	listener.set_nonblocking(true).expect("non-blocking");
	std::thread::spawn(move || {
		let runtime = tokio::runtime::Runtime::new().expect("a runtime");
		runtime.block_on(async move {
			let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
			while let Ok((stream, _)) = listener.accept().await {
				let log = log.clone();
				tokio::spawn(async move {
					let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
						return;
					};
					let mut sent = log.lock().expect("not poisoned").len();
					loop {
						let new: Vec<String> = {
							let log = log.lock().expect("not poisoned");
							let new = log[sent..].to_vec();
							sent = log.len();
							new
						};
						for message in new {
							if socket.send(Message::text(message)).await.is_err() {
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
	port
}
