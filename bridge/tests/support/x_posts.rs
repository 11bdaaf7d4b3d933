//! The data-gateway tests' common ground: a dev node on which two X authors (Eve and Ferdie)
//! opted in and Dave's bridge registered their 4 posts (bridge/testdata/x.json) into `x.db`;
//! offers of those posts on terms the tests vary, and licenses Alice buys.

use super::{all, testdata, Env, X};
use licentia_harness::{accepted_link, relayed_opt_in, Node, TempDir};
use licentia_primitives::consent::Identity;
use licentia_runtime::Hash;
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{Dave, Eve, Ferdie};

/// Eve's X identity: unlinking it withdraws her posts.
pub const EVE_X: Identity = Identity::X(2_244_994_945);

/// A dev node named `name` with the two authors' posts registered in the store `x.db` of its
/// scratch directory; and the chain's genesis hash.
pub fn registered_x_posts(name: &str) -> (Env, Hash) {
	let mut node = Node::start(name, &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	node.submit_all(vec![
		(Dave, accepted_link(X, EVE_X, &Eve.pair(), 0, genesis)),
		(Dave, relayed_opt_in(&Eve.pair(), genesis)),
		(Dave, accepted_link(X, Identity::X(783_214), &Ferdie.pair(), 0, genesis)),
		(Dave, relayed_opt_in(&Ferdie.pair(), genesis)),
	]);
	let env = Env { node, dir: TempDir::new(name) };
	let store = env.path("x.db");
	let args = ["ingest", "--platform", "3", "--signer", "//Dave", "--store", &store];
	let ingested = all(vec![env.bridge(&[&args[..], &[&testdata("x.json")]].concat())]);
	assert_eq!(ingested[0]["registered"], json!(4), "{}", ingested[0]);
	(env, genesis)
}

/// Dave's offer of the X posts for AI training at 1 LCT a record, transferable: anonymised
/// (else attributed) and capped at `cap` records (or not, `null`); its terms written to `file`.
pub fn x_offer(env: &Env, file: &str, anonymised: bool, cap: Value) -> Value {
	let terms = env.path(file);
	let json = json!({ "purposes": ["aiTraining"], "duration": 1000, "recordCap": cap,
		"anonymisation": anonymised, "attribution": !anonymised, "transferable": true,
		"redistribution": false, "commercialUse": true, "modelWeightsRelease": false,
		"legalHash": format!("0x{}", "1e".repeat(32)), "legalUri": null });
	std::fs::write(&terms, json.to_string()).expect("a temp file");
	let args = ["offer", "--platform", "3", "--terms", &terms, "--per-record", "1000000000000"];
	all(vec![env.bridge(&[&args[..], &["--signer", "//Dave"]].concat())]).remove(0)["offer"].clone()
}

/// A license of `offer`, bought by Alice (`buy.mjs`): its id.
pub fn buy(env: &Env, offer: &Value) -> String {
	let bought =
		all(vec![env.buyer("buy.mjs", &["--offer", &offer.to_string(), "--suri", "//Alice"])]);
	bought[0]["license"].to_string()
}
