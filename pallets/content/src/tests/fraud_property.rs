//! The property the challenge window exists for: over random sequences of honest and dishonest
//! batches, a watcher that checks each batch's leaves (and asks for those it cannot see), while
//! it is pending or only once it is active, in its tail, voids every dishonest batch and none of
//! the honest ones, so that no account is ever paid for a post that is not provably its own and
//! unique, and a lie found late leaves no count behind.

use super::*;
use proptest::prelude::*;

/// How a registrant lies about one contributor's range.
#[derive(Clone, Copy, Debug)]
enum Lie {
	/// No lie.
	Honest,
	/// One leaf of the range is another author's post.
	Foreign,
	/// One post of the range appears twice (the next one dropped).
	Repeat,
	/// The range starts with a post registered in an earlier batch.
	Replay,
	/// One leaf is junk nobody can open (a padded count).
	Padding,
	/// The previous batch again, as it was (refused by the high-water marks).
	Resubmit,
	/// A post the other author registered before, again in this author's range, in order and
	/// above this author's mark: an X id does not name its author, so only the duplicate shows.
	Alias,
}

fn lie() -> impl Strategy<Value = Lie> {
	prop_oneof![
		3 => Just(Lie::Honest),
		1 => Just(Lie::Foreign),
		1 => Just(Lie::Repeat),
		1 => Just(Lie::Replay),
		1 => Just(Lie::Padding),
		1 => Just(Lie::Resubmit),
		1 => Just(Lie::Alias),
	]
}

/// One batch: posts of X(1) (Alice's) and X(2) (Charlie's), each author's ids advancing by
/// `gap`, and a lie told about range `at`.
#[derive(Clone, Debug)]
struct Plan {
	posts: [u8; 2],
	gap: u8,
	lie: Lie,
	at: u8,
	seed: u8,
	/// The registrant asks for every leaf of its own batch first, answering those it can (the
	/// squatter of the old 16 request slots).
	squat: bool,
	/// The watcher looks only once the batch is active (when its samples let it be), in its
	/// tail.
	late: bool,
}

fn plan() -> impl Strategy<Value = Plan> {
	([0u8..4, 0u8..4], 1u8..4, lie(), any::<u8>(), any::<u8>(), any::<bool>(), any::<bool>())
		.prop_filter("some posts", |(posts, ..)| posts[0] + posts[1] > 0)
		.prop_map(|(posts, gap, lie, at, seed, squat, late)| Plan {
			posts,
			gap,
			lie,
			at,
			seed,
			squat,
			late,
		})
}

/// Every leaf's genuine proof, replayed at every other index as fraud, proves nothing: a proof
/// opens one index (the short proofs of sizes that are not powers of two included). Only for a
/// tree whose leaves all differ: a leaf that is at two places opens at both, truly.
fn replays_prove_nothing(batch: BatchId, leaves: &[Option<PostRecord>], list: &Contributors) {
	let hashes: Vec<H256> = leaves
		.iter()
		.enumerate()
		.map(|(i, l)| l.as_ref().map_or(junk(i), PostRecord::leaf_hash))
		.collect();
	if hashes.iter().collect::<std::collections::BTreeSet<_>>().len() < hashes.len() {
		return;
	}
	for (i, post) in leaves.iter().enumerate() {
		let Some(post) = post else { continue };
		let proof: Proof = batch_proof(hashes.clone(), i as u32).try_into().unwrap();
		for j in (0..leaves.len() as u32).filter(|j| *j != i as u32) {
			let frauds = [
				Fraud::Foreign { index: j, post: post.clone(), proof: proof.clone() },
				Fraud::Bound { index: j, post: post.clone(), proof: proof.clone() },
				Fraud::Disorder {
					index: j,
					first: post.clone(),
					first_proof: proof.clone(),
					second: post.clone(),
					second_proof: proof.clone(),
				},
			];
			for fraud in frauds {
				let replayed = Content::challenge(
					RuntimeOrigin::signed(acc(Dave)),
					batch,
					list.clone(),
					Box::new(fraud),
				);
				assert_eq!(replayed, Err(Error::<Test>::BadProof.into()), "leaf {i} at {j}");
			}
		}
	}
}

/// A post counted already, where a watcher saw it: batch, index, record and proof.
type Seen = (BatchId, u32, PostRecord, Proof);

