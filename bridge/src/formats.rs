//! Platform export formats: what each platform's export looks like, and the posts in it.
//!
//! Every reader turns an export into [`Post`]s (a chain [`PostRecord`] plus, for Nostr, the signed
//! event) and [`Rejection`]s (an item that claims to be a post and is wrong, with the reason).
//! Items that are not original posts (likes, deletions, reblogs, identity events) are counted as
//! skipped: they are not errors, an export is full of them.
//!
//! What a post's `content_hash` is, per platform (the chain never sees content, a buyer holding a
//! record can recompute it):
//! - Bluesky: blake2-256 of the record's `text`, as UTF-8;
//! - Mastodon: blake2-256 of the status's `content` (the HTML the API serves);
//! - X: blake2-256 of the post's `text`;
//! - Nostr: the event id itself (the chain defines it so for self-registered events).

use crate::store::Withdrawal;
use anyhow::{bail, Context, Result};
use licentia_primitives::Hash as H256;
use licentia_primitives::{
	consent::{Identity, PlatformId, PlatformKind, MAX_HANDLE_LEN},
	content::{PostId, PostRecord, MAX_CID_LEN, MAX_URI_LEN},
};
use serde::Deserialize;
use serde_json::Value;
use sp_crypto_hashing::blake2_256;

/// A post found in an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
	/// Where it was: `line N` or `item N` of the file.
	pub position: Position,
	/// The record the chain will hold (its leaf).
	pub record: PostRecord,
	/// For Nostr: the signed event the author registers.
	pub event: Option<SignedEvent>,
	/// The item as the source gave it (compact JSON): what the store keeps and the gateway
	/// serves.
	pub content: Option<String>,
}

impl Post {
	/// A post known only by its record (imported from a manifest).
	pub fn from_record(record: PostRecord) -> Self {
		Self { position: Position::Line(0), record, event: None, content: None }
	}
}

/// What one item of a source is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
	/// An original post.
	Post(PostRecord, Option<SignedEvent>),
	/// A withdrawal: a post deleted or edited, an account deleted or deactivated, with the
	/// reason (`deleted`, `edited`, `deactivated`, ...).
	Withdrawal(Withdrawal, String),
	/// Anything else (likes, reposts, profile changes, other collections).
	Skipped,
}

/// A Nostr event's id, key and signature: what `register_nostr_events` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedEvent {
	/// The event id: sha256 of its NIP-01 serialization.
	pub id: [u8; 32],
	/// The author's x-only key.
	pub pubkey: [u8; 32],
	/// The BIP-340 signature of `id`.
	pub sig: [u8; 64],
}

/// An item that looked like a post and could not be taken, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
	/// Where it was.
	pub position: Position,
	/// Why.
	pub reason: String,
}

/// The position of an item in an export: a line of a JSON-lines file or an element of an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
	/// 1-based line number.
	Line(usize),
	/// 1-based array element.
	Item(usize),
}

impl std::fmt::Display for Position {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Position::Line(n) => write!(f, "line {n}"),
			Position::Item(n) => write!(f, "item {n}"),
		}
	}
}

/// What an export holds.
#[derive(Debug, Default)]
pub struct Export {
	/// The posts, in file order.
	pub posts: Vec<Post>,
	/// The items rejected, with reasons.
	pub rejected: Vec<Rejection>,
	/// Withdrawals (deletions, edits, accounts gone), with their reasons.
	pub withdrawals: Vec<(Position, Withdrawal, String)>,
	/// How many items were not original posts (likes, reblogs, other events).
	pub skipped: usize,
}

/// The platform an export is read for: posts are registered through it.
#[derive(Clone, Debug)]
pub struct Target {
	/// Its id on chain.
	pub id: PlatformId,
	/// Its kind.
	pub kind: PlatformKind,
	/// Its domain (a Mastodon instance's accounts live there).
	pub domain: String,
}

/// Reads `text`, an export of `target`'s kind.
///
/// The file may be JSON lines, one JSON array, or (X) an API response with a `data` array.
pub fn read(target: &Target, text: &str) -> Result<Export> {
	let mut export = Export::default();
	for (position, item) in items(text)? {
		let item = match item {
			Ok(item) => item,
			Err(reason) => {
				export.rejected.push(Rejection { position, reason });
				continue;
			},
		};
		match read_item(target, &item) {
			Ok(Item::Post(record, event)) => {
				let content = Some(item.to_string());
				export.posts.push(Post { position, record, event, content })
			},
			Ok(Item::Withdrawal(withdrawal, reason)) => {
				export.withdrawals.push((position, withdrawal, reason))
			},
			Ok(Item::Skipped) => export.skipped += 1,
			Err(reason) => export.rejected.push(Rejection { position, reason }),
		}
	}
	Ok(export)
}

