//! Identities: the platforms Licentia knows and who people are on them (a Bluesky DID, a
//! Mastodon `user@instance`, a Nostr key, an X user id), and the syntax checks a chain can make
//! of them without asking the platform.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::BoundedVec;

/// A platform registered on the chain. Assigned in order of registration.
pub type PlatformId = u32;

/// The longest Bluesky DID, Mastodon account (`user@instance`) or platform domain, in bytes.
/// `did:plc:` DIDs are 32 bytes; `did:web:` DIDs and Mastodon accounts are DNS names plus a
/// user part, which 255 bytes covers.
pub const MAX_HANDLE_LEN: u32 = 255;

/// Bytes of a DID, a Mastodon account or a domain.
pub type Handle = BoundedVec<u8, ConstU32<MAX_HANDLE_LEN>>;

/// The kinds of platform Licentia knows.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum PlatformKind {
	/// Bluesky (AT Protocol): identities are DIDs.
	Bluesky,
	/// A Mastodon instance (each instance is its own platform): identities are `user@instance`.
	Mastodon,
	/// Nostr: no operator; identities are x-only secp256k1 keys that prove themselves.
	Nostr,
	/// X: identities are numeric user ids.
	X,
}

/// An identity on a platform: who wrote a post.
#[derive(
	Clone,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum Identity {
	/// A Bluesky DID: `did:plc:...` or `did:web:...`, as UTF-8 bytes.
	Bluesky(#[cfg_attr(feature = "std", serde(with = "crate::json::text"))] Handle),
	/// A Mastodon account, `user@instance`, as UTF-8 bytes (lowercase).
	Mastodon(#[cfg_attr(feature = "std", serde(with = "crate::json::text"))] Handle),
	/// A Nostr public key: the 32-byte x-only secp256k1 key of BIP-340.
	Nostr(#[cfg_attr(feature = "std", serde(with = "crate::json::hex_array"))] [u8; 32]),
	/// An X user id (a u64; JSON carries it as a string).
	X(#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))] u64),
}

/// Why an identity is malformed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IdentityError {
	/// A Bluesky identity is not `did:plc:<id>` or `did:web:<domain>`.
	MalformedDid,
	/// A Mastodon identity is not `user@instance`, lowercase, without spaces.
	MalformedMastodonAccount,
}

impl Identity {
	/// The kind of platform this identity lives on.
	pub fn kind(&self) -> PlatformKind {
		match self {
			Identity::Bluesky(_) => PlatformKind::Bluesky,
			Identity::Mastodon(_) => PlatformKind::Mastodon,
			Identity::Nostr(_) => PlatformKind::Nostr,
			Identity::X(_) => PlatformKind::X,
		}
	}

	/// Checks the identity's syntax: what a chain can know without asking the platform.
	pub fn validate(&self) -> Result<(), IdentityError> {
		match self {
			Identity::Bluesky(did) => {
				let rest = did
					.strip_prefix(b"did:plc:")
					.or_else(|| did.strip_prefix(b"did:web:"))
					.ok_or(IdentityError::MalformedDid)?;
				let ok = !rest.is_empty()
					&& rest.iter().all(|c| c.is_ascii_alphanumeric() || b".-_:%".contains(c));
				ok.then_some(()).ok_or(IdentityError::MalformedDid)
			},
			Identity::Mastodon(account) => {
				let (user, instance) =
					split_mastodon(account).ok_or(IdentityError::MalformedMastodonAccount)?;
				let user_ok = !user.is_empty()
					&& user
						.iter()
						.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_');
				let instance_ok = is_domain(instance);
				(user_ok && instance_ok)
					.then_some(())
					.ok_or(IdentityError::MalformedMastodonAccount)
			},
			Identity::Nostr(_) | Identity::X(_) => Ok(()),
		}
	}

	/// The instance a Mastodon account lives on (`None` for other identities).
	pub fn mastodon_instance(&self) -> Option<&[u8]> {
		match self {
			Identity::Mastodon(account) => split_mastodon(account).map(|(_, instance)| instance),
			_ => None,
		}
	}
}

/// A Mastodon account split at its only `@` into user and instance (`None` without one `@`).
pub(crate) fn split_mastodon(account: &[u8]) -> Option<(&[u8], &[u8])> {
	let at = account.iter().position(|c| *c == b'@')?;
	let (user, instance) = (&account[..at], &account[at + 1..]);
	(!instance.contains(&b'@')).then_some((user, instance))
}

/// A lowercase DNS name with at least one dot.
pub fn is_domain(name: &[u8]) -> bool {
	!name.is_empty()
		&& name.contains(&b'.')
		&& name.split(|c| *c == b'.').all(|label| {
			!label.is_empty()
				&& label.len() <= 63
				&& label.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
		})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn handle(s: &str) -> Handle {
		s.as_bytes().to_vec().try_into().expect("short")
	}

	#[test]
	fn identity_syntax() {
		assert!(Identity::Bluesky(handle("did:plc:ewvi7nxzyoun6zhxrhs64oiz")).validate().is_ok());
		assert!(Identity::Bluesky(handle("did:web:example.com")).validate().is_ok());
		assert_eq!(
			Identity::Bluesky(handle("did:key:abc")).validate(),
			Err(IdentityError::MalformedDid)
		);
		assert_eq!(
			Identity::Bluesky(handle("did:plc:")).validate(),
			Err(IdentityError::MalformedDid)
		);
		assert!(Identity::Mastodon(handle("alice@mastodon.social")).validate().is_ok());
		for bad in
			["alice", "@mastodon.social", "alice@", "Alice@mastodon.social", "a@b@c.d", "a@nodot"]
		{
			assert_eq!(
				Identity::Mastodon(handle(bad)).validate(),
				Err(IdentityError::MalformedMastodonAccount),
				"{bad}"
			);
		}
		assert_eq!(
			Identity::Mastodon(handle("alice@mastodon.social")).mastodon_instance(),
			Some(&b"mastodon.social"[..])
		);
	}
}
