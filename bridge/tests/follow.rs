//! `licentia-bridge follow` on each kind of live source, against stand-ins: Bluesky's Jetstream
//! (an author's posts registered once across a crash, deletions and a deactivation withdrawn),
//! a Nostr relay (an author's own notes and deletions) and the operated platforms' APIs
//! (Mastodon's timeline and streaming API, X's filtered and compliance streams).

mod support;

use licentia_harness::{accepted_link, free_port, relayed_opt_in, tid, Node, TempDir};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie};
use std::time::Duration;
use support::{
	address, all, batches_in, http_get, jetstream_post, metric, num, stop, Env, Follower,
	Jetstream, Platforms, Relay, BLUESKY, MASTODON, NOSTR, NOSTR_SECRET, X,
};

/// `licentia-bridge follow` against a Jetstream stand-in: it registers an opted-in author's live
/// posts (not an unlinked author's), is killed (SIGKILL) with a batch in flight while posts keep
/// coming, resumes from its cursor and registers every post exactly once; then a deletion at the
/// source turns the post's status to revoked on chain, an account deactivation revokes the
/// author's remaining posts and unlinks the identity, metrics show it, and SIGTERM stops it
/// cleanly.
#[test]
fn a_follower_registers_live_posts_once_and_withdraws_what_the_source_deletes() {
	use licentia_primitives::consent::Identity;

	let mut node = Node::start("follow", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let eve_did = "did:plc:ragtjsm2j2vknwkz3zp4oxrd";
	let identity = Identity::Bluesky(eve_did.as_bytes().to_vec().try_into().expect("short"));
	let link = accepted_link(BLUESKY, identity, &Eve.pair(), 0, genesis);
	node.submit_all(vec![(Bob, link), (Bob, relayed_opt_in(&Eve.pair(), genesis))]);
	let env = Env { node, dir: TempDir::new("follow-files") };

	let source = Jetstream::start();
	let follower = Follower::new(&env, "bluesky");
	let metrics_port = free_port();
	let follow = || {
		let port = metrics_port.to_string();
		let args = ["--platform", "0", "--signer", "//Bob", "--source", &source.url()];
		follower.start(&[&args[..], &["--metrics-port", &port]].concat())
	};
	let store = follower.store.clone();
	let registered = || follower.registered();
	let wait_until = |what: &str, seconds: u64, done: &dyn Fn() -> bool| {
		follower.wait_until(what, seconds, done)
	};
	// Eve's posts, record keys (TIDs) ascending; one by an author who never linked.
	let rkey = |n: u64| tid((1_764_547_200_000_000 + n) << 10);
	source.push(jetstream_post("did:plc:vwzwgnygau7ed7b7wt5ux7y2", &rkey(0), "not licensed"));
	for n in 1..=3 {
		source.push(jetstream_post(eve_did, &rkey(n), &format!("post {n}")));
	}

	// Killed with its first batch in flight; posts 4 to 6 arrive while it is down.
	let mut first = follow().child;
	wait_until("the follower submits a batch", 90, &|| batches_in(&store, "pending") > 0);
	first.kill().expect("the follower can be killed");
	first.wait().expect("the follower stops");
	for n in 4..=6 {
		source.push(jetstream_post(eve_did, &rkey(n), &format!("post {n}")));
	}
	let second = follow();
	wait_until("six posts are registered", 120, &|| registered().len() == 6);
	let cursors = source.cursors.lock().expect("not poisoned").clone();
	assert_eq!(cursors.len(), 2, "one connection per run: {cursors:?}");
	assert!(cursors[1].is_some(), "the second run resumes from its cursor: {cursors:?}");
	let posts = registered();
	let texts: std::collections::BTreeSet<String> = posts
		.iter()
		.map(|p| p["post"]["post"]["bluesky"]["uri"].as_str().expect("a URI").to_string())
		.collect();
	assert_eq!(texts.len(), 6, "six distinct posts: {posts:?}");
	// On chain too: every post counted once, once the batches are activated.
	wait_until("the batches are activated", 120, &|| {
		env.node.rpc("licentia_contributions", json!([address(Eve)])) == json!([[BLUESKY, 6]])
	});

	// Eve deletes post 2: the follower revokes it.
	let post_2 = posts
		.iter()
		.find(|p| {
			p["post"]["post"]["bluesky"]["uri"]
				.as_str()
				.is_some_and(|u| u.ends_with(&rkey(2)))
		})
		.expect("post 2")
		.clone();
	let status = |post: &Value| follower.status(post);
	assert_eq!(status(&post_2), json!("registered"));
	source.push(json!({ "did": eve_did, "kind": "commit", "commit": { "rev": "x",
		"operation": "delete", "collection": "app.bsky.feed.post", "rkey": rkey(2) } }));
	wait_until("post 2 is revoked", 60, &|| status(&post_2).get("revoked").is_some());
	wait_until("the contributions drop", 30, &|| {
		env.node.rpc("licentia_contributions", json!([address(Eve)])) == json!([[BLUESKY, 5]])
	});

	// Eve deactivates her account: every post of hers is revoked and the link removed.
	source.push(json!({ "did": eve_did, "kind": "account",
		"account": { "active": false, "did": eve_did, "seq": 1, "status": "deactivated",
			"time": "2026-12-01T00:00:00.000Z" } }));
	wait_until("the link is removed", 60, &|| {
		env.node
			.try_rpc("licentia_identityConsent", json!([{ "bluesky": eve_did }]))
			.is_err()
	});
	for post in &posts {
		wait_until("every post is revoked", 30, &|| status(post).get("revoked").is_some());
	}

	let text = http_get(metrics_port, "/metrics");
	assert!(text.contains("200 OK"), "{text}");
	assert_eq!(metric(&text, "licentia_bridge_posts_revoked_total{reason=\"deleted\"}"), 1.0);
	assert_eq!(metric(&text, "licentia_bridge_posts_revoked_total{reason=\"deactivated\"}"), 5.0);
	assert!(metric(&text, "licentia_bridge_source_items_total{kind=\"post\"}") >= 3.0, "{text}");
	assert!(
		metric(&text, "licentia_bridge_posts_skipped_total{reason=\"notLinked\"}") >= 1.0,
		"{text}"
	);

	// SIGTERM: a clean stop, with a summary.
	let summary = stop(second);
	assert_eq!(summary["queued"], json!(0), "{summary}");
	assert!(summary["revoked"].as_u64() >= Some(6), "{summary}");
}

/// `licentia-bridge follow` on a Nostr platform, run by the author (Nostr events are
/// registered by their authors): it subscribes to a relay for the notes and deletions of the
/// Nostr key linked to the signer's account, registers the key's notes (not another key's),
/// resumes after a restart from its cursor without registering a note twice, and revokes a note
/// its author deletes (kind 5, NIP-09).
#[test]
fn a_nostr_follower_registers_an_authors_notes_and_honours_their_deletions() {
	let env = Env {
		node: Node::start("follow-nostr", &["--dev", "--tmp"]),
		dir: TempDir::new("follow-nostr"),
	};
	let statement = env.path("alice.json");
	all(vec![env.bridge(&["link-nostr", "--nostr-secret", NOSTR_SECRET, "--signer", "//Alice"])]);
	all(vec![env.bridge(&[
		"consent",
		"sign",
		"--signer",
		"//Alice",
		"--allow",
		"aiTraining",
		"--out",
		&statement,
	])]);
	all(vec![env.bridge(&["consent", "relay", "--statement", &statement, "--signer", "//Alice"])]);

	let relay = Relay::start();
	let secret: [u8; 32] = hex::decode(NOSTR_SECRET).expect("hex").try_into().expect("32 bytes");
	let stranger = [0x42u8; 32];
	let now = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.expect("after 1970")
		.as_secs();
	let first = relay.publish(&secret, now - 30, 1, json!([]), "first note from a relay");
	relay.publish(&secret, now - 20, 1, json!([["content-warning", "spoilers"]]), "second note");
	relay.publish(&stranger, now - 10, 1, json!([]), "not Alice's key");

	let follower = Follower::new(&env, "nostr");
	let follow = || {
		let args = ["--platform", "2", "--signer", "//Alice", "--source", &relay.url()];
		follower.start(&[&args[..], &["--metrics-port", "0"]].concat())
	};
	let registered = || follower.registered();
	let wait_until = |what: &str, done: &dyn Fn() -> bool| follower.wait_until(what, 90, done);

	let run = follow();
	wait_until("two notes are registered", &|| registered().len() == 2);
	assert_eq!(
		env.node.rpc("licentia_contributions", json!([address(Alice)])),
		json!([[NOSTR, 2]])
	);
	let summary = stop(run);
	assert_eq!(summary["registered"], json!(2), "{summary}");

	// A third note while it is down; the restarted follower resumes and registers it alone.
	relay.publish(&secret, now, 1, json!([]), "third note");
	let run = follow();
	wait_until("the third note is registered", &|| registered().len() == 3);
	// Alice deletes her first note: it is revoked.
	relay.publish(&secret, now + 1, 5, json!([["e", first]]), "");
	wait_until("the first note is revoked", &|| {
		env.node.rpc("licentia_contributions", json!([address(Alice)])) == json!([[NOSTR, 2]])
	});
	let first_post = registered()
		.into_iter()
		.find(|p| p["post"]["post"]["nostr"]["id"].as_str().is_some_and(|id| id.ends_with(&first)))
		.expect("the first note");
	let status = follower.status(&first_post);
	assert!(status.get("revoked").is_some(), "{status}");
	let summary = stop(run);
	assert_eq!(
		(summary["registered"].clone(), summary["revoked"].clone()),
		(json!(1), json!(1)),
		"{summary}"
	);
}

/// `licentia-bridge follow` on the operated platforms' live APIs.
///
/// Mastodon: statuses streamed by an opted-in account are registered (not an unlinked
/// account's); a follower killed (SIGKILL) reads what was posted while it was down from the
/// public timeline from its cursor (`min_id`), registering each status once; a streamed
/// deletion (a status id) and an edit (`status.update`) revoke their statuses.
///
/// X: the filtered stream's posts of an opted-in account are registered (not a retweet or an
/// unlinked account's); an edit registers the new version and revokes the old; after a restart,
/// the stream's backfill brings what was missed; the compliance stream's deletion revokes a
/// post and an account made protected revokes the rest and unlinks the identity.
#[test]
fn operated_followers_register_mastodon_and_x_posts_and_withdraw_deletions_and_edits() {
	use licentia_primitives::consent::Identity;
	let mut node = Node::start("follow-operated", &["--dev", "--tmp"]);
	let genesis = node.block_hash(0);
	let eve = Identity::Mastodon(b"eve@mastodon.social".to_vec().try_into().expect("short"));
	let ferdie_x = 2_244_994_945u64;
	node.submit_all(vec![
		(Charlie, accepted_link(MASTODON, eve, &Eve.pair(), 0, genesis)),
		(Charlie, relayed_opt_in(&Eve.pair(), genesis)),
		(Dave, accepted_link(X, Identity::X(ferdie_x), &Ferdie.pair(), 0, genesis)),
		(Dave, relayed_opt_in(&Ferdie.pair(), genesis)),
	]);
	let env = Env { node, dir: TempDir::new("follow-operated") };
	let platforms = Platforms::start();
	let contributions =
		|who: Sr25519Keyring| env.node.rpc("licentia_contributions", json!([address(who)]));

	// Mastodon.
	let mastodon = Follower::new(&env, "mastodon");
	let instance = platforms.url("");
	let mastodon_args = ["--platform", "1", "--signer", "//Charlie", "--source", &instance];
	let follow_mastodon =
		|| mastodon.start(&[&mastodon_args[..], &["--metrics-port", "0"]].concat());
	let mut first = follow_mastodon().child;
	mastodon.wait_until("the follower is streaming", 60, &|| {
		std::fs::read_to_string(&mastodon.log).is_ok_and(|log| log.contains("following"))
	});
	// The stream is open once the instance was asked; give it a moment to subscribe.
	std::thread::sleep(Duration::from_secs(2));
	let status_1 = platforms.status("eve", "first status", true);
	platforms.status("nemo", "not linked", true);
	mastodon
		.wait_until("eve's first status is registered", 90, &|| mastodon.registered().len() == 1);
	first.kill().expect("the follower can be killed");
	first.wait().expect("the follower stops");
	let status_2 = platforms.status("eve", "posted while the bridge was down", false);
	let status_3 = platforms.status("eve", "also while it was down", false);
	let second = follow_mastodon();
	mastodon.wait_until("three statuses are registered", 90, &|| mastodon.registered().len() == 3);
	let asked = platforms.asked.lock().expect("not poisoned").clone();
	// From the last status the first run read (nemo's, after eve's first), before the two new.
	let read_until = (num(&status_1["id"]) as u64)..(num(&status_2["id"]) as u64);
	assert!(asked.first().is_some_and(|since| read_until.contains(since)), "{asked:?}");

	// X, meanwhile.
	let x = Follower::new(&env, "x");
	let (stream_url, compliance_url) = (
		platforms.url("/2/tweets/search/stream"),
		platforms.url("/2/tweets/compliance/stream?partition=1"),
	);
	let x_args = ["--platform", "3", "--signer", "//Dave", "--token", "test-token"];
	let sources = ["--source", &stream_url, "--source", &compliance_url, "--metrics-port", "0"];
	let follow_x = || x.start(&[&x_args[..], &sources[..]].concat());
	let x_run = follow_x();
	x.wait_until("the X follower is streaming", 60, &|| {
		std::fs::read_to_string(&x.log).is_ok_and(|log| log.contains("following"))
	});
	std::thread::sleep(Duration::from_secs(2));
	let tweet_1 = platforms.tweet(ferdie_x, "first post", &[]);
	platforms.tweet(17_874_544, "an unlinked account", &[]);
	platforms.tweet(ferdie_x, "RT @someone: a retweet is not Ferdie's", &[]);
	let draft = platforms.tweet(ferdie_x, "a post with a typo", &[]);
	x.wait_until("two X posts are registered", 90, &|| x.registered().len() == 2);
	let x_summary = stop(x_run);
	assert_eq!(x_summary["registered"], json!(2), "{x_summary}");
	// While it is down: the edit. Backfill brings it after the restart.
	platforms.tweet(ferdie_x, "a post without a typo", std::slice::from_ref(&draft));
	let x_run = follow_x();
	x.wait_until("the edit is registered", 90, &|| x.registered().len() == 3);

	// Batches count once activated; then withdrawals revoke.
	mastodon.wait_until("the statuses' batches are activated", 120, &|| {
		contributions(Eve) == json!([[MASTODON, 3]])
	});
	let find = |follower: &Follower, id: &str| {
		follower
			.registered()
			.into_iter()
			.find(|p| p["post"]["post"].to_string().contains(id))
			.unwrap_or_else(|| panic!("{id} is registered"))
	};
	let (post_2, post_3) = (
		find(&mastodon, status_2["id"].as_str().expect("an id")),
		find(&mastodon, status_3["id"].as_str().expect("an id")),
	);
	platforms.stream("delete", status_2["id"].as_str().expect("an id"));
	let mut edited = status_3.clone();
	edited["content"] = json!("<p>also while it was down (edited)</p>");
	platforms.stream("status.update", &edited.to_string());
	for post in [&post_2, &post_3] {
		mastodon.wait_until("the deleted and edited statuses are revoked", 60, &|| {
			mastodon.status(post).get("revoked").is_some()
		});
	}
	assert_eq!(
		mastodon.status(&find(&mastodon, status_1["id"].as_str().expect("an id"))),
		json!("registered")
	);
	assert_eq!(contributions(Eve), json!([[MASTODON, 1]]));

	let (typo, post_1) = (find(&x, &draft), find(&x, &tweet_1));
	x.wait_until("the edited post's old version is revoked", 60, &|| {
		x.status(&typo).get("revoked").is_some()
	});
	let compliance = |event: Value| {
		platforms
			.x_compliance
			.lock()
			.expect("not poisoned")
			.push(json!({ "data": event }).to_string())
	};
	compliance(json!({ "delete": { "tweet": { "id": tweet_1, "author_id": ferdie_x.to_string() },
		"event_at": "2026-12-01T00:00:00.000Z" } }));
	x.wait_until("the deleted post is revoked", 60, &|| x.status(&post_1).get("revoked").is_some());
	compliance(json!({ "user_protect": { "user": { "id": ferdie_x.to_string() },
		"event_at": "2026-12-01T00:00:00.000Z" } }));
	x.wait_until("the protected account is unlinked", 60, &|| {
		env.node
			.try_rpc("licentia_identityConsent", json!([{ "x": ferdie_x.to_string() }]))
			.is_err()
	});
	for post in x.registered() {
		x.wait_until("every post of the account is revoked", 30, &|| {
			x.status(&post).get("revoked").is_some()
		});
	}

	let summary = stop(second);
	assert_eq!(
		(summary["registered"].clone(), summary["revoked"].clone()),
		(json!(2), json!(2)),
		"{summary}"
	);
	let x_summary = stop(x_run);
	assert_eq!(x_summary["registered"], json!(1), "{x_summary}");
	assert_eq!(x_summary["revoked"], json!(3), "{x_summary}");
}
