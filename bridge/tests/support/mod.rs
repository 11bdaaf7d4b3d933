//! What the bridge's end-to-end tests share (each test file declares `mod support;`): a dev
//! node with a scratch directory ([`Env`]), the `licentia-bridge` and buyer-script commands run
//! against it ([`Run`]), the dev chain's platforms and keys, and small HTTP and store readers.
//! The stand-ins for the platforms' live sources are in their own modules: [`jetstream`]
//! (Bluesky), [`relay`] (Nostr), [`platforms`] (Mastodon and X); [`follower`] waits on what a
//! `follow` run registers.
//!
//! The node itself, and the calls users sign, come from the workspace's test harness
//! (`licentia-harness`, node/harness), shared with the node's tests.

// Each test binary uses a part of this.
#![allow(dead_code)]

pub mod attacker;
pub mod follower;
pub mod jetstream;
pub mod platforms;
pub mod relay;
pub mod x_posts;

// The stand-ins, by name (a test binary names only those it runs).
#[allow(unused_imports)]
pub use self::{
	follower::Follower,
	jetstream::{jetstream_post, Jetstream},
	platforms::Platforms,
	relay::Relay,
	x_posts::{buy, registered_x_posts, x_offer, EVE_X},
};

use licentia_harness::{Node, TempDir};
use licentia_runtime::Balance;
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;
use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

pub const BLUESKY: u32 = 0; // dev preset: bsky.app, operated by Bob
pub const MASTODON: u32 = 1; // mastodon.social, operated by Charlie
pub const NOSTR: u32 = 2; // no operator: authors register their own events
pub const X: u32 = 3; // x.com, operated by Dave
/// The Nostr test key of bridge/testdata (see its README): never use it elsewhere.
pub const NOSTR_SECRET: &str = "60c3d7be835a8f575550e201eeaa632f6281bb8101d34c805de42eedb0e7e735";

pub fn repo() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR"))
		.parent()
		.expect("bridge/ is in the repository")
		.into()
}

pub fn testdata(name: &str) -> String {
	repo().join("bridge/testdata").join(name).display().to_string()
}

pub fn suri(who: Sr25519Keyring) -> String {
	format!("//{who:?}")
}

pub fn address(who: Sr25519Keyring) -> String {
	who.to_account_id().to_string()
}

/// A command running against the node; `finish` parses its one JSON document.
pub struct Run {
	pub what: String,
	pub child: Child,
}

impl Run {
	pub fn finish(self) -> Value {
		let output = self.child.wait_with_output().expect("the command runs");
		let stdout = String::from_utf8_lossy(&output.stdout);
		let stderr = String::from_utf8_lossy(&output.stderr);
		assert!(output.status.success(), "{} failed: {}\n{stderr}", self.what, output.status);
		serde_json::from_str(stdout.trim())
			.unwrap_or_else(|e| panic!("{} printed no JSON ({e}):\n{stdout}\n{stderr}", self.what))
	}

	/// Waits for a run that must fail, and returns what it printed on stderr.
	pub fn fails(self) -> String {
		let output = self.child.wait_with_output().expect("the command runs");
		assert!(!output.status.success(), "{} succeeded", self.what);
		String::from_utf8_lossy(&output.stderr).into_owned()
	}
}

pub struct Env {
	pub node: Node,
	pub dir: TempDir,
}

impl Env {
	pub fn url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.node.rpc_port)
	}

	pub fn path(&self, name: &str) -> String {
		self.dir.0.join(name).display().to_string()
	}

	pub fn bridge(&self, args: &[&str]) -> Run {
		let child = Command::new(env!("CARGO_BIN_EXE_licentia-bridge"))
			.args(["--url", &self.url(), "--json"])
			.args(args)
			.stdout(Stdio::piped())
			.stderr(Stdio::piped())
			.spawn()
			.expect("licentia-bridge starts");
		Run { what: format!("licentia-bridge {}", args.join(" ")), child }
	}

	/// `bridge`, with stderr appended to the file `log` (a long-running command's log).
	pub fn bridge_logged(&self, args: &[&str], log: &str) -> Run {
		let log = std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(log)
			.expect("a log file");
		let child = Command::new(env!("CARGO_BIN_EXE_licentia-bridge"))
			.args(["--url", &self.url(), "--json"])
			.args(args)
			.stdout(Stdio::piped())
			.stderr(log)
			.spawn()
			.expect("licentia-bridge starts");
		Run { what: format!("licentia-bridge {}", args.join(" ")), child }
	}

	pub fn buyer(&self, script: &str, args: &[&str]) -> Run {
		let child = Command::new("node")
			.arg(repo().join("scripts/buyer-tools").join(script))
			.args(["--url", &self.url(), "--json"])
			.args(args)
			.stdout(Stdio::piped())
			.stderr(Stdio::piped())
			.spawn()
			.expect("Node.js runs (scripts/setup installs it)");
		Run { what: format!("{script} {}", args.join(" ")), child }
	}

	pub fn pending_rewards(&self, who: Sr25519Keyring) -> Balance {
		let answer = self.node.rpc("licentia_pendingRewards", json!([address(who)]));
		answer.as_str().and_then(|s| s.parse().ok()).expect("a decimal string")
	}
}

