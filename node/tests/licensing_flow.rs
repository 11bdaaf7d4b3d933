//! Consent, content and licensing on the real `licentia-node --dev`, over JSON-RPC: operators
//! link identities, consent is set directly and relayed, every platform kind registers a batch
//! (Nostr by its author), a withdrawal shows in the runtime API; then an offer is published and
//! bought from another account, the license is read back, access checks answer, the contributor
//! and the platform claim, the balances add up to the price, and a revocation reaches the feed.

use codec::Encode;
use licentia_harness::*;
use licentia_primitives::{
	consent::{Decision, Identity, PlatformId, Purpose, PurposeSet, Restriction, RestrictionSet},
	content::{batch_proof, batch_root, BatchId, PostId, PostRecord, PostStatus},
	licensing::{
		AccessDecision, AccessQuery, Denial, Exclusions, FeedChange, FeedPage, Price, Quote,
		QuoteError, QuoteResult, Terms,
	},
	nostr,
	runtime_api::{AccountConsent, Earnings, LicenseView, PeriodPaid},
	time::DAYS,
};
use licentia_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall, RuntimeEvent, UNIT};
use pallet_consent::{RelayedStatement, Restrictions, Scope, RELAY_CONTEXT};
use pallet_content::NostrEvent;
use serde_json::json;
use sp_core::{Pair, H256};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie};
use sp_runtime::MultiSignature;
use std::time::Duration;

const BLUESKY: PlatformId = 0;
const MASTODON: PlatformId = 1;
const X: PlatformId = 3;

fn consent(call: pallet_consent::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Consent(call)
}
fn content(call: pallet_content::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Content(call)
}
fn licensing(call: pallet_licensing::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Licensing(call)
}

fn handle(s: &str) -> licentia_primitives::consent::Handle {
	s.as_bytes().to_vec().try_into().expect("short")
}

fn allow(purposes: &[Purpose]) -> pallet_consent::Decisions {
	purposes
		.iter()
		.map(|p| (*p, Decision::Allow))
		.collect::<Vec<_>>()
		.try_into()
		.expect("few")
}

/// `n` posts of `author` on `platform`, as its bridge would hash them.
fn posts(platform: PlatformId, author: &Identity, n: u64) -> Vec<PostRecord> {
	(0..n)
		.map(|i| PostRecord {
			platform,
			post: match author {
				Identity::Bluesky(did) => PostId::Bluesky {
					uri: format!(
						"at://{}/app.bsky.feed.post/{}",
						String::from_utf8_lossy(did),
						tid((1_700_000_000_000_000 << 10) + i)
					)
					.into_bytes()
					.try_into()
					.expect("short"),
					cid: format!("bafyreib{i:052}").into_bytes().try_into().expect("short"),
				},
				Identity::Mastodon(_) => PostId::Mastodon {
					uri: format!("https://mastodon.social/users/ferdie/statuses/{i}")
						.into_bytes()
						.try_into()
						.expect("short"),
				},
				_ => PostId::X { id: 1_800_000_000_000_000_000 + i },
			},
			content_hash: H256(sp_io::hashing::blake2_256(&(platform, i).encode())),
			author: author.clone(),
			salt: H256(sp_io::hashing::blake2_256(&(b"salt", platform, i).encode())),
			text_seal: H256::zero(),
		})
		.map(sealed)
		.collect()
}

fn register(platform: PlatformId, author: &Identity, records: &[PostRecord]) -> RuntimeCall {
	let root = batch_root(records.iter().map(|p| p.leaf_hash()));
	let contributors = layout(records);
	assert!(contributors.len() == 1 && contributors[0].author == *author);
	content(pallet_content::Call::register_batch {
		platform,
		root,
		anonymous_root: anonymous_root(records),
		contributors: contributors.try_into().expect("one"),
	})
}

fn access(batch: BatchId, records: &[PostRecord], index: u32, purpose: Purpose) -> AccessQuery {
	let leaves = records.iter().map(|p| p.leaf_hash()).collect();
	AccessQuery {
		license: 0,
		purpose,
		batch,
		post: records[index as usize].clone(),
		index,
		proof: batch_proof(leaves, index),
	}
}

/// Signs `message` with the Nostr secret key and checks it, as a NIP-07 signer would.
fn nostr_sign(secret: &[u8; 32], message: &[u8; 32]) -> [u8; 64] {
	nostr::sign(secret, message, &[0x5a; 32]).expect("a valid key signs")
}

