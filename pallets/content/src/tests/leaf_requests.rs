//! `request_leaf`, `answer_leaf`, `void_unanswered` and `refund_request`: a tree padded with
//! leaves nobody can open is caught by the chain's own samples of it, or by asking for one of
//! them.

use super::*;

fn request(batch: BatchId, index: u32) -> DispatchResult {
	Content::request_leaf(RuntimeOrigin::signed(acc(Dave)), batch, index)
}
/// Bob answers leaf `index` of `records`, with its anonymous leaf (which a sample needs).
fn answer(batch: BatchId, records: &[PostRecord], index: u32) -> DispatchResult {
	let tree = anonymous_tree_of(batch, &records.iter().cloned().map(Some).collect::<Vec<_>>());
	answer_with(batch, records, index, Some(anonymous_opening(&tree, &records[index as usize])))
}

#[test]
fn padding_that_cannot_be_opened_loses_the_bond() {
	setup(|| {
		// The sock-puppet attack: one linked identity, 1,000 posts claimed over a tree of junk.
		let list: Contributors = vec![Contribution {
			author: Identity::X(1),
			posts: 1_000,
			first_key: 1,
			last_key: 1_000,
		}]
		.try_into()
		.unwrap();
		let junk = batch_root((0..1_000u32).map(|i| H256::from_low_u64_be(i as u64)));
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			junk,
			H256::zero(),
			list.clone()
		));
		assert_ok!(request(0, 500));
		assert_eq!(held(HoldReason::LeafRequest, &acc(Dave)), REQUEST_DEPOSIT);
		assert_eq!(
			last_event(),
			Event::LeafRequested {
				batch: 0,
				index: 500,
				requester: acc(Dave),
				deadline: 1 + ANSWER_WINDOW
			}
		);
		// The window passes; the batch cannot be activated: its samples cannot be opened.
		advance(CHALLENGE_WINDOW);
		assert_noop!(
			Content::activate_batch(RuntimeOrigin::signed(acc(Bob)), 0, list.clone()),
			Error::<Test>::SamplesUnopened
		);
		assert_ok!(Content::void_unanswered(RuntimeOrigin::signed(acc(Charlie)), 0, 500, list));
		let bond = BOND_BASE + 1_000 * BOND_PER_POST;
		assert_eq!(
			last_event(),
			Event::BatchVoided {
				batch: 0,
				challenger: acc(Dave),
				slashed: bond,
				reward: CHALLENGER_REWARD
			}
		);
		assert_eq!(free(&acc(Dave)), FUNDS + CHALLENGER_REWARD);
		assert_eq!(held(HoldReason::LeafRequest, &acc(Dave)), 0);
		assert_eq!(free(&acc(Bob)), FUNDS - bond);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 0);
		assert!(LeafRequests::<Test>::iter().next().is_none());
	});
}

#[test]
fn an_answer_opens_the_leaf_and_pays_the_registrant() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
		let batch = register(&records);
		assert_ok!(request(batch, 2));
		assert_ok!(request(batch, 0));
		assert_noop!(answer(batch, &records, 1), Error::<Test>::NoRequest);
		let mut wrong = records.clone();
		wrong.swap(0, 2);
		assert_noop!(
			Content::answer_leaf(
				RuntimeOrigin::signed(acc(Bob)),
				batch,
				2,
				wrong[2].clone(),
				proof_of(&records, 2),
				None
			),
			Error::<Test>::BadProof
		);
		assert_ok!(answer(batch, &records, 2));
		let tree = anonymous_leaves(records.iter().map(Some));
		let anonymous_index = Some(anonymous_opening(&tree, &records[2]).index);
		assert_eq!(
			last_event(),
			Event::LeafAnswered { batch, index: 2, post: records[2].clone(), anonymous_index }
		);
		let bond = BOND_BASE + 3 * BOND_PER_POST;
		assert_eq!(free(&acc(Bob)), FUNDS - bond + REQUEST_DEPOSIT);
		assert_eq!(free(&acc(Dave)), FUNDS - 2 * REQUEST_DEPOSIT);
		assert_eq!(PendingBatches::<Test>::get(batch).map(|b| b.open_requests), Some(1));
		assert_ok!(answer(batch, &records, 0));
		activate(batch, &records);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 2);
	});
}

