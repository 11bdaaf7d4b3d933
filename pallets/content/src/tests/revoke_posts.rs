//! `revoke_posts`: a bridge withdraws many posts, of any batches, in one call.

use super::*;

type MaxRevocationsPerCall = <Test as Config>::MaxRevocationsPerCall;

/// Batch 0: posts 10 and 11 by X(1) (Alice), 12 by X(2) (Charlie); batch 1: post 13 by X(1).
/// Both activated.
fn registered(test: impl FnOnce(Vec<PostRecord>, Vec<PostRecord>)) {
	setup(|| {
		let (_, first) = x_batch(&[(10, 1), (11, 1), (12, 2)]);
		let (_, second) = x_batch(&[(13, 1)]);
		let (a, b) = (register(&first), register(&second));
		advance(CHALLENGE_WINDOW);
		open_samples(a, &first);
		open_samples(b, &second);
		assert_ok!(Content::activate_batch(RuntimeOrigin::signed(acc(Dave)), a, layout(&first)));
		assert_ok!(Content::activate_batch(RuntimeOrigin::signed(acc(Dave)), b, layout(&second)));
		test(first, second);
	});
}

fn item(batch: BatchId, records: &[PostRecord], index: u32) -> PostWithProof {
	PostWithProof {
		batch,
		post: records[index as usize].clone(),
		index,
		proof: proof_of(records, index),
	}
}

fn list(items: Vec<PostWithProof>) -> BoundedVec<PostWithProof, MaxRevocationsPerCall> {
	items.try_into().expect("at most 8")
}

fn revoked(records: &[PostRecord]) -> Vec<bool> {
	records
		.iter()
		.map(|r| RevokedPosts::<Test>::contains_key(r.leaf_hash()))
		.collect()
}

#[test]
fn the_platform_withdraws_posts_of_several_batches_and_authors_at_once() {
	registered(|first, second| {
		assert_ok!(Content::revoke_posts(
			RuntimeOrigin::signed(acc(Bob)),
			list(vec![item(0, &first, 0), item(1, &second, 0), item(0, &first, 2)])
		));
		assert_eq!(revoked(&first), vec![true, false, true]);
		assert_eq!(revoked(&second), vec![true]);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1, "X(1) had three");
		assert!(!Contributions::<Test>::contains_key(Identity::X(2), 0));
		assert_eq!(PlatformPosts::<Test>::get(0), 1);
		assert_eq!(
			Content::api_post_status(1, &second[0], 0, &proof_of(&second, 0)),
			PostStatus::Revoked { at: 1 + CHALLENGE_WINDOW }
		);
		let revocations: Vec<_> = System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::Content(Event::PostRevoked { batch, post, by }) => {
					Some((batch, post, by))
				},
				_ => None,
			})
			.collect();
		assert_eq!(
			revocations,
			vec![
				(0, first[0].leaf_hash(), acc(Bob)),
				(1, second[0].leaf_hash(), acc(Bob)),
				(0, first[2].leaf_hash(), acc(Bob)),
			]
		);
	});
}

/// A bridge that crashed after sending may send the same deletions again: what is revoked
/// already is skipped, in an earlier call or earlier in the same one, and counted once.
#[test]
fn a_post_revoked_already_is_skipped_and_counted_once() {
	registered(|first, second| {
		let alice = || RuntimeOrigin::signed(acc(Alice));
		assert_ok!(Content::revoke_post(alice(), 0, first[0].clone(), 0, proof_of(&first, 0)));
		assert_ok!(Content::revoke_posts(
			alice(),
			list(vec![item(0, &first, 0), item(0, &first, 1), item(0, &first, 1)])
		));
		assert_eq!(revoked(&first), vec![true, true, false]);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 1, "only post 13 is left");
		assert_eq!(revoked(&second), vec![false]);
		assert_ok!(Content::revoke_posts(alice(), list(vec![])));
	});
}

/// One post that cannot be revoked refuses the whole call, naming it and why.
#[test]
fn errors_name_the_post_and_revoke_nothing() {
	registered(|first, second| {
		let alice = || RuntimeOrigin::signed(acc(Alice));
		let cannot = |index, reason| Error::<Test>::CannotRevoke { index, reason };
		let mut bad_proof = item(0, &first, 1);
		bad_proof.index = 0;
		let mut unknown = item(0, &first, 1);
		unknown.batch = 9;
		for (items, error) in [
			(vec![item(0, &first, 0), bad_proof], cannot(1, RevocationError::BadProof)),
			(vec![unknown], cannot(0, RevocationError::BatchNotFound)),
			// Charlie's post, revoked by Alice, after two of hers.
			(
				vec![item(0, &first, 0), item(1, &second, 0), item(0, &first, 2)],
				cannot(2, RevocationError::NotAllowed),
			),
		] {
			assert_noop!(Content::revoke_posts(alice(), list(items)), error);
		}
		let (_, pending) = x_batch(&[(14, 1)]);
		let batch = register(&pending);
		assert_noop!(
			Content::revoke_posts(alice(), list(vec![item(batch, &pending, 0)])),
			cannot(0, RevocationError::BatchPending)
		);
		assert_eq!(revoked(&first), vec![false; 3]);
	});
}
