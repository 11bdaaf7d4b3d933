//! `challenge`: each way a registrant can lie about a batch's leaves, proven with one or two of
//! them; the batch is voided and its bond slashed. Each attack also runs honestly: the same
//! proof against an honest batch fails with `NotFraud`.

use super::*;

fn challenge(batch: BatchId, records: &[PostRecord], fraud: Fraud) -> DispatchResult {
	challenge_with(batch, layout(records), fraud)
}
fn challenge_with(batch: BatchId, list: Contributors, fraud: Fraud) -> DispatchResult {
	Content::challenge(RuntimeOrigin::signed(acc(Dave)), batch, list, Box::new(fraud))
}
/// Dave proves `fraud` against `batch` of `records` (committed, then revealed).
fn prove(batch: BatchId, records: &[PostRecord], fraud: Fraud) {
	prove_with(batch, layout(records), fraud)
}
fn foreign(records: &[PostRecord], index: u32) -> Fraud {
	Fraud::Foreign { index, post: records[index as usize].clone(), proof: proof_of(records, index) }
}
fn disorder(records: &[PostRecord], index: u32) -> Fraud {
	Fraud::Disorder {
		index,
		first: records[index as usize].clone(),
		first_proof: proof_of(records, index),
		second: records[index as usize + 1].clone(),
		second_proof: proof_of(records, index + 1),
	}
}
fn bound(records: &[PostRecord], index: u32) -> Fraud {
	Fraud::Bound { index, post: records[index as usize].clone(), proof: proof_of(records, index) }
}

/// The batch is gone, its counts never applied, and its bond split: the fixed reward to the
/// challenger (Dave), the rest to the treasury.
fn assert_voided(batch: BatchId, posts: u32) {
	let bond = BOND_BASE + posts as Balance * BOND_PER_POST;
	let reward = CHALLENGER_REWARD;
	assert_eq!(
		last_event(),
		Event::BatchVoided { batch, challenger: acc(Dave), slashed: bond, reward }
	);
	assert!(PendingBatches::<Test>::get(batch).is_none() && Batches::<Test>::get(batch).is_none());
	assert_eq!(held(HoldReason::BatchBond, &acc(Bob)), 0);
	assert_eq!(free(&acc(Bob)), FUNDS - bond);
	assert_eq!(free(&acc(Dave)), FUNDS + reward);
	assert_eq!(free(&TreasuryAccount::get()), bond - reward);
	assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 0);
	assert_eq!(PlatformPosts::<Test>::get(0), 0);
}

#[test]
fn a_post_by_another_author_inside_a_range() {
	setup(|| {
		// Alice's range claims three posts; the second is Charlie's.
		let (_, mut records) = x_batch(&[(10, 1), (11, 2), (12, 1)]);
		let list = layout(&records);
		assert_eq!(list.len(), 3, "an honest layout would split the range");
		let fraud_list: Contributors =
			vec![Contribution { author: Identity::X(1), posts: 3, first_key: 10, last_key: 12 }]
				.try_into()
				.unwrap();
		let root = batch_root(records.iter().map(|r| r.leaf_hash()));
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			H256::zero(),
			fraud_list.clone()
		));
		// The honest leaves prove nothing.
		assert_noop!(
			challenge_with(0, fraud_list.clone(), foreign(&records, 0)),
			Error::<Test>::NotFraud
		);
		prove_with(0, fraud_list, foreign(&records, 1));
		assert_voided(0, 3);
		records.clear();
	});
}

