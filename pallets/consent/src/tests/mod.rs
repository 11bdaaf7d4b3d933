//! Tests of every call and every error, one file per call. Every test runs through [`run_on`],
//! which ends it with the pallet's `try_state` checks.

mod genesis;
mod link_identity;
mod link_nostr;
mod register_platform;
mod relay_consent;
mod set_consent;
mod unlink_identity;
mod update_platform;

use crate::{mock::*, Error, Event, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec};
use licentia_primitives::nostr;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve};
use sp_runtime::{DispatchError, MultiSignature, Perbill};

fn handle(s: &str) -> Handle {
	s.as_bytes().to_vec().try_into().expect("short")
}
fn did(s: &str) -> Identity {
	Identity::Bluesky(handle(&format!("did:plc:{s}")))
}
fn masto(s: &str) -> Identity {
	Identity::Mastodon(handle(s))
}
fn ops(
	accounts: &[sp_keyring::Sr25519Keyring],
) -> BoundedVec<AccountId, frame_support::traits::ConstU32<4>> {
	accounts
		.iter()
		.map(|k| account(*k))
		.collect::<Vec<_>>()
		.try_into()
		.expect("few")
}
fn decisions(list: &[(Purpose, Decision)]) -> Decisions {
	list.to_vec().try_into().expect("few")
}
fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Consent(e) = r.event { Some(e) } else { None })
		.next_back()
		.expect("an event was emitted")
}
fn held(who: sp_keyring::Sr25519Keyring) -> Balance {
	Balances::balance_on_hold(&HoldReason::IdentityLink.into(), &account(who))
}

/// Bluesky (0, operated by Bob), mastodon.social (1, Charlie), Nostr (2), X (3, Bob).
fn with_platforms(test: impl FnOnce()) {
	run(|| {
		let root = RuntimeOrigin::root();
		assert_ok!(Consent::register_platform(
			root.clone(),
			PlatformKind::Bluesky,
			handle("bsky.app"),
			ops(&[Bob]),
			Some(account(Bob)),
			Perbill::from_percent(10)
		));
		assert_ok!(Consent::register_platform(
			root.clone(),
			PlatformKind::Mastodon,
			handle("mastodon.social"),
			ops(&[Charlie]),
			None,
			Perbill::from_percent(5)
		));
		assert_ok!(Consent::register_platform(
			root.clone(),
			PlatformKind::Nostr,
			handle("nostr.example"),
			ops(&[]),
			None,
			Perbill::zero()
		));
		assert_ok!(Consent::register_platform(
			root,
			PlatformKind::X,
			handle("x.com"),
			ops(&[Bob]),
			Some(account(Bob)),
			Perbill::from_percent(20)
		));
		test();
	});
}

/// Links `identity` to `who` as `origin` (an operator of `platform`), with `who`'s acceptance
/// signed for its next relay nonce.
fn link(
	origin: RuntimeOrigin,
	platform: PlatformId,
	identity: Identity,
	who: sp_keyring::Sr25519Keyring,
) -> frame_support::dispatch::DispatchResult {
	let (acceptance, signature) = accept(platform, &identity, who);
	Consent::link_identity(origin, platform, identity, account(who), acceptance, signature)
}

/// `who`'s acceptance of `identity` linked through `platform`: its next relay nonce, valid for
/// ten blocks.
fn accept(
	platform: PlatformId,
	identity: &Identity,
	who: sp_keyring::Sr25519Keyring,
) -> (LinkAcceptance<u64>, MultiSignature) {
	let acceptance = LinkAcceptance {
		nonce: RelayNonce::<Test>::get(account(who)),
		expires_at: System::block_number() + 10,
	};
	let payload = Consent::link_payload(platform, identity, &acceptance);
	(acceptance, MultiSignature::Sr25519(who.sign(&payload)))
}

/// Bob, the operator of platform 0 (Bluesky), links the DID `did:plc:a` to Alice.
fn link_alices_did() {
	assert_ok!(link(RuntimeOrigin::signed(account(Bob)), 0, did("a"), Alice));
}

/// Governance suspends `platform`.
fn suspend(platform: PlatformId) {
	assert_ok!(Consent::update_platform(
		RuntimeOrigin::root(),
		platform,
		None,
		None,
		None,
		Some(PlatformStatus::Suspended)
	));
}

fn run(test: impl FnOnce()) {
	run_on(new_test_ext(), test)
}

/// Runs `test` on `chain`, then checks the pallet's invariants: the one place where every
/// test's end state is checked.
fn run_on(mut chain: sp_io::TestExternalities, test: impl FnOnce()) {
	chain.execute_with(|| {
		test();
		Consent::do_try_state().expect("invariants hold");
	});
}
