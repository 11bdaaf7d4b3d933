//! The challenge window and tail of platform batches: activation, fraud proofs (committed, then
//! revealed), leaf requests, and the release of the bond held through the tail.

use crate::{registration::contributors_hash, *};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::content::verify_batch_proof;
use sp_core::H256;
use sp_io::hashing::blake2_256;
use sp_runtime::traits::{Saturating, Zero};

// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
use licentia_primitives::consent::Identity;

/// A batch that can still be shown to be fraudulent: pending, or active in its tail.
pub(crate) enum Open<T: Config> {
	Pending(PendingBatchOf<T>),
	Tail(BatchOf<T>, TailOf<T>),
}

impl<T: Config> Open<T> {
	/// Batch `batch`, if it is pending or in its tail.
	fn load(batch: BatchId) -> Result<Self, Error<T>> {
		if let Some(pending) = PendingBatches::<T>::get(batch) {
			return Ok(Open::Pending(pending));
		}
		let tail = Tails::<T>::get(batch).ok_or(Error::<T>::NotPending)?;
		let info = Batches::<T>::get(batch).ok_or(Error::<T>::NotPending)?;
		Ok(Open::Tail(info, tail))
	}

	fn info(&self) -> &BatchOf<T> {
		match self {
			Open::Pending(pending) => &pending.info,
			Open::Tail(info, _) => info,
		}
	}

	fn contributors_hash(&self) -> H256 {
		match self {
			Open::Pending(pending) => pending.contributors_hash,
			Open::Tail(_, tail) => tail.contributors_hash,
		}
	}

	/// What is held of its bond.
	fn bond(&self) -> BalanceOf<T> {
		match self {
			Open::Pending(pending) => pending.bond,
			Open::Tail(_, tail) => tail.bond,
		}
	}

	/// The first block in which its leaves can no longer be requested.
	fn requests_until(&self) -> BlockNumberFor<T> {
		match self {
			Open::Pending(pending) => pending.matures_at,
			Open::Tail(_, tail) => tail.ends_at,
		}
	}

	fn open_requests(&mut self) -> &mut u32 {
		match self {
			Open::Pending(pending) => &mut pending.open_requests,
			Open::Tail(_, tail) => &mut tail.open_requests,
		}
	}

	/// Writes back what requests and answers change.
	fn store(self, batch: BatchId) {
		match self {
			Open::Pending(pending) => PendingBatches::<T>::insert(batch, pending),
			Open::Tail(_, tail) => Tails::<T>::insert(batch, tail),
		}
	}
}

