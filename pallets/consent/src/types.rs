//! The types this pallet stores and takes. Those that clients sign or build too (a statement's
//! [`Scope`] and [`Restrictions`], the signed [`RelayedStatement`] and [`LinkAcceptance`]) are
//! defined in `licentia_primitives` and re-exported here.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use licentia_primitives::consent::{Handle, PlatformId, PlatformKind, Statements};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// Whether a platform may register posts.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum PlatformStatus {
	/// The platform registers posts and attests identities.
	Active,
	/// Governance suspended the platform: it cannot register posts or attest identities; what it
	/// registered earlier stays, and licenses on it keep working.
	Suspended,
}

/// A registered platform.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxOperators))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct PlatformInfo<
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxOperators: Get<u32>,
> {
	/// What kind of platform it is.
	pub kind: PlatformKind,
	/// Its domain (`bsky.app`, `mastodon.social`, ...): unique per kind. A Mastodon account
	/// `user@instance` belongs to the platform whose domain is `instance`.
	pub domain: Handle,
	/// The accounts that may act for the platform: register posts, attest identities.
	pub operators: BoundedVec<AccountId, MaxOperators>,
	/// Who receives the platform's share of sales (`None`: the share goes to the treasury).
	pub payee: Option<AccountId>,
	/// The platform's share of each sale of its posts.
	pub share: Perbill,
	/// Whether the platform is active.
	pub status: PlatformStatus,
}

/// Who an identity belongs to, who vouched for it, and what its account states for it alone:
/// everything registration, activation and access checks need of an identity, in one read.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct IdentityLink<AccountId, Balance> {
	/// The account the identity is linked to: it states consent for the identity's posts and is
	/// paid for them.
	pub account: AccountId,
	/// The platform the identity lives on (for Nostr: the Nostr platform).
	pub platform: PlatformId,
	/// Who paid the deposit for the link, and gets it back when the link goes.
	pub depositor: AccountId,
	/// The deposit held from `depositor`.
	pub deposit: Balance,
	/// The account's statements for this identity only (`Scope::Identity`); they go with the
	/// link.
	pub statements: Statements,
}

/// How far above an account's next relay nonce a relayed statement's nonce may be. A person who
/// signs several statements before any is relayed numbers them in order (the next nonce, then
/// one more each time), so that a relayer cannot have an older one take effect after a newer
/// one; a statement the account makes itself moves the next nonce on by this much, voiding every
/// statement it signed before.
pub const RELAY_NONCE_WINDOW: u32 = 16;

pub use licentia_primitives::{
	consent::{Decisions, MaxDecisions, Restrictions, Scope},
	signed::{LinkAcceptance, RelayedStatement, LINK_CONTEXT, RELAY_CONTEXT},
};

/// A platform registered at genesis, as [`register_platform`](crate::Pallet::register_platform)
/// would register it.
#[derive(Clone, PartialEq, Eq, Debug, sp_runtime::Serialize, sp_runtime::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, crate = "sp_runtime::serde")]
pub struct GenesisPlatform<AccountId> {
	/// Its kind.
	pub kind: PlatformKind,
	/// Its domain: a lowercase DNS name, unique per kind.
	pub domain: Vec<u8>,
	/// Its operators, at most `MaxOperators`.
	pub operators: Vec<AccountId>,
	/// Who is paid its share of sales.
	pub payee: Option<AccountId>,
	/// Its share of each sale of its posts.
	pub share: Perbill,
}
