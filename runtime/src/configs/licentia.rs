//! Licentia's own pallets: consent (platforms, identity links, consent statements), content
//! (posts registered in bonded batches, Nostr events) and licensing (terms, offers, licenses and
//! the rewards they pay contributors).

use frame_support::{parameter_types, traits::ConstU32};
use sp_runtime::Perbill;

use super::{EnsureRootOrHalfCouncil, TreasuryAccount};
use crate::{Balance, Balances, Runtime, RuntimeHoldReason, Signature, DAYS, MILLI_UNIT, UNIT};

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
	type UnixTime = crate::Timestamp;
	// An hour either way: a wallet's clock may be off by minutes, a proof is used at once.
	type NostrProofValidity = frame_support::traits::ConstU64<3_600>;
	type RelaySignature = Signature;
	type RelaySigner = <Signature as sp_runtime::traits::Verify>::Signer;
	/// Licensing settles contributors' rewards and feeds withdrawals to license holders.
	type ConsentObserver = crate::Licensing;
	type WeightInfo = pallet_consent::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::Setup;
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
	type Consent = crate::Consent;
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
	type AnonymousSampleSize = ConstU32<1>;
	/// Licensing settles contributors' rewards and feeds revocations to license holders.
	type ContributionObserver = crate::Licensing;
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
	type BenchmarkHelper = super::benchmark_helpers::Setup;
}

parameter_types! {
	/// The pot that holds contributors' rewards until they claim them.
	pub const LicensingPalletId: frame_support::PalletId = frame_support::PalletId(*b"lct/roya");
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
	type Consent = crate::Consent;
	type Content = crate::Content;
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
	type BenchmarkHelper = super::benchmark_helpers::Setup;
}
