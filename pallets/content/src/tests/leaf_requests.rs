//! `request_leaf`, `answer_leaf` and `void_unanswered`: a tree padded with leaves nobody can
//! open is caught by asking for one of them.

use super::*;

fn request(batch: BatchId, index: u32) -> DispatchResult {
	Content::request_leaf(RuntimeOrigin::signed(acc(Dave)), batch, index)
}
fn answer(batch: BatchId, records: &[PostRecord], index: u32) -> DispatchResult {
	Content::answer_leaf(
		RuntimeOrigin::signed(acc(Bob)),
		batch,
		index,
		records[index as usize].clone(),
		proof_of(records, index),
	)
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
		assert_ok!(Content::register_batch(RuntimeOrigin::signed(acc(Bob)), 0, junk, list.clone()));
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
		// The window passes; the batch cannot be activated while the request is open.
		advance(CHALLENGE_WINDOW);
		assert_noop!(
			Content::activate_batch(RuntimeOrigin::signed(acc(Bob)), 0, list.clone()),
			Error::<Test>::RequestsOpen
		);
		assert_ok!(Content::void_unanswered(RuntimeOrigin::signed(acc(Charlie)), 0, 500, list));
		let bond = BOND_BASE + 1_000 * BOND_PER_POST;
		assert_eq!(
			last_event(),
			Event::BatchVoided { batch: 0, challenger: acc(Dave), slashed: bond, reward: bond / 5 }
		);
		assert_eq!(free(&acc(Dave)), FUNDS + bond / 5);
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
				proof_of(&records, 2)
			),
			Error::<Test>::BadProof
		);
		assert_ok!(answer(batch, &records, 2));
		assert_eq!(last_event(), Event::LeafAnswered { batch, index: 2, post: records[2].clone() });
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
		assert_ok!(request(batch, 0));
		assert_noop!(request(batch, 0), Error::<Test>::AlreadyRequested);
		assert_ok!(request(batch, 1));
		assert_ok!(request(batch, 2));
		assert_noop!(request(batch, 3), Error::<Test>::TooManyRequests);
		let void = |index| {
			Content::void_unanswered(
				RuntimeOrigin::signed(acc(Dave)),
				batch,
				index,
				layout(&records),
			)
		};
		assert_noop!(void(0), Error::<Test>::AnswerWindowOpen);
		assert_noop!(void(3), Error::<Test>::NoRequest);
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
		// Voiding refunds the other open request too.
		assert_ok!(void(1));
		assert_eq!(held(HoldReason::LeafRequest, &acc(Dave)), 0);
	});
}

#[test]
fn governance_sets_the_windows() {
	setup(|| {
		let windows = ChallengeWindows { challenge: 20, answer: 8 };
		assert_noop!(
			Content::set_windows(RuntimeOrigin::signed(acc(Alice)), windows),
			sp_runtime::DispatchError::BadOrigin
		);
		let bad = ChallengeWindows { challenge: 5, answer: 0 };
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
		assert_ok!(Content::register_batch(RuntimeOrigin::signed(acc(Bob)), 0, lone, list.clone()));
		assert_ok!(request(0, 3));
		assert_noop!(
			Content::answer_leaf(RuntimeOrigin::signed(acc(Bob)), 0, 3, leaf, Default::default()),
			Error::<Test>::BadProof
		);
		advance(ANSWER_WINDOW + 1);
		assert_ok!(Content::void_unanswered(RuntimeOrigin::signed(acc(Charlie)), 0, 3, list));
	});
}
