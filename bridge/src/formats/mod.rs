//! Platform export formats: what each platform's export looks like, and the posts in it.
//!
//! Every reader turns an export into [`Post`]s (a chain [`PostRecord`] plus, for Nostr, the signed
//! event) and [`Rejection`]s (an item that claims to be a post and is wrong, with the reason).
//! Items that are not original posts (likes, deletions, reblogs, identity events) are counted as
//! skipped: they are not errors, an export is full of them.
//!
//! What a post's `content_hash` is, per platform (the chain never sees content; a buyer holding a
//! record recomputes it; `bridge/testdata/content-hashes.json` holds test vectors):
//! - Bluesky: the digest of the record's CID, the sha2-256 of its DAG-CBOR bytes
//!   ([`bluesky::cid_digest`]);
//! - Mastodon: blake2-256 of the canonical text of the status's `content`
//!   ([`text::canonical_text`]);
//! - X: blake2-256 of the post's `text` with character references decoded
//!   ([`text::decode_entities`]);
//! - Nostr: the event id itself (the chain defines it so for self-registered events).
//!
//! One file per platform ([`bluesky`] with its repository exports in [`car`], [`mastodon`],
//! [`nostr`], [`x`]), the text rules the hashes depend on ([`text`], [`scrub`]), and here what
//! they share: how an export file is cut into items and what reading one gives.

pub(crate) mod bluesky;
mod car;
mod mastodon;
mod nostr;
pub mod scrub;
pub mod text;
mod x;

use crate::post::{blind, salt, Item, Position, Post, Target, Withdrawal};
use anyhow::{bail, Context, Result};
use licentia_primitives::anonymous;
use licentia_primitives::{
	consent::{Identity, PlatformKind},
	content::{PostId, PostRecord},
	Hash as H256,
};
use serde_json::Value;
use sp_crypto_hashing::blake2_256;

/// An item that looked like a post and could not be taken, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
	/// Where it was.
	pub position: Position,
	/// Why.
	pub reason: String,
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
	/// Nostr deletions: the ids they name, and their key.
	pub nostr_deletions: Vec<(Vec<String>, Identity)>,
	/// Mastodon streaming deletions: status ids.
	pub status_deletions: Vec<String>,
	/// How many items were not original posts (likes, reblogs, other events).
	pub skipped: usize,
}

impl Export {
	/// Refuses an export of which nothing is this platform's (every item rejected, none a post,
	/// a withdrawal or another of the platform's items): another platform's export, or not an
	/// export. One line, with the first item's reason.
	pub fn check_platform(&self, target: &Target) -> Result<()> {
		let nothing_ours = self.posts.is_empty()
			&& self.withdrawals.is_empty()
			&& self.skipped == 0
			&& self.nostr_deletions.is_empty()
			&& self.status_deletions.is_empty();
		match self.rejected.first() {
			Some(first) if nothing_ours => bail!(
				"none of its {} items is a {:?} item (the first, {}: {}): an export of another \
				 platform, or not an export?",
				self.rejected.len(),
				target.kind,
				first.position,
				first.reason
			),
			_ => Ok(()),
		}
	}
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
			Ok(Item::Post(record, event, labels)) => {
				let content = Some(item.to_string());
				let anonymous = anonymous_leaf(target, &record, &item);
				export.posts.push(Post { position, record, anonymous, event, content, labels })
			},
			Ok(Item::Withdrawal(withdrawal, reason)) => {
				export.withdrawals.push((position, withdrawal, reason))
			},
			Ok(Item::Edited(record, labels, earlier)) => {
				let content = Some(item.to_string());
				let anonymous = anonymous_leaf(target, &record, &item);
				let event = None;
				export.posts.push(Post { position, record, anonymous, event, content, labels });
				export.withdrawals.extend(
					earlier.into_iter().map(|id| (position, Withdrawal::Post(id), "edited".into())),
				);
			},
			Ok(Item::NostrDeletion { ids, by }) => export.nostr_deletions.push((ids, by)),
			Ok(Item::StatusDeletion(id)) => export.status_deletions.push(id),
			Ok(Item::Skipped) => export.skipped += 1,
			Err(reason) => export.rejected.push(Rejection { position, reason }),
		}
	}
	Ok(export)
}

