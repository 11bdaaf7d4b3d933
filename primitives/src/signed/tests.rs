//! The payloads are the tuples the chain has always signed, signatures are accepted plain and
//! wrapped, and `primitives/vectors/signed-payloads.json` agrees with both.
//!
//! The vectors file is the source of its cases: its inputs (`statement`; `platform`,
//! `identity`, `account`, `acceptance`) are read, everything else is computed from them. To add
//! or change a case, edit its inputs (leave out the computed fields of a new one) and run
//!
//! ```sh
//! LICENTIA_WRITE_VECTORS=1 cargo test -p licentia-primitives --lib signed
//! ```
//!
//! which writes the payloads, wrapped payloads and the signer's public key and address, and signs
//! with the signer's seed where a signature is missing or no longer verifies (sr25519 signatures
//! are randomised: one that still verifies is kept, so that a regeneration changes nothing it
//! need not). Without the variable, the test fails if the file is not what it would write.

use super::*;
use crate::{
	consent::{Decision, Purpose, Restriction},
	BlockNumber,
};
use serde::{Deserialize, Serialize};
use sp_core::{crypto::Ss58Codec, sr25519, Pair, H256};
use sp_runtime::{AccountId32, MultiSignature};

fn alice() -> sr25519::Pair {
	sr25519::Pair::from_string("//Alice", None).expect("a valid dev seed")
}

fn statement(account: AccountId32) -> RelayedStatement<AccountId32, BlockNumber> {
	RelayedStatement {
		account,
		scope: Scope::Identity(Identity::X(44_196_397)),
		decisions: vec![
			(Purpose::AiTraining, Decision::Allow),
			(Purpose::Research, Decision::Deny),
		]
		.try_into()
		.expect("two decisions"),
		restrictions: Some(Restrictions {
			refused: vec![Restriction::NoModelWeights].try_into().expect("one"),
			min_price: 2,
		}),
		nonce: 7,
		expires_at: 14_400,
	}
}

#[test]
fn payloads_are_the_tuples_signed_before() {
	let genesis = H256::repeat_byte(0x42);
	let statement = statement(alice().public().into());
	assert_eq!(
		relay_payload(genesis.as_ref(), &statement),
		(RELAY_CONTEXT, genesis, &statement).encode()
	);
	let identity = Identity::Mastodon(b"alice@mastodon.social".to_vec().try_into().expect("short"));
	let acceptance = LinkAcceptance { nonce: 3, expires_at: 100u32 };
	assert_eq!(
		link_payload(genesis.as_ref(), 5, &identity, &acceptance),
		(LINK_CONTEXT, genesis, 5u32, &identity, &acceptance).encode()
	);
	assert_eq!(wrapped(b"hi"), b"<Bytes>hi</Bytes>".to_vec());
}

#[test]
fn signatures_are_accepted_plain_and_wrapped() {
	let (alice, bob) = (alice(), sr25519::Pair::from_string("//Bob", None).expect("dev seed"));
	let message = relay_payload(&[7; 32], &statement(alice.public().into()));
	let who: AccountId32 = alice.public().into();
	for signed in [message.clone(), wrapped(&message)] {
		let signature = alice.sign(&signed);
		assert!(signed_by(&MultiSignature::Sr25519(signature), &message, &who));
		assert!(signed_by(&signature, &message, &alice.public()));
		assert!(sr25519_signed_by(&signature.0, &message, &alice.public().0));
		assert!(!sr25519_signed_by(&signature.0, &message, &bob.public().0), "another key");
		assert!(!sr25519_signed_by(&signature.0, &message[1..], &alice.public().0), "altered");
	}
	// Wrapped twice is not what a wallet signs.
	let twice = alice.sign(&wrapped(&wrapped(&message)));
	assert!(!sr25519_signed_by(&twice.0, &message, &alice.public().0));
}

/// `0x`-prefixed lowercase hex.
fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn unhex(text: &str) -> Vec<u8> {
	hex::decode(text.strip_prefix("0x").expect("0x-prefixed")).expect("hex")
}

/// The file: see `primitives/vectors/README.md`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Vectors {
	about: String,
	genesis_hash: String,
	signer: Signer,
	relayed_statements: Vec<RelayVector>,
	link_acceptances: Vec<LinkVector>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Signer {
	seed: String,
	#[serde(default)]
	public_key: String,
	#[serde(default)]
	address: String,
}

