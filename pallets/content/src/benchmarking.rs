//! Benchmarks of every call, parameterised by what their cost grows with.

use super::*;
use crate::pallet::{
	BalanceOf, Batches, Call, Commitments, Config, Contributions, LeafRequests, Marks, NextBatchId,
	Pallet, PendingBatches, RevokedPosts, TailRevocations, Tails, Windows,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use licentia_primitives::{content::sized_root, nostr};
use sp_core::H256;
use sp_runtime::traits::{Bounded, Hash as _, One};

/// One X platform operated by a fresh account.
fn x_platform<T: Config>() -> (PlatformId, T::AccountId) {
	let operator: T::AccountId = account("operator", 0, 0);
	(T::BenchmarkHelper::platform(PlatformKind::X, &operator), operator)
}

/// The root of a perfect tree of `2^proof.len()` leaves whose leaf 0 is `leaf`.
fn root_of(leaf: H256, proof: &[H256]) -> H256 {
	let merkle_root = proof.iter().fold(leaf, |acc, sibling| hash_pair(acc, *sibling));
	sized_root(merkle_root, 1u32 << proof.len())
}

fn hash_pair(left: H256, right: H256) -> H256 {
	H256(sp_io::hashing::blake2_256(&(left, right).encode()))
}

/// A perfect tree of `2^levels` leaves whose leaves `index` and `index + 1` are `a` and `b` (the
/// others made up): its root and the two leaves' proofs.
fn pair_tree(a: H256, b: H256, index: u32, levels: u32) -> (H256, Vec<H256>, Vec<H256>) {
	let filler = |level: u32, side: u8| H256::repeat_byte(level as u8 ^ side);
	let (mut a, mut b, mut index) = (a, b, index);
	let (mut proof_a, mut proof_b) = (Vec::new(), Vec::new());
	let mut level = 0;
	// Until the two paths meet, each has its own siblings.
	while level < levels {
		if index % 2 == 0 {
			// Siblings: one parent, and from here on one path.
			proof_a.push(b);
			proof_b.push(a);
			let mut node = hash_pair(a, b);
			let mut at = index / 2;
			for up in level + 1..levels {
				let sibling = filler(up, 1);
				proof_a.push(sibling);
				proof_b.push(sibling);
				node =
					if at % 2 == 0 { hash_pair(node, sibling) } else { hash_pair(sibling, node) };
				at /= 2;
			}
			return (sized_root(node, 1u32 << levels), proof_a, proof_b);
		}
		let (left, right) = (filler(level, 2), filler(level, 3));
		proof_a.push(left);
		proof_b.push(right);
		(a, b) = (hash_pair(left, a), hash_pair(b, right));
		index = (index - 1) / 2;
		level += 1;
	}
	unreachable!("two leaves of one tree meet below its root")
}

/// Gives `who` more than any bond or deposit needs.
fn fund<T: Config>(who: &T::AccountId) {
	T::Currency::set_balance(who, BalanceOf::<T>::max_value() / 4u32.into());
}

/// `c` linked authors of `platform`, one post each, keys 1..; the last has `last_posts` posts.
fn contributors<T: Config>(platform: PlatformId, c: u32, last_posts: u32) -> Vec<Contribution> {
	(0..c as u64)
		.map(|i| {
			let author = Identity::X(i);
			T::BenchmarkHelper::link(author.clone(), &account("author", i as u32, 0), platform);
			let posts = if i + 1 == c as u64 { last_posts } else { 1 };
			Contribution { author, posts, first_key: 1, last_key: posts as u64 }
		})
		.collect()
}

/// Registers pending batch 0 of `c` contributors (see [`contributors`]) with `root`, by a
/// funded operator of a new X platform; `root` is made knowing the platform.
fn pending_batch<T: Config>(
	c: u32,
	last_posts: u32,
	root: impl FnOnce(PlatformId) -> H256,
) -> Vec<Contribution> {
	let (platform, operator) = x_platform::<T>();
	fund::<T>(&operator);
	let list = contributors::<T>(platform, c, last_posts);
	Pallet::<T>::do_register_batch(operator, platform, (root(platform), H256::zero()), &list)
		.expect("a valid batch");
	list
}

/// Opens a request for leaf `index` of batch 0.
fn open_request<T: Config>(index: u32) {
	let requester: T::AccountId = account("requester", 0, 0);
	fund::<T>(&requester);
	Pallet::<T>::do_request_leaf(requester, 0, index).expect("in the window");
}

/// Makes the hash of the block pending `batch` was registered in known (the seed of its samples)
/// and moves to the next block.
fn draw_samples<T: Config>(batch: BatchId) {
	let registered_at = PendingBatches::<T>::get(batch).expect("pending").info.registered_at;
	let seed = <T as frame_system::Config>::Hashing::hash(b"the registration block");
	frame_system::BlockHash::<T>::insert(registered_at, seed);
	frame_system::Pallet::<T>::set_block_number(registered_at + One::one());
}

/// Counts every sample of pending `batch` as opened (what its registrant does before
/// activation).
fn open_samples<T: Config>(batch: BatchId) {
	PendingBatches::<T>::mutate(batch, |pending| {
		if let Some(pending) = pending {
			pending.opened = sample_mask(pending.samples);
		}
	});
}

/// Moves to the first block after batch 0's window (and after any request's deadline).
fn after_the_window<T: Config>() {
	let windows = Windows::<T>::get();
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(
		now + windows.challenge + windows.answer + One::one(),
	);
}

/// Activates pending `batch` (its samples opened, its window over) into its tail, which lasts
/// long enough for the benchmark: the worst case of a void, which also withdraws its counts.
fn into_the_tail<T: Config>(batch: BatchId, list: &[Contribution]) {
	Windows::<T>::mutate(|windows| windows.tail = 1_000u32.into());
	open_samples::<T>(batch);
	after_the_window::<T>();
	Pallet::<T>::do_activate_batch(batch, list).expect("the window has ended");
	assert!(Tails::<T>::contains_key(batch));
}

/// `challenger` commits to `fraud` against `batch`, and the next block begins (a proof is
/// revealed after its commitment's block).
fn commit<T: Config>(challenger: &T::AccountId, batch: BatchId, fraud: &Fraud) {
	fund::<T>(challenger);
	let hash = challenge_commitment(batch, challenger, fraud);
	Pallet::<T>::do_commit_challenge(challenger.clone(), batch, hash).expect("open batch");
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now + One::one());
}