/// Reads one item of `target`'s kind: a post, a withdrawal or something else; an item that
/// claims to be a post and is wrong is an error, with the reason.
///
/// A post's record is complete: salted with the target's key, and sealing the anonymous leaf of
/// its text as an anonymised license delivers it ([`crate::scrub`], [`anonymous_leaf`]).
pub fn read_item(target: &Target, item: &Value) -> Parsed {
	let mut parsed = match target.kind {
		PlatformKind::Bluesky => bluesky::parse(target, item),
		PlatformKind::Mastodon => mastodon::parse(target, item),
		PlatformKind::Nostr => nostr::parse(target, item),
		PlatformKind::X => x::parse(target, item),
	};
	if let Ok(Item::Post(record, ..) | Item::Edited(record, ..)) = &mut parsed {
		record.salt = salt(&target.salt_key, record);
		let leaf = anonymous_leaf(target, record, item);
		record.text_seal = anonymous::text_seal(&blind(&target.salt_key, record), &leaf);
	}
	parsed
}

/// The anonymous leaf of `record`, read from `item` for `target` (leaf format 3): of its blind's
/// anonymous key and of its text scrubbed with the current rules.
pub fn anonymous_leaf(target: &Target, record: &PostRecord, item: &Value) -> H256 {
	let key = anonymous::anonymous_key(&blind(&target.salt_key, record));
	anonymous::anonymous_leaf(&key, &scrub::scrubbed_hash(target, item))
}

pub(super) type Parsed = Result<Item, String>;

/// The items a JSON document holds: an array's elements, an API page's `data` (X) or an
/// ActivityStreams collection's `orderedItems` (a Mastodon outbox), or the document itself. A
/// Nostr relay message (`["EVENT", subscription, event]`, `["EOSE", ...]`) is one item.
pub(super) fn expand(value: Value) -> Vec<Value> {
	match value {
		Value::Array(items) if items.first().is_some_and(Value::is_string) => {
			vec![Value::Array(items)]
		},
		Value::Array(items) => items,
		Value::Object(mut object) => {
			for field in ["data", "orderedItems"] {
				if let Some(Value::Array(items)) = object.get_mut(field) {
					return std::mem::take(items);
				}
			}
			vec![Value::Object(object)]
		},
		other => vec![other],
	}
}

/// The JSON items of an export, each with its position; an item that is not JSON is an error
/// in place (the rest of the file is still read). The export is one JSON document (see
/// [`expand`]; an X archive's `window.YTD.tweets.part0 = [...]` too) or JSON lines, each line
/// one item or a page of them (API pages saved one per line).
pub(super) fn items(text: &str) -> Result<Vec<(Position, Result<Value, String>)>> {
	let text = archive_body(text);
	let trimmed = text.trim_start();
	if trimmed.starts_with('[') || trimmed.starts_with('{') {
		if let Ok(whole) = serde_json::from_str::<Value>(text) {
			if !whole.is_array() && !whole.is_object() {
				bail!("the export is neither JSON lines nor a JSON array");
			}
			return Ok(expand(whole)
				.into_iter()
				.enumerate()
				.map(|(i, item)| (Position::Item(i + 1), Ok(item)))
				.collect());
		}
	}
	let mut items = Vec::new();
	for (i, line) in text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
		match serde_json::from_str(line) {
			Ok(value) => {
				items.extend(expand(value).into_iter().map(|v| (Position::Line(i + 1), Ok(v))))
			},
			Err(e) => items.push((Position::Line(i + 1), Err(format!("not JSON: {e}")))),
		}
	}
	Ok(items)
}

/// An X archive's `data/*.js` file is JavaScript: `window.YTD.tweets.part0 = [ ... ]`. Its
/// JSON is what follows the `=`.
pub(super) fn archive_body(text: &str) -> &str {
	match text.trim_start().strip_prefix("window.YTD.") {
		Some(rest) => rest.split_once('=').map_or(text, |(_, json)| json),
		None => text,
	}
}

/// `bytes` as one of the chain's bounded byte strings, at most `max` long.
pub(super) fn bounded<B: TryFrom<Vec<u8>>>(
	bytes: &[u8],
	what: &str,
	max: u32,
) -> Result<B, String> {
	B::try_from(bytes.to_vec()).map_err(|_| format!("{what} is longer than {max} bytes"))
}

pub(super) fn text_hash(text: &str) -> H256 {
	H256::from(blake2_256(text.as_bytes()))
}

