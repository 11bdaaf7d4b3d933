//! # Consent pallet
//!
//! Who agreed to what. This pallet records:
//!
//! - **Platforms** (Bluesky, each Mastodon instance, Nostr, X), registered by governance with
//!   their operators, payee, share of sales and status;
//! - **identity links**: a platform identity (Bluesky DID, Mastodon `user@instance`, Nostr key,
//!   X user id) belongs to one chain account at a time. An operated platform's operator attests
//!   the link; a Nostr key proves itself with a BIP-340 signature over a Nostr event that names
//!   the chain and the account;
//! - **consent**: per account and per purpose, allow, deny or unset (= not allowed: the chain is
//!   opt-in), for all of the account's identities or for one; the most restrictive applicable
//!   statement wins. Beyond the purpose, a person may refuse conditions of a license's terms
//!   ([`Restriction`]: commercial use, use without anonymisation, release of model weights,
//!   redistribution) and set a minimum price per record (a [`PriceTier`]); a license includes
//!   only the posts whose authors' consent admits all of its terms. A person may sign a
//!   statement off chain for a platform to relay (and pay for), so opting in needs no tokens.
//!
//! Other pallets read it through [`ConsentProvider`]: content registration rejects posts of
//! authors who allowed nothing; licensing reads the purposes each author allows.
//!
//! ## Calls
//! - [`register_platform`](Pallet::register_platform), [`update_platform`](Pallet::update_platform):
//!   governance.
//! - [`link_identity`](Pallet::link_identity): a platform operator attests an identity, with
//!   the account's signed acceptance.
//! - [`link_nostr`](Pallet::link_nostr): a Nostr key links itself.
//! - [`unlink_identity`](Pallet::unlink_identity): the owner (free of fees) or the platform's
//!   operator; an operator's unlink holds the identity for its account.
//! - [`release_identity`](Pallet::release_identity): the account an identity is held for, or
//!   governance.
//! - [`set_consent`](Pallet::set_consent), [`set_restrictions`](Pallet::set_restrictions),
//!   [`withdraw_consent`](Pallet::withdraw_consent) (free of fees when it changes something):
//!   the account.
//! - [`relay_consent`](Pallet::relay_consent): anyone, with the account's signature.
//!
//! Every change emits an event. Withdrawal takes effect in the block that includes it.
//!
//! ## Who can move an identity
//! An identity's posts, earnings and consent belong to the account it is linked to, and no
//! operator alone can give them to another: an operator that unlinks an identity (a deleted
//! platform account, a mistaken attestation) leaves it **held** for its account, which alone can
//! have it linked again (getting back the statements it had) or release it; governance can
//! release it for an account whose key is lost. An account that unlinks an identity itself frees
//! it. A withdrawal binds the account: relinking an identity to the same account keeps it.
//! Each link provides for its account, so that a linked person with no funds can always
//! withdraw and unlink, free of fees.
//!
//! ## Deposits
//! An identity link stays in storage, so whoever creates it (the attesting operator, or the
//! Nostr key's account) has [`Config::LinkDeposit`] held until the link goes. Consent statements
//! need a linked identity, so they are bounded by the links (at most one statement set per
//! account and one per identity) and carry no deposit of their own.
//!
//! ## Where the code is
//! This file declares the pallet: its configuration, storage, events, errors and calls, each
//! documented where it is read (hence its length). Each call checks its origin and hands over to
//! a `do_*` function in the module of its domain: `platforms`, `identities` (links) or
//! `statements` (consent, set, withdrawn or relayed). `queries` answers the runtime API and
//! other pallets ([`ConsentProvider`]); `try_state` checks the invariants.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod identities;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(any(feature = "std", feature = "runtime-benchmarks"))]
pub mod mock_utils;
mod platforms;
mod queries;
mod statements;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", feature = "std", test))]
mod try_state;
pub mod types;
pub mod weights;

pub use licentia_primitives::consent::{
	ConsentObserver, ConsentProvider, Decision, Handle, Identity, PlatformId, PlatformKind,
	PriceTier, Purpose, PurposeSet, Restriction, RestrictionSet, Statements,
};
pub use types::*;
pub use weights::WeightInfo;

