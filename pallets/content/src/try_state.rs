//! The pallet's invariants, checked by `try-runtime` and after every test.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants: every batch has an id below the next one and its own
	/// `seq` below the count, a batch is pending or active (never both) with its open requests
	/// counted, a tail belongs to an active batch and counts its requests, an anonymous root belongs to a
	/// batch, and the posts counted per platform add up to at least every author's count.
	///
	/// Also built with `std`, so that other pallets' tests can check these invariants too.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let next = NextBatchId::<T>::get();
		let counted = CountedBatches::<T>::get();
		let mut seqs = alloc::collections::BTreeSet::new();
		for (id, batch) in Batches::<T>::iter() {
			ensure!(id < next, "a batch id was never assigned");
			ensure!(batch.posts > 0 && batch.contributors > 0, "an empty batch is stored");
			ensure!(batch.seq < counted && seqs.insert(batch.seq), "a seq is unassigned or shared");
		}
		for (id, pending) in PendingBatches::<T>::iter() {
			ensure!(id < next, "a pending batch id was never assigned");
			ensure!(!Batches::<T>::contains_key(id), "a batch is both pending and active");
			let requests = LeafRequests::<T>::iter_prefix(id).count() as u32;
			ensure!(requests == pending.open_requests, "open requests miscounted");
		}
		for (id, tail) in Tails::<T>::iter() {
			ensure!(Batches::<T>::contains_key(id), "a tail without its active batch");
			let requests = LeafRequests::<T>::iter_prefix(id).count() as u32;
			ensure!(requests == tail.open_requests, "open requests in a tail miscounted");
			let revoked = TailRevocations::<T>::iter_prefix(id).count() as u32;
			ensure!(revoked == tail.revoked_authors, "authors revoked in a tail miscounted");
		}
		for id in AnonymousRoots::<T>::iter_keys() {
			ensure!(
				Batches::<T>::contains_key(id) || PendingBatches::<T>::contains_key(id),
				"an anonymous root outlives its batch"
			);
		}
		for (id, _, _) in TailRevocations::<T>::iter() {
			ensure!(Tails::<T>::contains_key(id), "tail revocations outlive their tail");
		}
		let mut per_platform = BTreeMap::<PlatformId, u64>::new();
		for (_, platform, count) in Contributions::<T>::iter() {
			ensure!(count > 0, "a zero contribution is stored");
			let sum = per_platform.entry(platform).or_default();
			*sum = sum.saturating_add(count);
		}
		for (platform, sum) in per_platform {
			ensure!(
				PlatformPosts::<T>::get(platform) == sum,
				"authors' posts do not add up to their platform's"
			);
		}
		Ok(())
	}
}
