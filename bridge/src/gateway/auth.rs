//! Who may ask: signed requests, replay, the license's owner, the per-license rate.

use super::{limits::Replay, state::*};
use crate::chain::{self, Answer, Chain};
use anyhow::Result;
use axum::{
	extract::{FromRequestParts, Path},
	http::{request::Parts, HeaderMap, Method, StatusCode, Uri},
};
use licentia_primitives::{
	licensing::LicenseId, runtime_api::LicenseView, AccountId, Balance, BlockNumber,
};
use licentia_rpc::LicentiaApiClient;
use std::{
	sync::Arc,
	time::{Instant, SystemTime, UNIX_EPOCH},
};

/// A request signed by the holder of the license its path names, checked
/// ([`Gateway::authorise`]): the node, and the license as the chain has it now.
pub(super) struct Held {
	pub(super) id: LicenseId,
	pub(super) chain: Arc<Chain>,
	pub(super) license: LicenseView<AccountId, Balance, BlockNumber>,
}

impl FromRequestParts<Arc<Gateway>> for Held {
	type Rejection = Refusal;

	async fn from_request_parts(
		parts: &mut Parts,
		gateway: &Arc<Gateway>,
	) -> Result<Self, Refusal> {
		let Path(id) = Path::<LicenseId>::from_request_parts(parts, gateway)
			.await
			.map_err(|e| Refusal(StatusCode::BAD_REQUEST, "badRequest", e.body_text()))?;
		let (chain, license) =
			gateway.authorise(id, &parts.method, &parts.uri, &parts.headers).await?;
		Ok(Held { id, chain, license })
	}
}

impl Gateway {
	/// Checks the request's signature and freshness, that its signer owns license `id`, which is
	/// live and covers this platform, and then the license's rate.
	pub(super) async fn authorise(
		&self,
		id: LicenseId,
		method: &Method,
		uri: &Uri,
		headers: &HeaderMap,
	) -> Result<(Arc<Chain>, LicenseView<AccountId, Balance, BlockNumber>), Refusal> {
		let (account, signature) = self.verify(method, uri, headers)?;
		let chain = self.chain().await.map_err(unavailable)?;
		let license = self.still_held(&chain, id, &account).await?;
		// Counted and remembered only once the owner is known: nobody else can use up a
		// license's rate, or fill the replay cache (which would refuse honest buyers).
		self.throttle(id)?;
		self.first_use(signature)?;
		Ok((chain, license))
	}

	/// License `id` as the chain has it now, if `account` holds it and it is live and covers
	/// this platform.
	pub(super) async fn still_held(
		&self,
		chain: &Chain,
		id: LicenseId,
		account: &AccountId,
	) -> Result<LicenseView<AccountId, Balance, BlockNumber>, Refusal> {
		let license = match chain.licentia().license(id, None).await.or_refusal() {
			Err(error) => return Err(self.lost(error).await),
			Ok(Err(refusal)) if refusal.code() == licentia_rpc::NOT_FOUND => {
				return Err(Refusal(StatusCode::NOT_FOUND, "notFound", format!("no license {id}")))
			},
			Ok(Err(refusal)) => return Err(unavailable(anyhow::anyhow!("{}", refusal.message()))),
			Ok(Ok(license)) => license,
		};
		let forbidden = |code, message| Err(Refusal(StatusCode::FORBIDDEN, code, message));
		if license.owner != *account {
			return forbidden("notOwner", format!("{account} does not hold license {id}"));
		}
		if let Some(at) = license.revoked {
			return forbidden("revoked", format!("license {id} was revoked at block {at}"));
		}
		let now = match chain.finalized_number().await {
			Ok(now) => now,
			Err(error) => return Err(self.lost(error).await),
		};
		if now >= license.expiry {
			return forbidden(
				"expired",
				format!("license {id} expired at block {}", license.expiry),
			);
		}
		if !license.platforms.contains(&self.target.id) {
			return Err(Refusal(
				StatusCode::NOT_FOUND,
				"notCovered",
				format!(
					"license {id} does not cover platform {}, which this gateway serves",
					self.target.id
				),
			));
		}
		Ok(license)
	}

