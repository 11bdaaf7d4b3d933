//! Consent that covers the terms: restrictions and minimum prices decide which posts a sale
//! reaches, what it pays, what access checks serve and what the feed reports.

use super::*;
use licentia_primitives::consent::{Restriction, RestrictionSet};
use pallet_consent::Restrictions;

/// `who` refuses `refused` and asks at least tier `min_price`, for all its identities.
fn restrict(who: &AccountId, refused: &[Restriction], min_price: PriceTier) {
	let refused = refused.to_vec().try_into().expect("at most four");
	assert_ok!(Consent::set_restrictions(
		RuntimeOrigin::signed(who.clone()),
		Scope::Account,
		Restrictions { refused, min_price }
	));
}

/// Terms for AI training that conflict with exactly `conflicts`.
fn terms_conflicting(purposes: PurposeSet, conflicts: RestrictionSet) -> Terms {
	Terms {
		purposes,
		commercial_use: conflicts.contains(Restriction::NoCommercialUse),
		anonymisation: !conflicts.contains(Restriction::AnonymisationRequired),
		model_weights_release: conflicts.contains(Restriction::NoModelWeights),
		redistribution: conflicts.contains(Restriction::NoRedistribution),
		..terms(&[TRAINING])
	}
}

fn offer(w: &World, terms: TermsId, price: Price<Balance>) -> OfferId {
	let id = NextOfferId::<Test>::get();
	assert_ok!(Licensing::create_offer(
		RuntimeOrigin::signed(w.operator.clone()),
		w.platform,
		terms,
		price
	));
	id
}

#[test]
fn terms_conflict_with_the_restrictions_they_allow_past() {
	let all = terms_conflicting(PurposeSet::ALL, RestrictionSet::ALL);
	assert_eq!(all.conflicts(), RestrictionSet::ALL);
	let none = terms_conflicting(PurposeSet::ALL, RestrictionSet::EMPTY);
	assert_eq!(none.conflicts(), RestrictionSet::EMPTY);
	// The world's terms: commercial, anonymised, no weights, no redistribution.
	assert_eq!(
		terms(&[TRAINING]).conflicts(),
		RestrictionSet::EMPTY.with(Restriction::NoCommercialUse)
	);
}

#[test]
fn restrictions_and_minimum_prices_decide_what_a_sale_reaches_and_pays() {
	run(|| {
		let w = world();
		// Alice (30 posts) refuses commercial use; Bob (70) asks tier 2 (100 per record).
		restrict(&w.alice, &[Restriction::NoCommercialUse], 0);
		let q = Licensing::api_quote(0).expect("Bob's posts are left");
		assert_eq!((q.records, q.tier), (70, 0));
		assert_eq!(q.excluded, Exclusions { no_commercial_use: 30, ..Default::default() });
		restrict(&w.bob, &[], 2);
		// At 10 per record (tier 0) nothing is left, and the quote says why.
		let why = Exclusions { no_commercial_use: 30, min_price: 70, ..Default::default() };
		assert_eq!(Licensing::api_quote(0), Err(QuoteError::NothingToLicense(why)));
		assert_noop!(
			Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX),
			Error::<Test>::NothingToLicense
		);

		// At 100 per record (tier 2), Bob's posts are in; Alice's still refuse the terms.
		let dear = offer(&w, 0, Price::PerRecord(100));
		let q = Licensing::api_quote(dear).expect("reaches Bob");
		assert_eq!((q.price, q.records, q.tier), (7_000, 70, 2));
		assert_eq!(q.excluded, Exclusions { no_commercial_use: 30, ..Default::default() });
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), dear, 7_000));
		let license = Licenses::<Test>::get(0).expect("minted");
		assert_eq!((license.records, license.tier), (70, 2));
		assert_eq!(license.conflicts, RestrictionSet::EMPTY.with(Restriction::NoCommercialUse));
		// 5% fee = 350; 6,650 to the platform: 665 to it, 5,985 over Bob's 70 posts.
		assert_eq!(Licensing::api_pending_rewards(&w.bob), 5_985);
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 0, "refused: paid nothing");

		// Non-commercial terms reach Alice too, and pay her at her share.
		let mut research = terms(&[TRAINING]);
		research.commercial_use = false;
		assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(w.operator.clone()), research));
		let open = offer(&w, 1, Price::PerRecord(100));
		assert_eq!(Licensing::api_quote(open).map(|q| q.records), Ok(100));
	});
}

#[test]
fn a_flat_price_reaches_the_highest_tier_its_price_per_record_meets() {
	run(|| {
		let w = world();
		// Bob (70 posts) asks 20 per record (tier 1), Alice (30) 1,000 (tier 3).
		restrict(&w.bob, &[], 1);
		restrict(&w.alice, &[], 3);
		// 5,000 over all 100 posts is 50 per record: short of tier 3's 1,000, and over Bob's
		// 70 it is 71, short of tier 2's 100: tier 1 it is, Bob's posts only.
		let flat = offer(&w, 0, Price::Flat(5_000));
		let q = Licensing::api_quote(flat).expect("reaches Bob");
		assert_eq!((q.records, q.tier), (70, 1));
		assert_eq!(q.excluded, Exclusions { min_price: 30, ..Default::default() });
		// 100,000 over 100 posts is 1,000 per record: tier 3, everyone.
		let rich = offer(&w, 0, Price::Flat(100_000));
		let q = Licensing::api_quote(rich).expect("reaches both");
		assert_eq!((q.records, q.tier, q.excluded), (100, 3, Exclusions::default()));
		// 50 over Bob's 70 is under a unit per record: only tier 0, which nobody accepts.
		let cheap = offer(&w, 0, Price::Flat(50));
		let why = Exclusions { min_price: 100, ..Default::default() };
		assert_eq!(Licensing::api_quote(cheap), Err(QuoteError::NothingToLicense(why)));
	});
}

