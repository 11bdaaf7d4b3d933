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