/// Reads one item of `target`'s kind: a post, a withdrawal or something else; an item that
/// claims to be a post and is wrong is an error, with the reason.
pub fn read_item(target: &Target, item: &Value) -> Parsed {
	match target.kind {
		PlatformKind::Bluesky => bluesky(target, item),
		PlatformKind::Mastodon => mastodon(target, item),
		PlatformKind::Nostr => nostr_event(target, item),
		PlatformKind::X => x_post(target, item),
	}
}

type Parsed = Result<Item, String>;

/// The JSON items of an export, each with its position; an item that is not JSON is an error
/// in place (the rest of the file is still read).
fn items(text: &str) -> Result<Vec<(Position, Result<Value, String>)>> {
	let trimmed = text.trim_start();
	if trimmed.starts_with('[') || trimmed.starts_with('{') {
		if let Ok(whole) = serde_json::from_str::<Value>(text) {
			let array = match whole {
				Value::Array(items) => items,
				Value::Object(mut object) => match object.remove("data") {
					Some(Value::Array(items)) => items,
					// A single object: a one-line JSON-lines file.
					_ => vec![Value::Object(object)],
				},
				_ => bail!("the export is neither JSON lines nor a JSON array"),
			};
			return Ok(array
				.into_iter()
				.enumerate()
				.map(|(i, item)| (Position::Item(i + 1), Ok(item)))
				.collect());
		}
	}
	Ok(text
		.lines()
		.enumerate()
		.filter(|(_, line)| !line.trim().is_empty())
		.map(|(i, line)| {
			let item = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"));
			(Position::Line(i + 1), item)
		})
		.collect())
}

/// `bytes` as one of the chain's bounded byte strings, at most `max` long.
fn bounded<B: TryFrom<Vec<u8>>>(bytes: &[u8], what: &str, max: u32) -> Result<B, String> {
	B::try_from(bytes.to_vec()).map_err(|_| format!("{what} is longer than {max} bytes"))
}

fn text_hash(text: &str) -> H256 {
	H256::from(blake2_256(text.as_bytes()))
}

/// A Bluesky Jetstream event: `app.bsky.feed.post` creations are posts; their deletions and
/// updates withdraw them (an update is a new version under the same URI, which the chain does
/// not register again: the old one is revoked); an account event that is not active (deleted,
/// deactivated, taken down, suspended) withdraws every post of the account.
fn bluesky(target: &Target, item: &Value) -> Parsed {
	#[derive(Deserialize)]
	struct Event {
		did: String,
		kind: String,
		commit: Option<Commit>,
		account: Option<Account>,
	}
	#[derive(Deserialize)]
	struct Commit {
		operation: String,
		collection: String,
		rkey: String,
		cid: Option<String>,
		record: Option<Value>,
	}
	#[derive(Deserialize)]
	struct Account {
		active: bool,
		status: Option<String>,
	}
	let event: Event =
		serde_json::from_value(item.clone()).map_err(|e| format!("not a Jetstream event: {e}"))?;
	let author = || -> Result<Identity, String> {
		let author = Identity::Bluesky(bounded(event.did.as_bytes(), "the DID", MAX_HANDLE_LEN)?);
		author.validate().map_err(|_| format!("{:?} is not a DID", event.did))?;
		Ok(author)
	};
	if event.kind == "account" {
		return Ok(match &event.account {
			Some(account) if !account.active => {
				let status = account.status.clone().unwrap_or_else(|| "inactive".into());
				Item::Withdrawal(Withdrawal::Author(author()?), status)
			},
			_ => Item::Skipped,
		});
	}
	let Some(commit) = event.commit.as_ref().filter(|_| event.kind == "commit") else {
		return Ok(Item::Skipped);
	};
	if commit.collection != "app.bsky.feed.post" {
		return Ok(Item::Skipped);
	}
	let uri = format!("at://{}/app.bsky.feed.post/{}", event.did, commit.rkey);
	match commit.operation.as_str() {
		"create" => {},
		"delete" => return Ok(Item::Withdrawal(Withdrawal::Post(uri), "deleted".into())),
		"update" => return Ok(Item::Withdrawal(Withdrawal::Post(uri), "edited".into())),
		_ => return Ok(Item::Skipped),
	}
	let author = author()?;
	let cid = commit.cid.as_ref().ok_or("a post creation without a cid")?;
	let text = commit
		.record
		.as_ref()
		.and_then(|r| r.get("text"))
		.and_then(Value::as_str)
		.ok_or("a post record without text")?;
	let post = PostId::Bluesky {
		uri: bounded(uri.as_bytes(), "the post's at:// URI", MAX_URI_LEN)?,
		cid: bounded(cid.as_bytes(), "the cid", MAX_CID_LEN)?,
	};
	Ok(Item::Post(record(target, post, text_hash(text), author), None))
}

