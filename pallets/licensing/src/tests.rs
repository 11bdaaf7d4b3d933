//! Tests, grouped by call, then access checks, the feed, the split's invariants and its cost.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, Mutate},
		Hooks,
	},
	weights::Weight,
};
use licentia_primitives::{
	consent::{Identity, PlatformKind},
	content::{batch_proof, batch_root, PostId, PostRecord},
};
use pallet_consent::{Decision, PlatformStatus, Scope};
use sp_core::H256;
use sp_runtime::{DispatchError, Perbill, TokenError};

const TRAINING: Purpose = Purpose::AiTraining;

fn terms(purposes: &[Purpose]) -> Terms {
	Terms {
		purposes: purposes.iter().copied().collect(),
		duration: 100,
		record_cap: Some(1_000),
		anonymisation: true,
		attribution: false,
		transferable: true,
		redistribution: false,
		commercial_use: true,
		model_weights_release: false,
		legal_hash: H256::repeat_byte(7),
		legal_uri: Some(b"https://licentia.example/terms/v1".to_vec().try_into().expect("short")),
	}
}

fn free(who: &AccountId) -> Balance {
	Balances::balance(who)
}

/// An X platform (10% share) operated by `operator`, two contributors allowing every purpose
/// with 30 and 70 posts, terms `0` for AI training and offer `0` at 10 per record.
struct World {
	operator: AccountId,
	platform: PlatformId,
	alice: AccountId,
	bob: AccountId,
	buyer: AccountId,
}

fn world() -> World {
	let operator = Setup::account(100);
	let platform = Setup::platform(PlatformKind::X, &operator, Perbill::from_percent(10));
	let (alice, bob, buyer) = (Setup::account(1), Setup::account(2), Setup::account(3));
	Setup::link(&alice, platform, 1, &Purpose::ALL);
	Setup::link(&bob, platform, 2, &Purpose::ALL);
	Setup::posts(&alice, platform, 30);
	Setup::posts(&bob, platform, 70);
	assert_ok!(Licensing::register_terms(
		RuntimeOrigin::signed(operator.clone()),
		terms(&[TRAINING])
	));
	assert_ok!(Licensing::create_offer(
		RuntimeOrigin::signed(operator.clone()),
		platform,
		0,
		Price::PerRecord(10)
	));
	World { operator, platform, alice, bob, buyer }
}

mod register_terms {
	use super::*;

