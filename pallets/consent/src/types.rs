//! The types this pallet stores and takes.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use licentia_primitives::consent::{
	Decision, Handle, Identity, PlatformId, PlatformKind, PriceTier, Purpose, Restriction,
	Statements,
};
use scale_info::TypeInfo;
use sp_core::ConstU32;
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

/// Where a consent statement applies.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Scope {
	/// Every identity linked to the account, now and later.
	Account,
	/// One identity linked to the account.
	Identity(Identity),
}

/// At most one decision per purpose in one call.
pub type MaxDecisions = ConstU32<8>;

/// Decisions about purposes, as one call or one relayed statement carries them.
pub type Decisions = BoundedVec<(Purpose, Decision), MaxDecisions>;

/// The conditions a person refuses at one scope and their minimum price, as one call or one
/// relayed statement states them: they replace what the scope stated before.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Restrictions {
	/// The conditions refused, each once (none: every condition accepted at this scope).
	pub refused: BoundedVec<Restriction, ConstU32<4>>,
	/// The minimum price tier, below `PRICE_TIERS` (0: no minimum at this scope).
	pub min_price: PriceTier,
}

/// A consent statement a person signs off chain for a platform to relay (see
/// [`Pallet::relay_consent`](crate::Pallet::relay_consent)). What is signed is the SCALE encoding
/// of `(RELAY_CONTEXT, genesis_hash, statement)`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
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

pub use licentia_primitives::consent::{LINK_CONTEXT, RELAY_CONTEXT};

/// An account's agreement to have an identity linked to it, signed by the account for the
/// operator to submit with [`link_identity`](crate::Pallet::link_identity).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct LinkAcceptance<BlockNumber> {
	/// The account's relay nonce when it signed: an unlink of any of its identities (or a
	/// statement it makes itself) moves it on, after which the acceptance is void.
	pub nonce: u32,
	/// The last block in which it may be used.
	pub expires_at: BlockNumber,
}

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
