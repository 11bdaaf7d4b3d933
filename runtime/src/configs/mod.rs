//! The configuration of every pallet in the runtime.

use alloc::vec::Vec;
use frame_support::dispatch::DispatchClass;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::{Balanced, Credit},
		tokens::{imbalance::ResolveTo, PayFromAccount, UnityAssetBalanceConversion},
		ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, EitherOf, EitherOfDiverse, Imbalance,
		OnUnbalanced, VariantCountOf,
	},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
	PalletId,
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot, EnsureRootWithSuccess, EnsureWithSuccess,
};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{Bounded, Convert, IdentityLookup, One, OpaqueKeys},
	FixedPointNumber, Perbill, Perquintill,
};
use sp_staking::SessionIndex;
use sp_version::RuntimeVersion;

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Council, Hash, Historical, Nonce,
	Offences, OriginCaller, PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason,
	RuntimeHoldReason, RuntimeOrigin, RuntimeTask, SessionKeys, Signature, System,
	BLOCK_HASH_COUNT, DAYS, EXISTENTIAL_DEPOSIT, HOURS, MICRO_UNIT, MILLI_UNIT, SLOT_DURATION,
	SS58_PREFIX, UNIT, VERSION,
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

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	/// Validators the session disabled for an offence author no block until the next set.
	type DisabledValidators = super::Session;
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	/// GRANDPA sets of the sessions whose validators stay provable.
	type MaxSetIdSessionEntries = ConstU64<{ KEPT_SESSIONS as u64 }>;
	/// An equivocation names its key's owner by a proof against a past session's validators.
	type KeyOwnerProof = sp_session::MembershipProof;
	/// Reports are checked, then recorded by `pallet-offences` (an `Offence` event).
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

// -- Validators and sessions. ----------------------------------------------------------------------

/// How many past sessions stay provable in equivocation reports: a week of hourly sessions.
pub const KEPT_SESSIONS: u32 = 7 * 24;

/// The most validators: Aura and GRANDPA authorities and the validator set's members.
pub const MAX_VALIDATORS: u32 = 32;

parameter_types! {
	/// The length of a session, in blocks: validator set and key changes take effect at the
	/// start of the session after next. A storage parameter (`:SessionLength:`), so a test
	/// network can shorten it with `system.set_storage` (Root) without a runtime of its own.
	pub storage SessionLength: BlockNumber = HOURS;
	/// How long an equivocation report stays valid in the pool, in blocks.
	pub const ReportLongevity: u64 = HOURS as u64;
}

/// Sessions of [`SessionLength`] blocks from block 0.
pub type Sessions = pallet_session::PeriodicSessions<SessionLength, ConstU32<0>>;

/// Only members of the validator set may register session keys.
pub struct ValidatorIdOf;
impl Convert<AccountId, Option<AccountId>> for ValidatorIdOf {
	fn convert(account: AccountId) -> Option<AccountId> {
		use frame_support::traits::Contains;
		super::Validators::contains(&account).then_some(account)
	}
}

/// Feeds the validator set to the session: the members that have registered keys, in member
/// order. Never an empty set (GRANDPA cannot change to one): without a member with keys, the
/// validators stay as they are. Nor a set that is no change: when every member with keys is
/// queued already with the keys it has now, the session keeps its set, GRANDPA's set id stays
/// (a new set each session would make every session end in a set change every light client
/// and warp sync must prove) and the historical root carries over. A member joining or
/// leaving, or rotating its keys, is a new set.
pub struct ValidatorManager;
impl pallet_session::SessionManager<AccountId> for ValidatorManager {
	fn new_session(_: SessionIndex) -> Option<Vec<AccountId>> {
		let validators: Vec<(AccountId, SessionKeys)> = super::Validators::members()
			.into_iter()
			.filter_map(|account| {
				let keys = pallet_session::NextKeys::<Runtime>::get(&account)?;
				Some((account, keys))
			})
			.collect();
		let queued: alloc::collections::BTreeMap<_, _> =
			pallet_session::QueuedKeys::<Runtime>::get().into_iter().collect();
		let unchanged = validators.len() == queued.len()
			&& validators.iter().all(|(account, keys)| queued.get(account) == Some(keys));
		(!validators.is_empty() && !unchanged)
			.then(|| validators.into_iter().map(|(account, _)| account).collect())
	}

	fn end_session(_: SessionIndex) {}

	fn start_session(index: SessionIndex) {
		if let Some(up_to) = index.checked_sub(KEPT_SESSIONS) {
			Historical::prune_up_to(up_to);
		}
	}
}