	#[test]
	fn stores_terms_once_and_holds_a_deposit() {
		new_test_ext().execute_with(|| {
			let who = Setup::account(1);
			let t = terms(&[TRAINING]);
			assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(who.clone()), t.clone()));
			assert_eq!(TermsOf::<Test>::get(0).map(|r| r.terms), Some(t.clone()));
			assert_eq!(TermsByHash::<Test>::get(t.hash()), Some(0));
			assert_eq!(free(&who), 1_000_000_000 - 5);
			System::assert_last_event(
				Event::TermsRegistered { terms: 0, hash: t.hash(), by: who.clone() }.into(),
			);
			assert_noop!(
				Licensing::register_terms(RuntimeOrigin::signed(who), t),
				Error::<Test>::TermsExist
			);
		});
	}

	#[test]
	fn rejects_malformed_terms() {
		new_test_ext().execute_with(|| {
			let who = RuntimeOrigin::signed(Setup::account(1));
			assert_noop!(
				Licensing::register_terms(who.clone(), terms(&[])),
				Error::<Test>::NoPurpose
			);
			let mut unknown = terms(&[TRAINING]);
			unknown.purposes = PurposeSet(0b1000_0001);
			assert_noop!(Licensing::register_terms(who.clone(), unknown), Error::<Test>::NoPurpose);
			for duration in [0, 1_001] {
				let mut t = terms(&[TRAINING]);
				t.duration = duration;
				assert_noop!(Licensing::register_terms(who.clone(), t), Error::<Test>::BadDuration);
			}
			let mut t = terms(&[TRAINING]);
			t.record_cap = Some(0);
			assert_noop!(Licensing::register_terms(who, t), Error::<Test>::ZeroCap);
			assert_noop!(
				Licensing::register_terms(RuntimeOrigin::none(), terms(&[TRAINING])),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn needs_the_deposit() {
		new_test_ext().execute_with(|| {
			let poor = AccountId::new([9; 32]);
			assert_noop!(
				Licensing::register_terms(RuntimeOrigin::signed(poor), terms(&[TRAINING])),
				TokenError::FundsUnavailable
			);
		});
	}
}

mod offers {
	use super::*;

	#[test]
	fn an_operator_offers_its_platform_and_closes_the_offer() {
		new_test_ext().execute_with(|| {
			let w = world();
			let offer = Offers::<Test>::get(0).expect("offer");
			assert_eq!(offer.owner, Some(w.operator.clone()));
			assert_eq!(offer.platforms.to_vec(), vec![w.platform]);
			let held = 1_000_000_000 - free(&w.operator);
			assert_eq!(held, 5 + 7, "terms and offer deposits");
			assert_noop!(
				Licensing::close_offer(RuntimeOrigin::signed(w.alice.clone()), 0),
				Error::<Test>::NotOfferOwner
			);
			assert_ok!(Licensing::close_offer(RuntimeOrigin::signed(w.operator.clone()), 0));
			System::assert_last_event(Event::OfferClosed { offer: 0 }.into());
			assert_eq!(1_000_000_000 - free(&w.operator), 5, "the offer deposit is back");
			assert_noop!(
				Licensing::close_offer(RuntimeOrigin::signed(w.operator), 0),
				Error::<Test>::OfferNotFound
			);
		});
	}

	#[test]
	fn only_operators_of_active_platforms_with_known_terms_offer() {
		new_test_ext().execute_with(|| {
			let w = world();
			let op = RuntimeOrigin::signed(w.operator.clone());
			assert_noop!(
				Licensing::create_offer(
					RuntimeOrigin::signed(w.alice.clone()),
					w.platform,
					0,
					Price::Flat(1)
				),
				Error::<Test>::NotOperator
			);
			assert_noop!(
				Licensing::create_offer(op.clone(), w.platform, 9, Price::Flat(1)),
				Error::<Test>::TermsNotFound
			);
			assert_ok!(Consent::update_platform(
				RuntimeOrigin::root(),
				w.platform,
				None,
				None,
				None,
				Some(PlatformStatus::Suspended)
			));
			assert_noop!(
				Licensing::create_offer(op, w.platform, 0, Price::Flat(1)),
				Error::<Test>::PlatformSuspended
			);
		});
	}

	#[test]
	fn governance_offers_pools() {
		new_test_ext().execute_with(|| {
			let w = world();
			let other = Setup::platform(PlatformKind::X, &w.operator, Perbill::zero());
			let pool = |p: Vec<PlatformId>| PoolPlatforms::truncate_from(p);
			assert_noop!(
				Licensing::create_pool_offer(
					RuntimeOrigin::signed(w.operator.clone()),
					pool(vec![w.platform]),
					0,
					Price::Flat(1)
				),
				DispatchError::BadOrigin
			);
			for bad in [vec![], vec![other, w.platform], vec![w.platform, w.platform]] {
				assert_noop!(
					Licensing::create_pool_offer(
						RuntimeOrigin::root(),
						pool(bad),
						0,
						Price::Flat(1)
					),
					Error::<Test>::BadPool
				);
			}
			assert_noop!(
				Licensing::create_pool_offer(
					RuntimeOrigin::root(),
					pool(vec![w.platform, 42]),
					0,
					Price::Flat(1)
				),
				Error::<Test>::PlatformNotFound
			);
			assert_ok!(Licensing::create_pool_offer(
				RuntimeOrigin::root(),
				pool(vec![w.platform, other]),
				0,
				Price::Flat(1_000)
			));
			System::assert_last_event(
				Event::OfferCreated { offer: 1, owner: None, terms: 0, price: Price::Flat(1_000) }
					.into(),
			);
			// Governance may pause and close any offer.
			assert_ok!(Licensing::set_offer_paused(RuntimeOrigin::root(), 0, true));
			assert_ok!(Licensing::close_offer(RuntimeOrigin::root(), 1));
		});
	}

	#[test]
	fn a_paused_offer_cannot_be_bought_until_resumed() {
		new_test_ext().execute_with(|| {
			let w = world();
			let buyer = RuntimeOrigin::signed(w.buyer.clone());
			assert_noop!(
				Licensing::set_offer_paused(RuntimeOrigin::signed(w.alice.clone()), 0, true),
				Error::<Test>::NotOfferOwner
			);
			assert_noop!(
				Licensing::set_offer_paused(RuntimeOrigin::signed(w.operator.clone()), 5, true),
				Error::<Test>::OfferNotFound
			);
			assert_ok!(Licensing::set_offer_paused(
				RuntimeOrigin::signed(w.operator.clone()),
				0,
				true
			));
			System::assert_last_event(Event::OfferPaused { offer: 0, paused: true }.into());
			assert_eq!(Licensing::quote(0), Err(QuoteError::OfferPaused));
			assert_noop!(
				Licensing::purchase(buyer.clone(), 0, u128::MAX),
				Error::<Test>::OfferPaused
			);
			assert_ok!(Licensing::set_offer_paused(RuntimeOrigin::signed(w.operator), 0, false));
			assert_ok!(Licensing::purchase(buyer, 0, u128::MAX));
		});
	}
}

mod purchase {
	use super::*;

	#[test]
	fn mints_a_license_and_splits_the_price_exactly() {
		new_test_ext().execute_with(|| {
			let w = world();
			let (treasury, pot) = (TreasuryAccount::get(), Licensing::pot());
			let (t0, p0, b0) = (free(&treasury), free(&pot), free(&w.buyer));
			let issuance = Balances::total_issuance();
			assert_eq!(
				Licensing::quote(0),
				Ok(Quote { price: 1_000, records: 100, licensed: 100 })
			);
			assert_noop!(
				Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, 999),
				Error::<Test>::PriceAboveLimit
			);
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, 1_000));

			let license = Licenses::<Test>::get(0).expect("minted");
			assert_eq!(license.owner, w.buyer);
			assert_eq!((license.start, license.expiry), (1, 101));
			assert_eq!((license.records, license.cap, license.price), (100, Some(1_000), 1_000));
			assert_eq!(license.purposes, PurposeSet::EMPTY.with(TRAINING));
			assert_eq!(license.snapshot, 0, "no batch was registered before the purchase");
			let view = Licensing::license_view(0).expect("visible");
			assert_eq!((view.owner, view.platforms), (w.buyer.clone(), vec![w.platform]));

			// 5% fee = 50; 950 to the platform pool: 95 to the platform, 855 over 100 posts.
			System::assert_has_event(
				Event::PaymentSplit {
					license: 0,
					protocol: 50,
					platforms: 95,
					contributors: 855,
					dust: 0,
				}
				.into(),
			);
			assert_eq!(free(&w.buyer), b0 - 1_000 - 3, "price and license deposit");
			assert_eq!(free(&treasury), t0 + 50);
			assert_eq!(free(&pot), p0 + 950);
			assert_eq!(Balances::total_issuance(), issuance, "no money created or destroyed");
			assert_eq!(Licensing::pending_rewards(&w.alice), 256, "30 x 8.55, rounded down");
			assert_eq!(Licensing::pending_rewards(&w.bob), 598, "70 x 8.55, rounded down");
			assert_eq!(Licensing::pending_rewards(&w.operator), 95);
			assert_ok!(Licensing::do_try_state());
		});
	}

	#[test]
	fn caps_per_record_prices_and_charges_flat_ones_whole() {
		new_test_ext().execute_with(|| {
			let w = world();
			let mut capped = terms(&[TRAINING]);
			capped.record_cap = Some(40);
			assert_ok!(Licensing::register_terms(
				RuntimeOrigin::signed(w.operator.clone()),
				capped
			));
			let op = RuntimeOrigin::signed(w.operator.clone());
			assert_ok!(Licensing::create_offer(op.clone(), w.platform, 1, Price::PerRecord(10)));
			assert_ok!(Licensing::create_offer(op, w.platform, 1, Price::Flat(77)));
			assert_eq!(Licensing::quote(1), Ok(Quote { price: 400, records: 100, licensed: 40 }));
			assert_eq!(Licensing::quote(2), Ok(Quote { price: 77, records: 100, licensed: 40 }));
		});
	}

	#[test]
	fn a_price_that_overflows_is_refused_before_anything_moves() {
		new_test_ext().execute_with(|| {
			let w = world();
			let op = RuntimeOrigin::signed(w.operator.clone());
			assert_ok!(Licensing::create_offer(op, w.platform, 0, Price::PerRecord(u128::MAX)));
			assert_eq!(Licensing::quote(1), Err(QuoteError::Overflow));
			assert_noop!(
				Licensing::purchase(RuntimeOrigin::signed(w.buyer), 1, u128::MAX),
				Error::<Test>::Overflow
			);
		});
	}

	#[test]
	fn only_posts_whose_authors_allow_every_purpose_count() {
		new_test_ext().execute_with(|| {
			let w = world();
			let carol = Setup::account(4);
			Setup::link(&carol, w.platform, 3, &[TRAINING]);
			Setup::posts(&carol, w.platform, 50);
			assert_eq!(Licensing::quote(0).map(|q| q.records), Ok(150));
			assert_ok!(Licensing::register_terms(
				RuntimeOrigin::signed(w.operator.clone()),
				terms(&[TRAINING, Purpose::Research])
			));
			assert_ok!(Licensing::create_offer(
				RuntimeOrigin::signed(w.operator.clone()),
				w.platform,
				1,
				Price::PerRecord(1)
			));
			assert_eq!(
				Licensing::quote(1).map(|q| q.records),
				Ok(100),
				"carol allows training only"
			);
		});
	}

	#[test]
	fn fails_without_posts_offer_or_funds_and_changes_nothing() {
		new_test_ext().execute_with(|| {
			let w = world();
			let buyer = RuntimeOrigin::signed(w.buyer.clone());
			assert_eq!(Licensing::quote(9), Err(QuoteError::OfferNotFound));
			assert_noop!(
				Licensing::purchase(buyer.clone(), 9, u128::MAX),
				Error::<Test>::OfferNotFound
			);
			let poor = AccountId::new([9; 32]);
			Balances::set_balance(&poor, 500);
			assert_noop!(
				Licensing::purchase(RuntimeOrigin::signed(poor), 0, u128::MAX),
				TokenError::FundsUnavailable
			);
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.alice)));
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.bob)));
			assert_eq!(Licensing::quote(0), Err(QuoteError::NothingToLicense));
			assert_noop!(Licensing::purchase(buyer, 0, u128::MAX), Error::<Test>::NothingToLicense);
		});
	}

	#[test]
	fn a_pool_pays_each_platform_in_proportion_to_its_posts() {
		new_test_ext().execute_with(|| {
			let w = world();
			let op2 = Setup::account(101);
			let other = Setup::platform(PlatformKind::X, &op2, Perbill::from_percent(20));
			let carol = Setup::account(4);
			Setup::link(&carol, other, 3, &Purpose::ALL);
			Setup::posts(&carol, other, 300);
			assert_ok!(Licensing::create_pool_offer(
				RuntimeOrigin::root(),
				PoolPlatforms::truncate_from(vec![w.platform, other]),
				0,
				Price::Flat(8_000)
			));
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer), 1, u128::MAX));
			// 400 fee; 7,600 in 100:300 -> 1,900 and 5,700; shares 10% and 20%.
			assert_eq!(Licensing::pending_rewards(&w.operator), 190);
			assert_eq!(Licensing::pending_rewards(&op2), 1_140);
			assert_eq!(Licensing::pending_rewards(&carol), 4_560);
			assert_eq!(Licensing::pending_rewards(&w.alice), 513);
			assert_eq!(Licensing::pending_rewards(&w.bob), 1_197);
			assert_ok!(Licensing::do_try_state());
		});
	}
}

