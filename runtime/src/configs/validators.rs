//! Validators and sessions: Aura produces blocks and GRANDPA finalizes them, by a validator set
//! that governance changes (the validator set's membership) and that takes effect by sessions;
//! equivocations are reported against key-ownership proofs of past sessions and recorded as
//! offences.

use alloc::vec::Vec;
use frame_support::{
	parameter_types,
	traits::{ConstBool, ConstU32, ConstU64},
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::traits::{Convert, OpaqueKeys};
use sp_staking::SessionIndex;

use super::EnsureRootOrTwoThirdsCouncil;
use crate::{
	AccountId, Aura, Balances, BlockNumber, Historical, Offences, Runtime, RuntimeEvent,
	SessionKeys, HOURS,
};

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	/// Validators the session disabled for an offence author no block until the next set.
	type DisabledValidators = crate::Session;
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
		crate::Validators::contains(&account).then_some(account)
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
		let validators: Vec<(AccountId, SessionKeys)> = crate::Validators::members()
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
