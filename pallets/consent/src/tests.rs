//! Tests of every call and every error, grouped by call.

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
	new_test_ext().execute_with(|| {
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
		Consent::do_try_state().expect("invariants hold");
	});
}

mod register_platform {
	use super::*;

	#[test]
	fn registers_with_sequential_ids() {
		with_platforms(|| {
			assert_eq!(NextPlatformId::<Test>::get(), 4);
			assert_eq!(NostrPlatform::<Test>::get(), Some(2));
			let info = Platforms::<Test>::get(1).expect("registered");
			assert_eq!(info.kind, PlatformKind::Mastodon);
			assert_eq!(info.status, PlatformStatus::Active);
			assert_eq!(PlatformByDomain::<Test>::get((PlatformKind::X, handle("x.com"))), Some(3));
			assert_eq!(
				last_event(),
				Event::PlatformRegistered {
					platform: 3,
					kind: PlatformKind::X,
					domain: handle("x.com")
				}
			);
		});
	}

	#[test]
	fn only_governance() {
		with_platforms(|| {
			assert_noop!(
				Consent::register_platform(
					RuntimeOrigin::signed(account(Alice)),
					PlatformKind::X,
					handle("y.com"),
					ops(&[]),
					None,
					Perbill::zero()
				),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn each_mastodon_instance_is_its_own_platform_but_a_domain_registers_once() {
		with_platforms(|| {
			let root = RuntimeOrigin::root();
			assert_ok!(Consent::register_platform(
				root.clone(),
				PlatformKind::Mastodon,
				handle("fosstodon.org"),
				ops(&[Dave]),
				None,
				Perbill::zero()
			));
			assert_noop!(
				Consent::register_platform(
					root.clone(),
					PlatformKind::Mastodon,
					handle("fosstodon.org"),
					ops(&[]),
					None,
					Perbill::zero()
				),
				Error::<Test>::DomainTaken
			);
			// The same domain under another kind is another platform.
			assert_ok!(Consent::register_platform(
				root,
				PlatformKind::Bluesky,
				handle("fosstodon.org"),
				ops(&[]),
				None,
				Perbill::zero()
			));
		});
	}

	#[test]
	fn rejects_malformed_domains_and_a_second_nostr() {
		with_platforms(|| {
			let root = RuntimeOrigin::root();
			for bad in ["localhost", "Mastodon.Social", "a..b", "", "has space.com"] {
				assert_noop!(
					Consent::register_platform(
						root.clone(),
						PlatformKind::Mastodon,
						handle(bad),
						ops(&[]),
						None,
						Perbill::zero()
					),
					Error::<Test>::MalformedDomain
				);
			}
			assert_noop!(
				Consent::register_platform(
					root,
					PlatformKind::Nostr,
					handle("other.example"),
					ops(&[]),
					None,
					Perbill::zero()
				),
				Error::<Test>::NostrPlatformExists
			);
		});
	}
}

mod update_platform {
	use super::*;

	#[test]
	fn changes_only_what_is_given() {
		with_platforms(|| {
			assert_ok!(Consent::update_platform(
				RuntimeOrigin::root(),
				0,
				None,
				None,
				Some(Perbill::from_percent(15)),
				Some(PlatformStatus::Suspended)
			));
			let info = Platforms::<Test>::get(0).expect("exists");
			assert_eq!(info.share, Perbill::from_percent(15));
			assert_eq!(info.status, PlatformStatus::Suspended);
			assert_eq!(info.operators, ops(&[Bob]));
			assert_eq!(
				last_event(),
				Event::PlatformUpdated { platform: 0, status: PlatformStatus::Suspended }
			);
			assert_ok!(Consent::update_platform(
				RuntimeOrigin::root(),
				0,
				Some(ops(&[Dave])),
				Some(None),
				None,
				None
			));
			let info = Platforms::<Test>::get(0).expect("exists");
			assert_eq!((info.operators, info.payee), (ops(&[Dave]), None));
		});
	}

	#[test]
	fn errors() {
		with_platforms(|| {
			assert_noop!(
				Consent::update_platform(
					RuntimeOrigin::signed(account(Bob)),
					0,
					None,
					None,
					None,
					None
				),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Consent::update_platform(RuntimeOrigin::root(), 9, None, None, None, None),
				Error::<Test>::PlatformNotFound
			);
		});
	}
}

mod link_identity {
	use super::*;

	#[test]
	fn operator_attests_and_deposit_is_held() {
		with_platforms(|| {
			assert_ok!(Consent::link_identity(
				RuntimeOrigin::signed(account(Bob)),
				0,
				did("abc"),
				account(Alice)
			));
			assert_eq!(
				IdentityOwner::<Test>::get(did("abc")).map(|l| l.account),
				Some(account(Alice))
			);
			assert_eq!(
				AccountIdentities::<Test>::get(account(Alice)).into_inner(),
				vec![did("abc")]
			);
			assert_eq!(held(Bob), 10);
			assert_eq!(
				last_event(),
				Event::IdentityLinked {
					identity: did("abc"),
					account: account(Alice),
					platform: 0
				}
			);
			assert_ok!(Consent::link_identity(
				RuntimeOrigin::signed(account(Charlie)),
				1,
				masto("alice@mastodon.social"),
				account(Alice)
			));
			assert_ok!(Consent::link_identity(
				RuntimeOrigin::signed(account(Bob)),
				3,
				Identity::X(44196397),
				account(Alice)
			));
		});
	}

	#[test]
	fn errors() {
		with_platforms(|| {
			let bob = RuntimeOrigin::signed(account(Bob));
			assert_noop!(
				Consent::link_identity(bob.clone(), 9, did("a"), account(Alice)),
				Error::<Test>::PlatformNotFound
			);
			assert_noop!(
				Consent::link_identity(
					RuntimeOrigin::signed(account(Alice)),
					0,
					did("a"),
					account(Alice)
				),
				Error::<Test>::NotOperator
			);
			assert_noop!(
				Consent::link_identity(bob.clone(), 0, Identity::X(1), account(Alice)),
				Error::<Test>::KindMismatch
			);
			assert_noop!(
				Consent::link_identity(bob.clone(), 0, Identity::Nostr([1; 32]), account(Alice)),
				Error::<Test>::NostrLinksItself
			);
			assert_noop!(
				Consent::link_identity(
					bob.clone(),
					0,
					Identity::Bluesky(handle("did:key:zabc")),
					account(Alice)
				),
				Error::<Test>::MalformedIdentity
			);
			assert_noop!(
				Consent::link_identity(
					RuntimeOrigin::signed(account(Charlie)),
					1,
					masto("alice@fosstodon.org"),
					account(Alice)
				),
				Error::<Test>::InstanceMismatch
			);
			assert_ok!(Consent::link_identity(bob.clone(), 0, did("a"), account(Alice)));
			assert_noop!(
				Consent::link_identity(bob.clone(), 0, did("a"), account(Dave)),
				Error::<Test>::AlreadyLinked
			);
			assert_ok!(Consent::link_identity(bob.clone(), 0, did("b"), account(Alice)));
			assert_ok!(Consent::link_identity(bob.clone(), 0, did("c"), account(Alice)));
			assert_noop!(
				Consent::link_identity(bob.clone(), 0, did("d"), account(Alice)),
				Error::<Test>::TooManyIdentities
			);
			assert_ok!(Consent::update_platform(
				RuntimeOrigin::root(),
				0,
				None,
				None,
				None,
				Some(PlatformStatus::Suspended)
			));
			assert_noop!(
				Consent::link_identity(bob, 0, did("e"), account(Dave)),
				Error::<Test>::PlatformSuspended
			);
		});
	}

	#[test]
	fn an_operator_without_funds_cannot_pay_the_deposit() {
		with_platforms(|| {
			assert_ok!(Consent::update_platform(
				RuntimeOrigin::root(),
				0,
				Some(ops(&[Eve])),
				None,
				None,
				None
			));
			assert!(Consent::link_identity(
				RuntimeOrigin::signed(account(Eve)),
				0,
				did("a"),
				account(Alice)
			)
			.is_err());
			assert!(IdentityOwner::<Test>::get(did("a")).is_none(), "nothing is stored");
			assert!(AccountIdentities::<Test>::get(account(Alice)).is_empty());
		});
	}
}

mod link_nostr {
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
				IdentityOwner::<Test>::get(Identity::Nostr(public))
					.map(|l| (l.account, l.platform)),
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
		new_test_ext().execute_with(|| {
			let (public, signature) = proof(&account(Alice), 5);
			assert_noop!(
				Consent::link_nostr(RuntimeOrigin::signed(account(Alice)), public, 5, signature),
				Error::<Test>::NoNostrPlatform
			);
		});
		with_platforms(|| {
			let (public, signature) = proof(&account(Alice), 5);
			assert_ok!(Consent::update_platform(
				RuntimeOrigin::root(),
				2,
				None,
				None,
				None,
				Some(PlatformStatus::Suspended)
			));
			assert_noop!(
				Consent::link_nostr(RuntimeOrigin::signed(account(Alice)), public, 5, signature),
				Error::<Test>::PlatformSuspended
			);
		});
	}
}

mod unlink_identity {
	use super::*;

	#[test]
	fn owner_or_operator_unlinks_and_the_deposit_returns() {
		with_platforms(|| {
			let bob = RuntimeOrigin::signed(account(Bob));
			assert_ok!(Consent::link_identity(bob.clone(), 0, did("a"), account(Alice)));
			assert_ok!(Consent::set_consent(
				RuntimeOrigin::signed(account(Alice)),
				Scope::Identity(did("a")),
				decisions(&[(Purpose::Research, Decision::Allow)])
			));
			assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(account(Alice)), did("a")));
			assert_eq!(held(Bob), 0);
			assert!(IdentityOwner::<Test>::get(did("a")).is_none());
			assert_eq!(IdentityConsent::<Test>::get(did("a")), Statements::default());
			assert!(!AccountIdentities::<Test>::contains_key(account(Alice)));
			assert_eq!(
				last_event(),
				Event::IdentityUnlinked {
					identity: did("a"),
					account: account(Alice),
					by: account(Alice)
				}
			);
			// Relinking (to someone else) works, and the operator may unlink too.
			assert_ok!(Consent::link_identity(bob.clone(), 0, did("a"), account(Dave)));
			assert_ok!(Consent::unlink_identity(bob, did("a")));
		});
	}

	#[test]
	fn errors() {
		with_platforms(|| {
			assert_noop!(
				Consent::unlink_identity(RuntimeOrigin::signed(account(Alice)), did("a")),
				Error::<Test>::NotLinked
			);
			assert_ok!(Consent::link_identity(
				RuntimeOrigin::signed(account(Bob)),
				0,
				did("a"),
				account(Alice)
			));
			assert_noop!(
				Consent::unlink_identity(RuntimeOrigin::signed(account(Dave)), did("a")),
				Error::<Test>::NotAllowed
			);
			// Charlie operates another platform.
			assert_noop!(
				Consent::unlink_identity(RuntimeOrigin::signed(account(Charlie)), did("a")),
				Error::<Test>::NotAllowed
			);
		});
	}
}

mod set_consent {
	use super::*;