/// A Mastodon status as the REST API returns it: reblogs are not original posts, and accounts of
/// other instances are not this platform's to register.
fn mastodon(target: &Target, item: &Value) -> Parsed {
	#[derive(Deserialize)]
	struct Status {
		uri: String,
		content: String,
		account: Account,
		reblog: Option<Value>,
	}
	#[derive(Deserialize)]
	struct Account {
		acct: String,
	}
	let status: Status =
		serde_json::from_value(item.clone()).map_err(|e| format!("not a Mastodon status: {e}"))?;
	if status.reblog.is_some() {
		return Ok(Item::Skipped);
	}
	// `acct` is `user` for the instance's own accounts and `user@instance` for remote ones.
	let account = match status.account.acct.split_once('@') {
		None => format!("{}@{}", status.account.acct, target.domain),
		Some((_, instance)) if instance.eq_ignore_ascii_case(&target.domain) => {
			status.account.acct.clone()
		},
		Some(_) => return Ok(Item::Skipped),
	}
	.to_lowercase();
	let author = Identity::Mastodon(bounded(account.as_bytes(), "the account", MAX_HANDLE_LEN)?);
	author
		.validate()
		.map_err(|_| format!("{account:?} is not a Mastodon account"))?;
	let post =
		PostId::Mastodon { uri: bounded(status.uri.as_bytes(), "the status URI", MAX_URI_LEN)? };
	Ok(Item::Post(record(target, post, text_hash(&status.content), author), None))
}

/// An X post: `id_str` (or `id`) and `author_id`, both decimal strings in the API's JSON.
fn x_post(target: &Target, item: &Value) -> Parsed {
	let number = |field: &str| -> Result<Option<u64>, String> {
		match item.get(field) {
			None | Some(Value::Null) => Ok(None),
			Some(Value::String(s)) => {
				s.parse().map(Some).map_err(|_| format!("{field} {s:?} is not a u64"))
			},
			Some(Value::Number(n)) => {
				n.as_u64().map(Some).ok_or_else(|| format!("{field} {n} is not a u64"))
			},
			Some(other) => Err(format!("{field} is {other}, not a number")),
		}
	};
	let id = match number("id_str")? {
		Some(id) => id,
		None => number("id")?.ok_or("an X post without id_str or id")?,
	};
	let author = number("author_id")?.ok_or("an X post without author_id")?;
	let text = item.get("text").and_then(Value::as_str).ok_or("an X post without text")?;
	Ok(Item::Post(record(target, PostId::X { id }, text_hash(text), Identity::X(author)), None))
}

/// A Nostr NIP-01 event, read, serialised and verified by rust-nostr's `nostr` crate: its id is
/// recomputed (the serialisation every common client uses, with control characters escaped as
/// `\u00XX`) and its BIP-340 signature verified. Only text notes (kind 1) are posts.
fn nostr_event(target: &Target, item: &Value) -> Parsed {
	let event: ::nostr::event::Event =
		serde_json::from_value(item.clone()).map_err(|e| format!("not a NIP-01 event: {e}"))?;
	if event.kind != ::nostr::event::Kind::TextNote {
		return Ok(Item::Skipped);
	}
	if !event.verify_id() {
		let computed = ::nostr::event::EventId::compute(
			&event.pubkey,
			&event.created_at,
			&event.kind,
			&event.tags,
			&event.content,
		);
		return Err(format!("the id does not match the event: it hashes to {computed}"));
	}
	if !event.verify_signature() {
		return Err("the signature does not verify (BIP-340) against the pubkey".into());
	}
	let (id, pubkey, sig) = (event.id.to_bytes(), event.pubkey.to_bytes(), event.sig.to_bytes());
	let post = PostId::Nostr { id };
	let record = record(target, post, H256::from(id), Identity::Nostr(pubkey));
	Ok(Item::Post(record, Some(SignedEvent { id, pubkey, sig })))
}

