//! The scrubbing rules: version 1 kept as it was (posts registered under it are still delivered
//! with it), version 2 checked against a table per platform (bridge/testdata/scrub.json) and a
//! property: every identifier form, with a random name, in arbitrary Unicode text around it,
//! leaves no trace of the name.

use super::*;
use crate::post::{SaltKey, Target};
use licentia_primitives::consent::PlatformKind;

#[test]
fn version_1_is_unchanged() {
	assert_eq!(
		V1.scrub("hi @ada@mastodon.social, see https://x.com/a?b (and www.example.com)\n\tnostr:npub1xyz did:plc:abc"),
		"hi @user, see [link] (and [link])\n\t[ref] [ref]"
	);
	assert_eq!(V1.scrub("plain text, 5 @ 6"), "plain text, 5 @ 6");
	assert_eq!(
		V1.scrub("«@ünïcode» ... '@x' cc:@ada ada@example.org"),
		"«@user» ... '@user' @user @user"
	);
	assert_eq!(V1.scrub("see (https://a.example/b/)."), "see ([link]).");
	// What issue 30 found it leaves.
	assert_eq!(
		V1.scrub("@_ada ＠ada alice.bsky.social x.com/ada +1 555 123 4567"),
		"@_ada ＠ada alice.bsky.social x.com/ada +1 555 123 4567"
	);
}

/// Version 2 on what issue 30 found, and on what must stay.
#[test]
fn version_2_scrubs_what_version_1_left() {
	let cases = [
		("@_ada and ＠ada and ﹫ada", "@user and @user and @user"),
		("@\u{200B}ada, a\u{00AD}da@exam\u{200D}ple.org", "@user, @user"),
		("alice.bsky.social x.com/ada example.org/path пример.рф", "[link] [link] [link] [link]"),
		("see ｘ．ｃｏｍ／ada and bsky.app/profile/ada.", "see [link] and [link]."),
		(
			"call +1 555 123 4567 or (555) 123-4567 or 0612345678",
			"call [number] or [number] or [number]",
		),
		("user 1858809292782927881 said", "user [number] said"),
		("(npub1qqqsyqcyq5rqwzqf) xnprofile1qqqqqqqqq", "([ref]) [ref]"),
		("key 3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d.", "key [ref]."),
		// What stays: prose, small numbers, quantities, abbreviations, lone signs.
		(
			"In 2024, 3 of 10 (e.g. i.e.) cost 1,000,000 — 5 @ 6!",
			"In 2024, 3 of 10 (e.g. i.e.) cost 1,000,000 — 5 @ 6!",
		),
		("日本語のテキスト 🖌️ ok", "日本語のテキスト 🖌️ ok"),
	];
	for (text, scrubbed) in cases {
		assert_eq!(V2.scrub(text), scrubbed, "{text:?}");
	}
}

fn target(kind: PlatformKind) -> Target {
	Target { id: 0, kind, domain: "example".into(), salt_key: SaltKey([0; 32]) }
}

/// bridge/testdata/scrub.json: per platform, a post as the platform gives it, the text its
/// content hash reads, and that text scrubbed by the current rules.
#[test]
fn each_platforms_table_is_scrubbed_as_written() {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/scrub.json");
	let table: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
	assert_eq!(table["version"], u64::from(CURRENT.version));
	let mut platforms = std::collections::BTreeSet::new();
	for case in table["cases"].as_array().unwrap() {
		let kind = match case["platform"].as_str().unwrap() {
			"bluesky" => PlatformKind::Bluesky,
			"mastodon" => PlatformKind::Mastodon,
			"nostr" => PlatformKind::Nostr,
			"x" => PlatformKind::X,
			other => panic!("no platform {other}"),
		};
		platforms.insert(format!("{kind:?}"));
		let text = text_of(&target(kind), &case["post"]);
		assert_eq!(text, case["text"].as_str().unwrap(), "{case}");
		assert_eq!(scrub(&text), case["scrubbed"].as_str().unwrap(), "{case}");
		let hash = scrubbed_hash(&target(kind), &case["post"]);
		assert_eq!(scrub_as_registered(&text, |h| *h == hash), (scrub(&text), CURRENT.version));
	}
	assert_eq!(platforms.len(), 4, "a table for each platform");
}

/// A post registered under version 1 is still delivered as it was registered (its leaf binds
/// that text); one registered now, under version 2.
#[test]
fn a_post_is_delivered_under_the_rules_it_was_registered_with() {
	let text = "gm @_ada, alice.bsky.social";
	let old = Hash::from(blake2_256(V1.scrub(text).as_bytes()));
	assert_eq!(scrub_as_registered(text, |h| *h == old), (text.to_owned(), 1));
	let new = Hash::from(blake2_256(V2.scrub(text).as_bytes()));
	assert_eq!(scrub_as_registered(text, |h| *h == new), ("gm @user, [link]".to_owned(), 2));
	assert_eq!(scrub_as_registered(text, |h| h.is_zero()), ("gm @user, [link]".to_owned(), 2));
}