	fn linked(test: impl FnOnce()) {
		with_platforms(|| {
			assert_ok!(Consent::link_identity(
				RuntimeOrigin::signed(account(Bob)),
				0,
				did("a"),
				account(Alice)
			));
			assert_ok!(Consent::link_identity(
				RuntimeOrigin::signed(account(Bob)),
				3,
				Identity::X(7),
				account(Alice)
			));
			test();
		});
	}

	#[test]
	fn most_restrictive_statement_wins_across_scopes() {
		linked(|| {
			let alice = RuntimeOrigin::signed(account(Alice));
			assert_ok!(Consent::set_consent(
				alice.clone(),
				Scope::Account,
				decisions(&[
					(Purpose::AiTraining, Decision::Allow),
					(Purpose::Research, Decision::Allow)
				])
			));
			assert_eq!(
				last_event(),
				Event::ConsentChanged {
					account: account(Alice),
					scope: Scope::Account,
					allowed: PurposeSet::EMPTY.with(Purpose::AiTraining).with(Purpose::Research),
					denied: PurposeSet::EMPTY,
				}
			);
			assert_ok!(Consent::set_consent(
				alice,
				Scope::Identity(Identity::X(7)),
				decisions(&[(Purpose::AiTraining, Decision::Deny)])
			));
			let bluesky = Consent::allowed_purposes(&account(Alice), &did("a"));
			let x = Consent::allowed_purposes(&account(Alice), &Identity::X(7));
			assert!(bluesky.contains(Purpose::AiTraining) && bluesky.contains(Purpose::Research));
			assert!(!x.contains(Purpose::AiTraining), "the identity's deny wins");
			assert!(x.contains(Purpose::Research));
			assert!(!x.contains(Purpose::SearchIndexing), "unset is not allowed");
			// Someone else asking about Alice's identity gets nothing.
			assert_eq!(Consent::allowed_purposes(&account(Dave), &did("a")), PurposeSet::EMPTY);
		});
	}

