//! Every JSON decoder of the chain's types answers any input with a value or an error, never a
//! panic: a panic in a node's RPC handler ends the node (`sp-panic-handler` exits the process on
//! any thread that did not opt into unwinding), so one request could stop a validator.
//!
//! Two kinds of input: arbitrary JSON values (strings of any Unicode, numbers of every range,
//! nesting, the field names the types use), and valid requests with one value replaced by
//! hostile text, which reaches the decoders deep inside a well-formed request.

use licentia_primitives::{
	consent::{Decision, Identity, PlatformKind, Purpose, PurposeSet, Statements},
	content::{PostId, PostRecord, PostStatus},
	json::hex_array,
	licensing::{AccessQuery, Denial, FeedChange, FeedRecord, Price, Quote, QuoteError, Terms},
	runtime_api::{
		AccountConsent, BatchView, IdentityConsent, LicenseView, OfferView, PlatformView,
	},
	AccountId, Balance, BlockNumber,
};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};
use sp_core::H256;

/// Decodes `value`, as JSON text and as a parsed value, into every type the node reads or
/// answers with, and into the tuples of an RPC method's parameters. Returns how many decoded.
fn decode_everything(value: &Value) -> usize {
	let text = value.to_string();
	let mut decoded = 0;
	macro_rules! decode {
		($($t:ty),* $(,)?) => {$(
			decoded += usize::from(serde_json::from_value::<$t>(value.clone()).is_ok());
			decoded += usize::from(serde_json::from_str::<$t>(&text).is_ok());
		)*};
	}
	decode!(
		AccountId,
		H256,
		Identity,
		PlatformKind,
		Purpose,
		PurposeSet,
		Decision,
		Statements,
		PostId,
		PostRecord,
		PostStatus<BlockNumber>,
		Terms,
		Price<Balance>,
		Quote<Balance>,
		QuoteError,
		Denial,
		AccessQuery,
		Vec<AccessQuery>,
		FeedChange<AccountId>,
		FeedRecord<AccountId, BlockNumber>,
		OfferView<AccountId, Balance>,
		LicenseView<AccountId, Balance, BlockNumber>,
		IdentityConsent,
		AccountConsent,
		PlatformView<AccountId>,
		BatchView<AccountId, BlockNumber>,
		// Parameter lists, as jsonrpsee reads them.
		(AccountId, Option<H256>),
		(Identity, Option<H256>),
		(u32, Option<H256>),
		(Terms, Option<H256>),
		(AccessQuery, Option<H256>),
		(Vec<AccessQuery>, Option<H256>),
		(u64, BlockNumber, Option<u32>, Option<H256>),
	);
	decoded
}

/// Text that breaks decoders written by hand: multi-byte UTF-8 among hex digits, odd lengths,
/// numbers beyond every integer type, control characters, and arbitrary Unicode.
fn hostile_text() -> impl Strategy<Value = String> {
	prop_oneof![
		any::<String>(),
		"(0x)?[0-9a-fA-Fé€😀\u{0}ß\u{10FFFF} ]{0,80}",
		(0usize..70, "[é€😀ß]").prop_map(|(n, c)| format!("0x{}{c}", "a".repeat(n))),
		"[0-9]{18,45}",
		"-?[0-9]{1,5}(\\.[0-9]+)?(e[+-]?[0-9]{1,4})?",
		"[1-9A-HJ-NP-Za-km-z]{0,60}",
		Just(String::new()),
		Just("0x".into()),
	]
}

/// The field and variant names of the chain's JSON, so that arbitrary objects look like them.
const NAMES: &[&str] = &[
	"license",
	"purpose",
	"purposes",
	"batch",
	"post",
	"index",
	"proof",
	"platform",
	"contentHash",
	"author",
	"nostr",
	"x",
	"bluesky",
	"mastodon",
	"id",
	"uri",
	"cid",
	"duration",
	"recordCap",
	"anonymisation",
	"attribution",
	"transferable",
	"redistribution",
	"commercialUse",
	"modelWeightsRelease",
	"legalHash",
	"legalUri",
	"perRecord",
	"flat",
	"allowed",
	"denied",
	"statements",
	"identities",
	"identity",
	"account",
	"at",
	"change",
	"consentWithdrawn",
	"postRevoked",
	"price",
	"records",
	"licensed",
	"owner",
	"offer",
	"terms",
];

fn json_value() -> impl Strategy<Value = Value> {
	let leaf = prop_oneof![
		Just(Value::Null),
		any::<bool>().prop_map(Value::Bool),
		any::<i64>().prop_map(Value::from),
		any::<u64>().prop_map(Value::from),
		any::<f64>().prop_map(Value::from),
		hostile_text().prop_map(Value::String),
		prop::sample::select(NAMES).prop_map(Value::from),
	];
	leaf.prop_recursive(5, 96, 8, |inner| {
		let key = prop_oneof![prop::sample::select(NAMES).prop_map(String::from), hostile_text()];
		prop_oneof![
			prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
			prop::collection::btree_map(key, inner, 0..8)
				.prop_map(|m| Value::Object(m.into_iter().collect())),
		]
	})
}

