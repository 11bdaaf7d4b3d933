//! The `licentia_` JSON-RPC namespace: thin, typed wrappers over the runtime APIs declared in
//! `licentia-primitives`, for platform bridges and buyers. Every method takes an optional block
//! hash (`at`, default: the best block). Documented with examples in `docs/rpc.md`.
//!
//! The API is declared once, as the trait `LicentiaApi`, the way `pallet-transaction-payment-rpc`
//! declares its own; jsonrpsee's `rpc` macro turns it into both halves:
//! - with the `client` feature, `LicentiaApiClient`: typed methods on any jsonrpsee client, so a
//!   Rust client (the bridge) names no method in a string and needs none of the node's crates;
//! - with the `server` feature (the default), `LicentiaApiServer` and `Licentia`, the node's
//!   implementation over its runtime APIs.
//!
//! Errors carry these codes:
//! - `-32602` (invalid params): malformed input, rejected by the JSON decoder before the method
//!   runs (bad hex, wrong lengths, unknown variants, numbers out of range);
//! - [`TOO_MANY`] (`4001`): a batch beyond [`MAX_ACCESS_BATCH`] queries;
//! - [`NOT_FOUND`] (`4004`): no such platform, linked identity, batch, terms, offer or license;
//! - [`NOT_FOR_SALE`] (`4009`): the offer exists but cannot be bought now; `data` names why, as a
//!   `QuoteError`, one of seven: `offerPaused`, `termsNotFound`, `nothingToLicense` (with the
//!   counts excluded, by reason), `overflow`, `platformSuspended`, `ownerNotOperator`,
//!   `tooManyDemands` (an unknown offer, `offerNotFound`, is [`NOT_FOUND`]);
//! - [`RUNTIME`] (`5000`): the runtime API call failed (for example, an unknown block hash).

#[cfg(not(any(feature = "client", feature = "server")))]
compile_error!("licentia-rpc without `client` or `server` declares nothing: enable one");

#[cfg(feature = "server")]
mod server;

#[cfg(feature = "server")]
pub use server::Licentia;

// The client alone (`--no-default-features --features client`) has the macro rewrite
// `RpcResult` away.
#[cfg_attr(not(feature = "server"), allow(unused_imports))]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::{BatchId, PostRecord, PostStatus},
	licensing::{AccessQuery, Denial, FeedPage, LicenseId, OfferId, Quote, Terms, TermsId},
	runtime_api::{
		AccountConsent, BatchView, Earnings, IdentityConsent, LicenseView, OfferView, PlatformView,
	},
	AccountId, Balance, BlockNumber, Hash,
};
use serde::{Deserialize, Serialize};

/// The most access checks one `licentia_checkAccessBatch` call may ask.
pub const MAX_ACCESS_BATCH: usize = 4_096;
/// The most revocation feed entries one `licentia_revocations` call returns.
pub const MAX_FEED_PAGE: u32 = 1_000;
/// Error code: a batch beyond its limit.
pub const TOO_MANY: i32 = 4001;
/// Error code: no such item.
pub const NOT_FOUND: i32 = 4004;
/// Error code: the offer cannot be bought now (the reason is the error's `data`).
pub const NOT_FOR_SALE: i32 = 4009;
/// Error code: the runtime API call failed.
pub const RUNTIME: i32 = 5000;

/// An access check's answer, as JSON: `{"allowed": true}` or
/// `{"allowed": false, "reason": "consentWithdrawn"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
	/// Whether the record may be served.
	pub allowed: bool,
	/// Why not.
	#[serde(skip_serializing_if = "Option::is_none", default)]
	pub reason: Option<Denial>,
}

impl From<Result<(), Denial>> for Access {
	fn from(decision: Result<(), Denial>) -> Self {
		Access { allowed: decision.is_ok(), reason: decision.err() }
	}
}

/// A post and its Merkle proof, as `licentia_postStatus` takes them.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostProof {
	/// The batch it was registered in.
	pub batch: BatchId,
	/// The post.
	pub post: PostRecord,
	/// Its leaf index in the batch.
	pub index: u32,
	/// Sibling hashes, leaf to root.
	pub proof: Vec<Hash>,
}

/// The `licentia_` methods. Each answers at block `at`, or at the best block without it.
#[cfg_attr(all(feature = "client", feature = "server"), rpc(client, server))]
#[cfg_attr(all(feature = "client", not(feature = "server")), rpc(client))]
#[cfg_attr(all(feature = "server", not(feature = "client")), rpc(server))]
pub trait LicentiaApi {
	/// An account's consent: account-wide statements and each linked identity.
	#[method(name = "licentia_accountConsent")]
	fn account_consent(&self, account: AccountId, at: Option<Hash>) -> RpcResult<AccountConsent>;

	/// The account an identity is linked to, and its consent; [`NOT_FOUND`] if it is not linked.
	#[method(name = "licentia_identityConsent")]
	fn identity_consent(
		&self,
		identity: Identity,
		at: Option<Hash>,
	) -> RpcResult<(AccountId, IdentityConsent)>;

