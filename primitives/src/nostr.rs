//! Nostr keys and signatures: BIP-340 Schnorr over secp256k1, verified by `k256`'s `schnorr`
//! module (RustCrypto: the crate family `sp-core` already uses for ECDSA), and the one Nostr
//! event the chain reads itself, the event that links a key to an account.
//!
//! The functions here are thin: they turn the fixed-size byte arrays the chain stores into
//! `k256`'s types and back, so that every caller (the pallets, their benchmarks, the bridge)
//! shares one definition and none handles curve arithmetic.

use alloc::{format, string::String};
use k256::{
	schnorr::{SigningKey, VerifyingKey},
	sha2::{Digest, Sha256},
};

/// An x-only public key (32 bytes).
pub type PublicKey = [u8; 32];
/// A BIP-340 signature: `r` (32 bytes) then `s` (32 bytes).
pub type Signature = [u8; 64];

/// The kind of the event that links a Nostr key to an account. 22242 is NIP-42's
/// client-authentication kind: ephemeral, so relays do not keep it if a client publishes it by
/// mistake.
pub const LINK_KIND: u16 = 22242;

/// The content of the event that links a Nostr key to `account` (its SCALE encoding) on the
/// chain whose genesis hash is `genesis`: `licentia:link:0x<genesis>:0x<account>`, lowercase hex.
/// Naming the chain and the account keeps the proof from being replayed elsewhere.
pub fn link_content(genesis: &[u8], account: &[u8]) -> String {
	format!("licentia:link:0x{}:0x{}", hex::encode(genesis), hex::encode(account))
}

/// The NIP-01 id of the link event by `public_key`, created at `created_at`, with no tags and
/// [`link_content`]: `sha256([0,"<pubkey>",<created_at>,22242,[],"<content>"])`. The content
/// holds only `[a-z0-9:]`, so its JSON needs no escaping; the bridge's tests check this id
/// against rust-nostr's own serialisation of the same event.
pub fn link_event_id(
	public_key: &PublicKey,
	created_at: u64,
	genesis: &[u8],
	account: &[u8],
) -> [u8; 32] {
	account_event_id(public_key, created_at, &link_content(genesis, account))
}

/// The NIP-01 id of a kind-[`LINK_KIND`] event by `public_key` with no tags and `content` (of
/// `[a-z0-9:]` only, so that its JSON needs no escaping).
fn account_event_id(public_key: &PublicKey, created_at: u64, content: &str) -> [u8; 32] {
	let json =
		format!("[0,\"{}\",{created_at},{LINK_KIND},[],\"{content}\"]", hex::encode(public_key));
	Sha256::digest(json.as_bytes()).into()
}

/// The content of the event by which a Nostr key unlinks itself from `account` on the chain
/// whose genesis hash is `genesis`: `licentia:unlink:0x<genesis>:0x<account>`, lowercase hex.
pub fn unlink_content(genesis: &[u8], account: &[u8]) -> String {
	format!("licentia:unlink:0x{}:0x{}", hex::encode(genesis), hex::encode(account))
}

/// The NIP-01 id of the unlink event by `public_key` (kind [`LINK_KIND`], no tags,
/// [`unlink_content`]), as [`link_event_id`] is the link event's.
pub fn unlink_event_id(
	public_key: &PublicKey,
	created_at: u64,
	genesis: &[u8],
	account: &[u8],
) -> [u8; 32] {
	account_event_id(public_key, created_at, &unlink_content(genesis, account))
}

/// The kind of a text note (NIP-01): the only Nostr events that are posts.
pub const NOTE_KIND: u16 = 1;
/// The most bytes of a note's content the chain takes (UTF-8).
pub const MAX_NOTE_BYTES: u32 = 8_192;
/// The most tags of a note the chain takes.
pub const MAX_TAGS: u32 = 32;
/// The most fields of one tag (NIP-10's `e` tags have five).
pub const MAX_TAG_FIELDS: u32 = 5;
/// The most bytes of one tag field (UTF-8).
pub const MAX_TAG_FIELD_BYTES: u32 = 256;