	#[test]
	fn withdrawal_takes_effect_at_once() {
		linked(|| {
			let alice = RuntimeOrigin::signed(account(Alice));
			assert_ok!(Consent::set_consent(
				alice.clone(),
				Scope::Identity(did("a")),
				decisions(&[(Purpose::AiTraining, Decision::Allow)])
			));
			assert!(
				Consent::allowed_purposes(&account(Alice), &did("a")).contains(Purpose::AiTraining)
			);
			assert_ok!(Consent::withdraw_consent(alice));
			assert_eq!(Consent::allowed_purposes(&account(Alice), &did("a")), PurposeSet::EMPTY);
			assert_eq!(AccountConsent::<Test>::get(account(Alice)).denied, PurposeSet::ALL);
		});
	}

	#[test]
	fn errors() {
		linked(|| {
			let alice = RuntimeOrigin::signed(account(Alice));
			let dave = RuntimeOrigin::signed(account(Dave));
			let allow = decisions(&[(Purpose::Research, Decision::Allow)]);
			assert_noop!(
				Consent::set_consent(alice.clone(), Scope::Account, decisions(&[])),
				Error::<Test>::NoDecisions
			);
			assert_noop!(
				Consent::set_consent(
					alice.clone(),
					Scope::Account,
					decisions(&[
						(Purpose::Research, Decision::Allow),
						(Purpose::Research, Decision::Deny)
					])
				),
				Error::<Test>::DuplicatePurpose
			);
			assert_noop!(
				Consent::set_consent(dave.clone(), Scope::Account, allow.clone()),
				Error::<Test>::NoIdentity
			);
			assert_noop!(Consent::withdraw_consent(dave.clone()), Error::<Test>::NoIdentity);
			assert_noop!(
				Consent::set_consent(dave, Scope::Identity(did("a")), allow.clone()),
				Error::<Test>::NotYourIdentity
			);
			assert_noop!(
				Consent::set_consent(alice, Scope::Identity(did("zzz")), allow),
				Error::<Test>::NotLinked
			);
		});
	}
}

mod relay_consent {
	use super::*;

