//! Benchmarks of every call, on the real runtime's consent and content pallets.
//!
//! `purchase` is parameterised by the pool's platforms only: its cost does not depend on the
//! number of contributors, which the unit test `a_purchase_costs_the_same_with_ten_or_a_million_
//! contributors` shows.

use super::*;
use crate::Pallet as Licensing;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	weights::Weight,
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};

const FUNDS: u128 = 1_000_000_000_000_000_000;

/// A price per record above every price floor of the runtime (1 LCT) and of the mock.
const PER_RECORD: u128 = 1_000_000_000_000;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, FUNDS);
	who
}

/// The longest terms: every purpose, a cap, the longest legal URI.
fn full_terms<T: Config>(seed: u8) -> Terms {
	Terms {
		purposes: PurposeSet::ALL,
		duration: T::MaxDuration::get(),
		record_cap: Some(u64::MAX),
		anonymisation: true,
		attribution: true,
		transferable: true,
		redistribution: true,
		commercial_use: true,
		model_weights_release: true,
		legal_hash: H256::repeat_byte(seed),
		legal_uri: Some(BoundedVec::truncate_from(
			alloc::vec![b'u'; licentia_primitives::licensing::MAX_LEGAL_URI_LEN as usize],
		)),
	}
}

/// `p` platforms, each with a contributor of 250 posts at each minimum price tier (so that a
/// purchase reads every tier's totals), terms `0` and a governance pool offer `0` over them, at
/// a price per record that reaches every tier.
fn pool<T: Config>(p: u32) -> Vec<PlatformId> {
	let mut platforms = Vec::new();
	for i in 0..p {
		let operator = funded::<T>("operator", i);
		let platform = T::BenchmarkHelper::platform(&operator);
		for tier in 0..PRICE_TIERS {
			let who = funded::<T>("contributor", i * PRICE_TIERS as u32 + tier as u32);
			T::BenchmarkHelper::contributor(&who, platform, 250, tier);
		}
		platforms.push(platform);
	}
	platforms.sort();
	let owner = funded::<T>("owner", 0);
	Licensing::<T>::register_terms(RawOrigin::Signed(owner).into(), full_terms::<T>(0))
		.expect("terms register");
	let origin = T::GovernanceOrigin::try_successful_origin().expect("governance can act");
	Licensing::<T>::create_pool_offer(
		origin,
		BoundedVec::truncate_from(platforms.clone()),
		0,
		Price::PerRecord(PER_RECORD),
	)
	.expect("offer opens");
	platforms
}

/// A pool of `p` platforms and a license `0` bought from it by the returned buyer (capped: with
/// more than one platform, each platform has its part of the cap); the pool's first platform.
fn license<T: Config>(p: u32) -> (T::AccountId, PlatformId) {
	let platform = pool::<T>(p)[0];
	let buyer = funded::<T>("buyer", 0);
	Licensing::<T>::purchase(RawOrigin::Signed(buyer.clone()).into(), 0, u128::MAX)
		.expect("purchase");
	(buyer, platform)
}

/// A contributor with `n` identities, each with posts on its own platform, each of which sold a
/// license since it last settled: the most a claim settles.
fn owed_contributor<T: Config>(n: u32) -> T::AccountId {
	let platforms = pool::<T>(n.min(MAX_POOL_PLATFORMS));
	let who = funded::<T>("claimer", 0);
	for platform in &platforms {
		T::BenchmarkHelper::contributor(&who, *platform, 1_000, 0);
	}
	let buyer = funded::<T>("buyer", 0);
	Licensing::<T>::purchase(RawOrigin::Signed(buyer).into(), 0, u128::MAX).expect("purchase");
	full_claim_ledger::<T>(&who);
	who
}

