//! The cost of a purchase does not grow with the number of contributors.

use super::*;

/// Contributors of the pool: `n` accounts with one post each on `platform`; with `tiers`, their
/// minimum prices spread over every tier.
fn contributors(platform: PlatformId, n: u32, tiers: bool) {
	for i in 0..n {
		let mut bytes = [2u8; 32];
		bytes[..4].copy_from_slice(&i.to_le_bytes());
		let who = AccountId::new(bytes);
		let identity = Setup::link(&who, platform, 1_000_000 + i as u64, &[TRAINING]);
		Setup::posts(&identity, platform, 1);
		if tiers {
			Balances::set_balance(&who, 1_000);
			let min_price = (i % PRICE_TIERS as u32) as PriceTier;
			let restrictions =
				pallet_consent::Restrictions { refused: Default::default(), min_price };
			assert_ok!(Consent::set_restrictions(
				RuntimeOrigin::signed(who),
				Scope::Identity(identity),
				restrictions
			));
		}
	}
}

/// The size of the purchase's storage proof (every trie node it read) and the number of
/// storage keys it wrote, in a pool of `n` contributors (spread over every price tier with
/// `tiers`).
fn purchase_footprint(n: u32, tiers: bool) -> (usize, usize) {
	let mut ext = new_test_ext();
	let buyer = ext.execute_with(|| {
		let operator = Setup::account(100);
		let platform = Setup::platform(PlatformKind::X, &operator, Perbill::from_percent(10));
		contributors(platform, n, tiers);
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
		// The purchase comes in a block of its own, which starts with no events: otherwise the
		// setup's (a `NewAccount` per contributor, whose link provides for its account) would be
		// read into the proof when the purchase appends its own.
		System::reset_events();
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
	let (small_proof, small_writes) = purchase_footprint(10, false);
	let (large_proof, large_writes) = purchase_footprint(1_000_000, false);
	assert_eq!(small_writes, large_writes, "the same storage items are written");
	// The proof grows only with the trie's depth (a few nodes per key), never with the
	// contributors: a per-contributor read would add a million leaves.
	assert!(
		large_proof < small_proof * 3,
		"proof of a purchase: {small_proof} bytes with 10 contributors, {large_proof} with 1,000,000"
	);
	println!("purchase proof: 10 contributors {small_proof} B, 1,000,000 contributors {large_proof} B; {small_writes} keys written");
}

/// What consent that covers the terms costs a purchase: the share totals are kept per class of
/// consent (512 classes, 4 KiB) and per minimum price tier, and a purchase reads every tier of
/// every platform of its pool. Measured with one platform (`cargo test -p pallet-licensing
/// cost -- --nocapture`): before (purposes only, storage version 2) the proof was 3,366 bytes;
/// now it is 7,216 with every contributor at tier 0 and 13,827 with contributors at all four
/// tiers. The bounds below keep it so.
#[test]
fn the_proof_of_a_purchase_grows_with_the_price_tiers_in_use_not_the_contributors() {
	let (one_tier, writes) = purchase_footprint(10, false);
	let (every_tier, writes_every) = purchase_footprint(10, true);
	println!("purchase proof: one tier {one_tier} B, every tier {every_tier} B");
	assert_eq!(writes, writes_every, "the same storage items are written");
	assert!(one_tier <= 8 * 1024, "one tier in use: {one_tier} bytes");
	assert!(every_tier <= 16 * 1024, "every tier in use: {every_tier} bytes");
}
