//! Tests of every call and every error, one file per call. Every test runs through [`run`],
//! which ends it with the pallet's `try_state` checks.

mod activate_batch;
mod challenge;
mod force_contribution;
mod fraud_property;
mod leaf_requests;
mod migrations;
mod register_batch;
mod register_nostr_events;
mod revoke_post;
mod revoke_posts;
mod tail;

use crate::{mock::*, Error, Event, *};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, dispatch::DispatchResult, BoundedVec};
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
type Contributors = BoundedVec<Contribution, frame_support::traits::ConstU32<64>>;

/// Authors' ranges with keys `1..=posts` (for tests of what the chain checks before keys).
fn contributions(list: &[(Identity, u32)]) -> Contributors {
	list.iter()
		.map(|(author, posts)| Contribution {
			author: author.clone(),
			posts: *posts,
			first_key: 1,
			last_key: (*posts).max(1) as u64,
		})
		.collect::<Vec<_>>()
		.try_into()
		.expect("few")
}

/// The contributor list of `records` as a bridge declares it: one range per run of one
/// author, with the order keys of its first and last post.
fn layout(records: &[PostRecord]) -> Contributors {
	licentia_primitives::content::ranges(records)
		.into_iter()
		.map(|(author, posts, first_key, last_key)| Contribution {
			author,
			posts,
			first_key,
			last_key,
		})
		.collect::<Vec<_>>()
		.try_into()
		.expect("few")
}

/// Bob registers `records` (laid out by [`layout`]) on X platform 0: the new batch's id.
fn register(records: &[PostRecord]) -> BatchId {
	let root = batch_root(records.iter().map(|r| r.leaf_hash()));
	assert_ok!(Content::register_batch(RuntimeOrigin::signed(acc(Bob)), 0, root, layout(records)));
	NextBatchId::<Test>::get() - 1
}

/// Moves `blocks` blocks on, keeping each passed block's hash as the chain does (the seed of the
/// samples of the batches registered in it).
fn advance(blocks: u64) {
	for _ in 0..blocks {
		let now = System::block_number();
		frame_system::BlockHash::<Test>::insert(
			now,
			H256(sp_io::hashing::blake2_256(&now.encode())),
		);
		System::set_block_number(now + 1);
	}
}

/// The leaves the chain sampled from pending `batch` (its seed must be known).
fn samples(batch: BatchId) -> Vec<u32> {
	let pending = PendingBatches::<Test>::get(batch).expect("pending");
	Content::sampled_leaves(batch, &pending).expect("the registration block is over")
}

/// Bob opens every leaf the chain sampled from pending `batch` of `records`.
fn open_samples(batch: BatchId, records: &[PostRecord]) {
	for index in samples(batch) {
		if PendingBatches::<Test>::get(batch).is_some_and(|p| p.samples_opened()) {
			break;
		}
		let _ = Content::answer_leaf(
			RuntimeOrigin::signed(acc(Bob)),
			batch,
			index,
			records[index as usize].clone(),
			proof_of(records, index),
		);
	}
	assert!(PendingBatches::<Test>::get(batch).expect("pending").samples_opened());
}

/// Ends the challenge window of batches registered now, opens `batch`'s samples and activates
/// it.
fn activate(batch: BatchId, records: &[PostRecord]) {
	advance(CHALLENGE_WINDOW);
	open_samples(batch, records);
	assert_ok!(Content::activate_batch(RuntimeOrigin::signed(acc(Dave)), batch, layout(records)));
}

/// Dave commits to `fraud` against `batch`, the next block begins, and he reveals it: the
/// batch is voided.
fn prove_with(batch: BatchId, list: Contributors, fraud: Fraud) {
	let hash = challenge_commitment(batch, &acc(Dave), &fraud);
	assert_ok!(Content::commit_challenge(RuntimeOrigin::signed(acc(Dave)), batch, hash));
	advance(1);
	assert_ok!(Content::challenge(RuntimeOrigin::signed(acc(Dave)), batch, list, Box::new(fraud)));
}

/// The proof of leaf `i` of `records`.
fn proof_of(records: &[PostRecord], i: u32) -> Proof {
	batch_proof(records.iter().map(|r| r.leaf_hash()).collect(), i)
		.try_into()
		.expect("short")
}

/// What `who` holds for `reason`.
fn held(reason: HoldReason, who: &AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	<Balances as InspectHold<_>>::balance_on_hold(&RuntimeHoldReason::Content(reason), who)
}

/// `who`'s free balance.
fn free(who: &AccountId) -> Balance {
	Balances::free_balance(who)
}

/// What everyone starts with in [`setup`].
const FUNDS: Balance = 1_000_000;
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
		salt: H256::repeat_byte(0x5a),
		scrubbed_hash: H256::repeat_byte(!id as u8),
	}
}

/// X platform 0 (operator Bob) with authors X(1) -> Alice and X(2) -> Charlie allowing AI
/// training, X(3) -> Dave allowing nothing; Nostr platform 1.
fn setup(test: impl FnOnce()) {
	run(|| {
		for who in [Alice, Bob, Charlie, Dave] {
			<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(&acc(who), FUNDS);
		}
		assert_eq!(ConsentSetup::register(PlatformKind::X, &acc(Bob)), 0);
		assert_eq!(ConsentSetup::register(PlatformKind::Nostr, &acc(Bob)), 1);
		ConsentSetup::link_allowing(Identity::X(1), &acc(Alice), 0, &[Purpose::AiTraining]);
		ConsentSetup::link_allowing(Identity::X(2), &acc(Charlie), 0, &[Purpose::AiTraining]);
		ConsentSetup::link_allowing(Identity::X(3), &acc(Dave), 0, &[]);
		test();
	});
}

/// Runs `test` on a fresh chain, then checks the pallet's invariants: the one place where every
/// test's end state is checked.
fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Content::do_try_state().expect("invariants hold");
	});
}

/// The batch of `posts` (x_post(i, author)) as a bridge would build it.
fn x_batch(posts: &[(u64, u64)]) -> (H256, Vec<PostRecord>) {
	let records: Vec<PostRecord> = posts.iter().map(|(id, a)| x_post(*id, *a)).collect();
	(batch_root(records.iter().map(|r| r.leaf_hash())), records)
}
