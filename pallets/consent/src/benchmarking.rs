//! Benchmarks of every call, at their worst case.

use super::*;
use crate::{
	mock_utils::{self, decisions, opt_in, refuse_all},
	pallet::{AccountIdentities, BalanceOf, Call, Config, NostrPlatform, Pallet, RelayNonce},
};
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get, UnixTime},
	BoundedVec,
};
use frame_system::RawOrigin;
use licentia_primitives::{consent::MAX_HANDLE_LEN, signed};
use sp_runtime::{traits::Bounded, Perbill};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	// Enough for any deposit, and little enough that dozens of accounts cannot overflow the
	// total issuance (a mint that would is silently refused).
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
	who
}

/// A domain of `len` bytes: labels of at most 63 `a`s (DNS's limit) joined by dots, then `.org`.
fn domain(len: u32, seed: u8) -> Handle {
	let body = len.saturating_sub(4) as usize;
	let mut d: Vec<u8> = (0..body)
		.map(|i| if i % 64 == 63 && i + 1 < body { b'.' } else { b'a' + seed % 26 })
		.collect();
	d.extend_from_slice(b".org");
	d.try_into().expect("len <= MAX_HANDLE_LEN")
}

/// The longest Mastodon account on `instance`: `aaa...a@instance`.
fn mastodon(instance: &Handle, index: u32) -> Identity {
	let user_len = MAX_HANDLE_LEN as usize - instance.len() - 1 - 8;
	let mut a: Vec<u8> = alloc::vec![b'a'; user_len];
	a.extend_from_slice(alloc::format!("{index:08}").as_bytes());
	a.push(b'@');
	a.extend_from_slice(instance);
	Identity::Mastodon(a.try_into().expect("fits MAX_HANDLE_LEN"))
}

fn operators<T: Config>(n: u32) -> BoundedVec<T::AccountId, T::MaxOperators> {
	(0..n)
		.map(|i| funded::<T>("operator", i))
		.collect::<Vec<_>>()
		.try_into()
		.expect("n <= max")
}

/// A Mastodon platform with the most operators; the caller is the last one.
fn platform<T: Config>() -> (PlatformId, Handle, T::AccountId) {
	let ops = operators::<T>(T::MaxOperators::get());
	let caller = ops.last().cloned().expect("MaxOperators > 0");
	let instance = domain(64, 0);
	let id = Pallet::<T>::do_register_platform(
		PlatformKind::Mastodon,
		instance.clone(),
		ops,
		None,
		Perbill::from_percent(10),
	)
	.expect("a fresh domain registers");
	(id, instance, caller)
}

/// Links all but one of `who`'s allowed identities, so the next link is the costliest.
fn fill_identities<T: Config>(
	who: &T::AccountId,
	platform: PlatformId,
	instance: &Handle,
	op: &T::AccountId,
	leave: u32,
) {
	for i in 0..T::MaxIdentitiesPerAccount::get().saturating_sub(leave) {
		let identity = mastodon(instance, 1_000 + i);
		Pallet::<T>::insert_link(identity, who.clone(), platform, op.clone()).expect("room for it");
	}
}

/// The Nostr platform, registered unless a chain spec (the dev one) registered it at genesis.
fn nostr_platform<T: Config>() -> PlatformId {
	if let Some(platform) = NostrPlatform::<T>::get() {
		return platform;
	}
	Pallet::<T>::do_register_platform(
		PlatformKind::Nostr,
		domain(16, 2),
		operators::<T>(0),
		None,
		Perbill::zero(),
	)
	.expect("the first Nostr platform")
}

/// Links `identity` to `who`, attested by `op`, and has `op` unlink it: it is then held for
/// `who`.
fn held_for<T: Config>(
	identity: &Identity,
	who: &T::AccountId,
	platform: PlatformId,
	op: &T::AccountId,
) {
	Pallet::<T>::insert_link(identity.clone(), who.clone(), platform, op.clone())
		.expect("room for it");
	Pallet::<T>::do_unlink_identity(op, identity.clone()).expect("the operator may unlink");
	assert!(HeldIdentities::<T>::contains_key(identity));
}

/// `who` with an identity on each of `MaxIdentitiesPerAccount` Mastodon platforms and posts on
/// each: an account-wide consent change then settles it on every one of them.
fn spread_identities<T: Config>(who: &T::AccountId) {
	for i in 0..T::MaxIdentitiesPerAccount::get() {
		let op = funded::<T>("spread-operator", i);
		let id = mock_utils::register_platform::<T>(
			PlatformKind::Mastodon,
			&op,
			Perbill::from_percent(10),
		);
		let instance = Platforms::<T>::get(id).expect("registered just above").domain;
		let identity = mastodon(&instance, i);
		Pallet::<T>::insert_link(identity.clone(), who.clone(), id, op).expect("room for it");
		T::BenchmarkHelper::posts(&identity, id);
	}
}

