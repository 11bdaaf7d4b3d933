//! Tests of every call and every error, grouped by call.

use crate::{mock::*, Error, Event, *};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use licentia_primitives::{
	consent::Purpose,
	content::{batch_proof, batch_root, PostStatus},
	nostr,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave};

fn acc(k: sp_keyring::Sr25519Keyring) -> AccountId {
	k.to_account_id()
}
fn contributions(
	list: &[(Identity, u32)],
) -> BoundedVec<Contribution, frame_support::traits::ConstU32<64>> {
	list.iter()
		.map(|(author, posts)| Contribution { author: author.clone(), posts: *posts })
		.collect::<Vec<_>>()
		.try_into()
		.expect("few")
}
fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Content(e) = r.event { Some(e) } else { None })
		.next_back()
		.expect("an event was emitted")
}
fn x_post(id: u64, author: u64) -> PostRecord {
	PostRecord {
		platform: 0,
		post: PostId::X { id },
		content_hash: H256::repeat_byte(id as u8),
		author: Identity::X(author),
	}
}

/// X platform 0 (operator Bob) with authors X(1) -> Alice and X(2) -> Charlie allowing AI
/// training, X(3) -> Dave allowing nothing; Nostr platform 1.
fn setup(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		assert_eq!(ConsentSetup::register(PlatformKind::X, &acc(Bob)), 0);
		assert_eq!(ConsentSetup::register(PlatformKind::Nostr, &acc(Bob)), 1);
		ConsentSetup::link_allowing(Identity::X(1), &acc(Alice), 0, &[Purpose::AiTraining]);
		ConsentSetup::link_allowing(Identity::X(2), &acc(Charlie), 0, &[Purpose::AiTraining]);
		ConsentSetup::link_allowing(Identity::X(3), &acc(Dave), 0, &[]);
		test();
		Content::do_try_state().expect("invariants hold");
	});
}

/// The batch of `posts` (x_post(i, author)) as a bridge would build it.
fn x_batch(posts: &[(u64, u64)]) -> (H256, Vec<PostRecord>) {
	let records: Vec<PostRecord> = posts.iter().map(|(id, a)| x_post(*id, *a)).collect();
	(batch_root(records.iter().map(|r| r.leaf_hash())), records)
}

mod register_batch {
	use super::*;

	#[test]
	fn stores_the_root_and_counts_each_author() {
		setup(|| {
			let (root, _) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
			assert_ok!(Content::register_batch(
				RuntimeOrigin::signed(acc(Bob)),
				0,
				root,
				contributions(&[(Identity::X(1), 2), (Identity::X(2), 1)])
			));
			let batch = Batches::<Test>::get(0).expect("stored");
			assert_eq!((batch.root, batch.posts, batch.contributors), (root, 3, 2));
			assert_eq!(Contributions::<Test>::get(acc(Alice), 0), 2);
			assert_eq!(Contributions::<Test>::get(acc(Charlie), 0), 1);
			assert_eq!(PlatformPosts::<Test>::get(0), 3);
			assert_eq!(
				last_event(),
				Event::BatchRegistered { batch: 0, platform: 0, root, posts: 3, contributors: 2 }
			);
			assert_eq!(NextBatchId::<Test>::get(), 1);
		});
	}

	#[test]
	fn rejects_the_whole_batch_naming_the_failing_author() {
		setup(|| {
			let bob = RuntimeOrigin::signed(acc(Bob));
			let root = H256::repeat_byte(1);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(1), 1), (Identity::X(9), 1)])
				),
				Error::<Test>::AuthorNotLinked { index: 1 }
			);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(1), 1), (Identity::X(3), 1)])
				),
				Error::<Test>::NoConsent { index: 1 }
			);
			// Consent withdrawn: rejected from the same block on.
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(acc(Alice))));
			assert_noop!(
				Content::register_batch(bob, 0, root, contributions(&[(Identity::X(1), 1)])),
				Error::<Test>::NoConsent { index: 0 }
			);
			assert_eq!(Contributions::<Test>::get(acc(Charlie), 0), 0);
		});
	}

	#[test]
	fn errors() {
		setup(|| {
			let bob = RuntimeOrigin::signed(acc(Bob));
			let root = H256::repeat_byte(1);
			let one = contributions(&[(Identity::X(1), 1)]);
			assert_noop!(
				Content::register_batch(bob.clone(), 7, root, one.clone()),
				Error::<Test>::PlatformNotFound
			);
			assert_noop!(
				Content::register_batch(RuntimeOrigin::signed(acc(Alice)), 0, root, one.clone()),
				Error::<Test>::NotOperator
			);
			assert_noop!(
				Content::register_batch(bob.clone(), 1, root, one.clone()),
				Error::<Test>::NostrRegistersItself
			);
			assert_noop!(
				Content::register_batch(bob.clone(), 0, root, contributions(&[])),
				Error::<Test>::EmptyBatch
			);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(2), 1), (Identity::X(1), 1)])
				),
				Error::<Test>::NotSorted
			);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(1), 1), (Identity::X(1), 1)])
				),
				Error::<Test>::NotSorted
			);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(1), 0)])
				),
				Error::<Test>::ZeroPosts
			);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(1), 1_001)])
				),
				Error::<Test>::TooManyPosts
			);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(1), u32::MAX), (Identity::X(2), 1)])
				),
				Error::<Test>::TooManyPosts
			);
			// An author linked through another platform.
			let other = ConsentSetup::register(PlatformKind::X, &acc(Dave));
			ConsentSetup::link_allowing(Identity::X(50), &acc(Dave), other, &[Purpose::Research]);
			assert_noop!(
				Content::register_batch(
					bob.clone(),
					0,
					root,
					contributions(&[(Identity::X(50), 1)])
				),
				Error::<Test>::AuthorOnOtherPlatform { index: 0 }
			);
			assert_ok!(Consent::update_platform(
				RuntimeOrigin::root(),
				0,
				None,
				None,
				None,
				Some(pallet_consent::PlatformStatus::Suspended)
			));
			assert_noop!(
				Content::register_batch(bob, 0, root, one),
				Error::<Test>::PlatformSuspended
			);
		});
	}
}