/// Runs `f` against a scratch state that knows only the chain's genesis hash: what off-chain
/// signers need to build the messages the chain checks.
fn with_genesis<R>(genesis: H256, f: impl FnOnce() -> R) -> R {
	sp_io::TestExternalities::default().execute_with(|| {
		frame_system::BlockHash::<Runtime>::insert(0, genesis);
		f()
	})
}

#[test]
fn consent_content_and_licensing_end_to_end() {
	let mut node = Node::start("flow", &["--dev", "--tmp"]);
	node.wait_for("block #1", Duration::from_secs(60), |n| {
		(n.block_number(false) >= 1).then_some(())
	});
	let genesis = node.block_hash(0);
	let id = |k: Sr25519Keyring| k.to_account_id();

	// -- Identities: operators attest links; a Nostr key proves itself. --------------------
	let eve_did = Identity::Bluesky(handle("did:plc:ewvi7nxzyoun6zhxrhs64oiz"));
	let ferdie_acct = Identity::Mastodon(handle("ferdie@mastodon.social"));
	let eve_x = Identity::X(1_234_567_890);
	let nostr_secret = [0x42u8; 32];
	let nostr_key = nostr::public_key(&nostr_secret).expect("a valid secret key");
	// Now: a link proof is used within an hour of when it was signed.
	let created_at = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.expect("after 1970")
		.as_secs();
	let link_event = with_genesis(genesis, || {
		pallet_consent::Pallet::<Runtime>::nostr_link_event_id(&nostr_key, created_at, &id(Alice))
	});
	let terms = Terms {
		purposes: PurposeSet::EMPTY.with(Purpose::AiTraining),
		duration: 1_000,
		record_cap: None,
		anonymisation: true,
		attribution: false,
		transferable: true,
		redistribution: false,
		commercial_use: true,
		model_weights_release: false,
		legal_hash: H256::repeat_byte(0x1e),
		legal_uri: Some(
			b"https://licentia.example/terms/train-v1".to_vec().try_into().expect("short"),
		),
	};
	node.submit_all(vec![
		// Each operator attests, each account accepted (at its current relay nonce).
		(Bob, accepted_link(BLUESKY, eve_did.clone(), &Eve.pair(), 0, genesis)),
		(Charlie, accepted_link(MASTODON, ferdie_acct.clone(), &Ferdie.pair(), 0, genesis)),
		(Dave, accepted_link(X, eve_x.clone(), &Eve.pair(), 0, genesis)),
		(
			Alice,
			consent(pallet_consent::Call::link_nostr {
				public_key: nostr_key,
				created_at,
				signature: nostr_sign(&nostr_secret, &link_event),
			}),
		),
		(Dave, licensing(pallet_licensing::Call::register_terms { terms: terms.clone() })),
	]);

	// -- Consent: Eve opts in herself; Ferdie signs off chain and Charlie relays it. --------
	let statement = RelayedStatement {
		account: id(Ferdie),
		scope: Scope::Account,
		decisions: allow(&[Purpose::AiTraining, Purpose::Research]),
		restrictions: None,
		nonce: 0,
		expires_at: 10_000,
	};
	let signature = Ferdie.pair().sign(&(RELAY_CONTEXT, genesis, &statement).encode());
	node.submit_all(vec![
		(
			Eve,
			consent(pallet_consent::Call::set_consent {
				scope: Scope::Account,
				decisions: allow(&Purpose::ALL),
			}),
		),
		(
			Charlie,
			consent(pallet_consent::Call::relay_consent {
				statement,
				signature: MultiSignature::Sr25519(signature),
			}),
		),
		(
			Alice,
			consent(pallet_consent::Call::set_consent {
				scope: Scope::Account,
				decisions: allow(&[Purpose::AiTraining]),
			}),
		),
		(
			Dave,
			licensing(pallet_licensing::Call::create_offer {
				platform: X,
				terms: 0,
				price: Price::PerRecord(UNIT),
			}),
		),
	]);
	let ferdie: AccountConsent = node.runtime_call("ConsentApi_account_consent", id(Ferdie));
	assert_eq!(ferdie.identities[0].allowed, allow_set(&[Purpose::AiTraining, Purpose::Research]));
	// The offer is open, but no post is registered yet: the quote says why it cannot be bought.
	let quote: QuoteResult<Balance> = node.runtime_call("LicensingApi_quote", 0u32);
	assert_eq!(quote, Err(QuoteError::NothingToLicense(Exclusions::default())));
	let refusal = node.try_rpc("licentia_quote", json!([0])).expect_err("nothing to license");
	let refusal: serde_json::Value = serde_json::from_str(&refusal).expect("a JSON-RPC error");
	assert_eq!(refusal["code"], json!(licentia_rpc::NOT_FOR_SALE));
	assert_eq!(
		refusal["data"],
		json!({ "nothingToLicense": {
			"purposes": 0, "noCommercialUse": 0, "anonymisationRequired": 0, "noModelWeights": 0,
			"noRedistribution": 0, "minPrice": 0
		} })
	);
	assert_eq!(
		refusal["message"],
		json!("the offer cannot be bought now: no post in its pool is licensable under its terms at its price")
	);

	// -- Posts: one batch per platform kind; Nostr events by their author. ------------------
	let bluesky_posts = posts(BLUESKY, &eve_did, 3);
	let mastodon_posts = posts(MASTODON, &ferdie_acct, 2);
	let x_posts = posts(X, &eve_x, 5);
	// Two text notes: the chain computes their NIP-01 ids from these fields.
	let mut nostr_events: Vec<NostrEvent> = (0..2u8)
		.map(|i| {
			let mut event = NostrEvent {
				pubkey: nostr_key,
				created_at: created_at + i as u64,
				tags: Default::default(),
				content: format!("gm {i}").into_bytes().try_into().expect("short"),
				sig: [0; 64],
				salt: H256::repeat_byte(i),
				text_seal: H256(sp_io::hashing::blake2_256(format!("gm {i}").as_bytes())),
			};
			let id = event.id().expect("a note");
			assert_eq!(
				id,
				sp_io::hashing::sha2_256(
					format!(
						"[0,\"{}\",{},1,[],\"gm {i}\"]",
						hex::encode(nostr_key),
						created_at + i as u64
					)
					.as_bytes(),
				),
				"the id of NIP-01's serialisation"
			);
			event.sig = nostr_sign(&nostr_secret, &id);
			event
		})
		.collect();
	nostr_events.sort_by_key(|e| e.id());
	let registered = node.submit_all(vec![
		(Bob, register(BLUESKY, &eve_did, &bluesky_posts)),
		(Charlie, register(MASTODON, &ferdie_acct, &mastodon_posts)),
		(Dave, register(X, &eve_x, &x_posts)),
		(
			Alice,
			content(pallet_content::Call::register_nostr_events {
				events: nostr_events.try_into().expect("two"),
				anonymous_root: H256::repeat_byte(0xa0),
			}),
		),
	]);
	// The platforms' batches count once their challenge windows end (two blocks on --dev):
	// until then their posts are pending, over the runtime API and the RPC alike.
	let (bluesky_pending, matures_at) = find(&registered[0].1, |e| match e {
		RuntimeEvent::Content(pallet_content::Event::BatchRegistered {
			batch, matures_at, ..
		}) => Some((*batch, *matures_at)),
		_ => None,
	});
	let status: PostStatus<BlockNumber> = node.runtime_call(
		"ContentApi_post_status",
		(bluesky_pending, &bluesky_posts[0], 0u32, batch_proof(leaves(&bluesky_posts), 0)),
	);
	assert_eq!(status, PostStatus::Pending { until: matures_at });
	let view = node.rpc("licentia_batch", serde_json::json!([bluesky_pending]));
	assert_eq!(
		(&view["pendingUntil"], &view["seq"], &view["requests"]),
		(&serde_json::json!(matures_at), &serde_json::Value::Null, &serde_json::json!([])),
		"{view}"
	);
	node.activate_all(&registered[..3], &[&bluesky_posts, &mastodon_posts, &x_posts]);
	let batch_of = |events: &[RuntimeEvent]| {
		find(events, |e| match e {
			RuntimeEvent::Content(pallet_content::Event::BatchRegistered { batch, .. })
			| RuntimeEvent::Content(pallet_content::Event::NostrEventsRegistered {
				batch, ..
			}) => Some(*batch),
			_ => None,
		})
	};
	let (bluesky_batch, x_batch) = (batch_of(&registered[0].1), batch_of(&registered[2].1));
	assert_eq!(node.runtime_call::<BatchId>("ContentApi_batch_count", ()), 4);
	let status: PostStatus<BlockNumber> = node.runtime_call(
		"ContentApi_post_status",
		(bluesky_batch, &bluesky_posts[1], 1u32, batch_proof(leaves(&bluesky_posts), 1)),
	);
	assert_eq!(status, PostStatus::Registered);
	let mut eve_posts: Vec<(PlatformId, u64)> =
		node.runtime_call("ContentApi_contributions", id(Eve));
	eve_posts.sort();
	assert_eq!(eve_posts, vec![(BLUESKY, 3), (X, 5)]);
	assert_eq!(
		node.runtime_call::<Vec<(PlatformId, u64)>>("ContentApi_contributions", id(Alice))
			.len(),
		1
	);

	// -- Purchase from a second account; Ferdie withdraws in the same block. ----------------
	let quote: QuoteResult<Balance> = node.runtime_call("LicensingApi_quote", 0u32);
	// One LCT per record reaches the highest price tier (0.1 LCT and more).
	let excluded = Exclusions::default();
	assert_eq!(quote, Ok(Quote { price: 5 * UNIT, records: 5, licensed: 5, tier: 3, excluded }));
	assert_eq!(
		node.rpc("licentia_quote", json!([0])),
		json!({
			"price": (5 * UNIT).to_string(), "records": 5, "licensed": 5, "tier": 3,
			"excluded": {
				"purposes": 0, "noCommercialUse": 0, "anonymisationRequired": 0,
				"noModelWeights": 0, "noRedistribution": 0, "minPrice": 0
			}
		})
	);
	let treasury = licentia_runtime::configs::TreasuryAccount::get();
	let pot = pallet_licensing::Pallet::<Runtime>::pot();
	let (treasury_before, pot_before) = (node.free_balance(&treasury), node.free_balance(&pot));
	let bought = node.submit_all(vec![
		(Alice, licensing(pallet_licensing::Call::purchase { offer: 0, max_price: 5 * UNIT })),
		(Ferdie, consent(pallet_consent::Call::withdraw_consent {})),
	]);
	let (protocol, platforms, contributors, dust) = find(&bought[0].1, |e| match e {
		RuntimeEvent::Licensing(pallet_licensing::Event::PaymentSplit {
			protocol,
			platforms,
			contributors,
			dust,
			..
		}) => Some((*protocol, *platforms, *contributors, *dust)),
		_ => None,
	});
	assert_eq!(protocol + platforms + contributors + dust, 5 * UNIT, "the split is the price");
	// Fees pay the network: 80% of each to the treasury, the rest to the block's author.
	let to_treasury: Balance = bought
		.iter()
		.flat_map(|(_, events)| events)
		.filter_map(|e| match e {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => Some(actual_fee * 80 / 100),
			_ => None,
		})
		.sum();
	assert!(to_treasury > 0, "both transactions paid fees");
	assert_eq!(
		node.free_balance(&treasury) - treasury_before,
		protocol + dust + to_treasury,
		"the treasury received the protocol fee, the dust and 80% of the fees"
	);
	assert_eq!(
		(node.free_balance(&treasury) - treasury_before - to_treasury)
			+ (node.free_balance(&pot) - pot_before),
		5 * UNIT,
		"the treasury and the pot received exactly the price"
	);
	let ferdie: AccountConsent = node.runtime_call("ConsentApi_account_consent", id(Ferdie));
	assert_eq!(ferdie.statements.denied, PurposeSet::ALL, "the withdrawal is visible at once");
	assert_eq!(ferdie.identities[0].allowed, PurposeSet::EMPTY);

	// The license token: in storage and through the runtime API.
	let key = pallet_licensing::Licenses::<Runtime>::hashed_key_for(0u64);
	let stored: pallet_licensing::LicenseOf<Runtime> = node.storage(&key, None).expect("stored");
	assert_eq!((stored.owner.clone(), stored.price, stored.records), (id(Alice), 5 * UNIT, 5));
	let view: Option<LicenseView<AccountId, Balance, BlockNumber>> =
		node.runtime_call("LicensingApi_license", 0u64);
	let view = view.expect("visible");
	assert_eq!((view.owner, view.platforms, view.snapshot), (id(Alice), vec![X], 4));

	// -- Access checks. --------------------------------------------------------------------
	assert_eq!(check(&node, access(x_batch, &x_posts, 2, Purpose::AiTraining)), Ok(()));
	assert_eq!(
		check(&node, access(x_batch, &x_posts, 2, Purpose::Research)),
		Err(Denial::PurposeNotCovered)
	);
	assert_eq!(
		check(&node, access(bluesky_batch, &bluesky_posts, 0, Purpose::AiTraining)),
		Err(Denial::OutsideSnapshot)
	);
	assert_eq!(
		check(&node, AccessQuery { index: 3, ..access(x_batch, &x_posts, 2, Purpose::AiTraining) }),
		Err(Denial::NotRegistered)
	);
	let batch: Vec<AccessDecision> = node.runtime_call(
		"LicensingApi_check_access_batch",
		(0..5)
			.map(|i| access(x_batch, &x_posts, i, Purpose::AiTraining))
			.collect::<Vec<_>>(),
	);
	assert_eq!(batch, vec![Ok(()); 5]);

	// -- Claims: the contributor (free: her first, and more than the existential deposit) and
	// the platform (paid to Dave by Charlie); then Eve withdraws one post. -------------------
	let eve_pending: Balance = node.runtime_call("LicensingApi_pending_rewards", id(Eve));
	let dave_pending: Balance = node.runtime_call("LicensingApi_pending_rewards", id(Dave));
	assert_eq!(dave_pending, platforms, "Dave's X platform gets its share");
	assert!(eve_pending <= contributors && contributors - eve_pending < 5, "one contributor");
	let (eve_before, dave_before) = (node.free_balance(&id(Eve)), node.free_balance(&id(Dave)));
	let claimed = node.submit_all(vec![
		(Eve, licensing(pallet_licensing::Call::claim {})),
		(Charlie, licensing(pallet_licensing::Call::claim_for { who: id(Dave) })),
		(
			Eve,
			content(pallet_content::Call::revoke_post {
				batch: x_batch,
				post: x_posts[4].clone(),
				index: 4,
				proof: batch_proof(leaves(&x_posts), 4).try_into().expect("short"),
			}),
		),
	]);
	let paid = |events: &[RuntimeEvent]| {
		find(events, |e| match e {
			RuntimeEvent::Licensing(pallet_licensing::Event::RewardsClaimed { who, amount }) => {
				Some((who.clone(), *amount))
			},
			_ => None,
		})
	};
	assert_eq!(paid(&claimed[0].1), (id(Eve), eve_pending));
	assert_eq!(paid(&claimed[1].1), (id(Dave), dave_pending));
	let fee = |events: &[RuntimeEvent]| {
		events.iter().find_map(|e| match e {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => Some(*actual_fee),
			_ => None,
		})
	};
	assert_eq!(fee(&claimed[0].1), None, "Eve's claim is free");
	assert!(
		claimed[0].1.iter().any(|e| matches!(
			e,
			RuntimeEvent::SkipFeelessPayment(pallet_skip_feeless_payment::Event::FeeSkipped { .. })
		)),
		"{:?}",
		claimed[0].1
	);
	assert!(fee(&claimed[1].1).is_some(), "Charlie pays for Dave's");
	let revoke_fee = fee(&claimed[2].1).expect("a revocation pays its fee");
	assert_eq!(
		node.free_balance(&id(Eve)),
		eve_before + eve_pending - revoke_fee,
		"Eve is paid her share, and pays only for the revocation"
	);
	assert_eq!(node.free_balance(&id(Dave)), dave_before + dave_pending, "Dave paid no fee");
	assert_eq!(node.runtime_call::<Balance>("LicensingApi_pending_rewards", id(Eve)), 0);
	// Her earnings over time: the claim, dated by its 30-day period (the dev chain's first).
	let earnings: Earnings<Balance, BlockNumber> =
		node.runtime_call("LicensingApi_earnings", id(Eve));
	assert_eq!(
		earnings,
		Earnings {
			pending: 0,
			claimed: eve_pending,
			period: 30 * DAYS,
			periods: vec![PeriodPaid { from: 0, amount: eve_pending }],
		}
	);

	// The revocation reaches the license's feed, and access to that post is denied.
	let page: FeedPage<AccountId, BlockNumber> =
		node.runtime_call("LicensingApi_revocations", (0u64, 0u32, None::<u64>, 10u32));
	assert!(page.complete, "{page:?}");
	let feed = page.records;
	assert!(
		feed.iter().any(
			|r| matches!(r.change, FeedChange::PostRevoked { platform: X, batch, .. } if batch == x_batch)
		),
		"{feed:?}"
	);
	assert_eq!(
		check(&node, access(x_batch, &x_posts, 4, Purpose::AiTraining)),
		Err(Denial::PostRevoked)
	);

	// -- Eve refuses commercial use, which the license's terms allow: her posts leave it. ----
	let refused = vec![Restriction::NoCommercialUse].try_into().expect("one");
	node.submit_all(vec![(
		Eve,
		consent(pallet_consent::Call::set_restrictions {
			scope: Scope::Account,
			restrictions: Restrictions { refused, min_price: 0 },
		}),
	)]);
	let eve: AccountConsent = node.runtime_call("ConsentApi_account_consent", id(Eve));
	let commercial = RestrictionSet::EMPTY.with(Restriction::NoCommercialUse);
	assert_eq!(eve.statements.restrictions, commercial);
	assert!(eve.identities.iter().all(|i| i.restrictions == commercial), "{eve:?}");
	let page: FeedPage<AccountId, BlockNumber> =
		node.runtime_call("LicensingApi_revocations", (0u64, 0u32, None::<u64>, 10u32));
	assert!(
		page.records.iter().any(|r| matches!(
			&r.change,
			FeedChange::ConsentNarrowed { identity, platform: X, restrictions, .. }
				if *identity == eve_x && *restrictions == commercial
		)),
		"{page:?}"
	);
	assert_eq!(
		check(&node, access(x_batch, &x_posts, 2, Purpose::AiTraining)),
		Err(Denial::ConsentWithdrawn)
	);
	let quote: QuoteResult<Balance> = node.runtime_call("LicensingApi_quote", 0u32);
	let why = Exclusions { no_commercial_use: 4, ..Exclusions::default() };
	assert_eq!(quote, Err(QuoteError::NothingToLicense(why)), "her 4 posts left are refused");

	let status = node.stop();
	assert!(status.success(), "licentia-node exited with {status}");
}

