//! Chain specifications round-trip: what `build-spec` and `export-chain-spec` print parses, and a
//! node started from an exported spec produces and finalizes blocks.

use licentia_harness::*;
use serde_json::Value;
use std::time::Duration;

/// A fixed p2p key: a validator on a non-development chain refuses to invent one.
const NODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";

fn spec_json(args: &[&str]) -> Value {
	let dir = TempDir::new("spec");
	let (status, stdout, stderr) = run_node_command(args, &dir.0);
	assert!(status.success(), "{args:?} failed: {stderr}");
	serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e})"))
}

#[test]
fn local_testnet_spec_names_its_preset_and_four_validators() {
	let spec = spec_json(&["build-spec", "--chain", "local"]);
	assert_eq!(spec["id"], "licentia_local");
	assert_eq!(spec["properties"]["tokenSymbol"], "LCT");
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert_eq!(patch["validators"]["members"].as_array().map(Vec::len), Some(4), "{patch}");
	assert_eq!(patch["session"]["keys"].as_array().map(Vec::len), Some(4), "{patch}");
	assert_eq!(patch["councilMembership"]["members"].as_array().map(Vec::len), Some(3), "{patch}");
	assert!(patch["sudo"]["key"].is_string(), "{patch}");
}

/// What docs/operators.md has whoever starts a public network do: print the testnet template,
/// write the validators, council and balances into it, make it raw, and start the validator.
#[test]
fn an_operator_fills_in_the_testnet_template_and_the_chain_runs() {
	let mut spec = spec_json(&["build-spec", "--chain", "testnet"]);
	assert_eq!(spec["id"], "licentia_testnet");
	assert_eq!(spec["chainType"], "Live");
	let patch = &mut spec["genesis"]["runtimeGenesis"]["patch"];
	assert!(patch.get("sudo").is_none() && patch.get("session").is_none(), "{patch}");

	// Alice's keys stand for the operator's own (`key generate`, `key insert`).
	let account = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	let grandpa = "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu";
	patch["balances"] = serde_json::json!({ "balances": [[account, 1_000_000_000_000_000u64]] });
	patch["validators"] = serde_json::json!({ "members": [account] });
	patch["session"] = serde_json::json!({
		"keys": [[account, account, { "aura": account, "grandpa": grandpa }]]
	});
	patch["councilMembership"] = serde_json::json!({ "members": [account] });

	let dir = TempDir::new("testnet-spec");
	let plain = dir.0.join("testnet.json");
	std::fs::write(&plain, spec.to_string()).expect("spec can be written");
	let raw = spec_json(&["build-spec", "--chain", &plain.to_string_lossy(), "--raw"]);
	let raw_path = dir.0.join("testnet-raw.json");
	std::fs::write(&raw_path, raw.to_string()).expect("spec can be written");
	let raw_path = raw_path.to_string_lossy().into_owned();
	let mut node = Node::start(
		"testnet",
		&["--chain", &raw_path, "--alice", "--validator", "--tmp", "--node-key", NODE_KEY],
	);
	node.wait_for("a finalized block", Duration::from_secs(90), |n| {
		(n.block_number(true) >= 1).then_some(())
	});
}

#[test]
fn exported_raw_dev_spec_starts_a_chain() {
	let spec = spec_json(&["export-chain-spec", "--chain", "dev", "--raw"]);
	let top = spec["genesis"]["raw"]["top"]
		.as_object()
		.expect("a raw spec has genesis storage");
	assert!(top.contains_key("0x3a636f6465"), "the raw spec carries the runtime (:code)");

	let dir = TempDir::new("raw-spec");
	let path = dir.0.join("dev-raw.json");
	std::fs::write(&path, spec.to_string()).expect("spec can be written");
	let path = path.to_string_lossy().into_owned();
	let mut node = Node::start(
		"from-spec",
		&["--chain", &path, "--alice", "--validator", "--tmp", "--node-key", NODE_KEY],
	);
	node.wait_for("a finalized block", Duration::from_secs(90), |n| {
		(n.block_number(true) >= 1).then_some(())
	});
}