mod register_nostr_events {
	use super::*;

	const SECRET: [u8; 32] = [5; 32];

	fn event(n: u8) -> NostrEvent {
		let id = sp_io::hashing::sha2_256(&[n]);
		let pubkey = nostr::public_key(&SECRET).expect("valid");
		NostrEvent { id, pubkey, sig: nostr::sign(&SECRET, &id, &[0; 32]).expect("signs") }
	}
	fn sorted(
		mut events: Vec<NostrEvent>,
	) -> BoundedVec<NostrEvent, frame_support::traits::ConstU32<8>> {
		events.sort_by_key(|e| e.id);
		events.try_into().expect("few")
	}
	fn linked(test: impl FnOnce()) {
		setup(|| {
			let pubkey = nostr::public_key(&SECRET).expect("valid");
			ConsentSetup::link_allowing(
				Identity::Nostr(pubkey),
				&acc(Alice),
				1,
				&[Purpose::Research],
			);
			test();
		});
	}

	#[test]
	fn an_author_registers_signed_events() {
		linked(|| {
			let events = sorted(vec![event(1), event(2), event(3)]);
			assert_ok!(Content::register_nostr_events(
				RuntimeOrigin::signed(acc(Alice)),
				events.clone()
			));
			let batch = Batches::<Test>::get(0).expect("stored");
			assert_eq!((batch.platform, batch.posts, batch.contributors), (1, 3, 1));
			assert_eq!(Contributions::<Test>::get(acc(Alice), 1), 3);
			// The root is over the events' records, so each event proves against it.
			let records: Vec<PostRecord> = events
				.iter()
				.map(|e| PostRecord {
					platform: 1,
					post: PostId::Nostr { id: e.id },
					content_hash: H256(e.id),
					author: Identity::Nostr(e.pubkey),
				})
				.collect();
			let leaves: Vec<H256> = records.iter().map(|r| r.leaf_hash()).collect();
			assert_eq!(batch.root, batch_root(leaves.clone()));
			assert_eq!(
				Content::post_status(0, &records[2], 2, &batch_proof(leaves, 2)),
				PostStatus::Registered
			);
			assert_eq!(
				last_event(),
				Event::NostrEventsRegistered {
					batch: 0,
					account: acc(Alice),
					root: batch.root,
					events: 3
				}
			);
		});
	}

	#[test]
	fn errors() {
		linked(|| {
			let alice = RuntimeOrigin::signed(acc(Alice));
			assert_noop!(
				Content::register_nostr_events(alice.clone(), sorted(vec![])),
				Error::<Test>::EmptyBatch
			);
			let mut events = sorted(vec![event(1), event(2)]).into_inner();
			events.swap(0, 1);
			assert_noop!(
				Content::register_nostr_events(alice.clone(), events.try_into().expect("few")),
				Error::<Test>::NotSorted
			);
			let mut bad = sorted(vec![event(1), event(2)]).into_inner();
			bad[1].sig[10] ^= 1;
			assert_noop!(
				Content::register_nostr_events(alice.clone(), bad.try_into().expect("few")),
				Error::<Test>::BadEventSignature { index: 1 }
			);
			// Someone else's key.
			assert_noop!(
				Content::register_nostr_events(
					RuntimeOrigin::signed(acc(Charlie)),
					sorted(vec![event(1)])
				),
				Error::<Test>::NotYourKey { index: 0 }
			);
			assert_ok!(Consent::withdraw_consent(alice.clone()));
			assert_noop!(
				Content::register_nostr_events(alice, sorted(vec![event(1)])),
				Error::<Test>::NoConsent { index: 0 }
			);
		});
	}

