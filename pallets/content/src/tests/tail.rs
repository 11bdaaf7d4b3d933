//! The tail and the challenger's commitment: a lie found after activation still withdraws its
//! counts and costs the registrant the bond held through the tail (`release_bond` returns it
//! when the tail ends); a fraud proof pays the challenger who committed to it, never one who
//! copied it, and a registrant challenging itself recovers only the fixed reward.

use super::*;

/// Alice's posts 10, 12, 11, 13: real, but out of order (11 is a post registered "between"),
/// which the chain's samples cannot see and a watcher can prove at leaf 1.
fn disordered() -> Vec<PostRecord> {
	[10, 12, 11, 13].into_iter().map(|id| x_post(id, 1)).collect()
}

fn disorder_at_1(records: &[PostRecord]) -> Fraud {
	Fraud::Disorder {
		index: 1,
		first: records[1].clone(),
		first_proof: proof_of(records, 1),
		second: records[2].clone(),
		second_proof: proof_of(records, 2),
	}
}

fn release(batch: BatchId) -> DispatchResult {
	let revoked_authors = Tails::<Test>::get(batch).map_or(0, |tail| tail.revoked_authors);
	Content::release_bond(RuntimeOrigin::signed(acc(Charlie)), batch, revoked_authors)
		.map(|_| ())
		.map_err(|e| e.error)
}

#[test]
fn a_lie_found_in_the_tail_withdraws_its_counts_and_costs_the_tail_bond() {
	setup(|| {
		// Alice's honest batch first: its two posts must survive the other's voiding.
		let (_, honest) = x_batch(&[(1, 1), (2, 1)]);
		activate(register(&honest), &honest);
		let records = disordered();
		let batch = register(&records);
		activate(batch, &records);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 6);
		// Alice withdraws one post of the lying batch in its tail: its count goes with it.
		assert_ok!(Content::revoke_post(
			RuntimeOrigin::signed(acc(Alice)),
			batch,
			records[0].clone(),
			0,
			proof_of(&records, 0)
		));
		assert_eq!(TailRevocations::<Test>::get(batch, Identity::X(1)), 1);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 5);
		let treasury = free(&TreasuryAccount::get());
		let bob = free(&acc(Bob));

		prove_with(batch, layout(&records), disorder_at_1(&records));

		let tail_bond = (BOND_BASE + 4 * BOND_PER_POST) / 2;
		assert_eq!(
			last_event(),
			Event::BatchVoided {
				batch,
				challenger: acc(Dave),
				slashed: tail_bond,
				reward: CHALLENGER_REWARD
			}
		);
		// The three posts still counted are withdrawn, the honest batch's two stay.
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 2);
		assert_eq!(PlatformPosts::<Test>::get(0), 2);
		assert!(Batches::<Test>::get(batch).is_none() && Tails::<Test>::get(batch).is_none());
		assert_eq!(TailRevocations::<Test>::iter_prefix(batch).count(), 0);
		// The registrant lost the tail bond: the reward to Dave, the rest to the treasury (what
		// stays held is the honest batch's).
		assert_eq!(held(HoldReason::BatchBond, &acc(Bob)), (BOND_BASE + 2 * BOND_PER_POST) / 2);
		assert_eq!(free(&acc(Bob)), bob);
		assert_eq!(free(&acc(Dave)), FUNDS + CHALLENGER_REWARD);
		assert_eq!(free(&TreasuryAccount::get()), treasury + tail_bond - CHALLENGER_REWARD);
		// Licenses no longer find it; Alice's mark is back below the voided range.
		assert_eq!(Content::api_batch(batch), None);
		assert_eq!(Marks::<Test>::get(Identity::X(1)), Some(9));
	});
}

