//! Who may ask: signed requests, replay, the license's owner, the per-license rate.

use super::{
	limits::Replay,
	signing::{signed_by, Audience, CONTEXT, UNADDRESSED},
	state::*,
};
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
	/// Checks the request's signature (addressed to this gateway) and freshness, that its signer
	/// owns license `id`, which is live and covers this platform, then the license's rate, and
	/// last that the signature is new to every gateway instance on the ledger.
	pub(super) async fn authorise(
		&self,
		id: LicenseId,
		method: &Method,
		uri: &Uri,
		headers: &HeaderMap,
	) -> Result<(Arc<Chain>, LicenseView<AccountId, Balance, BlockNumber>), Refusal> {
		let (account, signature, timestamp) = self.verify(method, uri, headers)?;
		let chain = self.chain().await.map_err(unavailable)?;
		let license = self.still_held(&chain, id, &account).await?;
		// Counted and remembered only once the owner is known: nobody else can use up a
		// license's rate, or fill the replay cache (which would refuse honest buyers).
		self.throttle(id)?;
		self.first_use(signature, timestamp).await?;
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

	/// The account that signed the request, its signature and timestamp, if the signature is
	/// good, addressed to this gateway and fresh (whether it is new is asked once the owner is
	/// known: [`Self::first_use`]).
	pub(super) fn verify(
		&self,
		method: &Method,
		uri: &Uri,
		headers: &HeaderMap,
	) -> Result<Signed, Refusal> {
		verified(&self.audience, method, uri, headers, now_ms())
	}

	/// Remembers an owner's request signature, here and in the ledger every instance of this
	/// gateway shares; refuses one seen before (a replay, to this instance or another).
	pub(super) async fn first_use(
		&self,
		signature: [u8; 64],
		timestamp: u64,
	) -> Result<(), Refusal> {
		let seen = self.seen.lock().expect("not poisoned").first_use(signature, Instant::now());
		match seen {
			Ok(()) => {},
			Err(Replay::Seen) => return Err(replayed()),
			Err(Replay::Full) => {
				return Err(Refusal(
					StatusCode::SERVICE_UNAVAILABLE,
					"busy",
					"the gateway is answering as many fresh requests as it can: retry in a minute"
						.into(),
				))
			},
		}
		// Kept until no gateway whose clock is within SKEW of this one accepts the timestamp.
		let expires = timestamp.saturating_add(2 * SKEW.as_millis() as u64);
		let used = self
			.ledger
			.first_use(
				&signature,
				i64::try_from(expires).unwrap_or(i64::MAX),
				i64::try_from(now_ms()).unwrap_or(i64::MAX),
			)
			.await;
		match used {
			Ok(true) => Ok(()),
			Ok(false) => Err(replayed()),
			Err(error) => Err(Refusal(
				StatusCode::INTERNAL_SERVER_ERROR,
				"store",
				format!("recording the request's signature: {error:#}"),
			)),
		}
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

/// A request's signer (as the chain names accounts), signature and timestamp (ms).
pub(super) type Signed = (AccountId, [u8; 64], u64);

/// Milliseconds since 1970, by this machine's clock.
fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64
}

fn unauthorised(message: String) -> Refusal {
	Refusal(StatusCode::UNAUTHORIZED, "unauthorised", message)
}

fn replayed() -> Refusal {
	unauthorised(
		"this request was already made (at this gateway or at another instance of it): sign each \
		 one anew"
			.into(),
	)
}

/// The request's signer, signature and timestamp, if its headers hold a signature by the
/// account they name of the message addressed to `audience` (docs/gateway.md), within [`SKEW`]
/// of `now` (ms).
pub(super) fn verified(
	audience: &Audience,
	method: &Method,
	uri: &Uri,
	headers: &HeaderMap,
	now: u64,
) -> Result<Signed, Refusal> {
	let header = |name: &str| {
		headers
			.get(name)
			.and_then(|value| value.to_str().ok())
			.ok_or_else(|| unauthorised(format!("no {name} header: sign the request")))
	};
	let (account, timestamp, signature) =
		(header("licentia-account")?, header("licentia-timestamp")?, header("licentia-signature")?);
	let account: subxt::utils::AccountId32 = account
		.parse()
		.map_err(|_| unauthorised(format!("{account:?} is not an SS58 address")))?;
	let timestamp: u64 = timestamp
		.parse()
		.map_err(|_| unauthorised("Licentia-Timestamp is not milliseconds since 1970".into()))?;
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
	let message = audience.message(method.as_str(), path, timestamp);
	if !signed_by(&signature, message.as_bytes(), &account) {
		return Err(misaddressed(audience, &account, &signature, method.as_str(), path, timestamp));
	}
	Ok((chain::primitive_account(&account), signature, timestamp))
}

/// Why a signature is not of the message addressed to `audience`: a message of the first
/// format (which any gateway would have accepted) is named as such; either way the refusal says
/// what this gateway expects signed.
fn misaddressed(
	audience: &Audience,
	account: &subxt::utils::AccountId32,
	signature: &[u8; 64],
	method: &str,
	path: &str,
	timestamp: u64,
) -> Refusal {
	let expected = format!(
		"a {CONTEXT} message naming platform {} and {}",
		audience.platform, audience.origin
	);
	let unaddressed = audience.unaddressed_message(method, path, timestamp);
	if signed_by(signature, unaddressed.as_bytes(), account) {
		return unauthorised(format!(
			"the request is signed in the {UNADDRESSED} format, which names no gateway and could \
			 be replayed to another: sign {expected} (see docs/gateway.md)"
		));
	}
	unauthorised(format!(
		"the signature is not {account}'s of this request to this gateway ({expected}; see \
		 docs/gateway.md)"
	))
}

#[cfg(test)]
mod tests {
	use super::*;

	const PATH: &str = "/v1/licenses/0/records?limit=5";
	const NOW: u64 = 1_700_000_000_000;

	fn audience(platform: u32, origin: &str) -> Audience {
		Audience { genesis: [1; 32], platform, origin: origin.into() }
	}

	/// Arbitrary header values (multi-byte, huge numbers, signs, hex of every length, bytes
	/// that are not text) get a 401 with a message, never a panic.
	#[test]
	fn arbitrary_signature_headers_are_refused_not_a_panic() {
		const PIECES: [&str; 10] =
			["0x", "ab", "5Grw", "-", "1", "99999999999999999999999", "é", "＠", " ", "zz"];
		let here = audience(3, "http://127.0.0.1:8088");
		let texts = licentia_harness::fuzz::texts(&PIECES, 0x51_7cc1_b727_220a, 12, 3_000);
		for (i, text) in texts.enumerate() {
			let mut headers = HeaderMap::new();
			let value = axum::http::HeaderValue::from_bytes(text.as_bytes())
				.unwrap_or_else(|_| axum::http::HeaderValue::from_static("x"));
			for (n, name) in ["licentia-account", "licentia-timestamp", "licentia-signature"]
				.into_iter()
				.enumerate()
			{
				// Each header in turn arbitrary, the others well-formed or arbitrary too.
				if n == i % 3 || i % 2 == 0 {
					headers.insert(name, value.clone());
				} else {
					headers.insert(name, headers_value(name));
				}
			}
			let refused = verified(&here, &Method::GET, &PATH.parse().unwrap(), &headers, NOW);
			let Err(Refusal(status, _, message)) = refused else { panic!("{text:?} was accepted") };
			assert_eq!(status, StatusCode::UNAUTHORIZED, "{text:?}");
			assert!(!message.is_empty());
		}
	}

	/// A well-formed value of header `name` (Alice, [`NOW`], a signature of something else).
	fn headers_value(name: &str) -> axum::http::HeaderValue {
		headers("something else").get(name).cloned().expect("all three are set")
	}

	/// Alice's headers for a GET of [`PATH`] at [`NOW`], signing `message`.
	fn headers(message: &str) -> HeaderMap {
		let alice = subxt_signer::sr25519::dev::alice();
		let account: subxt::utils::AccountId32 = alice.public_key().into();
		let mut headers = HeaderMap::new();
		headers.insert("licentia-account", account.to_string().parse().unwrap());
		headers.insert("licentia-timestamp", NOW.to_string().parse().unwrap());
		let signature = format!("0x{}", hex::encode(alice.sign(message.as_bytes()).0));
		headers.insert("licentia-signature", signature.parse().unwrap());
		headers
	}

	fn check(at: &Audience, headers: &HeaderMap) -> Result<Signed, Refusal> {
		verified(at, &Method::GET, &PATH.parse().unwrap(), headers, NOW + 1_000)
	}

	/// A signature addressed to platform 3's gateway at one origin opens that gateway only:
	/// another platform's gateway (of a pool license) or another origin refuses it, saying what
	/// it expects signed.
	#[test]
	fn a_signature_opens_the_gateway_it_names_only() {
		let here = audience(3, "https://gw.example.org");
		let signed = headers(&here.message("GET", PATH, NOW));
		let (_, _, timestamp) = check(&here, &signed).map_err(|r| r.2).unwrap();
		assert_eq!(timestamp, NOW);
		for there in [audience(4, "https://gw.example.org"), audience(3, "https://gw.example.net")]
		{
			let Refusal(status, code, message) = check(&there, &signed).unwrap_err();
			assert_eq!((status, code), (StatusCode::UNAUTHORIZED, "unauthorised"), "{there:?}");
			let expected = format!(
				"licentia-gateway/2 message naming platform {} and {}",
				there.platform, there.origin
			);
			assert!(message.contains(&expected), "{message}");
		}
	}

	/// A request signed in the first format (no gateway named) is refused, and told the format
	/// to sign.
	#[test]
	fn an_unaddressed_signature_is_refused_naming_the_new_format() {
		let here = audience(3, "https://gw.example.org");
		let old = format!("licentia-gateway\n0x{}\nGET {PATH}\n{NOW}", "01".repeat(32));
		let Refusal(status, _, message) = check(&here, &headers(&old)).unwrap_err();
		assert_eq!(status, StatusCode::UNAUTHORIZED);
		assert!(
			message.contains("signed in the licentia-gateway format")
				&& message.contains(
					"sign a licentia-gateway/2 message naming platform 3 and \
				 https://gw.example.org"
				),
			"{message}"
		);
	}

	/// Stale and malformed requests are refused before any signature is checked.
	#[test]
	fn stale_or_malformed_requests_are_refused() {
		let here = audience(3, "https://gw.example.org");
		let signed = headers(&here.message("GET", PATH, NOW));
		let late = verified(&here, &Method::GET, &PATH.parse().unwrap(), &signed, NOW + 60_001);
		assert!(late.unwrap_err().2.contains("more than 60 s"));
		let mut unsigned = signed.clone();
		unsigned.remove("licentia-signature");
		assert!(check(&here, &unsigned).unwrap_err().2.contains("no licentia-signature header"));
	}
}
