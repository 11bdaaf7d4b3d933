//! The vocabulary of consent: platforms, the identities people hold on them, and the purposes
//! they may allow or deny; what other pallets ask of consent ([`ConsentProvider`]) and are told
//! when it changes ([`ConsentObserver`]).
//!
//! Over 400 lines because it is the whole consent vocabulary in one module, which clients import
//! from one place; much of the length is derive lists (one trait a line, as rustfmt lays them
//! out), the syntax checks of identities, and tests.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::BoundedVec;

/// A platform registered on the chain. Assigned in order of registration.
pub type PlatformId = u32;

/// The domain separator of a relayed consent statement's signed payload: a person signs the
/// SCALE encoding of `(RELAY_CONTEXT, genesis_hash, statement)` for a platform to relay.
/// Version 2: a statement may carry restrictions and a minimum price.
pub const RELAY_CONTEXT: &[u8] = b"licentia/relayed-consent/v2";

/// The domain separator of a link acceptance: an account agrees to an operator linking an
/// identity to it by signing the SCALE encoding of `(LINK_CONTEXT, genesis_hash, platform,
/// identity, acceptance)`.
pub const LINK_CONTEXT: &[u8] = b"licentia/link-acceptance/v1";

/// Wallets that sign "raw" messages (the Polkadot.js extension, Talisman, SubWallet) sign
/// `<Bytes>` + message + `</Bytes>`: signatures of either form are accepted.
pub const WRAPPED_PREFIX: &[u8] = b"<Bytes>";
/// See [`WRAPPED_PREFIX`].
pub const WRAPPED_SUFFIX: &[u8] = b"</Bytes>";

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

/// A set of `$item`s as a bit set (`$item as u8` is the bit's position), with the set algebra
/// consent needs. SCALE encodes it as a `u8`, JSON as a list.
macro_rules! bit_set {
	($(#[$meta:meta])* $set:ident of $item:ident, all: $all:expr, json: $json:literal) => {
		$(#[$meta])*
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
		#[cfg_attr(feature = "std", serde(into = $json, from = $json))]
		pub struct $set(pub u8);

		impl $set {
			/// The empty set.
			pub const EMPTY: $set = $set(0);
			/// Every member.
			pub const ALL: $set = $set($all);

			/// Whether `item` is in the set.
			pub fn contains(self, item: $item) -> bool {
				self.0 & (1 << item as u8) != 0
			}
			/// Whether every member of `other` is in the set.
			pub fn contains_all(self, other: $set) -> bool {
				self.0 & other.0 == other.0
			}
			/// Whether the set is empty (unknown bits are no member).
			pub fn is_empty(self) -> bool {
				self.0 & Self::ALL.0 == 0
			}
			/// The set with `item` added.
			pub fn with(self, item: $item) -> $set {
				$set(self.0 | 1 << item as u8)
			}
			/// The set with `item` removed.
			pub fn without(self, item: $item) -> $set {
				$set(self.0 & !(1 << item as u8))
			}
			/// The members of either set.
			pub fn union(self, other: $set) -> $set {
				$set(self.0 | other.0)
			}
			/// The members of `self` that are not in `other`.
			pub fn difference(self, other: $set) -> $set {
				$set(self.0 & !other.0)
			}
			/// The members of both sets.
			pub fn intersection(self, other: $set) -> $set {
				$set(self.0 & other.0)
			}
			/// The members, in order.
			pub fn iter(self) -> impl Iterator<Item = $item> {
				$item::ALL.into_iter().filter(move |p| self.contains(*p))
			}
		}

		#[cfg(feature = "std")]
		impl From<$set> for Vec<$item> {
			fn from(set: $set) -> Self {
				set.iter().collect()
			}
		}

		#[cfg(feature = "std")]
		impl From<Vec<$item>> for $set {
			fn from(items: Vec<$item>) -> Self {
				items.into_iter().collect()
			}
		}

		impl FromIterator<$item> for $set {
			fn from_iter<I: IntoIterator<Item = $item>>(iter: I) -> Self {
				iter.into_iter().fold($set::EMPTY, $set::with)
			}
		}
	};
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

	#[test]
	fn most_restrictive_statement_wins() {
		let account = Statements::default()
			.with(Purpose::AiTraining, Decision::Allow)
			.with(Purpose::Research, Decision::Allow);
		let identity = Statements::default().with(Purpose::AiTraining, Decision::Deny);
		let effective = account.effective_with(&identity);
		assert!(!effective.contains(Purpose::AiTraining), "a deny anywhere wins");
		assert!(effective.contains(Purpose::Research));
		assert!(!effective.contains(Purpose::SearchIndexing), "unset means not allowed");
		// A later statement for the same purpose replaces the earlier one.
		let flipped = identity.with(Purpose::AiTraining, Decision::Allow);
		assert!(account.effective_with(&flipped).contains(Purpose::AiTraining));
		assert_eq!(flipped.with(Purpose::AiTraining, Decision::Unset), Statements::default());
	}

	#[test]
	fn restrictions_add_up_and_the_higher_minimum_wins() {
		let account = Statements {
			restrictions: RestrictionSet::EMPTY.with(Restriction::NoCommercialUse),
			min_price: 1,
			..Statements::default().with(Purpose::AiTraining, Decision::Allow)
		};
		let identity = Statements {
			restrictions: RestrictionSet::EMPTY.with(Restriction::NoModelWeights),
			min_price: 3,
			..Statements::default()
		};
		let consent = account.consent_with(&identity);
		assert_eq!(consent.purposes, PurposeSet::EMPTY.with(Purpose::AiTraining));
		assert_eq!(
			consent.restrictions.iter().collect::<Vec<_>>(),
			vec![Restriction::NoCommercialUse, Restriction::NoModelWeights]
		);
		assert_eq!(consent.min_price, 3);
		assert!(!Statements { min_price: 1, ..Statements::default() }.is_empty());

		let demand = Demand {
			purposes: PurposeSet::EMPTY.with(Purpose::AiTraining),
			conflicts: RestrictionSet::EMPTY.with(Restriction::AnonymisationRequired),
			tier: 3,
		};
		assert!(consent.admits(&demand));
		assert!(!consent.admits(&Demand { tier: 2, ..demand }), "below the minimum price");
		let commercial = RestrictionSet::EMPTY.with(Restriction::NoCommercialUse);
		assert!(!consent.admits(&Demand { conflicts: commercial, ..demand }), "refused");
		assert!(!consent.admits(&Demand { purposes: PurposeSet::ALL, ..demand }), "purpose");
	}

	#[test]
	fn purpose_sets() {
		let set: PurposeSet = [Purpose::AiTraining, Purpose::Research].into_iter().collect();
		assert!(set.contains_all(PurposeSet::EMPTY.with(Purpose::Research)));
		assert!(!set.contains_all(PurposeSet::ALL));
		assert_eq!(set.iter().collect::<Vec<_>>(), vec![Purpose::AiTraining, Purpose::Research]);
		assert!(PurposeSet(0b1110_0000).is_empty(), "unknown bits are no purpose");
	}
}
