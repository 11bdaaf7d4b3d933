//! The development chain, end to end: the real `licentia-node --dev` produces and finalizes
//! blocks, accepts a signed transfer over JSON-RPC, and stops cleanly.

use codec::Encode;
use licentia_harness::*;
use licentia_runtime::{
	signing::{signed_extrinsic, ChainContext},
	BalancesCall, RuntimeCall, RuntimeEvent, UNIT,
};
use serde_json::json;
use sp_keyring::Sr25519Keyring;
use std::time::Duration;

#[test]
fn dev_chain_produces_finalizes_and_accepts_a_signed_transfer() {
	let mut node = Node::start("dev", &["--dev", "--tmp"]);

	// Blocks are produced (6 s slots) and finalized by GRANDPA.
	node.wait_for("block #2", Duration::from_secs(60), |n| {
		(n.block_number(false) >= 2).then_some(())
	});
	node.wait_for("a finalized block", Duration::from_secs(60), |n| {
		(n.block_number(true) >= 1).then_some(())
	});

	// Alice sends 42 LCT to Ferdie (endowed at genesis: read his balance first).
	let alice = Sr25519Keyring::Alice;
	let dest = Sr25519Keyring::Ferdie.to_account_id();
	let before = node.free_balance(&dest);
	let amount = 42 * UNIT;
	let genesis_hash = node.block_hash(0);
	let nonce = node.rpc("system_accountNextIndex", json!([alice.to_account_id().to_string()]));
	let nonce = nonce.as_u64().unwrap_or_else(|| node.fail("nonce is a number")) as u32;
	let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: dest.clone().into(),
		value: amount,
	});
	let xt = signed_extrinsic(call, &alice.pair(), nonce, ChainContext::immortal(genesis_hash));
	let submitted_at = node.block_number(false);
	node.rpc("author_submitExtrinsic", json!([to_hex(&xt.encode())]));

	// The transfer's event appears in one of the next blocks, and the balance moves.
	let mut next = submitted_at;
	let block = node.wait_for("the Transfer event", Duration::from_secs(60), |n| {
		let best = n.block_number(false);
		while next <= best {
			let hash = n.block_hash(next);
			let found = n.events(hash).into_iter().any(|e| {
				matches!(e, RuntimeEvent::Balances(pallet_balances::Event::Transfer { from, to, amount: a })
					if from == alice.to_account_id() && to == dest && a == amount)
			});
			if found {
				return Some(next);
			}
			next += 1;
		}
		None
	});
	assert_eq!(node.free_balance(&dest), before + amount);

	// ... and that block is finalized too.
	node.wait_for("the transfer's block to be finalized", Duration::from_secs(60), |n| {
		(n.block_number(true) >= block).then_some(())
	});

	// The node answers the health check the README shows, then stops cleanly on Ctrl-C.
	let health = node.rpc("system_health", json!([]));
	assert_eq!(health["isSyncing"], json!(false), "{health}");
	let status = node.stop();
	assert!(status.success(), "licentia-node exited with {status} on SIGINT");
}

#[test]
fn chain_properties_tell_wallets_the_token() {
	let node = Node::start("props", &["--dev", "--tmp"]);
	let properties = node.rpc("system_properties", json!([]));
	assert_eq!(properties["tokenSymbol"], json!("LCT"));
	assert_eq!(properties["tokenDecimals"], json!(12));
	assert_eq!(properties["ss58Format"], json!(42));
	let version = node.rpc("state_getRuntimeVersion", json!([]));
	assert_eq!(version["specName"], json!("licentia"));
	// Prometheus serves metrics on its own port.
	let metrics = std::net::TcpStream::connect(("127.0.0.1", node.prometheus_port));
	assert!(metrics.is_ok(), "Prometheus listens on {}", node.prometheus_port);
}

#[test]
fn a_node_that_cannot_start_reports_why() {
	let dir = TempDir::new("bad-spec");
	let (status, _, stderr) =
		run_node_command(&["--chain", "/nonexistent/spec.json", "--tmp"], &dir.0);
	assert!(!status.success());
	assert!(stderr.contains("spec.json") || stderr.contains("No such file"), "{stderr}");
}
