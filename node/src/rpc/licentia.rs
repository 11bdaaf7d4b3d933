//! The `licentia_` JSON-RPC namespace: thin, typed wrappers over the runtime APIs declared in
//! `licentia-primitives`, for platform bridges and buyers. Every method takes an optional block
//! hash (`at`, default: the best block). Documented with examples in `docs/rpc.md`.
//!
//! Errors carry these codes:
//! - `-32602` (invalid params): malformed input, rejected by the JSON decoder before the method
//!   runs (bad hex, wrong lengths, unknown variants, numbers out of range);
//! - [`TOO_MANY`] (`4001`): a batch beyond [`MAX_ACCESS_BATCH`] queries;
//! - [`NOT_FOUND`] (`4004`): no such platform, batch, terms, offer or license;
//! - [`NOT_FOR_SALE`] (`4009`): the offer exists but cannot be bought now; `data` names why
//!   (`offerPaused`, `termsNotFound`, `nothingToLicense`, `overflow`);
//! - [`RUNTIME`] (`5000`): the runtime API call failed (for example, an unknown block hash).

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::{BatchId, PostRecord, PostStatus},
	licensing::{
		AccessQuery, Denial, FeedRecord, LicenseId, OfferId, Quote, QuoteError, Terms, TermsId,
	},
	runtime_api::{
		AccountConsent, BatchView, ConsentApi, ContentApi, IdentityConsent, LicenseView,
		LicensingApi, OfferView, PlatformView,
	},
	AccountId, Balance, BlockNumber,
};
use serde::{Deserialize, Serialize};
use sp_api::{ApiError, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::Block as BlockT;

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
	pub proof: Vec<H256>,
}

#[rpc(server)]
pub trait LicentiaApi {
	/// An account's consent: account-wide statements and each linked identity.
	#[method(name = "licentia_accountConsent")]
	fn account_consent(&self, account: AccountId, at: Option<H256>) -> RpcResult<AccountConsent>;

	/// The account an identity is linked to, and its consent.
	#[method(name = "licentia_identityConsent")]
	fn identity_consent(
		&self,
		identity: Identity,
		at: Option<H256>,
	) -> RpcResult<(AccountId, IdentityConsent)>;

	/// A platform.
	#[method(name = "licentia_platform")]
	fn platform(&self, id: PlatformId, at: Option<H256>) -> RpcResult<PlatformView<AccountId>>;

	/// Every platform.
	#[method(name = "licentia_platforms")]
	fn platforms(&self, at: Option<H256>) -> RpcResult<Vec<PlatformView<AccountId>>>;

	/// A registered batch.
	#[method(name = "licentia_batch")]
	fn batch(&self, id: BatchId, at: Option<H256>) -> RpcResult<BatchView<AccountId, BlockNumber>>;

	/// The number of batches registered so far.
	#[method(name = "licentia_batchCount")]
	fn batch_count(&self, at: Option<H256>) -> RpcResult<BatchId>;

	/// Whether a post is registered, revoked, or not in its batch.
	#[method(name = "licentia_postStatus")]
	fn post_status(&self, post: PostProof, at: Option<H256>) -> RpcResult<PostStatus<BlockNumber>>;

	/// An account's registered posts per platform.
	#[method(name = "licentia_contributions")]
	fn contributions(
		&self,
		account: AccountId,
		at: Option<H256>,
	) -> RpcResult<Vec<(PlatformId, u64)>>;

	/// Registered terms.
	#[method(name = "licentia_terms")]
	fn terms(&self, id: TermsId, at: Option<H256>) -> RpcResult<Terms>;

	/// The id of terms identical to these, if registered.
	#[method(name = "licentia_findTerms")]
	fn find_terms(&self, terms: Terms, at: Option<H256>) -> RpcResult<Option<TermsId>>;

	/// An open offer.
	#[method(name = "licentia_offer")]
	fn offer(&self, id: OfferId, at: Option<H256>) -> RpcResult<OfferView<AccountId, Balance>>;

	/// Every open offer.
	#[method(name = "licentia_offers")]
	fn offers(&self, at: Option<H256>) -> RpcResult<Vec<OfferView<AccountId, Balance>>>;

