//! The bridge's ground floor: what a post is to the bridge, before and after the chain sees it.
//!
//! A platform's items become [`Item`]s (a post, a withdrawal, something skipped); a post read
//! for a [`Target`] platform is a [`Post`], its leaf salted with the store's [`SaltKey`]. Every
//! other module builds on these types and on nothing else of the bridge.

use licentia_primitives::{
	consent::{Identity, PlatformId, PlatformKind},
	content::{PostId, PostRecord},
	Hash as H256,
};
use sp_crypto_hashing::blake2_256;

/// A post found in an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
	/// Where it was: `line N` or `item N` of the file.
	pub position: Position,
	/// The record the chain will hold (its leaf).
	pub record: PostRecord,
	/// Its anonymous leaf (leaf format 3: `licentia_primitives::anonymous`), which the record's
	/// text seal stands for: what the batch's anonymous tree holds for it.
	pub anonymous: H256,
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
		Self {
			position: Position::Line(0),
			record,
			anonymous: H256::zero(),
			event: None,
			content: None,
			labels: Vec::new(),
		}
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
	keyed(b"licentia-salt", key, record)
}

/// A post's blind (leaf format 3): blake2-256 of `key` and what identifies the post, under
/// another tag than its [`salt`] (a Nostr note's salt is public on chain; its blind never is).
/// Whoever has it can tie the post's anonymous leaf to its record; the store never gives it out,
/// but for the chain's samples.
pub fn blind(key: &SaltKey, record: &PostRecord) -> H256 {
	keyed(b"licentia-blind", key, record)
}

/// blake2-256 of the SCALE encoding of `tag`, `key` and what identifies the post (its platform,
/// id, content hash and author): the same post read again gets the same value. (The tag is an
/// array: SCALE writes it without a length, as salts have always been made.)
fn keyed<const N: usize>(tag: &[u8; N], key: &SaltKey, record: &PostRecord) -> H256 {
	use codec::Encode;
	let identifying = (&record.platform, &record.post, &record.content_hash, &record.author);
	H256::from(blake2_256(&(tag, key.0, identifying).encode()))
}

/// Something a source withdrew: one post, or every post of an author (an account deleted or
/// deactivated).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Withdrawal {
	/// A post, by its id at the source (see [`source_id`]).
	Post(String),
	/// Every post of an author.
	Author(Identity),
}

/// A post's id at its source, as deletion notices name it: an X id, a Bluesky or Mastodon URI,
/// a Nostr event id in hex.
pub fn source_id(post: &PostId) -> String {
	match post {
		PostId::Bluesky { uri, .. } | PostId::Mastodon { uri } => {
			String::from_utf8_lossy(uri).into_owned()
		},
		PostId::Nostr { id } => hex::encode(id),
		PostId::X { id } => id.to_string(),
	}
}
