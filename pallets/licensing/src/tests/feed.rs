//! The revocation feed: what it lists for a license, and its pruning in `on_idle`.

use super::*;
use licentia_primitives::licensing::MAX_FEED_SCAN;

#[test]
fn lists_withdrawals_and_revocations_that_affect_a_license() {
	run(|| {
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

		let page = Licensing::api_revocations(0, 0, None, 10);
		assert!(page.complete);
		assert_eq!(page.next, FeedNext::<Test>::get());
		let feed = page.records;
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
		assert_eq!(Licensing::api_revocations(0, 7, None, 10).records, vec![feed[1].clone()]);
		// A page of one stops after the first record; its cursor goes on from there.
		let first = Licensing::api_revocations(0, 0, None, 1);
		assert_eq!((first.records, first.complete), (vec![feed[0].clone()], false));
		let rest = Licensing::api_revocations(0, 0, Some(first.next), 10);
		assert_eq!((rest.records, rest.complete), (vec![feed[1].clone()], true));
		// A holder that keeps the last `next` reads nothing again.
		assert!(Licensing::api_revocations(0, 0, Some(rest.next), 10).records.is_empty());
		assert!(Licensing::api_revocations(5, 0, None, 10).records.is_empty(), "unknown license");
	});
}

#[test]
fn a_read_looks_at_a_bounded_number_of_entries_whatever_the_feed_holds() {
	run(|| {
		let w = world();
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		// Two and a half pages' worth of entries of another platform, then one that concerns
		// the license: a read that scanned until it found a record would read them all.
		let other =
			FeedChange::PostRevoked { platform: w.platform + 1, batch: 0, post: H256::zero() };
		for _ in 0..(MAX_FEED_SCAN * 5 / 2) {
			Licensing::append_to_feed(other.clone());
		}
		Licensing::append_to_feed(FeedChange::ConsentWithdrawn {
			identity: Identity::X(1),
			account: w.alice.clone(),
			platform: w.platform,
			purposes: PurposeSet::EMPTY.with(TRAINING),
		});

		let mut cursor = None;
		let mut pages = Vec::new();
		loop {
			let page = Licensing::api_revocations(0, 0, cursor, 1_000);
			assert!(page.next - cursor.unwrap_or(0) <= MAX_FEED_SCAN.into(), "looked too far");
			cursor = Some(page.next);
			pages.push(page.records.len());
			if page.complete {
				break;
			}
		}
		assert_eq!(pages, vec![0, 0, 1], "two empty pages, then the record");
		assert_eq!(cursor, Some(FeedNext::<Test>::get()));
		// A cursor before what was pruned starts at the oldest kept entry; one past the end
		// reads nothing.
		FeedOldest::<Test>::put(u64::from(MAX_FEED_SCAN * 5 / 2));
		let page = Licensing::api_revocations(0, 0, Some(3), 10);
		assert_eq!(page.records.len(), 1);
		let page = Licensing::api_revocations(0, 0, Some(u64::MAX), 10);
		assert_eq!(
			(page.records.len(), page.next, page.complete),
			(0, FeedNext::<Test>::get(), true)
		);
	});
}

