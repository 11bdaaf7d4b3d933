//! A runtime upgrade enacted by the council on a running network of four validators, as
//! docs/operators.md ("Upgrading the runtime") has operators do it:
//!
//! 1. The network starts on the last release's runtime (`runtime/releases/`, spec 109), and a
//!    license is bought and revoked under it.
//! 2. This build's runtime (spec 111) is checked against a snapshot of the network's state as
//!    `try-runtime` checks it: its migrations with their pre- and post-upgrade checks and every
//!    pallet's `try_state` (`on-runtime-upgrade`), and a recent block executed on it
//!    (`execute-block`). A corrupted license makes the same check fail.
//! 3. The bridge, built for spec 111, refuses the spec-109 chain.
//! 4. A council motion authorizes the code through the whitelist; Ferdie submits it. Every node
//!    switches to spec 111 and goes on finalizing; nothing finalized before is lost; the
//!    migration rewrote the revoked license; the bridge now runs; a license revoked for cause
//!    under the new runtime forfeits its deposit.
//!
//! The figures it prints are recorded in docs/reliability.md.

use codec::{Decode, Encode};
use licentia_harness::{
	accepted_link, decode_hex, layout,
	localnet::{finalized_everywhere, x_posts, Localnet, X_PLATFORM},
	node_binary, training_terms,
};
use licentia_primitives::{
	consent::{Decision, Identity, Purpose},
	content::{batch_root, PostRecord},
	licensing::Price,
};
use licentia_runtime::{opaque, Balance, BlockNumber, Runtime, RuntimeCall, UNIT, VERSION};
use pallet_licensing::{migrations::v4::OldLicense, LicenseOf, LicenseRevocation};
use sc_executor::WasmExecutor;
use sp_core::{
	storage::{well_known_keys, Storage},
	traits::{CallContext, ReadRuntimeVersionExt},
	H256,
};
use sp_externalities::Extensions;
use sp_keyring::Sr25519Keyring::{Alice, Dave, Eve, Ferdie};
use sp_runtime::{
	generic::{Digest, DigestItem},
	traits::{BlakeTwo256, Block as _, Hash as _, Header as _},
	StateVersion, Weight,
};
use sp_state_machine::{
	backend::{BackendRuntimeCode, TryPendingCode},
	OverlayedChanges, StateMachine, TestExternalities,
};
use std::{
	collections::BTreeMap,
	path::Path,
	process::Command,
	time::{Duration, Instant},
};

/// The last release's runtime, which the network starts on.
const RELEASE: &str = "runtime/releases/licentia-runtime-109.compact.compressed.wasm";

/// What `TryRuntime_on_runtime_upgrade` checks (frame-support's `UpgradeCheckSelect`, which
/// only builds with `try-runtime`: the same encoding).
#[derive(Encode)]
#[allow(dead_code)]
enum UpgradeCheckSelect {
	None,
	/// Pre- and post-upgrade checks, and `try_state`.
	All,
}

/// Which pallets' `try_state` `TryRuntime_execute_block` runs (frame-support's `TryStateSelect`).
#[derive(Encode)]
#[allow(dead_code)]
enum TryStateSelect {
	None,
	All,
}

type Account = licentia_runtime::AccountId;
type V3License = OldLicense<Account, Balance, BlockNumber>;

