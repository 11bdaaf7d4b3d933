//! The portal (web/) in a browser, against a fresh dev chain.

mod support;

use licentia_harness::{Node, TempDir};
use std::{path::PathBuf, process::Command};
use support::repo;

/// The portal (web/) in headless Chromium against a fresh dev chain: a contributor signs an
/// opt-in that her platform relays (`licentia-bridge consent relay`), opts in to one more use and
/// states conditions, a buyer purchases, the contributor sees the earning and claims it free of
/// fees, then withdraws everything; another links a Nostr key through a NIP-07 signer
/// (`web/test/portal.mjs`, which also writes a screenshot of each page). Needs the built portal
/// (`web/dist`, which scripts/test builds) and Chromium (scripts/setup installs Debian's).
#[test]
fn a_contributor_and_a_buyer_use_the_portal_in_a_browser() {
	let node = Node::start("portal", &["--dev", "--tmp"]);
	let web = repo().join("web");
	assert!(
		web.join("dist/index.html").exists(),
		"the portal is not built: run `npm run build` in web/ (scripts/test does)"
	);
	// LICENTIA_SCREENSHOTS keeps them (docs/portal/ holds a set).
	let temp = TempDir::new("portal-screenshots");
	let screenshots =
		std::env::var_os("LICENTIA_SCREENSHOTS").map_or(temp.0.clone(), PathBuf::from);
	let url = format!("ws://127.0.0.1:{}", node.rpc_port);
	let output = Command::new("node")
		.arg(web.join("test/portal.mjs"))
		.args(["--node", &url, "--screenshots", &screenshots.display().to_string()])
		.args(["--bridge", env!("CARGO_BIN_EXE_licentia-bridge")])
		.output()
		.expect("Node.js runs (scripts/setup installs it)");
	let log = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "the portal test failed:\n{log}\n{}", node.log());
	for shot in ["1-contributor", "3-buyer-license", "5-contributor-withdrawn", "6-phone-buyer"] {
		let file = screenshots.join(format!("{shot}.png"));
		let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
		assert!(size > 10_000, "{} is missing or blank ({size} bytes)", file.display());
	}
}
