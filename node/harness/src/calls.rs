//! The calls a test's users sign as they would on a real chain: an operator's identity link with
//! the account's acceptance, an opt-in a platform relays, the terms an offer licenses.

use codec::Encode;
use licentia_primitives::consent::{Identity, PlatformId};
use licentia_runtime::{Hash, RuntimeCall};
use sp_core::Pair;

/// Terms for AI training only, lasting `duration` blocks, without a cap: what the throughput and
/// network tests license.
pub fn training_terms(duration: u32) -> licentia_primitives::licensing::Terms {
	use licentia_primitives::consent::{Purpose, PurposeSet};
	licentia_primitives::licensing::Terms {
		purposes: PurposeSet::EMPTY.with(Purpose::AiTraining),
		duration,
		record_cap: None,
		anonymisation: true,
		attribution: false,
		transferable: false,
		redistribution: false,
		commercial_use: true,
		model_weights_release: false,
		legal_hash: sp_core::H256::repeat_byte(0x1e),
		legal_uri: None,
	}
}

/// An operator's `link_identity` of `identity` to `pair`'s account through `platform`, with
/// the account's acceptance signed for relay nonce `nonce` (never expiring in a test's time).
pub fn accepted_link(
	platform: PlatformId,
	identity: Identity,
	pair: &sp_core::sr25519::Pair,
	nonce: u32,
	genesis: Hash,
) -> RuntimeCall {
	let acceptance = pallet_consent::LinkAcceptance { nonce, expires_at: 10_000 };
	let payload =
		(pallet_consent::LINK_CONTEXT, genesis, platform, &identity, &acceptance).encode();
	RuntimeCall::Consent(pallet_consent::Call::link_identity {
		platform,
		identity,
		account: pair.public().into(),
		acceptance,
		signature: sp_runtime::MultiSignature::Sr25519(pair.sign(&payload)),
	})
}

/// `pair`'s signed opt-in to AI training (relay nonce 0, never expiring), as a platform relays it.
pub fn relayed_opt_in(pair: &sp_core::sr25519::Pair, genesis: Hash) -> RuntimeCall {
	use licentia_primitives::consent::{Decision, Purpose};
	let statement = pallet_consent::RelayedStatement {
		account: pair.public().into(),
		scope: pallet_consent::Scope::Account,
		decisions: vec![(Purpose::AiTraining, Decision::Allow)].try_into().expect("one"),
		restrictions: None,
		nonce: 0,
		expires_at: 10_000,
	};
	let payload = (pallet_consent::RELAY_CONTEXT, genesis, &statement).encode();
	let signature = sp_runtime::MultiSignature::Sr25519(pair.sign(&payload));
	RuntimeCall::Consent(pallet_consent::Call::relay_consent { statement, signature })
}
