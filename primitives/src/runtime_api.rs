//! Runtime APIs: every query a client (the node's RPC, the platform bridge, Polkadot.js) makes.
//!
//! Where a type lives: this module declares the APIs and the **views** they return, a stored
//! record as clients see it (`*View`, [`AccountConsent`], [`IdentityConsent`]), which nothing
//! but the APIs produces. The domain modules ([`consent`](crate::consent),
//! [`content`](crate::content), [`licensing`](crate::licensing)) hold the vocabulary the pallets
//! store and pass each other (ids, terms, prices, quotes, access decisions, feed records), even
//! where an API returns it too.
//!
//! Each API method is answered by one pallet function named after it (`api_<method>`, as
//! `pallet-nomination-pools` answers its runtime API): the runtime only delegates.

use crate::{
	consent::{
		Identity, PlatformId, PlatformKind, PriceTier, PurposeSet, RestrictionSet, Statements,
	},
	content::{BatchId, PostRecord, PostStatus},
	licensing::{
		AccessDecision, AccessQuery, FeedPage, FeedRecord, LicenseId, OfferId, Price, QuoteResult,
		Terms, TermsId,
	},
};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Perbill;

/// One identity of an account and what it allows.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct IdentityConsent {
	/// The identity.
	pub identity: Identity,
	/// The platform it is linked through.
	pub platform: PlatformId,
	/// Statements that apply to this identity only.
	pub statements: Statements,
	/// The purposes its posts may be used for now: account and identity statements combined,
	/// the most restrictive winning.
	pub allowed: PurposeSet,
	/// The conditions refused now, at either scope.
	pub restrictions: RestrictionSet,
	/// The minimum price tier now: the higher of the two scopes'.
	pub min_price: PriceTier,
}

/// An account's consent: its account-wide statements and each linked identity.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct AccountConsent {
	/// Statements that apply to all the account's identities.
	pub statements: Statements,
	/// The account's identities.
	pub identities: Vec<IdentityConsent>,
}

/// A platform, as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct PlatformView<AccountId> {
	/// Its id.
	pub id: PlatformId,
	/// Its kind.
	pub kind: PlatformKind,
	/// Its domain.
	#[cfg_attr(feature = "std", serde(with = "crate::json::vec_text"))]
	pub domain: Vec<u8>,
	/// Its operators.
	pub operators: Vec<AccountId>,
	/// Who is paid its share.
	pub payee: Option<AccountId>,
	/// Its share of sales.
	pub share: Perbill,
	/// Whether it is active (not suspended).
	pub active: bool,
}

/// A registered batch, as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct BatchView<AccountId, BlockNumber> {
	/// Its id.
	pub id: BatchId,
	/// The platform that registered it.
	pub platform: PlatformId,
	/// The Merkle root of its posts.
	pub root: H256,
	/// The root of its posts' anonymous leaves, which anonymised records are verified against
	/// (leaf format 3: `crate::anonymous`); `None` for a batch registered before spec 116 whose
	/// registrant has not committed one.
	pub anonymous_root: Option<H256>,
	/// How many posts it holds.
	pub posts: u32,
	/// How many distinct authors.
	pub contributors: u32,
	/// The block it was registered in.
	pub registered_at: BlockNumber,
	/// Who registered it.
	pub submitter: AccountId,
	/// While the batch is in its challenge window, the first block it can be activated in; its
	/// posts count and can be licensed once it is activated (then `None`).
	pub pending_until: Option<BlockNumber>,
	/// Once it counts, its place among the batches that count: a license covers it if this is
	/// below the license's `snapshot`. `None` while pending.
	pub seq: Option<u64>,
	/// The leaves of a pending batch that its registrant must open (`answer_leaf`), by index,
	/// and the last block each can be opened in: first the chain's samples not opened yet (their
	/// deadline is the samples'), then leaves someone asked for; at most
	/// [`MAX_LISTED_REQUESTS`] (a bridge answers those, then asks again).
	pub requests: Vec<OpenRequest<BlockNumber>>,
}

/// The most leaves to open that a [`BatchView`] lists.
pub const MAX_LISTED_REQUESTS: u32 = 1_000;

