//! Nostr keys and signatures: BIP-340 Schnorr over secp256k1, on the curve arithmetic of the
//! `k256` crate (RustCrypto).
//!
//! `k256` is already in the runtime (sp-core and frame-support use it for ECDSA), so verification
//! is written here over its `arithmetic` and `sha256` features rather than by enabling its
//! `schnorr` feature: that would change `k256`'s features and recompile every crate above it in
//! both the native and the wasm build. The algorithm is BIP-340's `Verify`, step by step, and the
//! tests run BIP-340's own test vectors through it.

use alloc::{format, string::String};
use k256::{
	elliptic_curve::{
		group::prime::PrimeCurveAffine,
		ops::Reduce,
		point::{AffineCoordinates, DecompressPoint},
		subtle::Choice,
		PrimeField,
	},
	sha2::{Digest, Sha256},
	AffinePoint, FieldBytes, ProjectivePoint, Scalar, U256,
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
	let mut content = String::from("licentia:link:0x");
	push_hex(&mut content, genesis);
	content.push_str(":0x");
	push_hex(&mut content, account);
	content
}

/// The NIP-01 id of the link event by `public_key`, created at `created_at`, with no tags and
/// [`link_content`]: `sha256([0,"<pubkey>",<created_at>,22242,[],"<content>"])`. The content
/// holds only `[a-z0-9:]`, so its JSON needs no escaping.
pub fn link_event_id(
	public_key: &PublicKey,
	created_at: u64,
	genesis: &[u8],
	account: &[u8],
) -> [u8; 32] {
	let mut json = String::from("[0,\"");
	push_hex(&mut json, public_key);
	json.push_str(&format!("\",{created_at},{LINK_KIND},[],\""));
	json.push_str(&link_content(genesis, account));
	json.push_str("\"]");
	Sha256::digest(json.as_bytes()).into()
}

fn push_hex(out: &mut String, bytes: &[u8]) {
	const HEX: &[u8; 16] = b"0123456789abcdef";
	for b in bytes {
		out.push(HEX[(b >> 4) as usize] as char);
		out.push(HEX[(b & 0xf) as usize] as char);
	}
}

/// `SHA256(SHA256(tag) || SHA256(tag) || data...)`: BIP-340's tagged hash.
fn tagged_hash(tag: &[u8], parts: &[&[u8]]) -> [u8; 32] {
	let tag_hash = Sha256::digest(tag);
	let mut hasher = Sha256::new();
	hasher.update(tag_hash);
	hasher.update(tag_hash);
	for part in parts {
		hasher.update(part);
	}
	hasher.finalize().into()
}

/// The point with x coordinate `x` and an even y (BIP-340's `lift_x`), if there is one.
fn lift_x(x: &[u8; 32]) -> Option<AffinePoint> {
	Option::from(AffinePoint::decompress(&FieldBytes::from(*x), Choice::from(0)))
}

/// Whether `signature` is a valid BIP-340 signature by `public_key` of `message`.
///
/// Nostr signs the 32-byte event id; any message length is accepted, as BIP-340 allows.
pub fn verify(public_key: &PublicKey, message: &[u8], signature: &Signature) -> bool {
	let Some(p) = lift_x(public_key) else { return false };
	let (r, s) = signature.split_at(32);
	// `s` must be below the group order; `r` below the field prime, which the final comparison
	// with a canonical x coordinate enforces.
	let Some(s) = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::clone_from_slice(s))) else {
		return false;
	};
	let e = tagged_hash(b"BIP0340/challenge", &[r, public_key, message]);
	let e = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(e));
	let big_r = (ProjectivePoint::GENERATOR * s - ProjectivePoint::from(p) * e).to_affine();
	if bool::from(big_r.is_identity()) || bool::from(big_r.y_is_odd()) {
		return false;
	}
	big_r.x().as_slice() == r
}

/// The x-only public key of `secret_key`, if it is a valid secret key.
pub fn public_key(secret_key: &[u8; 32]) -> Option<PublicKey> {
	let d = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(*secret_key)))?;
	if bool::from(d.is_zero()) {
		return None;
	}
	Some((ProjectivePoint::GENERATOR * d).to_affine().x().into())
}

/// Signs `message` with `secret_key` as BIP-340's `Sign` does, with the auxiliary randomness
/// `aux` (all zeros is allowed). For tests, benchmarks and clients; the chain only verifies.
pub fn sign(secret_key: &[u8; 32], message: &[u8], aux: &[u8; 32]) -> Option<Signature> {
	let d0 = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(*secret_key)))?;
	if bool::from(d0.is_zero()) {
		return None;
	}
	let p = (ProjectivePoint::GENERATOR * d0).to_affine();
	let d = if bool::from(p.y_is_odd()) { -d0 } else { d0 };
	let px: [u8; 32] = p.x().into();
	let t: [u8; 32] = {
		let mask = tagged_hash(b"BIP0340/aux", &[aux]);
		let d_bytes: [u8; 32] = d.to_repr().into();
		core::array::from_fn(|i| d_bytes[i] ^ mask[i])
	};
	let rand = tagged_hash(b"BIP0340/nonce", &[&t, &px, message]);
	let k0 = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(rand));
	if bool::from(k0.is_zero()) {
		return None;
	}
	let r = (ProjectivePoint::GENERATOR * k0).to_affine();
	let k = if bool::from(r.y_is_odd()) { -k0 } else { k0 };
	let rx: [u8; 32] = r.x().into();
	let e = tagged_hash(b"BIP0340/challenge", &[&rx, &px, message]);
	let e = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(e));
	let s: [u8; 32] = (k + e * d).to_repr().into();
	let mut signature = [0u8; 64];
	signature[..32].copy_from_slice(&rx);
	signature[32..].copy_from_slice(&s);
	Some(signature)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hex<const N: usize>(s: &str) -> [u8; N] {
		let s: String = s.split_whitespace().collect();
		let bytes: Vec<u8> = (0..s.len())
			.step_by(2)
			.map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test vectors are hex"))
			.collect();
		bytes.try_into().expect("length")
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
}
