//! A test runtime: System, Balances and this pallet.

use crate as pallet_consent;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::{
	traits::{IdentifyAccount, IdentityLookup, Verify},
	BuildStorage, MultiSignature,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = <<MultiSignature as Verify>::Signer as IdentifyAccount>::AccountId;
pub type Balance = u128;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Consent = pallet_consent;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const LinkDeposit: Balance = 10;
}

impl pallet_consent::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type LinkDeposit = LinkDeposit;
	type MaxRelayValidity = frame_support::traits::ConstU64<1_000>;
	type UnixTime = pallet_consent::mock_utils::TestTime;
	type NostrProofValidity = frame_support::traits::ConstU64<600>;
	type MaxOperators = ConstU32<4>;
	type MaxIdentitiesPerAccount = ConstU32<3>;
	type RelaySignature = MultiSignature;
	type RelaySigner = <MultiSignature as Verify>::Signer;
	type ConsentObserver = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// A well-known test account.
pub fn account(k: sp_keyring::Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

/// What each endowed account holds at genesis.
pub const ENDOWMENT: Balance = 1_000;

/// Alice, Bob, Charlie and Dave hold [`ENDOWMENT`]; Eve holds nothing. Events are recorded from
/// block 1, and benchmarks sign in the keystore.
pub fn new_test_ext() -> sp_io::TestExternalities {
	use sp_keyring::Sr25519Keyring::*;
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [Alice, Bob, Charlie, Dave].iter().map(|k| (account(*k), ENDOWMENT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_consent::mock_utils::test_externalities::<Test>(storage)
}
