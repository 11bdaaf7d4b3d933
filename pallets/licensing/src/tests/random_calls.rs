//! Every call of the three pallets, with random and adversarial arguments (unknown ids, empty
//! and oversized sets, zero and maximal prices and durations, forged proofs, invalid purpose
//! bits) from random origins, in random order across blocks: nothing panics, the three pallets'
//! invariants (`do_try_state`) hold after every call, and no balance is created or destroyed.

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
		salt: Default::default(),
		text_seal: Default::default(),
	})
}

fn call() -> impl Strategy<Value = RuntimeCall> {
	let price = prop_oneof![amount().prop_map(Price::PerRecord), amount().prop_map(Price::Flat)];
	let licensing = prop_oneof![
		terms().prop_map(|terms| Call::register_terms { terms }),
		(id(), id(), price.clone()).prop_map(|(platform, terms, price)| Call::create_offer {
			platform,
			terms,
			price
		}),
		(prop::collection::vec(id(), 0..4), id(), price).prop_map(|(platforms, terms, price)| {
			Call::create_pool_offer {
				platforms: PoolPlatforms::truncate_from(platforms),
				terms,
				price,
			}
		}),
		(id(), any::<bool>()).prop_map(|(offer, paused)| Call::set_offer_paused { offer, paused }),
		id().prop_map(|offer| Call::close_offer { offer }),
		(id(), amount()).prop_map(|(offer, max_price)| Call::purchase { offer, max_price }),
		(0u64..4, who())
			.prop_map(|(license, to)| Call::transfer_license { license, to: account(to) }),
		(0u64..4, any::<bool>()).prop_map(|(license, cause)| Call::revoke_license {
			license,
			cause: cause.then(|| H256::repeat_byte(license as u8)),
		}),
		(0u64..4, id(), prop_oneof![Just(0u64), 1u64..2_000, Just(u64::MAX)]).prop_map(
			|(license, platform, count)| Call::record_deliveries { license, platform, count }
		),
		(0u64..4, id(), prop_oneof![Just(0u64), 1u64..2_000, Just(u64::MAX)]).prop_map(
			|(license, platform, count)| Call::reserve_deliveries { license, platform, count }
		),
		(0u64..4).prop_map(|license| Call::release_license { license }),
		Just(Call::claim {}),
		who().prop_map(|who| Call::claim_for { who: account(who) }),
	]
	.prop_map(RuntimeCall::Licensing);
	let consent = prop_oneof![
		// Forged acceptances: random signatures never link anything.
		(id(), identity(), who(), 0u32..3, any::<u64>(), prop::collection::vec(any::<u8>(), 64))
			.prop_map(|(platform, identity, who, nonce, expires_at, signature)| {
				pallet_consent::Call::link_identity {
					platform,
					identity,
					account: account(who),
					acceptance: pallet_consent::LinkAcceptance { nonce, expires_at },
					signature: sp_runtime::MultiSignature::Sr25519(
						sp_core::sr25519::Signature::from_raw(
							signature.try_into().expect("64 bytes"),
						),
					),
				}
			}),
		identity().prop_map(|identity| pallet_consent::Call::unlink_identity { identity }),
		(any::<bool>(), any::<bool>()).prop_map(|(allow, account_wide)| {
			pallet_consent::Call::set_consent {
				scope: if account_wide { Scope::Account } else { Scope::Identity(Identity::X(1)) },
				decisions: vec![(TRAINING, if allow { Decision::Allow } else { Decision::Deny })]
					.try_into()
					.expect("one"),
			}
		}),
		// Restrictions and minimum prices, including an unknown tier (refused).
		(0u8..16, 0u8..=PRICE_TIERS, any::<bool>()).prop_map(
			|(refused, min_price, account_wide)| {
				let refused = licentia_primitives::consent::RestrictionSet(refused)
					.iter()
					.collect::<Vec<_>>();
				pallet_consent::Call::set_restrictions {
					scope: if account_wide {
						Scope::Account
					} else {
						Scope::Identity(Identity::X(1))
					},
					restrictions: pallet_consent::Restrictions {
						refused: refused.try_into().expect("at most four"),
						min_price,
					},
				}
			}
		),
		Just(pallet_consent::Call::withdraw_consent {}),
	]
	.prop_map(RuntimeCall::Consent);
	let content = prop_oneof![
		(id(), any::<[u8; 32]>(), prop::collection::vec((0u64..5, 0u32..40, any::<u32>()), 0..4))
			.prop_map(|(platform, root, authors)| pallet_content::Call::register_batch {
				platform,
				root: H256(root),
				anonymous_root: H256(root),
				contributors: authors
					.into_iter()
					.map(|(a, posts, first)| pallet_content::Contribution {
						author: Identity::X(a),
						posts,
						first_key: first as u64,
						last_key: first as u64 + posts.saturating_sub(1) as u64,
					})
					.collect::<Vec<_>>()
					.try_into()
					.expect("fewer than the bound"),
			}),
		(0u64..4, post(), any::<u32>(), prop::collection::vec(any::<[u8; 32]>(), 0..3)).prop_map(
			|(batch, post, index, proof)| pallet_content::Call::revoke_post {
				batch,
				post,
				index,
				proof: proof.into_iter().map(H256).collect::<Vec<_>>().try_into().expect("short"),
			}
		),
		prop::collection::vec(
			(0u64..4, post(), 0u32..4, prop::collection::vec(any::<[u8; 32]>(), 0..3)),
			0..4
		)
		.prop_map(|posts| pallet_content::Call::revoke_posts {
			posts: posts
				.into_iter()
				.map(|(batch, post, index, proof)| pallet_content::PostWithProof {
					batch,
					post,
					index,
					proof: proof
						.into_iter()
						.map(H256)
						.collect::<Vec<_>>()
						.try_into()
						.expect("short"),
				})
				.collect::<Vec<_>>()
				.try_into()
				.expect("fewer than the bound"),
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
				// A batch registered is activated at once (the mock has no challenge window).
				let activation = match &call {
					RuntimeCall::Content(pallet_content::Call::register_batch {
						contributors, ..
					}) => Some(contributors.clone()),
					_ => None,
				};
				if call.dispatch_bypass_filter(origin).is_ok() {
					if let Some(contributors) = activation {
						let batch = pallet_content::NextBatchId::<Test>::get() - 1;
						let signed = RawOrigin::Signed(account(0)).into();
						let activate = pallet_content::Call::<Test>::activate_batch { batch, contributors };
						prop_assert!(activate.dispatch_bypass_filter(signed).is_ok());
					}
				}
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
