//! What clients and other pallets may ask. The `api_*` functions answer the `ContentApi` runtime
//! API, one per method and named after it, and nothing else calls them; other pallets ask
//! through [`ContentProvider`]. They only read.

use crate::*;
use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::{
	content::{BatchRoot, PostStatus},
	runtime_api::{BatchView, OpenRequest, MAX_LISTED_REQUESTS},
};
use sp_core::H256;

impl<T: Config> Pallet<T> {
	/// A batch, pending or active, as clients see it.
	pub fn api_batch(id: BatchId) -> Option<BatchView<T::AccountId, BlockNumberFor<T>>> {
		let (b, pending_until, requests) = match Batches::<T>::get(id) {
			// In its tail, its open requests.
			Some(batch) => (batch, None, Self::open_requests(id, Vec::new())),
			None => {
				let pending = PendingBatches::<T>::get(id)?;
				let requests = Self::leaves_to_open(id, &pending);
				(pending.info, Some(pending.matures_at), requests)
			},
		};
		Some(BatchView {
			id,
			platform: b.platform,
			root: b.root,
			anonymous_root: AnonymousRoots::<T>::get(id),
			posts: b.posts,
			contributors: b.contributors,
			registered_at: b.registered_at,
			submitter: b.submitter,
			seq: pending_until.is_none().then_some(b.seq),
			pending_until,
			requests,
		})
	}

	/// What the registrant of pending batch `id` must open, by index, with the last block it
	/// can: the chain's samples not opened yet (due at `samples_due`), then the open requests,
	/// at most [`MAX_LISTED_REQUESTS`] in all (a bridge answers those, then asks again).
	fn leaves_to_open(
		id: BatchId,
		pending: &PendingBatchOf<T>,
	) -> Vec<OpenRequest<BlockNumberFor<T>>> {
		let samples = Self::sampled_leaves(id, pending).unwrap_or_default();
		let mut listed: Vec<OpenRequest<BlockNumberFor<T>>> = Vec::new();
		for (sample, index) in samples.into_iter().enumerate() {
			let opened = pending.opened & (1u32 << sample) != 0;
			if !opened && !listed.iter().any(|r| r.index == index) {
				let anonymous = (sample as u32) < T::AnonymousSampleSize::get();
				listed.push(OpenRequest { index, deadline: pending.samples_due, anonymous });
			}
		}
		Self::open_requests(id, listed)
	}

	/// `listed`, then the open requests for leaves of batch `id` not listed already (a requested
	/// leaf that is also an unopened sample is listed once: one answer opens both), at most
	/// [`MAX_LISTED_REQUESTS`] in all.
	fn open_requests(
		id: BatchId,
		mut listed: Vec<OpenRequest<BlockNumberFor<T>>>,
	) -> Vec<OpenRequest<BlockNumberFor<T>>> {
		let room = (MAX_LISTED_REQUESTS as usize).saturating_sub(listed.len());
		let requests: Vec<_> = LeafRequests::<T>::iter_prefix(id)
			.filter(|(index, _)| !listed.iter().any(|r| r.index == *index))
			.map(|(index, request)| OpenRequest {
				index,
				deadline: request.deadline,
				anonymous: false,
			})
			.take(room)
			.collect();
		listed.extend(requests);
		listed
	}

	/// The number of batches registered so far (the next batch's id).
	pub fn api_batch_count() -> BatchId {
		NextBatchId::<T>::get()
	}

	/// Whether `post`, claimed to be leaf `index` of `batch` with `proof`, is registered,
	/// revoked, or not in the batch; a registered post whose author is not linked through the
	/// post's own platform is `Unlinked`, as access checks treat it, and a post of a batch in
	/// its challenge window is `Pending`.
	pub fn api_post_status(
		batch: BatchId,
		post: &PostRecord,
		index: u32,
		proof: &[H256],
	) -> PostStatus<BlockNumberFor<T>> {
		if let Some(pending) = PendingBatches::<T>::get(batch) {
			let info = pending.info;
			let root =
				BatchRoot { platform: info.platform, root: info.root, posts: info.posts, seq: 0 };
			return match root.post_status(post, index, proof, |_| None::<BlockNumberFor<T>>) {
				PostStatus::Registered => PostStatus::Pending { until: pending.matures_at },
				status => status,
			};
		}
		let status = <Self as ContentProvider<T::AccountId, BlockNumberFor<T>>>::post_status(
			batch, post, index, proof,
		);
		let linked_here = || {
			T::Consent::owner_of(&post.author).is_some_and(|(_, through)| through == post.platform)
		};
		match status {
			PostStatus::Registered if !linked_here() => PostStatus::Unlinked,
			status => status,
		}
	}

	/// The registered (not revoked) posts of `who`'s identities, each on the platform it is
	/// linked through, summed per platform (bounded by its identities): what pays `who`, for
	/// the purposes it allows.
	pub fn api_contributions(who: &T::AccountId) -> Vec<(PlatformId, u64)> {
		let mut per_platform = Vec::<(PlatformId, u64)>::new();
		for (identity, platform) in T::Consent::identities_of(who) {
			let posts = Contributions::<T>::get(&identity, platform);
			if posts == 0 {
				continue;
			}
			match per_platform.iter_mut().find(|(p, _)| *p == platform) {
				Some((_, sum)) => *sum = sum.saturating_add(posts),
				None => per_platform.push((platform, posts)),
			}
		}
		per_platform.sort_unstable();
		per_platform
	}

	/// A platform's registered (not revoked) posts.
	pub fn api_platform_posts(platform: PlatformId) -> u64 {
		PlatformPosts::<T>::get(platform)
	}
}

impl<T: Config> ContentProvider<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn contributions(identity: &Identity, platform: PlatformId) -> u64 {
		Contributions::<T>::get(identity, platform)
	}

	fn counted_batches() -> u64 {
		CountedBatches::<T>::get()
	}

	fn batch_root(batch: BatchId) -> Option<BatchRoot> {
		Batches::<T>::get(batch).map(|b| BatchRoot {
			platform: b.platform,
			root: b.root,
			posts: b.posts,
			seq: b.seq,
		})
	}

	fn revoked_at(leaf: &H256) -> Option<BlockNumberFor<T>> {
		RevokedPosts::<T>::get(leaf).map(|revocation| revocation.at)
	}
}
