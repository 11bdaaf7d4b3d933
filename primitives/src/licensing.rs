//! The vocabulary of licensing: terms, prices and quotes, access queries and decisions, and the
//! revocation feed. Shared by the licensing pallet, its runtime API and off-chain clients (the
//! views of offers and licenses that the API returns are in [`runtime_api`](crate::runtime_api)).

use crate::{
	consent::{Identity, PlatformId, PriceTier, Purpose, PurposeSet, Restriction, RestrictionSet},
	content::{BatchId, PostRecord},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::BoundedVec;

/// A terms record's id, assigned in order of registration.
pub type TermsId = u32;
/// An offer's id, assigned in order.
pub type OfferId = u32;
/// A license token's id, assigned in order of purchase.
pub type LicenseId = u64;

/// The longest URI of a legal text, in bytes.
pub const MAX_LEGAL_URI_LEN: u32 = 256;

/// The terms a license grants. Identical terms are stored once and referred to by id, as Story
/// Protocol's license templates are.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Terms {
	/// What the data may be used for. A post is licensed only if its author allows every one.
	pub purposes: PurposeSet,
	/// How long a license lasts, in blocks from its purchase.
	pub duration: u32,
	/// The most records a license may be served (`None`: every record of the snapshot).
	#[cfg_attr(feature = "std", serde(default))]
	pub record_cap: Option<u64>,
	/// Whether the buyer must anonymise authors.
	pub anonymisation: bool,
	/// Whether the buyer must credit authors.
	pub attribution: bool,
	/// Whether the license may move to another owner.
	pub transferable: bool,
	/// Whether the buyer may pass the data on.
	pub redistribution: bool,
	/// Whether commercial use is allowed.
	pub commercial_use: bool,
	/// Whether weights of a model trained on the data may be released.
	pub model_weights_release: bool,
	/// The hash of the legal text these terms summarise.
	pub legal_hash: H256,
	/// Where the legal text can be read.
	#[cfg_attr(feature = "std", serde(default, with = "crate::json::opt_text"))]
	pub legal_uri: Option<BoundedVec<u8, ConstU32<MAX_LEGAL_URI_LEN>>>,
}

impl Terms {
	/// The id under which identical terms are found: blake2-256 of the SCALE encoding.
	pub fn hash(&self) -> H256 {
		H256(sp_io::hashing::blake2_256(&self.encode()))
	}

	/// The restrictions these terms conflict with: an author who states one of them is left
	/// out of licenses under these terms.
	pub fn conflicts(&self) -> RestrictionSet {
		[
			(self.commercial_use, Restriction::NoCommercialUse),
			(!self.anonymisation, Restriction::AnonymisationRequired),
			(self.model_weights_release, Restriction::NoModelWeights),
			(self.redistribution, Restriction::NoRedistribution),
		]
		.into_iter()
		.filter_map(|(conflicts, restriction)| conflicts.then_some(restriction))
		.collect()
	}
}

/// What an offer costs, in the native token's smallest unit.
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
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: core::fmt::Display",
		deserialize = "Balance: core::str::FromStr"
	))
)]
pub enum Price<Balance> {
	/// This much per licensed record (the pool's records at purchase, up to the record cap).
	PerRecord(#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))] Balance),
	/// This much, whatever the number of records.
	Flat(#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))] Balance),
}

/// The price of buying an offer now.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "Balance: core::fmt::Display",
		deserialize = "Balance: core::str::FromStr"
	))
)]
pub struct Quote<Balance> {
	/// What the buyer pays.
	#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))]
	pub price: Balance,
	/// The records in the offer's pool now: posts of authors whose consent admits the terms
	/// at this price.
	pub records: u64,
	/// The records the license would cover: `records`, up to the terms' record cap.
	pub licensed: u64,
	/// The price tier the sale reaches: authors whose minimum price is above it are left out.
	pub tier: PriceTier,
	/// The posts of consenting authors in the pool that the terms do not reach, by reason.
	pub excluded: Exclusions,
}