	/// What buying an offer costs now; `4009` with the reason when it cannot be bought.
	#[method(name = "licentia_quote")]
	fn quote(&self, offer: OfferId, at: Option<H256>) -> RpcResult<Quote<Balance>>;

	/// A license token.
	#[method(name = "licentia_license")]
	fn license(
		&self,
		id: LicenseId,
		at: Option<H256>,
	) -> RpcResult<LicenseView<AccountId, Balance, BlockNumber>>;

	/// May a record be served under a license?
	#[method(name = "licentia_checkAccess")]
	fn check_access(&self, query: AccessQuery, at: Option<H256>) -> RpcResult<Access>;

	/// Up to `MAX_ACCESS_BATCH` access checks, answered in order.
	#[method(name = "licentia_checkAccessBatch")]
	fn check_access_batch(
		&self,
		queries: Vec<AccessQuery>,
		at: Option<H256>,
	) -> RpcResult<Vec<Access>>;

	/// What an account could claim now, in planck, as a decimal string.
	#[method(name = "licentia_pendingRewards")]
	fn pending_rewards(&self, account: AccountId, at: Option<H256>) -> RpcResult<String>;

	/// The withdrawals and revocations affecting a license from block `since` on, oldest first.
	#[method(name = "licentia_revocations")]
	fn revocations(
		&self,
		license: LicenseId,
		since: BlockNumber,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<Vec<FeedRecord<AccountId, BlockNumber>>>;
}

/// The `licentia_` methods over a client.
pub struct Licentia<C, B> {
	client: Arc<C>,
	_block: std::marker::PhantomData<B>,
}

impl<C, B> Licentia<C, B> {
	/// Serves the runtime APIs of `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: Default::default() }
	}
}

fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

fn runtime_error(e: ApiError) -> ErrorObjectOwned {
	error(RUNTIME, format!("runtime API call failed: {e}"))
}

/// Why an offer cannot be bought, as an error: 4004 for an unknown offer, otherwise 4009 with
/// the reason in words and, as `data`, by name.
fn not_for_sale(reason: QuoteError) -> ErrorObjectOwned {
	let why = match reason {
		QuoteError::OfferNotFound => return error(NOT_FOUND, "no such offer"),
		QuoteError::OfferPaused => "its owner has paused it",
		QuoteError::TermsNotFound => "its terms are not registered",
		QuoteError::NothingToLicense => {
			"no post in its pool has an author who allows every purpose of its terms"
		},
		QuoteError::Overflow => "its price does not fit a balance",
	};
	let message = format!("the offer cannot be bought now: {why}");
	ErrorObjectOwned::owned(NOT_FOR_SALE, message, Some(reason))
}

fn found<T>(value: Option<T>, what: &str) -> RpcResult<T> {
	value.ok_or_else(|| error(NOT_FOUND, format!("no such {what}")))
}

impl<C, B> Licentia<C, B>
where
	B: BlockT<Hash = H256>,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
{
	fn at(&self, at: Option<H256>) -> H256 {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}
}

