//! A test harness that runs the real `licentia-node` binary and talks to it over JSON-RPC.
//!
//! Kept dependency-free on purpose (std, serde_json and the runtime's types): see the note in
//! `node/Cargo.toml`.

#![allow(dead_code)]

use codec::{Decode, Encode};
use licentia_runtime::{AccountId, Balance, Hash, Nonce, Runtime, RuntimeEvent};
use serde_json::{json, Value};
use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	sync::atomic::{AtomicUsize, Ordering},
	time::{Duration, Instant},
};

/// Why an extrinsic failed, from its events (`None`: it succeeded).
pub fn dispatch_error(events: &[RuntimeEvent]) -> Option<sp_runtime::DispatchError> {
	events.iter().find_map(|event| match event {
		RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { dispatch_error, .. }) => {
			Some(*dispatch_error)
		},
		_ => None,
	})
}

/// The first of `events` that `f` picks out; the test fails, listing them, if none is.
#[track_caller]
pub fn find<T>(events: &[RuntimeEvent], f: impl Fn(&RuntimeEvent) -> Option<T>) -> T {
	events
		.iter()
		.find_map(f)
		.unwrap_or_else(|| panic!("event not found in {events:?}"))
}

/// The node binary cargo built: this package's own, or (for the other packages' tests that
/// include this harness) the one beside the test's target directory.
pub fn node_binary() -> PathBuf {
	if let Some(path) = option_env!("CARGO_BIN_EXE_licentia-node") {
		return path.into();
	}
	let exe = std::env::current_exe().expect("the test knows its path");
	// target/<profile>/deps/<test> -> target/<profile>/licentia-node
	let path = exe
		.parent()
		.and_then(Path::parent)
		.expect("a cargo target dir")
		.join("licentia-node");
	assert!(path.exists(), "{} is missing: build the workspace (scripts/build)", path.display());
	path
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|l| l.local_addr())
		.map(|a| a.port())
		.expect("the OS hands out a free port")
}

/// A scratch directory for one test, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
	/// A directory of its own, even for tests of one binary running in parallel with one name.
	pub fn new(name: &str) -> Self {
		static NEXT: AtomicUsize = AtomicUsize::new(0);
		let dir = std::env::temp_dir().join(format!(
			"licentia-test-{name}-{}-{}",
			std::process::id(),
			NEXT.fetch_add(1, Ordering::Relaxed)
		));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).expect("temp dir can be created");
		Self(dir)
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

/// A running node. Dropping it kills the process.
pub struct Node {
	child: Option<Child>,
	pub rpc_port: u16,
	pub prometheus_port: u16,
	log: PathBuf,
	_dir: TempDir,
}

impl Node {
	/// Starts `licentia-node` with `args` plus free RPC, p2p and Prometheus ports, and waits until
	/// it answers `system_health`. A node that exits or stays silent fails the test with its log.
	pub fn start(name: &str, args: &[&str]) -> Self {
		let dir = TempDir::new(name);
		let log = dir.0.join("node.log");
		let (rpc_port, p2p_port, prometheus_port) = (free_port(), free_port(), free_port());
		let log_file = std::fs::File::create(&log).expect("log file can be created");
		let child = Command::new(node_binary())
			.args(args)
			.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--port", &p2p_port.to_string()])
			.args(["--prometheus-port", &prometheus_port.to_string()])
			.args(["--no-telemetry", "--no-mdns"])
			.stdout(Stdio::null())
			.stderr(log_file)
			.spawn()
			.expect("licentia-node starts");
		let mut node = Self { child: Some(child), rpc_port, prometheus_port, log, _dir: dir };
		node.wait_for("RPC to answer", Duration::from_secs(90), |n| {
			n.try_rpc("system_health", json!([])).ok()
		});
		node
	}

	/// The node's log so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	/// Fails the test with the node's log.
	#[track_caller]
	pub fn fail(&self, why: &str) -> ! {
		panic!("{why}\n----- node log -----\n{}\n--------------------", self.log())
	}

