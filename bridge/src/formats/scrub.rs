//! What an anonymised license delivers of a post's text, and its hash in the post's leaf.
//!
//! The scrubbed text is fixed when a post is read, before its batch is built: its hash is half of
//! the post's leaf ([`PostRecord::scrubbed_hash`]), so that a buyer of an anonymised record can
//! check that the text delivered is the text registered without learning whose post it is
//! (docs/design.md, *The data path*). These rules are therefore part of the registration
//! format: changing them changes the leaves of every post read afterwards. So they are
//! versioned tables of rules ([`Rules`], [`VERSIONS`]): a change is a new version, and the
//! gateway delivers each post under the version its leaf was made with
//! ([`scrub_as_registered`]). [`text_of`] is the same for every version: change it only with a
//! new leaf format.
//!
//! [`PostRecord::scrubbed_hash`]: licentia_primitives::content::PostRecord::scrubbed_hash

use super::text::{canonical_text, decode_entities};
use crate::post::Target;
use licentia_primitives::Hash;
use serde_json::Value;
use sp_crypto_hashing::blake2_256;

/// The hash of `content`'s text scrubbed with the current rules: blake2-256 of its UTF-8 bytes.
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

/// A version of the scrubbing rules: a word (what lies between whitespace, less the punctuation
/// around it) that one of its rules matches is replaced by that rule's replacement, the first
/// rule that matches winning; whitespace and the punctuation around words are kept.
pub struct Rules {
	/// Its number, delivered with each anonymised record (`scrub`).
	pub version: u8,
	/// Its rules, in order.
	pub rules: &'static [Rule],
	/// Whether words are matched folded ([`fold`]: look-alike characters as the ASCII they
	/// imitate, invisible ones dropped), and runs of digit groups read as one number.
	pub folds: bool,
}

/// One rule: a name, what replaces a word it matches, and the test of a word's core (folded
/// and lowercased when its version folds).
pub struct Rule {
	pub name: &'static str,
	pub replacement: &'static str,
	pub matches: fn(&str) -> bool,
}

/// The rules of the first leaf format (spec 106): mentions and addresses, links with a scheme
/// or `www.`, DIDs and Nostr references. They leave bare handles and domains, `@_handle`,
/// look-alike `＠`, phone numbers and long ids (issue 30).
pub const V1: Rules = Rules {
	version: 1,
	folds: false,
	rules: &[
		Rule {
			name: "link",
			replacement: "[link]",
			matches: |w| w.contains("://") || w.starts_with("www."),
		},
		Rule { name: "mention", replacement: "@user", matches: mention_v1 },
		Rule { name: "reference", replacement: "[ref]", matches: reference_v1 },
	],
};

/// The rules posts are read with now: also `@` followed by any handle character, e-mail
/// addresses, bare domains and handles (`alice.bsky.social`, `x.com/alice`, `example.org/path`),
/// Nostr keys and ids anywhere in a word (bech32 `npub1`/`nprofile1`/`note1`/`nevent1`/`naddr1`/
/// `nsec1`, 64 hex digits), and numbers of seven digits or more (phone numbers, account and post
/// ids), alone or in groups separated by single spaces, dashes, dots or parentheses; all of them
/// after folding look-alikes (`＠`, `﹫`, full-width forms, `．` `。`, `／`, `：`) and dropping
/// invisible characters (zero-width spaces and joiners, soft hyphens, direction marks).
pub const V2: Rules = Rules {
	version: 2,
	folds: true,
	rules: &[
		Rule { name: "mention", replacement: "@user", matches: mention_v2 },
		Rule { name: "link", replacement: "[link]", matches: link_v2 },
		Rule { name: "reference", replacement: "[ref]", matches: reference_v2 },
		Rule { name: "number", replacement: "[number]", matches: number_v2 },
	],
};

/// The rules posts are read with now.
pub const CURRENT: &Rules = &V2;

