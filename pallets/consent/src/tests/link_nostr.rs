//! `link_nostr`: a Nostr key links itself with a signed event.

use super::*;

const SECRET: [u8; 32] = [42; 32];

fn proof(who: &AccountId, created_at: u64) -> ([u8; 32], [u8; 64]) {
	let public = nostr::public_key(&SECRET).expect("valid key");
	let id = Consent::nostr_link_event_id(&public, created_at, who);
	(public, nostr::sign(&SECRET, &id, &[0; 32]).expect("signs"))
}

#[test]
fn a_key_links_itself() {
	with_platforms(|| {
		let (public, signature) = proof(&account(Alice), 1_700_000_000);
		assert_ok!(Consent::link_nostr(
			RuntimeOrigin::signed(account(Alice)),
			public,
			1_700_000_000,
			signature
		));
		assert_eq!(
			IdentityOwner::<Test>::get(Identity::Nostr(public)).map(|l| (l.account, l.platform)),
			Some((account(Alice), 2))
		);
		assert_eq!(held(Alice), 10);
	});
}

#[test]
fn the_link_content_names_chain_and_account() {
	with_platforms(|| {
		let content = Consent::nostr_link_content(&account(Alice));
		assert!(content.starts_with("licentia:link:0x"));
		assert!(content.ends_with(&hex(account(Alice).as_ref())));
	});
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_proof_for_another_account_or_time_fails() {
	with_platforms(|| {
		let (public, signature) = proof(&account(Alice), 1_700_000_000);
		// Replayed by Dave: the event names Alice.
		assert_noop!(
			Consent::link_nostr(
				RuntimeOrigin::signed(account(Dave)),
				public,
				1_700_000_000,
				signature
			),
			Error::<Test>::BadNostrSignature
		);
		// A different timestamp is a different event.
		assert_noop!(
			Consent::link_nostr(
				RuntimeOrigin::signed(account(Alice)),
				public,
				1_700_000_001,
				signature
			),
			Error::<Test>::BadNostrSignature
		);
	});
}

#[test]
fn a_proof_for_another_chain_fails() {
	with_platforms(|| {
		let (public, signature) = proof(&account(Alice), 5);
		// Another chain: another genesis hash.
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(7));
		assert_noop!(
			Consent::link_nostr(RuntimeOrigin::signed(account(Alice)), public, 5, signature),
			Error::<Test>::BadNostrSignature
		);
	});
}

#[test]
fn needs_a_nostr_platform_that_is_active() {
	run(|| {
		let (public, signature) = proof(&account(Alice), 5);
		assert_noop!(
			Consent::link_nostr(RuntimeOrigin::signed(account(Alice)), public, 5, signature),
			Error::<Test>::NoNostrPlatform
		);
	});
	with_platforms(|| {
		let (public, signature) = proof(&account(Alice), 5);
		suspend(2);
		assert_noop!(
			Consent::link_nostr(RuntimeOrigin::signed(account(Alice)), public, 5, signature),
			Error::<Test>::PlatformSuspended
		);
	});
}