/// The NIP-01 id of the text note (kind 1) by `public_key`, created at `created_at`, with `tags`
/// and `content`: sha256 of `[0,"<pubkey>",<created_at>,1,<tags>,"<content>"]`, strings escaped
/// as every common client's JSON serialiser does (`JSON.stringify`, `serde_json`): `"` and `\`
/// by a backslash, backspace, form feed, line feed, carriage return and tab as `\b` `\f` `\n`
/// `\r` `\t`, other characters below U+0020 as `\u00xx` (lowercase hex), everything else as
/// it is. `None` if the content or a tag field is not UTF-8: such an event is no note.
///
/// Written straight into the hash, without building the JSON: no allocation, whatever the size.
pub fn note_id<Tag, Field>(
	public_key: &PublicKey,
	created_at: u64,
	tags: &[Tag],
	content: &[u8],
) -> Option<[u8; 32]>
where
	Tag: AsRef<[Field]>,
	Field: AsRef<[u8]>,
{
	let mut hash = Sha256::new();
	let mut key = [0u8; 64];
	hex::encode_to_slice(public_key, &mut key).ok()?;
	hash.update(b"[0,\"");
	hash.update(key);
	hash.update(b"\",");
	decimal(&mut hash, created_at);
	hash.update(b",");
	decimal(&mut hash, u64::from(NOTE_KIND));
	hash.update(b",[");
	for (i, tag) in tags.iter().enumerate() {
		hash.update(if i == 0 { &b"["[..] } else { &b",["[..] });
		for (j, field) in tag.as_ref().iter().enumerate() {
			if j > 0 {
				hash.update(b",");
			}
			json_string(&mut hash, field.as_ref())?;
		}
		hash.update(b"]");
	}
	hash.update(b"],");
	json_string(&mut hash, content)?;
	hash.update(b"]");
	Some(hash.finalize().into())
}

/// Writes `n` into `hash` in decimal, as JSON numbers are.
fn decimal(hash: &mut Sha256, mut n: u64) {
	let mut digits = [0u8; 20];
	let mut at = digits.len();
	loop {
		at -= 1;
		digits[at] = b'0' + (n % 10) as u8;
		n /= 10;
		if n == 0 {
			break;
		}
	}
	hash.update(&digits[at..]);
}

/// Writes `text` into `hash` as a JSON string, escaped as [`note_id`] says; `None` if it is not
/// UTF-8. Runs of bytes that need no escape go in whole (every byte of a multi-byte UTF-8
/// character is 0x80 or above, so escaping byte by byte is escaping character by character).
fn json_string(hash: &mut Sha256, text: &[u8]) -> Option<()> {
	core::str::from_utf8(text).ok()?;
	hash.update(b"\"");
	let mut run = 0;
	for (i, byte) in text.iter().enumerate() {
		let named: &[u8] = match byte {
			b'"' => b"\\\"",
			b'\\' => b"\\\\",
			0x08 => b"\\b",
			0x0c => b"\\f",
			b'\n' => b"\\n",
			b'\r' => b"\\r",
			b'\t' => b"\\t",
			0x00..=0x1f => &[],
			_ => continue,
		};
		hash.update(&text[run..i]);
		run = i + 1;
		if named.is_empty() {
			let mut escaped = *b"\\u0000";
			hex::encode_to_slice([*byte], &mut escaped[4..]).ok()?;
			hash.update(escaped);
		} else {
			hash.update(named);
		}
	}
	hash.update(&text[run..]);
	hash.update(b"\"");
	Some(())
}

/// Whether `signature` is a valid BIP-340 signature by `public_key` of `message`.
///
/// False for a key that is not the x coordinate of a curve point, an `r` that is not a field
/// element, an `s` not below the group order, or a signature of anything else. Nostr signs the
/// 32-byte event id; any message length is accepted, as BIP-340 allows.
pub fn verify(public_key: &PublicKey, message: &[u8], signature: &Signature) -> bool {
	let Ok(key) = VerifyingKey::from_bytes(public_key) else { return false };
	let Ok(signature) = k256::schnorr::Signature::try_from(&signature[..]) else { return false };
	key.verify_raw(message, &signature).is_ok()
}

