//! Tests of every call and every error, one file per call. Every test runs through [`run`],
//! which ends it with the pallet's `try_state` checks.

mod activate_batch;
mod anonymous;
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

/// Bob registers `records` (laid out by [`layout`]) on X platform 0, with their anonymous root:
/// the new batch's id.
fn register(records: &[PostRecord]) -> BatchId {
	let root = batch_root(records.iter().map(|r| r.leaf_hash()));
	let anonymous = batch_root(anonymous_leaves(records.iter().map(Some)));
	assert_ok!(Content::register_batch(
		RuntimeOrigin::signed(acc(Bob)),
		0,
		root,
		anonymous,
		layout(records)
	));
	NextBatchId::<Test>::get() - 1
}

/// The blind a test registrant keeps for `record`, and the record's anonymous leaf (leaf
/// format 3), made from its post id (so a record keeps them if a test changes its author).
fn anonymous_of(record: &PostRecord) -> (H256, H256) {
	let of = |tag: &[u8]| H256(sp_io::hashing::blake2_256(&(tag, &record.post).encode()));
	(of(b"blind"), of(b"anonymous"))
}

/// `record` with the text seal of its anonymous leaf.
fn sealed_text(mut record: PostRecord) -> PostRecord {
	let (blind, leaf) = anonymous_of(&record);
	record.text_seal = licentia_primitives::anonymous::text_seal(&blind, &leaf);
	record
}

/// The anonymous tree of a batch's leaves, in its order: each record's anonymous leaf, and a
/// junk one where there is no record (a leaf its registrant cannot open).
fn anonymous_leaves<'a>(records: impl Iterator<Item = Option<&'a PostRecord>>) -> Vec<H256> {
	let mut leaves: Vec<H256> = records
		.enumerate()
		.map(|(i, record)| record.map_or(H256::from_low_u64_be(i as u64), |r| anonymous_of(r).1))
		.collect();
	licentia_primitives::anonymous::anonymous_order(&mut leaves);
	leaves
}

/// What opens `record`'s anonymous leaf in the anonymous tree with `leaves`.
fn anonymous_opening(leaves: &[H256], record: &PostRecord) -> AnonymousOpening {
	let (blind, leaf) = anonymous_of(record);
	let index = leaves.iter().position(|l| *l == leaf).unwrap_or(0) as u32;
	let proof = batch_proof(leaves.to_vec(), index).try_into().expect("short");
	AnonymousOpening { blind, leaf, index, proof }
}

/// The anonymous tree of `leaves` (see [`anonymous_leaves`]) for pending `batch`: tests that
/// register with a placeholder anonymous root (zero) get the real one put in place, as if it
/// had been registered, before its samples are opened.
fn anonymous_tree_of(batch: BatchId, leaves: &[Option<PostRecord>]) -> Vec<H256> {
	let tree = anonymous_leaves(leaves.iter().map(Option::as_ref));
	if AnonymousRoots::<Test>::get(batch) == Some(H256::zero()) {
		AnonymousRoots::<Test>::insert(batch, batch_root(tree.clone()));
	}
	tree
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
	let tree = anonymous_tree_of(batch, &records.iter().cloned().map(Some).collect::<Vec<_>>());
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
			Some(anonymous_opening(&tree, &records[index as usize])),
		);
	}
	assert!(PendingBatches::<Test>::get(batch).expect("pending").samples_opened());
}

/// Bob answers leaf `index` of `records` in `batch`, opening its anonymous leaf with
/// `anonymous` (which the chain's first sample needs).
fn answer_with(
	batch: BatchId,
	records: &[PostRecord],
	index: u32,
	anonymous: Option<AnonymousOpening>,
) -> DispatchResult {
	Content::answer_leaf(
		RuntimeOrigin::signed(acc(Bob)),
		batch,
		index,
		records[index as usize].clone(),
		proof_of(records, index),
		anonymous,
	)
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
	sealed_text(PostRecord {
		platform: 0,
		post: PostId::X { id },
		content_hash: H256::repeat_byte(id as u8),
		author: Identity::X(author),
		salt: H256::repeat_byte(0x5a),
		text_seal: H256::zero(),
	})
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
