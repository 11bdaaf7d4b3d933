//! The storage migration to version 3: consent covers the terms.

use super::*;
use crate::migrations::v3;
use frame_support::{
	storage::unhashed,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};

/// A purchase's state written back in version 2's layout migrates to what version 3 would have
/// stored, but for the counters' conflicts, which version 2 did not record (every member of
/// version 2 refuses nothing, so none is needed): the same members, totals and licenses, the
/// same rewards and quotes.
#[test]
fn v3_gives_members_consent_counters_demands_and_licenses_their_tier() {
	run(|| {
		let w = world();
		assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		let owed_alice = Licensing::api_pending_rewards(&w.alice);
		assert!(owed_alice > 0);
		let members: Vec<_> = PoolMembers::<Test>::iter().collect();
		let counters: Vec<_> = PlatformRewardCounters::<Test>::iter().collect();
		let totals: Vec<_> = PlatformShareTotals::<Test>::iter().collect();
		let license = Licenses::<Test>::get(0).expect("bought");
		let quote = Licensing::api_quote(0);

		// The same state as version 2 stored it.
		for (identity, platform, m) in &members {
			let old = v3::OldPoolMember {
				owner: m.owner.clone(),
				shares: m.shares,
				allowed: m.consent.purposes,
				last_recorded_reward_counters: v3::old_counters(&m.last_recorded_reward_counters),
			};
			unhashed::put(&PoolMembers::<Test>::hashed_key_for(identity, platform), &old);
		}
		for (platform, c) in &counters {
			unhashed::put(
				&PlatformRewardCounters::<Test>::hashed_key_for(platform),
				&v3::old_counters(c),
			);
		}
		let _ = PlatformShareTotals::<Test>::clear(u32::MAX, None);
		let mut old_totals = [0u64; 32];
		for (set, total) in old_totals.iter_mut().enumerate().skip(1) {
			*total = totals[0].2.of(PurposeSet(set as u8), Default::default());
		}
		v3::old::PlatformShareTotals::<Test>::insert(w.platform, old_totals);
		unhashed::put(
			&Licenses::<Test>::hashed_key_for(0),
			&v3::old_license::<Test>(license.clone()),
		);
		StorageVersion::new(2).put::<Licensing>();

		v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();

		assert_eq!(Licensing::on_chain_storage_version(), 3);
		let without_conflicts = |c: &RewardCounters| -> RewardCounters {
			let c = c.iter().map(|(d, v)| (Demand { conflicts: Default::default(), ..*d }, *v));
			c.collect::<Vec<_>>().try_into().expect("as many")
		};
		let members: Vec<_> = members
			.into_iter()
			.map(|(i, p, m)| {
				let last = without_conflicts(&m.last_recorded_reward_counters);
				(i, p, PoolMember { last_recorded_reward_counters: last, ..m })
			})
			.collect();
		assert_eq!(PoolMembers::<Test>::iter().collect::<Vec<_>>(), members);
		let counters: Vec<_> = counters.iter().map(|(p, c)| (*p, without_conflicts(c))).collect();
		assert_eq!(PlatformRewardCounters::<Test>::iter().collect::<Vec<_>>(), counters);
		assert_eq!(PlatformShareTotals::<Test>::iter().collect::<Vec<_>>(), totals);
		assert_eq!(Licenses::<Test>::get(0), Some(license));
		assert_eq!(Licensing::api_pending_rewards(&w.alice), owed_alice);
		assert_eq!(Licensing::api_quote(0), quote);
		assert_ok!(Licensing::do_try_state());
	});
}