/// The posts of consenting authors that an offer's terms or price do not reach, by the first
/// reason that leaves each out, in field order: a post left out for a purpose is not counted
/// again for a restriction.
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
pub struct Exclusions {
	/// Their author does not allow every purpose of the terms.
	pub purposes: u64,
	/// Their author refuses commercial use, which the terms allow.
	pub no_commercial_use: u64,
	/// Their author requires anonymisation, which the terms do not.
	pub anonymisation_required: u64,
	/// Their author refuses the release of model weights, which the terms allow.
	pub no_model_weights: u64,
	/// Their author refuses redistribution, which the terms allow.
	pub no_redistribution: u64,
	/// Their author's minimum price is above the sale's price per record.
	pub min_price: u64,
}

impl Exclusions {
	/// The count of `restriction`.
	pub fn of_mut(&mut self, restriction: Restriction) -> &mut u64 {
		match restriction {
			Restriction::NoCommercialUse => &mut self.no_commercial_use,
			Restriction::AnonymisationRequired => &mut self.anonymisation_required,
			Restriction::NoModelWeights => &mut self.no_model_weights,
			Restriction::NoRedistribution => &mut self.no_redistribution,
		}
	}
}

/// Why an offer cannot be bought now: what a purchase would fail with, named before a buyer
/// pays a transaction fee to find out.
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
pub enum QuoteError {
	/// No open offer has this id.
	OfferNotFound,
	/// The offer's owner has paused it.
	OfferPaused,
	/// The offer's terms are not registered.
	TermsNotFound,
	/// No post in the offer's pool is licensable under its terms at its price: none
	/// registered, or no author's consent admits them; the counts say why, by reason.
	NothingToLicense(Exclusions),
	/// The price does not fit the balance type (a per-record price times the records).
	Overflow,
	/// A platform of the offer's pool is suspended (or gone): its posts cannot be sold.
	PlatformSuspended,
	/// The offer's owner no longer operates a platform of its pool: an operator's offer lapses
	/// with its role.
	OwnerNotOperator,
	/// A platform of the pool keeps reward counters for as many distinct demands (purposes,
	/// conflicting conditions, price tier) as it may, and this sale would need one more.
	TooManyDemands,
}

/// What buying an offer would cost now, or why it cannot be bought.
pub type QuoteResult<Balance> = Result<Quote<Balance>, QuoteError>;

/// Why the chain refuses to serve a record under a license.
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
pub enum Denial {
	/// No license has this id (or it was released after it ended).
	UnknownLicense,
	/// The license has expired.
	Expired,
	/// Governance revoked the license.
	LicenseRevoked,
	/// The purpose asked for is not one the terms grant.
	PurposeNotCovered,
	/// The license has been served its record cap.
	CapReached,
	/// The post's batch started to count (was activated) after the purchase, or is a platform's
	/// outside the pool.
	OutsideSnapshot,
	/// The post and proof do not match a registered batch.
	NotRegistered,
	/// The post was withdrawn.
	PostRevoked,
	/// The author no longer allows every purpose of the license, refuses one of its conditions,
	/// asks a higher price than it was sold at, unlinked the identity, or is linked through
	/// another platform than the one that registered the post.
	ConsentWithdrawn,
	/// The author's consent did not admit the license when it was bought, so its price was
	/// neither counted over the author's posts nor paid to the author: it does not serve them.
	/// (Also when the author's consent widened, or the identity changed account, after the
	/// purchase: a license serves the authors it paid, as they were when it was bought.)
	NotCounted,
}

/// The chain's answer to an access check.
pub type AccessDecision = Result<(), Denial>;

