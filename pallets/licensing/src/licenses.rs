//! License tokens after their purchase: transfer, revocation by governance, metered deliveries,
//! and release once they have ended.

use crate::*;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// Whether `license` may still be used at `now`: neither revoked nor expired.
	pub(crate) fn is_live(license: &LicenseOf<T>, now: BlockNumberFor<T>) -> bool {
		license.revoked.is_none() && now < license.expiry
	}

	pub(crate) fn do_transfer_license(
		who: T::AccountId,
		id: LicenseId,
		to: T::AccountId,
	) -> DispatchResult {
		let mut license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		ensure!(license.owner == who, Error::<T>::NotLicenseOwner);
		ensure!(license.transferable, Error::<T>::NotTransferable);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(Self::is_live(&license, now), Error::<T>::LicenseEnded);
		license.owner = to.clone();
		Licenses::<T>::insert(id, license);
		Self::deposit_event(Event::LicenseTransferred { license: id, from: who, to });
		Ok(())
	}

	pub(crate) fn do_revoke_license(id: LicenseId, cause: Option<H256>) -> DispatchResult {
		let mut license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		ensure!(license.revoked.is_none(), Error::<T>::AlreadyRevoked);
		let slashed = if cause.is_some() {
			// The whole deposit, or nothing: the call fails rather than keep part of it.
			T::Currency::transfer_on_hold(
				&HoldReason::License.into(),
				&license.depositor,
				&T::Treasury::get(),
				license.deposit,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)?
		} else {
			Zero::zero()
		};
		license.deposit = license.deposit.saturating_sub(slashed);
		license.revoked =
			Some(LicenseRevocation { at: frame_system::Pallet::<T>::block_number(), cause });
		Licenses::<T>::insert(id, license);
		Self::deposit_event(Event::LicenseRevoked { license: id, cause, slashed });
		Ok(())
	}

	pub(crate) fn do_record_deliveries(
		who: T::AccountId,
		id: LicenseId,
		platform: PlatformId,
		count: u64,
	) -> DispatchResult {
		let mut license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		ensure!(license.platforms.contains(&platform), Error::<T>::PlatformNotCovered);
		Self::ensure_operator(platform, &who)?;
		ensure!(count > 0, Error::<T>::ZeroDeliveries);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(Self::is_live(&license, now), Error::<T>::LicenseEnded);
		let delivered = license.delivered.checked_add(count).ok_or(Error::<T>::CapExceeded)?;
		ensure!(license.cap.is_none_or(|cap| delivered <= cap), Error::<T>::CapExceeded);
		// A platform of a capped pool records within its own part only.
		if let Some(mut part) = PlatformParts::<T>::get(id, platform) {
			part.delivered = part.delivered.checked_add(count).ok_or(Error::<T>::CapExceeded)?;
			ensure!(part.delivered <= part.cap, Error::<T>::CapExceeded);
			PlatformParts::<T>::insert(id, platform, part);
		}
		license.delivered = delivered;
		Licenses::<T>::insert(id, license);
		Self::deposit_event(Event::DeliveriesRecorded { license: id, platform, count, delivered });
		Ok(())
	}

	pub(crate) fn do_release_license(id: LicenseId) -> DispatchResult {
		let license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(!Self::is_live(&license, now), Error::<T>::LicenseActive);
		Licenses::<T>::remove(id);
		for platform in &license.platforms {
			PlatformParts::<T>::remove(id, platform);
		}
		T::Currency::release(
			&HoldReason::License.into(),
			&license.depositor,
			license.deposit,
			Precision::BestEffort,
		)?;
		Self::deposit_event(Event::LicenseReleased { license: id });
		Ok(())
	}
}
