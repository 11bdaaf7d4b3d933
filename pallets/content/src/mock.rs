//! A test runtime: System, Balances, the consent pallet (the real provider) and this pallet.

use crate as pallet_content;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use licentia_primitives::consent::{Identity, PlatformId, PlatformKind, Purpose};
use sp_runtime::{
	traits::{IdentifyAccount, IdentityLookup, Verify},
	BuildStorage, MultiSignature, Perbill,
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
	#[runtime::pallet_index(3)]
	pub type Content = pallet_content;
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
	pub const LinkDeposit: Balance = 1;
}

impl pallet_consent::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type LinkDeposit = LinkDeposit;
	type MaxOperators = ConstU32<4>;
	type MaxIdentitiesPerAccount = ConstU32<8>;
	type RelaySignature = MultiSignature;
	type RelaySigner = <MultiSignature as Verify>::Signer;
	type ConsentObserver = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = AliceSigns;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct AliceSigns;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_consent::BenchmarkHelper<AccountId, MultiSignature> for AliceSigns {
	fn sign(payload: &[u8]) -> (AccountId, MultiSignature) {
		use sp_core::Pair;
		let alice = sp_keyring::Sr25519Keyring::Alice;
		(alice.to_account_id(), MultiSignature::Sr25519(alice.pair().sign(payload)))
	}
}

impl pallet_content::Config for Test {
	type Consent = Consent;
	type ContributionObserver = ();
	type MaxContributorsPerBatch = ConstU32<64>;
	type MaxPostsPerBatch = ConstU32<1_000>;
	type MaxNostrEvents = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ConsentSetup;
}

/// Platforms and authors through the consent pallet's own functions.
pub struct ConsentSetup;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for ConsentSetup {
	fn platform(kind: PlatformKind, operator: &AccountId) -> PlatformId {
		ConsentSetup::register(kind, operator)
	}
	fn link(identity: Identity, account: &AccountId, platform: PlatformId) {
		ConsentSetup::link_allowing(identity, account, platform, &Purpose::ALL)
	}
}

impl ConsentSetup {
	/// Registers a platform of `kind` operated by `operator` (funded for deposits).
	pub fn register(kind: PlatformKind, operator: &AccountId) -> PlatformId {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::mint_into(operator, 1_000_000);
		let id = pallet_consent::NextPlatformId::<Test>::get();
		let domain = format!("p{id}.example").into_bytes().try_into().expect("short");
		let operators = vec![operator.clone()].try_into().expect("one");
		Consent::register_platform(
			RuntimeOrigin::root(),
			kind,
			domain,
			operators,
			Some(operator.clone()),
			Perbill::from_percent(10),
		)
		.expect("platform registers");
		id
	}

	/// Links `identity` to `account` through `platform` and allows `purposes` for it.
	pub fn link_allowing(
		identity: Identity,
		account: &AccountId,
		platform: PlatformId,
		purposes: &[Purpose],
	) {
		let allowed = purposes.iter().copied().collect();
		Consent::force_link(identity, account, platform, allowed).expect("room for the identity");
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