/// Runs the commands at once (each signer's transactions stay in order within its command) and
/// returns their JSON documents in the same order.
pub fn all(runs: Vec<Run>) -> Vec<Value> {
	runs.into_iter().map(Run::finish).collect()
}

pub fn num(value: &Value) -> u128 {
	match value {
		Value::Number(n) => n.as_u64().expect("a u64") as u128,
		Value::String(s) => s.parse().expect("a decimal string"),
		other => panic!("{other} is not a number"),
	}
}

/// The access queries a platform hands a buyer: the store's registered posts, as
/// `licentia-bridge posts` lists them.
pub fn queries(env: &Env, store: &str, purpose: &str) -> Vec<Value> {
	let posts = env.bridge(&["posts", "--store", store]).finish();
	posts
		.as_array()
		.expect("a list of posts")
		.iter()
		.map(|post| {
			json!({ "purpose": purpose, "batch": post["batch"], "post": post["post"],
				"index": post["index"], "proof": post["proof"] })
		})
		.collect()
}

/// How many batches the store at `path` holds in `state` (0 while it cannot be read).
pub fn batches_in(path: &str, state: &str) -> usize {
	let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
	let Ok(store) = rusqlite::Connection::open_with_flags(path, flags) else { return 0 };
	let query = "SELECT count(*) FROM batches WHERE state = ?1";
	store
		.query_row(query, [state], |row| row.get::<_, i64>(0))
		.map_or(0, |n| n as usize)
}

/// Stops a long-running command with SIGTERM and returns its summary.
pub fn stop(run: Run) -> Value {
	let stopped = Command::new("kill")
		.args(["-TERM", &run.child.id().to_string()])
		.status()
		.expect("kill runs");
	assert!(stopped.success());
	run.finish()
}

pub fn http_get(port: u16, path: &str) -> String {
	use std::io::{Read, Write};
	let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
	let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
	stream.write_all(request.as_bytes()).expect("writes");
	let mut response = String::new();
	stream.read_to_string(&mut response).expect("reads");
	response
}

/// `http_get` with `headers` (name, value) added.
pub fn http_get_with(port: u16, path: &str, headers: &[(String, String)]) -> String {
	use std::io::{Read, Write};
	let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
	let mut request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n");
	for (name, value) in headers {
		request.push_str(&format!("{name}: {value}\r\n"));
	}
	request.push_str("\r\n");
	stream.write_all(request.as_bytes()).expect("writes");
	let mut response = String::new();
	stream.read_to_string(&mut response).expect("reads");
	response
}

/// The headers of a GET of `path` signed now by `who` (a dev key) on the chain whose genesis
/// hash is `genesis`, for platform `platform`'s gateway at `origin` as docs/gateway.md says
/// (`Some((platform, origin))`), or in the first format, which named no gateway (`None`).
pub fn signed_headers(
	who: Sr25519Keyring,
	genesis: impl AsRef<[u8]>,
	to: Option<(u32, &str)>,
	path: &str,
) -> Vec<(String, String)> {
	let uri: subxt_signer::SecretUri = suri(who).parse().expect("a secret URI");
	let pair = subxt_signer::sr25519::Keypair::from_uri(&uri).expect("a dev key");
	let timestamp = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.expect("after 1970")
		.as_millis();
	let genesis = format!("0x{}", hex::encode(genesis));
	let message = match to {
		Some((platform, origin)) => {
			format!("licentia-gateway/2\n{genesis}\n{platform}\n{origin}\nGET {path}\n{timestamp}")
		},
		None => format!("licentia-gateway\n{genesis}\nGET {path}\n{timestamp}"),
	};
	let signature = format!("0x{}", hex::encode(pair.sign(message.as_bytes()).0));
	vec![
		("Licentia-Account".into(), address(who)),
		("Licentia-Timestamp".into(), timestamp.to_string()),
		("Licentia-Signature".into(), signature),
	]
}

/// Waits (up to a minute) for a gateway on `port` to answer `/health` with 200.
pub fn wait_for_gateway(port: u16) {
	let deadline = Instant::now() + Duration::from_secs(60);
	loop {
		if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
			&& http_get(port, "/health").contains(" 200 ")
		{
			return;
		}
		assert!(Instant::now() < deadline, "the gateway on port {port} never answered");
		std::thread::sleep(Duration::from_millis(200));
	}
}

/// A metric's value in Prometheus' text format (0 if it is not there).
pub fn metric(text: &str, name: &str) -> f64 {
	text.lines()
		.find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
		.and_then(|value| value.trim().parse().ok())
		.unwrap_or(0.0)
}