mod licenses {
	use super::*;

	fn bought() -> World {
		let w = world();
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		w
	}

	#[test]
	fn transfers_only_by_the_owner_of_a_live_transferable_license() {
		new_test_ext().execute_with(|| {
			let w = bought();
			assert_noop!(
				Licensing::transfer_license(
					RuntimeOrigin::signed(w.alice.clone()),
					0,
					w.bob.clone()
				),
				Error::<Test>::NotLicenseOwner
			);
			assert_noop!(
				Licensing::transfer_license(
					RuntimeOrigin::signed(w.buyer.clone()),
					7,
					w.bob.clone()
				),
				Error::<Test>::LicenseNotFound
			);
			assert_ok!(Licensing::transfer_license(
				RuntimeOrigin::signed(w.buyer.clone()),
				0,
				w.bob.clone()
			));
			System::assert_last_event(
				Event::LicenseTransferred { license: 0, from: w.buyer.clone(), to: w.bob.clone() }
					.into(),
			);
			System::set_block_number(101);
			assert_noop!(
				Licensing::transfer_license(RuntimeOrigin::signed(w.bob), 0, w.buyer),
				Error::<Test>::LicenseEnded
			);
		});
	}

	#[test]
	fn non_transferable_terms_keep_the_license_with_its_buyer() {
		new_test_ext().execute_with(|| {
			let w = world();
			let mut fixed = terms(&[TRAINING]);
			fixed.transferable = false;
			assert_ok!(Licensing::register_terms(RuntimeOrigin::signed(w.operator.clone()), fixed));
			assert_ok!(Licensing::create_offer(
				RuntimeOrigin::signed(w.operator),
				w.platform,
				1,
				Price::Flat(10)
			));
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 1, 10));
			assert_noop!(
				Licensing::transfer_license(RuntimeOrigin::signed(w.buyer), 0, w.bob),
				Error::<Test>::NotTransferable
			);
		});
	}

	#[test]
	fn governance_revokes_and_anyone_releases_ended_licenses() {
		new_test_ext().execute_with(|| {
			let w = bought();
			let anyone = RuntimeOrigin::signed(w.alice.clone());
			assert_noop!(
				Licensing::release_license(anyone.clone(), 0),
				Error::<Test>::LicenseActive
			);
			assert_noop!(Licensing::revoke_license(anyone.clone(), 0), DispatchError::BadOrigin);
			assert_noop!(
				Licensing::revoke_license(RuntimeOrigin::root(), 3),
				Error::<Test>::LicenseNotFound
			);
			assert_ok!(Licensing::revoke_license(RuntimeOrigin::root(), 0));
			System::assert_last_event(Event::LicenseRevoked { license: 0 }.into());
			assert_noop!(
				Licensing::revoke_license(RuntimeOrigin::root(), 0),
				Error::<Test>::AlreadyRevoked
			);
			let before = free(&w.buyer);
			assert_ok!(Licensing::release_license(anyone.clone(), 0));
			System::assert_last_event(Event::LicenseReleased { license: 0 }.into());
			assert_eq!(free(&w.buyer), before + 3, "the deposit returns to the buyer");
			assert_noop!(Licensing::release_license(anyone, 0), Error::<Test>::LicenseNotFound);
		});
	}

	#[test]
	fn expired_licenses_can_be_released() {
		new_test_ext().execute_with(|| {
			let w = bought();
			System::set_block_number(101);
			assert_ok!(Licensing::release_license(RuntimeOrigin::signed(w.alice), 0));
		});
	}

	#[test]
	fn platforms_meter_deliveries_up_to_the_cap() {
		new_test_ext().execute_with(|| {
			let w = bought();
			let op = RuntimeOrigin::signed(w.operator.clone());
			assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 600));
			System::assert_last_event(
				Event::DeliveriesRecorded {
					license: 0,
					platform: w.platform,
					count: 600,
					delivered: 600,
				}
				.into(),
			);
			assert_noop!(
				Licensing::record_deliveries(op.clone(), 0, w.platform, 401),
				Error::<Test>::CapExceeded
			);
			assert_noop!(
				Licensing::record_deliveries(op.clone(), 0, w.platform, u64::MAX),
				Error::<Test>::CapExceeded
			);
			assert_noop!(
				Licensing::record_deliveries(op.clone(), 0, w.platform, 0),
				Error::<Test>::ZeroDeliveries
			);
			assert_noop!(
				Licensing::record_deliveries(op.clone(), 0, w.platform + 1, 1),
				Error::<Test>::PlatformNotCovered
			);
			assert_noop!(
				Licensing::record_deliveries(RuntimeOrigin::signed(w.alice), 0, w.platform, 1),
				Error::<Test>::NotOperator
			);
			assert_noop!(
				Licensing::record_deliveries(op.clone(), 9, w.platform, 1),
				Error::<Test>::LicenseNotFound
			);
			assert_ok!(Licensing::record_deliveries(op.clone(), 0, w.platform, 400));
			System::set_block_number(101);
			assert_noop!(
				Licensing::record_deliveries(op, 0, w.platform, 1),
				Error::<Test>::LicenseEnded
			);
		});
	}
}

