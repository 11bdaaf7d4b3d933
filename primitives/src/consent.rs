//! The vocabulary of consent: the purposes people may allow or deny, the conditions of a
//! license's terms they may refuse and their minimum price, what a statement says and where it
//! applies ([`Scope`]), and what other pallets ask of consent ([`ConsentProvider`]) and are told
//! when it changes ([`ConsentObserver`]).
//!
//! The identities consent is about are in [`identities`](crate::identities), re-exported here,
//! as are the contexts of the payloads people sign ([`signed`](crate::signed)), so that clients
//! import the whole vocabulary from one place.

use crate::bit_set::bit_set;
pub use crate::{
	identities::*,
	signed::{LINK_CONTEXT, RELAY_CONTEXT, WRAPPED_PREFIX, WRAPPED_SUFFIX},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::BoundedVec;

/// A purpose data may be used for. The vocabulary follows the IETF AI Preferences
/// vocabulary (`train-ai`, `train-genai`, `ai-use`, `search`) and Bluesky's user-intents
/// proposal, plus non-commercial research.
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
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum Purpose {
	/// Training AI models (`train-ai`).
	AiTraining,
	/// Training generative AI models (`train-genai`), a subset of AI training that users often
	/// treat separately.
	GenerativeAiTraining,
	/// Using the data at inference time: retrieval, grounding, RAG (`ai-use`).
	AiInference,
	/// Search indexing (`search`).
	SearchIndexing,
	/// Non-commercial research.
	Research,
}

impl Purpose {
	/// Every purpose, in order.
	pub const ALL: [Purpose; 5] = [
		Purpose::AiTraining,
		Purpose::GenerativeAiTraining,
		Purpose::AiInference,
		Purpose::SearchIndexing,
		Purpose::Research,
	];
}

bit_set!(
	/// A set of purposes, as a bit set.
	PurposeSet of Purpose, all: 0b1_1111, json: "Vec<Purpose>"
);

/// A condition of a license's terms that a person may refuse: posts of a person who states a
/// restriction are left out of every license whose terms it excludes, whatever the purpose.
/// Restrictions only narrow: a restriction at any scope applies (the most restrictive wins).
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
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum Restriction {
	/// Not for commercial use: excluded from terms that allow commercial use.
	NoCommercialUse,
	/// Only anonymised: excluded from terms that do not require anonymisation.
	AnonymisationRequired,
	/// No model weights released: excluded from terms that allow releasing the weights of a
	/// model trained on the data.
	NoModelWeights,
	/// Not passed on: excluded from terms that allow redistribution.
	NoRedistribution,
}

impl Restriction {
	/// Every restriction, in order.
	pub const ALL: [Restriction; 4] = [
		Restriction::NoCommercialUse,
		Restriction::AnonymisationRequired,
		Restriction::NoModelWeights,
		Restriction::NoRedistribution,
	];
}

bit_set!(
	/// A set of restrictions, as a bit set.
	RestrictionSet of Restriction, all: 0b1111, json: "Vec<Restriction>"
);

/// A price tier: a person's minimum price per record, and the tier a sale's price per record
/// reaches. Tier 0 is no minimum; tiers `1..PRICE_TIERS` are the runtime's ascending price
/// floors (the licensing pallet's `PriceFloors`). A post is sold only in sales whose tier is at
/// least its author's.
pub type PriceTier = u8;

/// The number of price tiers, tier 0 (no minimum) included.
pub const PRICE_TIERS: u8 = 4;

/// What an author's posts may be used for now: every statement that applies combined, the most
/// restrictive winning.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Consent {
	/// The purposes allowed.
	pub purposes: PurposeSet,
	/// The conditions refused.
	pub restrictions: RestrictionSet,
	/// The lowest price tier the posts may be sold in.
	pub min_price: PriceTier,
}

/// What a license needs of an author's consent to include the author's posts.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Demand {
	/// The purposes its terms grant: the author must allow every one.
	pub purposes: PurposeSet,
	/// The restrictions its terms conflict with: the author must state none of them.
	pub conflicts: RestrictionSet,
	/// The price tier its price per record reached: the author's minimum must not be above it.
	pub tier: PriceTier,
}

impl Consent {
	/// Whether posts under this consent may be licensed under `demand`.
	pub fn admits(&self, demand: &Demand) -> bool {
		self.purposes.contains_all(demand.purposes)
			&& self.restrictions.intersection(demand.conflicts).is_empty()
			&& self.min_price <= demand.tier
	}

	/// Whether some purpose is allowed: without one, the posts are in no license.
	pub fn allows_any(&self) -> bool {
		!self.purposes.is_empty()
	}

	/// Whether every demand this consent admits, `wider` admits too: it allows every purpose
	/// this allows, refuses no condition this accepts, and asks no higher minimum.
	pub fn is_within(&self, wider: &Consent) -> bool {
		wider.purposes.contains_all(self.purposes)
			&& self.restrictions.contains_all(wider.restrictions)
			&& wider.min_price <= self.min_price
	}
}

/// A person's statement about one purpose.
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum Decision {
	/// The purpose is allowed.
	Allow,
	/// The purpose is denied: this overrides any `Allow` that also applies.
	Deny,
	/// No statement (the purpose is then not allowed: consent is opt-in).
	Unset,
}

