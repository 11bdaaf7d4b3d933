//! A record as the license's terms deliver it: whole, attributed, or anonymised (a pseudonym per
//! author and license, the scrubbed text, and its place in its batch's anonymous tree: leaf
//! format 3).

use super::state::*;
use crate::store::{Cursor, Served};
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::{BatchId, PostRecord},
	licensing::LicenseId,
	Hash,
};
use serde::Serialize;
use serde_json::{json, Value};
use sp_crypto_hashing::blake2_256;

/// One delivered record (docs/gateway.md): the fields of an anonymised record, or of one that
/// is not; never both.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Line<'a> {
	pub(super) cursor: String,
	pub(super) batch: BatchId,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) index: Option<u32>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) proof: Option<&'a [Hash]>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) anonymous_index: Option<u32>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) anonymous_proof: Option<&'a [Hash]>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) anonymous_key: Option<Hash>,
	pub(super) labels: &'a [String],
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) record: Option<&'a PostRecord>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) content: Option<&'a serde_json::value::RawValue>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) attribution: Option<Value>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) platform: Option<PlatformId>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) author: Option<String>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) text: Option<String>,
	/// The version of the scrubbing rules `text` was scrubbed with.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub(super) scrub: Option<u8>,
}

impl Gateway {
	/// `records` as delivered under `request`'s license, one per line.
	pub(super) fn render(&self, request: &Request, records: &[(Cursor, Served)]) -> String {
		Rendered::of(self, request, records).body
	}
}

/// A page rendered ahead of its metering, cut afterwards to what a cap leaves.
pub(super) struct Rendered {
	pub(super) body: String,
	/// Where each record's line ends in `body`, and its cursor.
	pub(super) ends: Vec<(usize, Cursor)>,
}

impl Rendered {
	pub(super) fn of(gateway: &Gateway, request: &Request, records: &[(Cursor, Served)]) -> Self {
		let mut body = String::with_capacity(records.len() * 768);
		let mut ends = Vec::with_capacity(records.len());
		for (position, served) in records {
			body.push_str(&gateway.deliver(request.id, *position, served, request.delivery));
			body.push('\n');
			ends.push((body.len(), *position));
		}
		Rendered { body, ends }
	}

	/// Keeps the first `count` records (at least one): the last one's cursor.
	pub(super) fn cut(&mut self, count: usize) -> Option<Cursor> {
		let (end, last) = *self.ends.get(count.checked_sub(1)?)?;
		self.body.truncate(end);
		self.ends.truncate(count);
		Some(last)
	}
}

/// An author's pseudonym within license `id`: keyed by the gateway's secret, so that nobody
/// without it can tell whose it is by hashing candidate identities, and by the license, so that
/// two licenses' datasets cannot be joined on it.
pub(super) fn pseudonym(secret: &[u8; 32], id: LicenseId, author: &Identity) -> String {
	use codec::Encode;
	let digest = blake2_256(&(b"licentia-pseudonym", secret, id, author).encode());
	format!("author-{}", hex::encode(&digest[..12]))
}

/// Who to credit, and where: the author's identity and a link to their profile.
pub(super) fn attribution(author: &Identity) -> Value {
	let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
	let (name, url) = match author {
		Identity::Bluesky(did) => (text(did), format!("https://bsky.app/profile/{}", text(did))),
		Identity::Mastodon(account) => {
			let account = text(account);
			let url = match account.split_once('@') {
				Some((user, instance)) => format!("https://{instance}/@{user}"),
				None => String::new(),
			};
			(account, url)
		},
		Identity::X(id) => (id.to_string(), format!("https://x.com/i/user/{id}")),
		Identity::Nostr(key) => (hex::encode(key), format!("nostr:{}", hex::encode(key))),
	};
	json!({ "author": name, "url": url })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pseudonyms_are_stable_within_a_license_and_differ_across_licenses_and_keys() {
		let author = Identity::X(783_214);
		let key = [7; 32];
		assert_eq!(pseudonym(&key, 1, &author), pseudonym(&key, 1, &author));
		assert_ne!(pseudonym(&key, 1, &author), pseudonym(&key, 2, &author));
		assert_ne!(pseudonym(&key, 1, &author), pseudonym(&[8; 32], 1, &author));
		assert_ne!(pseudonym(&key, 1, &author), pseudonym(&key, 1, &Identity::X(783_215)));
	}
}
