//! What the calls do, and what clients may ask.

use crate::*;
// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::consent::Identity;
use licentia_primitives::{
	consent::PurposeSet,
	content::{batch_root, verify_batch_proof, BatchRoot, ContentProvider, PostStatus},
	nostr,
};
use sp_core::H256;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_batch(
		who: T::AccountId,
		platform: PlatformId,
		root: H256,
		contributors: &[Contribution],
	) -> DispatchResult {
		let info = T::Consent::platform(platform).ok_or(Error::<T>::PlatformNotFound)?;
		ensure!(info.active, Error::<T>::PlatformSuspended);
		ensure!(info.kind != PlatformKind::Nostr, Error::<T>::NostrRegistersItself);
		ensure!(T::Consent::is_operator(platform, &who), Error::<T>::NotOperator);
		ensure!(!contributors.is_empty(), Error::<T>::EmptyBatch);

		// Check everything before writing anything: the batch is all-or-nothing.
		let mut total: u32 = 0;
		let mut authors = Vec::with_capacity(contributors.len());
		for (i, c) in contributors.iter().enumerate() {
			// `integrity_test` proves the bound fits a u16.
			let index = i as u16;
			if let Some(previous) = i.checked_sub(1).and_then(|p| contributors.get(p)) {
				ensure!(previous.author < c.author, Error::<T>::NotSorted);
			}
			ensure!(c.posts > 0, Error::<T>::ZeroPosts);
			total = total.checked_add(c.posts).ok_or(Error::<T>::TooManyPosts)?;
			let (account, linked_through) =
				T::Consent::owner_of(&c.author).ok_or(Error::<T>::AuthorNotLinked { index })?;
			ensure!(linked_through == platform, Error::<T>::AuthorOnOtherPlatform { index });
			ensure!(
				T::Consent::allowed_purposes(&account, &c.author) != PurposeSet::EMPTY,
				Error::<T>::NoConsent { index }
			);
			authors.push((account, c.posts));
		}
		ensure!(total <= T::MaxPostsPerBatch::get(), Error::<T>::TooManyPosts);

		let batch = Self::store_batch(who, platform, root, total, contributors.len() as u32)?;
		for (account, posts) in authors {
			Self::add_contribution(&account, platform, posts);
		}
		Self::deposit_event(Event::BatchRegistered {
			batch,
			platform,
			root,
			posts: total,
			contributors: contributors.len() as u32,
		});
		Ok(())
	}

	pub(crate) fn do_register_nostr_events(
		who: T::AccountId,
		events: &[NostrEvent],
	) -> DispatchResult {
		let platform = T::Consent::nostr_platform().ok_or(Error::<T>::NoNostrPlatform)?;
		let info = T::Consent::platform(platform).ok_or(Error::<T>::PlatformNotFound)?;
		ensure!(info.active, Error::<T>::PlatformSuspended);
		ensure!(!events.is_empty(), Error::<T>::EmptyBatch);

		let mut leaves = Vec::with_capacity(events.len());
		let mut authors = Vec::<[u8; 32]>::new();
		for (i, event) in events.iter().enumerate() {
			// `integrity_test` proves the bound fits a u16.
			let index = i as u16;
			if let Some(previous) = i.checked_sub(1).and_then(|p| events.get(p)) {
				ensure!(previous.id < event.id, Error::<T>::NotSorted);
			}
			let author = Identity::Nostr(event.pubkey);
			let linked = T::Consent::owner_of(&author);
			ensure!(linked == Some((who.clone(), platform)), Error::<T>::NotYourKey { index });
			ensure!(
				T::Consent::allowed_purposes(&who, &author) != PurposeSet::EMPTY,
				Error::<T>::NoConsent { index }
			);
			ensure!(
				nostr::verify(&event.pubkey, &event.id, &event.sig),
				Error::<T>::BadEventSignature { index }
			);
			if !authors.contains(&event.pubkey) {
				authors.push(event.pubkey);
			}
			let record = PostRecord {
				platform,
				post: PostId::Nostr { id: event.id },
				content_hash: H256(event.id),
				author,
			};
			leaves.push(record.leaf_hash());
		}
		let count = events.len() as u32;
		let root = batch_root(leaves);
		let batch = Self::store_batch(who.clone(), platform, root, count, authors.len() as u32)?;
		Self::add_contribution(&who, platform, count);
		Self::deposit_event(Event::NostrEventsRegistered {
			batch,
			account: who,
			root,
			events: count,
		});
		Ok(())
	}

	pub(crate) fn do_revoke_post(
		who: T::AccountId,
		batch: BatchId,
		post: PostRecord,
		index: u32,
		proof: &[H256],
	) -> DispatchResult {
		let info = Batches::<T>::get(batch).ok_or(Error::<T>::BatchNotFound)?;
		let leaf = post.leaf_hash();
		ensure!(
			post.platform == info.platform
				&& verify_batch_proof(&info.root, proof, info.posts, index, leaf),
			Error::<T>::BadProof
		);
		ensure!(!RevokedPosts::<T>::contains_key(leaf), Error::<T>::AlreadyRevoked);
		let author = T::Consent::owner_of(&post.author).map(|(account, _)| account);
		ensure!(
			author.as_ref() == Some(&who) || T::Consent::is_operator(info.platform, &who),
			Error::<T>::NotAllowed
		);

		RevokedPosts::<T>::insert(
			leaf,
			Revocation { batch, at: frame_system::Pallet::<T>::block_number() },
		);
		// The post was counted for the identity's account when it was registered. If the
		// identity has since been unlinked, nobody holds its count any more.
		if let Some(author) = author {
			Contributions::<T>::mutate_exists(&author, info.platform, |count| {
				*count = count.map(|c| c.saturating_sub(1)).filter(|c| *c > 0);
			});
			T::ContributionObserver::contribution_changed(&author, info.platform);
		}
		PlatformPosts::<T>::mutate(info.platform, |n| *n = n.saturating_sub(1));
		T::ContributionObserver::post_revoked(info.platform, batch, leaf);
		Self::deposit_event(Event::PostRevoked { batch, post: leaf, by: who });
		Ok(())
	}

	fn store_batch(
		submitter: T::AccountId,
		platform: PlatformId,
		root: H256,
		posts: u32,
		contributors: u32,
	) -> Result<BatchId, DispatchError> {
		let batch = NextBatchId::<T>::get();
		let next = batch.checked_add(1).ok_or(sp_runtime::ArithmeticError::Overflow)?;
		NextBatchId::<T>::put(next);
		let registered_at = frame_system::Pallet::<T>::block_number();
		Batches::<T>::insert(
			batch,
			BatchInfo { platform, root, posts, contributors, registered_at, submitter },
		);
		PlatformPosts::<T>::mutate(platform, |n| *n = n.saturating_add(posts as u64));
		Ok(batch)
	}

	fn add_contribution(who: &T::AccountId, platform: PlatformId, posts: u32) {
		// Saturating: a u64 of posts cannot be reached at MaxPostsPerBatch per transaction.
		Contributions::<T>::mutate(who, platform, |n| *n = n.saturating_add(posts as u64));
		T::ContributionObserver::contribution_changed(who, platform);
	}

	/// Sets `who`'s count of registered posts on `platform` with no batch behind it: for
	/// benchmarks and other pallets' tests, never for calls.
	pub fn force_contribution(who: &T::AccountId, platform: PlatformId, posts: u64) {
		let before = Contributions::<T>::get(who, platform);
		// Like the calls, never store a zero count: zero is "no entry".
		if posts == 0 {
			Contributions::<T>::remove(who, platform);
		} else {
			Contributions::<T>::insert(who, platform, posts);
		}
		PlatformPosts::<T>::mutate(platform, |n| {
			*n = n.saturating_sub(before).saturating_add(posts)
		});
		T::ContributionObserver::contribution_changed(who, platform);
	}

	/// Whether `post`, claimed to be leaf `index` of `batch` with `proof`, is registered.
	pub fn post_status(
		batch: BatchId,
		post: &PostRecord,
		index: u32,
		proof: &[H256],
	) -> PostStatus<BlockNumberFor<T>> {
		<Self as ContentProvider<T::AccountId, BlockNumberFor<T>>>::post_status(
			batch, post, index, proof,
		)
	}

	/// A batch, as the runtime API shows it.
	pub fn batch_view(
		id: BatchId,
	) -> Option<licentia_primitives::runtime_api::BatchView<T::AccountId, BlockNumberFor<T>>> {
		Batches::<T>::get(id).map(|b| licentia_primitives::runtime_api::BatchView {
			id,
			platform: b.platform,
			root: b.root,
			posts: b.posts,
			contributors: b.contributors,
			registered_at: b.registered_at,
			submitter: b.submitter,
		})
	}

	/// An account's registered posts per platform (bounded by the number of platforms).
	pub fn contributions_of(who: &T::AccountId) -> Vec<(PlatformId, u64)> {
		Contributions::<T>::iter_prefix(who).collect()
	}

	/// Checks the pallet's invariants: every batch has an id below the next one, and the posts
	/// counted per platform add up to at least every author's count.
	///
	/// Also built with `std`, so that other pallets' tests can check these invariants too.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let next = NextBatchId::<T>::get();
		for (id, batch) in Batches::<T>::iter() {
			ensure!(id < next, "a batch id was never assigned");
			ensure!(batch.posts > 0 && batch.contributors > 0, "an empty batch is stored");
		}
		let mut per_platform = alloc::collections::BTreeMap::<PlatformId, u64>::new();
		for (_, platform, count) in Contributions::<T>::iter() {
			ensure!(count > 0, "a zero contribution is stored");
			let sum = per_platform.entry(platform).or_default();
			*sum = sum.saturating_add(count);
		}
		for (platform, sum) in per_platform {
			ensure!(
				PlatformPosts::<T>::get(platform) >= sum,
				"authors hold more posts than their platform registered"
			);
		}
		Ok(())
	}
}

impl<T: Config> ContentProvider<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn contributions(who: &T::AccountId, platform: PlatformId) -> u64 {
		Contributions::<T>::get(who, platform)
	}

	fn batch_count() -> BatchId {
		NextBatchId::<T>::get()
	}

	fn batch_root(batch: BatchId) -> Option<BatchRoot> {
		Batches::<T>::get(batch).map(|b| BatchRoot {
			platform: b.platform,
			root: b.root,
			posts: b.posts,
		})
	}

	fn revoked_at(leaf: &H256) -> Option<BlockNumberFor<T>> {
		RevokedPosts::<T>::get(leaf).map(|revocation| revocation.at)
	}
}