/// The same set, for the historical pallet (which keeps each session's set provable).
impl pallet_session::historical::SessionManager<AccountId, ()> for ValidatorManager {
	fn new_session(index: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		<Self as pallet_session::SessionManager<_>>::new_session(index)
			.map(|validators| validators.into_iter().map(|account| (account, ())).collect())
	}

	fn end_session(index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::end_session(index)
	}

	fn start_session(index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::start_session(index)
	}
}

impl pallet_membership::Config<pallet_membership::Instance2> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Validators join and leave by a two-thirds council motion.
	type AddOrigin = EnsureRootOrTwoThirdsCouncil;
	type RemoveOrigin = EnsureRootOrTwoThirdsCouncil;
	type SwapOrigin = EnsureRootOrTwoThirdsCouncil;
	type ResetOrigin = EnsureRootOrTwoThirdsCouncil;
	type PrimeOrigin = EnsureRootOrTwoThirdsCouncil;
	type MembershipInitialized = ();
	type MembershipChanged = ();
	type MaxMembers = ConstU32<MAX_VALIDATORS>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ValidatorIdOf;
	type ShouldEndSession = Sessions;
	type NextSessionRotation = Sessions;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, ValidatorManager>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// At most a third of the validators (less one) are disabled at once.
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Only members may set keys, so keys need no deposit.
	type KeyDeposit = ();
}

/// Every validator is identified by its account alone (there is no stake to name).
pub struct UnitIdentificationOf;
impl Convert<AccountId, Option<()>> for UnitIdentificationOf {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = UnitIdentificationOf;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	/// Offences are recorded and announced; governance removes the offender from the validator
	/// set (there is no stake to slash).
	type OnOffenceHandler = ();
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = ();
}

// -- Governance. -----------------------------------------------------------------------------------

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

// -- Fees. -----------------------------------------------------------------------------------------

/// The block author's part of the fees; to the treasury when there is no author to pay.
pub struct ToAuthor;
impl OnUnbalanced<Credit<AccountId, Balances>> for ToAuthor {
	fn on_nonzero_unbalanced(credit: Credit<AccountId, Balances>) {
		let rest = match pallet_authorship::Pallet::<Runtime>::author() {
			Some(author) => <Balances as Balanced<AccountId>>::resolve(&author, credit).err(),
			None => Some(credit),
		};
		if let Some(rest) = rest {
			ResolveTo::<TreasuryAccount, Balances>::on_unbalanced(rest);
		}
	}
}

/// Fees pay the network, as polkadot-sdk's relay chains split them: 80% to the treasury, 20%
/// and every tip to the block's author.
pub struct DealWithFees;
impl OnUnbalanced<Credit<AccountId, Balances>> for DealWithFees {
	fn on_unbalanceds(mut fees_then_tips: impl Iterator<Item = Credit<AccountId, Balances>>) {
		if let Some(fees) = fees_then_tips.next() {
			let (to_treasury, mut to_author) = fees.ration(80, 20);
			if let Some(tips) = fees_then_tips.next() {
				tips.merge_into(&mut to_author);
			}
			ResolveTo::<TreasuryAccount, Balances>::on_unbalanced(to_treasury);
			ToAuthor::on_unbalanced(to_author);
		}
	}
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fees follow load: above a quarter-full block the multiplier rises, below it falls back
	/// towards one (never below: an idle chain charges the fees its docs state).
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// How fast: with blocks as full as normal transactions may make them, fees grow by about
	/// 0.23% a block, so they double in about 300 blocks (30 minutes) and grow almost fourfold
	/// over a one-hour challenge window. Filling blocks to crowd out challenges or answers gets
	/// dearer as it goes on.
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(3, 1_000);
	pub MinimumMultiplier: Multiplier = Multiplier::one();
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
	/// What one byte of a transaction costs: a 200-byte transfer pays 0.002 LCT for its length.
	pub const TransactionByteFee: Balance = 10 * MICRO_UNIT;
}

impl pallet_skip_feeless_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, DealWithFees>;
	type OperationalFeeMultiplier = ConstU8<5>;
	/// One picosecond of weight costs one planck: a second of block compute costs one LCT.
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = frame_support::weights::ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
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

parameter_types! {
	/// What an identity link holds while it exists: it is about 350 bytes of state.
	pub const LinkDeposit: Balance = 100 * MILLI_UNIT;
}

impl pallet_consent::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// More than half of the council (or Root, on development chains).
	type GovernanceOrigin = EnsureRootOrHalfCouncil;
	type LinkDeposit = LinkDeposit;
	type MaxOperators = ConstU32<16>;
	type MaxIdentitiesPerAccount = ConstU32<16>;
	/// A signed statement is relayed within a month of its inclusion or not at all.
	type MaxRelayValidity = ConstU32<{ 30 * licentia_primitives::time::DAYS }>;
	type RelaySignature = Signature;
	type RelaySigner = <Signature as sp_runtime::traits::Verify>::Signer;
	/// Licensing settles contributors' rewards and feeds withdrawals to license holders.
	type ConsentObserver = super::Licensing;
	type WeightInfo = pallet_consent::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Setup;
}