mod claims {
	use super::*;

	#[test]
	fn contributors_and_platforms_claim_their_shares() {
		new_test_ext().execute_with(|| {
			let w = world();
			assert_noop!(
				Licensing::claim(RuntimeOrigin::signed(w.alice.clone())),
				Error::<Test>::NothingToClaim
			);
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
			for (who, share) in [(&w.alice, 256), (&w.bob, 598), (&w.operator, 95)] {
				let before = free(who);
				assert_ok!(Licensing::claim(RuntimeOrigin::signed(who.clone())));
				System::assert_last_event(
					Event::RewardsClaimed { who: who.clone(), amount: share }.into(),
				);
				assert_eq!(free(who), before + share);
				assert_eq!(Licensing::pending_rewards(who), 0);
			}
			assert_noop!(
				Licensing::claim(RuntimeOrigin::signed(w.alice)),
				Error::<Test>::NothingToClaim
			);
			// 950 paid in, 949 paid out: the rounding remainder stays in the pot.
			assert_eq!(free(&Licensing::pot()), 10 + 1);
			assert_ok!(Licensing::do_try_state());
		});
	}

	#[test]
	fn withdrawing_consent_keeps_what_was_earned_and_stops_what_follows() {
		new_test_ext().execute_with(|| {
			let w = world();
			let buyer = RuntimeOrigin::signed(w.buyer.clone());
			assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.alice.clone())));
			assert_eq!(Licensing::pending_rewards(&w.alice), 256, "earned before, kept");
			assert_ok!(Licensing::purchase(buyer, 0, u128::MAX));
			assert_eq!(Licensing::pending_rewards(&w.alice), 256, "nothing for the later sale");
			// Bob is now the pool: 700 paid, 665 after the fee, 599 after the platform.
			assert_eq!(Licensing::pending_rewards(&w.bob), 1_197, "one settlement, one rounding");
			assert_ok!(Licensing::do_try_state());
		});
	}

	#[test]
	fn new_posts_earn_only_from_later_sales_and_revoked_ones_stop_earning() {
		new_test_ext().execute_with(|| {
			let w = world();
			let buyer = RuntimeOrigin::signed(w.buyer.clone());
			assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
			Setup::posts(&w.alice, w.platform, 130);
			assert_eq!(Licensing::pending_rewards(&w.alice), 256, "settled at 30 posts");
			assert_ok!(Licensing::purchase(buyer.clone(), 0, u128::MAX));
			// 2,000 paid: 1,900 to the pool, 190 to the platform, 1,710 over 200 posts.
			assert_eq!(Licensing::pending_rewards(&w.alice), 256 + 1_111);
			Setup::posts(&w.alice, w.platform, 0);
			assert!(Members::<Test>::get(&w.alice, w.platform).is_none());
			assert_ok!(Licensing::purchase(buyer, 0, u128::MAX));
			assert_eq!(Licensing::pending_rewards(&w.alice), 256 + 1_111);
			assert_ok!(Licensing::do_try_state());
		});
	}
}