/// What a watcher does with a batch, pending or in its tail (`late`), whose leaves it sees
/// (`None`: a leaf it cannot), knowing the posts of the batches before (`seen`): the first fraud
/// it finds, proven, or an unanswered request. Whether it voided the batch.
fn watch(
	batch: BatchId,
	leaves: &[Option<PostRecord>],
	list: &Contributors,
	seen: &[Seen],
	late: bool,
) -> bool {
	let hashes: Vec<H256> = leaves
		.iter()
		.enumerate()
		.map(|(i, l)| l.as_ref().map_or(junk(i), PostRecord::leaf_hash))
		.collect();
	let proof = |i: usize| -> Proof { batch_proof(hashes.clone(), i as u32).try_into().unwrap() };
	let challenge = |fraud: Fraud| {
		prove_with(batch, list.clone(), fraud);
		true
	};
	let mut start = 0usize;
	for c in list.iter() {
		let end = start + c.posts as usize - 1;
		for i in start..=end {
			let Some(post) = &leaves[i] else {
				// Asked for already (by a squatting registrant), or now: anyone can ask.
				if !LeafRequests::<Test>::contains_key(batch, i as u32) {
					assert_ok!(Content::request_leaf(
						RuntimeOrigin::signed(acc(Dave)),
						batch,
						i as u32
					));
				}
				// The registrant cannot answer: nobody can open junk.
				advance(if late { TAIL_ANSWER_WINDOW } else { ANSWER_WINDOW } + 1);
				assert_ok!(Content::void_unanswered(
					RuntimeOrigin::signed(acc(Dave)),
					batch,
					i as u32,
					list.clone()
				));
				return true;
			};
			let Some(key) = post.post.order_key(&c.author).filter(|_| post.author == c.author)
			else {
				return challenge(Fraud::Foreign {
					index: i as u32,
					post: post.clone(),
					proof: proof(i),
				});
			};
			if (i == start && key != c.first_key) || (i == end && key != c.last_key) {
				return challenge(Fraud::Bound {
					index: i as u32,
					post: post.clone(),
					proof: proof(i),
				});
			}
			if i > start {
				let previous = leaves[i - 1].as_ref().expect("checked before");
				if previous.post.order_key(&c.author).is_some_and(|p| p >= key) {
					return challenge(Fraud::Disorder {
						index: i as u32 - 1,
						first: previous.clone(),
						first_proof: proof(i - 1),
						second: post.clone(),
						second_proof: proof(i),
					});
				}
			}
		}
		start = end + 1;
	}
	// A post counted before, or twice in this batch, whoever it is under.
	for (i, post) in leaves.iter().enumerate() {
		let Some(post) = post else { continue };
		let earlier = leaves[..i]
			.iter()
			.enumerate()
			.find(|(_, l)| l.as_ref().is_some_and(|l| l.post.same_post(&post.post)))
			.map(|(j, l)| (batch, j as u32, l.clone().expect("found"), proof(j)))
			.or_else(|| seen.iter().find(|s| s.2.post.same_post(&post.post)).cloned());
		if let Some((earlier, earlier_index, earlier_post, earlier_proof)) = earlier {
			return challenge(Fraud::Duplicate {
				index: i as u32,
				post: post.clone(),
				proof: proof(i),
				earlier,
				earlier_index,
				earlier_post,
				earlier_proof,
			});
		}
	}
	false
}

