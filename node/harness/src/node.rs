//! One `licentia-node` process: started on free ports with its own scratch directory, polled
//! until it answers, failed with its log, stopped as an operator would.

use crate::rpc::rpc_call;
use serde_json::{json, Value};
use std::{
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	sync::atomic::{AtomicUsize, Ordering},
	time::{Duration, Instant},
};

/// The node binary cargo built, beside the test's own executable in the target directory: a
/// test of any package of the workspace runs from `target/<profile>/deps/`, and
/// `cargo test --workspace` (`scripts/test-binaries`) builds `target/<profile>/licentia-node`
/// with it.
pub fn node_binary() -> PathBuf {
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