	/// A platform; [`NOT_FOUND`] if there is none.
	#[method(name = "licentia_platform")]
	fn platform(&self, id: PlatformId, at: Option<Hash>) -> RpcResult<PlatformView<AccountId>>;

	/// Every platform.
	#[method(name = "licentia_platforms")]
	fn platforms(&self, at: Option<Hash>) -> RpcResult<Vec<PlatformView<AccountId>>>;

	/// A registered batch; [`NOT_FOUND`] if there is none.
	#[method(name = "licentia_batch")]
	fn batch(&self, id: BatchId, at: Option<Hash>) -> RpcResult<BatchView<AccountId, BlockNumber>>;

	/// The number of batches registered so far.
	#[method(name = "licentia_batchCount")]
	fn batch_count(&self, at: Option<Hash>) -> RpcResult<BatchId>;

	/// Whether a post is registered, revoked, or not in its batch.
	#[method(name = "licentia_postStatus")]
	fn post_status(&self, post: PostProof, at: Option<Hash>) -> RpcResult<PostStatus<BlockNumber>>;

	/// The registered (not revoked) posts of an account's identities, each on the platform it
	/// is linked through, summed per platform.
	#[method(name = "licentia_contributions")]
	fn contributions(
		&self,
		account: AccountId,
		at: Option<Hash>,
	) -> RpcResult<Vec<(PlatformId, u64)>>;

	/// Registered terms; [`NOT_FOUND`] if there are none.
	#[method(name = "licentia_terms")]
	fn terms(&self, id: TermsId, at: Option<Hash>) -> RpcResult<Terms>;

	/// The id of terms identical to these, if registered.
	#[method(name = "licentia_findTerms")]
	fn find_terms(&self, terms: Terms, at: Option<Hash>) -> RpcResult<Option<TermsId>>;

	/// An open offer; [`NOT_FOUND`] if there is none.
	#[method(name = "licentia_offer")]
	fn offer(&self, id: OfferId, at: Option<Hash>) -> RpcResult<OfferView<AccountId, Balance>>;

	/// Every open offer.
	#[method(name = "licentia_offers")]
	fn offers(&self, at: Option<Hash>) -> RpcResult<Vec<OfferView<AccountId, Balance>>>;

	/// What buying an offer costs now; [`NOT_FOUND`] for an unknown offer, [`NOT_FOR_SALE`] with
	/// the reason for one that cannot be bought now.
	#[method(name = "licentia_quote")]
	fn quote(&self, offer: OfferId, at: Option<Hash>) -> RpcResult<Quote<Balance>>;

	/// A license token; [`NOT_FOUND`] if there is none.
	#[method(name = "licentia_license")]
	fn license(
		&self,
		id: LicenseId,
		at: Option<Hash>,
	) -> RpcResult<LicenseView<AccountId, Balance, BlockNumber>>;

	/// May a record be served under a license?
	#[method(name = "licentia_checkAccess")]
	fn check_access(&self, query: AccessQuery, at: Option<Hash>) -> RpcResult<Access>;

	/// Up to [`MAX_ACCESS_BATCH`] access checks, answered in order; [`TOO_MANY`] beyond.
	#[method(name = "licentia_checkAccessBatch")]
	fn check_access_batch(
		&self,
		queries: Vec<AccessQuery>,
		at: Option<Hash>,
	) -> RpcResult<Vec<Access>>;

	/// What an account could claim now, in planck, as a decimal string.
	#[method(name = "licentia_pendingRewards")]
	fn pending_rewards(&self, account: AccountId, at: Option<Hash>) -> RpcResult<String>;

	/// An account's earnings over time: what its claims paid it in each of its last periods
	/// with a claim (30 days each), in total, and what it could claim now. Amounts in planck,
	/// as decimal strings. [`RUNTIME`] at a block whose runtime predates it (`LicensingApi`
	/// version 4).
	#[method(name = "licentia_earnings")]
	fn earnings(
		&self,
		account: AccountId,
		at: Option<Hash>,
	) -> RpcResult<Earnings<Balance, BlockNumber>>;

	/// A page of the withdrawals and revocations affecting a license: the feed entries from
	/// position `cursor` (the start when omitted) that took effect at or after block `since`,
	/// oldest first; at most `limit` (at most and by default [`MAX_FEED_PAGE`]) of them, after
	/// looking at no more than `MAX_FEED_SCAN` entries. Go on from the page's `next` until it is
	/// `complete`. [`NOT_FOUND`] for an unknown license; [`RUNTIME`] at a block whose runtime
	/// predates paged reads (`LicensingApi` version 2).
	#[method(name = "licentia_revocations")]
	fn revocations(
		&self,
		license: LicenseId,
		since: BlockNumber,
		limit: Option<u32>,
		cursor: Option<u64>,
		at: Option<Hash>,
	) -> RpcResult<FeedPage<AccountId, BlockNumber>>;
}
