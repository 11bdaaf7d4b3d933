//! The consent vocabulary's algebra: the most restrictive statement wins, restrictions add up,
//! demands are admitted.

use super::*;

#[test]
fn most_restrictive_statement_wins() {
	let account = Statements::default()
		.with(Purpose::AiTraining, Decision::Allow)
		.with(Purpose::Research, Decision::Allow);
	let identity = Statements::default().with(Purpose::AiTraining, Decision::Deny);
	let effective = account.effective_with(&identity);
	assert!(!effective.contains(Purpose::AiTraining), "a deny anywhere wins");
	assert!(effective.contains(Purpose::Research));
	assert!(!effective.contains(Purpose::SearchIndexing), "unset means not allowed");
	// A later statement for the same purpose replaces the earlier one.
	let flipped = identity.with(Purpose::AiTraining, Decision::Allow);
	assert!(account.effective_with(&flipped).contains(Purpose::AiTraining));
	assert_eq!(flipped.with(Purpose::AiTraining, Decision::Unset), Statements::default());
}

#[test]
fn restrictions_add_up_and_the_higher_minimum_wins() {
	let account = Statements {
		restrictions: RestrictionSet::EMPTY.with(Restriction::NoCommercialUse),
		min_price: 1,
		..Statements::default().with(Purpose::AiTraining, Decision::Allow)
	};
	let identity = Statements {
		restrictions: RestrictionSet::EMPTY.with(Restriction::NoModelWeights),
		min_price: 3,
		..Statements::default()
	};
	let consent = account.consent_with(&identity);
	assert_eq!(consent.purposes, PurposeSet::EMPTY.with(Purpose::AiTraining));
	assert_eq!(
		consent.restrictions.iter().collect::<Vec<_>>(),
		vec![Restriction::NoCommercialUse, Restriction::NoModelWeights]
	);
	assert_eq!(consent.min_price, 3);
	assert!(!Statements { min_price: 1, ..Statements::default() }.is_empty());

	let demand = Demand {
		purposes: PurposeSet::EMPTY.with(Purpose::AiTraining),
		conflicts: RestrictionSet::EMPTY.with(Restriction::AnonymisationRequired),
		tier: 3,
	};
	assert!(consent.admits(&demand));
	assert!(!consent.admits(&Demand { tier: 2, ..demand }), "below the minimum price");
	let commercial = RestrictionSet::EMPTY.with(Restriction::NoCommercialUse);
	assert!(!consent.admits(&Demand { conflicts: commercial, ..demand }), "refused");
	assert!(!consent.admits(&Demand { purposes: PurposeSet::ALL, ..demand }), "purpose");
}

#[test]
fn purpose_sets() {
	let set: PurposeSet = [Purpose::AiTraining, Purpose::Research].into_iter().collect();
	assert!(set.contains_all(PurposeSet::EMPTY.with(Purpose::Research)));
	assert!(!set.contains_all(PurposeSet::ALL));
	assert_eq!(set.iter().collect::<Vec<_>>(), vec![Purpose::AiTraining, Purpose::Research]);
	assert!(PurposeSet(0b1110_0000).is_empty(), "unknown bits are no purpose");
}

mod within {
	use super::*;
	use proptest::prelude::*;

	fn consent() -> impl Strategy<Value = Consent> {
		(0u8..32, 0u8..16, 0u8..PRICE_TIERS).prop_map(|(p, r, min_price)| Consent {
			purposes: PurposeSet(p),
			restrictions: RestrictionSet(r),
			min_price,
		})
	}

	fn every_demand() -> impl Iterator<Item = Demand> {
		(0u8..32).flat_map(|p| {
			(0u8..16).flat_map(move |c| {
				(0..PRICE_TIERS).map(move |tier| Demand {
					purposes: PurposeSet(p),
					conflicts: RestrictionSet(c),
					tier,
				})
			})
		})
	}

	proptest! {
		/// `a.is_within(b)` exactly when every demand `a` admits, `b` admits: what licensing
		/// relies on to keep a narrowed author in the licenses that counted it, and to leave a
		/// widened one out of them.
		#[test]
		fn is_within_is_admitting_no_more(a in consent(), b in consent()) {
			let admits_no_more = every_demand().all(|d| !a.admits(&d) || b.admits(&d));
			prop_assert_eq!(a.is_within(&b), admits_no_more);
		}
	}
}
