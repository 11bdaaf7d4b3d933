//! Nostr: NIP-01 text notes (and relay messages carrying them), checked for id and signature;
//! NIP-09 deletions.

use super::{record, Parsed};
use crate::post::{Item, SignedEvent, Target};
use licentia_primitives::{consent::Identity, content::PostId, Hash as H256};
use serde_json::Value;

/// A Nostr NIP-01 event, read, serialised and verified by rust-nostr's `nostr` crate: its id is
/// recomputed (the serialisation every common client uses, with control characters escaped as
/// `\u00XX`) and its BIP-340 signature verified. Only text notes (kind 1) are posts.
pub(super) fn parse(target: &Target, item: &Value) -> Parsed {
	// A relay's wire message: `["EVENT", <subscription>, <event>]` holds one; the others
	// (`EOSE`, `NOTICE`, `OK`, `CLOSED`) are not posts.
	if let Some(message) = item.as_array() {
		return match message.as_slice() {
			[verb, _, event] if verb == "EVENT" => parse(target, event),
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

#[cfg(test)]
mod tests {
	use crate::formats::{read, read_file, tests::*};
	use licentia_primitives::consent::*;
	use licentia_primitives::nostr;

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
	fn nostr_relay_messages_hold_events() {
		let export =
			read_file(&target(PlatformKind::Nostr, "nostr.com"), &testdata("nostr-wire.jsonl"))
				.unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (2, 2, 0));
		assert_eq!(labels(&export), vec![vec![], vec!["contentWarning".to_string()]]);
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