#[test]
fn a_post_of_another_platform_or_kind() {
	setup(|| {
		let mut other_platform = x_post(11, 1);
		other_platform.platform = 1;
		let mut other_kind = x_post(12, 1);
		other_kind.post = PostId::Mastodon {
			uri: b"https://m.example/users/a/statuses/12".to_vec().try_into().unwrap(),
		};
		for (i, leaf) in [other_platform, other_kind].into_iter().enumerate() {
			let records = vec![x_post(10 + 10 * i as u64, 1), leaf];
			let mut list = layout(&records);
			list[0].posts = 2;
			list[0].last_key = list[0].first_key + 2;
			list.truncate(1);
			let root = batch_root(records.iter().map(|r| r.leaf_hash()));
			assert_ok!(Content::register_batch(
				RuntimeOrigin::signed(acc(Bob)),
				0,
				root,
				H256::zero(),
				list.clone()
			));
			let batch = NextBatchId::<Test>::get() - 1;
			prove_with(batch, list, foreign(&records, 1));
		}
	});
}

#[test]
fn a_post_registered_twice_in_one_range() {
	setup(|| {
		let records = vec![x_post(10, 1), x_post(11, 1), x_post(11, 1), x_post(12, 1)];
		let list: Contributors =
			vec![Contribution { author: Identity::X(1), posts: 4, first_key: 10, last_key: 12 }]
				.try_into()
				.unwrap();
		// 4 posts in keys 10..=12 is impossible: the chain refuses it outright.
		let root = batch_root(records.iter().map(|r| r.leaf_hash()));
		assert_noop!(
			Content::register_batch(RuntimeOrigin::signed(acc(Bob)), 0, root, H256::zero(), list),
			Error::<Test>::BadKeys { index: 0 }
		);
		// With room declared (10..=13), the repeat is shown by its two leaves.
		let list: Contributors =
			vec![Contribution { author: Identity::X(1), posts: 4, first_key: 10, last_key: 13 }]
				.try_into()
				.unwrap();
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			H256::zero(),
			list.clone()
		));
		assert_noop!(
			challenge_with(0, list.clone(), disorder(&records, 0)),
			Error::<Test>::NotFraud
		);
		// The last key is declared 13 but the last leaf is 12: a bound lie as well.
		assert_noop!(challenge_with(0, list.clone(), bound(&records, 0)), Error::<Test>::NotFraud);
		prove_with(0, list, disorder(&records, 1));
		assert_voided(0, 4);
	});
}

#[test]
fn an_old_post_hidden_at_the_start_of_a_range() {
	setup(|| {
		let (_, first) = x_batch(&[(10, 1), (11, 1)]);
		activate(register(&first), &first);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 2);
		// Post 11 again, declared as if the range began at 12.
		let records = vec![x_post(11, 1), x_post(12, 1), x_post(13, 1)];
		let list: Contributors =
			vec![Contribution { author: Identity::X(1), posts: 3, first_key: 12, last_key: 14 }]
				.try_into()
				.unwrap();
		let root = batch_root(records.iter().map(|r| r.leaf_hash()));
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			H256::zero(),
			list.clone()
		));
		assert_noop!(challenge_with(1, list.clone(), bound(&records, 1)), Error::<Test>::NotFraud);
		prove_with(1, list, bound(&records, 0));
		// Alice keeps what was proven hers, and no more.
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 2);
		assert!(Batches::<Test>::get(1).is_none());
	});
}

#[test]
fn a_wrong_last_key_or_disorder_between_ranges_is_no_fraud_unless_it_is() {
	setup(|| {
		// Honest: Alice 10, 11; Charlie 5 (keys restart in each range).
		let records = vec![x_post(10, 1), x_post(11, 1), x_post(5, 2)];
		let batch = register(&records);
		for fraud in
			[disorder(&records, 1), bound(&records, 1), bound(&records, 2), foreign(&records, 2)]
		{
			assert_noop!(challenge(batch, &records, fraud), Error::<Test>::NotFraud);
		}
	});
}