fn record(target: &Target, post: PostId, content_hash: H256, author: Identity) -> PostRecord {
	PostRecord { platform: target.id, post, content_hash, author }
}

/// Reads an export file.
pub fn read_file(target: &Target, path: &std::path::Path) -> Result<Export> {
	let text =
		std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
	read(target, &text).with_context(|| format!("reading {}", path.display()))
}

#[cfg(test)]
mod tests {
	use super::*;
	use licentia_primitives::nostr;

	fn target(kind: PlatformKind, domain: &str) -> Target {
		Target { id: 7, kind, domain: domain.into() }
	}

	/// The NIP-01 id of a text note, as rust-nostr computes it.
	fn event_id(pubkey: [u8; 32], created_at: u64, kind: u16, content: &str) -> [u8; 32] {
		::nostr::event::EventId::compute(
			&::nostr::key::PublicKey::from_byte_array(pubkey),
			&::nostr::types::Timestamp::from(created_at),
			&::nostr::event::Kind::from(kind),
			&::nostr::event::Tags::new(),
			content,
		)
		.to_bytes()
	}

	/// An event as common clients sign it: JSON.stringify (nostr-tools) and serde_json escape
	/// control characters other than `\n \r \t \b \f` as `\u00XX`, and the id hashes that text.
	/// Made by `bridge/testdata/generate.py`'s independent BIP-340 and serialisation (Python's
	/// json module) with test key K1. A serialiser that writes control characters raw, as the
	/// bridge's own once did, computes another id and rejects it.
	#[test]
	fn events_signed_by_common_clients_verify() {
		let line = r#"{"id":"7af44ad06f180ce89a28f2f248dcb5364bfa45ab56bf29020fc75cf89f15bc94","pubkey":"6a00c50a566cc015e968c68625839ea41a4f46b0238a3b60808a29a98f70fe2e","created_at":1732005000,"kind":1,"tags":[],"content":"tab\there, bell\u0007, escape\u001b, \u0001\u001f \"quoted\" caf\u00e9 \\o/ \u2028","sig":"eb2ea75c3ebc54d8813e0401969d4287b9a0d72b8100dc497d756c17f0ba779a1d6fcae1f043c107940e9a8b76c3a6c83ea3267183419a421ff4efb2cfd12a54"}"#;
		let export = read(&target(PlatformKind::Nostr, "nostr.com"), line).unwrap();
		assert!(export.rejected.is_empty(), "{:?}", export.rejected);
		assert_eq!(export.posts.len(), 1);
		let event = export.posts[0].event.expect("a signed event");
		assert_eq!(hex::encode(event.id), line[7..71]);
		assert!(nostr::verify(&event.pubkey, &event.id, &event.sig), "the chain's check agrees");
	}

	/// The runtime computes the link event's id with a shortcut (its content needs no escaping):
	/// it must be the id any Nostr client computes for that event.
	#[test]
	fn the_chains_link_event_id_is_the_nip01_id_of_the_link_event() {
		use licentia_primitives::nostr::{link_content, link_event_id, LINK_KIND};
		let (key, genesis, account) = ([3u8; 32], [7u8; 32], [9u8; 32]);
		let content = link_content(&genesis, &account);
		assert_eq!(content, format!("licentia:link:0x{}:0x{}", "07".repeat(32), "09".repeat(32)));
		assert_eq!(
			link_event_id(&key, 1_700_000_000, &genesis, &account),
			event_id(key, 1_700_000_000, LINK_KIND, &content)
		);
	}

