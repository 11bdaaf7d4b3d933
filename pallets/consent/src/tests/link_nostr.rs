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

const NOW: u64 = crate::mock_utils::TestTime::DEFAULT;

fn unlink_proof(linked_to: &AccountId, created_at: u64) -> [u8; 64] {
	let public = nostr::public_key(&SECRET).expect("valid key");
	let id = nostr::unlink_event_id(
		&public,
		created_at,
		Consent::genesis_hash().as_ref(),
		&linked_to.encode(),
	);
	nostr::sign(&SECRET, &id, &[1; 32]).expect("signs")
}
use codec::Encode;

/// Issue 31: a link proof had no expiry and could be used again, so the named account could
/// relink the key after any unlink, forever. A proof is used once, and soon after it is signed.
#[test]
fn a_link_proof_is_used_once_and_soon() {
	with_platforms(|| {
		let alice = RuntimeOrigin::signed(account(Alice));
		let (public, signature) = proof(&account(Alice), NOW);
		assert_ok!(Consent::link_nostr(alice.clone(), public, NOW, signature));
		assert_eq!(NostrProofs::<Test>::get(public), Some(NOW));
		assert_ok!(Consent::unlink_identity(alice.clone(), Identity::Nostr(public)));
		assert_noop!(
			Consent::link_nostr(alice.clone(), public, NOW, signature),
			Error::<Test>::NostrProofUsed
		);
		// Older than the validity, or further ahead: refused whatever the key's history.
		for created_at in [NOW - 601, NOW + 601] {
			let (_, signature) = proof(&account(Alice), created_at);
			assert_noop!(
				Consent::link_nostr(alice.clone(), public, created_at, signature),
				Error::<Test>::NostrProofExpired
			);
		}
		// A newer proof links it again.
		let (_, signature) = proof(&account(Alice), NOW + 1);
		assert_ok!(Consent::link_nostr(alice, public, NOW + 1, signature));
	});
}

/// The key's owner unlinks it on its own word, relayed by anyone (the Nostr platform has no
/// operator); the account's old link proofs cannot link it again.
#[test]
fn a_key_unlinks_itself() {
	with_platforms(|| {
		let (public, signature) = proof(&account(Alice), NOW);
		assert_ok!(Consent::link_nostr(
			RuntimeOrigin::signed(account(Alice)),
			public,
			NOW,
			signature
		));
		let dave = RuntimeOrigin::signed(account(Dave));
		// Signed for another account than the key's, or replaying the link proof: refused.
		assert_noop!(
			Consent::unlink_nostr(
				dave.clone(),
				public,
				NOW + 5,
				unlink_proof(&account(Dave), NOW + 5)
			),
			Error::<Test>::BadNostrSignature
		);
		assert_noop!(
			Consent::unlink_nostr(dave.clone(), public, NOW, unlink_proof(&account(Alice), NOW)),
			Error::<Test>::NostrProofUsed
		);
		assert_ok!(Consent::unlink_nostr(
			dave.clone(),
			public,
			NOW + 5,
			unlink_proof(&account(Alice), NOW + 5)
		));
		assert_eq!(
			last_event(),
			Event::IdentityUnlinked {
				identity: Identity::Nostr(public),
				account: account(Alice),
				by: account(Dave)
			}
		);
		assert_eq!(held(Alice), 0, "the deposit returned");
		assert!(!HeldIdentities::<Test>::contains_key(Identity::Nostr(public)));
		// Alice's link proof, even a fresh one signed before the unlink, does not relink it.
		let (_, before) = proof(&account(Alice), NOW + 4);
		assert_noop!(
			Consent::link_nostr(RuntimeOrigin::signed(account(Alice)), public, NOW + 4, before),
			Error::<Test>::NostrProofUsed
		);
		assert_noop!(
			Consent::unlink_nostr(dave, public, NOW + 6, unlink_proof(&account(Alice), NOW + 6)),
			Error::<Test>::NotLinked
		);
	});
}
