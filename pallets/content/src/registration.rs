//! Registering posts: a platform's batches, and Nostr authors' own signed events.

use crate::*;
use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::*, traits::fungible::MutateHold};
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::{content::batch_root, nostr};
use sp_core::H256;
use sp_runtime::traits::{CheckedAdd, CheckedMul, Saturating};

// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
use licentia_primitives::consent::Identity;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_batch(
		who: T::AccountId,
		platform: PlatformId,
		(root, anonymous_root): (H256, H256),
		contributors: &[Contribution],
	) -> DispatchResult {
		let info = T::Consent::platform(platform).ok_or(Error::<T>::PlatformNotFound)?;
		ensure!(info.active, Error::<T>::PlatformSuspended);
		ensure!(info.kind != PlatformKind::Nostr, Error::<T>::NostrRegistersItself);
		ensure!(T::Consent::is_operator(platform, &who), Error::<T>::NotOperator);
		ensure!(!contributors.is_empty(), Error::<T>::EmptyBatch);

		// Check everything before writing anything: the batch is all-or-nothing.
		let mut total: u32 = 0;
		for (i, c) in contributors.iter().enumerate() {
			// `integrity_test` proves the bound fits a u16.
			let index = i as u16;
			if let Some(previous) = i.checked_sub(1).and_then(|p| contributors.get(p)) {
				ensure!(previous.author < c.author, Error::<T>::NotSorted);
			}
			ensure!(c.posts > 0, Error::<T>::ZeroPosts);
			ensure!(keys_fit(c), Error::<T>::BadKeys { index });
			total = total.checked_add(c.posts).ok_or(Error::<T>::TooManyPosts)?;
			let link = T::Consent::linked_consent(&c.author)
				.ok_or(Error::<T>::AuthorNotLinked { index })?;
			ensure!(link.platform == platform, Error::<T>::AuthorOnOtherPlatform { index });
			ensure!(link.consent.allows_any(), Error::<T>::NoConsent { index });
			ensure!(
				Marks::<T>::get(&c.author).is_none_or(|mark| c.first_key > mark),
				Error::<T>::AlreadyRegistered { index }
			);
		}
		ensure!(total <= T::MaxPostsPerBatch::get(), Error::<T>::TooManyPosts);

		let bond = T::BondPerPost::get()
			.checked_mul(&total.into())
			.and_then(|b| b.checked_add(&T::BondBase::get()))
			.ok_or(Error::<T>::Overflow)?;
		T::Currency::hold(&HoldReason::BatchBond.into(), &who, bond)?;
		for c in contributors {
			Marks::<T>::insert(&c.author, c.last_key);
		}
		let batch = Self::next_batch_id()?;
		let now = frame_system::Pallet::<T>::block_number();
		let windows = Windows::<T>::get();
		let matures_at = now.saturating_add(windows.challenge);
		let contributors_hash = contributors_hash(contributors);
		let count = contributors.len() as u32;
		PendingBatches::<T>::insert(
			batch,
			PendingBatch {
				info: BatchInfo {
					platform,
					root,
					posts: total,
					contributors: count,
					registered_at: now,
					submitter: who,
					seq: 0,
				},
				contributors_hash,
				bond,
				matures_at,
				open_requests: 0,
				samples: T::SampleSize::get().min(32),
				opened: 0,
				samples_due: matures_at.saturating_add(windows.answer),
			},
		);
		AnonymousRoots::<T>::insert(batch, anonymous_root);
		Self::deposit_event(Event::BatchRegistered {
			batch,
			platform,
			root,
			anonymous_root,
			posts: total,
			contributors: count,
			bond,
			matures_at,
		});
		Ok(())
	}

	pub(crate) fn do_register_nostr_events(
		who: T::AccountId,
		events: &[NostrEvent],
		anonymous_root: H256,
	) -> DispatchResult {
		let platform = T::Consent::nostr_platform().ok_or(Error::<T>::NoNostrPlatform)?;
		let info = T::Consent::platform(platform).ok_or(Error::<T>::PlatformNotFound)?;
		ensure!(info.active, Error::<T>::PlatformSuspended);
		ensure!(!events.is_empty(), Error::<T>::EmptyBatch);

		let now = frame_system::Pallet::<T>::block_number();
		let mut leaves = Vec::with_capacity(events.len());
		let mut ids = Vec::with_capacity(events.len());
		// Each author, its allowance and its notes here (authors are `who`'s keys: a handful).
		let mut authors = Vec::<([u8; 32], NoteAllowance<BlockNumberFor<T>>, u32)>::new();
		for (i, event) in events.iter().enumerate() {
			// `integrity_test` proves the bound fits a u16.
			let index = i as u16;
			let id = event.id().ok_or(Error::<T>::NotANote { index })?;
			if let Some(previous) = ids.last() {
				ensure!(*previous < id, Error::<T>::NotSorted);
			}
			let author = Identity::Nostr(event.pubkey);
			let link = T::Consent::linked_consent(&author)
				.filter(|link| link.account == who && link.platform == platform)
				.ok_or(Error::<T>::NotYourKey { index })?;
			ensure!(link.consent.allows_any(), Error::<T>::NoConsent { index });
			ensure!(!NostrEvents::<T>::contains_key(id), Error::<T>::EventRegistered { index });
			ensure!(
				nostr::verify(&event.pubkey, &id, &event.sig),
				Error::<T>::BadEventSignature { index }
			);
			let position = match authors.iter().position(|(key, ..)| *key == event.pubkey) {
				Some(position) => position,
				None => {
					authors.push((event.pubkey, Self::note_allowance(&event.pubkey, now), 0));
					authors.len() - 1
				},
			};
			let (_, allowance, notes) = &mut authors[position];
			ensure!(
				allowance.used < T::MaxNotesPerPeriod::get(),
				Error::<T>::TooManyNotes { index }
			);
			allowance.used = allowance.used.saturating_add(1);
			*notes = notes.saturating_add(1);
			leaves.push(event.record(platform, id).leaf_hash());
			ids.push(id);
		}
		let count = events.len() as u32;
		let deposit = T::NostrEventDeposit::get().saturating_mul(count.into());
		T::Currency::hold(&HoldReason::NostrEvents.into(), &who, deposit)?;
		let root = batch_root(leaves);
		let batch = Self::next_batch_id()?;
		Batches::<T>::insert(
			batch,
			BatchInfo {
				platform,
				root,
				posts: count,
				contributors: authors.len() as u32,
				registered_at: now,
				submitter: who.clone(),
				seq: Self::next_seq(),
			},
		);
		AnonymousRoots::<T>::insert(batch, anonymous_root);
		PlatformPosts::<T>::mutate(platform, |n| *n = n.saturating_add(count as u64));
		for id in ids {
			NostrEvents::<T>::insert(id, batch);
		}
		for (key, allowance, notes) in authors {
			NoteAllowances::<T>::insert(key, allowance);
			Self::add_contribution(&Identity::Nostr(key), platform, notes);
		}
		Self::deposit_event(Event::NostrEventsRegistered {
			batch,
			account: who,
			root,
			anonymous_root,
			events: count,
			deposit,
		});
		Ok(())
	}

	pub(crate) fn do_commit_anonymous_root(
		who: T::AccountId,
		batch: BatchId,
		anonymous_root: H256,
	) -> DispatchResult {
		let info = match Batches::<T>::get(batch) {
			Some(info) => info,
			None => PendingBatches::<T>::get(batch).ok_or(Error::<T>::BatchNotFound)?.info,
		};
		ensure!(info.submitter == who, Error::<T>::NotRegistrant);
		ensure!(!AnonymousRoots::<T>::contains_key(batch), Error::<T>::AnonymousRootSet);
		AnonymousRoots::<T>::insert(batch, anonymous_root);
		Self::deposit_event(Event::AnonymousRootCommitted { batch, anonymous_root });
		Ok(())
	}

	/// What Nostr key `key` has registered in its period at block `now`: a new period, with
	/// nothing used, once the last one has ended.
	fn note_allowance(key: &[u8; 32], now: BlockNumberFor<T>) -> NoteAllowance<BlockNumberFor<T>> {
		NoteAllowances::<T>::get(key)
			.filter(|allowance| now < allowance.since.saturating_add(T::NotePeriod::get()))
			.unwrap_or(NoteAllowance { since: now, used: 0 })
	}

	/// The next `seq`: a u64 counted up by one per transaction cannot overflow.
	pub(crate) fn next_seq() -> u64 {
		let seq = CountedBatches::<T>::get();
		CountedBatches::<T>::put(seq.saturating_add(1));
		seq
	}

	fn next_batch_id() -> Result<BatchId, DispatchError> {
		let batch = NextBatchId::<T>::get();
		NextBatchId::<T>::put(batch.checked_add(1).ok_or(Error::<T>::Overflow)?);
		Ok(batch)
	}

	pub(crate) fn add_contribution(author: &Identity, platform: PlatformId, posts: u32) {
		// Saturating: a u64 of posts cannot be reached at MaxPostsPerBatch per transaction.
		Contributions::<T>::mutate(author, platform, |n| *n = n.saturating_add(posts as u64));
		T::ContributionObserver::contribution_changed(author, platform);
	}

	/// Sets `author`'s count of registered posts on `platform` with no batch behind it: for
	/// benchmarks and other pallets' tests, never for calls.
	pub fn force_contribution(author: &Identity, platform: PlatformId, posts: u64) {
		let before = Contributions::<T>::get(author, platform);
		// Like the calls, never store a zero count: zero is "no entry".
		if posts == 0 {
			Contributions::<T>::remove(author, platform);
		} else {
			Contributions::<T>::insert(author, platform, posts);
		}
		PlatformPosts::<T>::mutate(platform, |n| {
			*n = n.saturating_sub(before).saturating_add(posts)
		});
		T::ContributionObserver::contribution_changed(author, platform);
	}
}

/// Whether `c`'s keys can hold its posts: one key for one post, room for `posts` strictly
/// increasing keys otherwise.
pub(crate) fn keys_fit(c: &Contribution) -> bool {
	match c.last_key.checked_sub(c.first_key) {
		Some(span) => span >= u64::from(c.posts.saturating_sub(1)) && (span == 0) == (c.posts == 1),
		None => false,
	}
}

/// What a pending batch keeps of its contributor list: blake2-256 of its SCALE encoding.
pub(crate) fn contributors_hash(contributors: &[Contribution]) -> H256 {
	H256(sp_io::hashing::blake2_256(&contributors.encode()))
}
