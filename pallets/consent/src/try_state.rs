//! The pallet's invariants, checked by `try-runtime` and after every test.

use crate::*;
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants: every link is listed under its account and the reverse,
	/// every identity statement belongs to a linked identity, every platform is indexed by domain.
	///
	/// Also built with `std`, so that other pallets' tests can check these invariants too.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (identity, link) in IdentityOwner::<T>::iter() {
			ensure!(
				AccountIdentities::<T>::get(&link.account).contains(&identity),
				"a link is missing from its account's identities"
			);
			ensure!(Platforms::<T>::contains_key(link.platform), "a link names no platform");
		}
		for (identity, held) in HeldIdentities::<T>::iter() {
			ensure!(!IdentityOwner::<T>::contains_key(&identity), "a held identity is linked");
			ensure!(Platforms::<T>::contains_key(held.platform), "a hold names no platform");
		}
		for (account, identities) in AccountIdentities::<T>::iter() {
			ensure!(!identities.is_empty(), "an empty identity list is stored");
			for identity in identities {
				ensure!(
					IdentityOwner::<T>::get(&identity).is_some_and(|l| l.account == account),
					"an account lists an identity it does not own"
				);
			}
		}
		let mut platforms = 0u32;
		for (id, info) in Platforms::<T>::iter() {
			platforms += 1;
			ensure!(id < NextPlatformId::<T>::get(), "a platform id was never assigned");
			ensure!(
				PlatformByDomain::<T>::get((info.kind, info.domain)) == Some(id),
				"a platform is not indexed by its domain"
			);
		}
		ensure!(platforms == NextPlatformId::<T>::get(), "platforms are never removed");
		Ok(())
	}
}