/// Gives `who` a claim in each of the last [`EARNINGS_PERIODS`] periods and moves to the next
/// period: its next claim drops the oldest.
fn full_claim_ledger<T: Config>(who: &T::AccountId) {
	let period = T::EarningsPeriod::get();
	let mut start = BlockNumberFor::<T>::zero();
	ClaimHistory::<T>::mutate(who, |ledger| {
		for _ in 0..EARNINGS_PERIODS {
			ledger.record(start, 1u32.into());
			start = start.saturating_add(period);
		}
	});
	frame_system::Pallet::<T>::set_block_number(start);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_terms() {
		let who = funded::<T>("owner", 0);
		let terms = full_terms::<T>(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), terms.clone());

		assert_eq!(TermsByHash::<T>::get(terms.hash()), Some(0));
	}

	#[benchmark]
	fn create_offer() {
		let operator = funded::<T>("operator", 0);
		let platform = T::BenchmarkHelper::platform(&operator);
		Licensing::<T>::register_terms(
			RawOrigin::Signed(operator.clone()).into(),
			full_terms::<T>(0),
		)
		.expect("terms register");

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), platform, 0, Price::Flat(1));

		assert!(Offers::<T>::contains_key(0));
	}

	#[benchmark]
	fn create_pool_offer(p: Linear<1, MAX_POOL_PLATFORMS>) {
		let mut platforms = Vec::new();
		for i in 0..p {
			platforms.push(T::BenchmarkHelper::platform(&funded::<T>("operator", i)));
		}
		platforms.sort();
		let owner = funded::<T>("owner", 0);
		Licensing::<T>::register_terms(RawOrigin::Signed(owner).into(), full_terms::<T>(0))
			.expect("terms register");
		let origin = T::GovernanceOrigin::try_successful_origin().expect("governance can act");

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, BoundedVec::truncate_from(platforms), 0, Price::Flat(1));

		assert!(Offers::<T>::contains_key(0));
	}

	#[benchmark]
	fn set_offer_paused() {
		pool::<T>(1);
		let origin = T::GovernanceOrigin::try_successful_origin().expect("governance can act");

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, true);

		assert!(Offers::<T>::get(0).is_some_and(|o| o.paused));
	}

	#[benchmark]
	fn close_offer() {
		let operator = funded::<T>("operator", 0);
		let platform = T::BenchmarkHelper::platform(&operator);
		Licensing::<T>::register_terms(
			RawOrigin::Signed(operator.clone()).into(),
			full_terms::<T>(0),
		)
		.expect("terms register");
		Licensing::<T>::create_offer(
			RawOrigin::Signed(operator.clone()).into(),
			platform,
			0,
			Price::Flat(1),
		)
		.expect("offer opens");

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), 0);

		assert!(!Offers::<T>::contains_key(0));
	}

	/// The pool's platforms vary; its contributors do not enter the cost.
	#[benchmark]
	fn purchase(p: Linear<1, MAX_POOL_PLATFORMS>) {
		pool::<T>(p);
		let buyer = funded::<T>("buyer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(buyer), 0, u128::MAX);

		assert_eq!(Licenses::<T>::get(0).map(|l| l.records), Some(1_000 * p as u64));
	}

	#[benchmark]
	fn transfer_license() {
		let (buyer, _) = license::<T>(1);
		let to: T::AccountId = account("to", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(buyer), 0, to.clone());

		assert!(Licenses::<T>::get(0).is_some_and(|l| l.owner == to));
	}

	/// The worst case: for cause, moving the buyer's deposit to the treasury.
	#[benchmark]
	fn revoke_license() {
		license::<T>(1);
		let origin = T::GovernanceOrigin::try_successful_origin().expect("governance can act");
		let evidence = sp_core::H256::repeat_byte(1);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, Some(evidence));

		let license = Licenses::<T>::get(0).expect("kept until released");
		assert!(license.revoked.is_some_and(|r| r.cause == Some(evidence)));
		assert!(license.deposit.is_zero());
	}

	/// The longest path: part of the count drawn from the platform's allowance, the rest
	/// checked against what the cap and the platform's part leave.
	#[benchmark]
	fn record_deliveries() {
		let (_, platform) = license::<T>(2);
		assert!(PlatformParts::<T>::contains_key(0, platform), "a part to record within");
		let operator: T::AccountId = account("operator", 0, 0);
		let signed = || RawOrigin::Signed(operator.clone());
		Licensing::<T>::reserve_deliveries(signed().into(), 0, platform, 5).expect("reserves");

		#[extrinsic_call]
		_(signed(), 0, platform, 10);

		assert!(Licenses::<T>::get(0).is_some_and(|l| l.delivered == 10));
		assert!(!Allowances::<T>::contains_key(0, platform), "the allowance was drawn");
	}

	#[benchmark]
	fn reserve_deliveries() {
		let (_, platform) = license::<T>(2);
		assert!(PlatformParts::<T>::contains_key(0, platform), "a part to reserve within");
		let operator: T::AccountId = account("operator", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), 0, platform, 10);

		assert_eq!(Allowances::<T>::get(0, platform), 10);
		assert_eq!(Reserved::<T>::get(0), 10);
	}

	#[benchmark]
	fn release_license() {
		let (buyer, _) = license::<T>(MAX_POOL_PLATFORMS);
		let origin = T::GovernanceOrigin::try_successful_origin().expect("governance can act");
		Licensing::<T>::revoke_license(origin, 0, None).expect("revokes");

		#[extrinsic_call]
		_(RawOrigin::Signed(buyer), 0);

		assert!(!Licenses::<T>::contains_key(0));
		assert_eq!(PlatformParts::<T>::iter_prefix(0).count(), 0);
	}

	/// `owed_contributor(n)` claims.
	#[benchmark]
	fn claim(n: Linear<1, { T::MaxIdentitiesPerAccount::get() }>) {
		let who = owed_contributor::<T>(n);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Owed::<T>::get(&who), 0);
		assert!(LastClaim::<T>::contains_key(&who));
		assert_eq!(ClaimHistory::<T>::get(&who).periods.len(), EARNINGS_PERIODS as usize);
	}

	/// `claim`'s worst case, paid to a contributor by someone else.
	#[benchmark]
	fn claim_for(n: Linear<1, { T::MaxIdentitiesPerAccount::get() }>) {
		let who = owed_contributor::<T>(n);
		let caller = funded::<T>("caller", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());

		assert_eq!(Owed::<T>::get(&who), 0);
	}

	/// Dropping `n` expired revocation feed entries in `on_idle`.
	#[benchmark]
	fn prune_feed(n: Linear<0, 1_000>) {
		let who: T::AccountId = account("contributor", 0, 0);
		for i in 0..n {
			Licensing::<T>::append_to_feed(FeedChange::ConsentWithdrawn {
				identity: Identity::X(i.into()),
				account: who.clone(),
				platform: i,
				purposes: PurposeSet::ALL,
			});
		}
		let now = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::MaxDuration::get().into())
			.saturating_add(2u32.into());
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Licensing::<T>::prune_feed(now, Weight::MAX);
		}

		assert_eq!(FeedOldest::<T>::get(), n as u64);
	}

	impl_benchmark_test_suite!(Licensing, crate::mock::new_test_ext(), crate::mock::Test);
}
