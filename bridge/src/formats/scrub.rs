//! What an anonymised license delivers of a post's text, and its hash in the post's leaf.
//!
//! The scrubbed text is fixed when a post is read, before its batch is built: its hash is half of
//! the post's leaf ([`PostRecord::scrubbed_hash`]), so that a buyer of an anonymised record can
//! check that the text delivered is the text registered without learning whose post it is
//! (docs/design.md, *The data path*). These rules are therefore part of the registration
//! format: changing [`scrub`] or [`text_of`] changes the leaves of every post read afterwards,
//! and a gateway serving a post read before the change would deliver text that no longer hashes
//! to its leaf. Change them only with a new leaf format.
//!
//! [`PostRecord::scrubbed_hash`]: licentia_primitives::content::PostRecord::scrubbed_hash

use super::text::{canonical_text, decode_entities};
use crate::post::Target;
use licentia_primitives::Hash;
use serde_json::Value;
use sp_crypto_hashing::blake2_256;

/// The hash of `content`'s scrubbed text: blake2-256 of its UTF-8 bytes.
pub fn scrubbed_hash(target: &Target, content: &Value) -> Hash {
	Hash::from(blake2_256(scrub(&text_of(target, content)).as_bytes()))
}

/// The text of a post's content, as its platform's content hash reads it.
pub fn text_of(target: &Target, content: &Value) -> String {
	use licentia_primitives::consent::PlatformKind;
	let string = |value: &Value| value.as_str().unwrap_or_default().to_string();
	match target.kind {
		PlatformKind::Bluesky => string(&content["commit"]["record"]["text"]),
		PlatformKind::Mastodon => {
			let html =
				content["content"].as_str().or_else(|| content["object"]["content"].as_str());
			canonical_text(html.unwrap_or_default())
		},
		PlatformKind::X => {
			let post = content.get("data").filter(|d| d.is_object()).unwrap_or(content);
			let post = post.get("tweet").unwrap_or(post);
			let text = post["note_tweet"]["text"]
				.as_str()
				.or_else(|| post["text"].as_str())
				.or_else(|| post["full_text"].as_str());
			decode_entities(text.unwrap_or_default())
		},
		PlatformKind::Nostr => {
			let event = content.get(2).filter(|_| content.is_array()).unwrap_or(content);
			string(&event["content"])
		},
	}
}

/// `text` with what identifies people or posts replaced, word by word (a word is what lies
/// between whitespace, less the punctuation around it): a word with a mention or an address in
/// it (`@name`, `@name@instance`, `cc:@name`, `name@host`) becomes `@user`; a link (`://`,
/// `www.`) `[link]`; a DID or Nostr reference (`did:`, `nostr:`, `npub1`, `note1`, `nevent1`,
/// `nprofile1`, `naddr1`) `[ref]`. Whitespace and the punctuation around words are kept.
pub fn scrub(text: &str) -> String {
	let mut out = String::with_capacity(text.len());
	let mut word = String::new();
	let flush = |word: &mut String, out: &mut String| {
		if word.is_empty() {
			return;
		}
		let core = word.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '@');
		let lead = &word[..word.len() - core.len()];
		let core = core.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '_');
		let trail = &word[lead.len() + core.len()..];
		let lower = core.to_lowercase();
		let mention = core
			.char_indices()
			.any(|(i, c)| c == '@' && core[i + 1..].starts_with(|n: char| n.is_alphanumeric()));
		let replaced = if lower.contains("://") || lower.starts_with("www.") {
			Some("[link]")
		} else if mention {
			Some("@user")
		} else if ["did:", "nostr:"].iter().any(|scheme| lower.contains(scheme))
			|| ["npub1", "note1", "nevent1", "nprofile1", "naddr1"]
				.iter()
				.any(|prefix| lower.starts_with(prefix))
		{
			Some("[ref]")
		} else {
			None
		};
		match replaced {
			Some(replacement) => {
				out.push_str(lead);
				out.push_str(replacement);
				out.push_str(trail);
			},
			None => out.push_str(word),
		}
		word.clear();
	};
	for c in text.chars() {
		if c.is_whitespace() {
			flush(&mut word, &mut out);
			out.push(c);
		} else {
			word.push(c);
		}
	}
	flush(&mut word, &mut out);
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn scrubbing_removes_handles_links_and_references() {
		assert_eq!(
			scrub("hi @ada@mastodon.social, see https://x.com/a?b (and www.example.com)\n\tnostr:npub1xyz did:plc:abc"),
			"hi @user, see [link] (and [link])\n\t[ref] [ref]"
		);
		assert_eq!(scrub("plain text, 5 @ 6"), "plain text, 5 @ 6");
		assert_eq!(
			scrub("«@ünïcode» ... '@x' cc:@ada ada@example.org"),
			"«@user» ... '@user' @user @user"
		);
		assert_eq!(scrub("see (https://a.example/b/)."), "see ([link]).");
	}

	/// Arbitrary words (multi-byte, punctuation, huge numbers) never panic the scrubber, and no
	/// mention is left in scrubbed text: whatever follows an `@` that survives is not a letter
	/// or digit.
	#[test]
	fn arbitrary_text_never_panics_and_no_mention_survives() {
		const PIECES: [&str; 20] = [
			"@",
			"a",
			"é",
			"🖌️",
			".",
			",",
			"(",
			")",
			" ",
			"\n",
			"://",
			"www.",
			"did:",
			"npub1",
			"_",
			"/",
			"9",
			"99999999999999999999",
			"-",
			"«",
		];
		for text in licentia_harness::fuzz::texts(&PIECES, 0x9e37_79b9_7f4a_7c15, 16, 20_000) {
			let scrubbed = scrub(&text);
			assert_eq!(
				scrubbed.chars().filter(|c| c.is_whitespace()).count(),
				text.chars().filter(|c| c.is_whitespace()).count(),
				"{text:?}"
			);
			for (i, _) in scrubbed.match_indices('@') {
				let after = scrubbed[i + 1..].chars().next();
				assert!(
					scrubbed[i..].starts_with("@user") || !after.is_some_and(char::is_alphanumeric),
					"{text:?} -> {scrubbed:?}"
				);
			}
		}
	}
}
