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
		let mut license = Self::deliverable(&who, id, platform, count)?;
		let allowance = Allowances::<T>::get(id, platform);
		let part = PlatformParts::<T>::get(id, platform);
		// What the platform reserved is recorded first; only the rest takes from the cap.
		let drawn = count.min(allowance);
		let room = Self::room(id, &license, part.as_ref(), allowance);
		ensure!(count - drawn <= room, Error::<T>::CapExceeded);
		let delivered = license.delivered.checked_add(count).ok_or(Error::<T>::CapExceeded)?;
		if let Some(mut part) = part {
			part.delivered = part.delivered.checked_add(count).ok_or(Error::<T>::CapExceeded)?;
			PlatformParts::<T>::insert(id, platform, part);
		}
		if drawn > 0 {
			Self::set_allowance(id, platform, allowance - drawn);
			Self::set_reserved(id, Reserved::<T>::get(id).saturating_sub(drawn));
		}
		license.delivered = delivered;
		Licenses::<T>::insert(id, license);
		Self::deposit_event(Event::DeliveriesRecorded { license: id, platform, count, delivered });
		Ok(())
	}

	pub(crate) fn do_reserve_deliveries(
		who: T::AccountId,
		id: LicenseId,
		platform: PlatformId,
		count: u64,
	) -> DispatchResult {
		let license = Self::deliverable(&who, id, platform, count)?;
		ensure!(license.cap.is_some(), Error::<T>::NotCapped);
		let allowance = Allowances::<T>::get(id, platform);
		let part = PlatformParts::<T>::get(id, platform);
		let reserved = count.min(Self::room(id, &license, part.as_ref(), allowance));
		ensure!(reserved > 0, Error::<T>::CapExceeded);
		// Within the cap: no overflow.
		let allowance = allowance.saturating_add(reserved);
		Self::set_allowance(id, platform, allowance);
		Self::set_reserved(id, Reserved::<T>::get(id).saturating_add(reserved));
		Self::deposit_event(Event::DeliveriesReserved {
			license: id,
			platform,
			count: reserved,
			allowance,
		});
		Ok(())
	}

	/// License `id`, if `who` may record or reserve `count` of its deliveries for `platform`:
	/// an operator of a platform of its pool, at least one record, the license live.
	fn deliverable(
		who: &T::AccountId,
		id: LicenseId,
		platform: PlatformId,
		count: u64,
	) -> Result<LicenseOf<T>, DispatchError> {
		let license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		ensure!(license.platforms.contains(&platform), Error::<T>::PlatformNotCovered);
		Self::ensure_operator(platform, who)?;
		ensure!(count > 0, Error::<T>::ZeroDeliveries);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(Self::is_live(&license, now), Error::<T>::LicenseEnded);
		Ok(license)
	}

	/// What license `id`'s cap leaves `platform` beyond its `allowance`: the cap less what was
	/// recorded and every platform's allowance, and of a pool license no more than the
	/// platform's `part` leaves. Unlimited for an uncapped license.
	fn room(id: LicenseId, license: &LicenseOf<T>, part: Option<&CapPart>, allowance: u64) -> u64 {
		let Some(cap) = license.cap else { return u64::MAX };
		let total = cap.saturating_sub(license.delivered).saturating_sub(Reserved::<T>::get(id));
		let part = part.map_or(u64::MAX, |part| {
			part.cap.saturating_sub(part.delivered).saturating_sub(allowance)
		});
		total.min(part)
	}

	fn set_allowance(id: LicenseId, platform: PlatformId, allowance: u64) {
		match allowance {
			0 => Allowances::<T>::remove(id, platform),
			_ => Allowances::<T>::insert(id, platform, allowance),
		}
	}

	fn set_reserved(id: LicenseId, reserved: u64) {
		match reserved {
			0 => Reserved::<T>::remove(id),
			_ => Reserved::<T>::insert(id, reserved),
		}
	}

	pub(crate) fn do_release_license(id: LicenseId) -> DispatchResult {
		let license = Licenses::<T>::get(id).ok_or(Error::<T>::LicenseNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(!Self::is_live(&license, now), Error::<T>::LicenseActive);
		Licenses::<T>::remove(id);
		for platform in &license.platforms {
			PlatformParts::<T>::remove(id, platform);
			Allowances::<T>::remove(id, platform);
		}
		Reserved::<T>::remove(id);
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
