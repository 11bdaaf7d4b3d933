//! Genesis presets: the initial state of the development chain, of the local test network and
//! of a public test network.
//!
//! `licentia-node --dev` starts from [`DEV_RUNTIME_PRESET`](sp_genesis_builder::DEV_RUNTIME_PRESET),
//! `--chain local` from [`LOCAL_TESTNET_RUNTIME_PRESET`](sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).
//! Both use the well-known development keys (Alice, Bob, ...) and a Sudo key: never use them on a
//! public network. `--chain testnet` starts from [`TESTNET_RUNTIME_PRESET`]: no development key,
//! no Sudo; its validators, council and balances come from the chain spec (docs/operators.md).

use crate::{
	AccountId, BalancesConfig, BlockNumber, ConsentConfig, ContentConfig, CouncilMembershipConfig,
	RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig, ValidatorsConfig, UNIT,
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

/// The name of the public test network's preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";

/// A validator: the account that registers its session keys (and is paid its share of fees),
/// and its Aura and GRANDPA keys.
pub type Validator = (AccountId, AuraId, GrandpaId);

/// A development genesis state: the given validators (members of the validator set, with their
/// session keys), council, endowed accounts, Sudo key, and challenge window, answer window and
/// tail (in blocks) for platform batches. Aura's and GRANDPA's authorities come from the session.
fn dev_genesis(
	validators: Vec<Validator>,
	council: Vec<AccountId>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	(challenge_window, answer_window, tail_window): (BlockNumber, BlockNumber, BlockNumber),
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		validators: ValidatorsConfig {
			members: validators
				.iter()
				.map(|v| v.0.clone())
				.collect::<Vec<_>>()
				.try_into()
				.expect("at most MAX_VALIDATORS development validators"),
		},
		session: SessionConfig { keys: session_keys(&validators) },
		council_membership: CouncilMembershipConfig {
			members: council.try_into().expect("a development council fits"),
		},
		sudo: SudoConfig { key: Some(root) },
		consent: ConsentConfig { platforms: dev_platforms() },
		content: ContentConfig {
			challenge_window: Some(challenge_window),
			answer_window: Some(answer_window),
			tail_window: Some(tail_window),
			tail_answer_window: Some(answer_window),
		},
	})
}

/// The session's genesis keys of `validators`: each validator's account is also its validator
/// id.
pub fn session_keys(validators: &[Validator]) -> Vec<(AccountId, AccountId, SessionKeys)> {
	validators
		.iter()
		.map(|(account, aura, grandpa)| {
			let keys = SessionKeys { aura: aura.clone(), grandpa: grandpa.clone() };
			(account.clone(), account.clone(), keys)
		})
		.collect()
}

/// The public test network: Nostr as its only platform (operated platforms are registered by
/// the council), production challenge windows, no Sudo key. Validators (`validators.members`
/// and `session.keys`), the council (`councilMembership.members`) and balances
/// (`balances.balances`) are the chain spec's: without validators, no block is ever produced.
pub fn testnet_config_genesis() -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		consent: ConsentConfig { platforms: vec![nostr_platform()] },
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
		nostr_platform(),
		operated(PlatformKind::X, "x.com", Sr25519Keyring::Dave),
	]
}

/// Nostr: anyone registers their own signed events; no operator, no payee, no share.
fn nostr_platform() -> GenesisPlatform<AccountId> {
	GenesisPlatform {
		kind: PlatformKind::Nostr,
		domain: b"nostr.com".to_vec(),
		operators: vec![],
		payee: None,
		share: Perbill::zero(),
	}
}

/// A development validator: its account and its Aura and GRANDPA keys.
fn authority_keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Validator {
	(sr.to_account_id(), sr.public().into(), ed.public().into())
}

/// The development council: Alice, Bob and Charlie.
fn dev_council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.iter()
		.map(|k| k.to_account_id())
		.collect()
}

/// Every well-known development account, endowed.
fn endowed_dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter()
		.filter(|k| k != &Sr25519Keyring::One && k != &Sr25519Keyring::Two)
		.map(|k| k.to_account_id())
		.collect()
}

/// The development chain: Alice alone produces and finalizes blocks and holds the Sudo key;
/// Alice, Bob and Charlie are the council. Batches can be activated two blocks (12 s) after
/// registration (once their samples are opened), requests answered within ten blocks, and the
/// bond held through a tail of twenty blocks (two minutes), so that tests and demos need not
/// wait and a bridge that follows finalized blocks on a loaded machine still answers in time.
pub fn development_config_genesis() -> Value {
	dev_genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		dev_council(),
		endowed_dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		(2, 10, 20),
	)
}

/// The local test network: four validators (Alice, Bob, Charlie, Dave), so that finality
/// survives the loss of one of them (GRANDPA needs more than two thirds); Alice, Bob and
/// Charlie are the council.
pub fn local_config_genesis() -> Value {
	dev_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority_keys(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		dev_council(),
		endowed_dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		// A minute to challenge, half a minute to answer, five minutes of tail.
		(10, 5, 50),
	)
}

