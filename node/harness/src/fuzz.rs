//! Test input: texts made of chosen pieces (multi-byte characters, punctuation, markup, huge
//! numbers...), drawn by a fixed-seed xorshift generator, so that every run tries the same ones
//! and a failure names its text.

/// `count` texts of at most `max_pieces - 1` pieces of `pieces` each, from `seed`.
pub fn texts<'a>(
	pieces: &'a [&'a str],
	seed: u64,
	max_pieces: u64,
	count: usize,
) -> impl Iterator<Item = String> + 'a {
	let mut state = seed;
	let mut next = move || {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		state
	};
	(0..count).map(move |_| {
		let len = next() % max_pieces;
		(0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect()
	})
}
