//! Platform export formats: what each platform's export looks like, and the posts in it.
//!
//! Every reader turns an export into [`Post`]s (a chain [`PostRecord`] plus, for Nostr, the signed
//! event) and [`Rejection`]s (an item that claims to be a post and is wrong, with the reason).
//! Items that are not original posts (likes, deletions, reblogs, identity events) are counted as
//! skipped: they are not errors, an export is full of them.
//!
//! What a post's `content_hash` is, per platform (the chain never sees content; a buyer holding a
//! record recomputes it; `bridge/testdata/content-hashes.json` holds test vectors):
//! - Bluesky: the digest of the record's CID, the sha2-256 of its DAG-CBOR bytes ([`cid_digest`]);
//! - Mastodon: blake2-256 of the canonical text of the status's `content` ([`canonical_text`]);
//! - X: blake2-256 of the post's `text` with character references decoded ([`decode_entities`]);
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
	/// What the author or platform flagged, for buyers' terms to exclude: `sensitive`
	/// (Mastodon's `sensitive`, X's `possibly_sensitive`), `contentWarning` (a Mastodon
	/// `spoiler_text` or ActivityPub `summary`, a Nostr `content-warning` tag), `unlisted` (a
	/// Mastodon status not on public timelines), `selfLabel:<value>` (a Bluesky record's
	/// self-labels, such as `selfLabel:nudity`).
	pub labels: Vec<String>,
}

impl Post {
	/// A post known only by its record.
	#[cfg(test)]
	pub fn from_record(record: PostRecord) -> Self {
		Self { position: Position::Line(0), record, event: None, content: None, labels: Vec::new() }
	}
}

/// What one item of a source is.
// One item is alive at a time (read, then turned into a `Post` or a withdrawal): no need to box
// the record.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
	/// An original post, with its labels (see [`Post::labels`]).
	Post(PostRecord, Option<SignedEvent>, Vec<String>),
	/// A withdrawal: a post deleted or edited, an account deleted or deactivated, with the
	/// reason (`deleted`, `edited`, `deactivated`, ...).
	Withdrawal(Withdrawal, String),
	/// A Nostr deletion (kind 5, NIP-09): the event ids it names, withdrawn only where the
	/// event's author is the deletion's (`by`).
	NostrDeletion {
		/// The events named (`e` tags), hex.
		ids: Vec<String>,
		/// The deletion's key.
		by: Identity,
	},
	/// A new version of a post that has a new id (an X edit): registered like a post, and the
	/// ids of its earlier versions (at the source) withdrawn.
	Edited(PostRecord, Vec<String>, Vec<String>),
	/// A Mastodon streaming `delete`: the status id, which the bridge's store maps to the
	/// status URI of a post it holds (a local status's URI ends in `/statuses/<id>`).
	StatusDeletion(String),
	/// Anything else (likes, reposts, profile changes, other collections).
	Skipped,
}

/// A Nostr text note as signed: what `register_nostr_events` takes (the chain computes its id
/// again from the other fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedEvent {
	/// The event id: sha256 of its NIP-01 serialization.
	pub id: [u8; 32],
	/// The author's x-only key.
	pub pubkey: [u8; 32],
	/// The BIP-340 signature of `id`.
	pub sig: [u8; 64],
	/// When the author created it (seconds since 1970).
	pub created_at: u64,
	/// Its tags, each a list of fields.
	pub tags: Vec<Vec<String>>,
	/// Its content.
	pub content: String,
}

impl SignedEvent {
	/// Why the chain would not take this note as it is, if it would not: a field beyond the
	/// chain's bounds, or an id the chain computes otherwise.
	pub fn unregistrable(&self) -> Option<String> {
		use licentia_primitives::nostr::{
			note_id, MAX_NOTE_BYTES, MAX_TAGS, MAX_TAG_FIELDS, MAX_TAG_FIELD_BYTES,
		};
		if self.content.len() > MAX_NOTE_BYTES as usize {
			return Some(format!(
				"its content is longer than the chain takes ({MAX_NOTE_BYTES} bytes)"
			));
		}
		if self.tags.len() > MAX_TAGS as usize
			|| self.tags.iter().any(|tag| {
				tag.len() > MAX_TAG_FIELDS as usize
					|| tag.iter().any(|field| field.len() > MAX_TAG_FIELD_BYTES as usize)
			}) {
			return Some(format!(
				"it has more tags than the chain takes ({MAX_TAGS} of at most {MAX_TAG_FIELDS} fields of {MAX_TAG_FIELD_BYTES} bytes)"
			));
		}
		let tags: Vec<Vec<&[u8]>> =
			self.tags.iter().map(|tag| tag.iter().map(|f| f.as_bytes()).collect()).collect();
		if note_id(&self.pubkey, self.created_at, &tags, self.content.as_bytes()) != Some(self.id) {
			return Some("the chain computes another id for it".into());
		}
		None
	}
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

/// The platform an export is read for: posts are registered through it.
#[derive(Clone, Debug)]
pub struct Target {
	/// Its id on chain.
	pub id: PlatformId,
	/// Its kind.
	pub kind: PlatformKind,
	/// Its domain (a Mastodon instance's accounts live there).
	pub domain: String,
	/// The store's key that posts' salts are made with ([`salt`]).
	pub salt_key: SaltKey,
}

/// The secret that a store's posts' salts are derived from (made once per store, kept in it):
/// never printed.
#[derive(Clone)]
pub struct SaltKey(pub [u8; 32]);

impl std::fmt::Debug for SaltKey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("SaltKey(..)")
	}
}