#[test]
fn errors() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1), (12, 1), (13, 1), (14, 1)]);
		let batch = register(&records);
		assert_noop!(request(9, 0), Error::<Test>::NotPending);
		assert_noop!(request(batch, 5), Error::<Test>::IndexOutOfRange);
		// The samples' seed is not known in the registration block: nothing to answer yet.
		assert_noop!(answer(batch, &records, 0), Error::<Test>::NoRequest);
		advance(1);
		open_samples(batch, &records);
		assert_noop!(answer(batch, &records, 1), Error::<Test>::NoRequest);
		assert_ok!(request(batch, 0));
		assert_noop!(request(batch, 0), Error::<Test>::AlreadyRequested);
		for index in 1..4 {
			assert_ok!(request(batch, index));
		}
		let void = |index| {
			Content::void_unanswered(
				RuntimeOrigin::signed(acc(Dave)),
				batch,
				index,
				layout(&records),
			)
		};
		assert_noop!(void(0), Error::<Test>::AnswerWindowOpen);
		assert_noop!(void(4), Error::<Test>::NoRequest);
		let refund =
			|index| Content::refund_request(RuntimeOrigin::signed(acc(Alice)), batch, index);
		assert_noop!(refund(1), Error::<Test>::BatchPending);
		advance(ANSWER_WINDOW);
		assert_ok!(answer(batch, &records, 0));
		advance(1);
		assert_noop!(answer(batch, &records, 1), Error::<Test>::RequestExpired);
		assert_noop!(
			Content::void_unanswered(
				RuntimeOrigin::signed(acc(Dave)),
				batch,
				1,
				contributions(&[(Identity::X(1), 5)])
			),
			Error::<Test>::ContributorsMismatch
		);
		advance(CHALLENGE_WINDOW);
		assert_noop!(request(batch, 4), Error::<Test>::WindowClosed);
		// Voiding refunds the request that caught it; the others stay held until anyone
		// refunds them, so that voiding costs the same however many there are.
		assert_ok!(void(1));
		assert_eq!(held(HoldReason::LeafRequest, &acc(Dave)), 2 * REQUEST_DEPOSIT);
		assert_noop!(refund(4), Error::<Test>::NoRequest);
		assert_ok!(refund(2));
		assert_eq!(last_event(), Event::RequestRefunded { batch, index: 2, requester: acc(Dave) });
		assert_ok!(refund(3));
		assert_noop!(refund(3), Error::<Test>::NoRequest);
		assert_eq!(held(HoldReason::LeafRequest, &acc(Dave)), 0);
	});
}

/// The squatting attack: the registrant holds as many requests as it likes (answering its own
/// before their deadlines and asking again), yet anyone else can still ask for any leaf.
#[test]
fn nobody_can_hold_the_requests_others_need() {
	setup(|| {
		let (_, records) = x_batch(&(0..40).map(|i| (100 + i, 1)).collect::<Vec<_>>());
		let batch = register(&records);
		for index in 0..32 {
			assert_ok!(Content::request_leaf(RuntimeOrigin::signed(acc(Bob)), batch, index));
		}
		assert_ok!(request(batch, 39));
		assert_eq!(PendingBatches::<Test>::get(batch).map(|b| b.open_requests), Some(33));
		// The bridge lists what to open: the samples (none yet) and the requests.
		assert_eq!(Content::api_batch(batch).expect("pending").requests.len(), 33);
	});
}

/// The chain samples every batch: padding is caught without anyone watching. The samples come
/// from the hash of the registration block, which the registrant could not know when it
/// signed; until that block is over, none are drawn.
#[test]
fn padding_is_caught_by_the_chains_samples() {
	setup(|| {
		let list: Contributors = vec![Contribution {
			author: Identity::X(1),
			posts: 1_000,
			first_key: 1,
			last_key: 1_000,
		}]
		.try_into()
		.unwrap();
		let junk = batch_root((0..1_000u32).map(|i| H256::from_low_u64_be(i as u64)));
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			junk,
			H256::zero(),
			list.clone()
		));
		let pending = PendingBatches::<Test>::get(0).expect("pending");
		assert_eq!((pending.samples, pending.opened), (SAMPLE_SIZE, 0));
		assert_eq!(pending.samples_due, 1 + CHALLENGE_WINDOW + ANSWER_WINDOW);
		assert_eq!(Content::sampled_leaves(0, &pending), None, "drawn from this block's hash");
		assert!(Content::api_batch(0).expect("pending").requests.is_empty());
		advance(1);
		let sampled = samples(0);
		assert_eq!(sampled.len(), SAMPLE_SIZE as usize);
		let listed: Vec<u32> = Content::api_batch(0)
			.expect("pending")
			.requests
			.iter()
			.map(|r| r.index)
			.collect();
		assert!(sampled.iter().all(|i| listed.contains(i)), "{sampled:?} listed in {listed:?}");
		let void = |index| {
			Content::void_unanswered(RuntimeOrigin::signed(acc(Charlie)), 0, index, list.clone())
		};
		assert_noop!(void(sampled[0]), Error::<Test>::AnswerWindowOpen);
		advance(CHALLENGE_WINDOW + ANSWER_WINDOW);
		assert_noop!(
			Content::activate_batch(RuntimeOrigin::signed(acc(Dave)), 0, list.clone()),
			Error::<Test>::SamplesUnopened
		);
		let unsampled = (0..1_000).find(|i| !sampled.contains(i)).expect("4 of 1,000");
		assert_noop!(void(unsampled), Error::<Test>::NoRequest);
		assert_ok!(void(sampled[0]));
		let bond = BOND_BASE + 1_000 * BOND_PER_POST;
		assert_eq!(
			last_event(),
			Event::BatchVoided {
				batch: 0,
				challenger: acc(Charlie),
				slashed: bond,
				reward: CHALLENGER_REWARD
			}
		);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 0);
	});
}

