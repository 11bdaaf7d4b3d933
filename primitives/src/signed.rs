//! The payloads people sign off chain, defined once for the chain and its clients: a consent
//! statement for a platform to relay ([`RelayedStatement`], [`relay_payload`]) and the
//! acceptance of an identity link ([`LinkAcceptance`], [`link_payload`]), and how their
//! signatures are checked ([`signed_by`]).
//!
//! A payload is the SCALE encoding of a context that says what is signed, the chain's genesis
//! hash (so that a signature cannot be replayed on another chain) and what the person agrees to.
//! Wallets that sign "raw" messages sign them [`wrapped`] in `<Bytes>`, `</Bytes>`; either form
//! is accepted. `primitives/vectors/signed-payloads.json` holds inputs, payloads and signatures
//! that every client (the bridge, the web portal) checks its encoding against.

use crate::consent::{Decisions, Identity, PlatformId, Restrictions, Scope};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_runtime::traits::{IdentifyAccount, Verify};

/// The context of a relayed consent statement's payload: a person signs the SCALE encoding of
/// `(RELAY_CONTEXT, genesis_hash, statement)` for a platform to relay. Version 2: a statement
/// may carry restrictions and a minimum price.
pub const RELAY_CONTEXT: &[u8] = b"licentia/relayed-consent/v2";

/// The context of a link acceptance: an account agrees to an operator linking an identity to it
/// by signing the SCALE encoding of `(LINK_CONTEXT, genesis_hash, platform, identity,
/// acceptance)`.
pub const LINK_CONTEXT: &[u8] = b"licentia/link-acceptance/v1";

/// Wallets that sign "raw" messages (the Polkadot.js extension, Talisman, SubWallet) sign
/// `<Bytes>` + message + `</Bytes>`: signatures of either form are accepted.
pub const WRAPPED_PREFIX: &[u8] = b"<Bytes>";
/// See [`WRAPPED_PREFIX`].
pub const WRAPPED_SUFFIX: &[u8] = b"</Bytes>";

/// A consent statement a person signs off chain for a platform to relay (the consent pallet's
/// `relay_consent`). What is signed is [`relay_payload`].
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct RelayedStatement<AccountId, BlockNumber> {
	/// Whose consent this is: the account that signed.
	pub account: AccountId,
	/// Where the decisions apply.
	pub scope: Scope,
	/// The decisions about purposes (may be empty when `restrictions` is given).
	pub decisions: Decisions,
	/// The restrictions and minimum price to state at `scope`, if any.
	pub restrictions: Option<Restrictions>,
	/// The account's relay nonce this statement uses: a statement is accepted once.
	pub nonce: u32,
	/// The last block in which the statement may be included.
	pub expires_at: BlockNumber,
}

/// An account's agreement to have an identity linked to it, signed by the account for a
/// platform's operator to submit with the consent pallet's `link_identity`. What is signed is
/// [`link_payload`].
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct LinkAcceptance<BlockNumber> {
	/// The account's relay nonce when it signed: an unlink of any of its identities (or a
	/// statement it makes itself) moves it on, after which the acceptance is void.
	pub nonce: u32,
	/// The last block in which it may be used.
	pub expires_at: BlockNumber,
}

/// The bytes an account signs to relay `statement` on the chain whose genesis hash is `genesis`:
/// the SCALE encoding of `(RELAY_CONTEXT, genesis, statement)`.
///
/// `genesis` is the hash's bytes (32 on Licentia), written as they are, as SCALE encodes a hash
/// or a byte array: no length prefix.
pub fn relay_payload<AccountId: Encode, BlockNumber: Encode>(
	genesis: &[u8],
	statement: &RelayedStatement<AccountId, BlockNumber>,
) -> Vec<u8> {
	let mut payload = RELAY_CONTEXT.encode();
	payload.extend_from_slice(genesis);
	statement.encode_to(&mut payload);
	payload
}

/// The bytes an account signs to accept that `identity` is linked to it through `platform`, on
/// the chain whose genesis hash is `genesis`: the SCALE encoding of `(LINK_CONTEXT, genesis,
/// platform, identity, acceptance)`. The account itself is not in the payload: the signature
/// names it.
///
/// `genesis` is written as in [`relay_payload`].
pub fn link_payload<BlockNumber: Encode>(
	genesis: &[u8],
	platform: PlatformId,
	identity: &Identity,
	acceptance: &LinkAcceptance<BlockNumber>,
) -> Vec<u8> {
	let mut payload = LINK_CONTEXT.encode();
	payload.extend_from_slice(genesis);
	(platform, identity, acceptance).encode_to(&mut payload);
	payload
}

/// `message` as wallets sign raw messages: `<Bytes>` + message + `</Bytes>`.
pub fn wrapped(message: &[u8]) -> Vec<u8> {
	[WRAPPED_PREFIX, message, WRAPPED_SUFFIX].concat()
}

/// Whether `signature` is `who`'s signature of `message`, as signed or as wallets sign raw
/// messages ([`wrapped`]).
pub fn signed_by<S: Verify>(
	signature: &S,
	message: &[u8],
	who: &<S::Signer as IdentifyAccount>::AccountId,
) -> bool {
	signature.verify(message, who) || signature.verify(&wrapped(message)[..], who)
}

/// Whether `signature` is the sr25519 signature of `message` by the public key `who` (an
/// account's 32 bytes), as signed or [`wrapped`]: [`signed_by`] for clients that hold raw bytes.
pub fn sr25519_signed_by(signature: &[u8; 64], message: &[u8], who: &[u8; 32]) -> bool {
	use sp_core::sr25519::{Public, Signature};
	signed_by(&Signature::from_raw(*signature), message, &Public::from_raw(*who))
}

#[cfg(test)]
mod tests;
