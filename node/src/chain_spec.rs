//! Chain specifications. Each names a genesis preset of the runtime
//! (`runtime/src/genesis_config_presets.rs`); the node holds no genesis state of its own.

use licentia_primitives::currency::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL};
use licentia_runtime::WASM_BINARY;
use sc_service::{ChainType, Properties};

/// A chain specification with no extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets (Polkadot.js) read to show balances: symbol, decimals, address format.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The wasm runtime was not built (SKIP_WASM_BUILD is set?): rebuild without it".to_string()
	})
}

/// `--dev`: one validator (Alice), who also holds the Sudo key.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Licentia Development")
		.with_id("licentia_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave) on one machine.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Licentia Local Testnet")
		.with_id("licentia_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain testnet`: the template of a public test network, with no development key and no
/// Sudo key. Its validators, council and balances are written into the spec by whoever starts
/// the network (`build-spec --chain testnet`, edit, `build-spec --chain FILE --raw`; see
/// docs/operators.md).
pub fn testnet_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Licentia Testnet")
		.with_id("licentia_testnet")
		.with_chain_type(ChainType::Live)
		.with_genesis_config_preset_name(
			licentia_runtime::genesis_config_presets::TESTNET_RUNTIME_PRESET,
		)
		.with_properties(properties())
		.build())
}