/// Another registration block, other samples: the seed is that block's hash.
#[test]
fn the_samples_follow_the_registration_blocks_hash() {
	setup(|| {
		let (_, records) = x_batch(&(0..64).map(|i| (100 + i, 1)).collect::<Vec<_>>());
		let batch = register(&records);
		advance(1);
		let first = samples(batch);
		frame_system::BlockHash::<Test>::insert(1, H256::repeat_byte(0xab));
		assert_ne!(samples(batch), first);
		// Opening a sample for a request, or the reverse: one answer does both.
		let index = samples(batch)[0];
		assert_ok!(request(batch, index));
		assert_ok!(answer(batch, &records, index));
		let pending = PendingBatches::<Test>::get(batch).expect("pending");
		assert_eq!(pending.open_requests, 0);
		assert_ne!(pending.opened, 0);
		// A sample opened after the samples are due is too late.
		advance(CHALLENGE_WINDOW + ANSWER_WINDOW);
		let late = samples(batch).into_iter().find(|i| *i != index).expect("another sample");
		assert_noop!(answer(batch, &records, late), Error::<Test>::RequestExpired);
	});
}

#[test]
fn governance_sets_the_windows() {
	setup(|| {
		let windows = ChallengeWindows { challenge: 20, answer: 8, tail: 30, tail_answer: 6 };
		assert_noop!(
			Content::set_windows(RuntimeOrigin::signed(acc(Alice)), windows),
			sp_runtime::DispatchError::BadOrigin
		);
		let bad = ChallengeWindows { challenge: 5, answer: 0, tail: 30, tail_answer: 6 };
		assert_noop!(Content::set_windows(RuntimeOrigin::root(), bad), Error::<Test>::BadWindows);
		// The samples' block hash must still be kept when they are due.
		let count = <<Test as frame_system::Config>::BlockHashCount as frame_support::traits::Get<u64>>::get();
		let bad = ChallengeWindows { challenge: count - 5, answer: 5, tail: 30, tail_answer: 6 };
		assert_noop!(Content::set_windows(RuntimeOrigin::root(), bad), Error::<Test>::BadWindows);
		assert_ok!(Content::set_windows(RuntimeOrigin::root(), windows));
		assert_eq!(last_event(), Event::WindowsSet { windows });
		let (_, records) = x_batch(&[(10, 1)]);
		register(&records);
		assert_eq!(PendingBatches::<Test>::get(0).map(|b| b.matures_at), Some(21));
	});
}

/// A root that is one leaf's own hash, with many posts declared, cannot answer every request
/// with that leaf and an empty proof: a proof's length follows from the index and the size.
#[test]
fn one_leaf_cannot_answer_for_a_larger_batch() {
	setup(|| {
		let leaf = x_post(1, 1);
		let list: Contributors =
			vec![Contribution { author: Identity::X(1), posts: 8, first_key: 1, last_key: 8 }]
				.try_into()
				.unwrap();
		let lone = licentia_primitives::content::sized_root(leaf.leaf_hash(), 8);
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			lone,
			H256::zero(),
			list.clone()
		));
		assert_ok!(request(0, 3));
		assert_noop!(
			Content::answer_leaf(
				RuntimeOrigin::signed(acc(Bob)),
				0,
				3,
				leaf,
				Default::default(),
				None
			),
			Error::<Test>::BadProof
		);
		advance(ANSWER_WINDOW + 1);
		assert_ok!(Content::void_unanswered(RuntimeOrigin::signed(acc(Charlie)), 0, 3, list));
	});
}
