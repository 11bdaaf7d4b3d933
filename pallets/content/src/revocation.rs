//! Withdrawing a registered post, by its author or its platform.

use crate::*;
use frame_support::{ensure, pallet_prelude::*};
use licentia_primitives::content::verify_batch_proof;
use sp_core::H256;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_revoke_post(
		who: T::AccountId,
		batch: BatchId,
		post: PostRecord,
		index: u32,
		proof: &[H256],
	) -> DispatchResult {
		ensure!(!PendingBatches::<T>::contains_key(batch), Error::<T>::BatchPending);
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
		// The post was counted for its author's identity, whoever holds it now.
		Contributions::<T>::mutate_exists(&post.author, info.platform, |count| {
			*count = count.map(|c| c.saturating_sub(1)).filter(|c| *c > 0);
		});
		T::ContributionObserver::contribution_changed(&post.author, info.platform);
		PlatformPosts::<T>::mutate(info.platform, |n| *n = n.saturating_sub(1));
		T::ContributionObserver::post_revoked(info.platform, batch, leaf);
		Self::deposit_event(Event::PostRevoked { batch, post: leaf, by: who });
		Ok(())
	}
}
