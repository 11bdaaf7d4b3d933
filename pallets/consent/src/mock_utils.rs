//! Setup shared by every test runtime and benchmark that needs consent state: platforms, linked
//! identities, opt-ins and test externalities, generic over the runtime.
//!
//! The content and licensing mocks, the three pallets' benchmarks and the runtime's
//! `benchmark_helpers` call these rather than each writing its own, so that "a platform" or "a
//! consenting contributor" is made the same way everywhere. Compiled for `std` (the other
//! pallets' mocks) and `runtime-benchmarks` (the runtime's benchmark helpers, in Wasm too); never
//! called by the pallet's calls.

use crate::{
	Config, Decision, Decisions, Identity, NextPlatformId, NostrPlatform, Pallet, PlatformId,
	PlatformKind, PriceTier, Purpose, Restriction, Restrictions, Scope,
};
use alloc::vec::Vec;
use codec::Encode;
use sp_runtime::Perbill;

/// Registers an active platform of `kind` operated by (and paying) `operator`, taking `share`
/// of sales, under the domain `platform<id>.example`; returns its id.
///
/// There is only one Nostr platform: if one exists (the dev chain spec registers it at
/// genesis), asking for a Nostr platform returns it.
pub fn register_platform<T: Config>(
	kind: PlatformKind,
	operator: &T::AccountId,
	share: Perbill,
) -> PlatformId {
	if kind == PlatformKind::Nostr {
		if let Some(nostr) = NostrPlatform::<T>::get() {
			return nostr;
		}
	}
	let id = NextPlatformId::<T>::get();
	let domain = alloc::format!("platform{id}.example").into_bytes().try_into();
	let operators = alloc::vec![operator.clone()].try_into();
	Pallet::<T>::do_register_platform(
		kind,
		domain.expect("`platform<u32>.example` is shorter than a handle"),
		operators.expect("a platform has room for one operator"),
		Some(operator.clone()),
		share,
	)
	.expect("a fresh domain registers")
}

/// Links `identity` to `account` through `platform` and allows `purposes` for that identity,
/// with no operator and no deposit ([`Pallet::force_link`]).
pub fn link_allowing<T: Config>(
	identity: Identity,
	account: &T::AccountId,
	platform: PlatformId,
	purposes: &[Purpose],
) {
	let allowed = purposes.iter().copied().collect();
	Pallet::<T>::force_link(identity, account, platform, allowed)
		.expect("the account has room for another identity");
}

/// Links to `who`, through `platform`, an X identity of its own (derived from both, so that one
/// account can contribute to many platforms) allowing every purpose; returns the identity.
pub fn link_contributor<T: Config>(who: &T::AccountId, platform: PlatformId) -> Identity {
	let seed = (who, platform).using_encoded(sp_io::hashing::blake2_256);
	let user = u64::from_le_bytes(seed[..8].try_into().expect("8 of 32 bytes; qed"));
	let identity = Identity::X(user);
	link_allowing::<T>(identity.clone(), who, platform, &Purpose::ALL);
	identity
}

/// `decision` on each of `purposes`, as [`Pallet::set_consent`] takes them.
pub fn decisions(purposes: &[Purpose], decision: Decision) -> Decisions {
	let list: Vec<_> = purposes.iter().map(|purpose| (*purpose, decision)).collect();
	list.try_into().expect("there are fewer purposes than the most decisions")
}

/// `who` allows `purposes` for `scope`, as if it had called [`Pallet::set_consent`].
pub fn opt_in<T: Config>(who: &T::AccountId, scope: Scope, purposes: &[Purpose]) {
	Pallet::<T>::do_set_consent(who.clone(), scope, &decisions(purposes, Decision::Allow))
		.expect("the account has the identity the scope names");
}

/// `who` asks at least price tier `min_price` for all its identities, refusing nothing, as if it
/// had called [`Pallet::set_restrictions`].
pub fn ask_at_least<T: Config>(who: &T::AccountId, min_price: PriceTier) {
	let restrictions = Restrictions { refused: Default::default(), min_price };
	Pallet::<T>::do_set_restrictions(who.clone(), Scope::Account, &restrictions)
		.expect("the account has an identity and the tier is below PRICE_TIERS");
}

/// Restrictions refusing every condition, at the highest price tier: the statement that
/// narrows consent the most.
pub fn refuse_all() -> Restrictions {
	let refused = Restriction::ALL.to_vec().try_into().expect("four restrictions fit four");
	Restrictions { refused, min_price: licentia_primitives::consent::PRICE_TIERS - 1 }
}

/// Test externalities over `storage`, at block 1 (so that events are recorded), with a keystore
/// (as the benchmark CLI provides) in which `()`'s [`BenchmarkHelper`](crate::BenchmarkHelper)
/// signs.
#[cfg(feature = "std")]
pub fn test_externalities<T: frame_system::Config>(
	storage: sp_runtime::Storage,
) -> sp_io::TestExternalities {
	use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| frame_system::Pallet::<T>::set_block_number(1u32.into()));
	ext
}

/// The clock of test runtimes: [`TestTime::DEFAULT`] seconds after the Unix epoch, unless a
/// test moves it ([`TestTime::set`]); per thread, so that tests running at once do not share it.
#[cfg(feature = "std")]
pub struct TestTime;

#[cfg(feature = "std")]
impl TestTime {
	/// Where every test's clock starts: 2023-11-14.
	pub const DEFAULT: u64 = 1_700_000_000;

	/// Sets this thread's clock to `seconds` after the epoch.
	pub fn set(seconds: u64) {
		NOW.with(|now| now.set(seconds));
	}
}

#[cfg(feature = "std")]
std::thread_local! {
	static NOW: core::cell::Cell<u64> = const { core::cell::Cell::new(TestTime::DEFAULT) };
}

#[cfg(feature = "std")]
impl frame_support::traits::UnixTime for TestTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_secs(NOW.with(|now| now.get()))
	}
}