#[test]
fn a_voided_batch_lowers_the_marks_it_raised() {
	setup(|| {
		let records = vec![x_post(10, 1), x_post(11, 2), x_post(20, 2)];
		// Alice's range is honest; Charlie's claims a post of Alice's (the leaf's author is X(1)).
		let mut lie = records.clone();
		lie[1].author = Identity::X(1);
		let list: Contributors = vec![
			Contribution { author: Identity::X(1), posts: 1, first_key: 10, last_key: 10 },
			Contribution { author: Identity::X(2), posts: 2, first_key: 11, last_key: 20 },
		]
		.try_into()
		.unwrap();
		let root = batch_root(lie.iter().map(|r| r.leaf_hash()));
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			H256::zero(),
			list.clone()
		));
		prove_with(0, list, foreign(&lie, 1));
		// Their posts can be registered again, honestly.
		assert_eq!(Marks::<Test>::get(Identity::X(1)), Some(9));
		assert_eq!(Marks::<Test>::get(Identity::X(2)), Some(10));
		activate(register(&records), &records);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1);
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 2);
	});
}

#[test]
fn errors() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1)]);
		let batch = register(&records);
		assert_noop!(challenge(9, &records, foreign(&records, 0)), Error::<Test>::NotPending);
		let mut other = layout(&records);
		other[0].last_key = 12;
		assert_noop!(
			challenge_with(batch, other, foreign(&records, 0)),
			Error::<Test>::ContributorsMismatch
		);
		// A leaf that is not in the batch, or not at that index.
		let mut wrong = foreign(&records, 0);
		if let Fraud::Foreign { post, .. } = &mut wrong {
			post.author = Identity::X(2);
		}
		assert_noop!(challenge(batch, &records, wrong), Error::<Test>::BadProof);
		let Fraud::Foreign { post, proof, .. } = foreign(&records, 0) else { unreachable!() };
		assert_noop!(
			challenge(batch, &records, Fraud::Foreign { index: 1, post, proof }),
			Error::<Test>::BadProof
		);
		assert_noop!(challenge(batch, &records, disorder(&records, 0)), Error::<Test>::NotFraud);
		// Activated, it can still be challenged through its tail; after, no more.
		activate(batch, &records);
		assert_noop!(challenge(batch, &records, foreign(&records, 0)), Error::<Test>::NotFraud);
		advance(TAIL_WINDOW);
		assert_ok!(Content::release_bond(RuntimeOrigin::signed(acc(Dave)), batch, 0));
		assert_noop!(challenge(batch, &records, foreign(&records, 0)), Error::<Test>::NotPending);
	});
}

/// A genuine proof opens one index: the last leaf of an honest 5-post batch has a one-hash proof
/// (it moves up unhashed twice), which `binary_merkle_tree::verify_proof` also accepts at
/// indices 1 and 3. Replayed there as fraud, it must prove nothing.
#[test]
fn a_genuine_proof_replayed_at_another_index_is_no_fraud() {
	setup(|| {
		// Alice owns leaves 0-1, Charlie 2-4.
		let (_, records) = x_batch(&[(10, 1), (11, 1), (20, 2), (21, 2), (22, 2)]);
		let batch = register(&records);
		let last = records[4].clone();
		let proof = proof_of(&records, 4);
		assert_eq!(proof.len(), 1);
		for index in [1, 3] {
			let replayed = Fraud::Foreign { index, post: last.clone(), proof: proof.clone() };
			assert_noop!(challenge(batch, &records, replayed), Error::<Test>::BadProof);
		}
		// With one contributor, the same leaf next to its own predecessor as `Disorder`.
		let replayed = Fraud::Disorder {
			index: 3,
			first: last.clone(),
			first_proof: proof.clone(),
			second: last.clone(),
			second_proof: proof.clone(),
		};
		assert_noop!(challenge(batch, &records, replayed), Error::<Test>::BadProof);
		// Each leaf at its own index is honest.
		for index in 0..5 {
			assert_noop!(
				challenge(batch, &records, foreign(&records, index)),
				Error::<Test>::NotFraud
			);
		}
		activate(batch, &records);
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 3);
	});
}