#[test]
fn exclusions_count_each_post_once_by_its_first_reason() {
	run(|| {
		let w = world();
		// Alice refuses everything and asks the most; Bob allows research only.
		restrict(&w.alice, &Restriction::ALL, 3);
		assert_ok!(Consent::set_consent(
			RuntimeOrigin::signed(w.bob.clone()),
			Scope::Account,
			vec![(TRAINING, Decision::Deny)].try_into().expect("one")
		));
		let every = terms_conflicting(PurposeSet::EMPTY.with(TRAINING), RestrictionSet::ALL);
		assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(w.operator.clone()), every));
		let id = offer(&w, 1, Price::PerRecord(10));
		let why = Exclusions { purposes: 70, no_commercial_use: 30, ..Default::default() };
		assert_eq!(Licensing::api_quote(id), Err(QuoteError::NothingToLicense(why)));
		// Without the commercial conflict, Alice's posts fall to the next restriction.
		let anonymised = terms_conflicting(
			PurposeSet::EMPTY.with(TRAINING),
			RestrictionSet::EMPTY.with(Restriction::NoModelWeights),
		);
		assert_ok!(Licensing::register_terms(
			RuntimeOrigin::signed(w.operator.clone()),
			anonymised
		));
		let id = offer(&w, 2, Price::PerRecord(10));
		let why = Exclusions { purposes: 70, no_model_weights: 30, ..Default::default() };
		assert_eq!(Licensing::api_quote(id), Err(QuoteError::NothingToLicense(why)));
	});
}

#[test]
fn narrowing_consent_is_in_the_feed_of_the_licenses_it_affects_and_denies_access() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1, 2]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let earned = Licensing::api_pending_rewards(&w.alice);
		let start = FeedNext::<Test>::get();

		// A restriction the license's terms do not conflict with: reported, not to license 0.
		restrict(&w.alice, &[Restriction::NoModelWeights], 0);
		assert_eq!(Licensing::api_check_access(&query(0, batch, &posts, 0)), Ok(()));
		assert!(matches!(
			Feed::<Test>::get(start).map(|r| r.change),
			Some(FeedChange::ConsentNarrowed { restrictions, min_price: 0, .. })
				if restrictions == RestrictionSet::EMPTY.with(Restriction::NoModelWeights)
		));
		assert!(Licensing::api_revocations(0, 0, Some(start), 100).records.is_empty());

		// One it conflicts with (commercial use), and Bob's minimum above the sale's tier.
		restrict(&w.alice, &[Restriction::NoModelWeights, Restriction::NoCommercialUse], 0);
		restrict(&w.bob, &[], 1);
		let feed = Licensing::api_revocations(0, 0, Some(start), 100).records;
		let named: Vec<_> = feed
			.iter()
			.map(|r| match &r.change {
				FeedChange::ConsentNarrowed { identity, restrictions, min_price, .. } => {
					(identity.clone(), *restrictions, *min_price)
				},
				other => panic!("only narrowings: {other:?}"),
			})
			.collect();
		assert_eq!(
			named,
			vec![
				(Identity::X(1), RestrictionSet::EMPTY.with(Restriction::NoCommercialUse), 0),
				(Identity::X(2), RestrictionSet::EMPTY, 1),
			]
		);
		for index in 0..2 {
			assert_eq!(
				Licensing::api_check_access(&query(0, batch, &posts, index)),
				Err(Denial::ConsentWithdrawn)
			);
		}
		// What was earned before stays earned.
		assert_eq!(Licensing::api_pending_rewards(&w.alice), earned);
		// Lifting them does not bring the posts back into license 0 (its holder was told to
		// delete them; the feed reports narrowing only): a license bought now has them.
		restrict(&w.alice, &[], 0);
		restrict(&w.bob, &[], 0);
		assert_eq!(
			Licensing::api_check_access(&query(0, batch, &posts, 0)),
			Err(Denial::NotCounted)
		);
		assert_eq!(Licensing::api_revocations(0, 0, Some(start), 100).records.len(), 2);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		assert_eq!(Licensing::api_check_access(&query(1, batch, &posts, 0)), Ok(()));
	});
}

#[test]
fn a_platform_keeps_counters_for_at_most_max_demands() {
	run(|| {
		let w = world();
		let buyer = RuntimeOrigin::signed(w.buyer.clone());
		Balances::set_balance(&w.buyer, u128::MAX / 4);
		for i in 0..=MAX_DEMANDS {
			let purposes = PurposeSet((i % 31 + 1) as u8);
			// Conflicts 0, 2 and 4: none of them the world's terms' (commercial use, 1).
			let conflicts = RestrictionSet((i / 31 * 2) as u8);
			let t = terms_conflicting(purposes, conflicts);
			assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(w.operator.clone()), t));
			let id = offer(&w, i + 1, Price::PerRecord(10));
			if i < MAX_DEMANDS {
				assert_ok!(Licensing::purchase(buyer.clone(), id, u128::MAX));
			} else {
				assert_eq!(Licensing::api_quote(id), Err(QuoteError::TooManyDemands));
				assert_noop!(
					Licensing::purchase(buyer.clone(), id, u128::MAX),
					Error::<Test>::TooManyDemands
				);
			}
		}
		assert_eq!(PlatformRewardCounters::<Test>::get(w.platform).len(), MAX_DEMANDS as usize);
		// A demand already counted still sells.
		assert_ok!(Licensing::purchase(buyer, 1, u128::MAX));
	});
}