	/// The account that signed the request and its signature, if the signature is good and fresh
	/// (whether it is new is asked once the owner is known: [`Self::first_use`]).
	pub(super) fn verify(
		&self,
		method: &Method,
		uri: &Uri,
		headers: &HeaderMap,
	) -> Result<(AccountId, [u8; 64]), Refusal> {
		let unauthorised =
			|message: String| Refusal(StatusCode::UNAUTHORIZED, "unauthorised", message);
		let header = |name: &str| {
			headers
				.get(name)
				.and_then(|value| value.to_str().ok())
				.ok_or_else(|| unauthorised(format!("no {name} header: sign the request")))
		};
		let (account, timestamp, signature) = (
			header("licentia-account")?,
			header("licentia-timestamp")?,
			header("licentia-signature")?,
		);
		let account: subxt::utils::AccountId32 = account
			.parse()
			.map_err(|_| unauthorised(format!("{account:?} is not an SS58 address")))?;
		let timestamp: u64 = timestamp.parse().map_err(|_| {
			unauthorised("Licentia-Timestamp is not milliseconds since 1970".into())
		})?;
		let now =
			SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
		if now.abs_diff(timestamp) > SKEW.as_millis() as u64 {
			return Err(unauthorised(format!(
				"the request's timestamp is more than {} s from the gateway's clock",
				SKEW.as_secs()
			)));
		}
		let signature: [u8; 64] = hex::decode(signature.trim_start_matches("0x"))
			.ok()
			.and_then(|bytes| bytes.try_into().ok())
			.ok_or_else(|| unauthorised("Licentia-Signature is not 64 bytes of hex".into()))?;
		let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
		let message = signed_message(&self.genesis, method.as_str(), path, timestamp);
		if !signed_by(&signature, message.as_bytes(), &account) {
			return Err(unauthorised(format!(
				"the signature is not {account}'s of this request (see docs/gateway.md)"
			)));
		}
		Ok((chain::primitive_account(&account), signature))
	}

	/// Remembers an owner's request signature; refuses one seen before (a replay).
	pub(super) fn first_use(&self, signature: [u8; 64]) -> Result<(), Refusal> {
		let unauthorised =
			|message: String| Refusal(StatusCode::UNAUTHORIZED, "unauthorised", message);
		match self.seen.lock().expect("not poisoned").first_use(signature, Instant::now()) {
			Ok(()) => {},
			Err(Replay::Seen) => {
				return Err(unauthorised(
					"this request was already made: sign each one anew".into(),
				))
			},
			Err(Replay::Full) => {
				return Err(Refusal(
					StatusCode::SERVICE_UNAVAILABLE,
					"busy",
					"the gateway is answering as many fresh requests as it can: retry in a minute"
						.into(),
				))
			},
		}
		Ok(())
	}

	/// Counts a request of license `id`; refuses beyond the rate.
	pub(super) fn throttle(&self, id: LicenseId) -> Result<(), Refusal> {
		let second = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
		let mut requests = self.requests.lock().expect("not poisoned");
		if !requests.allow(id, second) {
			return Err(Refusal(
				StatusCode::TOO_MANY_REQUESTS,
				"tooManyRequests",
				format!("at most {} requests per second per license", requests.limit()),
			));
		}
		Ok(())
	}
}

/// The message a request's signature signs.
pub fn signed_message(genesis: &[u8; 32], method: &str, path: &str, timestamp: u64) -> String {
	format!("{CONTEXT}\n0x{}\n{method} {path}\n{timestamp}", hex::encode(genesis))
}

/// Whether `signature` is `who`'s sr25519 signature of `message`, as signed or as wallets sign
/// raw messages ([`licentia_primitives::signed::wrapped`]).
pub(super) fn signed_by(
	signature: &[u8; 64],
	message: &[u8],
	who: &subxt::utils::AccountId32,
) -> bool {
	licentia_primitives::signed::sr25519_signed_by(signature, message, &who.0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_request_is_signed_with_its_method_path_and_time() {
		let alice = subxt_signer::sr25519::dev::alice();
		let message =
			signed_message(&[1; 32], "GET", "/v1/licenses/0/records?limit=5", 1_700_000_000_000);
		let who: subxt::utils::AccountId32 = alice.public_key().into();
		let signature = alice.sign(message.as_bytes()).0;
		assert!(signed_by(&signature, message.as_bytes(), &who));
		let wrapped = alice.sign(format!("<Bytes>{message}</Bytes>").as_bytes()).0;
		assert!(signed_by(&wrapped, message.as_bytes(), &who), "as signRaw signs");
		let other =
			signed_message(&[1; 32], "GET", "/v1/licenses/1/records?limit=5", 1_700_000_000_000);
		assert!(!signed_by(&signature, other.as_bytes(), &who), "another license");
	}
}