/// A batch of one X post per author, registered through the content pallet.
fn register(w: &World, authors: &[u64]) -> (BatchId, Vec<PostRecord>) {
	let batch = pallet_content::NextBatchId::<Test>::get();
	let posts: Vec<PostRecord> = authors
		.iter()
		.map(|a| PostRecord {
			platform: w.platform,
			post: PostId::X { id: batch * 1_000 + a },
			content_hash: H256::repeat_byte(*a as u8),
			author: Identity::X(*a),
		})
		.collect();
	let root = batch_root(posts.iter().map(|p| p.leaf_hash()));
	let contributors = authors
		.iter()
		.map(|a| pallet_content::Contribution { author: Identity::X(*a), posts: 1 })
		.collect::<Vec<_>>()
		.try_into()
		.expect("few");
	assert_ok!(Content::register_batch(
		RuntimeOrigin::signed(w.operator.clone()),
		w.platform,
		root,
		contributors
	));
	(batch, posts)
}

fn query(license: LicenseId, batch: BatchId, posts: &[PostRecord], index: u32) -> AccessQuery {
	let leaves = posts.iter().map(|p| p.leaf_hash()).collect();
	AccessQuery {
		license,
		purpose: TRAINING,
		batch,
		post: posts[index as usize].clone(),
		index,
		proof: batch_proof(leaves, index),
	}
}