/// One access check: may `post`, leaf `index` of `batch` with `proof`, be served for `purpose`
/// under `license`?
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct AccessQuery {
	/// The license.
	pub license: LicenseId,
	/// The purpose the record is served for.
	pub purpose: Purpose,
	/// The batch the post was registered in.
	pub batch: BatchId,
	/// The post.
	pub post: PostRecord,
	/// Its leaf index in the batch.
	pub index: u32,
	/// Its Merkle proof.
	pub proof: Vec<H256>,
}

/// A change that a license holder must honour: data they hold may no longer be used.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum FeedChange<AccountId> {
	/// The posts of `identity` on `platform` may no longer be used for `purposes`: its account
	/// denied them, or the identity was unlinked.
	ConsentWithdrawn {
		/// The author whose posts are concerned.
		identity: Identity,
		/// The account the identity was linked to when its posts were last allowed.
		account: AccountId,
		/// The platform their posts are on.
		platform: PlatformId,
		/// The purposes no longer allowed.
		purposes: PurposeSet,
	},
	/// A post was withdrawn.
	PostRevoked {
		/// Its platform.
		platform: PlatformId,
		/// Its batch.
		batch: BatchId,
		/// Its leaf hash.
		post: H256,
	},
	/// The posts of `identity` on `platform` may no longer be used under terms that conflict
	/// with `restrictions`, nor in sales of a tier below `min_price`: its account stated new
	/// restrictions or raised its minimum price. (After `PostRevoked`, so that entries stored
	/// before it existed keep their encoding.)
	ConsentNarrowed {
		/// The author whose posts are concerned.
		identity: Identity,
		/// The account the identity is linked to.
		account: AccountId,
		/// The platform their posts are on.
		platform: PlatformId,
		/// The restrictions added.
		restrictions: RestrictionSet,
		/// The minimum price tier now (licenses sold at a lower tier lose the posts).
		min_price: PriceTier,
	},
}

/// An entry of the revocation feed.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct FeedRecord<AccountId, BlockNumber> {
	/// The block the change took effect in.
	pub at: BlockNumber,
	/// The change.
	pub change: FeedChange<AccountId>,
}

/// The most feed entries one revocation feed read looks at, whatever its `limit` and however
/// few of them concern the license: what a read costs is bounded whatever the feed holds.
pub const MAX_FEED_SCAN: u32 = 10_000;

/// How many periods of an account's claims the chain keeps (the most recent ones with a claim):
/// a year of 30-day periods.
pub const EARNINGS_PERIODS: u32 = 12;

/// A page of the revocation feed for one license. Feed entries are numbered in the order they
/// are appended (block order); a page names where the next one starts.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct FeedPage<AccountId, BlockNumber> {
	/// The entries of this page that concern the license, oldest first.
	pub records: Vec<FeedRecord<AccountId, BlockNumber>>,
	/// The position of the first entry not looked at: pass it as the next read's `cursor`.
	/// Once `complete`, it is where the next entry will be appended, so a holder that keeps
	/// it reads each later change exactly once.
	pub next: u64,
	/// Whether this page reached the end of the feed. When it is `false`, the page stopped at
	/// its `limit` or at [`MAX_FEED_SCAN`] entries looked at (possibly with no record at all):
	/// read on from `next`.
	pub complete: bool,
}

#[cfg(test)]
mod tests {
	use super::*;

	fn terms() -> Terms {
		Terms {
			purposes: PurposeSet::EMPTY.with(Purpose::AiTraining),
			duration: 100,
			record_cap: Some(10),
			anonymisation: true,
			attribution: false,
			transferable: false,
			redistribution: false,
			commercial_use: true,
			model_weights_release: false,
			legal_hash: H256::repeat_byte(1),
			legal_uri: None,
		}
	}

	#[test]
	fn identical_terms_hash_alike_and_every_field_counts() {
		assert_eq!(terms().hash(), terms().hash());
		let mut other = terms();
		other.model_weights_release = true;
		assert_ne!(terms().hash(), other.hash());
		let mut other = terms();
		other.record_cap = None;
		assert_ne!(terms().hash(), other.hash());
	}
}
