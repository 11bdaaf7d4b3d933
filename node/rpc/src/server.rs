//! The node's side: [`LicentiaApiServer`] over a client's runtime APIs.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, types::ErrorObjectOwned};
use licentia_primitives::{
	consent::{Identity, PlatformId},
	content::{BatchId, PostStatus},
	licensing::{
		AccessQuery, Exclusions, FeedPage, LicenseId, OfferId, Quote, QuoteError, Terms, TermsId,
	},
	runtime_api::{
		AccountConsent, BatchView, ConsentApi, ContentApi, Earnings, IdentityConsent, LicenseView,
		LicensingApi, OfferView, PlatformView,
	},
	AccountId, Balance, BlockNumber, Hash,
};
use sp_api::{ApiError, ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

use crate::{
	Access, LicentiaApiServer, PostProof, MAX_ACCESS_BATCH, MAX_FEED_PAGE, NOT_FOR_SALE, NOT_FOUND,
	RUNTIME, TOO_MANY,
};

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

/// Why an offer cannot be bought, as an error: [`NOT_FOUND`] for an unknown offer, otherwise
/// [`NOT_FOR_SALE`] with the reason in words and, as `data`, by name.
fn not_for_sale(reason: QuoteError) -> ErrorObjectOwned {
	let why = match reason {
		QuoteError::OfferNotFound => return error(NOT_FOUND, "no such offer"),
		QuoteError::OfferPaused => "its owner has paused it".into(),
		QuoteError::TermsNotFound => "its terms are not registered".into(),
		QuoteError::NothingToLicense(excluded) => format!(
			"no post in its pool is licensable under its terms at its price{}",
			exclusions_in_words(&excluded)
		),
		QuoteError::Overflow => "its price does not fit a balance".into(),
		QuoteError::PlatformSuspended => "a platform of its pool is suspended".into(),
		QuoteError::OwnerNotOperator => "its owner no longer operates every platform of it".into(),
		QuoteError::TooManyDemands => {
			"a platform of its pool keeps reward counters for as many distinct demands as it may"
				.into()
		},
	};
	let message = format!("the offer cannot be bought now: {why}");
	ErrorObjectOwned::owned(NOT_FOR_SALE, message, Some(reason))
}

/// `": 30 posts' authors refuse commercial use, 70 ask more per record"`, or nothing when no
/// consenting author's post was left out.
fn exclusions_in_words(excluded: &Exclusions) -> String {
	let reasons = [
		(excluded.purposes, "do not allow every purpose"),
		(excluded.no_commercial_use, "refuse commercial use"),
		(excluded.anonymisation_required, "require anonymisation"),
		(excluded.no_model_weights, "refuse the release of model weights"),
		(excluded.no_redistribution, "refuse redistribution"),
		(excluded.min_price, "ask more per record"),
	];
	let named: Vec<String> = reasons
		.iter()
		.filter(|(count, _)| *count > 0)
		.enumerate()
		.map(|(i, (count, why))| {
			if i == 0 {
				format!("{count} posts' authors {why}")
			} else {
				format!("{count} {why}")
			}
		})
		.collect();
	if named.is_empty() {
		String::new()
	} else {
		format!(": {}", named.join(", "))
	}
}

fn found<T>(value: Option<T>, what: &str) -> RpcResult<T> {
	value.ok_or_else(|| error(NOT_FOUND, format!("no such {what}")))
}

impl<C, B> Licentia<C, B>
where
	B: BlockT<Hash = Hash>,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
{
	fn at(&self, at: Option<Hash>) -> Hash {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}

	/// [`RUNTIME`] unless the runtime at `at` has `LicensingApi` version `version` or later,
	/// which brought `what`.
	fn require_licensing_api(&self, at: Hash, version: u32, what: &str) -> RpcResult<()>
	where
		C::Api: LicensingApi<B, AccountId, Balance, BlockNumber>,
	{
		let found = self
			.client
			.runtime_api()
			.api_version::<dyn LicensingApi<B, AccountId, Balance, BlockNumber>>(at)
			.map_err(runtime_error)?;
		if found < Some(version) {
			return Err(error(
				RUNTIME,
				format!("the runtime of this block predates {what} (LicensingApi {version})"),
			));
		}
		Ok(())
	}
}

impl<C, B> LicentiaApiServer for Licentia<C, B>
where
	B: BlockT<Hash = Hash>,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: ConsentApi<B, AccountId>
		+ ContentApi<B, AccountId, BlockNumber>
		+ LicensingApi<B, AccountId, Balance, BlockNumber>,
{
	fn account_consent(&self, account: AccountId, at: Option<Hash>) -> RpcResult<AccountConsent> {
		self.client
			.runtime_api()
			.account_consent(self.at(at), account)
			.map_err(runtime_error)
	}

	fn identity_consent(
		&self,
		identity: Identity,
		at: Option<Hash>,
	) -> RpcResult<(AccountId, IdentityConsent)> {
		let answer = self.client.runtime_api().identity_consent(self.at(at), identity);
		found(answer.map_err(runtime_error)?, "linked identity")
	}

	fn platform(&self, id: PlatformId, at: Option<Hash>) -> RpcResult<PlatformView<AccountId>> {
		found(
			self.client.runtime_api().platform(self.at(at), id).map_err(runtime_error)?,
			"platform",
		)
	}

	fn platforms(&self, at: Option<Hash>) -> RpcResult<Vec<PlatformView<AccountId>>> {
		self.client.runtime_api().platforms(self.at(at)).map_err(runtime_error)
	}

	fn batch(&self, id: BatchId, at: Option<Hash>) -> RpcResult<BatchView<AccountId, BlockNumber>> {
		found(self.client.runtime_api().batch(self.at(at), id).map_err(runtime_error)?, "batch")
	}

	fn batch_count(&self, at: Option<Hash>) -> RpcResult<BatchId> {
		self.client.runtime_api().batch_count(self.at(at)).map_err(runtime_error)
	}

	fn post_status(&self, post: PostProof, at: Option<Hash>) -> RpcResult<PostStatus<BlockNumber>> {
		let PostProof { batch, post, index, proof } = post;
		self.client
			.runtime_api()
			.post_status(self.at(at), batch, post, index, proof)
			.map_err(runtime_error)
	}

	fn contributions(
		&self,
		account: AccountId,
		at: Option<Hash>,
	) -> RpcResult<Vec<(PlatformId, u64)>> {
		self.client
			.runtime_api()
			.contributions(self.at(at), account)
			.map_err(runtime_error)
	}

	fn terms(&self, id: TermsId, at: Option<Hash>) -> RpcResult<Terms> {
		found(self.client.runtime_api().terms(self.at(at), id).map_err(runtime_error)?, "terms")
	}

	fn find_terms(&self, terms: Terms, at: Option<Hash>) -> RpcResult<Option<TermsId>> {
		self.client.runtime_api().find_terms(self.at(at), terms).map_err(runtime_error)
	}

	fn offer(&self, id: OfferId, at: Option<Hash>) -> RpcResult<OfferView<AccountId, Balance>> {
		found(self.client.runtime_api().offer(self.at(at), id).map_err(runtime_error)?, "offer")
	}

	fn offers(&self, at: Option<Hash>) -> RpcResult<Vec<OfferView<AccountId, Balance>>> {
		self.client.runtime_api().offers(self.at(at)).map_err(runtime_error)
	}

	fn quote(&self, offer: OfferId, at: Option<Hash>) -> RpcResult<Quote<Balance>> {
		self.client
			.runtime_api()
			.quote(self.at(at), offer)
			.map_err(runtime_error)?
			.map_err(not_for_sale)
	}

	fn license(
		&self,
		id: LicenseId,
		at: Option<Hash>,
	) -> RpcResult<LicenseView<AccountId, Balance, BlockNumber>> {
		found(self.client.runtime_api().license(self.at(at), id).map_err(runtime_error)?, "license")
	}

	fn check_access(&self, query: AccessQuery, at: Option<Hash>) -> RpcResult<Access> {
		let decision = self.client.runtime_api().check_access(self.at(at), query);
		Ok(decision.map_err(runtime_error)?.into())
	}

	fn check_access_batch(
		&self,
		queries: Vec<AccessQuery>,
		at: Option<Hash>,
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

	fn pending_rewards(&self, account: AccountId, at: Option<Hash>) -> RpcResult<String> {
		let pending = self.client.runtime_api().pending_rewards(self.at(at), account);
		Ok(pending.map_err(runtime_error)?.to_string())
	}

	fn earnings(
		&self,
		account: AccountId,
		at: Option<Hash>,
	) -> RpcResult<Earnings<Balance, BlockNumber>> {
		let at = self.at(at);
		self.require_licensing_api(at, 4, "earnings over time")?;
		self.client.runtime_api().earnings(at, account).map_err(runtime_error)
	}

	fn revocations(
		&self,
		license: LicenseId,
		since: BlockNumber,
		limit: Option<u32>,
		cursor: Option<u64>,
		at: Option<Hash>,
	) -> RpcResult<FeedPage<AccountId, BlockNumber>> {
		let limit = limit.unwrap_or(MAX_FEED_PAGE).min(MAX_FEED_PAGE);
		let at = self.at(at);
		self.require_licensing_api(at, 2, "paged revocation feeds")?;
		let api = self.client.runtime_api();
		found(api.license(at, license).map_err(runtime_error)?, "license")?;
		api.revocations(at, license, since, cursor, limit).map_err(runtime_error)
	}
}
