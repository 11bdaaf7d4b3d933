//! The storage migration to version 4: a revocation records its cause.

use super::*;
use crate::migrations::v4;
use frame_support::{
	storage::unhashed,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};

/// Licenses written back in version 3's layout, one live and one revoked, migrate to what
/// version 4 stores: the same licenses, the revoked one revoked at the same block with no cause
/// (its deposit still returned on release), and the migration runs once only.
#[test]
fn v4_keeps_every_license_and_gives_old_revocations_no_cause() {
	run(|| {
		let w = world();
		for _ in 0..2 {
			assert_ok!(Licensing::purchase(RuntimeOrigin::signed(w.buyer.clone()), 0, u128::MAX));
		}
		System::set_block_number(5);
		assert_ok!(Licensing::revoke_license(RuntimeOrigin::root(), 1, None));
		let licenses: Vec<_> = Licenses::<Test>::iter().collect();
		assert_eq!(licenses.len(), 2);
		for (id, license) in &licenses {
			unhashed::put(
				&Licenses::<Test>::hashed_key_for(id),
				&v4::old_license::<Test>(license.clone()),
			);
		}
		StorageVersion::new(3).put::<Licensing>();
		assert_ne!(
			unhashed::get_raw(&Licenses::<Test>::hashed_key_for(1)),
			Some(licenses.iter().find(|(id, _)| *id == 1).expect("two").1.encode()),
			"a revoked license's layout differs (a live one encodes alike in both)"
		);

		v4::MigrateV3ToV4::<Test>::on_runtime_upgrade();

		assert_eq!(Licensing::on_chain_storage_version(), 4);
		let mut after: Vec<_> = Licenses::<Test>::iter().collect();
		after.sort_by_key(|(id, _)| *id);
		assert_eq!(after, {
			let mut l = licenses.clone();
			l.sort_by_key(|(id, _)| *id);
			l
		});
		assert_eq!(
			Licenses::<Test>::get(1).and_then(|l| l.revoked),
			Some(LicenseRevocation { at: 5, cause: None })
		);
		assert_ok!(Licensing::do_try_state());

		// Run again (a second upgrade): the version says it is done, nothing is rewritten.
		unhashed::put(&Licenses::<Test>::hashed_key_for(0), &[0u8; 3]);
		v4::MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_eq!(unhashed::get_raw(&Licenses::<Test>::hashed_key_for(0)), Some(vec![0u8; 3]));
	});
}