impl<C, B> LicentiaApiServer for Licentia<C, B>
where
	B: BlockT<Hash = H256>,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: ConsentApi<B, AccountId>
		+ ContentApi<B, AccountId, BlockNumber>
		+ LicensingApi<B, AccountId, Balance, BlockNumber>,
{
	fn account_consent(&self, account: AccountId, at: Option<H256>) -> RpcResult<AccountConsent> {
		self.client
			.runtime_api()
			.account_consent(self.at(at), account)
			.map_err(runtime_error)
	}

	fn identity_consent(
		&self,
		identity: Identity,
		at: Option<H256>,
	) -> RpcResult<(AccountId, IdentityConsent)> {
		let answer = self.client.runtime_api().identity_consent(self.at(at), identity);
		found(answer.map_err(runtime_error)?, "linked identity")
	}

	fn platform(&self, id: PlatformId, at: Option<H256>) -> RpcResult<PlatformView<AccountId>> {
		found(
			self.client.runtime_api().platform(self.at(at), id).map_err(runtime_error)?,
			"platform",
		)
	}

	fn platforms(&self, at: Option<H256>) -> RpcResult<Vec<PlatformView<AccountId>>> {
		self.client.runtime_api().platforms(self.at(at)).map_err(runtime_error)
	}

	fn batch(&self, id: BatchId, at: Option<H256>) -> RpcResult<BatchView<AccountId, BlockNumber>> {
		found(self.client.runtime_api().batch(self.at(at), id).map_err(runtime_error)?, "batch")
	}

	fn batch_count(&self, at: Option<H256>) -> RpcResult<BatchId> {
		self.client.runtime_api().batch_count(self.at(at)).map_err(runtime_error)
	}

	fn post_status(&self, post: PostProof, at: Option<H256>) -> RpcResult<PostStatus<BlockNumber>> {
		let PostProof { batch, post, index, proof } = post;
		self.client
			.runtime_api()
			.post_status(self.at(at), batch, post, index, proof)
			.map_err(runtime_error)
	}

	fn contributions(
		&self,
		account: AccountId,
		at: Option<H256>,
	) -> RpcResult<Vec<(PlatformId, u64)>> {
		self.client
			.runtime_api()
			.contributions(self.at(at), account)
			.map_err(runtime_error)
	}

	fn terms(&self, id: TermsId, at: Option<H256>) -> RpcResult<Terms> {
		found(self.client.runtime_api().terms(self.at(at), id).map_err(runtime_error)?, "terms")
	}

	fn find_terms(&self, terms: Terms, at: Option<H256>) -> RpcResult<Option<TermsId>> {
		self.client.runtime_api().find_terms(self.at(at), terms).map_err(runtime_error)
	}

	fn offer(&self, id: OfferId, at: Option<H256>) -> RpcResult<OfferView<AccountId, Balance>> {
		found(self.client.runtime_api().offer(self.at(at), id).map_err(runtime_error)?, "offer")
	}

	fn offers(&self, at: Option<H256>) -> RpcResult<Vec<OfferView<AccountId, Balance>>> {
		self.client.runtime_api().offers(self.at(at)).map_err(runtime_error)
	}

	fn quote(&self, offer: OfferId, at: Option<H256>) -> RpcResult<Quote<Balance>> {
		self.client
			.runtime_api()
			.quote(self.at(at), offer)
			.map_err(runtime_error)?
			.map_err(not_for_sale)
	}

	fn license(
		&self,
		id: LicenseId,
		at: Option<H256>,
	) -> RpcResult<LicenseView<AccountId, Balance, BlockNumber>> {
		found(self.client.runtime_api().license(self.at(at), id).map_err(runtime_error)?, "license")
	}

	fn check_access(&self, query: AccessQuery, at: Option<H256>) -> RpcResult<Access> {
		let decision = self.client.runtime_api().check_access(self.at(at), query);
		Ok(decision.map_err(runtime_error)?.into())
	}

	fn check_access_batch(
		&self,
		queries: Vec<AccessQuery>,
		at: Option<H256>,
	) -> RpcResult<Vec<Access>> {
		if queries.len() > MAX_ACCESS_BATCH {
			return Err(error(
				TOO_MANY,
				format!("{} queries; at most {MAX_ACCESS_BATCH} per call", queries.len()),
			));
		}
		let decisions = self.client.runtime_api().check_access_batch(self.at(at), queries);
		Ok(decisions.map_err(runtime_error)?.into_iter().map(Access::from).collect())
	}

	fn pending_rewards(&self, account: AccountId, at: Option<H256>) -> RpcResult<String> {
		let pending = self.client.runtime_api().pending_rewards(self.at(at), account);
		Ok(pending.map_err(runtime_error)?.to_string())
	}

	fn revocations(
		&self,
		license: LicenseId,
		since: BlockNumber,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<Vec<FeedRecord<AccountId, BlockNumber>>> {
		let limit = limit.unwrap_or(MAX_FEED_PAGE).min(MAX_FEED_PAGE);
		let at = self.at(at);
		let api = self.client.runtime_api();
		found(api.license(at, license).map_err(runtime_error)?, "license")?;
		api.revocations(at, license, since, limit).map_err(runtime_error)
	}
}
