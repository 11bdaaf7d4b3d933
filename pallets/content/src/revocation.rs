//! Withdrawing registered posts, by their author or their platform: one at a time, or as many
//! as a bridge has deletions for.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::{ensure, pallet_prelude::*};
use licentia_primitives::content::verify_batch_proof;
use sp_core::H256;

// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
use licentia_primitives::consent::Identity;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_revoke_post(
		who: T::AccountId,
		batch: BatchId,
		post: PostRecord,
		index: u32,
		proof: &[H256],
	) -> DispatchResult {
		let (platform, leaf) = Self::check_revocation(&who, batch, &post, index, proof).map_err(
			|reason| match reason {
				RevocationError::BatchNotFound => Error::<T>::BatchNotFound,
				RevocationError::BatchPending => Error::<T>::BatchPending,
				RevocationError::BadProof => Error::<T>::BadProof,
				RevocationError::NotAllowed => Error::<T>::NotAllowed,
			},
		)?;
		ensure!(!RevokedPosts::<T>::contains_key(leaf), Error::<T>::AlreadyRevoked);
		Self::revoke(&who, batch, platform, leaf, &post.author);
		Self::take_contributions(&post.author, platform, 1);
		Ok(())
	}

	pub(crate) fn do_revoke_posts(who: T::AccountId, posts: &[PostWithProof]) -> DispatchResult {
		// How many posts each author (on each platform) loses: settled once per author.
		let mut lost = BTreeMap::<(&Identity, PlatformId), u64>::new();
		for (i, p) in posts.iter().enumerate() {
			// `integrity_test` proves the bound fits a u16.
			let index = i as u16;
			let (platform, leaf) =
				Self::check_revocation(&who, p.batch, &p.post, p.index, &p.proof)
					.map_err(|reason| Error::<T>::CannotRevoke { index, reason })?;
			// Revoked before (or earlier in this call): nothing left to do.
			if RevokedPosts::<T>::contains_key(leaf) {
				continue;
			}
			Self::revoke(&who, p.batch, platform, leaf, &p.post.author);
			*lost.entry((&p.post.author, platform)).or_default() += 1;
		}
		for ((author, platform), posts) in lost {
			Self::take_contributions(author, platform, posts);
		}
		Ok(())
	}

	/// Whether `who` may revoke `post`, claimed to be leaf `index` of `batch` by `proof`: the
	/// batch's platform and the post's leaf hash if so.
	fn check_revocation(
		who: &T::AccountId,
		batch: BatchId,
		post: &PostRecord,
		index: u32,
		proof: &[H256],
	) -> Result<(PlatformId, H256), RevocationError> {
		ensure!(!PendingBatches::<T>::contains_key(batch), RevocationError::BatchPending);
		let info = Batches::<T>::get(batch).ok_or(RevocationError::BatchNotFound)?;
		let leaf = post.leaf_hash();
		ensure!(
			post.platform == info.platform
				&& verify_batch_proof(&info.root, proof, info.posts, index, leaf),
			RevocationError::BadProof
		);
		let author = T::Consent::owner_of(&post.author).map(|(account, _)| account);
		ensure!(
			author.as_ref() == Some(who) || T::Consent::is_operator(info.platform, who),
			RevocationError::NotAllowed
		);
		Ok((info.platform, leaf))
	}

	/// Marks the post with leaf hash `leaf`, by `author`, revoked and tells licensing, which
	/// feeds it to license holders.
	fn revoke(
		who: &T::AccountId,
		batch: BatchId,
		platform: PlatformId,
		leaf: H256,
		author: &Identity,
	) {
		Self::note_tail_revocation(batch, author);
		RevokedPosts::<T>::insert(
			leaf,
			PostRevocation { batch, at: frame_system::Pallet::<T>::block_number() },
		);
		T::ContributionObserver::post_revoked(platform, batch, leaf);
		Self::deposit_event(Event::PostRevoked { batch, post: leaf, by: who.clone() });
	}

	/// Takes `posts` revoked posts from `author`'s count on `platform` (they were counted for
	/// its identity, whoever holds it now) and from the platform's, and has licensing settle
	/// the author's standing.
	fn take_contributions(author: &Identity, platform: PlatformId, posts: u64) {
		Contributions::<T>::mutate_exists(author, platform, |count| {
			*count = count.map(|c| c.saturating_sub(posts)).filter(|c| *c > 0);
		});
		PlatformPosts::<T>::mutate(platform, |n| *n = n.saturating_sub(posts));
		T::ContributionObserver::contribution_changed(author, platform);
	}
}