/// A post's salt ([`PostRecord::salt`]): blake2-256 of `key` and what identifies the post, so
/// that reading a post again gives it the same leaf, and nobody without the key can find it.
pub fn salt(key: &SaltKey, record: &PostRecord) -> H256 {
	use codec::Encode;
	let identifying = (&record.platform, &record.post, &record.content_hash, &record.author);
	H256::from(blake2_256(&(b"licentia-salt", key.0, identifying).encode()))
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
				export.posts.push(Post { position, record, event, content, labels })
			},
			Ok(Item::Withdrawal(withdrawal, reason)) => {
				export.withdrawals.push((position, withdrawal, reason))
			},
			Ok(Item::Edited(record, labels, earlier)) => {
				let content = Some(item.to_string());
				export.posts.push(Post { position, record, event: None, content, labels });
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
/// A post's record is complete: salted with the target's key, and with the hash of its text as
/// an anonymised license delivers it ([`crate::scrub`]).
pub fn read_item(target: &Target, item: &Value) -> Parsed {
	let mut parsed = match target.kind {
		PlatformKind::Bluesky => bluesky(target, item),
		PlatformKind::Mastodon => mastodon(target, item),
		PlatformKind::Nostr => nostr_event(target, item),
		PlatformKind::X => x_post(target, item),
	};
	if let Ok(Item::Post(record, ..) | Item::Edited(record, ..)) = &mut parsed {
		record.salt = salt(&target.salt_key, record);
		record.scrubbed_hash = crate::scrub::scrubbed_hash(target, item);
	}
	parsed
}

type Parsed = Result<Item, String>;

/// The items a JSON document holds: an array's elements, an API page's `data` (X) or an
/// ActivityStreams collection's `orderedItems` (a Mastodon outbox), or the document itself. A
/// Nostr relay message (`["EVENT", subscription, event]`, `["EOSE", ...]`) is one item.
fn expand(value: Value) -> Vec<Value> {
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
fn items(text: &str) -> Result<Vec<(Position, Result<Value, String>)>> {
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
fn archive_body(text: &str) -> &str {
	match text.trim_start().strip_prefix("window.YTD.") {
		Some(rest) => rest.split_once('=').map_or(text, |(_, json)| json),
		None => text,
	}
}

/// `bytes` as one of the chain's bounded byte strings, at most `max` long.
fn bounded<B: TryFrom<Vec<u8>>>(bytes: &[u8], what: &str, max: u32) -> Result<B, String> {
	B::try_from(bytes.to_vec()).map_err(|_| format!("{what} is longer than {max} bytes"))
}

fn text_hash(text: &str) -> H256 {
	H256::from(blake2_256(text.as_bytes()))
}

/// The six named character references a text may hold, and what they stand for.
const NAMED_REFERENCES: [(&str, char); 6] =
	[("amp", '&'), ("lt", '<'), ("gt", '>'), ("quot", '"'), ("apos", '\''), ("nbsp", '\u{a0}')];

/// `text` with its character references decoded: `&name;` where name is at most 10 ASCII
/// letters, digits or `#`, either `#` and decimal digits or `#x` and hex digits (a Unicode
/// scalar value), or one of [`NAMED_REFERENCES`]. Anything else stays as it is. (X escapes `&`,
/// `<` and `>` in a post's text; Mastodon escapes its HTML.)
pub fn decode_entities(text: &str) -> String {
	let mut out = String::with_capacity(text.len());
	let mut rest = text;
	while let Some(amp) = rest.find('&') {
		out.push_str(&rest[..amp]);
		let after = &rest[amp + 1..];
		let name_len = after
			.bytes()
			.take(10)
			.take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
			.count();
		let decoded = (after.as_bytes().get(name_len) == Some(&b';'))
			.then(|| reference(&after[..name_len]))
			.flatten();
		match decoded {
			Some(c) => {
				out.push(c);
				rest = &after[name_len + 1..];
			},
			None => {
				out.push('&');
				rest = after;
			},
		}
	}
	out.push_str(rest);
	out
}

/// The character a reference's name (between `&` and `;`) stands for.
fn reference(name: &str) -> Option<char> {
	let number = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
		(!hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
			.then(|| u32::from_str_radix(hex, 16).ok())
			.flatten()
	} else if let Some(decimal) = name.strip_prefix('#') {
		(!decimal.is_empty() && decimal.bytes().all(|b| b.is_ascii_digit()))
			.then(|| decimal.parse::<u32>().ok())
			.flatten()
	} else {
		return NAMED_REFERENCES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c);
	};
	number.and_then(char::from_u32)
}

/// The text of an HTML fragment (a Mastodon status's `content`), as its content hash covers it:
/// `<br>` is a newline; a `<p>` that follows a `</p>` with only ASCII whitespace between is two
/// newlines (that whitespace dropped); every other tag is nothing; character references are
/// decoded ([`decode_entities`]); nothing is trimmed or normalised. A `<` with no `>` after it
/// is text.
pub fn canonical_text(html: &str) -> String {
	let mut out = String::with_capacity(html.len());
	// The whitespace since a `</p>`, held until it is known whether a `<p>` follows.
	let mut held: Option<String> = None;
	let mut rest = html;
	while !rest.is_empty() {
		let (text, tag) = match rest.find('<').and_then(|s| rest[s..].find('>').map(|e| (s, s + e)))
		{
			Some((start, end)) => {
				let split = (&rest[..start], Some(&rest[start + 1..end]));
				rest = &rest[end + 1..];
				split
			},
			None => (std::mem::take(&mut rest), None),
		};
		if !text.is_empty() {
			match held.as_mut() {
				Some(space) if text.bytes().all(|b| b.is_ascii_whitespace()) => {
					space.push_str(text)
				},
				_ => {
					out.extend(held.take());
					out.push_str(&decode_entities(text));
				},
			}
		}
		let Some(tag) = tag else { continue };
		let closing = tag.starts_with('/');
		let name = tag.trim_start_matches('/');
		let name = &name[..name.bytes().take_while(u8::is_ascii_alphanumeric).count()];
		let (p, br) = (name.eq_ignore_ascii_case("p"), name.eq_ignore_ascii_case("br"));
		if p && !closing && held.take().is_some() {
			out.push_str("\n\n");
			continue;
		}
		out.extend(held.take());
		if p && closing {
			held = Some(String::new());
		} else if br {
			out.push('\n');
		}
	}
	out.extend(held);
	out
}

/// The digest of a Bluesky record's CID: a CIDv1 in base32 (`b...`) of a DAG-CBOR record
/// (codec 0x71) hashed with sha2-256 (0x12, 32 bytes), as every atproto record's is. It is the
/// sha2-256 of the record's DAG-CBOR bytes, which a buyer holding the record recomputes.
pub fn cid_digest(cid: &str) -> Result<H256, String> {
	let not = || format!("{cid:?} is not the CID of a record (CIDv1, base32, dag-cbor, sha2-256)");
	let base32 = cid.strip_prefix('b').ok_or_else(not)?;
	let (mut bytes, mut buffer, mut bits) = (Vec::with_capacity(36), 0u32, 0u32);
	for c in base32.bytes() {
		let value = match c {
			b'a'..=b'z' => c - b'a',
			b'2'..=b'7' => c - b'2' + 26,
			_ => return Err(not()),
		};
		buffer = buffer << 5 | u32::from(value);
		bits += 5;
		if bits >= 8 {
			bits -= 8;
			bytes.push((buffer >> bits) as u8);
			buffer &= (1 << bits) - 1;
		}
	}
	match bytes.as_slice() {
		[0x01, 0x71, 0x12, 0x20, digest @ ..] if digest.len() == 32 => Ok(H256::from_slice(digest)),
		_ => Err(not()),
	}
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
	let post_record = commit.record.as_ref().ok_or("a post creation without its record")?;
	let labels = post_record["labels"]["values"]
		.as_array()
		.into_iter()
		.flatten()
		.filter_map(|label| label["val"].as_str())
		.map(|value| format!("selfLabel:{value}"))
		.collect();
	let post = PostId::Bluesky {
		uri: bounded(uri.as_bytes(), "the post's at:// URI", MAX_URI_LEN)?,
		cid: bounded(cid.as_bytes(), "the cid", MAX_CID_LEN)?,
	};
	Ok(Item::Post(record(target, post, cid_digest(cid)?, author), None, labels))
}

/// ActivityStreams' audience meaning "everyone".
const PUBLIC: [&str; 3] = ["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"];

/// A Mastodon status as the REST API returns it, or an activity of an account's archive
/// (`outbox.json`). Only public and unlisted statuses are posts (private and direct ones are
/// skipped); reblogs are not original posts; accounts of other instances are not this
/// platform's to register.
fn mastodon(target: &Target, item: &Value) -> Parsed {
	#[derive(Deserialize)]
	struct Status {
		uri: String,
		content: String,
		account: Account,
		reblog: Option<Value>,
		visibility: Option<String>,
		#[serde(default)]
		sensitive: bool,
		#[serde(default)]
		spoiler_text: String,
	}
	#[derive(Deserialize)]
	struct Account {
		acct: String,
	}
	if let Some(kind) = item.get("type").and_then(Value::as_str) {
		return mastodon_activity(target, kind, item);
	}
	if let Some(event) = item.get("event").and_then(Value::as_str) {
		return mastodon_streamed(target, event, &item["payload"]);
	}
	let status: Status =
		serde_json::from_value(item.clone()).map_err(|e| format!("not a Mastodon status: {e}"))?;
	if status.reblog.is_some() {
		return Ok(Item::Skipped);
	}
	let mut labels = Vec::new();
	match status.visibility.as_deref() {
		None | Some("public") => {},
		Some("unlisted") => labels.push("unlisted".to_string()),
		Some(_) => return Ok(Item::Skipped),
	}
	// `acct` is `user` for the instance's own accounts and `user@instance` for remote ones.
	let account = match status.account.acct.split_once('@') {
		None => format!("{}@{}", status.account.acct, target.domain),
		Some((_, instance)) if instance.eq_ignore_ascii_case(&target.domain) => {
			status.account.acct.clone()
		},
		Some(_) => return Ok(Item::Skipped),
	};
	if status.sensitive {
		labels.push("sensitive".into());
	}
	if !status.spoiler_text.is_empty() {
		labels.push("contentWarning".into());
	}
	mastodon_post(target, &account, &status.uri, &status.content, labels)
}

/// A message of Mastodon's streaming API (`{"event": ..., "payload": "<JSON text>"}`): `update`
/// carries a new status, `status.update` an edited one (withdrawn: the chain registers a status
/// once, under its URI), `delete` a status id; notifications and the rest are skipped.
fn mastodon_streamed(target: &Target, event: &str, payload: &Value) -> Parsed {
	let payload = payload.as_str().ok_or("a streaming message without a text payload")?;
	let status = || -> Result<Value, String> {
		serde_json::from_str(payload)
			.map_err(|e| format!("a streamed status that is not JSON: {e}"))
	};
	match event {
		"update" => mastodon(target, &status()?),
		"status.update" => {
			let status = status()?;
			let uri = status["uri"].as_str().ok_or("an edited status without its uri")?;
			Ok(Item::Withdrawal(Withdrawal::Post(uri.to_string()), "edited".into()))
		},
		"delete" if !payload.is_empty() && payload.bytes().all(|b| b.is_ascii_digit()) => {
			Ok(Item::StatusDeletion(payload.to_string()))
		},
		"delete" => Err(format!("a deletion of {payload:?}, which is not a status id")),
		_ => Ok(Item::Skipped),
	}
}

/// An activity of a Mastodon account's archive (`outbox.json`, ActivityStreams): a `Create` of
/// a `Note` is a post, public (`to` everyone) or unlisted (`cc` everyone); a `Delete`
/// withdraws one; `Announce` (a boost) and the rest are skipped.
fn mastodon_activity(target: &Target, kind: &str, activity: &Value) -> Parsed {
	let object = &activity["object"];
	match kind {
		"Create" if object["type"] == "Note" => {},
		"Delete" => {
			let id = object.as_str().or_else(|| object["id"].as_str());
			let id = id.ok_or("a Delete activity without its object's id")?;
			return Ok(Item::Withdrawal(Withdrawal::Post(id.to_string()), "deleted".into()));
		},
		_ => return Ok(Item::Skipped),
	}
	let addressed = |field: &str| {
		object[field]
			.as_array()
			.is_some_and(|to| to.iter().any(|a| PUBLIC.iter().any(|p| a == p)))
	};
	let mut labels = Vec::new();
	if !addressed("to") {
		if !addressed("cc") {
			return Ok(Item::Skipped);
		}
		labels.push("unlisted".to_string());
	}
	// The actor is `https://<instance>/users/<name>`; other instances' are not ours.
	let actor = activity["actor"].as_str().ok_or("an activity without an actor")?;
	let (instance, name) = actor
		.strip_prefix("https://")
		.and_then(|rest| rest.split_once("/users/"))
		.ok_or_else(|| format!("{actor:?} is not a Mastodon actor URL"))?;
	if !instance.eq_ignore_ascii_case(&target.domain) {
		return Ok(Item::Skipped);
	}
	if object["sensitive"] == true {
		labels.push("sensitive".into());
	}
	if object["summary"].as_str().is_some_and(|s| !s.is_empty()) {
		labels.push("contentWarning".into());
	}
	let uri = object["id"].as_str().ok_or("a Note without an id")?;
	let content = object["content"].as_str().ok_or("a Note without content")?;
	mastodon_post(target, &format!("{name}@{instance}"), uri, content, labels)
}

fn mastodon_post(
	target: &Target,
	account: &str,
	uri: &str,
	content: &str,
	labels: Vec<String>,
) -> Parsed {
	let account = account.to_lowercase();
	let author = Identity::Mastodon(bounded(account.as_bytes(), "the account", MAX_HANDLE_LEN)?);
	author
		.validate()
		.map_err(|_| format!("{account:?} is not a Mastodon account"))?;
	let post = PostId::Mastodon { uri: bounded(uri.as_bytes(), "the status URI", MAX_URI_LEN)? };
	let hash = text_hash(&canonical_text(content));
	Ok(Item::Post(record(target, post, hash, author), None, labels))
}

/// An X post: `id_str` (or `id`) and `author_id`, both decimal strings in the API's JSON; the
/// API v2's long posts carry their whole text in `note_tweet.text`; an archive's posts are
/// wrapped in `{"tweet": ...}` with their text in `full_text`. Retweets are the original
/// author's posts, not the retweeter's: skipped (API v2 `referenced_tweets` of type
/// `retweeted`, v1.1 `retweeted_status`, an archive's `RT @` text).
fn x_post(target: &Target, item: &Value) -> Parsed {
	// A stream's message (`{"data": {...}, "includes": ...}`) holds one item.
	if let Some(data) = item.get("data").filter(|data| data.is_object()) {
		return x_post(target, data);
	}
	if let Some(withdrawal) = x_compliance(item) {
		return withdrawal;
	}
	let item = item.get("tweet").unwrap_or(item);
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
	let text = item["note_tweet"]["text"]
		.as_str()
		.or_else(|| item["text"].as_str())
		.or_else(|| item["full_text"].as_str())
		.ok_or("an X post without text")?;
	let retweet = !item["retweeted_status"].is_null()
		|| item["referenced_tweets"]
			.as_array()
			.is_some_and(|refs| refs.iter().any(|r| r["type"] == "retweeted"))
		|| item["full_text"].as_str().is_some_and(|t| t.starts_with("RT @"));
	if retweet {
		return Ok(Item::Skipped);
	}
	let sensitive = item["possibly_sensitive"] == true;
	let labels = if sensitive { vec!["sensitive".to_string()] } else { vec![] };
	let hash = text_hash(&decode_entities(text));
	let record = record(target, PostId::X { id }, hash, Identity::X(author));
	// An edit is a new post with a new id; `edit_history_tweet_ids` lists every version, oldest
	// first: the earlier ones are withdrawn.
	let earlier: Vec<String> = item["edit_history_tweet_ids"]
		.as_array()
		.into_iter()
		.flatten()
		.filter_map(|version| version.as_str().map(str::to_string))
		.filter(|version| *version != id.to_string())
		.collect();
	Ok(match earlier.is_empty() {
		true => Item::Post(record, None, labels),
		false => Item::Edited(record, labels, earlier),
	})
}

/// X's compliance data, if `item` is some: a compliance stream's event
/// (`{"delete": {"tweet": {"id": ...}}}`, `tweet_edit`, `withheld`, `drop`, and the user events
/// `user_delete`, `user_suspend`, `user_protect`, `user_withheld`), or a line of a batch
/// compliance job's result (`{"id": ..., "action": "delete", "reason": ...}`). Each withdraws a
/// post or every post of an account; the events that restore something (`undrop`,
/// `user_undelete`, ...) and profile changes are skipped.
fn x_compliance(item: &Value) -> Option<Parsed> {
	const TWEET_EVENTS: [&str; 4] = ["delete", "withheld", "drop", "tweet_edit"];
	const USER_EVENTS: [(&str, &str); 4] = [
		("user_delete", "deleted"),
		("user_suspend", "suspended"),
		("user_protect", "protected"),
		("user_withheld", "withheld"),
	];
	let object = item.as_object()?;
	let id_of = |value: &Value, what: &str| -> Result<String, String> {
		match &value["id"] {
			Value::String(id) if id.parse::<u64>().is_ok() => Ok(id.clone()),
			Value::Number(id) if id.as_u64().is_some() => Ok(id.to_string()),
			other => Err(format!("a compliance event whose {what} id is {other}")),
		}
	};
	if let Some((event, body)) =
		TWEET_EVENTS.iter().find_map(|e| object.get(*e).map(|body| (*e, body)))
	{
		let withdrawal = match event {
			// The version an edit replaced is withdrawn (each edit's event names the one before
			// it); the newest is a post of its own.
			"tweet_edit" => body["edit_tweet_ids"]
				.as_array()
				.and_then(|ids| ids.split_last())
				.and_then(|(_, earlier)| earlier.last())
				.and_then(Value::as_str)
				.map(|id| Withdrawal::Post(id.to_string()))
				.ok_or_else(|| "a tweet_edit without its earlier versions".to_string()),
			_ => id_of(&body["tweet"], "tweet").map(Withdrawal::Post),
		};
		let reason = match event {
			"delete" => "deleted",
			"tweet_edit" => "edited",
			other => other,
		};
		return Some(withdrawal.map(|w| Item::Withdrawal(w, reason.to_string())));
	}
	if let Some((body, reason)) = USER_EVENTS
		.iter()
		.find_map(|(e, reason)| object.get(*e).map(|body| (body, *reason)))
	{
		return Some(id_of(&body["user"], "user").and_then(|id| {
			let id = id.parse().map_err(|_| format!("a user id {id} that is not a u64"))?;
			Ok(Item::Withdrawal(Withdrawal::Author(Identity::X(id)), reason.to_string()))
		}));
	}
	const RESTORING: [&str; 6] = [
		"undrop",
		"user_undelete",
		"user_unsuspend",
		"user_unprotect",
		"user_unwithheld",
		"scrub_geo",
	];
	if RESTORING.iter().any(|e| object.contains_key(*e))
		|| object.contains_key("user_profile_modification")
	{
		return Some(Ok(Item::Skipped));
	}
	// A batch compliance job's line.
	let action = object.get("action")?.as_str()?;
	if object.contains_key("text") || object.contains_key("full_text") {
		return None;
	}
	let reason = object.get("reason").and_then(Value::as_str).unwrap_or(action).to_string();
	Some(id_of(item, "tweet").map(|id| Item::Withdrawal(Withdrawal::Post(id), reason)))
}

/// A Nostr NIP-01 event, read, serialised and verified by rust-nostr's `nostr` crate: its id is
/// recomputed (the serialisation every common client uses, with control characters escaped as
/// `\u00XX`) and its BIP-340 signature verified. Only text notes (kind 1) are posts.
fn nostr_event(target: &Target, item: &Value) -> Parsed {
	// A relay's wire message: `["EVENT", <subscription>, <event>]` holds one; the others
	// (`EOSE`, `NOTICE`, `OK`, `CLOSED`) are not posts.
	if let Some(message) = item.as_array() {
		return match message.as_slice() {
			[verb, _, event] if verb == "EVENT" => nostr_event(target, event),
			[verb, ..] if verb.is_string() => Ok(Item::Skipped),
			_ => Err("neither a NIP-01 event nor a relay message".into()),
		};
	}
	let event: ::nostr::event::Event =
		serde_json::from_value(item.clone()).map_err(|e| format!("not a NIP-01 event: {e}"))?;
	let deletion = event.kind == ::nostr::event::Kind::EventDeletion;
	if event.kind != ::nostr::event::Kind::TextNote && !deletion {
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
	let signed = SignedEvent {
		id,
		pubkey,
		sig,
		created_at: event.created_at.as_secs(),
		tags: event.tags.iter().map(|tag| tag.as_slice().to_vec()).collect(),
		content: event.content.clone(),
	};
	if deletion {
		let ids = event
			.tags
			.iter()
			.filter_map(|tag| match tag.as_slice() {
				[name, id, ..] if name == "e" => Some(id.to_lowercase()),
				_ => None,
			})
			.collect();
		return Ok(Item::NostrDeletion { ids, by: Identity::Nostr(pubkey) });
	}
	let post = PostId::Nostr { id };
	let record = record(target, post, H256::from(id), Identity::Nostr(pubkey));
	let warned = event
		.tags
		.iter()
		.any(|tag| tag.as_slice().first().is_some_and(|t| t == "content-warning"));
	let labels = if warned { vec!["contentWarning".to_string()] } else { vec![] };
	// A note the chain would refuse would fail its whole registration: it is rejected here.
	if let Some(reason) = signed.unregistrable() {
		return Err(format!("the chain cannot register this note: {reason}"));
	}
	Ok(Item::Post(record, Some(signed), labels))
}

/// A record without its salt and scrubbed hash, which [`read_item`] adds.
fn record(target: &Target, post: PostId, content_hash: H256, author: Identity) -> PostRecord {
	let (salt, scrubbed_hash) = (H256::zero(), H256::zero());
	PostRecord { platform: target.id, post, content_hash, author, salt, scrubbed_hash }
}

/// Reads an export file. An X archive's `data/tweets.js` names no author: it is the account of
/// the archive's `data/account.js`, read from beside it.
pub fn read_file(target: &Target, path: &std::path::Path) -> Result<Export> {
	let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
	let text = match target.kind == PlatformKind::Bluesky && is_car(&bytes) {
		true => repo::posts(&bytes).with_context(|| {
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

/// Whether `bytes` start like a CAR file (a varint and a DAG-CBOR map), not like JSON text.
fn is_car(bytes: &[u8]) -> bool {
	let text_like = |b: &u8| b.is_ascii_whitespace() || *b == b'[' || *b == b'{';
	bytes.len() > 2 && !bytes.first().is_some_and(text_like) && bytes[1] >> 5 == 5
}

/// Bluesky repository exports: `com.atproto.sync.getRepo`'s CAR file, read with `iroh-car` (CAR
/// v1) and `serde_ipld_dagcbor` (DAG-CBOR).
mod repo {
	use anyhow::{bail, ensure, Context, Result};
	use ipld_core::{cid::Cid, ipld::Ipld};
	use serde_json::{json, Value};
	use std::collections::HashMap;

	/// The multihash code of sha2-256, the only hash atproto uses for blocks.
	const SHA2_256: u64 = 0x12;
	/// A repository's tree is shallow (a layer holds ~4 times the keys of the one below); a
	/// deeper walk is a malformed or hostile file.
	const MAX_DEPTH: usize = 64;

	/// The repository's records, as JSON lines of the Jetstream `create` events that would have
	/// carried them: read like a Jetstream capture, so a post has the same record, CID and
	/// content hash whichever way it arrives (and the other collections are skipped). Every block is checked
	/// against its CID; the commit's signature is not (the platform exports its own users'
	/// repositories from its PDS).
	pub fn posts(car: &[u8]) -> Result<String> {
		let (roots, blocks) = futures::executor::block_on(read_car(car))?;
		let [root] = roots.as_slice() else {
			bail!("a repository has one root, not {}", roots.len())
		};
		let commit = decode(&blocks, root).context("the commit")?;
		let did = match field(&commit, "did") {
			Some(Ipld::String(did)) => did.clone(),
			_ => bail!("the commit has no did"),
		};
		let Some(Ipld::Link(tree)) = field(&commit, "data") else {
			bail!("the commit has no data")
		};
		let mut lines = String::new();
		walk(&blocks, tree, &mut Vec::new(), 0, &mut |key, cid| {
			let (collection, rkey) = key.split_once('/').context("a key without a collection")?;
			let record = to_json(&decode(&blocks, cid).with_context(|| format!("record {key}"))?);
			let event = json!({
				"did": did,
				"kind": "commit",
				"commit": {
					"operation": "create",
					"collection": collection,
					"rkey": rkey,
					"cid": cid.to_string(),
					"record": record,
				},
			});
			lines.push_str(&event.to_string());
			lines.push('\n');
			Ok(())
		})?;
		Ok(lines)
	}

	/// The CAR's roots and blocks, each block checked against its CID.
	async fn read_car(car: &[u8]) -> Result<(Vec<Cid>, HashMap<Cid, Vec<u8>>)> {
		let mut reader = iroh_car::CarReader::new(car).await.context("not a CAR v1 file")?;
		let roots = reader.header().roots().to_vec();
		let mut blocks = HashMap::new();
		while let Some((cid, data)) = reader.next_block().await.context("a CAR block")? {
			ensure!(cid.hash().code() == SHA2_256, "block {cid} is not hashed with sha2-256");
			let digest = sp_crypto_hashing::sha2_256(&data);
			ensure!(cid.hash().digest() == digest, "block {cid} does not match its CID");
			blocks.insert(cid, data);
		}
		Ok((roots, blocks))
	}

	fn decode(blocks: &HashMap<Cid, Vec<u8>>, cid: &Cid) -> Result<Ipld> {
		let data = blocks.get(cid).with_context(|| format!("block {cid} is not in the file"))?;
		serde_ipld_dagcbor::from_slice(data).with_context(|| format!("block {cid} is not DAG-CBOR"))
	}

	fn field<'a>(map: &'a Ipld, name: &str) -> Option<&'a Ipld> {
		match map {
			Ipld::Map(map) => map.get(name),
			_ => None,
		}
	}

	/// Visits the keys of the Merkle search tree at `node` in order, with their values' CIDs.
	/// A node is `{l: left subtree, e: [{p: prefix length shared with the previous key, k: the
	/// rest of the key, v: value, t: subtree after it}]}`; `last` is the previous key.
	fn walk(
		blocks: &HashMap<Cid, Vec<u8>>,
		node: &Cid,
		last: &mut Vec<u8>,
		depth: usize,
		visit: &mut dyn FnMut(&str, &Cid) -> Result<()>,
	) -> Result<()> {
		ensure!(depth < MAX_DEPTH, "the repository's tree is deeper than {MAX_DEPTH}");
		let node = decode(blocks, node).context("a tree node")?;
		if let Some(Ipld::Link(left)) = field(&node, "l") {
			walk(blocks, left, last, depth + 1, visit)?;
		}
		let Some(Ipld::List(entries)) = field(&node, "e") else { bail!("a tree node without e") };
		let mut previous = Vec::new();
		for (i, entry) in entries.iter().enumerate() {
			let (Some(Ipld::Integer(prefix)), Some(Ipld::Bytes(rest)), Some(Ipld::Link(value))) =
				(field(entry, "p"), field(entry, "k"), field(entry, "v"))
			else {
				bail!("a tree entry without p, k and v");
			};
			let prefix = usize::try_from(*prefix).ok().filter(|p| *p <= previous.len());
			let prefix = prefix.context("a tree entry's prefix is longer than the key before")?;
			previous.truncate(prefix);
			previous.extend_from_slice(rest);
			ensure!(i > 0 || prefix == 0, "a node's first key shares a prefix");
			ensure!(previous > *last, "the tree's keys are out of order");
			let key = std::str::from_utf8(&previous).context("a key that is not UTF-8")?;
			visit(key, value)?;
			last.clone_from(&previous);
			if let Some(Ipld::Link(subtree)) = field(entry, "t") {
				walk(blocks, subtree, last, depth + 1, visit)?;
			}
		}
		Ok(())
	}

	/// A record in atproto's JSON form: links as `{"$link": cid}`, bytes as `{"$bytes": base64}`.
	fn to_json(value: &Ipld) -> Value {
		use base64::Engine;
		match value {
			Ipld::Null => Value::Null,
			Ipld::Bool(b) => Value::Bool(*b),
			Ipld::Integer(i) => {
				i64::try_from(*i).map_or_else(|_| Value::String(i.to_string()), Value::from)
			},
			Ipld::Float(f) => json!(f),
			Ipld::String(s) => Value::String(s.clone()),
			Ipld::Bytes(bytes) => {
				json!({ "$bytes": base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes) })
			},
			Ipld::List(items) => Value::Array(items.iter().map(to_json).collect()),
			Ipld::Map(map) => map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect(),
			Ipld::Link(cid) => json!({ "$link": cid.to_string() }),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use licentia_primitives::nostr;

	fn target(kind: PlatformKind, domain: &str) -> Target {
		Target { id: 7, kind, domain: domain.into(), salt_key: SaltKey([3; 32]) }
	}

	/// The NIP-01 id of a text note, as rust-nostr computes it.
	fn event_id(pubkey: [u8; 32], created_at: u64, kind: u16, content: &str) -> [u8; 32] {
		tagged_event_id(pubkey, created_at, kind, &[], content)
	}

	fn tagged_event_id(
		pubkey: [u8; 32],
		created_at: u64,
		kind: u16,
		tags: &[Vec<String>],
		content: &str,
	) -> [u8; 32] {
		let tags = tags.iter().map(|t| ::nostr::event::Tag::parse(t.clone()).unwrap());
		::nostr::event::EventId::compute(
			&::nostr::key::PublicKey::from_byte_array(pubkey),
			&::nostr::types::Timestamp::from(created_at),
			&::nostr::event::Kind::from(kind),
			&::nostr::event::Tags::from_list(tags.collect()),
			content,
		)
		.to_bytes()
	}

	/// The chain's NIP-01 ids (`licentia_primitives::nostr::note_id`, computed on chain) are
	/// rust-nostr's, escapes and all.
	#[test]
	fn the_chains_note_ids_are_rust_nostrs() {
		let pubkey = nostr::public_key(&[0x42; 32]).unwrap();
		let contents = [
			"",
			"gm",
			"quote \" backslash \\ slash / tab \t nl \n cr \r bs \u{8} ff \u{c}",
			"nul \u{0} us \u{1f} del \u{7f} ü 🦀 \u{2028} \u{feff}",
		];
		let tags: Vec<Vec<String>> = vec![
			vec!["e".into(), "ab".repeat(32), "wss://relay.example".into(), "reply".into()],
			vec!["t".into(), "ai\"\n\u{1}".into()],
			vec!["content-warning".into()],
		];
		for content in contents {
			for tags in [&[][..], &tags[..]] {
				for created_at in [0, 1_700_000_000, u64::from(u32::MAX) + 1] {
					let fields: Vec<Vec<&[u8]>> =
						tags.iter().map(|t| t.iter().map(|f| f.as_bytes()).collect()).collect();
					assert_eq!(
						nostr::note_id(&pubkey, created_at, &fields, content.as_bytes()),
						Some(tagged_event_id(pubkey, created_at, 1, tags, content)),
						"{content:?} {tags:?} {created_at}"
					);
				}
			}
		}
	}

	/// A repository export (CAR) gives its posts as Jetstream would: the URIs of the DID's
	/// records, their CIDs (checked against the blocks) as content hashes, self-labels; the like,
	/// repost and profile are skipped. A block that does not match its CID fails the file.
	#[test]
	fn a_bluesky_repository_export_is_read() {
		let path =
			std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bluesky-repo.car");
		let target = target(PlatformKind::Bluesky, "bsky.social");
		let export = read_file(&target, &path).unwrap();
		assert!(export.rejected.is_empty(), "{:?}", export.rejected);
		assert_eq!((export.posts.len(), export.skipped), (4, 3));
		let did = "did:plc:4xq2mwu3ktv6yoqpqonyqvzc";
		for post in &export.posts {
			let PostId::Bluesky { uri, cid } = &post.record.post else { panic!("a Bluesky post") };
			let uri = std::str::from_utf8(uri).unwrap();
			assert!(uri.starts_with(&format!("at://{did}/app.bsky.feed.post/")), "{uri}");
			let cid = std::str::from_utf8(cid).unwrap();
			assert_eq!(post.record.content_hash, cid_digest(cid).unwrap());
			assert_eq!(
				post.record.author,
				Identity::Bluesky(did.as_bytes().to_vec().try_into().unwrap())
			);
		}
		let labelled: Vec<_> = export.posts.iter().filter(|p| !p.labels.is_empty()).collect();
		assert_eq!(labelled.len(), 1);
		assert_eq!(labelled[0].labels, ["selfLabel:graphic-media"]);
		let keys: Vec<_> = export
			.posts
			.iter()
			.map(|p| p.record.post.order_key(&p.record.author).expect("a TID"))
			.collect();
		assert!(keys.windows(2).all(|w| w[0] < w[1]), "the tree's order is the posts' order");

		// One byte of a record changed: its block no longer matches its CID.
		let mut car = std::fs::read(&path).unwrap();
		let at = car.windows(7).position(|w| w == b"curlews").unwrap();
		car[at] = b'C';
		let error = repo::posts(&car).unwrap_err();
		assert!(format!("{error:#}").contains("does not match its CID"), "{error:#}");
		// Not a CAR at all: one line.
		let error = repo::posts(&[0x3a, 0xa2, 1, 2, 3]).unwrap_err();
		assert!(format!("{error:#}").starts_with("not a CAR v1 file"), "{error:#}");
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
		let event = export.posts[0].event.clone().expect("a signed event");
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
			r#"{"did":"did:plc:abc","time_us":1,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.post","rkey":"3k","record":{"text":"hi"},"cid":"bafyreicaockpzx27skhe7f2dkhjnzczycsawabrhw2kcg4rf4wywma5nl4"}}"#,
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
				cid: b"bafyreicaockpzx27skhe7f2dkhjnzczycsawabrhw2kcg4rf4wywma5nl4"
					.to_vec()
					.try_into()
					.unwrap(),
			}
		);
		// The digest in the CID (content-hashes.json has the record it is the CID of).
		let digest = "407094fcdf5f928e4f974351d2dc8b381481600627b694237225e5b16603ad5f";
		assert_eq!(hex::encode(post.content_hash), digest);
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
					let text = canonical_text(vector["content"].as_str().unwrap());
					assert_eq!(text, vector["canonicalText"].as_str().unwrap(), "{vector}");
					text_hash(&text)
				},
				"x" => {
					let text = decode_entities(vector["text"].as_str().unwrap());
					assert_eq!(text, vector["canonicalText"].as_str().unwrap(), "{vector}");
					text_hash(&text)
				},
				"bluesky" => {
					let dag_cbor = hex::decode(&vector["dagCbor"].as_str().unwrap()[2..]).unwrap();
					let digest = H256::from(sp_crypto_hashing::sha2_256(&dag_cbor));
					assert_eq!(cid_digest(vector["cid"].as_str().unwrap()).unwrap(), digest);
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

	use crate::store::source_id;

	fn testdata(name: &str) -> std::path::PathBuf {
		std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(name)
	}

	fn labels(export: &Export) -> Vec<Vec<String>> {
		export.posts.iter().map(|p| p.labels.clone()).collect()
	}

	#[test]
	fn an_x_archive_names_its_author_in_account_js_and_its_retweets_are_skipped() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-archive/data/tweets.js"))
				.unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 1, 0));
		assert!(export.posts.iter().all(|p| p.record.author == Identity::X(2_244_994_945)));
		let first = "Archive day: exporting my posts & reading them back.";
		assert_eq!(export.posts[0].record.content_hash, text_hash(first));
		assert_eq!(labels(&export), vec![vec![], vec![], vec!["sensitive".to_string()]]);
	}

	#[test]
	fn x_pages_one_per_line_with_long_posts_and_retweets() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-pages.jsonl")).unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 1, 0));
		// A long post's hash covers its whole text (`note_tweet`), not the truncated `text`.
		let long = "Rate limits, 3/3, in full: ".to_string()
			+ &"retry after the reset time, not before; ".repeat(10);
		assert_eq!(export.posts[0].record.content_hash, text_hash(&long));
		assert_eq!(export.posts[2].record.content_hash, text_hash("Quota math: 1 < 2 && 3 > 2."));
		assert_eq!(labels(&export)[1], vec!["sensitive".to_string()]);
	}

	#[test]
	fn a_mastodon_outbox_gives_public_and_unlisted_notes_and_its_deletions() {
		let export = read_file(
			&target(PlatformKind::Mastodon, "mastodon.social"),
			&testdata("mastodon-outbox.json"),
		)
		.unwrap();
		// Followers-only, direct and the boost are skipped.
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (2, 3, 0));
		let ada = Identity::Mastodon(b"ada@mastodon.social".to_vec().try_into().unwrap());
		assert!(export.posts.iter().all(|p| p.record.author == ada));
		let cw = ["unlisted", "sensitive", "contentWarning"].map(String::from).to_vec();
		assert_eq!(labels(&export), vec![vec![], cw]);
		assert_eq!(
			export.posts[0].record.content_hash,
			text_hash("Part three: the engine & its cards.")
		);
		let deleted: Vec<_> = export.withdrawals.iter().map(|(_, w, r)| (w, r.as_str())).collect();
		let id = "https://mastodon.social/users/ada/statuses/113512200000000000".to_string();
		assert_eq!(deleted, vec![(&Withdrawal::Post(id), "deleted")]);
	}

	#[test]
	fn mastodon_statuses_that_are_not_public_are_skipped() {
		let status = |visibility: &str| {
			format!(
				r#"{{"uri":"https://m.example/users/a/statuses/1","content":"<p>x</p>","account":{{"acct":"ada"}},"reblog":null,"visibility":"{visibility}","sensitive":false,"spoiler_text":""}}"#
			)
		};
		let text = ["public", "unlisted", "private", "direct"].map(status).join("\n");
		let export = read(&target(PlatformKind::Mastodon, "m.example"), &text).unwrap();
		assert_eq!((export.posts.len(), export.skipped), (2, 2));
		assert_eq!(labels(&export), vec![vec![], vec!["unlisted".to_string()]]);
	}

	/// Mastodon's streaming API: two new statuses and one with a warning are posts; a boost and
	/// a notification are skipped; an edit withdraws its status by URI, a deletion names an id.
	#[test]
	fn mastodon_streaming_messages() {
		let export = read_file(
			&target(PlatformKind::Mastodon, "mastodon.social"),
			&testdata("mastodon-streaming.jsonl"),
		)
		.unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 2, 0));
		let cw = ["sensitive", "contentWarning"].map(String::from).to_vec();
		assert_eq!(labels(&export), vec![vec![], cw, vec![]]);
		assert_eq!(
			export.posts[0].record.content_hash,
			text_hash("Part four: on the engine's printer.")
		);
		let edited = source_id(&export.posts[2].record.post);
		let withdrawn: Vec<_> =
			export.withdrawals.iter().map(|(_, w, r)| (w, r.as_str())).collect();
		assert_eq!(withdrawn, vec![(&Withdrawal::Post(edited), "edited")]);
		let grace = source_id(&export.posts[1].record.post);
		assert_eq!(export.status_deletions, vec![grace.rsplit('/').next().unwrap().to_string()]);
	}

	/// X's filtered stream: each message holds one post; a retweet is skipped; an edit is a new
	/// post that withdraws the version it replaces.
	#[test]
	fn x_stream_messages_and_edits() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-stream.jsonl")).unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 1, 0));
		let first = source_id(&export.posts[0].record.post);
		let withdrawn: Vec<_> =
			export.withdrawals.iter().map(|(_, w, r)| (w, r.as_str())).collect();
		assert_eq!(withdrawn, vec![(&Withdrawal::Post(first), "edited")]);
		assert_eq!(
			export.posts[2].record.content_hash,
			text_hash("Streaming now: docs Q&A at 4pm (moved).")
		);
	}

	/// X's compliance data: deletions, edits, protected and suspended accounts withdraw;
	/// restorations are skipped; a batch job's line withdraws its post.
	#[test]
	fn x_compliance_events_withdraw() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-compliance.jsonl")).unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (0, 1, 0));
		let withdrawn: Vec<_> =
			export.withdrawals.iter().map(|(_, w, r)| (w.clone(), r.clone())).collect();
		let post = |id: &str, reason: &str| (Withdrawal::Post(id.into()), reason.to_string());
		let account = |id: u64, reason: &str| (Withdrawal::Author(Identity::X(id)), reason.into());
		assert_eq!(
			withdrawn,
			vec![
				post("1859567433968037889", "deleted"),
				post("1859567433968037889", "edited"),
				account(783_214, "protected"),
				account(17_874_544, "suspended"),
				post("1858805400265031682", "deleted"),
			]
		);
		assert!(export.check_platform(&target(PlatformKind::X, "x.com")).is_ok());
	}

	#[test]
	fn nostr_relay_messages_hold_events() {
		let export =
			read_file(&target(PlatformKind::Nostr, "nostr.com"), &testdata("nostr-wire.jsonl"))
				.unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (2, 2, 0));
		assert_eq!(labels(&export), vec![vec![], vec!["contentWarning".to_string()]]);
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
		for text in crate::fuzz::texts(&PIECES, 0x2545_f491_4f6c_dd1d, 24, 20_000) {
			let _ = canonical_text(&text);
			let _ = decode_entities(&text);
			let _ = cid_digest(&text);
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

	#[test]
	fn cids_that_are_not_record_cids_are_refused() {
		for cid in [
			"bafy",
			"Bafyreicaockpzx27skhe7f2dkhjnzczycsawabrhw2kcg4rf4wywma5nl4",
			"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
			"bafkreicaockpzx27skhe7f2dkhjnzczycsawabrhw2kcg4rf4wywma5nl4",
			"",
		] {
			assert!(cid_digest(cid).is_err(), "{cid}");
		}
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

	/// A post's record is salted with the store's key (the same post read again is the same
	/// leaf; under another key it has another salt) and carries the hash of the text the gateway
	/// delivers to an anonymised license: its stored content read back and scrubbed.
	#[test]
	fn a_post_is_salted_with_the_stores_key_and_hashes_its_scrubbed_text() {
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
		let text = crate::scrub::scrub(&crate::scrub::text_of(&x, &stored));
		assert_eq!(text, "gm @user, see [link] & [ref]");
		assert_eq!(record.scrubbed_hash, H256::from(blake2_256(text.as_bytes())));
		assert_eq!(record.salt, salt(&x.salt_key, &record));
		assert_eq!(read(&x), record, "read again");
		let other = read(&Target { salt_key: SaltKey([4; 32]), ..x.clone() });
		assert_ne!(other.salt, record.salt);
		assert_eq!(other.scrubbed_hash, record.scrubbed_hash);
		assert_eq!(format!("{:?}", x.salt_key), "SaltKey(..)", "never printed");
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
		assert_eq!(export.posts[0].event.as_ref().unwrap().pubkey, pubkey);
		assert!(export.rejected[0].reason.contains("does not match"), "{:?}", export.rejected);
		assert!(export.rejected[1].reason.contains("signature"), "{:?}", export.rejected);
	}
}
