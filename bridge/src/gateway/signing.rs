//! What a request's signature signs, and to whom it is addressed: the chain, the platform and the
//! gateway's public origin ([`Audience`]), so that a signature opens one gateway only and cannot
//! be replayed to another gateway of a pool license (docs/gateway.md, *Requests*).

use licentia_primitives::consent::PlatformId;
use std::net::SocketAddr;

/// The first line of the message a request signs (version 2: it names its gateway).
pub(super) const CONTEXT: &str = "licentia-gateway/2";

/// The first line of the message requests signed before version 2, which named no gateway: any
/// gateway of the chain would have accepted it. Refused, with a message naming [`CONTEXT`].
pub(super) const UNADDRESSED: &str = "licentia-gateway";

/// Whom a request is addressed to: what its signature names besides the request itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Audience {
	/// The chain's genesis hash.
	pub(super) genesis: [u8; 32],
	/// The platform the gateway serves.
	pub(super) platform: PlatformId,
	/// The gateway's public origin, as WHATWG URLs serialise it (`https://gw.example.org`,
	/// `http://127.0.0.1:8088`): scheme, host and a port other than the scheme's default.
	pub(super) origin: String,
}

impl Audience {
	/// The message a request's signature signs: six lines joined by `\n`, [`CONTEXT`], the
	/// genesis hash (`0x`, lowercase hex), the platform id, the origin, the method and the path
	/// with its query, the timestamp (ms).
	pub(super) fn message(&self, method: &str, path: &str, timestamp: u64) -> String {
		format!(
			"{CONTEXT}\n0x{}\n{}\n{}\n{method} {path}\n{timestamp}",
			hex::encode(self.genesis),
			self.platform,
			self.origin
		)
	}

	/// What a request signed before version 2 signed: it is refused, and recognised only to say
	/// so.
	pub(super) fn unaddressed_message(&self, method: &str, path: &str, timestamp: u64) -> String {
		format!("{UNADDRESSED}\n0x{}\n{method} {path}\n{timestamp}", hex::encode(self.genesis))
	}
}

/// The origin of `url` as WHATWG URLs serialise it (what a browser's and Node's
/// `new URL(url).origin` give): lowercase scheme and host, the port only if not the scheme's
/// default. The URL must be `http` or `https` and name nothing beyond its origin (a path other
/// than `/`, a query, a user): the gateway serves from the root of its origin.
pub(super) fn origin_of(url: &str) -> Result<String, String> {
	let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
	if !matches!(parsed.scheme(), "http" | "https") {
		return Err(format!("{url:?} is not an http or https URL"));
	}
	let beyond = parsed.path() != "/"
		|| parsed.query().is_some()
		|| parsed.fragment().is_some()
		|| !parsed.username().is_empty()
		|| parsed.password().is_some();
	if beyond {
		return Err(format!(
			"{url:?} names more than an origin (scheme, host, port): the gateway serves from the \
			 root of its origin"
		));
	}
	Ok(parsed.origin().ascii_serialization())
}

/// The gateway's public origin: `public_url`'s, or by default `http://` and the address it
/// listens on.
pub(super) fn public_origin(
	public_url: Option<&str>,
	listening: SocketAddr,
) -> Result<String, String> {
	match public_url {
		Some(url) => origin_of(url),
		None => origin_of(&format!("http://{listening}")),
	}
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

	fn audience(platform: PlatformId, origin: &str) -> Audience {
		Audience { genesis: [1; 32], platform, origin: origin.into() }
	}

	#[test]
	fn the_message_names_the_chain_the_platform_and_the_gateway() {
		let message = audience(3, "https://gw.example.org").message(
			"GET",
			"/v1/licenses/0/records?limit=5",
			1_700_000_000_000,
		);
		let expected = format!(
			"licentia-gateway/2\n0x{}\n3\nhttps://gw.example.org\nGET \
			 /v1/licenses/0/records?limit=5\n1700000000000",
			"01".repeat(32)
		);
		assert_eq!(message, expected);
	}

	#[test]
	fn a_request_is_signed_with_its_gateway_method_path_and_time() {
		let alice = subxt_signer::sr25519::dev::alice();
		let who: subxt::utils::AccountId32 = alice.public_key().into();
		let here = audience(3, "https://gw.example.org");
		let message = here.message("GET", "/v1/licenses/0/records?limit=5", 1_700_000_000_000);
		let signature = alice.sign(message.as_bytes()).0;
		assert!(signed_by(&signature, message.as_bytes(), &who));
		let wrapped = alice.sign(format!("<Bytes>{message}</Bytes>").as_bytes()).0;
		assert!(signed_by(&wrapped, message.as_bytes(), &who), "as signRaw signs");
		let other = here.message("GET", "/v1/licenses/1/records?limit=5", 1_700_000_000_000);
		assert!(!signed_by(&signature, other.as_bytes(), &who), "another license");
		for elsewhere in
			[audience(4, "https://gw.example.org"), audience(3, "https://gw.example.net")]
		{
			let there =
				elsewhere.message("GET", "/v1/licenses/0/records?limit=5", 1_700_000_000_000);
			assert!(!signed_by(&signature, there.as_bytes(), &who), "{elsewhere:?}");
		}
	}

	#[test]
	fn an_origin_is_serialised_as_browsers_serialise_it() {
		let cases = [
			("https://gw.example.org", "https://gw.example.org"),
			("https://GW.Example.org/", "https://gw.example.org"),
			("HTTPS://gw.example.org:443", "https://gw.example.org"),
			("http://gw.example.org:80/", "http://gw.example.org"),
			("http://127.0.0.1:8088", "http://127.0.0.1:8088"),
			("http://[::1]:8088/", "http://[::1]:8088"),
			("https://gw.example.org:8443", "https://gw.example.org:8443"),
		];
		for (url, origin) in cases {
			assert_eq!(origin_of(url).as_deref(), Ok(origin), "{url}");
		}
		for url in [
			"gw.example.org",
			"ftp://gw.example.org",
			"https://gw.example.org/gateway",
			"https://gw.example.org/?a=1",
			"https://user@gw.example.org",
		] {
			assert!(origin_of(url).is_err(), "{url}");
		}
		let listening: SocketAddr = "127.0.0.1:8088".parse().unwrap();
		assert_eq!(public_origin(None, listening).as_deref(), Ok("http://127.0.0.1:8088"));
		let v6: SocketAddr = "[::1]:80".parse().unwrap();
		assert_eq!(public_origin(None, v6).as_deref(), Ok("http://[::1]"));
		assert_eq!(
			public_origin(Some("https://gw.example.org"), listening).as_deref(),
			Ok("https://gw.example.org")
		);
	}
}