mod access {
	use super::*;

	#[test]
	fn every_denial_reason() {
		new_test_ext().execute_with(|| {
			let w = world();
			let (batch, posts) = register(&w, &[1, 2]);
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
			let (late, late_posts) = register(&w, &[1]);
			let q = query(0, batch, &posts, 0);
			assert_eq!(Licensing::check_access(&q), Ok(()));
			assert_eq!(Licensing::check_access(&query(0, batch, &posts, 1)), Ok(()));

			assert_eq!(
				Licensing::check_access(&AccessQuery { license: 9, ..q.clone() }),
				Err(Denial::UnknownLicense)
			);
			assert_eq!(
				Licensing::check_access(&AccessQuery { purpose: Purpose::Research, ..q.clone() }),
				Err(Denial::PurposeNotCovered)
			);
			assert_eq!(
				Licensing::check_access(&query(0, late, &late_posts, 0)),
				Err(Denial::OutsideSnapshot)
			);
			assert_eq!(
				Licensing::check_access(&AccessQuery { index: 1, ..q.clone() }),
				Err(Denial::NotRegistered)
			);
			// Bob denies training for his identity only.
			assert_ok!(Consent::set_consent(
				RuntimeOrigin::signed(w.bob.clone()),
				Scope::Identity(Identity::X(2)),
				vec![(TRAINING, Decision::Deny)].try_into().expect("one")
			));
			assert_eq!(
				Licensing::check_access(&query(0, batch, &posts, 1)),
				Err(Denial::ConsentWithdrawn)
			);
			// Alice's post is withdrawn.
			let leaves = posts.iter().map(|p| p.leaf_hash()).collect();
			assert_ok!(Content::revoke_post(
				RuntimeOrigin::signed(w.alice.clone()),
				batch,
				posts[0].clone(),
				0,
				batch_proof(leaves, 0).try_into().expect("short")
			));
			assert_eq!(Licensing::check_access(&q), Err(Denial::PostRevoked));

			// A batch of queries (it reads each license, batch and author once) answers each
			// as a single check does, whatever its position.
			let queries = vec![
				q.clone(),
				AccessQuery { license: 9, ..q.clone() },
				query(0, batch, &posts, 1),
				AccessQuery { purpose: Purpose::Research, ..q.clone() },
				query(0, late, &late_posts, 0),
				AccessQuery { index: 1, ..q.clone() },
				query(0, batch, &posts, 1),
			];
			let one_by_one: Vec<_> = queries.iter().map(Licensing::check_access).collect();
			assert_eq!(
				one_by_one,
				vec![
					Err(Denial::PostRevoked),
					Err(Denial::UnknownLicense),
					Err(Denial::ConsentWithdrawn),
					Err(Denial::PurposeNotCovered),
					Err(Denial::OutsideSnapshot),
					Err(Denial::NotRegistered),
					Err(Denial::ConsentWithdrawn),
				]
			);
			assert_eq!(Licensing::check_access_batch(&queries), one_by_one);

			// The cap, expiry and revocation apply to the license itself.
			let (batch2, posts2) = register(&w, &[1]);
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
			let q2 = query(1, batch2, &posts2, 0);
			assert_eq!(Licensing::check_access(&q2), Ok(()));
			assert_ok!(Licensing::record_deliveries(
				RuntimeOrigin::signed(w.operator.clone()),
				1,
				w.platform,
				1_000
			));
			assert_eq!(Licensing::check_access(&q2), Err(Denial::CapReached));
			System::set_block_number(101);
			assert_eq!(Licensing::check_access(&q2), Err(Denial::Expired));
			assert_ok!(Licensing::revoke_license(RuntimeOrigin::root(), 1));
			assert_eq!(Licensing::check_access(&q2), Err(Denial::LicenseRevoked));
		});
	}
}

mod feed {
	use super::*;