/// How many levels a full batch's tree has.
fn levels<T: Config>() -> u32 {
	licentia_primitives::content::tree_depth(T::MaxPostsPerBatch::get())
}

#[benchmarks]
mod benchmarks {
	use super::*;
	use alloc::boxed::Box;

	#[benchmark]
	fn register_batch(c: Linear<1, { T::MaxContributorsPerBatch::get() }>) {
		let (platform, operator) = x_platform::<T>();
		fund::<T>(&operator);
		let list = contributors::<T>(platform, c, 1);
		// Every author has a high-water mark already: the worst case reads and writes it.
		for author in &list {
			Marks::<T>::insert(&author.author, 0);
		}
		let contributors: BoundedVec<_, _> = list.try_into().expect("c <= max");

		#[extrinsic_call]
		_(
			RawOrigin::Signed(operator),
			platform,
			H256::repeat_byte(1),
			H256::repeat_byte(2),
			contributors,
		);

		assert_eq!(PendingBatches::<T>::get(0).map(|b| b.info.contributors), Some(c));
	}

	#[benchmark]
	fn activate_batch(c: Linear<1, { T::MaxContributorsPerBatch::get() }>) {
		let list = pending_batch::<T>(c, 1, |_| H256::repeat_byte(1));
		open_samples::<T>(0);
		after_the_window::<T>();
		let contributors: BoundedVec<_, _> = list.try_into().expect("c <= max");
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, contributors);