	fn statement(nonce: u32, expires_at: u64) -> RelayedStatementOf<Test> {
		RelayedStatement {
			account: account(Alice),
			scope: Scope::Account,
			decisions: decisions(&[(Purpose::AiTraining, Decision::Allow)]),
			nonce,
			expires_at,
		}
	}
	fn sign(
		by: sp_keyring::Sr25519Keyring,
		statement: &RelayedStatementOf<Test>,
	) -> MultiSignature {
		MultiSignature::Sr25519(by.pair().sign(&Consent::relay_payload(statement)))
	}
	use sp_core::Pair;

	fn linked(test: impl FnOnce()) {
		with_platforms(|| {
			assert_ok!(Consent::link_identity(
				RuntimeOrigin::signed(account(Bob)),
				0,
				did("a"),
				account(Alice)
			));
			test();
		});
	}

	#[test]
	fn a_platform_relays_a_signed_statement_once() {
		linked(|| {
			let s = statement(0, 10);
			let signature = sign(Alice, &s);
			assert_ok!(Consent::relay_consent(
				RuntimeOrigin::signed(account(Bob)),
				s.clone(),
				signature.clone()
			));
			assert_eq!(
				last_event(),
				Event::ConsentRelayed { account: account(Alice), relayer: account(Bob), nonce: 0 }
			);
			assert!(
				Consent::allowed_purposes(&account(Alice), &did("a")).contains(Purpose::AiTraining)
			);
			assert_eq!(RelayNonce::<Test>::get(account(Alice)), 1);
			// The same statement again is a replay.
			assert_noop!(
				Consent::relay_consent(RuntimeOrigin::signed(account(Bob)), s, signature),
				Error::<Test>::BadNonce
			);
		});
	}

	#[test]
	fn errors() {
		linked(|| {
			let bob = RuntimeOrigin::signed(account(Bob));
			let s = statement(0, 10);
			assert_noop!(
				Consent::relay_consent(bob.clone(), s.clone(), sign(Dave, &s)),
				Error::<Test>::BadSignature
			);
			let future = statement(1, 10);
			assert_noop!(
				Consent::relay_consent(bob.clone(), future.clone(), sign(Alice, &future)),
				Error::<Test>::BadNonce
			);
			System::set_block_number(11);
			assert_noop!(
				Consent::relay_consent(bob.clone(), s.clone(), sign(Alice, &s)),
				Error::<Test>::StatementExpired
			);
			// A signature for another chain does not verify here.
			let s = statement(0, 20);
			let signature = sign(Alice, &s);
			frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(9));
			assert_noop!(Consent::relay_consent(bob, s, signature), Error::<Test>::BadSignature);
		});
	}
}

mod genesis {
	use super::*;
	use sp_runtime::BuildStorage;

	#[test]
	fn genesis_registers_platforms() {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		crate::GenesisConfig::<Test> {
			platforms: vec![
				(
					PlatformKind::Bluesky,
					b"bsky.app".to_vec(),
					vec![account(Bob)],
					None,
					Perbill::from_percent(10),
				),
				(PlatformKind::Nostr, b"nostr.example".to_vec(), vec![], None, Perbill::zero()),
			],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		sp_io::TestExternalities::new(storage).execute_with(|| {
			assert_eq!(NextPlatformId::<Test>::get(), 2);
			assert_eq!(NostrPlatform::<Test>::get(), Some(1));
			Consent::do_try_state().expect("invariants hold");
		});
	}
}