	/// Polls `check` every 250 ms until it returns `Some`, the node exits, or `timeout` passes.
	#[track_caller]
	pub fn wait_for<T>(
		&mut self,
		what: &str,
		timeout: Duration,
		mut check: impl FnMut(&Self) -> Option<T>,
	) -> T {
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(value) = check(self) {
				return value;
			}
			if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
				self.fail(&format!("the node exited ({status}) while waiting for {what}"));
			}
			if Instant::now() > deadline {
				self.fail(&format!("timed out after {timeout:?} waiting for {what}"));
			}
			std::thread::sleep(Duration::from_millis(250));
		}
	}

	/// Calls `method` and returns its `result`, or the JSON-RPC error as text.
	pub fn try_rpc(&self, method: &str, params: Value) -> Result<Value, String> {
		rpc_call(self.rpc_port, method, params)
	}

	/// Calls `method` and returns its `result`; any error fails the test.
	#[track_caller]
	pub fn rpc(&self, method: &str, params: Value) -> Value {
		self.try_rpc(method, params)
			.unwrap_or_else(|e| self.fail(&format!("{method} failed: {e}")))
	}

	/// The number of the best or the finalized block.
	pub fn block_number(&self, finalized: bool) -> u32 {
		let hash =
			if finalized { self.rpc("chain_getFinalizedHead", json!([])) } else { Value::Null };
		let header = self.rpc("chain_getHeader", json!([hash]));
		let number = header["number"].as_str().unwrap_or_else(|| self.fail("header has a number"));
		u32::from_str_radix(number.trim_start_matches("0x"), 16)
			.unwrap_or_else(|_| self.fail("block number is hex"))
	}

	/// The hash of block `number`.
	pub fn block_hash(&self, number: u32) -> Hash {
		let hex = self.rpc("chain_getBlockHash", json!([number]));
		decode_hex(hex.as_str().unwrap_or_else(|| self.fail("block hash is a string")))
	}

	/// The value at a raw storage key, at block `at` (best block if `None`).
	pub fn storage<T: Decode>(&self, key: &[u8], at: Option<Hash>) -> Option<T> {
		let at = at.map(|h| Value::String(to_hex(&h.encode())));
		let value = self.rpc("state_getStorage", json!([to_hex(key), at]));
		value.as_str().map(|hex| decode_hex(hex))
	}

	/// The events deposited in block `at`.
	pub fn events(&self, at: Hash) -> Vec<RuntimeEvent> {
		type Records = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;
		// `System::Events` is private to frame-system: its key is the storage prefix.
		let key = frame_support::storage::storage_prefix(b"System", b"Events");
		self.storage::<Records>(&key, Some(at))
			.unwrap_or_default()
			.into_iter()
			.map(|r| r.event)
			.collect()
	}

	/// An account's free balance at the best block.
	pub fn free_balance(&self, who: &AccountId) -> Balance {
		let key = frame_system::Account::<Runtime>::hashed_key_for(who);
		self.storage::<frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>>(
			&key, None,
		)
		.map(|info| info.data.free)
		.unwrap_or_default()
	}

	/// Calls runtime API `method` (`Trait_function`) with SCALE-encoded `args` at the best
	/// block and decodes its answer.
	#[track_caller]
	pub fn runtime_call<R: Decode>(&self, method: &str, args: impl Encode) -> R {
		let answer = self.rpc("state_call", json!([method, to_hex(&args.encode())]));
		decode_hex(answer.as_str().unwrap_or_else(|| self.fail("state_call answers hex")))
	}

	/// Signs each call as its signer (consecutive nonces per signer), submits them all, and
	/// waits until blocks include every one. Returns, per call, its block's number and the
	/// events it emitted; a dispatch error fails the test.
	#[track_caller]
	pub fn submit_all(
		&mut self,
		calls: Vec<(sp_keyring::Sr25519Keyring, licentia_runtime::RuntimeCall)>,
	) -> Vec<(u32, Vec<RuntimeEvent>)> {
		let outcomes = self.submit_all_outcomes(calls);
		for (block, events) in &outcomes {
			if let Some(error) = dispatch_error(events) {
				self.fail(&format!("an extrinsic of block {block} failed: {error:?}"));
			}
		}
		outcomes
	}

	/// [`Self::submit_all`], whether the calls succeed or not: a failed call's events hold its
	/// `ExtrinsicFailed` ([`dispatch_error`]).
	#[track_caller]
	pub fn submit_all_outcomes(
		&mut self,
		calls: Vec<(sp_keyring::Sr25519Keyring, licentia_runtime::RuntimeCall)>,
	) -> Vec<(u32, Vec<RuntimeEvent>)> {
		use licentia_runtime::signing::{signed_extrinsic, ChainContext};
		let genesis = self.block_hash(0);
		let mut nonces = std::collections::BTreeMap::<AccountId, u32>::new();
		let mut pending = Vec::new();
		let start = self.block_number(false);
		for (signer, call) in calls {
			let who = signer.to_account_id();
			let nonce = *nonces.entry(who.clone()).or_insert_with(|| {
				let next = self.rpc("system_accountNextIndex", json!([who.to_string()]));
				next.as_u64().unwrap_or_else(|| self.fail("nonce is a number")) as u32
			});
			nonces.insert(who, nonce + 1);
			let xt = signed_extrinsic(call, &signer.pair(), nonce, ChainContext::immortal(genesis));
			let xt_hex = to_hex(&xt.encode());
			self.rpc("author_submitExtrinsic", json!([xt_hex]));
			pending.push(xt_hex);
		}

		let mut found: Vec<Option<(u32, Vec<RuntimeEvent>)>> = vec![None; pending.len()];
		let mut next = start;
		self.wait_for("the extrinsics' blocks", Duration::from_secs(90), |n| {
			let best = n.block_number(false);
			while next <= best {
				let hash = n.block_hash(next);
				let block = n.rpc("chain_getBlock", json!([to_hex(&hash.encode())]));
				let extrinsics =
					block["block"]["extrinsics"].as_array().cloned().unwrap_or_default();
				type Records = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;
				let key = frame_support::storage::storage_prefix(b"System", b"Events");
				let records = n.storage::<Records>(&key, Some(hash)).unwrap_or_default();
				for (slot, xt_hex) in found.iter_mut().zip(&pending) {
					let Some(index) = extrinsics.iter().position(|x| x.as_str() == Some(xt_hex))
					else {
						continue;
					};
					let phase = frame_system::Phase::ApplyExtrinsic(index as u32);
					let events: Vec<RuntimeEvent> = records
						.iter()
						.filter(|r| r.phase == phase)
						.map(|r| r.event.clone())
						.collect();
					*slot = Some((next, events));
				}
				next += 1;
			}
			found.iter().all(Option::is_some).then_some(())
		});
		found.into_iter().map(|f| f.expect("every extrinsic was found")).collect()
	}

	/// Stops the node with SIGINT, as an operator's Ctrl-C would, and returns how it exited.
	pub fn stop(mut self) -> ExitStatus {
		let mut child = self.child.take().expect("a node is stopped once");
		let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
		let deadline = Instant::now() + Duration::from_secs(60);
		loop {
			if let Ok(Some(status)) = child.try_wait() {
				return status;
			}
			if Instant::now() > deadline {
				let _ = child.kill();
				self.fail("the node did not stop within 60 s of SIGINT");
			}
			std::thread::sleep(Duration::from_millis(100));
		}
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

/// One JSON-RPC call over HTTP/1.1 to 127.0.0.1:`port`.
pub fn rpc_call(port: u16, method: &str, params: Value) -> Result<Value, String> {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
	let response = http_post(port, &body)?;
	let reply: Value =
		serde_json::from_str(&response).map_err(|e| format!("not JSON ({e}): {response}"))?;
	match reply.get("error") {
		Some(error) => Err(error.to_string()),
		None => reply.get("result").cloned().ok_or_else(|| format!("no result: {reply}")),
	}
}

/// POSTs `body` as JSON and returns the response body.
pub fn http_post(port: u16, body: &str) -> Result<String, String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
	stream
		.set_read_timeout(Some(Duration::from_secs(30)))
		.map_err(|e| e.to_string())?;
	let request = format!(
		"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
		 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
	let mut response = Vec::new();
	stream.read_to_end(&mut response).map_err(|e| e.to_string())?;
	let response = String::from_utf8_lossy(&response);
	let (head, body) = response.split_once("\r\n\r\n").ok_or("malformed HTTP response")?;
	if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
		return Ok(dechunk(body));
	}
	Ok(body.to_string())
}