/// A leaf of a pending batch that its registrant must open (`answer_leaf`) by `deadline`, or lose
/// the batch's bond.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct OpenRequest<BlockNumber> {
	/// The leaf's index.
	pub index: u32,
	/// The last block in which it can be answered.
	pub deadline: BlockNumber,
	/// Whether its answer must open the post's anonymous leaf too (`answer_leaf`'s
	/// `anonymous`): one of the chain's first `AnonymousSampleSize` samples of a batch with an
	/// anonymous root. Never for a leaf someone asked for: that would let anyone tie any
	/// anonymised record to its post.
	pub anonymous: bool,
}

/// A license token, as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "AccountId: serde::Serialize, BlockNumber: serde::Serialize, Balance: core::fmt::Display",
		deserialize = "AccountId: serde::Deserialize<'de>, BlockNumber: serde::Deserialize<'de>, Balance: core::str::FromStr"
	))
)]
pub struct LicenseView<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: LicenseId,
	/// Who holds it.
	pub owner: AccountId,
	/// The offer it was bought from.
	pub offer: OfferId,
	/// Its terms.
	pub terms: TermsId,
	/// The purposes its terms grant.
	pub purposes: PurposeSet,
	/// The restrictions its terms conflict with: posts of authors stating one are not in it.
	pub conflicts: RestrictionSet,
	/// The price tier it was sold at: posts of authors asking more are not in it.
	pub tier: PriceTier,
	/// The platforms whose posts it covers.
	pub platforms: Vec<PlatformId>,
	/// The block it was bought in.
	pub start: BlockNumber,
	/// The first block it is no longer valid in.
	pub expiry: BlockNumber,
	/// It covers the batches whose `seq` is below this one: those that counted (platform
	/// batches activated, Nostr batches registered) before the purchase, and whose posts its
	/// price was counted over.
	pub snapshot: BatchId,
	/// The records in the pool at purchase.
	pub records: u64,
	/// The most records it may be served (`None`: no cap).
	pub cap: Option<u64>,
	/// Records served so far, as platforms reported.
	pub delivered: u64,
	/// What the buyer paid.
	#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))]
	pub price: Balance,
	/// When governance revoked it, if it did.
	pub revoked: Option<BlockNumber>,
}

/// What an account's claims paid within one period of [`Earnings::period`] blocks.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "BlockNumber: serde::Serialize, Balance: core::fmt::Display",
		deserialize = "BlockNumber: serde::Deserialize<'de>, Balance: core::str::FromStr"
	))
)]
pub struct PeriodPaid<Balance, BlockNumber> {
	/// The period's first block (a multiple of the period's length).
	pub from: BlockNumber,
	/// What the account's claims in the period paid it.
	#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))]
	pub amount: Balance,
}

/// An account's earnings over time: what its claims paid, period by period, and what it could
/// claim now. Rewards accrue to shares, not to accounts (a sale costs the same whatever the
/// number of contributors), so what an account earned becomes a dated amount when it claims.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "BlockNumber: serde::Serialize, Balance: core::fmt::Display",
		deserialize = "BlockNumber: serde::Deserialize<'de>, Balance: core::str::FromStr"
	))
)]
pub struct Earnings<Balance, BlockNumber> {
	/// What a claim would pay now.
	#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))]
	pub pending: Balance,
	/// Everything the account's claims have paid it.
	#[cfg_attr(feature = "std", serde(with = "crate::json::number_text"))]
	pub claimed: Balance,
	/// The length of a period, in blocks.
	pub period: BlockNumber,
	/// The most recent periods in which it claimed, oldest first, at most
	/// [`EARNINGS_PERIODS`](crate::licensing::EARNINGS_PERIODS); periods without a claim are
	/// left out.
	pub periods: Vec<PeriodPaid<Balance, BlockNumber>>,
}

/// An offer, as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
#[cfg_attr(
	feature = "std",
	serde(bound(
		serialize = "AccountId: serde::Serialize, Balance: core::fmt::Display",
		deserialize = "AccountId: serde::Deserialize<'de>, Balance: core::str::FromStr"
	))
)]
pub struct OfferView<AccountId, Balance> {
	/// Its id.
	pub id: OfferId,
	/// The operator that made it (`None`: governance).
	pub owner: Option<AccountId>,
	/// The platforms whose posts it licenses.
	pub platforms: Vec<PlatformId>,
	/// Its terms.
	pub terms: TermsId,
	/// Its price.
	pub price: Price<Balance>,
	/// Whether purchases are paused.
	pub paused: bool,
}