/// Every version, oldest first: a gateway delivers a post's text under the version whose
/// scrubbed text hashes to the post's leaf.
pub const VERSIONS: [&Rules; 2] = [&V1, &V2];

/// `text` scrubbed with the current rules.
pub fn scrub(text: &str) -> String {
	CURRENT.scrub(text)
}

/// `text` scrubbed by the version of the rules whose output's hash the post was registered with
/// (`registered`: for leaf format 3, that its anonymous leaf is of that hash), newest first,
/// with that version; the current rules' output if none is (it then fails the buyer's check, as
/// a text changed since registration must).
pub fn scrub_as_registered(text: &str, registered: impl Fn(&Hash) -> bool) -> (String, u8) {
	for rules in VERSIONS.iter().rev() {
		let scrubbed = rules.scrub(text);
		if registered(&Hash::from(blake2_256(scrubbed.as_bytes()))) {
			return (scrubbed, rules.version);
		}
	}
	(CURRENT.scrub(text), CURRENT.version)
}

impl Rules {
	/// `text` with every word a rule matches replaced.
	pub fn scrub(&self, text: &str) -> String {
		let joined;
		let text = if self.folds {
			joined = join_numbers(text);
			&joined
		} else {
			text
		};
		let mut out = String::with_capacity(text.len());
		let mut word = String::new();
		for c in text.chars() {
			if c.is_whitespace() {
				self.flush(&mut word, &mut out);
				out.push(c);
			} else {
				word.push(c);
			}
		}
		self.flush(&mut word, &mut out);
		out
	}

	/// Appends `word`, or what replaces it, to `out`.
	fn flush(&self, word: &mut String, out: &mut String) {
		if word.is_empty() {
			return;
		}
		let at = |c: char| c == '@' || (self.folds && matches!(c, '＠' | '﹫'));
		let core = word.trim_start_matches(|c: char| !c.is_alphanumeric() && !at(c));
		let lead = &word[..word.len() - core.len()];
		let core = core.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '_');
		let trail = &word[lead.len() + core.len()..];
		let seen = if self.folds { fold(core) } else { core.to_lowercase() };
		match self.rules.iter().find(|rule| (rule.matches)(&seen)) {
			Some(rule) => {
				out.push_str(lead);
				out.push_str(rule.replacement);
				out.push_str(trail);
			},
			None => out.push_str(word),
		}
		word.clear();
	}
}

/// `word` lowercased, with look-alikes as the ASCII they imitate (full-width forms, `﹫`, the
/// ideographic and half-width full stops, slash and colon look-alikes) and invisible characters
/// (format characters: zero-width space, joiners, soft hyphen, direction marks, BOM) dropped.
pub fn fold(word: &str) -> String {
	word.chars()
		.filter(|c| !is_invisible(*c))
		.map(|c| match c {
			'\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
			'﹫' => '@',
			'。' | '｡' | '․' | '﹒' => '.',
			'⁄' | '∕' | '⧸' => '/',
			'꞉' | '∶' | '﹕' => ':',
			_ => c,
		})
		.flat_map(char::to_lowercase)
		.collect()
}

/// Characters that show nothing (Unicode's format characters that text may carry).
fn is_invisible(c: char) -> bool {
	matches!(c,
		'\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
		| '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
		| '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
		| '\u{FFA0}' | '\u{E0000}'..='\u{E007F}')
}

fn mention_v1(word: &str) -> bool {
	word.char_indices()
		.any(|(i, c)| c == '@' && word[i + 1..].starts_with(|n: char| n.is_alphanumeric()))
}

fn reference_v1(word: &str) -> bool {
	["did:", "nostr:"].iter().any(|scheme| word.contains(scheme))
		|| ["npub1", "note1", "nevent1", "nprofile1", "naddr1"]
			.iter()
			.any(|prefix| word.starts_with(prefix))
}

/// A character of a handle or an address's local part.
fn handle_char(c: char) -> bool {
	c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+')
}