fn dechunk(mut body: &str) -> String {
	let mut out = String::new();
	while let Some((size, rest)) = body.split_once("\r\n") {
		let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
		if size == 0 || rest.len() < size {
			break;
		}
		out.push_str(&rest[..size]);
		body = rest[size..].trim_start_matches("\r\n");
	}
	out
}

/// `0x`-prefixed lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Decodes a SCALE value from `0x`-prefixed hex; panics with the input on failure.
#[track_caller]
pub fn decode_hex<T: Decode>(text: &str) -> T {
	let bytes = hex::decode(text.trim_start_matches("0x"))
		.unwrap_or_else(|e| panic!("not hex ({e}): {text}"));
	T::decode(&mut &bytes[..]).unwrap_or_else(|e| panic!("cannot decode {text}: {e}"))
}

/// Runs the node binary with `args` to completion and returns (status, stdout, stderr).
pub fn run_node_command(args: &[&str], cwd: &Path) -> (ExitStatus, String, String) {
	let output = Command::new(node_binary())
		.args(args)
		.current_dir(cwd)
		.output()
		.expect("node runs");
	(
		output.status,
		String::from_utf8_lossy(&output.stdout).into_owned(),
		String::from_utf8_lossy(&output.stderr).into_owned(),
	)
}

/// `value` as a Bluesky TID: 13 characters of base32-sortable.
#[allow(dead_code)]
pub fn tid(value: u64) -> String {
	const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
	(0..13)
		.rev()
		.map(|i| ALPHABET[((value as u128 >> (5 * i)) & 31) as usize] as char)
		.collect()
}

