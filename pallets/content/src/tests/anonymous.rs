//! Anonymous roots (leaf format 3): the chain's samples check a batch's anonymous tree along
//! with its posts, requests do not expose a post's anonymous leaf, and a batch registered
//! before anonymous roots gets one from its registrant only.

use super::*;

#[test]
fn a_sample_opens_its_anonymous_leaf_too() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 1), (12, 2), (13, 2)]);
		let batch = register(&records);
		advance(1);
		let tree = anonymous_leaves(records.iter().map(Some));
		let index = samples(batch)[0];
		let record = &records[index as usize];
		let opening = anonymous_opening(&tree, record);
		assert_noop!(
			answer_with(batch, &records, index, None),
			Error::<Test>::AnonymousOpeningNeeded
		);
		// Another post's anonymous leaf, another place, another blind: each refused.
		let other = records.iter().find(|r| *r != record).unwrap();
		for wrong in [
			anonymous_opening(&tree, other),
			AnonymousOpening { index: (opening.index + 1) % 4, ..opening.clone() },
			AnonymousOpening { blind: H256::repeat_byte(1), ..opening.clone() },
		] {
			assert_noop!(
				answer_with(batch, &records, index, Some(wrong)),
				Error::<Test>::BadAnonymousOpening
			);
		}
		assert_ok!(answer_with(batch, &records, index, Some(opening.clone())));
		assert_eq!(
			last_event(),
			Event::LeafAnswered {
				batch,
				index,
				post: record.clone(),
				anonymous_index: Some(opening.index)
			}
		);
		activate(batch, &records);
	});
}

#[test]
fn an_anonymous_tree_missing_a_post_cannot_answer_its_sample() {
	setup(|| {
		// The registrant puts a leaf of its own in place of one post's anonymous leaf (to serve
		// anonymised records that are no registered post): that post's sample cannot be opened,
		// and the batch is voided like one padded with junk.
		let (root, records) = x_batch(&[(10, 1), (11, 1), (12, 2), (13, 2)]);
		let mut tree = anonymous_leaves(records.iter().map(Some));
		let list = layout(&records);
		let honest = batch_root(tree.clone());
		// Which post's leaf is missing is chosen after the samples are known, as the worst case:
		// the first sampled one.
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(acc(Bob)),
			0,
			root,
			honest,
			list.clone()
		));
		advance(1);
		let index = samples(0)[0];
		let missing = anonymous_of(&records[index as usize]).1;
		tree.retain(|leaf| *leaf != missing);
		tree.push(H256::repeat_byte(0xee));
		licentia_primitives::anonymous::anonymous_order(&mut tree);
		AnonymousRoots::<Test>::insert(0, batch_root(tree.clone()));
		// Whatever it opens, the sampled post's anonymous leaf is not in the tree.
		for place in 0..4 {
			let forged = AnonymousOpening {
				index: place,
				proof: batch_proof(tree.clone(), place).try_into().unwrap(),
				..anonymous_opening(&tree, &records[index as usize])
			};
			assert_noop!(
				answer_with(0, &records, index, Some(forged)),
				Error::<Test>::BadAnonymousOpening
			);
		}
		advance(CHALLENGE_WINDOW + ANSWER_WINDOW);
		assert_ok!(Content::void_unanswered(RuntimeOrigin::signed(acc(Dave)), 0, index, list));
		assert!(!PendingBatches::<Test>::contains_key(0));
		assert!(!AnonymousRoots::<Test>::contains_key(0), "removed with its batch");
	});
}

#[test]
fn a_request_alone_does_not_expose_the_anonymous_leaf() {
	setup(|| {
		// Anyone can ask for any leaf: if an answer had to open its anonymous leaf, 0.1 LCT a leaf
		// would tie every anonymised record to its post.
		let (_, records) = x_batch(&[(10, 1), (11, 1)]);
		let batch = register(&records);
		assert_ok!(Content::request_leaf(RuntimeOrigin::signed(acc(Dave)), batch, 1));
		assert_ok!(answer_with(batch, &records, 1, None));
		assert_eq!(
			last_event(),
			Event::LeafAnswered {
				batch,
				index: 1,
				post: records[1].clone(),
				anonymous_index: None
			}
		);
	});
}

#[test]
fn a_batch_without_an_anonymous_root_gets_one_from_its_registrant_once() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 2)]);
		let batch = register(&records);
		// As a batch registered before spec 116.
		AnonymousRoots::<Test>::remove(batch);
		let root = batch_root(anonymous_leaves(records.iter().map(Some)));
		let commit = |who, batch| {
			Content::commit_anonymous_root(RuntimeOrigin::signed(acc(who)), batch, root)
		};
		assert_noop!(commit(Alice, batch), Error::<Test>::NotRegistrant);
		assert_noop!(commit(Bob, 9), Error::<Test>::BatchNotFound);
		// Its samples need no anonymous leaf while it has no root.
		advance(1);
		let index = samples(batch)[0];
		assert_ok!(answer_with(batch, &records, index, None));
		assert_ok!(commit(Bob, batch));
		assert_eq!(last_event(), Event::AnonymousRootCommitted { batch, anonymous_root: root });
		assert_eq!(Content::api_batch(batch).and_then(|b| b.anonymous_root), Some(root));
		assert_noop!(commit(Bob, batch), Error::<Test>::AnonymousRootSet);
		activate(batch, &records);
		// An active batch too, once.
		AnonymousRoots::<Test>::remove(batch);
		assert_ok!(commit(Bob, batch));
		assert_noop!(commit(Bob, batch), Error::<Test>::AnonymousRootSet);
	});
}

#[test]
fn an_anonymous_opening_without_a_root_is_refused() {
	setup(|| {
		let (_, records) = x_batch(&[(10, 1), (11, 2)]);
		let batch = register(&records);
		let tree = anonymous_leaves(records.iter().map(Some));
		AnonymousRoots::<Test>::remove(batch);
		assert_ok!(Content::request_leaf(RuntimeOrigin::signed(acc(Dave)), batch, 0));
		assert_noop!(
			answer_with(batch, &records, 0, Some(anonymous_opening(&tree, &records[0]))),
			Error::<Test>::BadAnonymousOpening
		);
	});
}

#[test]
fn only_the_first_samples_expose_an_anonymous_leaf() {
	setup(|| {
		// `AnonymousSampleSize` is 1 here: of the 4 samples, only the first opens its anonymous
		// leaf, so one post of the batch is never delivered anonymised.
		let (_, records) = x_batch(&[(10, 1), (11, 1), (12, 1), (13, 1), (14, 2), (15, 2)]);
		let batch = register(&records);
		advance(1);
		let drawn = samples(batch);
		let first = drawn[0];
		let listed = Content::api_batch(batch).expect("pending").requests;
		assert!(listed.iter().all(|r| r.anonymous == (r.index == first)), "{listed:?}");
		for index in drawn.into_iter().filter(|i| *i != first) {
			assert_ok!(answer_with(batch, &records, index, None));
		}
		assert_noop!(
			answer_with(batch, &records, first, None),
			Error::<Test>::AnonymousOpeningNeeded
		);
	});
}