/// The identifier forms, with `name` (lowercase letters and digits) in them.
fn forms(name: &str, bech32: &str, hex: &str) -> Vec<String> {
	[
		"@{n}",
		"@_{n}",
		"＠{n}",
		"﹫{n}",
		"@\u{200B}{n}",
		"@{n}@mastodon.social",
		"cc:@{n}",
		"{n}@example.org",
		"{n}.bsky.social",
		"x.com/{n}",
		"https://x.com/{n}",
		"www.{n}.org",
		"{n}.example/path",
		"bsky.app/profile/{n}",
		"mastodon.social/@{n}",
		"ｘ．ｃｏｍ／{n}",
		"{n}．bsky．social",
		"did:plc:{n}",
		"did:web:{n}.example",
		"nostr:npub1{b}",
		"npub1{b}",
		"nprofile1{b}",
		"nevent1{b}",
		"{h}",
	]
	.iter()
	.map(|form| form.replace("{n}", name).replace("{b}", bech32).replace("{h}", hex))
	.collect()
}

/// A small deterministic generator (xorshift), for names and surroundings.
struct Draw(u64);

impl Draw {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 << 13;
		self.0 ^= self.0 >> 7;
		self.0 ^= self.0 << 17;
		self.0
	}
	fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
		from[(self.next() % from.len() as u64) as usize]
	}
	fn word(&mut self, alphabet: &str, len: usize) -> String {
		let chars: Vec<char> = alphabet.chars().collect();
		(0..len).map(|_| chars[(self.next() % chars.len() as u64) as usize]).collect()
	}
}

/// What goes around an identifier: glued to it, or apart, in any script.
const AROUND: [&str; 24] = [
	"",
	"",
	" ",
	"\n",
	"\t",
	"(",
	")",
	"«",
	"»",
	"\"",
	"'",
	",",
	".",
	"!",
	"?",
	":",
	"-",
	"—",
	"hello ",
	" world",
	"日本 ",
	" привет",
	"🖌️",
	"_",
];

/// Every form of identifier, named at random and put in arbitrary text (glued to it or not):
/// the name never survives the current rules. Version 1 fails this (so it can fail).
#[test]
fn no_identifier_survives_in_arbitrary_text() {
	let mut draw = Draw(0x9e37_79b9_7f4a_7c15);
	let mut leaks_of_v1 = 0;
	for _ in 0..400 {
		let name = format!("{}{}", draw.word("abcdefghijklmnopqrstuvwxyz", 4), draw.next() % 1000);
		let bech32 = draw.word("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 24);
		let hex = draw.word("0123456789abcdef", 64);
		for form in forms(&name, &bech32, &hex) {
			let (before, after) = (draw.pick(&AROUND), draw.pick(&AROUND));
			let (more, last) = (draw.pick(&AROUND), draw.pick(&AROUND));
			let text = format!("{more}{before}{form}{after}{last}");
			let scrubbed = scrub(&text);
			for secret in [&name, &bech32, &hex] {
				assert!(!fold(&scrubbed).contains(secret.as_str()), "{text:?} -> {scrubbed:?}");
			}
			leaks_of_v1 += usize::from(V1.scrub(&text).contains(name.as_str()));
		}
	}
	assert!(leaks_of_v1 > 1_000, "version 1 leaves names: {leaks_of_v1}");
}

/// Phone numbers, in the shapes people write them, with punctuation around: no group of their
/// digits survives.
#[test]
fn no_phone_number_survives() {
	let mut draw = Draw(0x2545_f491_4f6c_dd1d);
	let shapes = [
		"+{a} {b} {c} {d}",
		"({b}) {c}-{d}",
		"{b}-{c}-{d}",
		"{b}.{c}.{d}",
		"+{a}{b}{c}{d}",
		"{a} {b} {c} {d}",
	];
	for _ in 0..500 {
		let digits = |draw: &mut Draw, n| draw.word("123456789", n);
		let (a, b, c, d) = (
			digits(&mut draw, 2),
			digits(&mut draw, 3),
			digits(&mut draw, 3),
			digits(&mut draw, 4),
		);
		for shape in shapes {
			let number = shape
				.replace("{a}", &a)
				.replace("{b}", &b)
				.replace("{c}", &c)
				.replace("{d}", &d);
			let around = ["", " ", "(", ")", ",", ".", ":", "«", "»"];
			let (before, after) = (draw.pick(&around), draw.pick(&around));
			let text = format!("call{}{before}{number}{after} now", draw.pick(&[" ", "\n"]));
			let scrubbed = scrub(&text);
			assert!(!scrubbed.contains(&d) && !scrubbed.contains(&c), "{text:?} -> {scrubbed:?}");
		}
	}
}

/// Arbitrary words never panic either version; version 2 keeps every line break, and leaves no
/// `@` that a handle follows.
#[test]
fn arbitrary_text_never_panics() {
	const PIECES: [&str; 24] = [
		"@",
		"＠",
		"a",
		"é",
		"🖌️",
		".",
		"。",
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
		"\u{200B}",
		"ｘ",
	];
	for text in licentia_harness::fuzz::texts(&PIECES, 0x9e37_79b9_7f4a_7c15, 16, 20_000) {
		let _ = V1.scrub(&text);
		let scrubbed = V2.scrub(&text);
		let lines = |t: &str| t.chars().filter(|c| *c == '\n').count();
		assert_eq!(lines(&scrubbed), lines(&text), "{text:?}");
		for (i, _) in scrubbed.match_indices('@') {
			let after = scrubbed[i + 1..].chars().next();
			assert!(
				scrubbed[i..].starts_with("@user")
					|| !after.is_some_and(|c| c.is_alphanumeric() || c == '_'),
				"{text:?} -> {scrubbed:?}"
			);
		}
	}
}