/// The x-only public key of `secret_key`, if it is a valid secret key (not zero, below the
/// group order).
pub fn public_key(secret_key: &[u8; 32]) -> Option<PublicKey> {
	let key = SigningKey::from_bytes(secret_key).ok()?;
	Some(key.verifying_key().to_bytes().into())
}

/// Signs `message` with `secret_key` as BIP-340's `Sign` does, with the auxiliary randomness
/// `aux` (all zeros is allowed). For tests, benchmarks and clients; the chain only verifies.
pub fn sign(secret_key: &[u8; 32], message: &[u8], aux: &[u8; 32]) -> Option<Signature> {
	let key = SigningKey::from_bytes(secret_key).ok()?;
	Some(key.sign_raw(message, aux).ok()?.to_bytes())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hex<const N: usize>(s: &str) -> [u8; N] {
		let mut bytes = [0u8; N];
		::hex::decode_to_slice(s, &mut bytes).expect("test vectors are hex of their length");
		bytes
	}

	// BIP-340 test vectors 0-3 (bitcoin/bips, bip-0340/test-vectors.csv): secret key, public
	// key, aux, message, signature.
	const SIGN: [(&str, &str, &str, &str, &str); 4] = [
		(
			"0000000000000000000000000000000000000000000000000000000000000003",
			"F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0",
		),
		(
			"B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF",
			"DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
			"0000000000000000000000000000000000000000000000000000000000000001",
			"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
			"6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE33418906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A",
		),
		(
			"C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9",
			"DD308AFEC5777E13121FA72B9CC1B7CC0139715309B086C960E18FD969774EB8",
			"C87AA53824B4D7AE2EB035A2B5BBBCCC080E76CDC6D1692C4B0B62D798E6D906",
			"7E2D58D8B3BCDF1ABADEC7829054F90DDA9805AAB56C77333024B9D0A508B75C",
			"5831AAEED7B44BB74E5EAB94BA9D4294C49BCF2A60728D8B4C200F50DD313C1BAB745879A5AD954A72C45A91C3A51D3C7ADEA98D82F8481E0E1E03674A6F3FB7",
		),
		(
			"0B432B2677937381AEF05BB02A66ECD012773062CF3FA2549E44F58ED2401710",
			"25D1DFF95105F5253C4022F628A996AD3A0D95FBF21D468A1B33F8C160D8F517",
			"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
			"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
			"7EB0509757E246F19449885651611CB965ECC1A187DD51B64FDA1EDC9637D5EC97582B9CB13DB3933705B32BA982AF5AF25FD78881EBB32771FC5922EFC66EA3",
		),
	];

	// BIP-340 verification vectors 4-8: public key, message, signature, valid.
	const VERIFY: [(&str, &str, &str, bool); 5] = [
		(
			"D69C3509BB99E412E68B0FE8544E72837DFA30746D8BE2AA65975F29D22DC7B9",
			"4DF3C3F68FCC83B27E9D42C90431A72499F17875C81A599B566C9889B9696703",
			"00000000000000000000003B78CE563F89A0ED9414F5AA28AD0D96D6795F9C6376AFB1548AF603B3EB45C9F8207DEE1060CB71C04E80F593060B07D28308D7F4",
			true,
		),
		// The public key is not on the curve.
		(
			"EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34",
			"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
			"6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E17776969E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B",
			false,
		),
		// R has an odd y.
		(
			"DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
			"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
			"FFF97BD5755EEEA420453A14355235D382F6472F8568A18B2F057A14602975563CC27944640AC607CD107AE10923D9EF7A73C643E166BE5EBEAFA34B1AC553E2",
			false,
		),
		// The message is negated.
		(
			"DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
			"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
			"1FA62E331EDBC21C394792D2AB1100A7B432B013DF3F6FF4F99FCB33E0E1515F28890B3EDB6E7189B630448B515CE4F8622A954CFE545735AAEA5134FCCDB2BD",
			false,
		),
		// s is above the group order.
		(
			"DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
			"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
			"6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
			false,
		),
	];

	/// The id of a note as NIP-01 defines it, from the JSON text built the plain way.
	fn plain_note_id(key: &PublicKey, at: u64, tags: &[&[&str]], content: &str) -> [u8; 32] {
		fn json(text: &str) -> String {
			let mut out = String::from("\"");
			for c in text.chars() {
				match c {
					'"' => out.push_str("\\\""),
					'\\' => out.push_str("\\\\"),
					'\u{8}' => out.push_str("\\b"),
					'\u{c}' => out.push_str("\\f"),
					'\n' => out.push_str("\\n"),
					'\r' => out.push_str("\\r"),
					'\t' => out.push_str("\\t"),
					c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
					c => out.push(c),
				}
			}
			out.push('"');
			out
		}
		let tags: Vec<String> = tags
			.iter()
			.map(|t| format!("[{}]", t.iter().map(|f| json(f)).collect::<Vec<_>>().join(",")))
			.collect();
		let text =
			format!("[0,\"{}\",{at},1,[{}],{}]", hex::encode(key), tags.join(","), json(content));
		Sha256::digest(text.as_bytes()).into()
	}

	/// Ids against the JSON text built the plain way, with escapes of every kind (the bridge's
	/// tests check the same ids against rust-nostr's own serialisation).
	#[test]
	fn note_ids_follow_nip01() {
		let key = public_key(&[1; 32]).expect("valid");
		let id = note_id::<&[&str], &str>(&key, 1_700_000_000, &[], b"hello nostr").expect("utf-8");
		assert_eq!(id, plain_note_id(&key, 1_700_000_000, &[], "hello nostr"));
		let tricky = "quote \" backslash \\ tab \t nl \n cr \r bs \u{8} ff \u{c} nul \u{0} us \u{1f} del \u{7f} ü 🦀 \u{2028}";
		let tags: &[&[&str]] = &[&["e", "ab", "wss://relay.example", "reply"], &["t", "a\"b"], &[]];
		assert_eq!(
			note_id(&key, 0, tags, tricky.as_bytes()),
			Some(plain_note_id(&key, 0, tags, tricky))
		);
		assert_eq!(
			note_id(&key, u64::MAX, tags, b""),
			Some(plain_note_id(&key, u64::MAX, tags, ""))
		);
		// Not UTF-8: no note.
		assert_eq!(note_id::<&[&str], &str>(&key, 0, &[], &[0xff, 0x41]), None);
		assert_eq!(note_id(&key, 0, &[&[&[0xc3u8][..]][..]], b"ok"), None);
	}

	#[test]
	fn bip340_signing_vectors() {
		for (i, (sk, pk, aux, msg, sig)) in SIGN.iter().enumerate() {
			let (sk, pk, aux, msg, sig) =
				(hex::<32>(sk), hex::<32>(pk), hex::<32>(aux), hex::<32>(msg), hex::<64>(sig));
			assert_eq!(public_key(&sk), Some(pk), "public key of vector {i}");
			assert_eq!(sign(&sk, &msg, &aux), Some(sig), "signature of vector {i}");
			assert!(verify(&pk, &msg, &sig), "vector {i} verifies");
			let mut tampered = sig;
			tampered[63] ^= 1;
			assert!(!verify(&pk, &msg, &tampered), "a changed signature fails, vector {i}");
		}
	}

	#[test]
	fn bip340_verification_vectors() {
		for (i, (pk, msg, sig, valid)) in VERIFY.iter().enumerate() {
			assert_eq!(verify(&hex(pk), &hex::<32>(msg), &hex(sig)), *valid, "vector {}", i + 4);
		}
	}

	#[test]
	fn signatures_bind_the_message() {
		let sk = [7u8; 32];
		let pk = public_key(&sk).expect("valid key");
		let sig = sign(&sk, b"licentia", &[0; 32]).expect("signs");
		assert!(verify(&pk, b"licentia", &sig));
		assert!(!verify(&pk, b"licentiA", &sig));
		assert!(!verify(&[0u8; 32], b"licentia", &sig), "x = 0 is not on the curve");
	}

	/// The group order n of secp256k1, big-endian.
	const ORDER: [u8; 32] = [
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36,
		0x41, 0x41,
	];
	/// The field prime p of secp256k1, big-endian.
	const PRIME: [u8; 32] = [
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFC, 0x2F,
	];

	/// A big-endian 256-bit number at or above `bound`: `bound + delta`, saturating at 2^256 - 1.
	fn at_or_above(bound: [u8; 32], delta: u64) -> [u8; 32] {
		let mut out = bound;
		let mut carry = delta as u128;
		for byte in out.iter_mut().rev() {
			let sum = *byte as u128 + (carry & 0xff);
			*byte = sum as u8;
			carry = (carry >> 8) + (sum >> 8);
		}
		if carry > 0 {
			[0xff; 32]
		} else {
			out
		}
	}

	fn valid(secret: [u8; 32], message: &[u8]) -> Option<(PublicKey, Signature)> {
		Some((public_key(&secret)?, sign(&secret, message, &[0; 32])?))
	}

	proptest::proptest! {
		/// Signatures made by any valid key verify, and only for their own message and key.
		#[test]
		fn any_key_signs_and_verifies(secret in proptest::prelude::any::<[u8; 32]>(), message in proptest::collection::vec(0u8.., 0..100)) {
			if let Some((key, signature)) = valid(secret, &message) {
				proptest::prop_assert!(verify(&key, &message, &signature));
				let mut other = message.clone();
				other.push(0);
				proptest::prop_assert!(!verify(&key, &other, &signature));
			}
		}

		/// `s` at or above the group order is refused, even where `s - n` would verify.
		#[test]
		fn s_at_or_above_the_order_fails(secret in proptest::prelude::any::<[u8; 32]>(), delta in 0u64..u64::MAX) {
			if let Some((key, mut signature)) = valid(secret, b"event id") {
				signature[32..].copy_from_slice(&at_or_above(ORDER, delta));
				proptest::prop_assert!(!verify(&key, b"event id", &signature));
			}
		}

		/// `r` at or above the field prime is refused.
		#[test]
		fn r_at_or_above_the_prime_fails(secret in proptest::prelude::any::<[u8; 32]>(), delta in 0u64..u64::MAX) {
			if let Some((key, mut signature)) = valid(secret, b"event id") {
				signature[..32].copy_from_slice(&at_or_above(PRIME, delta));
				proptest::prop_assert!(!verify(&key, b"event id", &signature));
			}
		}

		/// A key that is not the x coordinate of a curve point verifies nothing; arbitrary
		/// bytes never verify and never panic.
		#[test]
		fn arbitrary_keys_and_signatures_fail(key in proptest::prelude::any::<[u8; 32]>(), r in proptest::prelude::any::<[u8; 32]>(), s in proptest::prelude::any::<[u8; 32]>(), message in proptest::collection::vec(0u8.., 0..64)) {
			let mut signature = [0u8; 64];
			signature[..32].copy_from_slice(&r);
			signature[32..].copy_from_slice(&s);
			proptest::prop_assert!(!verify(&key, &message, &signature));
			if VerifyingKey::from_bytes(&key).is_err() {
				if let Some((_, signature)) = valid([7; 32], &message) {
					proptest::prop_assert!(!verify(&key, &message, &signature));
				}
			}
		}

		/// Keys and signatures of the wrong length never reach `verify`: their SCALE decoding,
		/// which is how they enter the chain, fails.
		#[test]
		fn wrong_lengths_do_not_decode(bytes in proptest::collection::vec(0u8.., 0..200)) {
			use codec::Decode;
			let decoded = <(PublicKey, Signature)>::decode(&mut &bytes[..]);
			proptest::prop_assert_eq!(decoded.is_ok(), bytes.len() >= 96);
		}
	}
}