impl<T: Config> Pallet<T> {
	pub(crate) fn do_activate_batch(
		batch: BatchId,
		contributors: &[Contribution],
	) -> DispatchResult {
		let pending = PendingBatches::<T>::get(batch).ok_or(Error::<T>::NotPending)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() >= pending.matures_at,
			Error::<T>::TooEarly
		);
		ensure!(pending.samples_opened(), Error::<T>::SamplesUnopened);
		ensure!(pending.open_requests == 0, Error::<T>::RequestsOpen);
		// A platform suspended in the window (for fraud, say) has its batches wait: governance
		// decides before they count.
		let platform = T::Consent::platform(pending.info.platform);
		ensure!(platform.is_some_and(|p| p.active), Error::<T>::PlatformSuspended);
		ensure!(
			contributors_hash(contributors) == pending.contributors_hash,
			Error::<T>::ContributorsMismatch
		);
		let info = BatchInfo { seq: Self::next_seq(), ..pending.info };
		// Part of the bond stays held through the tail (if there is one): a lie found late still
		// costs.
		let tail = Windows::<T>::get().tail;
		let held = if tail.is_zero() { Zero::zero() } else { T::TailBond::get() * pending.bond };
		T::Currency::release(
			&HoldReason::BatchBond.into(),
			&info.submitter,
			pending.bond.saturating_sub(held),
			Precision::BestEffort,
		)?;
		if !tail.is_zero() {
			Tails::<T>::insert(
				batch,
				Tail {
					contributors_hash: pending.contributors_hash,
					bond: held,
					ends_at: frame_system::Pallet::<T>::block_number().saturating_add(tail),
					open_requests: 0,
					revoked_authors: 0,
				},
			);
		}
		// Counted for each identity, whoever it is linked to: its posts pay (and are served)
		// while it is linked through this platform and allows the purposes, the one rule access
		// checks and rewards share.
		let total = contributors.iter().map(|c| u64::from(c.posts)).sum::<u64>();
		PlatformPosts::<T>::mutate(info.platform, |n| *n = n.saturating_add(total));
		for c in contributors {
			Self::add_contribution(&c.author, info.platform, c.posts);
		}
		PendingBatches::<T>::remove(batch);
		Batches::<T>::insert(batch, info);
		Self::deposit_event(Event::BatchActivated { batch });
		Ok(())
	}

	pub(crate) fn do_challenge(
		challenger: T::AccountId,
		batch: BatchId,
		contributors: &[Contribution],
		fraud: &Fraud,
	) -> DispatchResult {
		let open = Open::<T>::load(batch)?;
		ensure!(
			contributors_hash(contributors) == open.contributors_hash(),
			Error::<T>::ContributorsMismatch
		);
		ensure!(proves_fraud::<T>(batch, open.info(), contributors, fraud)?, Error::<T>::NotFraud);
		// Committed in an earlier block, to this proof, by this caller: a proof copied from the
		// pool has no commitment, and a commitment copied names its first maker.
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			Commitments::<T>::get(batch, &challenger).is_some_and(
				|c| c.at < now && c.hash == challenge_commitment(batch, &challenger, fraud)
			),
			Error::<T>::NoCommitment
		);
		Self::take_commitment(batch, &challenger)?;
		Self::void(batch, open, contributors, challenger)
	}

	pub(crate) fn do_commit_challenge(
		who: T::AccountId,
		batch: BatchId,
		hash: H256,
	) -> DispatchResult {
		Open::<T>::load(batch)?;
		let at = frame_system::Pallet::<T>::block_number();
		let deposit = match Commitments::<T>::get(batch, &who) {
			Some(previous) => previous.deposit,
			None => {
				let deposit = T::RequestDeposit::get();
				T::Currency::hold(&HoldReason::ChallengeCommit.into(), &who, deposit)?;
				deposit
			},
		};
		Commitments::<T>::insert(batch, &who, Commitment { hash, at, deposit });
		Self::deposit_event(Event::ChallengeCommitted { batch, challenger: who });
		Ok(())
	}

	pub(crate) fn do_withdraw_commitment(who: T::AccountId, batch: BatchId) -> DispatchResult {
		Self::take_commitment(batch, &who)?;
		Self::deposit_event(Event::CommitmentWithdrawn { batch, challenger: who });
		Ok(())
	}

	/// Ends `batch`'s tail, `revoked_authors` bounding its [`Tail::revoked_authors`]: returns
	/// theirs, what the call's weight depends on.
	pub(crate) fn do_release_bond(
		batch: BatchId,
		revoked_authors: u32,
	) -> Result<u32, DispatchError> {
		let tail = Tails::<T>::get(batch).ok_or(Error::<T>::NotPending)?;
		let info = Batches::<T>::get(batch).ok_or(Error::<T>::NotPending)?;
		ensure!(tail.revoked_authors <= revoked_authors, Error::<T>::BadWitness);
		ensure!(frame_system::Pallet::<T>::block_number() >= tail.ends_at, Error::<T>::TailNotOver);
		ensure!(tail.open_requests == 0, Error::<T>::RequestsOpen);
		T::Currency::release(
			&HoldReason::BatchBond.into(),
			&info.submitter,
			tail.bond,
			Precision::BestEffort,
		)?;
		Tails::<T>::remove(batch);
		let _ = TailRevocations::<T>::clear_prefix(batch, tail.revoked_authors, None);
		Self::deposit_event(Event::BondReleased { batch, amount: tail.bond });
		Ok(tail.revoked_authors)
	}

	pub(crate) fn do_request_leaf(who: T::AccountId, batch: BatchId, index: u32) -> DispatchResult {
		let mut open = Open::<T>::load(batch)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now < open.requests_until(), Error::<T>::WindowClosed);
		ensure!(index < open.info().posts, Error::<T>::IndexOutOfRange);
		ensure!(!LeafRequests::<T>::contains_key(batch, index), Error::<T>::AlreadyRequested);
		// No cap on open requests: each holds its requester's deposit, which pays the registrant
		// for answering, so nobody can hold the slots others need.
		let deposit = T::RequestDeposit::get();
		T::Currency::hold(&HoldReason::LeafRequest.into(), &who, deposit)?;
		let windows = Windows::<T>::get();
		// A bridge answers a batch's requests as they come while it registers, but may be down a
		// while in the week of a tail: requests then get a day.
		let answer = match open {
			Open::Pending(_) => windows.answer,
			Open::Tail(..) => windows.tail_answer,
		};
		let deadline = now.saturating_add(answer);
		LeafRequests::<T>::insert(
			batch,
			index,
			LeafRequest { requester: who.clone(), deposit, deadline },
		);
		let requests = open.open_requests();
		*requests = requests.saturating_add(1);
		open.store(batch);
		Self::deposit_event(Event::LeafRequested { batch, index, requester: who, deadline });
		Ok(())
	}

	pub(crate) fn do_answer_leaf(
		batch: BatchId,
		index: u32,
		post: PostRecord,
		proof: &[H256],
		anonymous: Option<&AnonymousOpening>,
	) -> DispatchResult {
		let mut open = Open::<T>::load(batch)?;
		let now = frame_system::Pallet::<T>::block_number();
		let request = LeafRequests::<T>::get(batch, index);
		// The samples this leaf is, among those not opened yet (a batch in its tail has none).
		let (slots, samples_due) = match &open {
			Open::Pending(pending) => {
				(Self::sample_slots(batch, pending, index) & !pending.opened, pending.samples_due)
			},
			Open::Tail(..) => (0, now),
		};
		let request_live = request.as_ref().is_some_and(|r| now <= r.deadline);
		let samples_live = slots != 0 && now <= samples_due;
		if !request_live && !samples_live {
			return Err(if request.is_some() || slots != 0 {
				Error::<T>::RequestExpired
			} else {
				Error::<T>::NoRequest
			}
			.into());
		}
		ensure!(opens(open.info(), index, &post, proof), Error::<T>::BadProof);
		// A sample checks the anonymous tree too: the post's anonymous leaf must be in it.
		let anonymous_root = AnonymousRoots::<T>::get(batch);
		let anonymous_sample = slots & sample_mask(T::AnonymousSampleSize::get()) != 0;
		if samples_live && anonymous_sample && anonymous_root.is_some() {
			ensure!(anonymous.is_some(), Error::<T>::AnonymousOpeningNeeded);
		}
		if let Some(opening) = anonymous {
			let root = anonymous_root.ok_or(Error::<T>::BadAnonymousOpening)?;
			ensure!(
				opening.opens(&post.text_seal, &root, open.info().posts),
				Error::<T>::BadAnonymousOpening
			);
		}
		if let Some(request) = request.filter(|_| request_live) {
			// The requester pays for the answer: their deposit goes to the registrant.
			T::Currency::transfer_on_hold(
				&HoldReason::LeafRequest.into(),
				&request.requester,
				&open.info().submitter,
				request.deposit,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
			LeafRequests::<T>::remove(batch, index);
			let requests = open.open_requests();
			*requests = requests.saturating_sub(1);
		}
		if let (true, Open::Pending(pending)) = (samples_live, &mut open) {
			pending.opened |= slots;
		}
		open.store(batch);
		let anonymous_index = anonymous.map(|opening| opening.index);
		Self::deposit_event(Event::LeafAnswered { batch, index, post, anonymous_index });
		Ok(())
	}

	pub(crate) fn do_void_unanswered(
		who: T::AccountId,
		batch: BatchId,
		index: u32,
		contributors: &[Contribution],
	) -> DispatchResult {
		let open = Open::<T>::load(batch)?;
		let now = frame_system::Pallet::<T>::block_number();
		let request = LeafRequests::<T>::get(batch, index);
		let challenger = match (&request, &open) {
			(Some(request), _) => {
				ensure!(now > request.deadline, Error::<T>::AnswerWindowOpen);
				request.requester.clone()
			},
			(None, Open::Tail(..)) => return Err(Error::<T>::NoRequest.into()),
			(None, Open::Pending(pending)) => {
				// One of the chain's samples left unopened. While the registration block's hash
				// is kept (until the samples are due, at least), the index must be one of them.
				let unopened = Self::sample_slots(batch, pending, index) & !pending.opened;
				let drawn = Self::sample_seed(pending).is_some();
				ensure!(
					!pending.samples_opened() && (unopened != 0 || !drawn),
					Error::<T>::NoRequest
				);
				ensure!(now > pending.samples_due, Error::<T>::AnswerWindowOpen);
				who
			},
		};
		ensure!(
			contributors_hash(contributors) == open.contributors_hash(),
			Error::<T>::ContributorsMismatch
		);
		// The request that caught it is refunded now; the others by `refund_request`.
		if let Some(request) = request {
			LeafRequests::<T>::remove(batch, index);
			Self::release_deposit(&request)?;
		}
		Self::void(batch, open, contributors, challenger)
	}

	pub(crate) fn do_refund_request(batch: BatchId, index: u32) -> DispatchResult {
		ensure!(Open::<T>::load(batch).is_err(), Error::<T>::BatchPending);
		let request = LeafRequests::<T>::take(batch, index).ok_or(Error::<T>::NoRequest)?;
		Self::release_deposit(&request)?;
		Self::deposit_event(Event::RequestRefunded { batch, index, requester: request.requester });
		Ok(())
	}

	/// Removes `who`'s commitment against `batch` and returns its deposit.
	fn take_commitment(batch: BatchId, who: &T::AccountId) -> DispatchResult {
		let commitment = Commitments::<T>::take(batch, who).ok_or(Error::<T>::NoCommitment)?;
		T::Currency::release(
			&HoldReason::ChallengeCommit.into(),
			who,
			commitment.deposit,
			Precision::BestEffort,
		)
		.map(|_| ())
	}

	/// Returns a request's deposit to its requester.
	fn release_deposit(request: &LeafRequestOf<T>) -> DispatchResult {
		T::Currency::release(
			&HoldReason::LeafRequest.into(),
			&request.requester,
			request.deposit,
			Precision::BestEffort,
		)
		.map(|_| ())
	}

	/// The seed of a pending batch's samples: the hash of the block it was registered in, known
	/// from the next block on and kept `BlockHashCount` blocks. Its registrant signed the
	/// registration before that hash existed, so it could not choose a root whose samples
	/// miss its padding (docs/design.md, *Samples*).
	pub(crate) fn sample_seed(pending: &PendingBatchOf<T>) -> Option<T::Hash> {
		let registered_at = pending.info.registered_at;
		if frame_system::Pallet::<T>::block_number() <= registered_at {
			return None;
		}
		let seed = frame_system::BlockHash::<T>::get(registered_at);
		(seed != T::Hash::default()).then_some(seed)
	}

	/// The leaves the chain sampled from pending `batch`, sample by sample (`None` while the
	/// seed is unknown): each a uniform draw (up to a bias below 2^-32) from its leaves.
	pub(crate) fn sampled_leaves(batch: BatchId, pending: &PendingBatchOf<T>) -> Option<Vec<u32>> {
		let seed = Self::sample_seed(pending)?;
		let posts = u64::from(pending.info.posts).max(1);
		Some(
			(0..pending.samples)
				.map(|sample| {
					let draw = (b"licentia/sample", &seed, batch, sample).using_encoded(blake2_256);
					let mut word = [0u8; 8];
					word.copy_from_slice(&draw[..8]);
					// Below `posts`, a u32.
					(u64::from_le_bytes(word) % posts) as u32
				})
				.collect(),
		)
	}

	/// The bits of the samples of `batch` that are leaf `index` (none while the seed is unknown).
	fn sample_slots(batch: BatchId, pending: &PendingBatchOf<T>, index: u32) -> u32 {
		Self::sampled_leaves(batch, pending).map_or(0, |leaves| {
			leaves
				.iter()
				.enumerate()
				.filter(|(_, leaf)| **leaf == index)
				.fold(0, |bits, (sample, _)| bits | 1u32 << sample)
		})
	}

	pub(crate) fn do_set_windows(windows: ChallengeWindows<BlockNumberFor<T>>) -> DispatchResult {
		let block_hashes = <T as frame_system::Config>::BlockHashCount::get();
		ensure!(windows.is_valid(block_hashes), Error::<T>::BadWindows);
		Windows::<T>::put(windows);
		Self::deposit_event(Event::WindowsSet { windows });
		Ok(())
	}

	/// Removes a batch shown to be fraudulent, pending or in its tail: gives `challenger` the
	/// reward from what is held of its bond and the treasury the rest, withdraws an active
	/// batch's counts (but the posts revoked since it was activated, withdrawn already), and
	/// lowers its contributors' high-water marks back below their ranges where no later batch
	/// raised them. Its open requests stay, each refunded to its requester by `refund_request`
	/// (however many there are, this call's cost does not grow with them).
	fn void(
		batch: BatchId,
		open: Open<T>,
		contributors: &[Contribution],
		challenger: T::AccountId,
	) -> DispatchResult {
		let bond = open.bond();
		let submitter = &open.info().submitter;
		let reward = T::ChallengerReward::get().min(bond);
		let rest = bond.saturating_sub(reward);
		for (to, amount) in [(&challenger, reward), (&T::Treasury::get(), rest)] {
			T::Currency::transfer_on_hold(
				&HoldReason::BatchBond.into(),
				submitter,
				to,
				amount,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
		}
		// The voided ranges no longer count: their posts may be registered again. Posts below a
		// range's first key stay behind the mark, as its registrant chose to skip them.
		for c in contributors {
			if Marks::<T>::get(&c.author) == Some(c.last_key) {
				match c.first_key.checked_sub(1) {
					Some(mark) => Marks::<T>::insert(&c.author, mark),
					None => Marks::<T>::remove(&c.author),
				}
			}
		}
		match open {
			Open::Pending(_) => PendingBatches::<T>::remove(batch),
			Open::Tail(info, _) => {
				Self::withdraw_counts(batch, info.platform, contributors);
				Tails::<T>::remove(batch);
				Batches::<T>::remove(batch);
			},
		}
		AnonymousRoots::<T>::remove(batch);
		Self::deposit_event(Event::BatchVoided { batch, challenger, slashed: bond, reward });
		Ok(())
	}

	/// Withdraws what an active batch on `platform` still counts for each of its contributors:
	/// its posts, less those revoked in its tail (their counts went with them).
	fn withdraw_counts(batch: BatchId, platform: PlatformId, contributors: &[Contribution]) {
		let mut withdrawn = 0u64;
		for c in contributors {
			let revoked = TailRevocations::<T>::take(batch, &c.author);
			let posts = u64::from(c.posts.saturating_sub(revoked));
			Contributions::<T>::mutate_exists(&c.author, platform, |count| {
				let before = count.unwrap_or_default();
				let after = before.saturating_sub(posts);
				withdrawn = withdrawn.saturating_add(before.saturating_sub(after));
				*count = Some(after).filter(|n| *n > 0);
			});
			T::ContributionObserver::contribution_changed(&c.author, platform);
		}
		PlatformPosts::<T>::mutate(platform, |n| *n = n.saturating_sub(withdrawn));
	}

	/// Notes that a post of `author` in `batch` was revoked, if the batch is in its tail.
	pub(crate) fn note_tail_revocation(batch: BatchId, author: &Identity) {
		Tails::<T>::mutate(batch, |tail| {
			let Some(tail) = tail else { return };
			TailRevocations::<T>::mutate(batch, author, |n| {
				if *n == 0 {
					tail.revoked_authors = tail.revoked_authors.saturating_add(1);
				}
				*n = n.saturating_add(1);
			});
		});
	}
}

/// Whether `post` is leaf `index` of `batch`, by `proof`.
fn opens<AccountId, BlockNumber>(
	batch: &BatchInfo<AccountId, BlockNumber>,
	index: u32,
	post: &PostRecord,
	proof: &[H256],
) -> bool {
	verify_batch_proof(&batch.root, proof, batch.posts, index, post.leaf_hash())
}

/// The contributor whose range holds leaf `index`, with the range's first and last index.
fn range_of(contributors: &[Contribution], index: u32) -> Option<(&Contribution, u64, u64)> {
	let mut start = 0u64;
	for c in contributors {
		let end = start.saturating_add(u64::from(c.posts));
		if u64::from(index) < end {
			return Some((c, start, end.saturating_sub(1)));
		}
		start = end;
	}
	None
}

/// Whether `fraud` shows that `batch` (id `batch_id`), registered with `contributors`, breaks
/// the layout. An error if a leaf it opens is not in its batch (or the earlier batch of a
/// duplicate is gone).
fn proves_fraud<T: Config>(
	batch_id: BatchId,
	batch: &BatchInfo<T::AccountId, BlockNumberFor<T>>,
	contributors: &[Contribution],
	fraud: &Fraud,
) -> Result<bool, Error<T>> {
	let open = |index: u32, post: &PostRecord, proof: &[H256]| {
		ensure!(opens(batch, index, post, proof), Error::<T>::BadProof);
		range_of(contributors, index).ok_or(Error::<T>::IndexOutOfRange)
	};
	Ok(match fraud {
		Fraud::Foreign { index, post, proof } => {
			let (owner, ..) = open(*index, post, proof)?;
			post.platform != batch.platform
				|| post.author != owner.author
				|| post.post.order_key(&owner.author).is_none()
		},
		Fraud::Disorder { index, first, first_proof, second, second_proof } => {
			let next = u32::checked_add(*index, 1).ok_or(Error::<T>::IndexOutOfRange)?;
			let (owner, start, _) = open(*index, first, first_proof)?;
			let (_, next_start, _) = open(next, second, second_proof)?;
			// A leaf without a key (of this owner) is `Foreign`, proven as such.
			let keys = (first.post.order_key(&owner.author), second.post.order_key(&owner.author));
			start == next_start && matches!(keys, (Some(a), Some(b)) if b <= a)
		},
		Fraud::Duplicate {
			index,
			post,
			proof,
			earlier,
			earlier_index,
			earlier_post,
			earlier_proof,
		} => {
			open(*index, post, proof)?;
			if *earlier == batch_id {
				ensure!(
					opens(batch, *earlier_index, earlier_post, earlier_proof),
					Error::<T>::BadProof
				);
				*earlier_index != *index && post.post.same_post(&earlier_post.post)
			} else {
				// Ids follow registration: only a batch registered before this one holds the
				// post first (a later one is the duplicate, and is challenged itself).
				let first = Batches::<T>::get(earlier)
					.or_else(|| PendingBatches::<T>::get(earlier).map(|p| p.info))
					.ok_or(Error::<T>::BatchNotFound)?;
				ensure!(
					opens(&first, *earlier_index, earlier_post, earlier_proof),
					Error::<T>::BadProof
				);
				// Only the platform's own earlier batches: another platform cannot void this one
				// by registering its posts first.
				*earlier < batch_id
					&& first.platform == batch.platform
					&& post.post.same_post(&earlier_post.post)
			}
		},
		Fraud::Bound { index, post, proof } => {
			let (owner, first, last) = open(*index, post, proof)?;
			let at = u64::from(*index);
			match post.post.order_key(&owner.author) {
				Some(key) => {
					(at == first && key != owner.first_key) || (at == last && key != owner.last_key)
				},
				None => false,
			}
		},
	})
}
