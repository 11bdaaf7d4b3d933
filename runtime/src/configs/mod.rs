//! The configuration of every pallet in the runtime, one file per domain:
//!
//! - this file: the system (blocks, accounts, weights), time, Sudo and Utility;
//! - [`validators`]: who produces and finalizes blocks (Aura, GRANDPA) and how the set changes
//!   (sessions, the validator set's membership, offences);
//! - [`governance`]: the council, its membership, the whitelist and the treasury;
//! - [`fees`]: balances and the fees transactions pay, and where they go;
//! - [`licentia`]: Licentia's own pallets (consent, content, licensing);
//! - `benchmark_helpers`: what the pallets' benchmarks need from the runtime.
//!
//! Every item is re-exported here, so that `configs::X` names it wherever it is defined.

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmark_helpers;
pub mod fees;
pub mod governance;
pub mod licentia;
pub mod validators;

pub use fees::*;
pub use governance::*;
pub use licentia::*;
pub use validators::*;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstU32, ConstU64},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use sp_runtime::Perbill;
use sp_version::RuntimeVersion;

// `derive_impl` of `frame_system::Config` names the runtime's aggregates (`RuntimeOrigin`,
// `RuntimeTask`, `PalletInfo`, ...) in this scope.
use crate::{
	AccountId, Aura, Balance, Block, BlockNumber, Hash, Nonce, OriginCaller, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, RuntimeTask, BLOCK_HASH_COUNT, SLOT_DURATION,
	SS58_PREFIX, VERSION,
};

/// Three quarters of a block's weight and length are for normal transactions; the rest is kept
/// for operational ones (and inherents), so that governance can act in a full block.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = BLOCK_HASH_COUNT;
	pub const Version: RuntimeVersion = VERSION;

	/// Two seconds of compute per six-second block (the rest of the slot is for gossip and
	/// import); proof size is unlimited on a solochain.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::MAX.set_ref_time(2u64 * WEIGHT_REF_TIME_PER_SECOND),
		NORMAL_DISPATCH_RATIO,
	);
	/// 5 MiB blocks, three quarters of them for normal transactions.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

/// Defaults from [`frame_system::config_preludes::SolochainDefaultConfig`], overridden as needed.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// ParityDB is the node's only database backend, so storage is priced with its weights.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}
