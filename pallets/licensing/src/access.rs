//! Access checks: may a record be served under a license now, or why not.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::ensure;
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::{
	consent::{Consent, Demand, Identity},
	content::{BatchRoot, PostStatus},
};

/// Answers access checks at the current block, remembering what it read: a platform checks
/// thousands of records of one license, from a few batches and authors, at once.
pub(crate) struct AccessChecker<T: Config> {
	now: BlockNumberFor<T>,
	licenses: BTreeMap<LicenseId, Option<LicenseOf<T>>>,
	batches: BTreeMap<BatchId, Option<BatchRoot>>,
	/// Per author and platform: the consent its posts are in the pool with, and the first
	/// license counted over them.
	members: BTreeMap<(Identity, PlatformId), Option<(Consent, Since)>>,
}

impl<T: Config> AccessChecker<T> {
	pub(crate) fn new() -> Self {
		Self {
			now: frame_system::Pallet::<T>::block_number(),
			licenses: BTreeMap::new(),
			batches: BTreeMap::new(),
			members: BTreeMap::new(),
		}
	}

	/// May `query.post` be served for `query.purpose` under `query.license`? The first reason
	/// that applies, in the order of [`Denial`]'s variants, is the answer.
	pub(crate) fn check(&mut self, query: &AccessQuery) -> AccessDecision {
		let license = self
			.licenses
			.entry(query.license)
			.or_insert_with(|| Licenses::<T>::get(query.license))
			.as_ref()
			.ok_or(Denial::UnknownLicense)?;
		ensure!(license.revoked.is_none(), Denial::LicenseRevoked);
		ensure!(self.now < license.expiry, Denial::Expired);
		ensure!(license.purposes.contains(query.purpose), Denial::PurposeNotCovered);
		ensure!(license.cap.is_none_or(|cap| license.delivered < cap), Denial::CapReached);
		ensure!(license.platforms.contains(&query.post.platform), Denial::OutsideSnapshot);
		let demand =
			Demand { purposes: license.purposes, conflicts: license.conflicts, tier: license.tier };
		let snapshot = license.snapshot;

		let batch = self
			.batches
			.entry(query.batch)
			.or_insert_with(|| T::Content::batch_root(query.batch))
			.ok_or(Denial::NotRegistered)?;
		// The batches counting when the license was bought, and no other: those its price was
		// counted over (a batch activated later is not in it, whatever its id).
		ensure!(batch.seq < snapshot, Denial::OutsideSnapshot);
		match batch.post_status(&query.post, query.index, &query.proof, T::Content::revoked_at) {
			PostStatus::Registered => {},
			PostStatus::Revoked { .. } => return Err(Denial::PostRevoked),
			// `BatchRoot::post_status` never answers `Unlinked` (the author is checked below) or
			// `Pending` (`batch_root` knows activated batches only: a pending one is not found).
			PostStatus::NotInBatch
			| PostStatus::BatchNotFound
			| PostStatus::Unlinked
			| PostStatus::Pending { .. } => return Err(Denial::NotRegistered),
		}

		// The author's consent counts only through the platform the post was registered by (a
		// record of one platform's user inside another platform's batch is never served), as
		// the pool holds it: the member exists while the posts pay their author.
		let key = (query.post.author.clone(), query.post.platform);
		let member = self.members.entry(key).or_insert_with_key(|(author, platform)| {
			PoolMembers::<T>::get(author, platform)
				.map(|member| (member.consent, MemberSince::<T>::get(author, platform)))
		});
		let (_, since) = member
			.as_ref()
			.filter(|(consent, _)| consent.admits(&demand))
			.ok_or(Denial::ConsentWithdrawn)?;
		// Only the authors the license's price was counted over and paid to.
		ensure!(since.of(&demand) <= query.license, Denial::NotCounted);
		Ok(())
	}
}