/// The contributor list of `records` as a bridge declares it: one range per run of one author,
/// with the order keys of its first and last post.
#[allow(dead_code)]
pub fn layout(
	records: &[licentia_primitives::content::PostRecord],
) -> Vec<pallet_content::Contribution> {
	licentia_primitives::content::ranges(records)
		.into_iter()
		.map(|(author, posts, first_key, last_key)| pallet_content::Contribution {
			author,
			posts,
			first_key,
			last_key,
		})
		.collect()
}

/// The `answer_leaf` calls that open what pending `batch` of `records` (in leaf order) must open
/// now, as `licentia_batch` lists it in `view`: the chain's samples of it and the leaves someone
/// asked for.
#[allow(dead_code)]
pub fn answers(
	view: &Value,
	batch: licentia_primitives::content::BatchId,
	records: &[licentia_primitives::content::PostRecord],
) -> Vec<licentia_runtime::RuntimeCall> {
	let leaves: Vec<_> = records.iter().map(|r| r.leaf_hash()).collect();
	let requests = view["requests"].as_array().cloned().unwrap_or_default();
	requests
		.iter()
		.filter_map(|request| request["index"].as_u64())
		.map(|index| {
			let index = index as u32;
			let proof = licentia_primitives::content::batch_proof(leaves.clone(), index);
			licentia_runtime::RuntimeCall::Content(pallet_content::Call::answer_leaf {
				batch,
				index,
				post: records[index as usize].clone(),
				proof: proof.try_into().expect("a batch's proof fits"),
			})
		})
		.collect()
}

