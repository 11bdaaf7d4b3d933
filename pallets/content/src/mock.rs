//! A test runtime: System, Balances, the consent pallet (the real provider) and this pallet.

use crate as pallet_content;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
};
use licentia_primitives::consent::{Identity, PlatformId, PlatformKind, Purpose};
use pallet_consent::mock_utils;
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
	/// Block hashes kept as long as the runtime keeps them: longer than the default windows
	/// (900 blocks), which batches' samples need.
	type BlockHashCount = frame_support::traits::ConstU64<2_400>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const LinkDeposit: Balance = 1;
	pub const TailBond: Perbill = Perbill::from_percent(50);
	pub TreasuryAccount: AccountId = AccountId::new([0xee; 32]);
}

/// A batch bonds 100 plus 10 per post; a request holds 5; a Nostr event 3.
pub const BOND_BASE: Balance = 100;
pub const BOND_PER_POST: Balance = 10;
pub const REQUEST_DEPOSIT: Balance = 5;
pub const NOSTR_EVENT_DEPOSIT: Balance = 3;
/// A challenger receives 40 of a slashed bond.
pub const CHALLENGER_REWARD: Balance = 40;
/// A Nostr key registers at most 8 notes (a full call) in 10 blocks.
pub const NOTES_PER_PERIOD: u32 = 8;
pub const NOTE_PERIOD: u64 = 10;
/// The chain samples 4 leaves of each batch.
pub const SAMPLE_SIZE: u32 = 4;

impl pallet_consent::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type LinkDeposit = LinkDeposit;
	type MaxRelayValidity = frame_support::traits::ConstU64<1_000>;
	type UnixTime = pallet_consent::mock_utils::TestTime;
	type NostrProofValidity = frame_support::traits::ConstU64<600>;
	type MaxOperators = ConstU32<4>;
	type MaxIdentitiesPerAccount = ConstU32<8>;
	type RelaySignature = MultiSignature;
	type RelaySigner = <MultiSignature as Verify>::Signer;
	type ConsentObserver = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_content::Config for Test {
	type Consent = Consent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type BondBase = ConstU128<BOND_BASE>;
	type BondPerPost = ConstU128<BOND_PER_POST>;
	type ChallengerReward = ConstU128<CHALLENGER_REWARD>;
	/// Half the bond stays held through the tail.
	type TailBond = TailBond;
	type RequestDeposit = ConstU128<REQUEST_DEPOSIT>;
	type SampleSize = ConstU32<SAMPLE_SIZE>;
	type AnonymousSampleSize = ConstU32<1>;
	type ContributionObserver = ();
	type MaxContributorsPerBatch = ConstU32<64>;
	type MaxPostsPerBatch = ConstU32<1_024>;
	type MaxNostrEvents = ConstU32<8>;
	type MaxNotesPerPeriod = ConstU32<NOTES_PER_PERIOD>;
	type NotePeriod = ConstU64<NOTE_PERIOD>;
	type NostrEventDeposit = ConstU128<NOSTR_EVENT_DEPOSIT>;
	type MaxRevocationsPerCall = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ConsentSetup;
}

/// Platforms and authors, made by [`pallet_consent::mock_utils`].
pub struct ConsentSetup;

impl ConsentSetup {
	/// Registers a platform of `kind` operated by `operator`, taking 10% of sales.
	pub fn register(kind: PlatformKind, operator: &AccountId) -> PlatformId {
		mock_utils::register_platform::<Test>(kind, operator, Perbill::from_percent(10))
	}

	/// Links `identity` to `account` through `platform` and allows `purposes` for it.
	pub fn link_allowing(
		identity: Identity,
		account: &AccountId,
		platform: PlatformId,
		purposes: &[Purpose],
	) {
		mock_utils::link_allowing::<Test>(identity, account, platform, purposes)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for ConsentSetup {
	fn platform(kind: PlatformKind, operator: &AccountId) -> PlatformId {
		ConsentSetup::register(kind, operator)
	}
	fn link(identity: Identity, account: &AccountId, platform: PlatformId) {
		ConsentSetup::link_allowing(identity, account, platform, &Purpose::ALL)
	}
}

/// The windows of the test chain: 10 blocks to challenge, 4 to answer, 20 of tail, 6 to answer
/// in it.
pub const CHALLENGE_WINDOW: u64 = 10;
pub const ANSWER_WINDOW: u64 = 4;
pub const TAIL_WINDOW: u64 = 20;
pub const TAIL_ANSWER_WINDOW: u64 = 6;

/// Events are recorded from block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_content::GenesisConfig::<Test> {
		challenge_window: Some(CHALLENGE_WINDOW),
		answer_window: Some(ANSWER_WINDOW),
		tail_window: Some(TAIL_WINDOW),
		tail_answer_window: Some(TAIL_ANSWER_WINDOW),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	mock_utils::test_externalities::<Test>(storage)
}
