//! The bridge's batches on a dev node, past the happy path: an ingest resumed after it stopped
//! with batches pending finds what reached the chain and fills the nonce gap it left; a leaf a
//! watcher requests is answered from the store, the batch activated, and its bond released after
//! the tail.

mod support;

use licentia_harness::{accepted_link, relayed_opt_in, to_hex, Node, TempDir};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{Alice, Dave, Eve, Ferdie};
use support::{address, all, Env, X};

/// A run stopped with two batches pending: the first never reached the node, the second waits in
/// the pool's future queue for the first one's nonce. The resumed run fills that nonce with a
/// remark, so the second batch is included and found on chain; the first one's post is
/// registered again. Every post ends up registered once. (The pending batches are written into
/// the store as a bridge that stopped after submitting them leaves it.)
#[test]
fn a_resumed_ingest_fills_a_nonce_gap_and_finds_the_batch_queued_behind_it() {
	use codec::Encode;
	use licentia_primitives::{
		anonymous::text_seal,
		consent::Identity,
		content::{batch_root, PostId, PostRecord},
		Hash as H256,
	};
	use licentia_runtime::{
		signing::{signed_extrinsic, ChainContext},
		RuntimeCall,
	};

	let mut node = Node::start("gap", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let author = Identity::X(2_244_994_945);
	let link = accepted_link(X, author.clone(), &Eve.pair(), 0, genesis);
	node.submit_all(vec![(Dave, link), (Dave, relayed_opt_in(&Eve.pair(), genesis))]);

	// Posts 1 and 2 of Eve's, as the bridge reads them from the export below, sealed (leaf format
	// 3) with a blind of the store's key as the bridge makes it (`post::blind`), over an
	// anonymous leaf of their own.
	let key = [7u8; 32];
	let anonymous_leaf = |id: u64| H256::from(sp_crypto_hashing::blake2_256(&id.to_le_bytes()));
	let record = |id: u64| {
		let mut record = PostRecord {
			platform: X,
			post: PostId::X { id },
			content_hash: sp_crypto_hashing::blake2_256(format!("post {id}").as_bytes()).into(),
			author: author.clone(),
			salt: Default::default(),
			text_seal: Default::default(),
		};
		let identifying = (&record.platform, &record.post, &record.content_hash, &record.author);
		let blind = sp_crypto_hashing::blake2_256(&(b"licentia-blind", key, identifying).encode());
		record.text_seal = text_seal(&H256::from(blind), &anonymous_leaf(id));
		record
	};
	let root = |id: u64| batch_root([record(id).leaf_hash()]);
	let nonce = node
		.rpc("system_accountNextIndex", json!([address(Dave)]))
		.as_u64()
		.expect("a nonce");
	let batches_before = node.rpc("licentia_batchCount", json!([]));
	// The second batch (post 1), signed with the nonce after the first's (post 2): it waits for
	// the gap. (In this order post 2 is registered after post 1, above its author's mark.)
	let queued = RuntimeCall::Content(pallet_content::Call::register_batch {
		platform: X,
		root: root(1),
		anonymous_root: batch_root([anonymous_leaf(1)]),
		contributors: vec![pallet_content::Contribution {
			author: author.clone(),
			posts: 1,
			first_key: 1,
			last_key: 1,
		}]
		.try_into()
		.expect("one"),
	});
	let xt =
		signed_extrinsic(queued, &Dave.pair(), nonce as u32 + 1, ChainContext::immortal(genesis));
	node.rpc("author_submitExtrinsic", json!([to_hex(&xt.encode())]));

	let env = Env { node, dir: TempDir::new("gap-files") };
	let store = env.path("x.db");
	let listed = all(vec![env.bridge(&["posts", "--store", &store])]).remove(0);
	assert_eq!(listed, json!([]), "a new store");
	let batches_before = batches_before.as_u64().expect("a count");
	let db = rusqlite::Connection::open(&store).expect("the store");
	db.execute("INSERT OR REPLACE INTO secrets (name, value) VALUES ('salt', ?1)", [key.to_vec()])
		.expect("the store's key");
	for (id, nonce) in [(2, nonce), (1, nonce + 1)] {
		db.execute(
			"INSERT INTO batches (root, platform, state, batches_before, nonce)
			 VALUES (?1, ?2, 'pending', ?3, ?4)",
			rusqlite::params![root(id).as_bytes(), X, batches_before, nonce],
		)
		.expect("a pending batch");
		let post = serde_json::to_string(&record(id).post).expect("JSON");
		db.execute(
			"INSERT INTO posts (platform, post, source, author, batch, leaf, record, anonymous)
			 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
			rusqlite::params![
				X,
				post,
				id.to_string(),
				serde_json::to_string(&author).expect("JSON"),
				db.last_insert_rowid(),
				record(id).encode(),
				anonymous_leaf(id).as_bytes(),
			],
		)
		.expect("its post");
	}
	drop(db);
	let export = env.path("x.json");
	let posts: Vec<Value> = [1, 2]
		.map(|id| json!({ "id_str": id.to_string(), "author_id": "2244994945", "text": format!("post {id}") }))
		.into();
	std::fs::write(&export, json!({ "data": posts }).to_string()).expect("a temp file");

	let args = ["ingest", "--platform", "3", "--signer", "//Dave", "--store", &store, &export];
	let summary = all(vec![env.bridge(&args)]).remove(0);
	assert_eq!(
		(&summary["registered"], &summary["storePosts"]),
		(&json!(2), &json!(2)),
		"{summary}"
	);
	assert_eq!(
		summary["batches"].as_array().map(Vec::len),
		Some(2),
		"the queued one and a new one"
	);
	let contributions = env.node.rpc("licentia_contributions", json!([address(Eve)]));
	assert_eq!(contributions, json!([[X, 2]]), "each post counted once");
	let finalized_nonce = env.node.rpc("system_accountNextIndex", json!([address(Dave)]));
	assert_eq!(
		finalized_nonce,
		json!(nonce + 7),
		"the remark, the queued batch, the new one, each one's sampled leaf (both batches hold \
		 one post, which every sample draws) and the two batches' activations"
	);
}

#[test]
fn the_bridge_answers_a_leaf_request_and_activates_its_batch() {
	use licentia_primitives::consent::Identity;
	use licentia_runtime::RuntimeCall;

	let mut node = Node::start("answer", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let link = accepted_link(X, Identity::X(2_244_994_945), &Eve.pair(), 0, genesis);
	// Windows long enough for a request to be made and answered across processes: 8 blocks to
	// challenge, 4 to answer, a tail of 6 with 8 to answer in it (governance's call; Alice
	// holds the dev chain's Sudo key).
	let windows =
		pallet_content::ChallengeWindows { challenge: 8, answer: 4, tail: 6, tail_answer: 8 };
	let set_windows = RuntimeCall::Content(pallet_content::Call::set_windows { windows });
	node.submit_all(vec![
		(Dave, link),
		(Dave, relayed_opt_in(&Eve.pair(), genesis)),
		(Alice, RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set_windows) })),
	]);

	let mut env = Env { node, dir: TempDir::new("answer-files") };
	let export = env.path("x.json");
	let posts: Vec<Value> = [11u64, 12, 13]
		.map(|id| json!({ "id_str": id.to_string(), "author_id": "2244994945", "text": format!("post {id}") }))
		.into();
	std::fs::write(&export, json!({ "data": posts }).to_string()).expect("a temp file");
	let store = env.path("x.db");
	let args = [
		"ingest",
		"--platform",
		"3",
		"--signer",
		"//Dave",
		"--store",
		&store,
		"--no-activate",
		&export,
	];
	let summary = env.bridge(&args).finish();
	assert_eq!(
		(&summary["registered"], &summary["activated"]),
		(&json!(3), &json!([])),
		"{summary}"
	);
	let batch = summary["batches"][0].as_u64().expect("a batch");

	// Ferdie, a watcher, asks for leaf 1; Dave's bridge opens it from its store with the
	// leaves the chain sampled (16 draws from 3 leaves), then activates the batch once the
	// window ends.
	let ferdie_before = env.node.free_balance(&Ferdie.to_account_id());
	let request = pallet_content::Call::request_leaf { batch, index: 1 };
	env.node.submit_all(vec![(Ferdie, RuntimeCall::Content(request))]);
	let view = env.node.rpc("licentia_batch", json!([batch]));
	let listed: Vec<u64> = view["requests"]
		.as_array()
		.expect("requests")
		.iter()
		.filter_map(|r| r["index"].as_u64())
		.collect();
	assert!(listed.contains(&1), "the request is listed: {view}");
	let dave_before = env.node.free_balance(&Dave.to_account_id());
	let summary = env
		.bridge(&["activate", "--signer", "//Dave", "--store", &store, "--wait"])
		.finish();
	let answered = summary["answered"].as_array().expect("answered");
	assert!(answered.contains(&json!([batch, 1])), "{summary}");
	assert!(answered.len() >= listed.len(), "the samples are opened too: {summary}");
	assert_eq!(summary["activated"], json!([batch]), "{summary}");
	let view = env.node.rpc("licentia_batch", json!([batch]));
	assert_eq!((&view["pendingUntil"], &view["requests"]), (&Value::Null, &json!([])), "{view}");
	let contributions = env.node.rpc("licentia_contributions", json!([address(Eve)]));
	assert_eq!(contributions, json!([[X, 3]]));
	// The bond is back (less the answer's and the activation's fees), and Ferdie's deposit
	// paid for the answer.
	let dave_after = env.node.free_balance(&Dave.to_account_id());
	let bond = licentia_runtime::UNIT + 3 * licentia_runtime::MILLI_UNIT;
	assert!(dave_after > dave_before + bond / 2, "{dave_before} -> {dave_after}");
	let ferdie_after = env.node.free_balance(&Ferdie.to_account_id());
	let deposit = 100 * licentia_runtime::MILLI_UNIT;
	assert!(ferdie_after < ferdie_before - deposit, "{ferdie_before} -> {ferdie_after}");

	// In the batch's tail Ferdie asks for leaf 2: the bridge opens it, and once the tail has
	// ended releases the half of the bond held through it.
	let request = pallet_content::Call::request_leaf { batch, index: 2 };
	env.node.submit_all(vec![(Ferdie, RuntimeCall::Content(request))]);
	let summary = env.bridge(&["activate", "--signer", "//Dave", "--store", &store]).finish();
	assert_eq!(summary["answered"], json!([[batch, 2]]), "{summary}");
	let ends_at = summary["inTail"][0][1].as_u64().expect("in its tail") as u32;
	env.node.wait_for("the tail to end", std::time::Duration::from_secs(120), |n| {
		(n.block_number(true) + 1 >= ends_at).then_some(())
	});
	let summary = env.bridge(&["activate", "--signer", "//Dave", "--store", &store]).finish();
	assert_eq!(summary["released"], json!([batch]), "{summary}");
	let tail = pallet_content::Tails::<licentia_runtime::Runtime>::hashed_key_for(batch);
	assert_eq!(
		env.node
			.storage::<pallet_content::TailOf<licentia_runtime::Runtime>>(&tail, None),
		None
	);
	// Settled: the next run has nothing to do.
	let summary = env.bridge(&["activate", "--signer", "//Dave", "--store", &store]).finish();
	assert_eq!((&summary["released"], &summary["inTail"]), (&json!([]), &json!([])), "{summary}");
}
