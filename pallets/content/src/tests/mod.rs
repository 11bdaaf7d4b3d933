//! Tests of every call and every error, one file per call. Every test runs through [`run`],
//! which ends it with the pallet's `try_state` checks.

mod force_contribution;
mod register_batch;
mod register_nostr_events;
mod revoke_post;

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
	run(|| {
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