/// The statements that apply at one scope (an account, or one of its identities): which
/// purposes are explicitly allowed and which explicitly denied (a purpose is never in both),
/// which conditions are refused, and the minimum price.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Statements {
	/// Purposes explicitly allowed.
	pub allowed: PurposeSet,
	/// Purposes explicitly denied.
	pub denied: PurposeSet,
	/// Conditions refused.
	#[cfg_attr(feature = "std", serde(default))]
	pub restrictions: RestrictionSet,
	/// The minimum price tier (0: none stated here).
	#[cfg_attr(feature = "std", serde(default))]
	pub min_price: PriceTier,
}

impl Statements {
	/// These statements with `decision` recorded for `purpose`.
	pub fn with(self, purpose: Purpose, decision: Decision) -> Statements {
		let (allowed, denied) = (self.allowed.without(purpose), self.denied.without(purpose));
		match decision {
			Decision::Allow => Statements { allowed: allowed.with(purpose), denied, ..self },
			Decision::Deny => Statements { allowed, denied: denied.with(purpose), ..self },
			Decision::Unset => Statements { allowed, denied, ..self },
		}
	}

	/// Whether there is no statement at all.
	pub fn is_empty(&self) -> bool {
		self.allowed.is_empty()
			&& self.denied.is_empty()
			&& self.restrictions.is_empty()
			&& self.min_price == 0
	}

	/// The decision recorded for `purpose`.
	pub fn decision(&self, purpose: Purpose) -> Decision {
		if self.denied.contains(purpose) {
			Decision::Deny
		} else if self.allowed.contains(purpose) {
			Decision::Allow
		} else {
			Decision::Unset
		}
	}

	/// The purposes allowed when both `self` and `other` apply: the most restrictive statement
	/// wins, so a purpose is allowed when one of them allows it and neither denies it.
	pub fn effective_with(&self, other: &Statements) -> PurposeSet {
		self.allowed.union(other.allowed).difference(self.denied.union(other.denied))
	}

	/// The consent when both `self` and `other` apply, the most restrictive statement winning:
	/// the purposes of [`effective_with`](Self::effective_with), every restriction of either,
	/// the higher minimum price.
	pub fn consent_with(&self, other: &Statements) -> Consent {
		Consent {
			purposes: self.effective_with(other),
			restrictions: self.restrictions.union(other.restrictions),
			min_price: self.min_price.max(other.min_price),
		}
	}
}

/// Where a consent statement applies.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Restrictions {
	/// The conditions refused, each once (none: every condition accepted at this scope).
	pub refused: BoundedVec<Restriction, ConstU32<4>>,
	/// The minimum price tier, below `PRICE_TIERS` (0: no minimum at this scope).
	pub min_price: PriceTier,
}

/// What the chain knows about a platform, for other pallets.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PlatformSummary<AccountId> {
	/// The platform's kind.
	pub kind: PlatformKind,
	/// Whether the platform may register posts now.
	pub active: bool,
	/// The account that receives the platform's share of sales.
	pub payee: Option<AccountId>,
	/// The platform's share of each sale of its posts.
	pub share: sp_runtime::Perbill,
}

/// Where an identity's posts stand: whom they belong to and what they may be used for now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LinkedConsent<AccountId> {
	/// The account the identity is linked to.
	pub account: AccountId,
	/// The platform that attested the link: the only platform whose posts of it count.
	pub platform: PlatformId,
	/// What `account` allows for the identity's posts now.
	pub consent: Consent,
}

/// What licensing and content registration need to know about consent, implemented by the
/// consent pallet.
pub trait ConsentProvider<AccountId> {
	/// The platform `id`, if registered.
	fn platform(id: PlatformId) -> Option<PlatformSummary<AccountId>>;
	/// Whether `who` is an operator of platform `id`.
	fn is_operator(id: PlatformId, who: &AccountId) -> bool;
	/// The account `identity` is linked to, and the platform that attested the link.
	fn owner_of(identity: &Identity) -> Option<(AccountId, PlatformId)>;
	/// The account `identity` is linked to, the platform it is linked through and what that
	/// account allows for it now, from one read of the link: what registration, activation and
	/// access checks ask of every author. `None` if `identity` is not linked.
	fn linked_consent(identity: &Identity) -> Option<LinkedConsent<AccountId>>;
	/// The purposes `who` allows for posts of `identity` right now (none if `identity` is not
	/// linked to `who`).
	fn allowed_purposes(who: &AccountId, identity: &Identity) -> PurposeSet
	where
		AccountId: PartialEq,
	{
		Self::linked_consent(identity)
			.filter(|link| &link.account == who)
			.map_or(PurposeSet::EMPTY, |link| link.consent.purposes)
	}
	/// The identities linked to `who` and the platform each is linked through (at most
	/// `MaxIdentitiesPerAccount`).
	fn identities_of(who: &AccountId) -> Vec<(Identity, PlatformId)>;
	/// The Nostr platform, if one is registered.
	fn nostr_platform() -> Option<PlatformId>;
}

/// Told when what an identity's posts on a platform may be used for, or whom they pay, may have
/// changed: a link or unlink through that platform, or a statement of the identity's account.
/// The consent pallet calls it after the change; licensing settles rewards and records
/// withdrawals.
pub trait ConsentObserver {
	/// The owner or the allowed purposes of `identity`'s posts on `platform` may have changed.
	fn consent_changed(identity: &Identity, platform: PlatformId);
}

impl ConsentObserver for () {
	fn consent_changed(_: &Identity, _: PlatformId) {}
}

#[cfg(test)]
mod tests;