parameter_types! {
	/// What a platform batch bonds whatever its size: more than its registration fee, so that
	/// a voided batch always costs its registrant something.
	pub const BondBase: Balance = UNIT;
	/// What each post of a platform batch bonds: a full batch (about a million posts) holds
	/// about 1,000 LCT through its challenge window. See docs/design.md for the sizing.
	pub const BondPerPost: Balance = MILLI_UNIT;
	/// Whoever proves a batch fraudulent receives half a bond's base; the rest of the bond goes
	/// to the treasury. Fixed, so that a registrant challenging itself from another account
	/// recovers at most this, never anything that grows with its batch (docs/design.md).
	pub const ChallengerReward: Balance = UNIT / 2;
	/// Half of a batch's bond stays held through its tail (a week, set by governance with the
	/// windows): a lie found after activation still costs that, and its counts are withdrawn.
	pub const TailBond: Perbill = Perbill::from_percent(50);
	/// A leaf request holds this; an answered request pays it to the registrant (it covers the
	/// answer's fee, so requests cannot be used to make a platform pay).
	pub const RequestDeposit: Balance = 100 * MILLI_UNIT;
	/// A registered Nostr event holds this for good: about 100 bytes of state (its entry and,
	/// once revoked, its revocation's) at 0.1 mLCT a byte. Anyone with a Nostr key can register
	/// events, so what they store is paid for, not only their fee.
	pub const NostrEventDeposit: Balance = 10 * MILLI_UNIT;
}

impl pallet_content::Config for Runtime {
	type Consent = super::Consent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// More than half of the council (or Root, on development chains).
	type GovernanceOrigin = EnsureRootOrHalfCouncil;
	type Treasury = TreasuryAccount;
	type BondBase = BondBase;
	type BondPerPost = BondPerPost;
	type ChallengerReward = ChallengerReward;
	type TailBond = TailBond;
	type RequestDeposit = RequestDeposit;
	/// The chain opens sixteen leaves of every batch: padding of a tenth of a batch is caught
	/// with probability 1 - 0.9^16 = 81%, of a quarter 99% (docs/design.md, *Samples*).
	type SampleSize = ConstU32<16>;
	/// Licensing settles contributors' rewards and feeds revocations to license holders.
	type ContributionObserver = super::Licensing;
	/// A batch of 4,096 authors fits a block with room to spare (see docs/benchmarks.md).
	type MaxContributorsPerBatch = ConstU32<4_096>;
	/// A million posts per batch: a proof is then at most 20 hashes.
	type MaxPostsPerBatch = ConstU32<1_048_576>;
	/// Each event's BIP-340 signature is verified on chain.
	type MaxNostrEvents = ConstU32<64>;
	/// A Nostr key registers at most 256 notes a day: more than people post, so a key's
	/// count cannot be inflated by notes made by the thousand (docs/design.md, *Spam*).
	type MaxNotesPerPeriod = ConstU32<256>;
	type NotePeriod = ConstU32<DAYS>;
	type NostrEventDeposit = NostrEventDeposit;
	/// A bridge's deletions of a few minutes, in one transaction (see docs/benchmarks.md).
	type MaxRevocationsPerCall = ConstU32<256>;
	type WeightInfo = pallet_content::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Setup;
}

parameter_types! {
	/// The pot that holds contributors' rewards until they claim them.
	pub const LicensingPalletId: frame_support::PalletId = frame_support::PalletId(*b"lct/roya");
	/// The treasury's account: it receives the protocol fee and rounding dust of every sale,
	/// the treasury's part of the fees, and what voided bonds do not reward.
	pub TreasuryAccount: AccountId =
		sp_runtime::traits::AccountIdConversion::into_account_truncating(&TreasuryPalletId::get());
	/// The protocol's share of every sale.
	pub const ProtocolFee: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(5);
	/// The minimum prices per record a person may ask (price tiers 1 to 3): 0.001, 0.01 and
	/// 0.1 LCT.
	pub const PriceFloors: [Balance; 3] = [MILLI_UNIT, 10 * MILLI_UNIT, 100 * MILLI_UNIT];
	/// Terms are about 350 bytes and stay forever.
	pub const TermsDeposit: Balance = 500 * MILLI_UNIT;
	/// An offer is about 100 bytes while it is open.
	pub const OfferDeposit: Balance = 200 * MILLI_UNIT;
	/// A license is about 200 bytes until it is released after it ends.
	pub const LicenseDeposit: Balance = 100 * MILLI_UNIT;
}