#[test]
fn on_idle_drops_entries_older_than_the_longest_license() {
	run(|| {
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

/// A change of consent, links or posts, as the feed's property test draws them.
#[derive(Clone, Debug)]
enum Change {
	/// `who` (0: Alice, 1: Bob, 2: Carol) allows or denies `purpose` for all its identities,
	/// or for its identity `X(identity)`.
	Consent { who: usize, identity: Option<u64>, purpose: Purpose, allow: bool },
	/// `X(identity)` is unlinked by its account.
	Unlink { identity: u64 },
	/// `X(identity)`, if unlinked, is linked to `to` allowing AI training or nothing.
	Link { identity: u64, to: usize, allow: bool },
	/// The operator revokes the batch's post `index`.
	Revoke { index: u32 },
	/// `who` withdraws everything.
	Withdraw { who: usize },
}

fn change() -> impl proptest::strategy::Strategy<Value = Change> {
	use proptest::prelude::*;
	let purpose = prop::sample::select(vec![TRAINING, Purpose::Research]);
	prop_oneof![
		(0usize..3, prop::option::of(1u64..5), purpose, any::<bool>()).prop_map(
			|(who, identity, purpose, allow)| Change::Consent { who, identity, purpose, allow }
		),
		(1u64..5).prop_map(|identity| Change::Unlink { identity }),
		(1u64..5, 0usize..3, any::<bool>()).prop_map(|(identity, to, allow)| Change::Link {
			identity,
			to,
			allow
		}),
		(0u32..4).prop_map(|index| Change::Revoke { index }),
		(0usize..3).prop_map(|who| Change::Withdraw { who }),
	]
}

proptest::proptest! {
	#![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

	/// The feed is what a license holder needs: after any change of consent, links or posts,
	/// every record whose access check turned from allowed to denied is named by a new entry
	/// for the license (its identity, or its leaf), and no entry names a record still allowed.
	/// Identity-scoped denials, unlinks, relinks to another account and account-wide statements
	/// included.
	#[test]
	fn the_feed_lists_exactly_the_records_whose_access_was_withdrawn(
		changes in proptest::collection::vec(change(), 1..12)
	) {
		new_test_ext().execute_with(|| {
			let w = world();
			let carol = Setup::account(4);
			Setup::link(&carol, w.platform, 3, &Purpose::ALL);
			Setup::link(&carol, w.platform, 4, &[TRAINING]);
			let people = [w.alice.clone(), w.bob.clone(), carol];
			let (batch, posts) = register(&w, &[1, 2, 3, 4]);
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
			let allowed = || -> Vec<bool> {
				(0..4).map(|i| Licensing::api_check_access(&query(0, batch, &posts, i)).is_ok())
					.collect()
			};

			for (step, change) in changes.into_iter().enumerate() {
				let at = step as u64 + 2;
				System::set_block_number(at);
				let before = allowed();
				let _ = match change {
					Change::Consent { who, identity, purpose, allow } => Consent::set_consent(
						RuntimeOrigin::signed(people[who].clone()),
						identity.map_or(Scope::Account, |i| Scope::Identity(Identity::X(i))),
						vec![(purpose, if allow { Decision::Allow } else { Decision::Deny })]
							.try_into()
							.expect("one"),
					),
					Change::Unlink { identity } => {
						match pallet_consent::IdentityOwner::<Test>::get(Identity::X(identity)) {
							Some(link) => Consent::unlink_identity(
								RuntimeOrigin::signed(link.account),
								Identity::X(identity),
							),
							None => Ok(()),
						}
					},
					Change::Link { identity, to, allow } => {
						if !pallet_consent::IdentityOwner::<Test>::contains_key(Identity::X(identity)) {
							let purposes: &[Purpose] = if allow { &[TRAINING] } else { &[] };
							Setup::link(&people[to], w.platform, identity, purposes);
						}
						Ok(())
					},
					Change::Revoke { index } => {
						let leaves = posts.iter().map(|p| p.leaf_hash()).collect();
						Content::revoke_post(
							RuntimeOrigin::signed(w.operator.clone()),
							batch,
							posts[index as usize].clone(),
							index,
							batch_proof(leaves, index).try_into().expect("short"),
						)
					},
					Change::Withdraw { who } => {
						Consent::withdraw_consent(RuntimeOrigin::signed(people[who].clone()))
					},
				};
				let after = allowed();
				let feed = Licensing::api_revocations(0, at, None, 100).records;
				let names = |i: usize| {
					feed.iter().any(|record| match &record.change {
						FeedChange::ConsentWithdrawn { identity, platform, purposes, .. } =>
							*identity == posts[i].author
								&& *platform == w.platform
								&& purposes.contains(TRAINING),
						FeedChange::PostRevoked { post, .. } => *post == posts[i].leaf_hash(),
						FeedChange::ConsentNarrowed { .. } => false,
					})
				};
				for i in 0..4 {
					let withdrawn = before[i] && !after[i];
					// Every withdrawn record is named, and a named record is denied now (an
					// entry may name a record that was denied already: a revoked post whose
					// author then withdraws, say).
					proptest::prop_assert!(
						withdrawn <= names(i) && (!names(i) || !after[i]),
						"step {}: record {} went from {} to {}; feed {:?}",
						step, i, before[i], after[i], feed
					);
				}
				check_invariants();
			}
			Ok(())
		})?;
	}
}

/// Posts withdrawn together (`revoke_posts`) are fed one by one, and their authors' standings
/// follow their counts.
#[test]
fn posts_revoked_together_are_each_in_the_feed() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1, 2]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let leaves: Vec<H256> = posts.iter().map(|p| p.leaf_hash()).collect();
		let items: Vec<_> = (0..2u32)
			.map(|index| pallet_content::PostWithProof {
				batch,
				post: posts[index as usize].clone(),
				index,
				proof: batch_proof(leaves.clone(), index).try_into().expect("short"),
			})
			.collect();
		assert_ok!(Content::revoke_posts(
			RuntimeOrigin::signed(w.operator.clone()),
			items.try_into().expect("two")
		));

		let feed = Licensing::api_revocations(0, 0, None, 10).records;
		let revoked: Vec<H256> = feed
			.iter()
			.filter_map(|r| match r.change {
				FeedChange::PostRevoked { post, .. } => Some(post),
				_ => None,
			})
			.collect();
		assert_eq!(revoked, leaves);
		for author in [Identity::X(1), Identity::X(2)] {
			let member = PoolMembers::<Test>::get(&author, w.platform).expect("still a member");
			assert_eq!(
				member.shares,
				pallet_content::Contributions::<Test>::get(&author, w.platform)
			);
		}
	});
}