/// The JSON patch of the preset called `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		TESTNET_RUNTIME_PRESET => testnet_config_genesis(),
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
		PresetId::from(TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
mod tests {
	use super::*;

	/// What the node does with a preset and a chain spec's own patch: merge both into the
	/// default config, then build the genesis state.
	fn build(id: &str, operator_patch: Value) -> Result<sp_io::TestExternalities, String> {
		let patch: Value =
			serde_json::from_slice(&get_preset(&PresetId::from(id)).ok_or("no such preset")?)
				.map_err(|e| e.to_string())?;
		let mut config =
			serde_json::to_value(RuntimeGenesisConfig::default()).map_err(|e| e.to_string())?;
		merge(&mut config, patch);
		if !operator_patch.is_null() {
			merge(&mut config, operator_patch);
		}
		let config = serde_json::to_vec(&config).map_err(|e| e.to_string())?;
		let mut ext = sp_io::TestExternalities::new_empty();
		ext.execute_with(|| {
			frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(config)
		})?;
		Ok(ext)
	}

	#[test]
	fn every_development_preset_builds_a_genesis_state() {
		for id in [
			sp_genesis_builder::DEV_RUNTIME_PRESET,
			sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
		] {
			build(id, Value::Null).expect("the preset builds");
		}
	}

	/// The testnet preset holds no development key and no Sudo key; with the validators,
	/// council and balances an operator writes into the chain spec, it builds, and the session
	/// makes those validators Aura's and GRANDPA's authorities.
	#[test]
	fn the_testnet_preset_takes_its_validators_and_council_from_the_chain_spec() {
		let preset = String::from_utf8(
			get_preset(&PresetId::from(TESTNET_RUNTIME_PRESET)).expect("the preset exists"),
		)
		.expect("UTF-8");
		for key in Sr25519Keyring::iter() {
			assert!(!preset.contains(&key.to_account_id().to_string()), "{key:?} in {preset}");
		}
		assert!(!preset.contains("sudo"), "{preset}");

		let (a, b) = (Sr25519Keyring::One, Sr25519Keyring::Two);
		let validators =
			vec![authority_keys(a, Ed25519Keyring::One), authority_keys(b, Ed25519Keyring::Two)];
		let operator_patch = serde_json::json!({
			"balances": { "balances": [[a.to_account_id(), UNIT], [b.to_account_id(), UNIT]] },
			"validators": { "members": [a.to_account_id(), b.to_account_id()] },
			"session": { "keys": session_keys(&validators) },
			"councilMembership": { "members": [a.to_account_id()] },
		});
		build(TESTNET_RUNTIME_PRESET, operator_patch)
			.expect("it builds")
			.execute_with(|| {
				assert_eq!(pallet_aura::Authorities::<crate::Runtime>::get().len(), 2);
				assert_eq!(
					pallet_grandpa::Pallet::<crate::Runtime>::grandpa_authorities().len(),
					2
				);
				assert_eq!(
					pallet_collective::Members::<crate::Runtime, pallet_collective::Instance1>::get(
					),
					vec![a.to_account_id()]
				);
				assert_eq!(pallet_sudo::Key::<crate::Runtime>::get(), None);
			});
		// Not filled in, the template builds a chain without block producers: never started.
		build(TESTNET_RUNTIME_PRESET, Value::Null).expect("it builds").execute_with(|| {
			assert!(pallet_aura::Authorities::<crate::Runtime>::get().is_empty());
		});
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

	/// The session hears of a new validator set only when a member joins or leaves or rotates
	/// its keys: otherwise GRANDPA's set id would rise every session.
	#[test]
	fn a_new_validator_set_only_when_members_or_keys_change() {
		use frame_support::assert_ok;
		use pallet_session::SessionManager;
		type Manager = crate::configs::ValidatorManager;
		let root = || crate::RuntimeOrigin::root();
		let dave = || sp_runtime::MultiAddress::Id(Sr25519Keyring::Dave.to_account_id());
		build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET, Value::Null)
			.expect("it builds")
			.execute_with(|| {
				assert_eq!(Manager::new_session(2), None, "the genesis set, unchanged");
				assert_ok!(crate::Validators::remove_member(root(), dave()));
				assert_eq!(Manager::new_session(2).map(|set| set.len()), Some(3));
				assert_ok!(crate::Validators::add_member(root(), dave()));
				assert_eq!(Manager::new_session(2), None, "the same four, the same keys");

				let alice = Sr25519Keyring::Alice.to_account_id();
				let (_, aura, _) = authority_keys(Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie);
				pallet_session::NextKeys::<crate::Runtime>::mutate(&alice, |keys| {
					keys.as_mut().expect("Alice has keys").aura = aura;
				});
				assert_eq!(Manager::new_session(2).map(|set| set.len()), Some(4), "a rotation");
			});
	}

	#[test]
	fn local_testnet_has_four_validators_and_dev_has_one() {
		let count = |id: &str| {
			let patch = get_preset(&PresetId::from(id)).expect("preset exists");
			let json: Value = serde_json::from_slice(&patch).expect("presets are JSON");
			json["session"]["keys"].as_array().map(|a| a.len())
		};
		assert_eq!(count(sp_genesis_builder::DEV_RUNTIME_PRESET), Some(1));
		assert_eq!(count(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET), Some(4));
		assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
	}
}