impl pallet_licensing::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Consent = super::Consent;
	type Content = super::Content;
	/// More than half of the council (or Root, on development chains).
	type GovernanceOrigin = EnsureRootOrHalfCouncil;
	type PalletId = LicensingPalletId;
	type Treasury = TreasuryAccount;
	type ProtocolFee = ProtocolFee;
	type PriceFloors = PriceFloors;
	type TermsDeposit = TermsDeposit;
	type OfferDeposit = OfferDeposit;
	type LicenseDeposit = LicenseDeposit;
	/// Licenses last at most a year; the revocation feed keeps a year.
	type MaxDuration = ConstU32<{ 365 * licentia_primitives::time::DAYS }>;
	/// One platform per identity at most.
	type MaxIdentitiesPerAccount = <Runtime as pallet_consent::Config>::MaxIdentitiesPerAccount;
	/// A contributor's claim is free once a day.
	type FreeClaimInterval = ConstU32<{ licentia_primitives::time::DAYS }>;
	type EarningsPeriod = ConstU32<{ 30 * licentia_primitives::time::DAYS }>;
	type WeightInfo = pallet_licensing::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Setup;
}

/// What the pallets' benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmark_helpers {
	use super::{AccountId, Runtime, Signature};
	use licentia_primitives::consent::{Identity, PlatformId, PlatformKind, PriceTier, Purpose};
	use pallet_consent::mock_utils;
	use sp_runtime::Perbill;

	/// Signatures, platforms and contributors, made through the pallets themselves (platforms
	/// and links by [`pallet_consent::mock_utils`]).
	pub struct Setup;

	/// Signs as `()` does, with a key of the benchmark keystore. Unlike `()`, it gives accounts
	/// posts, so that consent changes are measured with licensing's settlement of them.
	impl pallet_consent::BenchmarkHelper<AccountId, Signature> for Setup {
		fn sign(payload: &[u8]) -> (AccountId, Signature) {
			<() as pallet_consent::BenchmarkHelper<AccountId, Signature>>::sign(payload)
		}

		fn posts(identity: &Identity, platform: PlatformId) {
			pallet_content::Pallet::<Runtime>::force_contribution(identity, platform, 1_000);
		}
	}

	impl pallet_content::BenchmarkHelper<AccountId> for Setup {
		fn platform(kind: PlatformKind, operator: &AccountId) -> PlatformId {
			mock_utils::register_platform::<Runtime>(kind, operator, Perbill::from_percent(10))
		}

		fn link(identity: Identity, account: &AccountId, platform: PlatformId) {
			mock_utils::link_allowing::<Runtime>(identity, account, platform, &Purpose::ALL);
		}
	}

	impl pallet_licensing::BenchmarkHelper<AccountId> for Setup {
		fn platform(operator: &AccountId) -> PlatformId {
			mock_utils::register_platform::<Runtime>(
				PlatformKind::X,
				operator,
				Perbill::from_percent(10),
			)
		}

		fn contributor(who: &AccountId, platform: PlatformId, posts: u64, min_price: PriceTier) {
			let identity = mock_utils::link_contributor::<Runtime>(who, platform);
			if min_price > 0 {
				mock_utils::ask_at_least::<Runtime>(who, min_price);
			}
			pallet_content::Pallet::<Runtime>::force_contribution(&identity, platform, posts);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::dispatch::DispatchClass;
	use sp_runtime::traits::Convert;

	type Update = <Runtime as pallet_transaction_payment::Config>::FeeMultiplierUpdate;

	/// The multiplier after `blocks` blocks filled to `fullness` of their normal-class weight.
	fn after(blocks: u32, fullness: Perbill) -> Multiplier {
		let max = RuntimeBlockWeights::get()
			.get(DispatchClass::Normal)
			.max_total
			.unwrap_or_default();
		sp_io::TestExternalities::default().execute_with(|| {
			System::set_block_consumed_resources(fullness * max, 0);
			(0..blocks).fold(Multiplier::one(), |m, _| Update::convert(m))
		})
	}

	#[test]
	fn fees_rise_with_full_blocks_and_stay_at_one_when_idle() {
		assert_eq!(after(100, Perbill::zero()), Multiplier::one());
		assert_eq!(after(100, Perbill::from_percent(20)), Multiplier::one());
		let half_hour = after(300, Perbill::one());
		assert!(half_hour > Multiplier::saturating_from_rational(19, 10), "{half_hour}");
		let hour = after(600, Perbill::one());
		assert!(hour > Multiplier::saturating_from_rational(35, 10), "{hour}");
	}
}