#[test]
fn the_council_upgrades_a_running_network_and_every_node_follows() {
	let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the repository");
	let net = Localnet::new("upgrade").on_runtime(root.join(RELEASE));
	net.script("start");
	let all = [0, 1, 2, 3];
	assert_eq!(net.runtime_version(0), (109, 6), "the network runs the last release");

	// -- 1. Two licenses bought under spec 109; governance revokes the second. -------------
	buy_two_licenses(&net);
	// Spec 109's `revoke_license(license)`, by Sudo: the same bytes as spec 110's with
	// `cause: None`, but for that last `None` byte.
	let revoke = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(RuntimeCall::Licensing(pallet_licensing::Call::revoke_license {
			license: 1,
			cause: None,
		})),
	})
	.encode();
	let (old_revoke, none) = revoke.split_at(revoke.len() - 1);
	assert_eq!(none, [0]);
	let alice = Alice.to_account_id();
	let before = net.nonce(0, &alice);
	net.submit_encoded(0, Alice, old_revoke);
	net.wait("the revocation's block", Duration::from_secs(60), || net.nonce(0, &alice) > before);
	let revoked_by = net.heights(0).expect("Alice's node").0;
	let license_1 = pallet_licensing::Licenses::<Runtime>::hashed_key_for(1u64);
	let old: V3License = net.value(0, &license_1).expect("license 1, in version 3's layout");
	let revoked_at = old.revoked.expect("revoked under spec 109");
	let batch_key = pallet_content::Batches::<Runtime>::hashed_key_for(0u64);
	let batch_before: pallet_content::BatchOf<Runtime> =
		net.value(0, &batch_key).expect("batch 0, activated under spec 109");

	// -- 2. try-runtime against a snapshot of the network's finalized state. ---------------
	// A block after the revocation's: spec 110 cannot decode spec 109's `revoke_license`, so
	// it could not execute the revocation's own block (nor would it ever need to).
	net.wait("the revocation to be finalized", Duration::from_secs(60), || {
		net.heights(0).is_some_and(|(_, finalized)| finalized > revoked_by)
	});
	let head = net.finalized_head(0);
	let snapshot = snapshot_of(&net, 0, &head);
	eprintln!("snapshot of finalized {head}: {} keys", snapshot.top.len());
	let head_state: Option<V3License> = net.value_at(0, &license_1, &head);
	assert!(head_state.is_some_and(|l| l.revoked.is_some()), "the snapshot holds the revocation");
	Logger::install();
	let try_wasm = licentia_runtime::try_runtime_wasm::WASM_BINARY
		.expect("the try-runtime wasm is built with the runtime (unset SKIP_WASM_BUILD)");

	let (used, limit): (Weight, Weight) = decode(
		&try_runtime(&snapshot, try_wasm, "TryRuntime_on_runtime_upgrade", UpgradeCheckSelect::All)
			.unwrap_or_else(|e| panic!("try-runtime on-runtime-upgrade: {e}")),
	);
	assert!(used.all_lte(limit), "the migrations fit a block: {used} of {limit}");
	eprintln!("try-runtime on-runtime-upgrade: pass, {used} of a block's {limit}");

	// The same check on a state whose revoked license no longer decodes fails.
	eprintln!("try-runtime on-runtime-upgrade of a state with a corrupted license (must fail):");
	let mut corrupt = snapshot.clone();
	corrupt.top.insert(license_1.clone(), old.encode()[..40].to_vec());
	let refused =
		try_runtime(&corrupt, try_wasm, "TryRuntime_on_runtime_upgrade", UpgradeCheckSelect::All);
	assert!(refused.is_err(), "a corrupted license fails the upgrade's checks");

	// execute-block: the finalized head, executed by spec 110 on its parent's state (after the
	// migrations, as the first block of the new runtime would run them), without its seal.
	let block: serde_json::Value =
		net.rpc(0, "chain_getBlock", serde_json::json!([head])).expect("the block");
	let (block, parent) = unsealed(&block["block"]);
	let parent_state = snapshot_of(&net, 0, &parent);
	let executed: Weight = decode(
		&try_runtime(
			&parent_state,
			try_wasm,
			"TryRuntime_execute_block",
			(block, false, false, TryStateSelect::All),
		)
		.unwrap_or_else(|e| panic!("try-runtime execute-block: {e}")),
	);
	eprintln!("try-runtime execute-block of {head}: pass, {executed}");

	// -- 3. The bridge, built for spec 111, refuses spec 109. ------------------------------
	let (ok, output) = bridge_link_nostr(&net);
	assert!(!ok && output.contains("rebuild the bridge"), "{output}");

	// -- 4. The upgrade: authorized by a council motion, submitted by anyone. --------------
	let code = licentia_runtime::WASM_BINARY.expect("the runtime's wasm").to_vec();
	let code_hash = BlakeTwo256::hash(&code);
	let authorize = RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash });
	net.motion(
		0,
		RuntimeCall::Utility(pallet_utility::Call::batch_all {
			calls: vec![
				RuntimeCall::Whitelist(pallet_whitelist::Call::whitelist_call {
					call_hash: BlakeTwo256::hash_of(&authorize),
				}),
				RuntimeCall::Whitelist(
					pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
						call: Box::new(authorize),
					},
				),
			],
		}),
	);
	let authorized = frame_support::storage::storage_prefix(b"System", b"AuthorizedUpgrade");
	// `CodeUpgradeAuthorization`: the code's hash, and whether to check its version.
	let authorization: Option<(H256, bool)> = net.value(0, &authorized);
	assert_eq!(authorization, Some((code_hash, true)), "the motion authorized it");

	let finalized_before = finalized_everywhere(&net, &all);
	let hash_before = net.hash_at(0, finalized_before).expect("a finalized block");
	let started = Instant::now();
	net.submit_included(
		0,
		Ferdie,
		RuntimeCall::System(frame_system::Call::apply_authorized_upgrade { code }),
	);
	let included = started.elapsed();
	let mut switched = Vec::new();
	let this_build = (VERSION.spec_version, VERSION.transaction_version);
	for node in all {
		net.wait("the node to run this build's runtime", Duration::from_secs(120), || {
			net.runtime_version(node) == this_build
		});
		switched.push(started.elapsed().as_secs_f64());
	}
	let upgraded = finalized_everywhere(&net, &all);
	let going_on = net.wait("finality on the new runtime", Duration::from_secs(120), || {
		finalized_everywhere(&net, &all) >= upgraded + 5
	});
	for node in all {
		assert_eq!(net.hash_at(node, finalized_before).as_ref(), Some(&hash_before));
	}
	eprintln!(
		"upgrade: included {:.1} s after submission, every node on spec {} by {:.1} s, five more \
		 blocks finalized by all four {:.1} s later",
		included.as_secs_f64(),
		this_build.0,
		switched.iter().cloned().fold(0.0, f64::max),
		going_on.as_secs_f64()
	);

	// The migration ran once, in the new runtime's first block: storage version 4, license 1
	// revoked at the same block with no cause, license 0 untouched.
	let version = frame_support::storage::storage_prefix(b"Licensing", b":__STORAGE_VERSION__:");
	assert_eq!(net.value::<u16>(0, &version), Some(4));
	let migrated: LicenseOf<Runtime> = net.value(0, &license_1).expect("license 1");
	assert_eq!(migrated.revoked, Some(LicenseRevocation { at: revoked_at, cause: None }));
	assert_eq!(migrated.deposit, old.deposit);
	// The content pallet's (spec 111): the batch's root is bound to its size; and (spec 112)
	// the windows have a tail, the default week with a day to answer in it.
	let version = frame_support::storage::storage_prefix(b"Content", b":__STORAGE_VERSION__:");
	assert_eq!(net.value::<u16>(0, &version), Some(4));
	let windows: pallet_content::ChallengeWindows<BlockNumber> =
		net.value(0, &pallet_content::Windows::<Runtime>::hashed_key()).expect("stored");
	assert_eq!(
		windows,
		pallet_content::ChallengeWindows {
			challenge: 10,
			answer: 5,
			tail: 100_800,
			tail_answer: 14_400
		},
		"the local preset's windows, with the default tail"
	);
	let batch_after: pallet_content::BatchOf<Runtime> = net.value(0, &batch_key).expect("kept");
	assert_eq!(
		batch_after.root,
		licentia_primitives::content::sized_root(batch_before.root, batch_before.posts)
	);

	// -- The bridge runs on spec 112; a revocation for cause forfeits the deposit. ----------
	let (ok, output) = bridge_link_nostr(&net);
	assert!(ok, "the bridge runs on the upgraded chain: {output}");
	let evidence = H256::repeat_byte(0xe7);
	net.submit_included(
		0,
		Alice,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo {
			call: Box::new(RuntimeCall::Licensing(pallet_licensing::Call::revoke_license {
				license: 0,
				cause: Some(evidence),
			})),
		}),
	);
	let license_0 = pallet_licensing::Licenses::<Runtime>::hashed_key_for(0u64);
	let revoked: LicenseOf<Runtime> = net.value(0, &license_0).expect("license 0");
	assert_eq!(revoked.revoked.and_then(|r| r.cause), Some(evidence));
	assert_eq!(revoked.deposit, 0, "the deposit went to the treasury");
}