/// Valid requests, one per shape a method takes.
fn valid_requests() -> Vec<Value> {
	let hash = format!("0x{}", "11".repeat(32));
	let key = format!("0x{}", "22".repeat(32));
	let posts = [
		(json!({ "nostr": { "id": key } }), json!({ "nostr": key })),
		(json!({ "x": { "id": "1800000000000000000" } }), json!({ "x": "1234567890" })),
		(
			json!({ "bluesky": { "uri": "at://did:plc:abc/app.bsky.feed.post/3k", "cid": "bafy" } }),
			json!({ "bluesky": "did:plc:abc" }),
		),
		(
			json!({ "mastodon": { "uri": "https://mastodon.social/users/a/statuses/1" } }),
			json!({ "mastodon": "a@mastodon.social" }),
		),
	];
	let mut requests = vec![
		json!(["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", hash]),
		json!([{
			"purposes": ["aiTraining", "research"], "duration": 100, "recordCap": 1000,
			"anonymisation": true, "attribution": false, "transferable": false,
			"redistribution": false, "commercialUse": true, "modelWeightsRelease": false,
			"legalHash": hash, "legalUri": "https://example.com/terms",
		}, hash]),
		json!([7, 100, 10, hash]),
	];
	for (post, author) in posts {
		let query = json!({
			"license": 0, "purpose": "aiTraining", "batch": 0, "index": 0, "proof": [hash, hash],
			"post": {
				"platform": 2, "post": post, "contentHash": hash, "author": author,
				"salt": hash, "textSeal": hash,
			},
		});
		requests.push(json!([author, hash]));
		requests.push(json!([query, hash]));
		requests.push(json!([[query, query], hash]));
	}
	requests
}

/// `value` with its `n`th node (in pre-order, modulo their number) replaced by `replacement`.
fn replace_nth(value: &mut Value, n: usize, replacement: &Value) {
	fn count(value: &Value) -> usize {
		1 + match value {
			Value::Array(items) => items.iter().map(count).sum(),
			Value::Object(fields) => fields.values().map(count).sum(),
			_ => 0,
		}
	}
	fn walk(value: &mut Value, n: &mut usize, replacement: &Value) -> bool {
		if *n == 0 {
			*value = replacement.clone();
			return true;
		}
		*n -= 1;
		match value {
			Value::Array(items) => items.iter_mut().any(|item| walk(item, n, replacement)),
			Value::Object(fields) => fields.values_mut().any(|item| walk(item, n, replacement)),
			_ => false,
		}
	}
	let mut n = n % count(value);
	walk(value, &mut n, replacement);
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

	#[test]
	fn arbitrary_json_never_panics_a_decoder(value in json_value()) {
		decode_everything(&value);
	}

	#[test]
	fn a_hostile_value_inside_a_valid_request_never_panics_a_decoder(
		request in prop::sample::select(valid_requests()),
		at in any::<usize>(),
		replacement in prop_oneof![hostile_text().prop_map(Value::String), json_value()],
	) {
		let mut request = request;
		replace_nth(&mut request, at, &replacement);
		decode_everything(&request);
	}

	#[test]
	fn hex_arrays_decode_exactly_their_length_of_hex_or_fail(text in hostile_text()) {
		#[derive(Deserialize)]
		struct Key(#[serde(with = "hex_array")] [u8; 32]);
		let decoded = serde_json::from_value::<Key>(Value::String(text.clone()));
		let digits = text.strip_prefix("0x").unwrap_or(&text);
		let is_hex = digits.len() == 64 && digits.bytes().all(|b| b.is_ascii_hexdigit());
		prop_assert_eq!(decoded.is_ok(), is_hex, "{:?}", text);
		if let Ok(Key(bytes)) = decoded {
			let again: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
			prop_assert_eq!(again, digits.to_ascii_lowercase());
		}
	}

	#[test]
	fn hex_arrays_round_trip(bytes in any::<[u8; 32]>()) {
		#[derive(serde::Serialize, Deserialize, PartialEq, Debug)]
		struct Key(#[serde(with = "hex_array")] [u8; 32]);
		let json = serde_json::to_value(Key(bytes)).expect("serialises");
		prop_assert_eq!(json.as_str().map(|s| s.starts_with("0x") && s.len() == 66), Some(true));
		prop_assert_eq!(serde_json::from_value::<Key>(json).expect("decodes"), Key(bytes));
	}
}

/// The input that stopped nodes: an even number of bytes of "digits" with a multi-byte character
/// at an odd offset. A decoder that slices text two bytes at a time splits the character and
/// panics; here each is an error.
#[test]
fn multi_byte_hex_is_an_error() {
	for key in [
		format!("0xa{}a", "é".repeat(31)),
		format!("0x{}1", "1é".repeat(21)),
		format!("0x{}", "é".repeat(32)),
		format!("0x{}", "😀".repeat(16)),
	] {
		let error = serde_json::from_value::<Identity>(json!({ "nostr": key }))
			.expect_err("multi-byte hex is refused");
		assert!(error.to_string().contains("hex"), "{key}: {error}");
	}
}

/// Every valid request decodes: the mutations above start from inputs the node accepts.
#[test]
fn the_valid_requests_are_valid() {
	for request in valid_requests() {
		assert!(decode_everything(&request) > 0, "{request}");
	}
}