/// A leaf hash with no known preimage.
fn junk(i: usize) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"junk", i as u64).encode()))
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

	#[test]
	fn nobody_is_paid_for_a_post_not_provably_theirs_and_unique(plans in prop::collection::vec(plan(), 1..8)) {
		let mut outcome = Ok(());
		setup(|| outcome = (|| -> Result<(), TestCaseError> {
			// The model: each author's next post key (X ids are global: author `a`'s post of key
			// `k` has id `2k + a`), and their posts counted so far.
			let mut next = [100u64, 100];
			let mut counted = [0u64; 2];
			let mut registered: [Vec<u64>; 2] = [vec![], vec![]];
			let mut seen: Vec<Seen> = vec![];
			let mut previous: Option<(H256, Contributors)> = None;
			for plan in &plans {
				// The honest batch.
				let mut leaves: Vec<Option<PostRecord>> = vec![];
				for (a, key) in next.iter_mut().enumerate() {
					for _ in 0..plan.posts[a] {
						leaves.push(Some(x_post(*key * 2 + a as u64, a as u64 + 1)));
						*key += plan.gap as u64;
					}
				}
				let mut aliased = false;
				if let (Lie::Alias, a) = (plan.lie, plan.at as usize % 2) {
					let range_start = if a == 0 { 0 } else { plan.posts[0] as usize };
					let ids: Vec<u64> = leaves[range_start..range_start + plan.posts[a] as usize]
						.iter()
						.map(|l| match l.as_ref().expect("honest").post { PostId::X { id } => id, _ => unreachable!() })
						.collect();
					// The chain's mark: a voided batch may have left it above the posts counted.
					let mark = Marks::<Test>::get(Identity::X(a as u64 + 1));
					let candidates: Vec<u64> = registered[1 - a]
						.iter()
						.filter(|id| mark.is_none_or(|m| **id > m) && !ids.contains(id))
						.copied()
						.collect();
					if plan.posts[a] > 0 && !candidates.is_empty() {
						let id = candidates[plan.seed as usize % candidates.len()];
						let at = range_start + ids.iter().filter(|other| **other < id).count();
						leaves.insert(at, Some(x_post(id, a as u64 + 1)));
						aliased = true;
					}
				}
				let honest: Vec<PostRecord> = leaves.iter().flatten().cloned().collect();
				let list = layout(&honest);
				let range = &list[plan.at as usize % list.len()];
				let start: usize = list.iter().take_while(|c| c.author != range.author).map(|c| c.posts as usize).sum();
				let offset = plan.seed as usize % range.posts as usize;
				let a = match range.author { Identity::X(n) => n as usize - 1, _ => unreachable!() };
				let lied = match plan.lie {
					Lie::Honest | Lie::Resubmit => false,
					Lie::Foreign => {
						leaves[start + offset].as_mut().unwrap().author = Identity::X(2 - a as u64);
						true
					},
					Lie::Repeat if range.posts > 1 => {
						let i = start + offset.min(range.posts as usize - 2);
						leaves[i + 1] = leaves[i].clone();
						true
					},
					Lie::Replay if !registered[a].is_empty() => {
						let old = registered[a][plan.seed as usize % registered[a].len()];
						leaves[start] = Some(x_post(old, a as u64 + 1));
						true
					},
					Lie::Padding => {
						leaves[start + offset] = None;
						true
					},
					Lie::Repeat | Lie::Replay => false,
					Lie::Alias => aliased,
				};
				let hashes = leaves.iter().enumerate().map(|(i, l)| l.as_ref().map_or(junk(i), PostRecord::leaf_hash));
				let root = batch_root(hashes);
				if let (Lie::Resubmit, Some((old_root, old_list))) = (plan.lie, &previous) {
					// Any range of it starts at or below its author's mark.
					let refused = Content::register_batch(RuntimeOrigin::signed(acc(Bob)), 0, *old_root, H256::zero(), old_list.clone());
					prop_assert_eq!(refused, Err(Error::<Test>::AlreadyRegistered { index: 0 }.into()));
				}
				assert_ok!(Content::register_batch(RuntimeOrigin::signed(acc(Bob)), 0, root, H256::zero(), list.clone()));
				let batch = NextBatchId::<Test>::get() - 1;
				// The registrant opens the chain's samples it can (a junk leaf it cannot).
				advance(1);
				let hashes: Vec<H256> = leaves.iter().enumerate().map(|(i, l)| l.as_ref().map_or(junk(i), PostRecord::leaf_hash)).collect();
				let squatted: Vec<u32> = if plan.squat { (0..leaves.len() as u32).collect() } else { vec![] };
				for index in &squatted {
					assert_ok!(Content::request_leaf(RuntimeOrigin::signed(acc(Bob)), batch, *index));
				}
				let tree = anonymous_tree_of(batch, &leaves);
				for index in samples(batch).into_iter().chain(squatted) {
					if let Some(post) = &leaves[index as usize] {
						let proof: Proof = batch_proof(hashes.clone(), index).try_into().unwrap();
						let anonymous = Some(anonymous_opening(&tree, post));
						let _ = Content::answer_leaf(RuntimeOrigin::signed(acc(Bob)), batch, index, post.clone(), proof, anonymous);
					}
				}
				replays_prove_nothing(batch, &leaves, &list);
				// A late watcher: the batch counts first, if its samples and requests let it.
				let late = plan.late
					&& PendingBatches::<Test>::get(batch).is_some_and(|p| p.samples_opened() && p.open_requests == 0);
				if late {
					advance(CHALLENGE_WINDOW);
					assert_ok!(Content::activate_batch(RuntimeOrigin::signed(acc(Dave)), batch, list.clone()));
					prop_assert!(Tails::<Test>::contains_key(batch));
				}
				let voided = watch(batch, &leaves, &list, &seen, late);
				prop_assert_eq!(voided, lied, "a batch is voided if and only if it lied: {:?}", plan);
				if !voided && !late {
					advance(CHALLENGE_WINDOW);
					prop_assert!(PendingBatches::<Test>::get(batch).is_some_and(|p| p.samples_opened()));
					assert_ok!(Content::activate_batch(RuntimeOrigin::signed(acc(Dave)), batch, list.clone()));
				}
				if !voided {
					for (index, post) in honest.iter().enumerate() {
						let Identity::X(n) = post.author else { unreachable!() };
						let PostId::X { id } = post.post else { unreachable!() };
						counted[n as usize - 1] += 1;
						registered[n as usize - 1].push(id);
						let proof: Proof = batch_proof(hashes.clone(), index as u32).try_into().unwrap();
						seen.push((batch, index as u32, post.clone(), proof));
					}
					previous = Some((root, list));
				}
				prop_assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), counted[0]);
				prop_assert_eq!(Contributions::<Test>::get(Identity::X(2), 0), counted[1]);
			}
			// Every post counted is distinct, across authors too.
			let all: Vec<u64> = registered.concat();
			let mut unique = all.clone();
			unique.sort();
			unique.dedup();
			prop_assert_eq!(unique.len(), all.len());
			Ok(())
		})());
		outcome?;
	}
}
