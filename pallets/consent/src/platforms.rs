//! Platforms: registered and updated by governance.

use crate::*;
use frame_support::{ensure, pallet_prelude::*};
use licentia_primitives::consent::is_domain;
use sp_runtime::Perbill;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_platform(
		kind: PlatformKind,
		domain: Handle,
		operators: BoundedVec<T::AccountId, T::MaxOperators>,
		payee: Option<T::AccountId>,
		share: Perbill,
	) -> Result<PlatformId, DispatchError> {
		ensure!(is_domain(&domain), Error::<T>::MalformedDomain);
		ensure!(
			!PlatformByDomain::<T>::contains_key((kind, domain.clone())),
			Error::<T>::DomainTaken
		);
		if kind == PlatformKind::Nostr {
			ensure!(NostrPlatform::<T>::get().is_none(), Error::<T>::NostrPlatformExists);
		}
		let id = NextPlatformId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;

		NextPlatformId::<T>::put(next);
		PlatformByDomain::<T>::insert((kind, domain.clone()), id);
		if kind == PlatformKind::Nostr {
			NostrPlatform::<T>::put(id);
		}
		let info = PlatformInfo {
			kind,
			domain: domain.clone(),
			operators,
			payee,
			share,
			status: PlatformStatus::Active,
		};
		Platforms::<T>::insert(id, info);
		Self::deposit_event(Event::PlatformRegistered { platform: id, kind, domain });
		Ok(id)
	}

	pub(crate) fn do_update_platform(
		platform: PlatformId,
		operators: Option<BoundedVec<T::AccountId, T::MaxOperators>>,
		payee: Option<Option<T::AccountId>>,
		share: Option<Perbill>,
		status: Option<PlatformStatus>,
	) -> DispatchResult {
		Platforms::<T>::try_mutate(platform, |maybe| {
			let info = maybe.as_mut().ok_or(Error::<T>::PlatformNotFound)?;
			if let Some(operators) = operators {
				info.operators = operators;
			}
			if let Some(payee) = payee {
				info.payee = payee;
			}
			if let Some(share) = share {
				info.share = share;
			}
			if let Some(status) = status {
				info.status = status;
			}
			Self::deposit_event(Event::PlatformUpdated { platform, status: info.status });
			Ok(())
		})
	}

	/// The platform, if it exists and is active.
	pub(crate) fn active_platform(platform: PlatformId) -> Result<PlatformOf<T>, DispatchError> {
		let info = Platforms::<T>::get(platform).ok_or(Error::<T>::PlatformNotFound)?;
		ensure!(info.status == PlatformStatus::Active, Error::<T>::PlatformSuspended);
		Ok(info)
	}
}