	#[test]
	fn lists_withdrawals_and_revocations_that_affect_a_license() {
		new_test_ext().execute_with(|| {
			let w = world();
			let (batch, posts) = register(&w, &[1, 2]);
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
			System::set_block_number(5);
			// Research is not licensed: this withdrawal does not concern the license.
			assert_ok!(Consent::set_consent(
				RuntimeOrigin::signed(w.bob.clone()),
				Scope::Account,
				vec![(Purpose::Research, Decision::Deny)].try_into().expect("one")
			));
			System::set_block_number(6);
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.bob.clone())));
			System::set_block_number(7);
			let leaves = posts.iter().map(|p| p.leaf_hash()).collect();
			assert_ok!(Content::revoke_post(
				RuntimeOrigin::signed(w.operator.clone()),
				batch,
				posts[0].clone(),
				0,
				batch_proof(leaves, 0).try_into().expect("short")
			));

			let feed = Licensing::revocations(0, 0, 10);
			assert_eq!(feed.len(), 2, "{feed:?}");
			assert_eq!(feed[0].at, 6);
			assert!(matches!(
				&feed[0].change,
				FeedChange::ConsentWithdrawn { account, purposes, .. }
					if *account == w.bob && purposes.contains(TRAINING)
			));
			assert_eq!(
				feed[1],
				FeedRecord {
					at: 7,
					change: FeedChange::PostRevoked {
						platform: w.platform,
						batch,
						post: posts[0].leaf_hash()
					}
				}
			);
			assert_eq!(Licensing::revocations(0, 7, 10), vec![feed[1].clone()]);
			assert_eq!(Licensing::revocations(0, 0, 1), vec![feed[0].clone()]);
			assert!(Licensing::revocations(5, 0, 10).is_empty(), "unknown license");
		});
	}

	#[test]
	fn on_idle_drops_entries_older_than_the_longest_license() {
		new_test_ext().execute_with(|| {
			let w = world();
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.alice.clone())));
			System::set_block_number(600);
			assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.bob.clone())));
			assert_eq!(FeedNext::<Test>::get(), 2);
			Licensing::on_idle(1_000, Weight::MAX);
			assert_eq!(FeedOldest::<Test>::get(), 0, "nothing is older than 1,000 blocks yet");
			Licensing::on_idle(1_002, Weight::MAX);
			assert_eq!(FeedOldest::<Test>::get(), 1);
			assert!(Feed::<Test>::get(0).is_none() && Feed::<Test>::get(1).is_some());
		});
	}
}

mod invariants {
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
							Setup::posts(&people[i], platform, posts as u64);
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
}

/// Every call of the three pallets, with random and adversarial arguments (unknown ids, empty
/// and oversized sets, zero and maximal prices and durations, forged proofs, invalid purpose
/// bits) from random origins, in random order across blocks: nothing panics, the three pallets'
/// invariants (`do_try_state`) hold after every call, and no balance is created or destroyed.
mod random_calls {
	use super::*;
	use frame_support::{dispatch::RawOrigin, traits::UnfilteredDispatchable};
	use proptest::prelude::*;

	fn who() -> impl Strategy<Value = u32> {
		// The operator, Alice, Bob, the buyer, a stranger without funds; root is `None`.
		prop::sample::select(vec![100u32, 1, 2, 3, 55])
	}

	/// `Setup::account`'s account, without touching balances (issuance must not move).
	fn account(n: u32) -> AccountId {
		let mut bytes = [0u8; 32];
		bytes[..4].copy_from_slice(&n.to_le_bytes());
		bytes[4] = 1;
		AccountId::new(bytes)
	}

	fn id() -> impl Strategy<Value = u32> {
		prop_oneof![0u32..4, Just(u32::MAX)]
	}

	fn amount() -> impl Strategy<Value = u128> {
		prop_oneof![Just(0u128), 1u128..1_000_000, Just(u128::MAX)]
	}

	fn identity() -> impl Strategy<Value = Identity> {
		prop_oneof![
			(0u64..5).prop_map(Identity::X),
			Just(Identity::X(u64::MAX)),
			any::<[u8; 32]>().prop_map(Identity::Nostr),
			Just(Identity::Mastodon(b"nobody@x.example".to_vec().try_into().expect("short"))),
		]
	}

	fn terms() -> impl Strategy<Value = Terms> {
		(
			any::<u8>(),
			prop_oneof![Just(0u32), 1u32..2_000, Just(u32::MAX)],
			any::<Option<u64>>(),
			any::<bool>(),
		)
			.prop_map(|(purposes, duration, record_cap, flag)| Terms {
				purposes: PurposeSet(purposes),
				duration,
				record_cap,
				anonymisation: flag,
				attribution: !flag,
				transferable: flag,
				redistribution: flag,
				commercial_use: !flag,
				model_weights_release: flag,
				legal_hash: H256::repeat_byte(purposes),
				legal_uri: None,
			})
	}

	fn post() -> impl Strategy<Value = PostRecord> {
		(0u32..3, any::<u64>(), 0u64..4).prop_map(|(platform, id, author)| PostRecord {
			platform,
			post: PostId::X { id },
			content_hash: H256::repeat_byte(id as u8),
			author: Identity::X(author),
		})
	}

