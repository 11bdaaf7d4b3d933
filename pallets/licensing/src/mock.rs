//! A test runtime: System, Balances, the real consent and content pallets, and this pallet as
//! their observer.

use crate as pallet_licensing;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Mutate, ConstU128, ConstU32},
	PalletId,
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
	#[runtime::pallet_index(4)]
	pub type Licensing = pallet_licensing;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	/// As the runtime: longer than the content pallet's default windows need.
	type BlockHashCount = frame_support::traits::ConstU64<2_400>;
}

parameter_types! {
	pub const ExistentialDeposit: Balance = 10;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_consent::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type LinkDeposit = ConstU128<1>;
	type MaxRelayValidity = frame_support::traits::ConstU64<1_000>;
	type UnixTime = pallet_consent::mock_utils::TestTime;
	type NostrProofValidity = frame_support::traits::ConstU64<600>;
	type MaxOperators = ConstU32<4>;
	type MaxIdentitiesPerAccount = ConstU32<8>;
	type RelaySignature = MultiSignature;
	type RelaySigner = <MultiSignature as Verify>::Signer;
	type ConsentObserver = Licensing;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

parameter_types! {
	pub const TailBond: Perbill = Perbill::from_percent(50);
}

impl pallet_content::Config for Test {
	type Consent = Consent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = TreasuryAccount;
	type BondBase = ConstU128<0>;
	type BondPerPost = ConstU128<0>;
	type ChallengerReward = ConstU128<50>;
	type TailBond = TailBond;
	type RequestDeposit = ConstU128<1>;
	/// No samples: batches activate at once (see the genesis windows below).
	type SampleSize = ConstU32<0>;
	type AnonymousSampleSize = ConstU32<0>;
	type ContributionObserver = Licensing;
	type MaxContributorsPerBatch = ConstU32<64>;
	type MaxPostsPerBatch = ConstU32<100_000>;
	type MaxNostrEvents = ConstU32<8>;
	type MaxNotesPerPeriod = ConstU32<1_000>;
	type NotePeriod = frame_support::traits::ConstU64<10>;
	type NostrEventDeposit = ConstU128<1>;
	type MaxRevocationsPerCall = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Setup;
}

parameter_types! {
	pub const LicensingPalletId: PalletId = PalletId(*b"lic/pot0");
	pub TreasuryAccount: AccountId = AccountId::new([0xee; 32]);
	pub const ProtocolFee: Perbill = Perbill::from_percent(5);
	pub const PriceFloors: [u128; 3] = [20, 100, 1_000];
}

impl pallet_licensing::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Consent = Consent;
	type Content = Content;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type PalletId = LicensingPalletId;
	type Treasury = TreasuryAccount;
	type ProtocolFee = ProtocolFee;
	type PriceFloors = PriceFloors;
	type TermsDeposit = ConstU128<5>;
	type OfferDeposit = ConstU128<7>;
	type LicenseDeposit = ConstU128<3>;
	type MaxDuration = ConstU32<1_000>;
	type MaxIdentitiesPerAccount = ConstU32<8>;
	type FreeClaimInterval = frame_support::traits::ConstU64<100>;
	type EarningsPeriod = frame_support::traits::ConstU64<1_000>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Setup;
}

/// Accounts, platforms and contributors, made through the real pallets (platforms and links by
/// [`pallet_consent::mock_utils`]).
pub struct Setup;

impl Setup {
	/// A funded account.
	pub fn account(n: u32) -> AccountId {
		let mut bytes = [0u8; 32];
		bytes[..4].copy_from_slice(&n.to_le_bytes());
		bytes[4] = 1;
		let who = AccountId::new(bytes);
		Balances::set_balance(&who, 1_000_000_000);
		who
	}

	/// Registers a platform of `kind` operated by (and paying) `operator`, taking `share`.
	pub fn platform(kind: PlatformKind, operator: &AccountId, share: Perbill) -> PlatformId {
		mock_utils::register_platform::<Test>(kind, operator, share)
	}

	/// Links X user `user` to `who` through `platform`, allowing `purposes`.
	pub fn link(
		who: &AccountId,
		platform: PlatformId,
		user: u64,
		purposes: &[Purpose],
	) -> Identity {
		let identity = Identity::X(user);
		mock_utils::link_allowing::<Test>(identity.clone(), who, platform, purposes);
		identity
	}

	/// Gives `identity` `posts` registered posts on `platform` (no batch behind them).
	pub fn posts(identity: &Identity, platform: PlatformId, posts: u64) {
		Content::force_contribution(identity, platform, posts);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_content::BenchmarkHelper<AccountId> for Setup {
	fn platform(kind: PlatformKind, operator: &AccountId) -> PlatformId {
		Setup::platform(kind, operator, Perbill::from_percent(10))
	}
	fn link(identity: Identity, account: &AccountId, platform: PlatformId) {
		mock_utils::link_allowing::<Test>(identity, account, platform, &Purpose::ALL);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for Setup {
	fn platform(operator: &AccountId) -> PlatformId {
		Setup::platform(PlatformKind::X, operator, Perbill::from_percent(10))
	}
	fn contributor(
		who: &AccountId,
		platform: PlatformId,
		posts: u64,
		min_price: licentia_primitives::consent::PriceTier,
	) {
		let identity = mock_utils::link_contributor::<Test>(who, platform);
		if min_price > 0 {
			mock_utils::ask_at_least::<Test>(who, min_price);
		}
		Setup::posts(&identity, platform, posts);
	}
}

/// Licensing's genesis (its pot and the treasury exist); events are recorded from block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_licensing::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	// No challenge window and no bonds: these tests are about what registered posts earn; the
	// content pallet's own tests cover the window.
	pallet_content::GenesisConfig::<Test> {
		challenge_window: Some(0),
		answer_window: Some(1),
		tail_window: Some(0),
		tail_answer_window: Some(1),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	mock_utils::test_externalities::<Test>(storage)
}
