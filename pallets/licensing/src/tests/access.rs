//! Access checks (the `check_access` runtime APIs): every reason for a denial.

use super::*;

#[test]
fn every_denial_reason() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1, 2]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let (late, late_posts) = register(&w, &[1]);
		let q = query(0, batch, &posts, 0);
		assert_eq!(Licensing::api_check_access(&q), Ok(()));
		assert_eq!(Licensing::api_check_access(&query(0, batch, &posts, 1)), Ok(()));

		assert_eq!(
			Licensing::api_check_access(&AccessQuery { license: 9, ..q.clone() }),
			Err(Denial::UnknownLicense)
		);
		assert_eq!(
			Licensing::api_check_access(&AccessQuery { purpose: Purpose::Research, ..q.clone() }),
			Err(Denial::PurposeNotCovered)
		);
		assert_eq!(
			Licensing::api_check_access(&query(0, late, &late_posts, 0)),
			Err(Denial::OutsideSnapshot)
		);
		assert_eq!(
			Licensing::api_check_access(&AccessQuery { index: 1, ..q.clone() }),
			Err(Denial::NotRegistered)
		);
		// Bob denies training for his identity only.
		assert_ok!(Consent::set_consent(
			RuntimeOrigin::signed(w.bob.clone()),
			Scope::Identity(Identity::X(2)),
			vec![(TRAINING, Decision::Deny)].try_into().expect("one")
		));
		assert_eq!(
			Licensing::api_check_access(&query(0, batch, &posts, 1)),
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
		assert_eq!(Licensing::api_check_access(&q), Err(Denial::PostRevoked));

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
		let one_by_one: Vec<_> = queries.iter().map(Licensing::api_check_access).collect();
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
		assert_eq!(Licensing::api_check_access_batch(&queries), one_by_one);

		// The cap, expiry and revocation apply to the license itself.
		let (batch2, posts2) = register(&w, &[1]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let q2 = query(1, batch2, &posts2, 0);
		assert_eq!(Licensing::api_check_access(&q2), Ok(()));
		assert_ok!(Licensing::record_deliveries(
			RuntimeOrigin::signed(w.operator.clone()),
			1,
			w.platform,
			1_000
		));
		assert_eq!(Licensing::api_check_access(&q2), Err(Denial::CapReached));
		System::set_block_number(101);
		assert_eq!(Licensing::api_check_access(&q2), Err(Denial::Expired));
		assert_ok!(Licensing::revoke_license(RuntimeOrigin::root(), 1, None));
		assert_eq!(Licensing::api_check_access(&q2), Err(Denial::LicenseRevoked));
	});
}

/// The attack: a platform puts a post of another platform's user inside its own batch (the leaf
/// names the user; the count is declared for one of its own users). The post proves against the
/// batch, but the user's consent was given through the other platform: access is denied, and
/// `post_status` answers `Unlinked`.
#[test]
fn a_record_of_another_platforms_user_is_never_served() {
	run(|| {
		let w = world();
		// Dave's X identity 9 is linked through a second X platform, with every purpose allowed.
		let other = Setup::platform(PlatformKind::X, &Setup::account(200), Perbill::zero());
		let dave = Setup::account(4);
		Setup::link(&dave, other, 9, &Purpose::ALL);
		// The first platform registers a batch of Alice's post and a post "by" Dave.
		let posts: Vec<PostRecord> = [1u64, 9]
			.iter()
			.map(|a| PostRecord {
				platform: w.platform,
				post: PostId::X { id: 5_000 + a },
				content_hash: H256::repeat_byte(*a as u8),
				author: Identity::X(*a),
				salt: Default::default(),
				text_seal: Default::default(),
			})
			.collect();
		let root = batch_root(posts.iter().map(|p| p.leaf_hash()));
		// The post "by" Dave inside Alice's range is provable fraud; nobody challenged it here
		// (the content pallet's tests do), and access is still refused.
		let contributors = vec![pallet_content::Contribution {
			author: Identity::X(1),
			posts: 2,
			first_key: 5_001,
			last_key: 5_009,
		}];
		register_and_activate(&w, root, contributors);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));

		assert_eq!(Licensing::api_check_access(&query(0, 0, &posts, 0)), Ok(()));
		assert_eq!(
			Licensing::api_check_access(&query(0, 0, &posts, 1)),
			Err(Denial::ConsentWithdrawn)
		);
		let q = query(0, 0, &posts, 1);
		assert_eq!(
			Content::api_post_status(0, &q.post, q.index, &q.proof),
			licentia_primitives::content::PostStatus::Unlinked
		);
	});
}

