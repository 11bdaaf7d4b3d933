//! Identity links: attested by a platform's operator, or proven by a Nostr key itself, and
//! unlinked by the account or the operator.

use crate::*;
use alloc::{string::String, vec::Vec};
use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use frame_system::pallet_prelude::BlockNumberFor;
// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
use licentia_primitives::{consent::Identity, signed};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_link_identity(
		operator: &T::AccountId,
		platform: PlatformId,
		identity: Identity,
		account: T::AccountId,
		acceptance: LinkAcceptance<BlockNumberFor<T>>,
		signature: &T::RelaySignature,
	) -> DispatchResult {
		let info = Self::active_platform(platform)?;
		ensure!(info.operators.contains(operator), Error::<T>::NotOperator);
		ensure!(identity.kind() != PlatformKind::Nostr, Error::<T>::NostrLinksItself);
		ensure!(identity.kind() == info.kind, Error::<T>::KindMismatch);
		identity.validate().map_err(|_| Error::<T>::MalformedIdentity)?;
		if let Some(instance) = identity.mastodon_instance() {
			ensure!(instance == &info.domain[..], Error::<T>::InstanceMismatch);
		}
		Self::check_signed_once(&account, acceptance.nonce, acceptance.expires_at)?;
		let payload = Self::link_payload(platform, &identity, &acceptance);
		ensure!(signed::signed_by(signature, &payload, &account), Error::<T>::BadSignature);
		Self::insert_link(identity, account, platform, operator.clone())
	}

	/// The bytes an account signs to accept a link on this chain ([`signed::link_payload`]).
	pub fn link_payload(
		platform: PlatformId,
		identity: &Identity,
		acceptance: &LinkAcceptance<BlockNumberFor<T>>,
	) -> Vec<u8> {
		signed::link_payload(Self::genesis_hash().as_ref(), platform, identity, acceptance)
	}

	pub(crate) fn do_link_nostr(
		who: T::AccountId,
		public_key: [u8; 32],
		created_at: u64,
		signature: [u8; 64],
	) -> DispatchResult {
		let platform = NostrPlatform::<T>::get().ok_or(Error::<T>::NoNostrPlatform)?;
		Self::active_platform(platform)?;
		let event_id = Self::nostr_link_event_id(&public_key, created_at, &who);
		ensure!(
			licentia_primitives::nostr::verify(&public_key, &event_id, &signature),
			Error::<T>::BadNostrSignature
		);
		Self::insert_link(Identity::Nostr(public_key), who.clone(), platform, who)
	}

	/// Stores a link and holds its deposit from `depositor`.
	pub(crate) fn insert_link(
		identity: Identity,
		account: T::AccountId,
		platform: PlatformId,
		depositor: T::AccountId,
	) -> DispatchResult {
		ensure!(!IdentityOwner::<T>::contains_key(&identity), Error::<T>::AlreadyLinked);
		AccountIdentities::<T>::try_mutate(&account, |identities| {
			identities.try_push(identity.clone()).map_err(|_| Error::<T>::TooManyIdentities)
		})?;
		let deposit = T::LinkDeposit::get();
		T::Currency::hold(&HoldReason::IdentityLink.into(), &depositor, deposit)?;
		IdentityOwner::<T>::insert(
			&identity,
			IdentityLink {
				account: account.clone(),
				platform,
				depositor,
				deposit,
				statements: Statements::default(),
			},
		);
		T::ConsentObserver::consent_changed(&identity, platform);
		Self::deposit_event(Event::IdentityLinked { identity, account, platform });
		Ok(())
	}

	/// Links `identity` to `account` through `platform` and allows `allowed` for it, with no
	/// checks and no deposit: for genesis, benchmarks and other pallets' tests, never for calls.
	pub fn force_link(
		identity: Identity,
		account: &T::AccountId,
		platform: PlatformId,
		allowed: PurposeSet,
	) -> DispatchResult {
		AccountIdentities::<T>::try_mutate(account, |identities| {
			identities.try_push(identity.clone()).map_err(|_| Error::<T>::TooManyIdentities)
		})?;
		let link = IdentityLink {
			account: account.clone(),
			platform,
			depositor: account.clone(),
			deposit: Default::default(),
			statements: Statements { allowed, ..Statements::default() },
		};
		IdentityOwner::<T>::insert(&identity, link);
		T::ConsentObserver::consent_changed(&identity, platform);
		Ok(())
	}

	pub(crate) fn do_unlink_identity(who: &T::AccountId, identity: Identity) -> DispatchResult {
		let link = IdentityOwner::<T>::get(&identity).ok_or(Error::<T>::NotLinked)?;
		let is_operator =
			Platforms::<T>::get(link.platform).is_some_and(|info| info.operators.contains(who));
		ensure!(&link.account == who || is_operator, Error::<T>::NotAllowed);

		AccountIdentities::<T>::mutate_exists(&link.account, |maybe| {
			if let Some(identities) = maybe {
				identities.retain(|i| i != &identity);
				if identities.is_empty() {
					*maybe = None;
				}
			}
		});
		IdentityOwner::<T>::remove(&identity);
		// The deposit was held when the link was made; releasing what is held is best effort so
		// that a slashed deposit never blocks an unlink.
		T::Currency::release(
			&HoldReason::IdentityLink.into(),
			&link.depositor,
			link.deposit,
			Precision::BestEffort,
		)?;
		T::ConsentObserver::consent_changed(&identity, link.platform);
		// Whatever the account signed before (link acceptances, statements) was about the
		// identities it had then: none of it can link this identity again.
		Self::invalidate_relayed_statements(&link.account);
		Self::deposit_event(Event::IdentityUnlinked {
			identity,
			account: link.account,
			by: who.clone(),
		});
		Ok(())
	}

	/// The content of the Nostr event that links a key to `account` on this chain
	/// ([`nostr::link_content`](licentia_primitives::nostr::link_content)).
	pub fn nostr_link_content(account: &T::AccountId) -> String {
		licentia_primitives::nostr::link_content(Self::genesis_hash().as_ref(), &account.encode())
	}

	/// The NIP-01 id of the event by `public_key` that links it to `account` on this chain
	/// ([`nostr::link_event_id`](licentia_primitives::nostr::link_event_id)).
	pub fn nostr_link_event_id(
		public_key: &[u8; 32],
		created_at: u64,
		account: &T::AccountId,
	) -> [u8; 32] {
		let genesis = Self::genesis_hash();
		licentia_primitives::nostr::link_event_id(
			public_key,
			created_at,
			genesis.as_ref(),
			&account.encode(),
		)
	}
}