	#[test]
	fn jetstream_posts_are_read_and_other_events_skipped() {
		let text = concat!(
			r#"{"did":"did:plc:abc","time_us":1,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"3k","record":{"text":"hi"},"cid":"bafy"}}"#,
			"\n",
			r#"{"did":"did:plc:abc","time_us":2,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.like","rkey":"3l","record":{},"cid":"bafz"}}"#,
			"\n",
			r#"{"did":"did:plc:abc","time_us":3,"kind":"identity","identity":{}}"#,
			"\n",
			"not json\n",
			r#"{"did":"nope","time_us":4,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"3m","record":{"text":"x"},"cid":"bafy"}}"#,
		);
		let export = read(&target(PlatformKind::Bluesky, "bsky.app"), text).unwrap();
		assert_eq!(export.posts.len(), 1);
		assert_eq!(export.skipped, 2);
		let positions: Vec<_> = export.rejected.iter().map(|r| r.position).collect();
		assert_eq!(positions, vec![Position::Line(4), Position::Line(5)]);
		let post = &export.posts[0].record;
		assert_eq!(
			post.post,
			PostId::Bluesky {
				uri: b"at://did:plc:abc/app.bsky.feed.post/3k".to_vec().try_into().unwrap(),
				cid: b"bafy".to_vec().try_into().unwrap(),
			}
		);
		assert_eq!(post.content_hash, H256::from(blake2_256(b"hi")));
	}

	#[test]
	fn mastodon_local_accounts_get_the_instance_and_remote_ones_are_skipped() {
		let status = |acct: &str, reblog: &str| {
			format!(
				r#"{{"uri":"https://m.example/users/a/statuses/1","content":"<p>x</p>","account":{{"acct":"{acct}"}},"reblog":{reblog}}}"#
			)
		};
		let text = format!(
			"[{},{},{},{}]",
			status("Ada", "null"),
			status("ada@m.example", "null"),
			status("linus@other.example", "null"),
			status("ada", "{}")
		);
		let export = read(&target(PlatformKind::Mastodon, "m.example"), &text).unwrap();
		let authors: Vec<_> = export.posts.iter().map(|p| p.record.author.clone()).collect();
		let ada = Identity::Mastodon(b"ada@m.example".to_vec().try_into().unwrap());
		assert_eq!(authors, vec![ada.clone(), ada]);
		assert_eq!(export.skipped, 2);
	}

	#[test]
	fn x_ids_come_from_id_str_or_id_and_must_be_numbers() {
		let text = r#"{"data":[{"id":"5","id_str":"5","author_id":"9","text":"a"},{"id":"6","author_id":"9","text":"b"},{"id_str":"x","author_id":"9","text":"c"},{"id":"7","text":"d"}]}"#;
		let export = read(&target(PlatformKind::X, "x.com"), text).unwrap();
		let ids: Vec<_> = export.posts.iter().map(|p| p.record.post.clone()).collect();
		assert_eq!(ids, vec![PostId::X { id: 5 }, PostId::X { id: 6 }]);
		assert_eq!(export.rejected.len(), 2);
		assert!(export.rejected[0].reason.contains("id_str"), "{:?}", export.rejected);
		assert!(export.rejected[1].reason.contains("author_id"), "{:?}", export.rejected);
	}

	#[test]
	fn nostr_events_are_checked_for_id_and_signature() {
		let secret = [0x42u8; 32];
		let pubkey = nostr::public_key(&secret).unwrap();
		let pubkey_hex = hex::encode(pubkey);
		let event = |content: &str, tamper_id: bool, tamper_sig: bool| {
			let id = event_id(pubkey, 10, 1, content);
			let mut sig = nostr::sign(&secret, &id, &[7; 32]).unwrap();
			if tamper_sig {
				sig[5] ^= 1;
			}
			let shown = if tamper_id { format!("{content}!") } else { content.to_string() };
			serde_json::json!({"id": hex::encode(id), "pubkey": pubkey_hex, "created_at": 10,
				"kind": 1, "tags": [], "content": shown, "sig": hex::encode(sig)})
			.to_string()
		};
		let text =
			[event("gm \"é\"\n", false, false), event("a", true, false), event("b", false, true)]
				.join("\n");
		let export = read(&target(PlatformKind::Nostr, "nostr.com"), &text).unwrap();
		assert_eq!(export.posts.len(), 1);
		assert_eq!(export.posts[0].event.unwrap().pubkey, pubkey);
		assert!(export.rejected[0].reason.contains("does not match"), "{:?}", export.rejected);
		assert!(export.rejected[1].reason.contains("signature"), "{:?}", export.rejected);
	}
}