#[test]
fn a_batch_activated_after_the_purchase_is_outside_it_whatever_its_id() {
	run(|| {
		let w = world();
		// Registered (pending) before the purchase, activated after it: the price was not
		// counted over its post, so the license does not cover it.
		let post = PostRecord {
			platform: w.platform,
			post: PostId::X { id: 900_001 },
			content_hash: H256::repeat_byte(9),
			author: Identity::X(1),
			salt: Default::default(),
			text_seal: Default::default(),
		};
		let root = batch_root([post.leaf_hash()]);
		let list: frame_support::BoundedVec<_, _> = vec![pallet_content::Contribution {
			author: Identity::X(1),
			posts: 1,
			first_key: 900_001,
			last_key: 900_001,
		}]
		.try_into()
		.expect("one");
		assert_ok!(Content::register_batch(
			RuntimeOrigin::signed(w.operator.clone()),
			w.platform,
			root,
			H256::zero(),
			list.clone()
		));
		let pending = pallet_content::NextBatchId::<Test>::get() - 1;
		let (later, later_posts) = register(&w, &[2]);
		assert!(pending < later, "ids follow registration");
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let records = Licenses::<Test>::get(0).map(|l| l.records);
		assert_ok!(Content::activate_batch(RuntimeOrigin::signed(w.buyer.clone()), pending, list));

		assert_eq!(Licensing::api_check_access(&query(0, later, &later_posts, 0)), Ok(()));
		assert_eq!(
			Licensing::api_check_access(&query(0, pending, &[post], 0)),
			Err(Denial::OutsideSnapshot)
		);
		assert_eq!(Licenses::<Test>::get(0).map(|l| l.records), records);
	});
}

/// Issue 31: an author left out when a license was bought (here: denied its purpose) who allows
/// it later was neither counted nor paid by that license: it never serves them, and a license
/// bought after does. An author who narrows consent in a way the license's terms do not care
/// about, then widens it back, was counted all along: still served.
#[test]
fn a_license_serves_only_the_authors_its_price_was_counted_over() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1, 2]);
		let bob = RuntimeOrigin::signed(w.bob.clone());
		let say = |origin: &RuntimeOrigin, purpose, decision| {
			assert_ok!(Consent::set_consent(
				origin.clone(),
				Scope::Account,
				vec![(purpose, decision)].try_into().expect("one")
			));
		};
		say(&bob, TRAINING, Decision::Deny);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let counted = Licenses::<Test>::get(0).expect("bought").records;
		say(&bob, TRAINING, Decision::Allow);

		assert_eq!(Licensing::api_check_access(&query(0, batch, &posts, 0)), Ok(()));
		assert_eq!(
			Licensing::api_check_access(&query(0, batch, &posts, 1)),
			Err(Denial::NotCounted)
		);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		assert!(Licenses::<Test>::get(1).expect("bought").records > counted, "Bob counted");
		assert_eq!(Licensing::api_check_access(&query(1, batch, &posts, 1)), Ok(()));

		// Alice denies research (license 0 grants training only), then allows it again: she
		// admitted training all along, and stays in license 0.
		let alice = RuntimeOrigin::signed(w.alice.clone());
		say(&alice, Purpose::Research, Decision::Deny);
		say(&alice, Purpose::Research, Decision::Allow);
		assert_eq!(Licensing::api_check_access(&query(0, batch, &posts, 0)), Ok(()));
		// She denies training and allows it again: license 0 no longer serves her (its holder
		// was told to delete her posts), license 1 neither; a license bought now does.
		say(&alice, TRAINING, Decision::Deny);
		say(&alice, TRAINING, Decision::Allow);
		for license in [0, 1] {
			assert_eq!(
				Licensing::api_check_access(&query(license, batch, &posts, 0)),
				Err(Denial::NotCounted)
			);
		}
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		assert_eq!(Licensing::api_check_access(&query(2, batch, &posts, 0)), Ok(()));
	});
}

/// An identity that moves to another account (its account unlinked it, another was attested)
/// is a new member: licenses bought before paid its old account, not the new one.
#[test]
fn a_license_does_not_serve_an_identity_that_changed_account_after_it() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1, 2]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		assert_ok!(Consent::unlink_identity(RuntimeOrigin::signed(w.bob.clone()), Identity::X(2)));
		Setup::link(&Setup::account(4), w.platform, 2, &Purpose::ALL);
		assert_eq!(
			Licensing::api_check_access(&query(0, batch, &posts, 1)),
			Err(Denial::NotCounted)
		);
		assert_eq!(Licensing::api_check_access(&query(0, batch, &posts, 0)), Ok(()));
	});
}

/// Issue 31's attack, as a license holder sees it: Bob withdraws, then the platform's operator
/// unlinks his identity (to give it to an account of its own, which the consent pallet refuses:
/// the identity is held for Bob). The feed names the withdrawal once, the license never serves
/// his posts again, and the unlink moves nothing to anyone.
#[test]
fn an_operators_unlink_after_a_withdrawal_serves_and_pays_nobody() {
	run(|| {
		let w = world();
		let (batch, posts) = register(&w, &[1, 2]);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let start = FeedNext::<Test>::get();
		assert_ok!(Consent::withdraw_consent(RuntimeOrigin::signed(w.bob.clone())));
		assert_ok!(Consent::unlink_identity(
			RuntimeOrigin::signed(w.operator.clone()),
			Identity::X(2)
		));
		assert!(pallet_consent::HeldIdentities::<Test>::contains_key(Identity::X(2)));

		let feed = Licensing::api_revocations(0, 0, Some(start), 100).records;
		assert!(
			matches!(
				&feed[..],
				[r] if matches!(&r.change, FeedChange::ConsentWithdrawn { identity, .. }
					if identity == &Identity::X(2))
			),
			"one withdrawal: {feed:?}"
		);
		assert_eq!(
			Licensing::api_check_access(&query(0, batch, &posts, 1)),
			Err(Denial::ConsentWithdrawn)
		);
		assert!(PoolMembers::<Test>::get(Identity::X(2), w.platform).is_none());
	});
}
