//! A `licentia-bridge follow` run's store and log, and waiting on what it registers.

use super::{Env, Run};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A follower's store and log, for waiting on what it registers.
pub struct Follower<'a> {
	pub env: &'a Env,
	pub store: String,
	pub log: String,
}

impl<'a> Follower<'a> {
	pub fn new(env: &'a Env, name: &str) -> Self {
		Self { env, store: env.path(&format!("{name}.db")), log: env.path(&format!("{name}.log")) }
	}

	/// Runs `licentia-bridge follow` with `args` on this store, its stderr to the log.
	pub fn start(&self, args: &[&str]) -> Run {
		let mut all = vec!["follow", "--store", &self.store, "--window", "1"];
		all.extend_from_slice(args);
		self.env.bridge_logged(&all, &self.log)
	}

	/// The store's registered posts, as `licentia-bridge posts` lists them.
	pub fn registered(&self) -> Vec<Value> {
		let posts = self.env.bridge(&["posts", "--store", &self.store]).finish();
		posts.as_array().expect("a list").clone()
	}

	/// Waits until `done`, failing with the follower's log after `seconds`.
	pub fn wait_until(&self, what: &str, seconds: u64, done: &dyn Fn() -> bool) {
		let deadline = Instant::now() + Duration::from_secs(seconds);
		while !done() {
			if Instant::now() > deadline {
				let log = std::fs::read_to_string(&self.log).unwrap_or_default();
				panic!("timed out waiting until {what}; the follower's log:\n{log}");
			}
			std::thread::sleep(Duration::from_millis(200));
		}
	}

	/// A registered post's status on chain (`licentia_postStatus`).
	pub fn status(&self, post: &Value) -> Value {
		let proof = json!({ "batch": post["batch"], "post": post["post"], "index": post["index"],
			"proof": post["proof"] });
		self.env.node.rpc("licentia_postStatus", json!([proof]))
	}
}