		assert_eq!(Batches::<T>::get(0).map(|b| b.contributors), Some(c));
	}

	#[benchmark]
	fn challenge(c: Linear<1, { T::MaxContributorsPerBatch::get() }>) {
		// The worst proof: two leaves of a full batch, in the last contributor's range (the scan
		// for it is the longest), active in its tail (its counts are withdrawn). Open requests
		// stay for `refund_request`: they cost nothing here.
		let max = T::MaxPostsPerBatch::get();
		let index = c - 1;
		let mut leaves = None;
		let list = pending_batch::<T>(c, max - (c - 1), |platform| {
			let post = |id: u64| PostRecord {
				platform,
				post: PostId::X { id },
				content_hash: H256::repeat_byte(7),
				author: Identity::X(c as u64 - 1),
				salt: H256::repeat_byte(3),
				text_seal: H256::repeat_byte(4),
			};
			let (first, second) = (post(2), post(1));
			let (root, first_proof, second_proof) =
				pair_tree(first.leaf_hash(), second.leaf_hash(), index, levels::<T>());
			leaves = Some((first, first_proof, second, second_proof));
			root
		});
		let (first, first_proof, second, second_proof) = leaves.expect("made with the root");
		into_the_tail::<T>(0, &list);
		let contributors: BoundedVec<_, _> = list.try_into().expect("c <= max");
		let fraud = Fraud::Disorder {
			index,
			first,
			first_proof: first_proof.try_into().expect("short"),
			second,
			second_proof: second_proof.try_into().expect("short"),
		};
		let challenger: T::AccountId = whitelisted_caller();
		commit::<T>(&challenger, 0, &fraud);

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger), 0, contributors, Box::new(fraud));

		assert!(!Batches::<T>::contains_key(0) && !Tails::<T>::contains_key(0));
	}

	/// A duplicate of a post that a pending batch registered before holds at its last leaf (the
	/// longest proof; a pending batch is read after the active ones are looked in), against the
	/// first leaf of the last contributor's range of a full batch (the longest scan).
	#[benchmark]
	fn challenge_duplicate(c: Linear<1, { T::MaxContributorsPerBatch::get() }>) {
		let max = T::MaxPostsPerBatch::get();
		let index = c - 1;
		let post = |platform: PlatformId, author: u64| PostRecord {
			platform,
			post: PostId::X { id: 2 },
			content_hash: H256::repeat_byte(7),
			author: Identity::X(author),
			salt: H256::repeat_byte(3),
			text_seal: H256::repeat_byte(4),
		};
		let earlier_post = post(0, u64::MAX);
		let (earlier_root, _, earlier_proof) =
			pair_tree(H256::repeat_byte(8), earlier_post.leaf_hash(), max - 2, levels::<T>());
		let now = frame_system::Pallet::<T>::block_number();
		let later = now + 100u32.into();
		PendingBatches::<T>::insert(
			0,
			PendingBatch {
				info: BatchInfo {
					platform: 0,
					root: earlier_root,
					posts: max,
					contributors: 1,
					registered_at: now,
					submitter: account("earlier", 0, 0),
					seq: 0,
				},
				contributors_hash: H256::zero(),
				bond: 0u32.into(),
				matures_at: later,
				open_requests: 0,
				samples: 0,
				opened: 0,
				samples_due: later,
			},
		);
		NextBatchId::<T>::put(1);
		let mut opened = None;
		let list = pending_batch::<T>(c, max - (c - 1), |platform| {
			let post = post(platform, c as u64 - 1);
			let (root, proof, _) =
				pair_tree(post.leaf_hash(), H256::repeat_byte(8), index, levels::<T>());
			opened = Some((post, proof));
			root
		});
		let (post, proof) = opened.expect("made with the root");
		// The earlier batch is the same platform's (another's proves nothing).
		let platform = PendingBatches::<T>::get(1).expect("pending").info.platform;
		PendingBatches::<T>::mutate(0, |earlier| {
			if let Some(earlier) = earlier {
				earlier.info.platform = platform;
			}
		});
		into_the_tail::<T>(1, &list);
		let contributors: BoundedVec<_, _> = list.try_into().expect("c <= max");
		let fraud = Fraud::Duplicate {
			index,
			post,
			proof: proof.try_into().expect("short"),
			earlier: 0,
			earlier_index: max - 1,
			earlier_post,
			earlier_proof: earlier_proof.try_into().expect("short"),
		};
		let challenger: T::AccountId = whitelisted_caller();
		commit::<T>(&challenger, 1, &fraud);

		#[extrinsic_call]
		challenge(RawOrigin::Signed(challenger), 1, contributors, Box::new(fraud));

		assert!(!Batches::<T>::contains_key(1) && !Tails::<T>::contains_key(1));
	}

	#[benchmark]
	fn request_leaf() {
		pending_batch::<T>(1, T::MaxPostsPerBatch::get(), |_| H256::repeat_byte(1));
		let requester: T::AccountId = whitelisted_caller();
		fund::<T>(&requester);

		#[extrinsic_call]
		_(RawOrigin::Signed(requester), 0, 7);

		assert!(LeafRequests::<T>::contains_key(0, 7));
	}

	#[benchmark]
	fn answer_leaf() {
		let max = T::MaxPostsPerBatch::get();
		let mut opened = None;
		// The post's anonymous leaf, first of a full anonymous tree.
		let blind = H256::repeat_byte(5);
		let anonymous_leaf = H256::repeat_byte(6);
		let anonymous_proof: Vec<H256> =
			(0..levels::<T>()).map(|i| H256::repeat_byte(i as u8)).collect();
		pending_batch::<T>(1, max, |platform| {
			let post = PostRecord {
				platform,
				post: PostId::X { id: 1 },
				content_hash: H256::repeat_byte(7),
				author: Identity::X(0),
				salt: H256::repeat_byte(3),
				text_seal: licentia_primitives::anonymous::text_seal(&blind, &anonymous_leaf),
			};
			let (root, proof, _) =
				pair_tree(post.leaf_hash(), H256::repeat_byte(8), 0, levels::<T>());
			opened = Some((post, proof));
			root
		});
		let (post, proof) = opened.expect("made with the root");
		AnonymousRoots::<T>::insert(0, root_of(anonymous_leaf, &anonymous_proof));
		// The longest path: the samples are drawn (and checked for this leaf), a request is
		// answered, and the anonymous leaf is opened too, by a proof as long as any.
		draw_samples::<T>(0);
		open_request::<T>(0);
		let proof: BoundedVec<_, _> = proof.try_into().expect("short");
		let anonymous = AnonymousOpening {
			blind,
			leaf: anonymous_leaf,
			index: 0,
			proof: anonymous_proof.try_into().expect("short"),
		};
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, 0, post, proof, Some(anonymous));

		assert!(!LeafRequests::<T>::contains_key(0, 0));
	}

	#[benchmark]
	fn void_unanswered(c: Linear<1, { T::MaxContributorsPerBatch::get() }>) {
		// A request left unanswered in the tail: the counts are withdrawn too.
		let list = pending_batch::<T>(c, T::MaxPostsPerBatch::get() - (c - 1), |_| H256::zero());
		into_the_tail::<T>(0, &list);
		open_request::<T>(0);
		after_the_window::<T>();
		let contributors: BoundedVec<_, _> = list.try_into().expect("c <= max");
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, 0, contributors);

		assert!(!Batches::<T>::contains_key(0) && !Tails::<T>::contains_key(0));
	}

	#[benchmark]
	fn refund_request() {
		pending_batch::<T>(1, 1, |_| H256::zero());
		open_request::<T>(0);
		// Voided while the request was open.
		PendingBatches::<T>::remove(0);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, 0);

		assert!(!LeafRequests::<T>::contains_key(0, 0));
	}

	#[benchmark]
	fn set_windows() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let windows = ChallengeWindows {
			challenge: 100u32.into(),
			answer: 50u32.into(),
			tail: 1_000u32.into(),
			tail_answer: 200u32.into(),
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, windows);

		assert_eq!(Windows::<T>::get(), windows);
		Ok(())
	}

	/// `e` notes of one key, `b` bytes of text in all (in the first note's content), every byte
	/// one that JSON escapes as six (the most hashing a byte can cost).
	#[benchmark]
	fn register_nostr_events(
		e: Linear<1, { T::MaxNostrEvents::get() }>,
		b: Linear<0, { nostr::MAX_NOTE_BYTES }>,
	) {
		let (_, operator) = x_platform::<T>();
		let nostr_platform = T::BenchmarkHelper::platform(PlatformKind::Nostr, &operator);
		let who: T::AccountId = account("author", 0, 0);
		fund::<T>(&who);
		let secret = [9u8; 32];
		let pubkey = nostr::public_key(&secret).expect("valid secret");
		T::BenchmarkHelper::link(Identity::Nostr(pubkey), &who, nostr_platform);
		let mut events: Vec<(NostrEvent, [u8; 32])> = (0..e)
			.map(|i| {
				let content = if i == 0 { alloc::vec![1u8; b as usize] } else { Vec::new() };
				let mut event = NostrEvent {
					pubkey,
					created_at: u64::from(i),
					tags: Default::default(),
					content: content.try_into().expect("b <= MAX_NOTE_BYTES"),
					sig: [0; 64],
					salt: H256::repeat_byte(3),
					text_seal: H256::repeat_byte(4),
				};
				let id = event.id().expect("UTF-8");
				event.sig = nostr::sign(&secret, &id, &[0; 32]).expect("signs");
				(event, id)
			})
			.collect();
		events.sort_by_key(|(_, id)| *id);
		let events: Vec<NostrEvent> = events.into_iter().map(|(event, _)| event).collect();
		let events: BoundedVec<_, _> = events.try_into().expect("e <= max");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), events, H256::repeat_byte(2));

		assert_eq!(Contributions::<T>::get(Identity::Nostr(pubkey), nostr_platform), e as u64);
	}

	#[benchmark]
	fn revoke_post(p: Linear<0, 31>) {
		let (platform, operator) = x_platform::<T>();
		let author: T::AccountId = account("author", 0, 0);
		T::BenchmarkHelper::link(Identity::X(1), &author, platform);
		let post = PostRecord {
			platform,
			post: PostId::X { id: 1 },
			content_hash: H256::repeat_byte(2),
			author: Identity::X(1),
			salt: H256::repeat_byte(3),
			text_seal: H256::repeat_byte(4),
		};
		let proof: Vec<H256> = (0..p).map(|i| H256::repeat_byte(i as u8)).collect();
		// A batch of 2^p posts with `post` first; only its root and size matter to the proof.
		let leaves = 1u32 << p;
		let root = root_of(post.leaf_hash(), &proof);
		fund::<T>(&operator);
		let list = [Contribution { author: Identity::X(1), posts: 1, first_key: 1, last_key: 1 }];
		Pallet::<T>::do_register_batch(operator, platform, (root, H256::zero()), &list)
			.expect("the author is linked");
		open_samples::<T>(0);
		after_the_window::<T>();
		Pallet::<T>::do_activate_batch(0, &list).expect("the window has ended");
		Batches::<T>::mutate(0, |b| {
			if let Some(b) = b {
				b.posts = leaves
			}
		});
		let proof: BoundedVec<_, _> = proof.try_into().expect("p <= 32");

		#[extrinsic_call]
		_(RawOrigin::Signed(author), 0, post.clone(), 0, proof);

		assert!(RevokedPosts::<T>::contains_key(post.leaf_hash()));
		assert_eq!(NextBatchId::<T>::get(), 1);
	}

	/// `n` posts of `n` authors, each alone in its own batch (the most reads) of the most posts
	/// (so with the longest proof a batch can have), revoked by their platform's operator (who
	/// is checked after the author): every author's standing is settled and every post fed to
	/// licenses.
	#[benchmark]
	fn revoke_posts(n: Linear<1, { T::MaxRevocationsPerCall::get() }>) {
		let (platform, operator) = x_platform::<T>();
		fund::<T>(&operator);
		let proof: Vec<H256> = (0..levels::<T>()).map(|i| H256::repeat_byte(i as u8)).collect();
		let mut batches = Vec::new();
		for i in 0..n {
			let key = u64::from(i) + 1;
			let author = Identity::X(key);
			T::BenchmarkHelper::link(author.clone(), &account("author", i, 0), platform);
			let post = PostRecord {
				platform,
				post: PostId::X { id: key },
				content_hash: H256::repeat_byte(2),
				author: author.clone(),
				salt: H256::repeat_byte(3),
				text_seal: H256::repeat_byte(4),
			};
			let list = [Contribution { author, posts: 1, first_key: key, last_key: key }];
			let batch = NextBatchId::<T>::get();
			let root = root_of(post.leaf_hash(), &proof);
			Pallet::<T>::do_register_batch(operator.clone(), platform, (root, H256::zero()), &list)
				.expect("the author is linked");
			open_samples::<T>(batch);
			batches.push((batch, post, list));
		}
		after_the_window::<T>();
		let mut posts = Vec::new();
		for (batch, post, list) in batches {
			Pallet::<T>::do_activate_batch(batch, &list).expect("the window has ended");
			// A full batch with `post` first; only its root and size matter.
			Batches::<T>::mutate(batch, |b| {
				if let Some(b) = b {
					b.posts = T::MaxPostsPerBatch::get()
				}
			});
			let proof = proof.clone().try_into().expect("p <= 32");
			posts.push(PostWithProof { batch, post, index: 0, proof });
		}
		let posts: BoundedVec<_, _> = posts.try_into().expect("n <= MaxRevocationsPerCall");

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), posts.clone());

		for p in posts {
			assert!(RevokedPosts::<T>::contains_key(p.post.leaf_hash()));
			assert_eq!(Contributions::<T>::get(&p.post.author, platform), 0);
		}
	}

	#[benchmark]
	fn commit_challenge() {
		pending_batch::<T>(1, 1, |_| H256::zero());
		let challenger: T::AccountId = whitelisted_caller();
		fund::<T>(&challenger);

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger.clone()), 0, H256::repeat_byte(1));

		assert!(Commitments::<T>::contains_key(0, challenger));
	}

	#[benchmark]
	fn withdraw_commitment() {
		pending_batch::<T>(1, 1, |_| H256::zero());
		let challenger: T::AccountId = whitelisted_caller();
		fund::<T>(&challenger);
		Pallet::<T>::do_commit_challenge(challenger.clone(), 0, H256::repeat_byte(1))
			.expect("a pending batch");

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger.clone()), 0);

		assert!(!Commitments::<T>::contains_key(0, challenger));
	}

	#[benchmark]
	fn commit_anonymous_root() {
		let (platform, operator) = x_platform::<T>();
		fund::<T>(&operator);
		let list = contributors::<T>(platform, 1, 1);
		Pallet::<T>::do_register_batch(
			operator.clone(),
			platform,
			(H256::zero(), H256::zero()),
			&list,
		)
		.expect("a valid batch");
		// Registered before anonymous roots were.
		AnonymousRoots::<T>::remove(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), 0, H256::repeat_byte(1));

		assert_eq!(AnonymousRoots::<T>::get(0), Some(H256::repeat_byte(1)));
	}

	/// The tail of a batch ends, `r` of whose contributors had posts revoked in it (entries to
	/// clear).
	#[benchmark]
	fn release_bond(r: Linear<0, { T::MaxContributorsPerBatch::get() }>) {
		let list = pending_batch::<T>(r.max(1), 1, |_| H256::zero());
		into_the_tail::<T>(0, &list);
		for contribution in list.iter().take(r as usize) {
			Pallet::<T>::note_tail_revocation(0, &contribution.author);
		}
		let ends_at = Tails::<T>::get(0).expect("in its tail").ends_at;
		frame_system::Pallet::<T>::set_block_number(ends_at);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, r);

		assert!(!Tails::<T>::contains_key(0));
		assert_eq!(TailRevocations::<T>::iter_prefix(0).count(), 0);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
