//! Identity links: attested by a platform's operator, or proven by a Nostr key itself, and
//! unlinked by the account or the operator.

use crate::*;
use alloc::{string::String, vec::Vec};
use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, Get, UnixTime},
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
		Self::check_validity(acceptance.expires_at)?;
		// Exactly the next nonce: an acceptance is void once the account unlinks anything or
		// states anything itself.
		ensure!(acceptance.nonce == RelayNonce::<T>::get(&account), Error::<T>::BadNonce);
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
		Self::use_nostr_proof(&public_key, created_at)?;
		Self::insert_link(Identity::Nostr(public_key), who.clone(), platform, who)
	}

	pub(crate) fn do_unlink_nostr(
		who: &T::AccountId,
		public_key: [u8; 32],
		created_at: u64,
		signature: [u8; 64],
	) -> DispatchResult {
		let identity = Identity::Nostr(public_key);
		let link = IdentityOwner::<T>::get(&identity).ok_or(Error::<T>::NotLinked)?;
		let event_id = licentia_primitives::nostr::unlink_event_id(
			&public_key,
			created_at,
			Self::genesis_hash().as_ref(),
			&link.account.encode(),
		);
		ensure!(
			licentia_primitives::nostr::verify(&public_key, &event_id, &signature),
			Error::<T>::BadNostrSignature
		);
		Self::use_nostr_proof(&public_key, created_at)?;
		// The key's own word, as the account's: it frees the key.
		Self::remove_link(who, identity, link, true)
	}

	/// Records that a proof of `public_key` created at `created_at` was used, if it may be: it
	/// is within `NostrProofValidity` of the chain's time and newer than the key's last one.
	fn use_nostr_proof(public_key: &[u8; 32], created_at: u64) -> DispatchResult {
		let now = T::UnixTime::now().as_secs();
		ensure!(
			created_at.abs_diff(now) <= T::NostrProofValidity::get(),
			Error::<T>::NostrProofExpired
		);
		ensure!(
			NostrProofs::<T>::get(public_key).is_none_or(|last| created_at > last),
			Error::<T>::NostrProofUsed
		);
		NostrProofs::<T>::insert(public_key, created_at);
		Ok(())
	}

	/// Stores a link and holds its deposit from `depositor`. An identity held for an account
	/// (an operator unlinked it) links to that account only, and gets back the statements it
	/// had; its old deposit returns.
	pub(crate) fn insert_link(
		identity: Identity,
		account: T::AccountId,
		platform: PlatformId,
		depositor: T::AccountId,
	) -> DispatchResult {
		ensure!(!IdentityOwner::<T>::contains_key(&identity), Error::<T>::AlreadyLinked);
		let statements = match HeldIdentities::<T>::take(&identity) {
			Some(held) => {
				ensure!(held.account == account, Error::<T>::IdentityHeld);
				Self::release_deposit(&held);
				held.statements
			},
			None => Statements::default(),
		};
		AccountIdentities::<T>::try_mutate(&account, |identities| {
			identities.try_push(identity.clone()).map_err(|_| Error::<T>::TooManyIdentities)
		})?;
		let deposit = T::LinkDeposit::get();
		T::Currency::hold(&HoldReason::IdentityLink.into(), &depositor, deposit)?;
		frame_system::Pallet::<T>::inc_providers(&account);
		IdentityOwner::<T>::insert(
			&identity,
			IdentityLink { account: account.clone(), platform, depositor, deposit, statements },
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
		frame_system::Pallet::<T>::inc_providers(account);
		IdentityOwner::<T>::insert(&identity, link);
		T::ConsentObserver::consent_changed(&identity, platform);
		Ok(())
	}

	pub(crate) fn do_unlink_identity(who: &T::AccountId, identity: Identity) -> DispatchResult {
		let link = IdentityOwner::<T>::get(&identity).ok_or(Error::<T>::NotLinked)?;
		let by_account = &link.account == who;
		let is_operator =
			Platforms::<T>::get(link.platform).is_some_and(|info| info.operators.contains(who));
		ensure!(by_account || is_operator, Error::<T>::NotAllowed);
		Self::remove_link(who, identity, link, by_account)
	}

	/// Removes `identity`'s `link`, as `who` asked: freed (`freed`: on its account's or its own
	/// word) or held for its account (an operator's).
	fn remove_link(
		who: &T::AccountId,
		identity: Identity,
		link: LinkOf<T>,
		freed: bool,
	) -> DispatchResult {
		AccountIdentities::<T>::mutate_exists(&link.account, |maybe| {
			if let Some(identities) = maybe {
				identities.retain(|i| i != &identity);
				if identities.is_empty() {
					*maybe = None;
				}
			}
		});
		IdentityOwner::<T>::remove(&identity);
		Self::unprovide(&link.account);
		T::ConsentObserver::consent_changed(&identity, link.platform);
		// Whatever the account signed before (link acceptances, statements) was about the
		// identities it had then: none of it can link this identity again.
		Self::invalidate_relayed_statements(&link.account);
		Self::deposit_event(Event::IdentityUnlinked {
			identity: identity.clone(),
			account: link.account.clone(),
			by: who.clone(),
		});
		if freed {
			Self::release_deposit(&link);
		} else {
			// Taken from the account by an operator: kept for the account, deposit and all.
			let account = link.account.clone();
			HeldIdentities::<T>::insert(&identity, link);
			Self::deposit_event(Event::IdentityHeld { identity, account });
		}
		Ok(())
	}

	pub(crate) fn do_release_identity(
		by: Option<T::AccountId>,
		identity: Identity,
	) -> DispatchResult {
		let held = HeldIdentities::<T>::get(&identity).ok_or(Error::<T>::NotHeld)?;
		ensure!(by.as_ref().is_none_or(|who| who == &held.account), Error::<T>::NotAllowed);
		HeldIdentities::<T>::remove(&identity);
		Self::release_deposit(&held);
		Self::deposit_event(Event::IdentityReleased { identity, account: held.account, by });
		Ok(())
	}

	/// Whether `identity` is linked to `who`.
	pub fn owns(who: &T::AccountId, identity: &Identity) -> bool {
		IdentityOwner::<T>::get(identity).is_some_and(|link| &link.account == who)
	}

	/// Returns a link's deposit to whoever paid it. Best effort, so that a slashed deposit never
	/// blocks an unlink or a release.
	fn release_deposit(link: &LinkOf<T>) {
		let _released = T::Currency::release(
			&HoldReason::IdentityLink.into(),
			&link.depositor,
			link.deposit,
			Precision::BestEffort,
		);
	}

	/// Drops the provider reference a link gave its account (each link provides for its
	/// account, so that a linked person with no funds can still sign free calls: withdraw,
	/// unlink, claim). It fails only if the account has consumers and no other provider; the
	/// reference then stays, which keeps the account rather than lose what it holds.
	fn unprovide(account: &T::AccountId) {
		let _kept = frame_system::Pallet::<T>::dec_providers(account);
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