/// A record without its salt and scrubbed hash, which [`read_item`] adds.
pub(super) fn record(
	target: &Target,
	post: PostId,
	content_hash: H256,
	author: Identity,
) -> PostRecord {
	let (salt, text_seal) = (H256::zero(), H256::zero());
	PostRecord { platform: target.id, post, content_hash, author, salt, text_seal }
}

/// Reads an export file. An X archive's `data/tweets.js` names no author: it is the account of
/// the archive's `data/account.js`, read from beside it.
pub fn read_file(target: &Target, path: &std::path::Path) -> Result<Export> {
	let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
	let text = match target.kind == PlatformKind::Bluesky && car::is_car(&bytes) {
		true => car::posts(&bytes).with_context(|| {
			format!("reading {} (a Bluesky repository export, CAR)", path.display())
		})?,
		false => String::from_utf8(bytes).map_err(|e| {
			anyhow::anyhow!("reading {}: not UTF-8 text ({e}): not an export", path.display())
		})?,
	};
	let mut text = std::borrow::Cow::from(text);
	if target.kind == PlatformKind::X && text.trim_start().starts_with("window.YTD.tweets.") {
		let account_file = path.with_file_name("account.js");
		let account = std::fs::read_to_string(&account_file).with_context(|| {
			format!("reading {} (an X archive's author)", account_file.display())
		})?;
		let account: Value = serde_json::from_str(archive_body(&account))
			.with_context(|| format!("reading {}", account_file.display()))?;
		let id = account[0]["account"]["accountId"]
			.as_str()
			.with_context(|| format!("{}: no account.accountId", account_file.display()))?;
		let mut tweets: Value = serde_json::from_str(archive_body(&text))
			.with_context(|| format!("reading {}", path.display()))?;
		for item in tweets.as_array_mut().into_iter().flatten() {
			if let Some(tweet) = item.get_mut("tweet").and_then(Value::as_object_mut) {
				tweet.insert("author_id".into(), Value::String(id.to_string()));
			}
		}
		text = tweets.to_string().into();
	}
	read(target, &text).with_context(|| format!("reading {}", path.display()))
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use crate::post::SaltKey;

	pub(crate) fn target(kind: PlatformKind, domain: &str) -> Target {
		Target { id: 7, kind, domain: domain.into(), salt_key: SaltKey([3; 32]) }
	}

	pub(crate) fn testdata(name: &str) -> std::path::PathBuf {
		std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(name)
	}

	pub(crate) fn labels(export: &Export) -> Vec<Vec<String>> {
		export.posts.iter().map(|p| p.labels.clone()).collect()
	}

	/// `bridge/testdata/content-hashes.json` is written by `generate.py`, which implements the
	/// same rules in Python: the two must agree on every vector.
	#[test]
	fn content_hashes_match_the_test_vectors() {
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/content-hashes.json");
		let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
		let hash = |v: &Value| v["contentHash"].as_str().unwrap().to_string();
		let vectors = file["vectors"].as_array().unwrap();
		for vector in vectors {
			let computed = match vector["platform"].as_str().unwrap() {
				"mastodon" => {
					let text = text::canonical_text(vector["content"].as_str().unwrap());
					assert_eq!(text, vector["canonicalText"].as_str().unwrap(), "{vector}");
					text_hash(&text)
				},
				"x" => {
					let text = text::decode_entities(vector["text"].as_str().unwrap());
					assert_eq!(text, vector["canonicalText"].as_str().unwrap(), "{vector}");
					text_hash(&text)
				},
				"bluesky" => {
					let dag_cbor = hex::decode(&vector["dagCbor"].as_str().unwrap()[2..]).unwrap();
					let digest = H256::from(sp_crypto_hashing::sha2_256(&dag_cbor));
					assert_eq!(
						bluesky::cid_digest(vector["cid"].as_str().unwrap()).unwrap(),
						digest
					);
					digest
				},
				"nostr" => {
					let target = target(PlatformKind::Nostr, "nostr.com");
					let Item::Post(record, ..) = read_item(&target, &vector["event"]).unwrap()
					else {
						panic!("a post: {vector}")
					};
					record.content_hash
				},
				other => panic!("a vector for {other}"),
			};
			assert_eq!(format!("0x{}", hex::encode(computed)), hash(vector), "{vector}");
		}
		assert_eq!(vectors.len(), 11);
	}

	#[test]
	fn another_platforms_export_is_refused_in_one_line() {
		for (kind, file) in [
			(PlatformKind::X, "bluesky.jsonl"),
			(PlatformKind::Bluesky, "mastodon.json"),
			(PlatformKind::Mastodon, "x.json"),
		] {
			let target = target(kind, "x.com");
			let export = read_file(&target, &testdata(file)).unwrap();
			let error = export.check_platform(&target).unwrap_err().to_string();
			assert!(error.starts_with("none of its"), "{file}: {error}");
			assert_eq!(error.lines().count(), 1, "{error}");
		}
		let target = target(PlatformKind::X, "x.com");
		assert!(read_file(&target, &testdata("x.json")).unwrap().check_platform(&target).is_ok());
	}

	/// The text rules and the item readers take any input without panicking: strings built
	/// from the characters that steer them (`&`, `#`, `;`, `<`, `>`, `/`, digits, letters),
	/// multi-byte characters and huge numbers, from a fixed-seed generator.
	#[test]
	fn arbitrary_text_and_items_never_panic() {
		const PIECES: [&str; 24] = [
			"&",
			"#",
			"x",
			";",
			"<",
			">",
			"/",
			"p",
			"br",
			"amp",
			"9",
			"F",
			" ",
			"\n",
			"é",
			"🖌️",
			"\u{a0}",
			"&#x110000;",
			"&#99999999999999999999;",
			"</p>",
			"<p>",
			"<br/>",
			"&lt;",
			"b",
		];
		for text in licentia_harness::fuzz::texts(&PIECES, 0x2545_f491_4f6c_dd1d, 24, 20_000) {
			let _ = text::canonical_text(&text);
			let _ = text::decode_entities(&text);
			let _ = bluesky::cid_digest(&text);
			let item = serde_json::json!({ "did": text, "kind": "commit", "id": u64::MAX,
				"id_str": text, "author_id": "18446744073709551616", "text": text,
				"uri": text, "content": text, "account": { "acct": text }, "type": "Create",
				"actor": text, "object": { "type": "Note", "id": text, "content": text, "to": [text] },
				"commit": { "operation": "create", "collection": "app.bsky.feed.post",
					"rkey": text, "cid": text, "record": { "text": text } } });
			for kind in [
				PlatformKind::Bluesky,
				PlatformKind::Mastodon,
				PlatformKind::Nostr,
				PlatformKind::X,
			] {
				let _ = read_item(&target(kind, "m.example"), &item);
				let _ = read(&target(kind, "m.example"), &text);
			}
		}
	}

	/// A post's record is salted with the store's key (the same post read again is the same
	/// leaf; under another key it has another salt) and seals the anonymous leaf of the text the
	/// gateway delivers to an anonymised license (its stored content read back and scrubbed)
	/// with a blind of the store's key, which nobody holding the text can compute.
	#[test]
	fn a_post_is_salted_with_the_stores_key_and_seals_its_scrubbed_text() {
		let item = serde_json::json!({
			"id_str": "1828391049573412866", "author_id": "783214",
			"text": "gm @ada, see https://x.com/a &amp; nostr:npub1xyz",
		});
		let x = target(PlatformKind::X, "x.com");
		let read = |target: &Target| match read_item(target, &item) {
			Ok(Item::Post(record, ..)) => record,
			other => panic!("{other:?}"),
		};
		let record = read(&x);
		let stored: Value = serde_json::from_str(&item.to_string()).unwrap();
		let text = scrub::scrub(&scrub::text_of(&x, &stored));
		assert_eq!(text, "gm @user, see [link] & [ref]");
		let scrubbed = H256::from(blake2_256(text.as_bytes()));
		let blind = blind(&x.salt_key, &record);
		let leaf = anonymous::anonymous_leaf(&anonymous::anonymous_key(&blind), &scrubbed);
		assert_eq!(anonymous_leaf(&x, &record, &item), leaf);
		assert_eq!(record.text_seal, anonymous::text_seal(&blind, &leaf));
		assert_ne!(record.text_seal, scrubbed, "format 3 hides the scrubbed hash");
		assert_ne!(blind, record.salt);
		assert_eq!(record.salt, salt(&x.salt_key, &record));
		assert_eq!(read(&x), record, "read again");
		let other = read(&Target { salt_key: SaltKey([4; 32]), ..x.clone() });
		assert_ne!(other.salt, record.salt);
		assert_ne!(other.text_seal, record.text_seal);
		assert_eq!(format!("{:?}", x.salt_key), "SaltKey(..)", "never printed");
	}
}
