//! The cost of a purchase does not grow with the number of contributors.

use super::*;

/// Contributors of the pool: `n` accounts with one post each on `platform`.
fn contributors(platform: PlatformId, n: u32) {
	for i in 0..n {
		let mut bytes = [2u8; 32];
		bytes[..4].copy_from_slice(&i.to_le_bytes());
		let who = AccountId::new(bytes);
		let identity = Setup::link(&who, platform, 1_000_000 + i as u64, &[TRAINING]);
		Setup::posts(&identity, platform, 1);
	}
}

/// The size of the purchase's storage proof (every trie node it read) and the number of
/// storage keys it wrote, in a pool of `n` contributors.
fn purchase_footprint(n: u32) -> (usize, usize) {
	let mut ext = new_test_ext();
	let buyer = ext.execute_with(|| {
		let operator = Setup::account(100);
		let platform = Setup::platform(PlatformKind::X, &operator, Perbill::from_percent(10));
		contributors(platform, n);
		assert_ok!(Licensing::register_terms(
			RuntimeOrigin::signed(operator.clone()),
			terms(&[TRAINING])
		));
		assert_ok!(Licensing::create_offer(
			RuntimeOrigin::signed(operator),
			platform,
			0,
			Price::Flat(10_000_000)
		));
		Setup::account(3)
	});
	ext.commit_all().expect("commits");
	let ((), proof) = ext.execute_and_prove(|| {
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(buyer), 0, u128::MAX));
		assert_eq!(Licenses::<Test>::get(0).map(|l| l.records), Some(n as u64));
	});
	(proof.encoded_size(), ext.overlayed_changes().changes().count())
}

#[test]
fn a_purchase_costs_the_same_with_ten_or_a_million_contributors() {
	let (small_proof, small_writes) = purchase_footprint(10);
	let (large_proof, large_writes) = purchase_footprint(1_000_000);
	assert_eq!(small_writes, large_writes, "the same storage items are written");
	// The proof grows only with the trie's depth (a few nodes per key), never with the
	// contributors: a per-contributor read would add a million leaves.
	assert!(
		large_proof < small_proof * 3,
		"proof of a purchase: {small_proof} bytes with 10 contributors, {large_proof} with 1,000,000"
	);
	println!("purchase proof: 10 contributors {small_proof} B, 1,000,000 contributors {large_proof} B; {small_writes} keys written");
}
