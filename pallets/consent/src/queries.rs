//! What clients and other pallets may ask. The `api_*` functions answer the `ConsentApi` runtime
//! API, one per method and named after it, and nothing else calls them; other pallets ask
//! through [`ConsentProvider`]. They only read.

use crate::*;
use alloc::vec::Vec;
// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
use licentia_primitives::consent::Identity;
use licentia_primitives::{
	consent::{LinkedConsent, PlatformSummary},
	runtime_api,
};

impl<T: Config> Pallet<T> {
	/// An account's statements and each of its identities with what it allows.
	pub fn api_account_consent(who: &T::AccountId) -> runtime_api::AccountConsent {
		let identities = AccountIdentities::<T>::get(who)
			.into_iter()
			.filter_map(|identity| Self::api_identity_consent(&identity).map(|(_, view)| view))
			.collect();
		runtime_api::AccountConsent { statements: AccountConsent::<T>::get(who), identities }
	}

	/// The account an identity is linked to, and what the identity allows.
	pub fn api_identity_consent(
		identity: &Identity,
	) -> Option<(T::AccountId, runtime_api::IdentityConsent)> {
		let link = IdentityOwner::<T>::get(identity)?;
		let statements = link.statements;
		let consent = AccountConsent::<T>::get(&link.account).consent_with(&statements);
		let view = runtime_api::IdentityConsent {
			identity: identity.clone(),
			platform: link.platform,
			statements,
			allowed: consent.purposes,
			restrictions: consent.restrictions,
			min_price: consent.min_price,
		};
		Some((link.account, view))
	}

	/// A platform, as clients see it.
	pub fn api_platform(id: PlatformId) -> Option<runtime_api::PlatformView<T::AccountId>> {
		Platforms::<T>::get(id).map(|info| runtime_api::PlatformView {
			id,
			kind: info.kind,
			domain: info.domain.into_inner(),
			operators: info.operators.into_inner(),
			payee: info.payee,
			share: info.share,
			active: info.status == PlatformStatus::Active,
		})
	}

	/// Every platform (their number is governance's to bound: one per registration).
	pub fn api_platforms() -> Vec<runtime_api::PlatformView<T::AccountId>> {
		(0..NextPlatformId::<T>::get()).filter_map(Self::api_platform).collect()
	}
}

impl<T: Config> ConsentProvider<T::AccountId> for Pallet<T> {
	fn platform(id: PlatformId) -> Option<PlatformSummary<T::AccountId>> {
		Platforms::<T>::get(id).map(|info| PlatformSummary {
			kind: info.kind,
			active: info.status == PlatformStatus::Active,
			payee: info.payee,
			share: info.share,
		})
	}

	fn is_operator(id: PlatformId, who: &T::AccountId) -> bool {
		Platforms::<T>::get(id).is_some_and(|info| info.operators.contains(who))
	}

	fn owner_of(identity: &Identity) -> Option<(T::AccountId, PlatformId)> {
		IdentityOwner::<T>::get(identity).map(|link| (link.account, link.platform))
	}

	fn linked_consent(identity: &Identity) -> Option<LinkedConsent<T::AccountId>> {
		let link = IdentityOwner::<T>::get(identity)?;
		let consent = AccountConsent::<T>::get(&link.account).consent_with(&link.statements);
		Some(LinkedConsent { account: link.account, platform: link.platform, consent })
	}

	fn identities_of(who: &T::AccountId) -> Vec<(Identity, PlatformId)> {
		AccountIdentities::<T>::get(who)
			.into_iter()
			.filter_map(|identity| {
				let link = IdentityOwner::<T>::get(&identity)?;
				Some((identity, link.platform))
			})
			.collect()
	}

	fn nostr_platform() -> Option<PlatformId> {
		NostrPlatform::<T>::get()
	}
}