fn check(node: &Node, query: AccessQuery) -> AccessDecision {
	node.runtime_call("LicensingApi_check_access", query)
}

fn allow_set(purposes: &[Purpose]) -> PurposeSet {
	purposes.iter().copied().collect()
}

fn leaves(records: &[PostRecord]) -> Vec<H256> {
	records.iter().map(|p| p.leaf_hash()).collect()
}

/// The defences of provable counts, on the real chain with real extrinsics, against an honest
/// platform's batches (Dave operates X on `--dev`):
/// - a genuine answer replayed at another index proves nothing: leaf 4 of an honest 5-post batch
///   has a one-hash proof, which `binary_merkle_tree::verify_proof` also accepted at index 3;
///   replayed as `Fraud::Disorder { index: 3 }` (the leaf "twice"), it fails with `BadProof`;
/// - the squatter cannot keep others from asking: the registrant asks for 17 of its own leaves
///   in the batch that registers them (more than the 16 slots there used to be), and Ferdie
///   still asks for another;
/// - the chain samples each batch: Dave opens the samples and every request, and the batches
///   activate.
#[test]
fn honest_batches_survive_replayed_proofs_and_squatters() {
	let mut node = Node::start("defences", &["--dev", "--tmp"]);
	node.wait_for("block #1", Duration::from_secs(60), |n| {
		(n.block_number(false) >= 1).then_some(())
	});
	let genesis = node.block_hash(0);
	let (eve_x, ferdie_x) = (Identity::X(501), Identity::X(502));
	// Windows long enough that the requests below are made in time, whatever the load.
	// A short tail, so that its end comes within the test.
	let windows =
		pallet_content::ChallengeWindows { challenge: 10, answer: 10, tail: 3, tail_answer: 10 };
	let set_windows = content(pallet_content::Call::set_windows { windows });
	node.submit_all(vec![
		(Alice, RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set_windows) })),
		(Dave, accepted_link(X, eve_x.clone(), &Eve.pair(), 0, genesis)),
		(Dave, accepted_link(X, ferdie_x.clone(), &Ferdie.pair(), 0, genesis)),
	]);
	let allow_training = || {
		consent(pallet_consent::Call::set_consent {
			scope: Scope::Account,
			decisions: allow(&[Purpose::AiTraining]),
		})
	};
	node.submit_all(vec![(Eve, allow_training()), (Ferdie, allow_training())]);

	let five = posts(X, &eve_x, 5);
	let forty: Vec<PostRecord> = posts(X, &ferdie_x, 40);
	let squat: Vec<RuntimeCall> = (0..17)
		.map(|index| content(pallet_content::Call::request_leaf { batch: 1, index }))
		.collect();
	let mut squatting = vec![register(X, &ferdie_x, &forty)];
	squatting.extend(squat);
	let registered = node.submit_all(vec![
		(Dave, register(X, &eve_x, &five)),
		(Dave, RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: squatting })),
	]);
	let batches: Vec<BatchId> = registered
		.iter()
		.map(|(_, events)| {
			find(events, |e| match e {
				RuntimeEvent::Content(pallet_content::Event::BatchRegistered { batch, .. }) => {
					Some(*batch)
				},
				_ => None,
			})
		})
		.collect();
	assert_eq!(batches, vec![0, 1]);

	// Ferdie asks too, and anyone replays the last leaf's genuine proof at index 3.
	let last = five[4].clone();
	let proof: pallet_content::Proof = batch_proof(leaves(&five), 4).try_into().expect("short");
	assert_eq!(proof.len(), 1, "leaf 4 of 5 moves up unhashed twice");
	let replay = pallet_content::Fraud::Disorder {
		index: 3,
		first: last.clone(),
		first_proof: proof.clone(),
		second: last,
		second_proof: proof,
	};
	let outcomes = node.submit_all_outcomes(vec![
		(Ferdie, content(pallet_content::Call::request_leaf { batch: 1, index: 39 })),
		(
			Charlie,
			content(pallet_content::Call::challenge {
				batch: 0,
				contributors: layout(&five).try_into().expect("one"),
				fraud: Box::new(replay),
			}),
		),
	]);
	assert_eq!(dispatch_error(&outcomes[0].1), None, "nobody can hold the requests others need");
	assert_eq!(
		dispatch_error(&outcomes[1].1),
		Some(pallet_content::Error::<Runtime>::BadProof.into()),
		"a proof opens one index"
	);
	let view = node.rpc("licentia_batch", json!([1]));
	let listed = view["requests"].as_array().expect("requests").len();
	assert!(listed >= 18, "17 requests of the registrant's, Ferdie's, and the samples: {view}");

	// Dave's bridge opens the samples and every request; both batches count.
	let activated = node.activate_all(&registered, &[&five, &forty]);
	assert_eq!(activated.len(), 2);
	let counted = |node: &Node, identity: &Identity| -> u64 {
		let key = pallet_content::Contributions::<Runtime>::hashed_key_for(identity, X);
		node.storage(&key, None).unwrap_or_default()
	};
	assert_eq!((counted(&node, &eve_x), counted(&node, &ferdie_x)), (5, 40));

	// Half of each bond stays held through the tail; when it ends, anyone releases it.
	let tail = |node: &Node, batch: BatchId| -> Option<pallet_content::TailOf<Runtime>> {
		node.storage(&pallet_content::Tails::<Runtime>::hashed_key_for(batch), None)
	};
	let (first, second) =
		(tail(&node, 0).expect("in its tail"), tail(&node, 1).expect("in its tail"));
	assert_eq!(first.bond, (UNIT + 5 * licentia_runtime::MILLI_UNIT) / 2);
	assert_eq!(second.bond, (UNIT + 40 * licentia_runtime::MILLI_UNIT) / 2);
	let ends_at = first.ends_at.max(second.ends_at);
	node.wait_for("the tails to end", Duration::from_secs(120), |n| {
		(n.block_number(false) + 1 >= ends_at).then_some(())
	});
	let released = node.submit_all(
		(0..2)
			.map(|batch| {
				let call = pallet_content::Call::release_bond { batch, revoked_authors: 0 };
				(Charlie, content(call))
			})
			.collect(),
	);
	let amounts: Vec<_> = released
		.iter()
		.map(|(_, events)| {
			find(events, |e| match e {
				RuntimeEvent::Content(pallet_content::Event::BondReleased { amount, .. }) => {
					Some(*amount)
				},
				_ => None,
			})
		})
		.collect();
	assert_eq!(amounts, vec![first.bond, second.bond]);
	assert!(tail(&node, 0).is_none() && tail(&node, 1).is_none());
	assert_eq!((counted(&node, &eve_x), counted(&node, &ferdie_x)), (5, 40), "they count for good");
}