/// The same X status under two identities: the operator registers a real post under its author
/// (Alice's X(1)) and, in a later batch, again under a sock puppet (Charlie's X(2)). An X id
/// does not name its author and marks are per identity, so only the duplicate proves it: the
/// later batch is voided, the first one counts.
#[test]
fn a_post_registered_again_under_another_identity() {
	setup(|| {
		let (_, first) = x_batch(&[(10, 1), (11, 1)]);
		let a = register(&first);
		let mut copy = x_post(11, 2);
		copy.content_hash = first[1].content_hash;
		let (_, mut second) = x_batch(&[(9, 2)]);
		second.push(copy);
		let b = register(&second);
		let duplicate = |earlier: BatchId, earlier_records: &[PostRecord], earlier_index: u32| {
			Fraud::Duplicate {
				index: 1,
				post: second[1].clone(),
				proof: proof_of(&second, 1),
				earlier,
				earlier_index,
				earlier_post: earlier_records[earlier_index as usize].clone(),
				earlier_proof: proof_of(earlier_records, earlier_index),
			}
		};
		// Another post of the first batch is no duplicate; the later batch is not "earlier".
		assert_noop!(challenge(b, &second, duplicate(a, &first, 0)), Error::<Test>::NotFraud);
		assert_noop!(
			challenge_with(
				a,
				layout(&first),
				Fraud::Duplicate {
					index: 1,
					post: first[1].clone(),
					proof: proof_of(&first, 1),
					earlier: b,
					earlier_index: 1,
					earlier_post: second[1].clone(),
					earlier_proof: proof_of(&second, 1),
				}
			),
			Error::<Test>::NotFraud
		);
		// A leaf that does not open where it is said to be.
		let mut wrong = duplicate(a, &first, 1);
		if let Fraud::Duplicate { earlier_index, .. } = &mut wrong {
			*earlier_index = 0;
		}
		assert_noop!(challenge(b, &second, wrong), Error::<Test>::BadProof);
		assert_noop!(challenge(b, &second, duplicate(9, &first, 1)), Error::<Test>::BatchNotFound);
		// Once the first is active, its posts still come first.
		activate(a, &first);
		prove(b, &second, duplicate(a, &first, 1));
		assert!(PendingBatches::<Test>::get(b).is_none());
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 0);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 2);
	});
}

/// The same post twice in one batch, under two identities: two leaves of the batch prove it.
#[test]
fn a_post_twice_in_one_batch_under_two_identities() {
	setup(|| {
		let mut records = vec![x_post(10, 1), x_post(11, 2)];
		records[1].post = PostId::X { id: 10 };
		let batch = register(&records);
		let fraud = |earlier_index: u32| Fraud::Duplicate {
			index: 1,
			post: records[1].clone(),
			proof: proof_of(&records, 1),
			earlier: batch,
			earlier_index,
			earlier_post: records[earlier_index as usize].clone(),
			earlier_proof: proof_of(&records, earlier_index),
		};
		assert_noop!(challenge(batch, &records, fraud(1)), Error::<Test>::NotFraud);
		prove(batch, &records, fraud(0));
		assert_voided(batch, 2);
	});
}

/// The duplicate proof is no weapon across platforms: a second X platform that registers a post
/// first cannot void the honest platform's batch holding it.
#[test]
fn another_platforms_earlier_copy_voids_nothing() {
	setup(|| {
		let other = ConsentSetup::register(PlatformKind::X, &acc(Alice));
		ConsentSetup::link_allowing(Identity::X(9), &acc(Dave), other, &[Purpose::AiTraining]);
		let mut copy = x_post(11, 9);
		copy.platform = other;
		let copies = vec![copy];
		let root = batch_root(copies.iter().map(|r| r.leaf_hash()));
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Alice)),
			other,
			root,
			H256::zero(),
			layout(&copies)
		));
		let (_, honest) = x_batch(&[(11, 1)]);
		let batch = register(&honest);
		let fraud = Fraud::Duplicate {
			index: 0,
			post: honest[0].clone(),
			proof: proof_of(&honest, 0),
			earlier: batch - 1,
			earlier_index: 0,
			earlier_post: copies[0].clone(),
			earlier_proof: proof_of(&copies, 0),
		};
		assert_noop!(challenge(batch, &honest, fraud), Error::<Test>::NotFraud);
	});
}
