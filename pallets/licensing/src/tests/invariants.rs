//! Property test: the pot covers what is owed after any sequence of sales and changes.

use super::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
	Buy { offer: u8 },
	Claim { who: u8 },
	Posts { who: u8, posts: u16 },
	Consent { who: u8, allow: bool },
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		(0u8..2).prop_map(|offer| Step::Buy { offer }),
		(0u8..6).prop_map(|who| Step::Claim { who }),
		(0u8..6, 0u16..500).prop_map(|(who, posts)| Step::Posts { who, posts }),
		(0u8..6, any::<bool>()).prop_map(|(who, allow)| Step::Consent { who, allow }),
	]
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// For any sequence of purchases, claims, registrations and consent changes: the pot
	/// covers everything owed, nothing is created or destroyed, and what was paid in equals
	/// what was paid out plus what is still owed plus rounding left in the pot.
	#[test]
	fn the_pot_always_covers_what_is_owed(steps in prop::collection::vec(step(), 1..40)) {
		new_test_ext().execute_with(|| {
			let w = world();
			let op2 = Setup::account(101);
			let other = Setup::platform(PlatformKind::X, &op2, Perbill::from_percent(3));
			let people: Vec<AccountId> = (10..16).map(Setup::account).collect();
			for (i, who) in people.iter().enumerate() {
				let platform = if i % 2 == 0 { w.platform } else { other };
				Setup::link(who, platform, 10 + i as u64, &[TRAINING]);
			}
			assert_ok!(Licensing::create_pool_offer(
				RuntimeOrigin::root(),
				PoolPlatforms::truncate_from(vec![w.platform, other]),
				0,
				Price::Flat(1_234_567)
			));
			let issuance = Balances::total_issuance();
			let (mut paid_in, mut paid_out) = (0u128, 0u128);
			let pot0 = free(&Licensing::pot());
			for step in steps {
				match step {
					Step::Buy { offer } => {
						let before = free(&w.buyer);
						if Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), offer as u32, u128::MAX).is_ok() {
							let license = NextLicenseId::<Test>::get() - 1;
							let price = Licenses::<Test>::get(license).expect("minted").price;
							prop_assert_eq!(before - free(&w.buyer), price + 3);
							let split = System::events().into_iter().rev().find_map(|r| match r.event {
								RuntimeEvent::Licensing(Event::PaymentSplit { protocol, platforms, contributors, dust, .. }) =>
									Some(protocol + platforms + contributors + dust),
								_ => None,
							});
							prop_assert_eq!(split, Some(price), "shares + fees + dust == price");
							paid_in += price;
						}
					},
					Step::Claim { who } => {
						let who = &people[who as usize];
						let before = free(who);
						let _ = Licensing::claim(RuntimeOrigin::signed(who.clone()));
						paid_out += free(who) - before;
					},
					Step::Posts { who, posts } => {
						let i = who as usize;
						let platform = if i.is_multiple_of(2) { w.platform } else { other };
						Setup::posts(&Identity::X(10 + i as u64), platform, posts as u64);
					},
					Step::Consent { who, allow } => {
						let decision = if allow { Decision::Allow } else { Decision::Deny };
						let _ = Consent::set_consent(
							RuntimeOrigin::signed(people[who as usize].clone()),
							Scope::Account,
							vec![(TRAINING, decision)].try_into().expect("one"),
						);
					},
				}
				prop_assert_eq!(Consent::do_try_state(), Ok(()));
				prop_assert_eq!(Content::do_try_state(), Ok(()));
				prop_assert_eq!(Licensing::do_try_state(), Ok(()));
				prop_assert_eq!(Balances::total_issuance(), issuance);
			}
			// Everything paid in either went to the treasury or is still in the pot, less
			// what was claimed.
			prop_assert!(free(&Licensing::pot()) + paid_out <= pot0 + paid_in);
			prop_assert!(free(&Licensing::pot()) + paid_out >= pot0);
			Ok(())
		})?;
	}
}