/// Every purpose allowed but the first, which is denied. Made by an account that allowed them
/// all, it is the heaviest statement: each identity's posts stay in the pool, so their earnings
/// are settled, their member rewritten and a feed entry appended.
fn narrowing() -> Decisions {
	let mut list = decisions(&Purpose::ALL, Decision::Allow).into_inner();
	list[0].1 = Decision::Deny;
	list.try_into().expect("as many decisions as before")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_platform(o: Linear<0, { T::MaxOperators::get() }>) {
		let ops = operators::<T>(o);
		let d = domain(MAX_HANDLE_LEN, 1);

		#[extrinsic_call]
		_(RawOrigin::Root, PlatformKind::Mastodon, d.clone(), ops, None, Perbill::from_percent(5));

		assert!(PlatformByDomain::<T>::contains_key((PlatformKind::Mastodon, d)));
	}

	#[benchmark]
	fn update_platform(o: Linear<0, { T::MaxOperators::get() }>) {
		let (id, _, _) = platform::<T>();
		let ops = operators::<T>(o);

		#[extrinsic_call]
		_(
			RawOrigin::Root,
			id,
			Some(ops),
			Some(None),
			Some(Perbill::one()),
			Some(PlatformStatus::Suspended),
		);

		assert_eq!(Platforms::<T>::get(id).map(|p| p.status), Some(PlatformStatus::Suspended));
	}

	/// The costliest link: the account's last free slot, an identity held for the account (an
	/// operator unlinked it: the hold ends and its deposit returns), posts that start to pay
	/// again, and an acceptance signed as wallets sign raw messages (checked in both forms).
	#[benchmark]
	fn link_identity() {
		let (id, instance, op) = platform::<T>();
		let (who, _) = T::BenchmarkHelper::sign(&[]);
		fill_identities::<T>(&who, id, &instance, &op, 1);
		opt_in::<T>(&who, Scope::Account, &Purpose::ALL);
		let identity = mastodon(&instance, 0);
		held_for::<T>(&identity, &who, id, &op);
		// Posts registered while it was linked before: linking it again makes them pay.
		T::BenchmarkHelper::posts(&identity, id);
		let acceptance = LinkAcceptance {
			nonce: RelayNonce::<T>::get(&who),
			expires_at: frame_system::Pallet::<T>::block_number() + 1_000u32.into(),
		};
		let payload = Pallet::<T>::link_payload(id, &identity, &acceptance);
		let (_, signature) = T::BenchmarkHelper::sign(&signed::wrapped(&payload));

		#[extrinsic_call]
		_(RawOrigin::Signed(op), id, identity.clone(), who.clone(), acceptance, signature);

		assert_eq!(IdentityOwner::<T>::get(identity).map(|l| l.account), Some(who));
	}

	#[benchmark]
	fn link_nostr() {
		nostr_platform::<T>();
		let who = funded::<T>("user", 0);
		let (id, instance, op) = platform::<T>();
		fill_identities::<T>(&who, id, &instance, &op, 1);
		let secret = [7u8; 32];
		let public = licentia_primitives::nostr::public_key(&secret).expect("valid secret");
		let created_at = T::UnixTime::now().as_secs();
		// The key linked and unlinked itself before: its last proof is read and replaced.
		if let Some(before) = created_at.checked_sub(1) {
			NostrProofs::<T>::insert(public, before);
		}
		let event_id = Pallet::<T>::nostr_link_event_id(&public, created_at, &who);
		let signature =
			licentia_primitives::nostr::sign(&secret, &event_id, &[0; 32]).expect("signs");
		assert!(NostrPlatform::<T>::get().is_some());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), public, created_at, signature);

		assert!(IdentityOwner::<T>::contains_key(Identity::Nostr(public)));
	}

	#[benchmark]
	fn unlink_nostr() {
		let platform = nostr_platform::<T>();
		let who = funded::<T>("user", 0);
		let secret = [7u8; 32];
		let public = licentia_primitives::nostr::public_key(&secret).expect("valid secret");
		let identity = Identity::Nostr(public);
		Pallet::<T>::insert_link(identity.clone(), who.clone(), platform, who.clone())
			.expect("room for it");
		T::BenchmarkHelper::posts(&identity, platform);
		opt_in::<T>(&who, Scope::Account, &Purpose::ALL);
		let created_at = T::UnixTime::now().as_secs();
		if let Some(before) = created_at.checked_sub(1) {
			NostrProofs::<T>::insert(public, before);
		}
		let event_id = licentia_primitives::nostr::unlink_event_id(
			&public,
			created_at,
			Pallet::<T>::genesis_hash().as_ref(),
			&who.encode(),
		);
		let signature =
			licentia_primitives::nostr::sign(&secret, &event_id, &[0; 32]).expect("signs");
		let relayer = funded::<T>("relayer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(relayer), public, created_at, signature);

		assert!(!IdentityOwner::<T>::contains_key(identity));
	}

	#[benchmark]
	fn unlink_identity() {
		let (id, instance, op) = platform::<T>();
		let who = funded::<T>("user", 0);
		fill_identities::<T>(&who, id, &instance, &op, 0);
		let identity = AccountIdentities::<T>::get(&who).first().cloned().expect("filled");
		T::BenchmarkHelper::posts(&identity, id);
		opt_in::<T>(&who, Scope::Account, &Purpose::ALL);
		opt_in::<T>(&who, Scope::Identity(identity.clone()), &[Purpose::Research]);

		#[extrinsic_call]
		_(RawOrigin::Signed(op), identity.clone());

		assert!(!IdentityOwner::<T>::contains_key(&identity));
		assert!(HeldIdentities::<T>::contains_key(identity), "the costlier path: a hold");
	}

	#[benchmark]
	fn release_identity() {
		let (id, instance, op) = platform::<T>();
		let who = funded::<T>("user", 0);
		let identity = mastodon(&instance, 0);
		held_for::<T>(&identity, &who, id, &op);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), identity.clone());

		assert!(!HeldIdentities::<T>::contains_key(identity));
	}

	/// Account-wide: the costliest scope, since every platform of the account is settled.
	#[benchmark]
	fn set_consent() {
		let who = funded::<T>("user", 0);
		spread_identities::<T>(&who);
		opt_in::<T>(&who, Scope::Account, &Purpose::ALL);
		let identity = AccountIdentities::<T>::get(&who).last().cloned().expect("filled");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Scope::Account, narrowing());

		let allowed = PurposeSet::ALL.without(Purpose::ALL[0]);
		assert_eq!(Pallet::<T>::allowed_purposes(&who, &identity), allowed);
	}

	/// Account-wide, refusing every condition at the highest price: every platform of the
	/// account is settled and every license it was in is told.
	#[benchmark]
	fn set_restrictions() {
		let who = funded::<T>("user", 0);
		spread_identities::<T>(&who);
		opt_in::<T>(&who, Scope::Account, &Purpose::ALL);
		let identity = AccountIdentities::<T>::get(&who).last().cloned().expect("filled");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Scope::Account, refuse_all());

		let consent = Pallet::<T>::linked_consent(&identity).expect("linked").consent;
		assert_eq!(consent.restrictions, RestrictionSet::ALL);
	}

	/// Withdrawing everything an account allowed on every platform it has posts on.
	#[benchmark]
	fn withdraw_consent() {
		let who = funded::<T>("user", 0);
		spread_identities::<T>(&who);
		opt_in::<T>(&who, Scope::Account, &Purpose::ALL);
		let identity = AccountIdentities::<T>::get(&who).last().cloned().expect("filled");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Pallet::<T>::allowed_purposes(&who, &identity), PurposeSet::EMPTY);
	}

	#[benchmark]
	fn relay_consent() {
		let op = funded::<T>("relayer", 0);
		// The signer is made by the helper; learn its account from a throwaway signature.
		let (who, _) = T::BenchmarkHelper::sign(b"probe");
		spread_identities::<T>(&who);
		opt_in::<T>(&who, Scope::Account, &Purpose::ALL);
		let nonce = RelayNonce::<T>::get(&who);
		let statement = RelayedStatement {
			account: who.clone(),
			scope: Scope::Account,
			decisions: narrowing(),
			restrictions: Some(refuse_all()),
			nonce,
			expires_at: frame_system::Pallet::<T>::block_number() + 1_000u32.into(),
		};
		let (signer, signature) = T::BenchmarkHelper::sign(&Pallet::<T>::relay_payload(&statement));
		assert!(signer == who, "the helper signs with one key");

		#[extrinsic_call]
		_(RawOrigin::Signed(op), statement, signature);

		assert_eq!(RelayNonce::<T>::get(&who), nonce + 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
