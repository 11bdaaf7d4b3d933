//! Genesis presets: the initial state of the development chain and of the local test network.
//!
//! `licentia-node --dev` starts from [`DEV_RUNTIME_PRESET`](sp_genesis_builder::DEV_RUNTIME_PRESET),
//! `--chain local` from [`LOCAL_TESTNET_RUNTIME_PRESET`](sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).
//! Both use the well-known development keys (Alice, Bob, ...): never use them on a public network.

use crate::{
	AccountId, BalancesConfig, BlockNumber, ConsentConfig, ContentConfig, RuntimeGenesisConfig,
	SudoConfig, UNIT,
};
use alloc::{string::String, vec, vec::Vec};
use frame_support::build_struct_json_patch;
use licentia_primitives::consent::PlatformKind;
use pallet_consent::GenesisPlatform;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::Perbill;

/// What each endowed development account starts with: one million LCT.
const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// A genesis state with the given validators (Aura and GRANDPA keys), endowed accounts, Sudo
/// key and challenge and answer windows (in blocks) for platform batches.
fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	(challenge_window, answer_window): (BlockNumber, BlockNumber),
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		consent: ConsentConfig { platforms: dev_platforms() },
		content: ContentConfig {
			challenge_window: Some(challenge_window),
			answer_window: Some(answer_window),
		},
	})
}

/// One platform of each kind, operated (and paid) by a development account: Bob runs the
/// Bluesky bridge, Charlie the mastodon.social one, Dave the X one. Nostr has no operator.
fn dev_platforms() -> Vec<GenesisPlatform<AccountId>> {
	let operated = |kind, domain: &str, operator: Sr25519Keyring| {
		let operator = operator.to_account_id();
		GenesisPlatform {
			kind,
			domain: domain.as_bytes().to_vec(),
			operators: vec![operator.clone()],
			payee: Some(operator),
			share: Perbill::from_percent(10),
		}
	};
	vec![
		operated(PlatformKind::Bluesky, "bsky.app", Sr25519Keyring::Bob),
		operated(PlatformKind::Mastodon, "mastodon.social", Sr25519Keyring::Charlie),
		GenesisPlatform {
			kind: PlatformKind::Nostr,
			domain: b"nostr.com".to_vec(),
			operators: vec![],
			payee: None,
			share: Perbill::zero(),
		},
		operated(PlatformKind::X, "x.com", Sr25519Keyring::Dave),
	]
}

/// The Aura and GRANDPA keys of a development validator.
fn authority_keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(sr.public().into(), ed.public().into())
}

/// Every well-known development account, endowed.
fn endowed_dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter()
		.filter(|k| k != &Sr25519Keyring::One && k != &Sr25519Keyring::Two)
		.map(|k| k.to_account_id())
		.collect()
}

/// The development chain: Alice alone produces and finalizes blocks and holds the Sudo key.
/// Batches can be activated two blocks (12 s) after registration, and requests answered
/// within one block, so that tests and demos need not wait.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		endowed_dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		(2, 1),
	)
}

/// The local test network: four validators (Alice, Bob, Charlie, Dave), so that finality
/// survives the loss of one of them (GRANDPA needs more than two thirds).
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority_keys(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		endowed_dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		// A minute to challenge, half a minute to answer.
		(10, 5),
	)
}

/// The JSON patch of the preset called `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	// A `serde_json::Value` built from the types above always serializes.
	serde_json::to_string(&patch).ok().map(String::into_bytes)
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_preset_builds_a_genesis_state() {
		for id in preset_names() {
			let patch: Value =
				serde_json::from_slice(&get_preset(&id).expect("listed presets exist"))
					.expect("JSON");
			// What the node does with a preset: merge it into the default config, then build.
			let mut config =
				serde_json::to_value(RuntimeGenesisConfig::default()).expect("config serializes");
			merge(&mut config, patch);
			let config = serde_json::to_vec(&config).expect("config serializes");
			sp_io::TestExternalities::new_empty().execute_with(|| {
				frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(config)
					.expect("preset builds a genesis state");
			});
		}
	}

	/// JSON merge patch (RFC 7386), as the node applies presets.
	fn merge(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) => {
				for (key, value) in patch {
					merge(base.entry(key).or_insert(Value::Null), value);
				}
			},
			(base, patch) => *base = patch,
		}
	}

	#[test]
	fn local_testnet_has_four_validators_and_dev_has_one() {
		let count = |id: &str| {
			let patch = get_preset(&PresetId::from(id)).expect("preset exists");
			let json: Value = serde_json::from_slice(&patch).expect("presets are JSON");
			json["aura"]["authorities"].as_array().map(|a| a.len())
		};
		assert_eq!(count(sp_genesis_builder::DEV_RUNTIME_PRESET), Some(1));
		assert_eq!(count(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET), Some(4));
		assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
	}
}
