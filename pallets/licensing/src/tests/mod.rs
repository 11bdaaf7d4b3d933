//! Tests, one file per call or domain: the calls, access checks, the feed, the split's
//! invariants, random calls, the cost of a purchase and the storage migration. Every test that
//! runs through [`run`] ends with the three pallets' `try_state` checks.

mod access;
mod allowances;
mod claims;
mod conditions;
mod cost;
mod feed;
mod invariants;
mod licenses;
mod migrations;
mod offers;
mod purchase;
mod random_calls;
mod register_terms;

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, Mutate},
		Hooks,
	},
	weights::Weight,
};
use licentia_primitives::{
	consent::{Identity, PlatformKind},
	content::{batch_proof, batch_root, PostId, PostRecord},
};
use pallet_consent::{Decision, PlatformStatus, Scope};
use sp_core::H256;
use sp_runtime::{DispatchError, Perbill, TokenError};

const TRAINING: Purpose = Purpose::AiTraining;

fn terms(purposes: &[Purpose]) -> Terms {
	Terms {
		purposes: purposes.iter().copied().collect(),
		duration: 100,
		record_cap: Some(1_000),
		anonymisation: true,
		attribution: false,
		transferable: true,
		redistribution: false,
		commercial_use: true,
		model_weights_release: false,
		legal_hash: H256::repeat_byte(7),
		legal_uri: Some(b"https://licentia.example/terms/v1".to_vec().try_into().expect("short")),
	}
}

/// Runs `test` on a fresh chain, then checks the invariants of the three pallets: the one place
/// where every test's end state is checked.
fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

/// The three pallets' `try_state` checks.
fn check_invariants() {
	Consent::do_try_state().expect("consent's invariants hold");
	Content::do_try_state().expect("content's invariants hold");
	Licensing::do_try_state().expect("licensing's invariants hold");
}

/// A quote at tier 0 that leaves nothing out.
fn quote(price: Balance, records: u64, licensed: u64) -> Quote<Balance> {
	Quote { price, records, licensed, tier: 0, excluded: Exclusions::default() }
}

fn free(who: &AccountId) -> Balance {
	Balances::balance(who)
}

/// An X platform (10% share) operated by `operator`, two contributors allowing every purpose
/// with 30 and 70 posts, terms `0` for AI training and offer `0` at 10 per record.
struct World {
	operator: AccountId,
	platform: PlatformId,
	alice: AccountId,
	bob: AccountId,
	buyer: AccountId,
}

fn world() -> World {
	let operator = Setup::account(100);
	let platform = Setup::platform(PlatformKind::X, &operator, Perbill::from_percent(10));
	let (alice, bob, buyer) = (Setup::account(1), Setup::account(2), Setup::account(3));
	Setup::link(&alice, platform, 1, &Purpose::ALL);
	Setup::link(&bob, platform, 2, &Purpose::ALL);
	Setup::posts(&Identity::X(1), platform, 30);
	Setup::posts(&Identity::X(2), platform, 70);
	assert_ok!(Licensing::register_terms(
		RuntimeOrigin::signed(operator.clone()),
		terms(&[TRAINING])
	));
	assert_ok!(Licensing::create_offer(
		RuntimeOrigin::signed(operator.clone()),
		platform,
		0,
		Price::PerRecord(10)
	));
	World { operator, platform, alice, bob, buyer }
}

/// A second X platform beside `w`'s, operated by account 200, with `posts` posts of account 4's
/// identity X(9); offer 1 of terms 0 over both at 1 per record, and license 0 bought from it by
/// `w`'s buyer. The second platform's operator and id.
fn pool_license(w: &World, posts: u64) -> (AccountId, PlatformId) {
	let other_operator = Setup::account(200);
	let other = Setup::platform(PlatformKind::X, &other_operator, Perbill::zero());
	Setup::link(&Setup::account(4), other, 9, &Purpose::ALL);
	Setup::posts(&Identity::X(9), other, posts);
	let mut platforms = vec![w.platform, other];
	platforms.sort();
	assert_ok!(Licensing::create_pool_offer(
		RuntimeOrigin::root(),
		PoolPlatforms::truncate_from(platforms),
		0,
		Price::PerRecord(1)
	));
	assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 1, u128::MAX));
	(other_operator, other)
}

/// A batch of one X post per author, registered through the content pallet.
/// Registers a batch of `w`'s platform and activates it at once (the mock has no challenge
/// window).
fn register_and_activate(w: &World, root: H256, contributors: Vec<pallet_content::Contribution>) {
	let contributors: frame_support::BoundedVec<_, _> = contributors.try_into().expect("few");
	assert_ok!(Content::register_batch(
		RuntimeOrigin::signed(w.operator.clone()),
		w.platform,
		root,
		H256::zero(),
		contributors.clone()
	));
	let batch = pallet_content::NextBatchId::<Test>::get() - 1;
	assert_ok!(Content::activate_batch(
		RuntimeOrigin::signed(w.buyer.clone()),
		batch,
		contributors
	));
}

fn register(w: &World, authors: &[u64]) -> (BatchId, Vec<PostRecord>) {
	let batch = pallet_content::NextBatchId::<Test>::get();
	let posts: Vec<PostRecord> = authors
		.iter()
		.map(|a| PostRecord {
			platform: w.platform,
			post: PostId::X { id: batch * 1_000 + a },
			content_hash: H256::repeat_byte(*a as u8),
			author: Identity::X(*a),
			salt: Default::default(),
			text_seal: Default::default(),
		})
		.collect();
	let root = batch_root(posts.iter().map(|p| p.leaf_hash()));
	let contributors: Vec<_> = posts
		.iter()
		.map(|p| {
			let PostId::X { id } = p.post else { unreachable!("X posts") };
			pallet_content::Contribution {
				author: p.author.clone(),
				posts: 1,
				first_key: id,
				last_key: id,
			}
		})
		.collect();
	register_and_activate(w, root, contributors);
	(batch, posts)
}

fn query(license: LicenseId, batch: BatchId, posts: &[PostRecord], index: u32) -> AccessQuery {
	let leaves = posts.iter().map(|p| p.leaf_hash()).collect();
	AccessQuery {
		license,
		purpose: TRAINING,
		batch,
		post: posts[index as usize].clone(),
		index,
		proof: batch_proof(leaves, index),
	}
}