/// Dave's platform (X) registers a batch of Eve's posts, which counts once its challenge
/// window ends; Alice buys its offer twice: licenses 0 and 1.
fn buy_two_licenses(net: &Localnet) {
	let posts = x_posts(8, 1_900_000_000_000_000_000);
	net.submit(0, Dave, accepted_link(X_PLATFORM, Identity::X(8), &Eve.pair(), 0, net.genesis(0)));
	net.submit(
		0,
		Eve,
		RuntimeCall::Consent(pallet_consent::Call::set_consent {
			scope: pallet_consent::Scope::Account,
			decisions: vec![(Purpose::AiTraining, Decision::Allow)].try_into().expect("one"),
		}),
	);
	let consent = pallet_consent::AccountConsent::<Runtime>::hashed_key_for(Eve.to_account_id());
	net.wait("Eve's consent", Duration::from_secs(60), || net.exists(0, &consent, None));
	let contributors = || layout(&posts).try_into().expect("one");
	// Spec 109's `register_batch` (content is pallet 11, the call 0): without the anonymous root
	// that spec 116 added.
	let root = batch_root(posts.iter().map(PostRecord::leaf_hash));
	net.submit_encoded(0, Dave, &(11u8, 0u8, X_PLATFORM, root, layout(&posts)).encode());
	let terms = training_terms(10_000);
	net.submit(0, Dave, RuntimeCall::Licensing(pallet_licensing::Call::register_terms { terms }));
	let offer = pallet_licensing::Call::create_offer {
		platform: X_PLATFORM,
		terms: 0,
		price: Price::PerRecord(UNIT),
	};
	net.submit(0, Dave, RuntimeCall::Licensing(offer));
	let pending = pallet_content::PendingBatches::<Runtime>::hashed_key_for(0u64);
	net.wait("the batch", Duration::from_secs(60), || net.exists(0, &pending, None));
	let registered_at = net.heights(0).map_or(0, |(best, _)| best);
	// The local preset's challenge window is 10 blocks.
	net.wait("the batch's challenge window", Duration::from_secs(120), || {
		net.heights(0).is_some_and(|(best, _)| best > registered_at + 10)
	});
	let activate = pallet_content::Call::activate_batch { batch: 0, contributors: contributors() };
	net.submit_included(0, Ferdie, RuntimeCall::Content(activate));
	for _ in 0..2 {
		let purchase = pallet_licensing::Call::purchase { offer: 0, max_price: u128::MAX };
		net.submit_included(0, Alice, RuntimeCall::Licensing(purchase));
	}
	let license_1 = pallet_licensing::Licenses::<Runtime>::hashed_key_for(1u64);
	assert!(net.exists(0, &license_1, None), "Alice bought licenses 0 and 1");
}

