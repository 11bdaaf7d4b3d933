//! Storage migrations. Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration):
//! it runs once, at the upgrade that brings its storage version, and leaves the runtime's
//! `Migrations` once every live chain has run it. (Versions 1 to 3 left it by spec 110: every
//! chain older than spec 109 was a development chain, started again at 109's new genesis.)

/// Version 4: a revocation records its cause. Each license's `revoked` block becomes a
/// [`LicenseRevocation`] at that block with no cause: before spec 110 governance recorded none, and
/// its deposit, never slashed, is still returned on release.
///
/// It runs in one block, in time linear in the licenses (one read and one write each): a
/// license is at most 300 bytes and released once it ends, so a chain's live licenses fit.
pub mod v4 {
	use crate::*;
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use licentia_primitives::consent::RestrictionSet;

	/// A license as version 3 stored it.
	#[derive(Encode, Decode)]
	pub struct OldLicense<AccountId, Balance, BlockNumber> {
		pub owner: AccountId,
		pub offer: OfferId,
		pub terms: TermsId,
		pub purposes: PurposeSet,
		pub conflicts: RestrictionSet,
		pub tier: PriceTier,
		pub transferable: bool,
		pub platforms: PoolPlatforms,
		pub start: BlockNumber,
		pub expiry: BlockNumber,
		pub snapshot: BatchId,
		pub records: u64,
		pub cap: Option<u64>,
		pub delivered: u64,
		pub price: Balance,
		pub revoked: Option<BlockNumber>,
		pub depositor: AccountId,
		pub deposit: Balance,
	}

	type OldLicenseOf<T> =
		OldLicense<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	fn migrate<T: Config>(old: OldLicenseOf<T>) -> LicenseOf<T> {
		License {
			owner: old.owner,
			offer: old.offer,
			terms: old.terms,
			purposes: old.purposes,
			conflicts: old.conflicts,
			tier: old.tier,
			transferable: old.transferable,
			platforms: old.platforms,
			start: old.start,
			expiry: old.expiry,
			snapshot: old.snapshot,
			records: old.records,
			cap: old.cap,
			delivered: old.delivered,
			price: old.price,
			revoked: old.revoked.map(|at| LicenseRevocation { at, cause: None }),
			depositor: old.depositor,
			deposit: old.deposit,
		}
	}

	/// Rewrites every license in version 4's layout.
	pub struct RevocationsRecordTheirCause<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RevocationsRecordTheirCause<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut licenses = 0u64;
			Licenses::<T>::translate::<OldLicenseOf<T>, _>(|_, old| {
				licenses = licenses.saturating_add(1);
				Some(migrate::<T>(old))
			});
			T::DbWeight::get().reads_writes(licenses, licenses)
		}

		/// Every license as version 3 stores it, to compare with after.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let mut licenses = Vec::new();
			for key in Licenses::<T>::iter_keys() {
				let raw =
					frame_support::storage::unhashed::get_raw(&Licenses::<T>::hashed_key_for(key))
						.ok_or("a license key without a value")?;
				let old = OldLicenseOf::<T>::decode(&mut &raw[..])
					.map_err(|_| "a license does not decode in version 3's layout")?;
				licenses.push((key, old.revoked, old.deposit));
			}
			Ok(licenses.encode())
		}

		/// The same licenses, each revoked at the same block with no cause, deposits untouched.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(LicenseId, Option<BlockNumberFor<T>>, BalanceOf<T>)>::decode(
				&mut &state[..],
			)
			.map_err(|_| "pre_upgrade's licenses decode")?;
			frame_support::ensure!(
				Licenses::<T>::iter_values().count() == before.len(),
				"a license was lost or does not decode"
			);
			for (id, revoked, deposit) in before {
				let license = Licenses::<T>::get(id).ok_or("a license was lost")?;
				frame_support::ensure!(
					license.revoked == revoked.map(|at| LicenseRevocation { at, cause: None }),
					"a revocation changed"
				);
				frame_support::ensure!(license.deposit == deposit, "a deposit changed");
			}
			Pallet::<T>::do_try_state()
		}
	}

	/// [`RevocationsRecordTheirCause`], run once: at the upgrade from storage version 3 to 4.
	pub type MigrateV3ToV4<T> = VersionedMigration<
		3,
		4,
		RevocationsRecordTheirCause<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	/// `license` as version 3 would have stored it (tests write the old layout with it).
	#[cfg(test)]
	pub(crate) fn old_license<T: Config>(l: LicenseOf<T>) -> OldLicenseOf<T> {
		OldLicense {
			owner: l.owner,
			offer: l.offer,
			terms: l.terms,
			purposes: l.purposes,
			conflicts: l.conflicts,
			tier: l.tier,
			transferable: l.transferable,
			platforms: l.platforms,
			start: l.start,
			expiry: l.expiry,
			snapshot: l.snapshot,
			records: l.records,
			cap: l.cap,
			delivered: l.delivered,
			price: l.price,
			revoked: l.revoked.map(|r| r.at),
			depositor: l.depositor,
			deposit: l.deposit,
		}
	}
}