impl Node {
	/// Activates the platform batches that `registered` (what `submit_all` returned for
	/// `register_batch` calls, with the records of each in leaf order) registered, as a bridge
	/// does: opens the leaves the chain sampled from each (Ferdie answers, as anyone may), then
	/// activates them as soon as their challenge windows end. Returns the activations' blocks
	/// and events.
	#[allow(dead_code)]
	pub fn activate_all(
		&mut self,
		registered: &[(u32, Vec<RuntimeEvent>)],
		records: &[&[licentia_primitives::content::PostRecord]],
	) -> Vec<(u32, Vec<RuntimeEvent>)> {
		let mut batches = Vec::new();
		let (mut until, mut drawn) = (0, 0);
		for (block, events) in registered {
			let (batch, matures_at) = events
				.iter()
				.find_map(|e| match e {
					RuntimeEvent::Content(pallet_content::Event::BatchRegistered {
						batch,
						matures_at,
						..
					}) => Some((*batch, *matures_at)),
					_ => None,
				})
				.unwrap_or_else(|| self.fail("a register_batch without BatchRegistered"));
			until = until.max(matures_at);
			// The samples come from the registration block's hash: known in the next block.
			drawn = drawn.max(*block + 1);
			batches.push(batch);
		}
		self.wait_for("the samples to be drawn", Duration::from_secs(60), |n| {
			(n.block_number(false) >= drawn).then_some(())
		});
		let mut opening = Vec::new();
		for (batch, records) in batches.iter().zip(records) {
			let view = self.rpc("licentia_batch", json!([batch]));
			let calls = answers(&view, *batch, records);
			opening
				.extend(calls.into_iter().map(|call| (sp_keyring::Sr25519Keyring::Ferdie, call)));
		}
		if !opening.is_empty() {
			self.submit_all(opening);
		}
		let mut calls = Vec::new();
		for (batch, records) in batches.iter().zip(records) {
			let contributors =
				layout(records).try_into().unwrap_or_else(|_| self.fail("a long list"));
			let call = pallet_content::Call::activate_batch { batch: *batch, contributors };
			calls.push((
				sp_keyring::Sr25519Keyring::Ferdie,
				licentia_runtime::RuntimeCall::Content(call),
			));
		}
		// An extrinsic submitted now goes into the next block.
		self.wait_for("the challenge windows", Duration::from_secs(180), |n| {
			(n.block_number(false) + 1 >= until).then_some(())
		});
		self.submit_all(calls)
	}
}

/// Terms for AI training only, lasting `duration` blocks, without a cap: what the throughput and
/// network tests license.
pub fn training_terms(duration: u32) -> licentia_primitives::licensing::Terms {
	use licentia_primitives::consent::{Purpose, PurposeSet};
	licentia_primitives::licensing::Terms {
		purposes: PurposeSet::EMPTY.with(Purpose::AiTraining),
		duration,
		record_cap: None,
		anonymisation: true,
		attribution: false,
		transferable: false,
		redistribution: false,
		commercial_use: true,
		model_weights_release: false,
		legal_hash: sp_core::H256::repeat_byte(0x1e),
		legal_uri: None,
	}
}

/// An operator's `link_identity` of `identity` to `pair`'s account through `platform`, with
/// the account's acceptance signed for relay nonce `nonce` (never expiring in a test's time).
pub fn accepted_link(
	platform: licentia_primitives::consent::PlatformId,
	identity: licentia_primitives::consent::Identity,
	pair: &sp_core::sr25519::Pair,
	nonce: u32,
	genesis: Hash,
) -> licentia_runtime::RuntimeCall {
	use sp_core::Pair;
	let acceptance = pallet_consent::LinkAcceptance { nonce, expires_at: 10_000 };
	let payload =
		(pallet_consent::LINK_CONTEXT, genesis, platform, &identity, &acceptance).encode();
	licentia_runtime::RuntimeCall::Consent(pallet_consent::Call::link_identity {
		platform,
		identity,
		account: pair.public().into(),
		acceptance,
		signature: sp_runtime::MultiSignature::Sr25519(pair.sign(&payload)),
	})
}

/// `pair`'s signed opt-in to AI training (relay nonce 0, never expiring), as a platform relays it.
pub fn relayed_opt_in(
	pair: &sp_core::sr25519::Pair,
	genesis: Hash,
) -> licentia_runtime::RuntimeCall {
	use licentia_primitives::consent::{Decision, Purpose};
	use sp_core::Pair;
	let statement = pallet_consent::RelayedStatement {
		account: pair.public().into(),
		scope: pallet_consent::Scope::Account,
		decisions: vec![(Purpose::AiTraining, Decision::Allow)].try_into().expect("one"),
		restrictions: None,
		nonce: 0,
		expires_at: 10_000,
	};
	let payload = (pallet_consent::RELAY_CONTEXT, genesis, &statement).encode();
	let signature = sp_runtime::MultiSignature::Sr25519(pair.sign(&payload));
	licentia_runtime::RuntimeCall::Consent(pallet_consent::Call::relay_consent {
		statement,
		signature,
	})
}
