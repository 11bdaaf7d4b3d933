//! The revocation feed: consent withdrawals and post revocations since a block, so that buyers
//! honour deletions made after their purchase. Entries are kept `MaxDuration` blocks, as long
//! as a license that could need them may last.

use crate::*;
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::licensing::MAX_FEED_SCAN;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Appends `change` to the revocation feed.
	pub(crate) fn append_to_feed(change: FeedChange<T::AccountId>) {
		let seq = FeedNext::<T>::get();
		let at = frame_system::Pallet::<T>::block_number();
		Feed::<T>::insert(seq, FeedRecord { at, change });
		// A u64 of feed entries cannot be exhausted at one entry per post or consent change.
		FeedNext::<T>::put(seq.saturating_add(1));
	}

	/// Drops feed entries older than `MaxDuration` (no license that could need them is still
	/// valid), as many as `remaining` allows. Returns the weight used.
	pub(crate) fn prune_feed(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let (base, one) = (T::WeightInfo::prune_feed(0), T::WeightInfo::prune_feed(1));
		let per_entry = one.saturating_sub(base);
		if !remaining.all_gte(one) {
			return Weight::zero();
		}
		let mut budget = remaining.saturating_sub(base);
		let cutoff = now.saturating_sub(T::MaxDuration::get().into());
		let (mut oldest, next) = (FeedOldest::<T>::get(), FeedNext::<T>::get());
		let mut pruned = 0u32;
		while oldest < next && budget.all_gte(per_entry) {
			budget = budget.saturating_sub(per_entry);
			match Feed::<T>::get(oldest) {
				Some(record) if record.at >= cutoff => break,
				_ => {},
			}
			Feed::<T>::remove(oldest);
			oldest = oldest.saturating_add(1);
			pruned = pruned.saturating_add(1);
		}
		if pruned > 0 {
			FeedOldest::<T>::put(oldest);
		}
		// The entry that stopped the loop was read too.
		T::WeightInfo::prune_feed(pruned.saturating_add(1))
	}

	/// The feed entries that affect `license`, from position `cursor` (the oldest kept when
	/// `None` or pruned) and block `since` on, oldest first: at most `limit` of them, after
	/// looking at no more than [`MAX_FEED_SCAN`] entries (and bisecting to `since`), so a read
	/// costs the same whatever the feed holds and however little of it concerns the license.
	pub(crate) fn feed_page(
		license: LicenseId,
		since: BlockNumberFor<T>,
		cursor: Option<u64>,
		limit: u32,
	) -> FeedPageOf<T> {
		let end = FeedNext::<T>::get();
		let start = cursor.unwrap_or(0).clamp(FeedOldest::<T>::get(), end);
		let Some(license) = Licenses::<T>::get(license) else {
			return FeedPage { records: Vec::new(), next: start, complete: start == end };
		};
		// Entries are in block order: find the first one at or after `since` by bisection.
		let (mut low, mut high) = (start, end);
		while low < high {
			let mid = low + (high - low) / 2;
			match Feed::<T>::get(mid) {
				Some(record) if record.at < since => low = mid + 1,
				_ => high = mid,
			}
		}
		let affects = |change: &FeedChange<T::AccountId>| match change {
			FeedChange::ConsentWithdrawn { platform, purposes, .. } => {
				license.platforms.contains(platform)
					&& !purposes.intersection(license.purposes).is_empty()
			},
			FeedChange::ConsentNarrowed { platform, restrictions, min_price, .. } => {
				license.platforms.contains(platform)
					&& (!restrictions.intersection(license.conflicts).is_empty()
						|| *min_price > license.tier)
			},
			FeedChange::PostRevoked { platform, batch, .. } => {
				license.platforms.contains(platform)
					&& T::Content::batch_root(*batch).is_some_and(|b| b.seq < license.snapshot)
			},
		};
		let (mut next, mut records) = (low, Vec::new());
		let stop = end.min(low.saturating_add(MAX_FEED_SCAN.into()));
		while next < stop && records.len() < limit as usize {
			if let Some(record) = Feed::<T>::get(next).filter(|record| affects(&record.change)) {
				records.push(record);
			}
			next += 1;
		}
		FeedPage { records, next, complete: next == end }
	}
}
