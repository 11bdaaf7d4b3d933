//! Bluesky repository exports: `com.atproto.sync.getRepo`'s CAR file, read with `iroh-car` (CAR
//! v1) and `serde_ipld_dagcbor` (DAG-CBOR).

use anyhow::{bail, ensure, Context, Result};
use ipld_core::{cid::Cid, ipld::Ipld};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Whether `bytes` start like a CAR file (a varint and a DAG-CBOR map), not like JSON text.
pub(super) fn is_car(bytes: &[u8]) -> bool {
	let text_like = |b: &u8| b.is_ascii_whitespace() || *b == b'[' || *b == b'{';
	bytes.len() > 2 && !bytes.first().is_some_and(text_like) && bytes[1] >> 5 == 5
}

/// The multihash code of sha2-256, the only hash atproto uses for blocks.
pub(super) const SHA2_256: u64 = 0x12;

/// A repository's tree is shallow (a layer holds ~4 times the keys of the one below); a
/// deeper walk is a malformed or hostile file.
pub(super) const MAX_DEPTH: usize = 64;

/// The repository's records, as JSON lines of the Jetstream `create` events that would have
/// carried them: read like a Jetstream capture, so a post has the same record, CID and
/// content hash whichever way it arrives (and the other collections are skipped). Every block is checked
/// against its CID; the commit's signature is not (the platform exports its own users'
/// repositories from its PDS).
pub fn posts(car: &[u8]) -> Result<String> {
	let (roots, blocks) = futures::executor::block_on(read_car(car))?;
	let [root] = roots.as_slice() else { bail!("a repository has one root, not {}", roots.len()) };
	let commit = decode(&blocks, root).context("the commit")?;
	let did = match field(&commit, "did") {
		Some(Ipld::String(did)) => did.clone(),
		_ => bail!("the commit has no did"),
	};
	let Some(Ipld::Link(tree)) = field(&commit, "data") else { bail!("the commit has no data") };
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
pub(super) async fn read_car(car: &[u8]) -> Result<(Vec<Cid>, HashMap<Cid, Vec<u8>>)> {
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

pub(super) fn decode(blocks: &HashMap<Cid, Vec<u8>>, cid: &Cid) -> Result<Ipld> {
	let data = blocks.get(cid).with_context(|| format!("block {cid} is not in the file"))?;
	serde_ipld_dagcbor::from_slice(data).with_context(|| format!("block {cid} is not DAG-CBOR"))
}

pub(super) fn field<'a>(map: &'a Ipld, name: &str) -> Option<&'a Ipld> {
	match map {
		Ipld::Map(map) => map.get(name),
		_ => None,
	}
}

/// Visits the keys of the Merkle search tree at `node` in order, with their values' CIDs.
/// A node is `{l: left subtree, e: [{p: prefix length shared with the previous key, k: the
/// rest of the key, v: value, t: subtree after it}]}`; `last` is the previous key.
pub(super) fn walk(
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
pub(super) fn to_json(value: &Ipld) -> Value {
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

#[cfg(test)]
mod tests {
	use super::*;
	use crate::formats::{read_file, tests::*};
	use licentia_primitives::{consent::*, content::*};

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
			assert_eq!(post.record.content_hash, crate::formats::bluesky::cid_digest(cid).unwrap());
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
		let error = posts(&car).unwrap_err();
		assert!(format!("{error:#}").contains("does not match its CID"), "{error:#}");
		// Not a CAR at all: one line.
		let error = posts(&[0x3a, 0xa2, 1, 2, 3]).unwrap_err();
		assert!(format!("{error:#}").starts_with("not a CAR v1 file"), "{error:#}");
	}
}