#[test]
fn a_leaf_left_unopened_in_the_tail_voids_the_active_batch() {
	setup(|| {
		// One padded leaf in a thousand: the chain's four samples miss it here.
		let mut leaves: Vec<H256> = (0..1_000u64).map(|i| x_post(10 + i, 1).leaf_hash()).collect();
		let records: Vec<PostRecord> = (0..1_000u64).map(|i| x_post(10 + i, 1)).collect();
		let list = layout(&records);
		advance(1);
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			batch_root(leaves.clone()),
			H256::zero(),
			list.clone()
		));
		advance(1);
		let padded = (0..1_000).find(|i| !samples(0).contains(i)).expect("4 of 1,000");
		leaves[padded as usize] = H256::repeat_byte(0xba);
		// The registrant registered the padded tree, and opens the samples (real leaves).
		PendingBatches::<Test>::mutate(0, |p| {
			p.as_mut().expect("pending").info.root = batch_root(leaves.clone())
		});
		let tree = anonymous_tree_of(0, &records.iter().cloned().map(Some).collect::<Vec<_>>());
		for index in samples(0) {
			let proof: Proof = batch_proof(leaves.clone(), index).try_into().expect("short");
			let _ = Content::answer_leaf(
				RuntimeOrigin::signed(acc(Bob)),
				0,
				index,
				records[index as usize].clone(),
				proof,
				Some(anonymous_opening(&tree, &records[index as usize])),
			);
		}
		advance(CHALLENGE_WINDOW);
		assert_ok!(Content::activate_batch(RuntimeOrigin::signed(acc(Dave)), 0, list.clone()));
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1_000);

		// In the tail, Charlie asks for the padded leaf; nobody can open it.
		assert_ok!(Content::request_leaf(RuntimeOrigin::signed(acc(Charlie)), 0, padded));
		assert_eq!(Tails::<Test>::get(0).map(|t| t.open_requests), Some(1));
		assert_eq!(Content::api_batch(0).map(|b| b.requests.len()), Some(1));
		assert_noop!(release(0), Error::<Test>::TailNotOver);
		// A request in a tail is due in `tail_answer` blocks, not `answer`.
		advance(ANSWER_WINDOW + 1);
		assert_noop!(
			Content::void_unanswered(RuntimeOrigin::signed(acc(Dave)), 0, padded, list.clone()),
			Error::<Test>::AnswerWindowOpen
		);
		advance(TAIL_ANSWER_WINDOW - ANSWER_WINDOW);
		assert_ok!(Content::void_unanswered(
			RuntimeOrigin::signed(acc(Dave)),
			0,
			padded,
			list.clone()
		));
		let tail_bond = (BOND_BASE + 1_000 * BOND_PER_POST) / 2;
		assert_eq!(
			last_event(),
			Event::BatchVoided {
				batch: 0,
				challenger: acc(Charlie),
				slashed: tail_bond,
				reward: CHALLENGER_REWARD
			}
		);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 0);
		assert_eq!(PlatformPosts::<Test>::get(0), 0);
		assert_eq!(free(&acc(Charlie)), FUNDS + CHALLENGER_REWARD);
		assert_eq!(held(HoldReason::LeafRequest, &acc(Charlie)), 0);
	});
}

#[test]
fn the_tail_bond_is_released_once_the_tail_ends_with_no_request_open() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1), (20, 2)]);
		let batch = register(&records);
		assert_noop!(release(batch), Error::<Test>::NotPending);
		activate(batch, &records);
		let bond = BOND_BASE + 3 * BOND_PER_POST;
		assert_noop!(release(batch), Error::<Test>::TailNotOver);
		// A request answered in the tail pays the registrant, as in the window; one made at its
		// end holds the bond until it is answered.
		advance(TAIL_WINDOW - 2);
		assert_ok!(Content::request_leaf(RuntimeOrigin::signed(acc(Charlie)), batch, 1));
		advance(2);
		assert_noop!(release(batch), Error::<Test>::RequestsOpen);
		assert_noop!(
			Content::request_leaf(RuntimeOrigin::signed(acc(Charlie)), batch, 2),
			Error::<Test>::WindowClosed
		);
		assert_ok!(Content::answer_leaf(
			RuntimeOrigin::signed(acc(Bob)),
			batch,
			1,
			records[1].clone(),
			proof_of(&records, 1),
			None
		));
		assert_ok!(Content::revoke_post(
			RuntimeOrigin::signed(acc(Alice)),
			batch,
			records[0].clone(),
			0,
			proof_of(&records, 0)
		));
		assert_eq!(Tails::<Test>::get(batch).map(|t| t.revoked_authors), Some(1));
		// Charged for the entries to clear: a caller who says fewer is refused.
		assert_noop!(
			Content::release_bond(RuntimeOrigin::signed(acc(Charlie)), batch, 0),
			Error::<Test>::BadWitness
		);
		assert_ok!(release(batch));
		assert_eq!(last_event(), Event::BondReleased { batch, amount: bond / 2 });
		assert_eq!(held(HoldReason::BatchBond, &acc(Bob)), 0);
		assert_eq!(free(&acc(Bob)), FUNDS + REQUEST_DEPOSIT);
		assert!(Tails::<Test>::get(batch).is_none());
		assert_eq!(TailRevocations::<Test>::iter_prefix(batch).count(), 0);
		// The batch counts on, for good.
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1);
		assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), 1);
		assert_noop!(release(batch), Error::<Test>::NotPending);
		assert_noop!(
			Content::request_leaf(RuntimeOrigin::signed(acc(Charlie)), batch, 2),
			Error::<Test>::NotPending
		);
	});
}

#[test]
fn without_a_tail_the_whole_bond_is_released_at_activation() {
	setup(|| {
		let windows = ChallengeWindows {
			challenge: CHALLENGE_WINDOW,
			answer: ANSWER_WINDOW,
			tail: 0,
			tail_answer: TAIL_ANSWER_WINDOW,
		};
		assert_ok!(Content::set_windows(RuntimeOrigin::root(), windows));
		let (_, records) = x_batch(&[(10, 1)]);
		let batch = register(&records);
		activate(batch, &records);
		assert!(Tails::<Test>::get(batch).is_none());
		assert_eq!(held(HoldReason::BatchBond, &acc(Bob)), 0);
		assert_noop!(release(batch), Error::<Test>::NotPending);
	});
}

