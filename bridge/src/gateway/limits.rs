//! Bounded work per request: the replay cache and the per-license rate, each constant time per
//! request (amortised), whatever the number of requests or licenses a gateway has seen.

use std::{
	collections::{HashMap, HashSet, VecDeque},
	hash::Hash,
	time::{Duration, Instant},
};

/// Why a signature is refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Replay {
	/// It signed a request before, within its validity.
	Seen,
	/// The cache holds as many live signatures as it may: a flood of fresh keys, refused until
	/// the oldest expire.
	Full,
}

/// The signatures of requests made within their validity, oldest first. Every signature lives
/// equally long, so they expire in the order they came: expired ones are dropped from the front,
/// and no request scans the cache.
pub(super) struct Replays {
	order: VecDeque<(Instant, [u8; 64])>,
	seen: HashSet<[u8; 64]>,
	/// How long a signature is remembered: as long as its timestamp is accepted, and more.
	ttl: Duration,
	/// At most this many live signatures.
	max: usize,
}

impl Replays {
	pub(super) fn new(ttl: Duration, max: usize) -> Self {
		Self { order: VecDeque::new(), seen: HashSet::new(), ttl, max }
	}

	/// Records the first use of `signature` at `now`; refuses a second.
	pub(super) fn first_use(&mut self, signature: [u8; 64], now: Instant) -> Result<(), Replay> {
		while let Some((expires, old)) = self.order.front() {
			if *expires > now {
				break;
			}
			self.seen.remove(old);
			self.order.pop_front();
		}
		if self.seen.contains(&signature) {
			return Err(Replay::Seen);
		}
		if self.seen.len() >= self.max {
			return Err(Replay::Full);
		}
		self.seen.insert(signature);
		self.order.push_back((now + self.ttl, signature));
		Ok(())
	}

	#[cfg(test)]
	pub(super) fn len(&self) -> usize {
		self.seen.len()
	}
}

/// Requests per second per key (a license): the counts of the current second only, forgotten
/// together when the next one begins.
pub(super) struct Rate<K> {
	second: u64,
	counts: HashMap<K, u32>,
	limit: u32,
}

impl<K: Hash + Eq> Rate<K> {
	pub(super) fn new(limit: u32) -> Self {
		Self { second: 0, counts: HashMap::new(), limit: limit.max(1) }
	}

	/// The limit.
	pub(super) fn limit(&self) -> u32 {
		self.limit
	}

	/// Counts a request of `key` in `second`; whether it is within the limit.
	pub(super) fn allow(&mut self, key: K, second: u64) -> bool {
		if second != self.second {
			self.second = second;
			self.counts.clear();
		}
		let count = self.counts.entry(key).or_insert(0);
		*count = count.saturating_add(1);
		*count <= self.limit
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_signature_is_used_once_within_its_validity_and_forgotten_after() {
		let start = Instant::now();
		let mut replays = Replays::new(Duration::from_secs(120), 3);
		assert_eq!(replays.first_use([1; 64], start), Ok(()));
		assert_eq!(replays.first_use([1; 64], start + Duration::from_secs(119)), Err(Replay::Seen));
		assert_eq!(replays.first_use([2; 64], start + Duration::from_secs(1)), Ok(()));
		// At 120 s the first expires (and may be used again: its timestamp no longer is).
		assert_eq!(replays.first_use([3; 64], start + Duration::from_secs(120)), Ok(()));
		assert_eq!(replays.len(), 2);
		assert_eq!(replays.first_use([1; 64], start + Duration::from_secs(120)), Ok(()));
	}

	#[test]
	fn a_flood_of_fresh_signatures_fills_the_cache_and_is_refused_not_grown() {
		let start = Instant::now();
		let mut replays = Replays::new(Duration::from_secs(120), 100);
		for i in 0..100u8 {
			assert_eq!(replays.first_use([i; 64], start), Ok(()));
		}
		assert_eq!(replays.first_use([200; 64], start), Err(Replay::Full));
		assert_eq!(replays.len(), 100);
		assert_eq!(replays.first_use([200; 64], start + Duration::from_secs(120)), Ok(()));
		assert_eq!(replays.len(), 1);
	}

	#[test]
	fn each_license_has_its_own_rate_and_a_new_second_forgets_the_last() {
		let mut rate = Rate::new(2);
		assert!(rate.allow(7u64, 10) && rate.allow(7, 10));
		assert!(!rate.allow(7, 10), "a third in one second");
		assert!(rate.allow(8, 10), "another license's own two");
		assert!(rate.allow(7, 11) && rate.allow(7, 11) && !rate.allow(7, 11));
		assert_eq!(rate.counts.len(), 1, "the last second's counts are gone");
	}
}
