//! The text rules content hashes depend on: character references ([`decode_entities`], X and
//! Mastodon) and the text of a Mastodon status's HTML ([`canonical_text`]). Changing them changes
//! the content hash of every post read afterwards: they are part of the registration format.

/// The six named character references a text may hold, and what they stand for.
pub(super) const NAMED_REFERENCES: [(&str, char); 6] =
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
pub(super) fn reference(name: &str) -> Option<char> {
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