/// What benchmarks need from the runtime: an account that can sign, and its signature.
///
/// `()` signs with an sr25519 key of the keystore, for runtimes whose accounts and signatures
/// are `AccountId32` and `MultiSignature`.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// An account that can sign (the same one at every call), and its signature of `payload`.
	fn sign(payload: &[u8]) -> (AccountId, Signature);
	/// Gives `identity` registered posts on `platform`, so that consent changes cost what they
	/// cost a contributor (licensing settles each identity its consent changes for).
	fn posts(_identity: &Identity, _platform: PlatformId) {}
}

/// Signs with the key `//licentia` of the keystore, which the benchmark CLI and
/// [`mock_utils::test_externalities`] provide; gives no posts.
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<sp_runtime::AccountId32, sp_runtime::MultiSignature> for () {
	fn sign(payload: &[u8]) -> (sp_runtime::AccountId32, sp_runtime::MultiSignature) {
		const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bnch");
		let public = sp_io::crypto::sr25519_generate(KEY_TYPE, Some(b"//licentia".to_vec()));
		let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &public, payload)
			.expect("the key was generated in the keystore just above; qed");
		(public.into(), sp_runtime::MultiSignature::Sr25519(signature))
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
	use licentia_primitives::consent::Identity;
	use sp_runtime::{
		traits::{IdentifyAccount, Verify},
		Perbill,
	};

	/// The in-code storage version. 1: an identity's statements in its link; 2: statements carry
	/// restrictions and a minimum price; 3: links provide for their account, operators' unlinks
	/// hold identities (see [`migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// A platform as stored.
	pub type PlatformOf<T> =
		PlatformInfo<<T as frame_system::Config>::AccountId, <T as Config>::MaxOperators>;

	/// An identity link as stored.
	pub type LinkOf<T> = IdentityLink<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	/// A relayed statement for this runtime.
	pub type RelayedStatementOf<T> =
		RelayedStatement<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency deposits are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ frame_support::traits::fungible::Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Who registers and updates platforms (Root until on-chain governance exists).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The deposit held for each identity link while it exists.
		#[pallet::constant]
		type LinkDeposit: Get<BalanceOf<Self>>;

		/// The most operator accounts a platform may have.
		#[pallet::constant]
		type MaxOperators: Get<u32>;

		/// The most identities one account may link.
		#[pallet::constant]
		type MaxIdentitiesPerAccount: Get<u32>;

		/// The longest a relayed statement may be valid: its `expires_at` is at most this many
		/// blocks after the block that includes it.
		#[pallet::constant]
		type MaxRelayValidity: Get<BlockNumberFor<Self>>;

		/// The signature of a relayed consent statement (`MultiSignature` in the runtime).
		type RelaySignature: Verify<Signer = Self::RelaySigner> + Parameter;

		/// The signer of a relayed statement, which must be the account it speaks for.
		type RelaySigner: IdentifyAccount<AccountId = Self::AccountId>;

		/// The chain's clock (the timestamp pallet), to tell a fresh Nostr proof from an old one.
		type UnixTime: frame_support::traits::UnixTime;

		/// How many seconds a Nostr link or unlink proof's `created_at` may be away from the
		/// chain's time, either way: a proof is used soon after it is signed or not at all.
		#[pallet::constant]
		type NostrProofValidity: Get<u64>;

		/// Told after the owner or the allowed purposes of an identity's posts may have changed
		/// (licensing settles rewards and records withdrawals for license holders).
		type ConsentObserver: ConsentObserver;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Signs relayed statements in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::RelaySignature>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of an identity link.
		IdentityLink,
	}

	/// The id the next registered platform gets.
	#[pallet::storage]
	pub type NextPlatformId<T> = StorageValue<_, PlatformId, ValueQuery>;

	/// Registered platforms. `Twox64Concat`: ids are assigned by the chain in sequence, so nobody
	/// can choose keys that collide.
	#[pallet::storage]
	pub type Platforms<T: Config> = StorageMap<_, Twox64Concat, PlatformId, PlatformOf<T>>;

	/// The platform registered for each (kind, domain): a domain is registered once per kind.
	/// `Blake2_128Concat`: domains are chosen by governance but may still be adversarial input.
	#[pallet::storage]
	pub type PlatformByDomain<T: Config> =
		StorageMap<_, Blake2_128Concat, (PlatformKind, Handle), PlatformId>;

	/// The Nostr platform, under which every Nostr key and event is registered.
	#[pallet::storage]
	pub type NostrPlatform<T> = StorageValue<_, PlatformId>;

	/// Who each identity is linked to. `Blake2_128Concat`: identities are user input.
	#[pallet::storage]
	pub type IdentityOwner<T: Config> = StorageMap<_, Blake2_128Concat, Identity, LinkOf<T>>;

	/// The identities each account has linked.
	#[pallet::storage]
	pub type AccountIdentities<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<Identity, T::MaxIdentitiesPerAccount>,
		ValueQuery,
	>;

	/// Identities an operator unlinked, held for the account they were linked to: only that
	/// account can have them linked again (or release them, as governance can), so that no
	/// operator alone moves an identity's posts, earnings or consent to another account. The
	/// link is kept as it was (its identity-scoped statements come back with a relink) and its
	/// deposit stays held until the hold ends.
	#[pallet::storage]
	pub type HeldIdentities<T: Config> = StorageMap<_, Blake2_128Concat, Identity, LinkOf<T>>;

	/// The `created_at` of the last link or unlink proof of each Nostr key used on chain: a
	/// proof must be newer, so that each is used once and an old link proof never links a key
	/// again after it was unlinked. One `u64` per key that ever linked (each link paid a
	/// deposit and a fee).
	#[pallet::storage]
	pub type NostrProofs<T> = StorageMap<_, Blake2_128Concat, [u8; 32], u64>;

	/// An account's statements that apply to all its identities.
	#[pallet::storage]
	pub type AccountConsent<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Statements, ValueQuery>;

	/// The nonce the next relayed statement of each account must carry.
	#[pallet::storage]
	pub type RelayNonce<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Platforms registered at genesis.
		pub platforms: alloc::vec::Vec<GenesisPlatform<T::AccountId>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for GenesisPlatform { kind, domain, operators, payee, share } in &self.platforms {
				let domain: Handle =
					domain.clone().try_into().expect("genesis platform domains are short; qed");
				let operators = operators
					.clone()
					.try_into()
					.expect("genesis platforms have at most MaxOperators operators; qed");
				Pallet::<T>::do_register_platform(*kind, domain, operators, payee.clone(), *share)
					.expect("genesis platforms are valid and distinct; qed");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance registered a platform.
		PlatformRegistered { platform: PlatformId, kind: PlatformKind, domain: Handle },
		/// Governance changed a platform's operators, payee, share or status.
		PlatformUpdated {
			platform: PlatformId,
			/// Its status after the change.
			status: PlatformStatus,
		},
		/// An identity was linked to an account.
		IdentityLinked {
			identity: Identity,
			/// The account it now belongs to.
			account: T::AccountId,
			/// The platform it lives on (which attested it, unless it is a Nostr key).
			platform: PlatformId,
		},
		/// An identity was unlinked; its identity-scoped consent is gone with it.
		IdentityUnlinked {
			identity: Identity,
			/// The account it belonged to.
			account: T::AccountId,
			/// Who unlinked it: the account or an operator of the platform.
			by: T::AccountId,
		},
		/// An operator unlinked an identity that was not its own: the identity is held for
		/// `account`, the only account it can be linked to again until the hold is released.
		IdentityHeld { identity: Identity, account: T::AccountId },
		/// The hold on an identity ended: it may be attested to any account again.
		IdentityReleased {
			identity: Identity,
			/// The account it was held for.
			account: T::AccountId,
			/// How it ended: the account released it, or governance did (`None`).
			by: Option<T::AccountId>,
		},
		/// An account's consent changed. Effective from this block.
		ConsentChanged {
			account: T::AccountId,
			/// Where the statements apply.
			scope: Scope,
			/// The purposes explicitly allowed at this scope, after the change.
			allowed: PurposeSet,
			/// The purposes explicitly denied at this scope, after the change.
			denied: PurposeSet,
		},
		/// An account's restrictions or minimum price changed. Effective from this block.
		RestrictionsChanged {
			account: T::AccountId,
			/// Where they apply.
			scope: Scope,
			/// The conditions refused at this scope, after the change.
			restrictions: RestrictionSet,
			/// The minimum price tier at this scope, after the change.
			min_price: PriceTier,
		},
		/// A consent statement signed off chain was relayed (`ConsentChanged` and
		/// `RestrictionsChanged` precede it, for what it states).
		ConsentRelayed {
			/// The account that signed it.
			account: T::AccountId,
			/// Who submitted it and paid the fee.
			relayer: T::AccountId,
			/// The nonce it used.
			nonce: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No platform has this id.
		PlatformNotFound,
		/// The platform is suspended: it cannot attest identities until governance reactivates it.
		PlatformSuspended,
		/// Only an operator of the platform may do this.
		NotOperator,
		/// A platform of this kind with this domain is registered already.
		DomainTaken,
		/// A domain must be a lowercase DNS name with at least one dot (`mastodon.social`).
		MalformedDomain,
		/// A Nostr platform is registered already: there is one.
		NostrPlatformExists,
		/// No Nostr platform is registered yet: governance registers one first.
		NoNostrPlatform,
		/// The identity belongs to another kind of platform than the one named.
		KindMismatch,
		/// A Mastodon account must be attested by the platform of its own instance.
		InstanceMismatch,
		/// The identity is malformed: a DID must be `did:plc:` or `did:web:`, a Mastodon account
		/// lowercase `user@instance`.
		MalformedIdentity,
		/// Nostr keys link themselves with `link_nostr`: no operator can attest them.
		NostrLinksItself,
		/// The identity is linked already (to this or another account): unlink it first.
		AlreadyLinked,
		/// The identity is not linked to any account.
		NotLinked,
		/// Only the identity's account, or an operator of its platform, may do this.
		NotAllowed,
		/// The identity is not linked to this account.
		NotYourIdentity,
		/// The account has linked as many identities as it may.
		TooManyIdentities,
		/// The Nostr signature does not verify for this key, chain and account.
		BadNostrSignature,
		/// Consent is about posts: link an identity before stating consent.
		NoIdentity,
		/// A statement must carry at least one decision (or, relayed, restrictions).
		NoDecisions,
		/// A statement names the same purpose twice.
		DuplicatePurpose,
		/// A statement names the same restriction twice.
		DuplicateRestriction,
		/// A minimum price tier must be below `PRICE_TIERS` (4): 0 for none, 1 to 3 for the
		/// licensing pallet's `PriceFloors`.
		BadPriceTier,
		/// The relayed statement's (or link acceptance's) signature is not the account's.
		BadSignature,
		/// The link acceptance's nonce is not the account's next one, or the relayed statement's
		/// is below it or [`RELAY_NONCE_WINDOW`] or more above it (replayed, signed before the
		/// account's own later statement or unlink, or older than one relayed already).
		BadNonce,
		/// The relayed statement (or link acceptance) expired before it was included.
		StatementExpired,
		/// The relayed statement (or link acceptance) expires more than `MaxRelayValidity`
		/// blocks from now: sign one that expires sooner.
		ExpiryTooFar,
		/// Every platform id is used: no platform can be registered any more.
		Overflow,
		/// An operator unlinked this identity from another account, for which it is held: only
		/// that account can have it linked again (with its acceptance), until it or governance
		/// releases it (`release_identity`).
		IdentityHeld,
		/// The identity is not held: there is nothing to release.
		NotHeld,
		/// The Nostr proof's `created_at` is more than `NostrProofValidity` seconds from the
		/// chain's time: sign a new one.
		NostrProofExpired,
		/// The Nostr proof is not newer than the last proof of this key used on chain (replayed,
		/// or signed before it): sign a new one.
		NostrProofUsed,
	}

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// How far above an account's next relay nonce a relayed statement's nonce may be
		/// ([`RELAY_NONCE_WINDOW`]).
		#[pallet::constant_name(RelayNonceWindow)]
		fn relay_nonce_window() -> u32 {
			RELAY_NONCE_WINDOW
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a platform. Governance only.
		///
		/// `domain` is unique per kind; a Mastodon instance's domain is where its accounts live.
		/// Only one Nostr platform may exist. Emits `PlatformRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_platform(operators.len() as u32))]
		pub fn register_platform(
			origin: OriginFor<T>,
			kind: PlatformKind,
			domain: Handle,
			operators: BoundedVec<T::AccountId, T::MaxOperators>,
			payee: Option<T::AccountId>,
			share: Perbill,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_register_platform(kind, domain, operators, payee, share).map(|_| ())
		}

		/// Changes a platform's operators, payee, share or status (each `None` keeps it).
		/// Governance only. A suspended platform keeps what it registered. Emits
		/// `PlatformUpdated`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_platform(T::MaxOperators::get()))]
		pub fn update_platform(
			origin: OriginFor<T>,
			platform: PlatformId,
			operators: Option<BoundedVec<T::AccountId, T::MaxOperators>>,
			payee: Option<Option<T::AccountId>>,
			share: Option<Perbill>,
			status: Option<PlatformStatus>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_update_platform(platform, operators, payee, share, status)
		}

		/// Links `identity` to `account`, attested by an operator of `platform` (the caller) and
		/// accepted by the account.
		///
		/// The identity must belong to the platform's kind (and a Mastodon account to the
		/// platform's instance), must not be linked yet, and the account must have room for
		/// it. `signature` is the account's signature of the SCALE encoding of `(LINK_CONTEXT,
		/// genesis_hash, platform, identity, acceptance)`
		/// ([`link_payload`](licentia_primitives::signed::link_payload)), or of that wrapped in
		/// `<Bytes>`, as wallets sign raw messages. The acceptance carries the account's current
		/// relay nonce and an expiry within `MaxRelayValidity` blocks: several acceptances signed
		/// at once may be used in any order, and any unlink of the account's identities (or any
		/// statement it makes itself) moves the nonce on, so that an acceptance never links an
		/// identity again once it was unlinked. An operator can neither fill someone's identity
		/// slots nor attach an identity the account did not accept.
		/// [`Config::LinkDeposit`] is held from the caller until the link goes. Emits
		/// `IdentityLinked`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::link_identity())]
		pub fn link_identity(
			origin: OriginFor<T>,
			platform: PlatformId,
			identity: Identity,
			account: T::AccountId,
			acceptance: LinkAcceptance<BlockNumberFor<T>>,
			signature: T::RelaySignature,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			Self::do_link_identity(&operator, platform, identity, account, acceptance, &signature)
		}

		/// Links the Nostr key `public_key` to the caller's account.
		///
		/// The proof is an ordinary Nostr event, signed with any Nostr signer: kind
		/// [`LINK_KIND`](licentia_primitives::nostr::LINK_KIND) (22242), no tags, created at
		/// `created_at`, whose content is `licentia:link:0x<genesis hash>:0x<account>` (see
		/// [`Pallet::nostr_link_content`]); `signature` is its BIP-340 signature. Naming the
		/// chain and the account makes the proof useless anywhere else. It is used once and
		/// soon: `created_at` must be within [`Config::NostrProofValidity`] of the chain's time
		/// and newer than the key's last proof used on chain ([`NostrProofs`]). Holds
		/// [`Config::LinkDeposit`] from the caller. Emits `IdentityLinked`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::link_nostr())]
		pub fn link_nostr(
			origin: OriginFor<T>,
			public_key: [u8; 32],
			created_at: u64,
			signature: [u8; 64],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_link_nostr(who, public_key, created_at, signature)
		}

		/// Unlinks `identity`. The identity's account or an operator of its platform may call
		/// this; the identity's posts stop counting and paying at once, and the account's relay
		/// nonce moves on (what it signed before can no longer be relayed or link anything).
		///
		/// - Unlinked by its account, the identity is free: its statements go, the deposit
		///   returns to whoever paid it, and any account may be attested for it again.
		/// - Unlinked by an operator, it is **held** for its account ([`HeldIdentities`]): the
		///   link is kept aside with its statements and deposit, and only that account can have
		///   it linked again (its statements then come back), until it or governance releases it
		///   ([`release_identity`](Pallet::release_identity)). An operator can take an
		///   identity's posts out, never give them to another account.
		///
		/// Free of fees (with the runtime's `SkipCheckIfFeeless`) for the identity's own account:
		/// leaving never needs funds, and each free unlink undoes a link someone paid for. Emits
		/// `IdentityUnlinked`, then `IdentityHeld` for an operator's unlink.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unlink_identity())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, identity: &Identity| -> bool {
			ensure_signed(origin.clone()).is_ok_and(|who| Pallet::<T>::owns(&who, identity))
		})]
		pub fn unlink_identity(origin: OriginFor<T>, identity: Identity) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unlink_identity(&who, identity)
		}

		/// Records the caller's decisions for `scope`: all its identities, or one of them.
		///
		/// Each decision replaces the previous one for that purpose at that scope. A `Deny` at
		/// either scope overrides an `Allow` at the other. Takes effect in this block. The
		/// account's own word is its latest: every relayed statement it signed before and that
		/// was not yet relayed becomes invalid (its relay nonce moves on). Emits
		/// `ConsentChanged`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_consent())]
		pub fn set_consent(
			origin: OriginFor<T>,
			scope: Scope,
			decisions: Decisions,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_consent(who.clone(), scope, &decisions)?;
			Self::invalidate_relayed_statements(&who);
			Ok(())
		}

		/// Denies every purpose for all of the caller's identities: the one-click withdrawal.
		/// Identity-scoped allows stay recorded but a deny at account scope overrides them.
		/// Relayed statements signed before become invalid, as with `set_consent`. Emits
		/// `ConsentChanged`.
		///
		/// Free of fees (with the runtime's `SkipCheckIfFeeless`) when it changes something:
		/// the caller has a linked identity and does not deny every purpose at account scope
		/// already. Withdrawing never needs funds (a linked account always exists: each link
		/// provides for it), and nobody can fill blocks with free withdrawals: each one follows
		/// an allow that paid its fee.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::withdraw_consent())]
		#[pallet::feeless_if(|origin: &OriginFor<T>| -> bool {
			ensure_signed(origin.clone()).is_ok_and(|who| Pallet::<T>::withdrawal_is_free(&who))
		})]
		pub fn withdraw_consent(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_consent(who.clone())?;
			Self::invalidate_relayed_statements(&who);
			Ok(())
		}

		/// Records the conditions the caller refuses at `scope` and its minimum price tier,
		/// replacing what it stated at that scope before.
		///
		/// A post is licensed only under terms that conflict with none of its author's
		/// restrictions, at either scope, and in sales whose price per record reaches the higher
		/// of the two scopes' minimum tiers. Takes effect in this block; licenses it excludes
		/// posts from are told through the revocation feed (`ConsentNarrowed`). Relayed
		/// statements signed before become invalid, as with `set_consent`. Emits
		/// `RestrictionsChanged`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_restrictions())]
		pub fn set_restrictions(
			origin: OriginFor<T>,
			scope: Scope,
			restrictions: Restrictions,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_restrictions(who.clone(), scope, &restrictions)?;
			Self::invalidate_relayed_statements(&who);
			Ok(())
		}

		/// Records a statement that `statement.account` signed off chain. Anyone may submit it
		/// and pays the fee, typically the platform the person opted in on.
		///
		/// `signature` signs the SCALE encoding of `(RELAY_CONTEXT, genesis_hash, statement)`
		/// ([`relay_payload`](licentia_primitives::signed::relay_payload)), or that wrapped in
		/// `<Bytes>`, `</Bytes>`, as wallets sign raw messages.
		/// The statement must carry a nonce from the account's next relay nonce to
		/// [`RELAY_NONCE_WINDOW`] (16) above it (the next nonce then moves past it: an older
		/// statement never takes effect after a newer one), not be expired, and expire
		/// within `MaxRelayValidity` blocks of its inclusion (a signed statement cannot wait
		/// for years). It carries decisions about purposes, restrictions, or both. Emits
		/// `ConsentChanged` (for decisions), `RestrictionsChanged` (for restrictions) and
		/// `ConsentRelayed`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::relay_consent())]
		pub fn relay_consent(
			origin: OriginFor<T>,
			statement: RelayedStatementOf<T>,
			signature: T::RelaySignature,
		) -> DispatchResult {
			let relayer = ensure_signed(origin)?;
			Self::do_relay_consent(relayer, statement, signature)
		}

		/// Unlinks the Nostr key `public_key` on its own word: the key's owner signs a Nostr
		/// event as for [`link_nostr`](Pallet::link_nostr) but with the content
		/// `licentia:unlink:0x<genesis hash>:0x<account>` (`account`: the one the key is linked
		/// to), created within [`Config::NostrProofValidity`] of the chain's time and newer than
		/// the key's last proof. Anyone may submit it (the key's owner need not hold the
		/// account, nor funds of its own: any relayer pays the fee). As an unlink by the
		/// account: the key is free, its deposit returns. Emits `IdentityUnlinked` (`by`: the
		/// submitter).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::unlink_nostr())]
		pub fn unlink_nostr(
			origin: OriginFor<T>,
			public_key: [u8; 32],
			created_at: u64,
			signature: [u8; 64],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unlink_nostr(&who, public_key, created_at, signature)
		}

		/// Ends the hold on `identity`, which an operator unlinked from the caller: the
		/// identity's kept statements go, its deposit returns to whoever paid it, and any account
		/// may be attested for it again. The account it is held for may call this, and
		/// governance (for an account whose key is lost). Emits `IdentityReleased`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::release_identity())]
		pub fn release_identity(origin: OriginFor<T>, identity: Identity) -> DispatchResult {
			let by = match T::GovernanceOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			Self::do_release_identity(by, identity)
		}
	}
}