	#[test]
	fn needs_a_nostr_platform() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Content::register_nostr_events(
					RuntimeOrigin::signed(acc(Alice)),
					sorted(vec![event(1)])
				),
				Error::<Test>::NoNostrPlatform
			);
		});
	}
}

mod revoke_post {
	use super::*;

	/// Batch 0: posts 10 and 11 by X(1) (Alice), 12 by X(2) (Charlie).
	fn registered(test: impl FnOnce(Vec<PostRecord>)) {
		setup(|| {
			let (root, records) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
			assert_ok!(Content::register_batch(
				RuntimeOrigin::signed(acc(Bob)),
				0,
				root,
				contributions(&[(Identity::X(1), 2), (Identity::X(2), 1)])
			));
			test(records);
		});
	}
	fn proof(
		records: &[PostRecord],
		i: u32,
	) -> BoundedVec<H256, frame_support::traits::ConstU32<MAX_PROOF_LEN>> {
		batch_proof(records.iter().map(|r| r.leaf_hash()).collect(), i)
			.try_into()
			.expect("short")
	}

	#[test]
	fn the_author_withdraws_a_post() {
		registered(|records| {
			assert_ok!(Content::revoke_post(
				RuntimeOrigin::signed(acc(Alice)),
				0,
				records[1].clone(),
				1,
				proof(&records, 1)
			));
			assert_eq!(Contributions::<Test>::get(acc(Alice), 0), 1);
			assert_eq!(PlatformPosts::<Test>::get(0), 2);
			assert_eq!(
				Content::post_status(0, &records[1], 1, &proof(&records, 1)),
				PostStatus::Revoked { at: 1 }
			);
			assert_eq!(
				Content::post_status(0, &records[0], 0, &proof(&records, 0)),
				PostStatus::Registered
			);
			assert_eq!(
				last_event(),
				Event::PostRevoked { batch: 0, post: records[1].leaf_hash(), by: acc(Alice) }
			);
		});
	}

	#[test]
	fn the_platform_withdraws_a_deleted_post() {
		registered(|records| {
			assert_ok!(Content::revoke_post(
				RuntimeOrigin::signed(acc(Bob)),
				0,
				records[2].clone(),
				2,
				proof(&records, 2)
			));
			assert!(
				!Contributions::<Test>::contains_key(acc(Charlie), 0),
				"a zero count is removed"
			);
		});
	}

	#[test]
	fn errors() {
		registered(|records| {
			let alice = RuntimeOrigin::signed(acc(Alice));
			assert_noop!(
				Content::revoke_post(alice.clone(), 9, records[0].clone(), 0, proof(&records, 0)),
				Error::<Test>::BatchNotFound
			);
			assert_noop!(
				Content::revoke_post(alice.clone(), 0, records[0].clone(), 1, proof(&records, 0)),
				Error::<Test>::BadProof
			);
			assert_noop!(
				Content::revoke_post(alice.clone(), 0, x_post(99, 1), 0, proof(&records, 0)),
				Error::<Test>::BadProof
			);
			assert_noop!(
				Content::revoke_post(alice.clone(), 0, records[2].clone(), 2, proof(&records, 2)),
				Error::<Test>::NotAllowed
			);
			assert_ok!(Content::revoke_post(
				alice.clone(),
				0,
				records[0].clone(),
				0,
				proof(&records, 0)
			));
			assert_noop!(
				Content::revoke_post(alice, 0, records[0].clone(), 0, proof(&records, 0)),
				Error::<Test>::AlreadyRevoked
			);
			assert_eq!(
				Content::post_status(9, &records[0], 0, &proof(&records, 0)),
				PostStatus::BatchNotFound
			);
			assert_eq!(
				Content::post_status(0, &records[0], 1, &proof(&records, 0)),
				PostStatus::NotInBatch
			);
		});
	}
}

mod force_contribution {
	use super::*;

	/// The helper other pallets' tests and benchmarks use keeps the invariants the calls keep:
	/// a zero count is no entry, and the platform's total follows the author's.
	#[test]
	fn sets_and_clears_a_count_like_the_calls_do() {
		setup(|| {
			Content::force_contribution(&acc(Alice), 0, 7);
			assert_eq!(Contributions::<Test>::get(acc(Alice), 0), 7);
			assert_eq!(PlatformPosts::<Test>::get(0), 7);
			Content::force_contribution(&acc(Alice), 0, 0);
			assert!(!Contributions::<Test>::contains_key(acc(Alice), 0));
			assert_eq!(PlatformPosts::<Test>::get(0), 0);
			Content::force_contribution(&acc(Charlie), 0, 0);
			assert!(!Contributions::<Test>::contains_key(acc(Charlie), 0));
		});
	}
}