/// What was signed, and its signatures: computed from a case's inputs.
#[derive(Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Signed {
	#[serde(default)]
	payload: String,
	#[serde(default)]
	wrapped_payload: String,
	#[serde(default)]
	signature: String,
	#[serde(default)]
	wrapped_signature: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RelayVector {
	name: String,
	statement: RelayedStatement<AccountId32, BlockNumber>,
	#[serde(flatten)]
	signed: Signed,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LinkVector {
	name: String,
	platform: PlatformId,
	identity: Identity,
	account: AccountId32,
	acceptance: LinkAcceptance<BlockNumber>,
	#[serde(flatten)]
	signed: Signed,
}

/// `signed` as it should be for `payload` signed by `pair` (existing signatures kept if they
/// still verify).
fn sign(pair: &sr25519::Pair, payload: Vec<u8>, signed: &Signed) -> Signed {
	let wrapped_payload = wrapped(&payload);
	let keep_or_sign = |existing: &str, message: &[u8]| {
		let old = unhex_or_empty(existing);
		match <[u8; 64]>::try_from(&old[..]) {
			Ok(old)
				if sr25519::Pair::verify(
					&sr25519::Signature::from_raw(old),
					message,
					&pair.public(),
				) =>
			{
				existing.to_string()
			},
			_ => hex0x(&pair.sign(message).0),
		}
	};
	Signed {
		signature: keep_or_sign(&signed.signature, &payload),
		wrapped_signature: keep_or_sign(&signed.wrapped_signature, &wrapped_payload),
		payload: hex0x(&payload),
		wrapped_payload: hex0x(&wrapped_payload),
	}
}

fn unhex_or_empty(text: &str) -> Vec<u8> {
	text.strip_prefix("0x")
		.and_then(|hex| hex::decode(hex).ok())
		.unwrap_or_default()
}

/// Checks what a client checks: both signatures are `who`'s of `payload` as the chain accepts
/// them, the plain one of the payload itself and the wrapped one of the wrapped payload.
fn check_signatures(name: &str, signed: &Signed, payload: &[u8], who: &AccountId32) {
	let raw: &[u8; 32] = who.as_ref();
	for (signature, message) in
		[(&signed.signature, payload.to_vec()), (&signed.wrapped_signature, wrapped(payload))]
	{
		let signature: [u8; 64] = unhex(signature).try_into().expect("64 bytes");
		let multi = MultiSignature::Sr25519(sr25519::Signature::from_raw(signature));
		assert!(signed_by(&multi, payload, who), "{name}: signed_by");
		assert!(sr25519_signed_by(&signature, payload, raw), "{name}: sr25519_signed_by");
		assert!(multi.verify(&message[..], who), "{name}: a signature of what it says it signs");
	}
}

#[test]
fn vectors_file_matches_the_encoding() {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/signed-payloads.json");
	let text = std::fs::read_to_string(path).expect("the vectors file");
	let vectors: Vectors = serde_json::from_str(&text).expect("the vectors file's format");

	let pair = sr25519::Pair::from_string(&vectors.signer.seed, None).expect("the signer's seed");
	let signer: AccountId32 = pair.public().into();
	let genesis: [u8; 32] = unhex(&vectors.genesis_hash).try_into().expect("a 32-byte hash");

	let relayed_statements = vectors
		.relayed_statements
		.into_iter()
		.map(|case| {
			assert_eq!(case.statement.account, signer, "{}: signed by the signer", case.name);
			let payload = relay_payload(&genesis, &case.statement);
			let tuple = (RELAY_CONTEXT, H256(genesis), &case.statement).encode();
			assert_eq!(payload, tuple, "{}", case.name);
			let signed = sign(&pair, payload, &case.signed);
			RelayVector { signed, ..case }
		})
		.collect();
	let link_acceptances = vectors
		.link_acceptances
		.into_iter()
		.map(|case| {
			assert_eq!(case.account, signer, "{}: signed by the signer", case.name);
			case.identity.validate().expect("a well-formed identity");
			let payload = link_payload(&genesis, case.platform, &case.identity, &case.acceptance);
			let tuple =
				(LINK_CONTEXT, H256(genesis), case.platform, &case.identity, &case.acceptance);
			assert_eq!(payload, tuple.encode(), "{}", case.name);
			let signed = sign(&pair, payload, &case.signed);
			LinkVector { signed, ..case }
		})
		.collect();
	let expected = Vectors {
		signer: Signer {
			public_key: hex0x(&pair.public().0),
			address: pair.public().to_ss58check(),
			..vectors.signer
		},
		relayed_statements,
		link_acceptances,
		..vectors
	};
	let written = serde_json::to_string_pretty(&expected).expect("JSON") + "\n";

	if std::env::var_os("LICENTIA_WRITE_VECTORS").is_some() {
		std::fs::write(path, &written).expect("writing the vectors file");
	} else {
		assert!(
			written == text,
			"{path} is not what the encoding gives: run with LICENTIA_WRITE_VECTORS=1 and review \
			 the difference"
		);
	}

	let written: Vectors = serde_json::from_str(&written).expect("JSON");
	for case in &written.relayed_statements {
		let payload = unhex(&case.signed.payload);
		assert_eq!(unhex(&case.signed.wrapped_payload), wrapped(&payload));
		check_signatures(&case.name, &case.signed, &payload, &case.statement.account);
	}
	for case in &written.link_acceptances {
		let payload = unhex(&case.signed.payload);
		assert_eq!(unhex(&case.signed.wrapped_payload), wrapped(&payload));
		check_signatures(&case.name, &case.signed, &payload, &case.account);
	}
}