/// `@` followed by a handle character: a mention (`@name`, `@_name`, `@name@instance`) or an
/// e-mail address.
fn mention_v2(word: &str) -> bool {
	word.char_indices()
		.any(|(i, c)| c == '@' && word[i + 1..].starts_with(handle_char))
}

/// A link with a scheme, `www.`, or a domain anywhere in the word: two or more labels of letters,
/// digits or hyphens separated by dots, the last of at least two letters (`example.org/path`,
/// `alice.bsky.social`, `пример.рф`).
fn link_v2(word: &str) -> bool {
	if word.contains("://") || word.contains("www.") {
		return true;
	}
	let label = |c: char| c.is_alphanumeric() || c == '-';
	let labels: Vec<&str> = word.split(|c: char| !label(c) && c != '.').collect();
	labels.iter().any(|run| {
		let parts: Vec<&str> = run.trim_matches(['.', '-']).split('.').collect();
		parts.len() >= 2
			&& parts.iter().all(|part| !part.is_empty())
			&& parts.last().is_some_and(|last| {
				// The top-level domain: letters (what a hyphen glues to it is not).
				let tld = last.split('-').next().unwrap_or_default();
				tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)
			})
	})
}

/// A DID or Nostr URI, a Nostr bech32 entity anywhere in the word, or 64 hex digits (a Nostr key
/// or event id).
fn reference_v2(word: &str) -> bool {
	const BECH32: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	if ["did:", "nostr:"].iter().any(|scheme| word.contains(scheme)) {
		return true;
	}
	let bech32 = ["npub1", "nsec1", "note1", "nevent1", "nprofile1", "naddr1", "nrelay1"]
		.iter()
		.any(|prefix| {
			word.match_indices(prefix).any(|(i, _)| {
				word[i + prefix.len()..].chars().take_while(|c| BECH32.contains(*c)).count() >= 6
			})
		});
	let mut run = 0;
	let hex = word.chars().any(|c| {
		run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
		run >= 64
	});
	bech32 || hex
}

/// Seven digits or more in the word, but for a quantity written with thousands separators
/// (`1,000,000`).
fn number_v2(word: &str) -> bool {
	!word.contains(',') && word.chars().filter(|c| c.is_numeric()).count() >= 7
}

/// `text` with runs of digit groups separated by one space (`+1 555 123 4567`, `06 12 34 56
/// 78`) that hold seven digits or more together replaced by `[number]`.
fn join_numbers(text: &str) -> String {
	let group = |word: &str| {
		// Most words hold no digit (a full-width one is numeric too): not folded.
		if !word.chars().any(char::is_numeric) {
			return false;
		}
		let folded = fold(word);
		let core = folded.trim_matches(|c: char| !c.is_alphanumeric());
		core.chars().any(char::is_numeric)
			&& core.chars().all(|c| c.is_numeric() || matches!(c, '(' | ')' | '-' | '.'))
	};
	let digits = |word: &str| fold(word).chars().filter(|c| c.is_numeric()).count();
	// Words and the whitespace between them, in turn.
	let mut tokens: Vec<&str> = Vec::new();
	let (mut start, mut space) = (0, None);
	for (i, c) in text.char_indices() {
		if space != Some(c.is_whitespace()) {
			if i > start {
				tokens.push(&text[start..i]);
			}
			(start, space) = (i, Some(c.is_whitespace()));
		}
	}
	if start < text.len() {
		tokens.push(&text[start..]);
	}
	let mut out = String::with_capacity(text.len());
	let mut i = 0;
	while i < tokens.len() {
		let (mut end, mut count) = (i, 0);
		if group(tokens[i]) {
			count = digits(tokens[i]);
			while end + 2 < tokens.len() && tokens[end + 1] == " " && group(tokens[end + 2]) {
				end += 2;
				count += digits(tokens[end]);
			}
		}
		if end > i && count >= 7 {
			out.push_str("[number]");
			i = end + 1;
		} else {
			out.push_str(tokens[i]);
			i += 1;
		}
	}
	out
}

#[cfg(test)]
mod tests;
