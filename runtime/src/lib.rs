//! # Licentia runtime
//!
//! The state transition function of the Licentia chain: Aura block production and GRANDPA
//! finality by a validator set that governance changes (sessions, with equivocations reported
//! against key-ownership proofs), the native token (LCT) and fees that pay the treasury and the
//! block author, a council that governs (through the whitelist for what needs Root), Sudo on
//! development chains only, and Utility for batches. Licentia's own pallets (consent, content,
//! licensing) have indices 10 to 19 in [`runtime`]; the network's pallets 20 on.
//!
//! ## Versioning
//! Any change to the runtime's logic bumps [`VERSION`]'s `spec_version`; a change to the encoding
//! of calls or transaction extensions also bumps `transaction_version`; a storage change ships a
//! migration in [`Migrations`] and a pallet `STORAGE_VERSION` bump.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand to large types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// This runtime built with `try-runtime`: its `TryRuntime` API runs the migrations' pre- and
/// post-upgrade checks and `try_state`, as the `try-runtime` tool does with such a build. For
/// tests (see node/tests/upgrade.rs); not built in release or benchmark builds.
#[cfg(all(feature = "std", not(any(feature = "metadata-hash", feature = "runtime-benchmarks"))))]
pub mod try_runtime_wasm {
	include!(concat!(env!("OUT_DIR"), "/wasm_binary_try_runtime.rs"));
}

extern crate alloc;

use alloc::vec::Vec;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(feature = "std")]
pub mod signing;

use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256, MultiAddress};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use licentia_primitives::{
	currency::*, time::*, AccountId, Balance, BlockNumber, Hash, Nonce, Signature,
};
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types: what the node needs to know of blocks without knowing the runtime's calls, so
/// that it keeps syncing across runtime upgrades.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator registers: Aura for block production, GRANDPA for finality.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. Bump `spec_version` with every change of logic, `transaction_version`
/// with every change of call or extension encoding.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("licentia"),
	impl_name: alloc::borrow::Cow::Borrowed("licentia-node"),
	authoring_version: 1,
	spec_version: 116,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 9,
	system_version: 1,
};

/// How many block hashes `frame_system` keeps, which bounds the mortality of transactions.
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A block signed with a justification.
pub type SignedBlock = generic::SignedBlock<Block>;

/// BlockId type as expected by this runtime.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions: what a signed transaction carries besides its call and what the
/// runtime checks before dispatching it. `CheckMetadataHash` lets offline signers (hardware
/// wallets) verify the metadata they decode the call with. `SkipCheckIfFeeless` charges the fee
/// unless the call is free (`#[pallet::feeless_if]`); clients see `ChargeTransactionPayment`
/// (its identifier and encoding are the wrapped extension's).
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_skip_feeless_payment::SkipCheckIfFeeless<
		Runtime,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// The runtime's migrations, aside from those the pallets run themselves. Every storage change
/// adds its versioned migration here, and removes it once every live chain has run it.
#[allow(unused_parens)]
type Migrations = (
	// A license's revocation records its cause (spec 110).
	pallet_licensing::migrations::v4::MigrateV3ToV4<Runtime>,
	// A batch's root binds its number of posts (spec 111).
	pallet_content::migrations::v3::MigrateV2ToV3<Runtime>,
	// Activated batches keep part of their bond through a tail (spec 112).
	pallet_content::migrations::v4::MigrateV3ToV4<Runtime>,
	// Links provide for their accounts; operators' unlinks hold identities (spec 114).
	pallet_consent::migrations::v3::MigrateV2ToV3<Runtime>,
);

/// Executive: dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

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
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// A single key, for development chains: the `testnet` preset sets none, and the council
	/// governs.
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	/// Lets calls marked `feeless_if` (a contributor's `licensing.claim`) skip the fee.
	#[runtime::pallet_index(8)]
	pub type SkipFeelessPayment = pallet_skip_feeless_payment;

	/// Platforms, identity links and per-purpose consent.
	#[runtime::pallet_index(10)]
	pub type Consent = pallet_consent;

	/// Batched registration of opted-in posts, and their revocation.
	#[runtime::pallet_index(11)]
	pub type Content = pallet_content;

	/// Terms, offers, license tokens, access checks and contributors' rewards.
	#[runtime::pallet_index(12)]
	pub type Licensing = pallet_licensing;

	/// The author of each block (for its share of the fees, and for equivocation reports).
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;

	/// The validator set, as governance changes it; declared before `Session`, which reads it
	/// at genesis.
	#[runtime::pallet_index(21)]
	pub type Validators = pallet_membership<Instance2>;

	/// Sessions: the validators (members with keys) and their Aura and GRANDPA keys.
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;

	/// Past sessions' validator sets, to prove who held a key in an equivocation report.
	#[runtime::pallet_index(23)]
	pub type Historical = pallet_session::historical;

	/// Reported offences (GRANDPA equivocations), for governance to act on.
	#[runtime::pallet_index(24)]
	pub type Offences = pallet_offences;

	/// The treasury: the protocol's share of sales, most of the fees, voided bonds; spent by
	/// the council.
	#[runtime::pallet_index(30)]
	pub type Treasury = pallet_treasury;

	/// The council: platforms' and the community's representatives, voting on motions.
	#[runtime::pallet_index(31)]
	pub type Council = pallet_collective<Instance1>;

	/// Who sits on the council, as the council itself decides.
	#[runtime::pallet_index(32)]
	pub type CouncilMembership = pallet_membership<Instance1>;

	/// How the council dispatches what needs Root (a runtime upgrade's authorization).
	#[runtime::pallet_index(33)]
	pub type Whitelist = pallet_whitelist;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

/// GRANDPA's equivocation reports are unsigned transactions the node submits.
impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}