sp_api::decl_runtime_apis! {
	/// Consent and identities.
	pub trait ConsentApi<AccountId> where AccountId: Codec {
		/// An account's current consent, with each of its identities.
		fn account_consent(account: AccountId) -> AccountConsent;
		/// The account an identity is linked to and its current consent, if it is linked.
		fn identity_consent(identity: Identity) -> Option<(AccountId, IdentityConsent)>;
		/// A platform.
		fn platform(id: PlatformId) -> Option<PlatformView<AccountId>>;
		/// Every platform.
		fn platforms() -> Vec<PlatformView<AccountId>>;
	}

	/// Registered posts.
	///
	/// Version 2: a batch's view has its `anonymous_root`, and says which leaves to open must
	/// open their anonymous leaves too.
	#[api_version(2)]
	pub trait ContentApi<AccountId, BlockNumber> where AccountId: Codec, BlockNumber: Codec {
		/// A batch.
		fn batch(id: BatchId) -> Option<BatchView<AccountId, BlockNumber>>;
		/// The number of batches registered so far (the next batch's id).
		fn batch_count() -> BatchId;
		/// Whether `post`, claimed to be leaf `index` of `batch` with `proof`, is registered,
		/// revoked, pending (its batch is in its challenge window), unlinked, or not in the batch.
		fn post_status(batch: BatchId, post: PostRecord, index: u32, proof: Vec<H256>) -> PostStatus<BlockNumber>;
		/// The registered (not revoked) posts of the account's identities, each on the platform
		/// it is linked through, summed per platform: what pays the account, for the purposes
		/// it allows.
		fn contributions(account: AccountId) -> Vec<(PlatformId, u64)>;
		/// A platform's registered (not revoked) posts.
		fn platform_posts(platform: PlatformId) -> u64;
	}

	/// Terms, offers, licenses, access checks and rewards.
	///
	/// Version 2: `revocations` reads by cursor, a bounded number of entries per call.
	/// Version 3: consent covers the terms: a quote names its price tier and the posts it
	/// leaves out by reason, a license its conflicts and tier, and the feed reports
	/// `ConsentNarrowed`.
	/// Version 4: `earnings`, an account's claims over time.
	#[api_version(4)]
	pub trait LicensingApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Registered terms.
		fn terms(id: TermsId) -> Option<Terms>;
		/// The id of terms identical to `terms`, if they are registered.
		fn find_terms(terms: Terms) -> Option<TermsId>;
		/// An open offer.
		fn offer(id: OfferId) -> Option<OfferView<AccountId, Balance>>;
		/// Every open offer.
		fn offers() -> Vec<OfferView<AccountId, Balance>>;
		/// What buying `offer` costs now, or why it cannot be bought: the error a purchase
		/// would fail with, short of the buyer's price limit and funds.
		fn quote(offer: OfferId) -> QuoteResult<Balance>;
		/// A license token.
		fn license(id: LicenseId) -> Option<LicenseView<AccountId, Balance, BlockNumber>>;
		/// Whether a record may be served under a license, or why not.
		fn check_access(query: AccessQuery) -> AccessDecision;
		/// Many access checks at once, in order.
		fn check_access_batch(queries: Vec<AccessQuery>) -> Vec<AccessDecision>;
		/// What `account` could claim now.
		fn pending_rewards(account: AccountId) -> Balance;
		/// What `account`'s claims paid it, period by period, and what it could claim now.
		fn earnings(account: AccountId) -> Earnings<Balance, BlockNumber>;
		/// Consent withdrawals and post revocations affecting `license` from block `since` on,
		/// oldest first, at most `limit`.
		#[changed_in(2)]
		fn revocations(license: LicenseId, since: BlockNumber, limit: u32) -> Vec<FeedRecord<AccountId, BlockNumber>>;
		/// Consent withdrawals and post revocations affecting `license`: the feed entries from
		/// position `cursor` on (the feed's start when `None`) that took effect at or after block
		/// `since`, oldest first, at most `limit` of them, looking at most at
		/// [`MAX_FEED_SCAN`](crate::licensing::MAX_FEED_SCAN) entries. Go on from the page's
		/// `next` until it is `complete`.
		fn revocations(license: LicenseId, since: BlockNumber, cursor: Option<u64>, limit: u32) -> FeedPage<AccountId, BlockNumber>;
	}
}
