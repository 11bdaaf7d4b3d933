//! The storage migration to version 1: the reward items move to their new names, whole.

use super::*;
use crate::migrations::v1;
use frame_support::{
	storage::{migration::move_prefix, StoragePrefixedMap},
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};

#[test]
fn v1_moves_the_reward_items_to_their_new_names() {
	run(|| {
		let w = world();
		let op2 = Setup::account(101);
		let other = Setup::platform(PlatformKind::X, &op2, Perbill::from_percent(20));
		Setup::link(&Setup::account(4), other, 3, &[TRAINING]);
		Setup::posts(&Identity::X(3), other, 5);
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let shares: Vec<_> = PlatformShareTotals::<Test>::iter().collect();
		let counters: Vec<_> = PlatformRewardCounters::<Test>::iter().collect();
		let members: Vec<_> = PoolMembers::<Test>::iter().collect();
		assert_eq!((shares.len(), counters.len(), members.len()), (2, 1, 3));

		// The state as version 0 stored it: the same entries under the old names.
		let old =
			|name: &str| frame_support::storage::storage_prefix(b"Licensing", name.as_bytes());
		for (name, new) in [
			("Shares", PlatformShareTotals::<Test>::final_prefix()),
			("Counters", PlatformRewardCounters::<Test>::final_prefix()),
			("Members", PoolMembers::<Test>::final_prefix()),
		] {
			move_prefix(&new, &old(name));
			assert_eq!(v1::count(&new), 0);
		}
		StorageVersion::new(0).put::<Licensing>();
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 0, "nothing is found before");

		v1::MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Licensing::on_chain_storage_version(), 1);
		assert_eq!(PlatformShareTotals::<Test>::iter().collect::<Vec<_>>(), shares);
		assert_eq!(PlatformRewardCounters::<Test>::iter().collect::<Vec<_>>(), counters);
		assert_eq!(PoolMembers::<Test>::iter().collect::<Vec<_>>(), members);
		for name in ["Shares", "Counters", "Members"] {
			assert_eq!(v1::count(&old(name)), 0, "{name} is empty");
		}
		assert_eq!(Licensing::api_pending_rewards(&w.alice), 256);
	});
}

/// Version 2: each account's post count moves to its identity on that platform (content), and
/// each account's standing is settled into `Owed` and stood up again per identity (licensing).
#[test]
fn v2_moves_counts_and_standings_from_accounts_to_their_identities() {
	run(|| {
		let w = world();
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let owed_alice = Licensing::api_pending_rewards(&w.alice);
		assert_eq!(owed_alice, 256);
		let members: Vec<_> = PoolMembers::<Test>::iter().collect();

		// The state as version 1 stored it: counts and members per account.
		let _ = pallet_content::Contributions::<Test>::clear(u32::MAX, None);
		let _ = PoolMembers::<Test>::clear(u32::MAX, None);
		for (who, identity, posts) in [(&w.alice, 1u64, 30u64), (&w.bob, 2, 70)] {
			pallet_content::migrations::v2::Contributions::<Test>::insert(who, w.platform, posts);
			let member = members
				.iter()
				.find(|(i, _, _)| *i == Identity::X(identity))
				.map(|(_, _, m)| m)
				.expect("a member per identity");
			let old = crate::migrations::v2::OldPoolMember {
				shares: member.shares,
				allowed: member.allowed,
				last_recorded_reward_counters: member.last_recorded_reward_counters.clone(),
			};
			crate::migrations::v2::PoolMembers::<Test>::insert(who, w.platform, old);
		}
		// An account whose count no identity holds any more: dropped from the platform's total.
		pallet_content::migrations::v2::Contributions::<Test>::insert(
			Setup::account(9),
			w.platform,
			5,
		);
		pallet_content::PlatformPosts::<Test>::mutate(w.platform, |n| *n += 5);
		StorageVersion::new(1).put::<Content>();
		StorageVersion::new(1).put::<Licensing>();

		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		pallet_content::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(
			(Content::on_chain_storage_version(), Licensing::on_chain_storage_version()),
			(StorageVersion::new(2), StorageVersion::new(2))
		);
		assert_eq!(pallet_content::Contributions::<Test>::get(Identity::X(1), w.platform), 30);
		assert_eq!(pallet_content::Contributions::<Test>::get(Identity::X(2), w.platform), 70);
		assert_eq!(pallet_content::PlatformPosts::<Test>::get(w.platform), 100);
		assert_eq!(Owed::<Test>::get(&w.alice), owed_alice, "settled into Owed");
		assert_eq!(Licensing::api_pending_rewards(&w.alice), owed_alice, "and not twice");
		assert_eq!(Licensing::api_quote(0).map(|q| q.records), Ok(100));
		assert_eq!(
			PoolMembers::<Test>::get(Identity::X(2), w.platform).map(|m| m.owner),
			Some(w.bob.clone())
		);
	});
}