/// `licentia-bridge link-nostr` for a new Nostr key, signed by Ferdie, against Alice's node:
/// whether it succeeded, and what it printed.
fn bridge_link_nostr(net: &Localnet) -> (bool, String) {
	let bridge = node_binary().with_file_name("licentia-bridge");
	let secret = format!("{:064x}", 0x5eed_u64 + net.runtime_version(0).0 as u64);
	let output = Command::new(bridge)
		.args(["--url", &format!("ws://127.0.0.1:{}", net.port(0))])
		.args(["link-nostr", "--nostr-secret", &secret, "--signer", "//Ferdie"])
		.output()
		.expect("the bridge runs");
	let text = format!(
		"{}{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
	(output.status.success(), text)
}

/// Prints the runtime's warnings and errors (and `try-runtime`'s account of its checks) to
/// the test's output, as the `try-runtime` tool does.
struct Logger;

impl Logger {
	fn install() {
		let _ = log::set_logger(&Logger);
		log::set_max_level(log::LevelFilter::Info);
	}
}

impl log::Log for Logger {
	fn enabled(&self, metadata: &log::Metadata) -> bool {
		metadata.level() <= log::Level::Warn
			|| metadata.target().contains("try-runtime")
			|| metadata.target() == "runtime::executive"
	}

	fn log(&self, record: &log::Record) {
		if self.enabled(record.metadata()) {
			eprintln!("{} {}: {}", record.level(), record.target(), record.args());
		}
	}

	fn flush(&self) {}
}

#[track_caller]
fn decode<T: Decode>(bytes: &[u8]) -> T {
	T::decode(&mut &bytes[..]).expect("the runtime's answer decodes")
}

/// Every key and value of `node`'s state at block `at` (top trie; the runtime has no child
/// tries), read page by page over RPC: the snapshot `try-runtime` would take.
fn snapshot_of(net: &Localnet, node: usize, at: &str) -> Storage {
	let mut top = BTreeMap::new();
	let mut start: Option<String> = None;
	loop {
		let params = serde_json::json!(["0x", 1000, start, at]);
		let page = net.rpc(node, "state_getKeysPaged", params).expect("a page of keys");
		let keys: Vec<String> = serde_json::from_value(page).expect("hex keys");
		let values = net
			.rpc(node, "state_queryStorageAt", serde_json::json!([keys, at]))
			.expect("their values");
		for [key, value] in
			serde_json::from_value::<Vec<[Option<String>; 2]>>(values[0]["changes"].clone())
				.expect("key-value pairs")
		{
			let hex = |h: String| hex::decode(h.trim_start_matches("0x")).expect("hex");
			if let (Some(key), Some(value)) = (key, value) {
				top.insert(hex(key), hex(value));
			}
		}
		if keys.len() < 1000 {
			break;
		}
		start = keys.last().cloned();
	}
	Storage { top, children_default: Default::default() }
}

/// Runs runtime API `method` of the runtime `wasm` on `state`, as `try-runtime` does: the
/// state's `:code` replaced by `wasm`, executed off chain by the same wasm executor the node
/// uses. A panic in the runtime (a failed check) is an error.
fn try_runtime(
	state: &Storage,
	wasm: &[u8],
	method: &str,
	args: impl Encode,
) -> Result<Vec<u8>, String> {
	let mut state =
		TestExternalities::<BlakeTwo256>::new_with_state_version(state.clone(), StateVersion::V1);
	state.insert(well_known_keys::CODE.to_vec(), wasm.to_vec());
	let executor = WasmExecutor::<sp_io::SubstrateHostFunctions>::builder().build();
	let mut extensions = Extensions::default();
	extensions.register(ReadRuntimeVersionExt::new(executor.clone()));
	let code = BackendRuntimeCode::new(&state.backend, TryPendingCode::No);
	let runtime_code = code.runtime_code()?;
	let mut changes = OverlayedChanges::default();
	let result = StateMachine::new(
		&state.backend,
		&mut changes,
		&executor,
		method,
		&args.encode(),
		&mut extensions,
		&runtime_code,
		CallContext::Offchain,
	)
	.execute()
	.map_err(|e| format!("{method}: {e}"));
	result
}

/// The block in `chain_getBlock`'s JSON without its seal (the author's signature, the last
/// digest item, which block execution does not produce), and its parent's hash.
fn unsealed(block: &serde_json::Value) -> (opaque::Block, String) {
	let header = &block["header"];
	let hex = |v: &serde_json::Value| v.as_str().expect("hex").to_string();
	let mut logs: Vec<DigestItem> = header["digest"]["logs"]
		.as_array()
		.expect("digest logs")
		.iter()
		.map(|log| decode_hex(&hex(log)))
		.collect();
	assert!(matches!(logs.pop(), Some(DigestItem::Seal(..))), "a sealed block");
	let number = u32::from_str_radix(hex(&header["number"]).trim_start_matches("0x"), 16)
		.expect("a block number");
	let parent = hex(&header["parentHash"]);
	let header = opaque::Header::new(
		number,
		decode_hex(&hex(&header["extrinsicsRoot"])),
		decode_hex(&hex(&header["stateRoot"])),
		decode_hex(&parent),
		Digest { logs },
	);
	let extrinsics = block["extrinsics"]
		.as_array()
		.expect("extrinsics")
		.iter()
		.map(|xt| decode_hex(&hex(xt)))
		.collect();
	(opaque::Block::new(header, extrinsics), parent)
}