	fn call() -> impl Strategy<Value = RuntimeCall> {
		let price =
			prop_oneof![amount().prop_map(Price::PerRecord), amount().prop_map(Price::Flat)];
		let licensing = prop_oneof![
			terms().prop_map(|terms| Call::register_terms { terms }),
			(id(), id(), price.clone()).prop_map(|(platform, terms, price)| Call::create_offer {
				platform,
				terms,
				price
			}),
			(prop::collection::vec(id(), 0..4), id(), price).prop_map(
				|(platforms, terms, price)| {
					Call::create_pool_offer {
						platforms: PoolPlatforms::truncate_from(platforms),
						terms,
						price,
					}
				}
			),
			(id(), any::<bool>())
				.prop_map(|(offer, paused)| Call::set_offer_paused { offer, paused }),
			id().prop_map(|offer| Call::close_offer { offer }),
			(id(), amount()).prop_map(|(offer, max_price)| Call::purchase { offer, max_price }),
			(0u64..4, who())
				.prop_map(|(license, to)| Call::transfer_license { license, to: account(to) }),
			(0u64..4).prop_map(|license| Call::revoke_license { license }),
			(0u64..4, id(), prop_oneof![Just(0u64), 1u64..2_000, Just(u64::MAX)]).prop_map(
				|(license, platform, count)| Call::record_deliveries { license, platform, count }
			),
			(0u64..4).prop_map(|license| Call::release_license { license }),
			Just(Call::claim {}),
		]
		.prop_map(RuntimeCall::Licensing);
		let consent = prop_oneof![
			(id(), identity(), who()).prop_map(|(platform, identity, who)| {
				pallet_consent::Call::link_identity { platform, identity, account: account(who) }
			}),
			identity().prop_map(|identity| pallet_consent::Call::unlink_identity { identity }),
			(any::<bool>(), any::<bool>()).prop_map(|(allow, account_wide)| {
				pallet_consent::Call::set_consent {
					scope: if account_wide {
						Scope::Account
					} else {
						Scope::Identity(Identity::X(1))
					},
					decisions: vec![(
						TRAINING,
						if allow { Decision::Allow } else { Decision::Deny },
					)]
					.try_into()
					.expect("one"),
				}
			}),
			Just(pallet_consent::Call::withdraw_consent {}),
		]
		.prop_map(RuntimeCall::Consent);
		let content = prop_oneof![
			(id(), any::<[u8; 32]>(), prop::collection::vec((0u64..5, 0u32..40), 0..4)).prop_map(
				|(platform, root, authors)| pallet_content::Call::register_batch {
					platform,
					root: H256(root),
					contributors: authors
						.into_iter()
						.map(|(a, posts)| pallet_content::Contribution {
							author: Identity::X(a),
							posts
						})
						.collect::<Vec<_>>()
						.try_into()
						.expect("fewer than the bound"),
				}
			),
			(0u64..4, post(), any::<u32>(), prop::collection::vec(any::<[u8; 32]>(), 0..3))
				.prop_map(|(batch, post, index, proof)| pallet_content::Call::revoke_post {
					batch,
					post,
					index,
					proof: proof
						.into_iter()
						.map(H256)
						.collect::<Vec<_>>()
						.try_into()
						.expect("short"),
				}),
		]
		.prop_map(RuntimeCall::Content);
		prop_oneof![4 => licensing, 2 => consent, 2 => content]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(128))]

		#[test]
		fn random_calls_never_panic_nor_break_invariants(
			calls in prop::collection::vec((prop::option::weighted(0.9, who()), call(), 0u64..300), 1..60)
		) {
			new_test_ext().execute_with(|| {
				let _ = world();
				let issuance = Balances::total_issuance();
				let mut now = System::block_number();
				for (origin, call, blocks) in calls {
					now += blocks;
					System::set_block_number(now);
					let origin = match origin {
						Some(who) => RawOrigin::Signed(account(who)).into(),
						None => RawOrigin::Root.into(),
					};
					let _ = call.dispatch_bypass_filter(origin);
					Licensing::on_idle(now, Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
					prop_assert_eq!(Consent::do_try_state(), Ok(()));
					prop_assert_eq!(Content::do_try_state(), Ok(()));
					prop_assert_eq!(Licensing::do_try_state(), Ok(()));
					prop_assert_eq!(Balances::total_issuance(), issuance);
				}
				Ok(())
			})?;
		}
	}
}

mod cost {
	use super::*;

	/// Contributors of the pool: `n` accounts with one post each on `platform`.
	fn contributors(platform: PlatformId, n: u32) {
		for i in 0..n {
			let mut bytes = [2u8; 32];
			bytes[..4].copy_from_slice(&i.to_le_bytes());
			let who = AccountId::new(bytes);
			Setup::link(&who, platform, 1_000_000 + i as u64, &[TRAINING]);
			Setup::posts(&who, platform, 1);
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
}