/// Dave found the lie and committed to his proof. Charlie sees the reveal in the pool: sent
/// as his own it finds no commitment of his, and a copy of Dave's commitment names Dave. A
/// commitment made in the block of its reveal is refused too, so nobody can commit and reveal
/// what they just saw in one block.
#[test]
fn a_proof_copied_from_the_pool_pays_nobody_but_its_finder() {
	setup(|| {
		let records = disordered();
		let batch = register(&records);
		let fraud = disorder_at_1(&records);
		let reveal = |who| {
			Content::challenge(
				RuntimeOrigin::signed(acc(who)),
				batch,
				layout(&records),
				Box::new(disorder_at_1(&records)),
			)
		};
		let commit =
			|who, hash| Content::commit_challenge(RuntimeOrigin::signed(acc(who)), batch, hash);
		let daves = challenge_commitment(batch, &acc(Dave), &fraud);
		assert_ok!(commit(Dave, daves));
		assert_eq!(last_event(), Event::ChallengeCommitted { batch, challenger: acc(Dave) });
		assert_eq!(held(HoldReason::ChallengeCommit, &acc(Dave)), REQUEST_DEPOSIT);
		// In the same block, even Dave cannot reveal.
		assert_noop!(reveal(Dave), Error::<Test>::NoCommitment);
		advance(1);
		assert_noop!(reveal(Charlie), Error::<Test>::NoCommitment);
		assert_ok!(commit(Charlie, daves));
		advance(1);
		assert_noop!(reveal(Charlie), Error::<Test>::NoCommitment);
		// Committing again replaces the commitment and holds no second deposit.
		assert_ok!(commit(Dave, daves));
		assert_eq!(held(HoldReason::ChallengeCommit, &acc(Dave)), REQUEST_DEPOSIT);
		assert_noop!(reveal(Dave), Error::<Test>::NoCommitment);
		advance(1);
		assert_ok!(reveal(Dave));
		assert!(
			matches!(last_event(), Event::BatchVoided { challenger, .. } if challenger == acc(Dave))
		);
		assert_eq!(held(HoldReason::ChallengeCommit, &acc(Dave)), 0);
		assert_eq!(free(&acc(Dave)), FUNDS + CHALLENGER_REWARD);
		// Charlie's worthless commitment comes back on request, whatever became of the batch.
		assert_ok!(Content::withdraw_commitment(RuntimeOrigin::signed(acc(Charlie)), batch));
		assert_eq!(last_event(), Event::CommitmentWithdrawn { batch, challenger: acc(Charlie) });
		assert_eq!(free(&acc(Charlie)), FUNDS);
		assert_noop!(
			Content::withdraw_commitment(RuntimeOrigin::signed(acc(Charlie)), batch),
			Error::<Test>::NoCommitment
		);
		assert_noop!(commit(Charlie, daves), Error::<Test>::NotPending);
	});
}

/// Bob pads a batch and, seeing the chain sample a padded leaf, "challenges" it himself from
/// Charlie's account: together they get back the fixed reward and nothing of the per-post bond.
#[test]
fn a_self_challenge_recovers_only_the_fixed_reward() {
	setup(|| {
		for posts in [10u32, 500] {
			let records: Vec<PostRecord> =
				(0..posts as u64).map(|i| x_post(1_000 * posts as u64 + i, 1)).collect();
			let before = free(&acc(Bob)) + free(&acc(Charlie));
			let batch = register(&records);
			// A leaf of another author's in Alice's range: a lie any opened leaf shows.
			let mut lie = records[0].clone();
			lie.author = Identity::X(2);
			let mut leaves: Vec<PostRecord> = records.clone();
			leaves[0] = lie;
			PendingBatches::<Test>::mutate(batch, |p| {
				p.as_mut().expect("pending").info.root =
					batch_root(leaves.iter().map(|l| l.leaf_hash()))
			});
			let fraud =
				Fraud::Foreign { index: 0, post: leaves[0].clone(), proof: proof_of(&leaves, 0) };
			let hash = challenge_commitment(batch, &acc(Charlie), &fraud);
			assert_ok!(Content::commit_challenge(RuntimeOrigin::signed(acc(Charlie)), batch, hash));
			advance(1);
			assert_ok!(Content::challenge(
				RuntimeOrigin::signed(acc(Charlie)),
				batch,
				layout(&records),
				Box::new(fraud)
			));
			let bond = BOND_BASE + posts as Balance * BOND_PER_POST;
			let after = free(&acc(Bob)) + free(&acc(Charlie));
			assert_eq!(before - after, bond - CHALLENGER_REWARD);
			assert!(
				before - after >= posts as Balance * BOND_PER_POST,
				"the per-post bond is lost"
			);
		}
	});
}
