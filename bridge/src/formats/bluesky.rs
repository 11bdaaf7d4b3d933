//! Bluesky: Jetstream events (and, through [`super::car`], repository exports read as such).

use super::{bounded, record, Parsed};
use crate::post::{Item, Target, Withdrawal};
use licentia_primitives::{
	consent::{Identity, MAX_HANDLE_LEN},
	content::{PostId, MAX_CID_LEN, MAX_URI_LEN},
	Hash as H256,
};
use serde::Deserialize;
use serde_json::Value;

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
pub(super) fn parse(target: &Target, item: &Value) -> Parsed {
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

#[cfg(test)]
mod tests {
	use super::*;
	use crate::formats::{read, tests::*};
	use crate::post::*;
	use licentia_primitives::consent::*;

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
}
