//! Governance: the council and its membership, the whitelist through which two thirds of the
//! council act as Root, and the treasury the council spends from.

use frame_support::{
	parameter_types,
	traits::{
		tokens::{PayFromAccount, UnityAssetBalanceConversion},
		ConstU32, EitherOf, EitherOfDiverse,
	},
	weights::Weight,
	PalletId,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureWithSuccess};
use sp_runtime::{traits::IdentityLookup, Perbill};

use super::RuntimeBlockWeights;
use crate::{
	AccountId, Balance, Balances, BlockNumber, Council, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, System, DAYS, UNIT,
};

/// The council.
pub type CouncilCollective = pallet_collective::Instance1;
/// Root (Sudo, on development chains) or more than half of the council.
pub type EnsureRootOrHalfCouncil = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>,
>;
/// Root or at least two thirds of the council.
pub type EnsureRootOrTwoThirdsCouncil = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>,
>;

parameter_types! {
	/// A motion's voting period.
	pub const CouncilMotionDuration: BlockNumber = 3 * DAYS;
	/// A council motion may weigh half a block at most.
	pub MaxCouncilProposalWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = ConstU32<32>;
	type MaxMembers = ConstU32<32>;
	/// Members who did not vote when a motion's time is up count as the prime member voted.
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// Root only: the council's membership pallet sets the members.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCouncilProposalWeight;
	type DisapproveOrigin = EnsureRootOrTwoThirdsCouncil;
	type KillOrigin = EnsureRootOrTwoThirdsCouncil;
	/// Proposing needs no deposit: only members propose.
	type Consideration = ();
}

impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRootOrTwoThirdsCouncil;
	type RemoveOrigin = EnsureRootOrTwoThirdsCouncil;
	type SwapOrigin = EnsureRootOrTwoThirdsCouncil;
	type ResetOrigin = EnsureRootOrTwoThirdsCouncil;
	type PrimeOrigin = EnsureRootOrHalfCouncil;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = ConstU32<32>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	/// Two thirds of the council whitelist a call and dispatch it as Root (the authorization
	/// of a runtime upgrade, whose code anyone then submits with
	/// `system.apply_authorized_upgrade`).
	type WhitelistOrigin = EnsureRootOrTwoThirdsCouncil;
	type DispatchWhitelistedOrigin = EnsureRootOrTwoThirdsCouncil;
	/// No preimage store: whitelisted calls are dispatched with their preimage inline.
	type Preimages = ();
	type DeferredDispatchExpiration = ConstU32<{ 7 * DAYS }>;
	type BlockNumberProvider = System;
	type WeightInfo = pallet_whitelist::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const TreasuryPalletId: PalletId = PalletId(*b"lct/trsy");
	/// The treasury's account: it receives the protocol fee and rounding dust of every sale,
	/// the treasury's part of the fees, and what voided bonds do not reward.
	pub TreasuryAccount: AccountId =
		sp_runtime::traits::AccountIdConversion::into_account_truncating(&TreasuryPalletId::get());
	pub const SpendPeriod: BlockNumber = 7 * DAYS;
	pub const SpendPayoutPeriod: BlockNumber = 30 * DAYS;
	/// The most one council motion may spend.
	pub const CouncilSpendLimit: Balance = 100_000 * UNIT;
	pub const MaxBalance: Balance = Balance::MAX;
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = EnsureRootOrHalfCouncil;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	/// Nothing is burned: what is not spent stays.
	type Burn = ();
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	/// Root without limit, two thirds of the council up to [`CouncilSpendLimit`] a motion.
	type SpendOrigin = EitherOf<
		EnsureRootWithSuccess<AccountId, MaxBalance>,
		EnsureWithSuccess<
			pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>,
			AccountId,
			CouncilSpendLimit,
		>,
	>;
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = SpendPayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}
