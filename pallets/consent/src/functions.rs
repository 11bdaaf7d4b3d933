//! What the calls do, and what other pallets may ask.

use crate::*;
// Explicit, so that it wins over the `Identity` storage hasher of the prelude.
use alloc::{string::String, vec::Vec};
use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::consent::Identity;
use licentia_primitives::{
	consent::{is_domain, PlatformSummary},
	licensing::ConsentObserver,
	runtime_api,
};
use sp_runtime::{traits::Verify, Perbill};

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
		let next = id.checked_add(1).ok_or(sp_runtime::ArithmeticError::Overflow)?;

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
	fn active_platform(platform: PlatformId) -> Result<PlatformOf<T>, DispatchError> {
		let info = Platforms::<T>::get(platform).ok_or(Error::<T>::PlatformNotFound)?;
		ensure!(info.status == PlatformStatus::Active, Error::<T>::PlatformSuspended);
		Ok(info)
	}

	pub(crate) fn do_link_identity(
		operator: &T::AccountId,
		platform: PlatformId,
		identity: Identity,
		account: T::AccountId,
	) -> DispatchResult {
		let info = Self::active_platform(platform)?;
		ensure!(info.operators.contains(operator), Error::<T>::NotOperator);
		ensure!(identity.kind() != PlatformKind::Nostr, Error::<T>::NostrLinksItself);
		ensure!(identity.kind() == info.kind, Error::<T>::KindMismatch);
		identity.validate().map_err(|_| Error::<T>::MalformedIdentity)?;
		if let Some(instance) = identity.mastodon_instance() {
			ensure!(instance == &info.domain[..], Error::<T>::InstanceMismatch);
		}
		Self::insert_link(identity, account, platform, operator.clone())
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
	fn insert_link(
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
			IdentityLink { account: account.clone(), platform, depositor, deposit },
		);
		T::ConsentObserver::consent_changed(&account, platform);
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
		};
		IdentityOwner::<T>::insert(&identity, link);
		IdentityConsent::<T>::insert(&identity, Statements { allowed, denied: PurposeSet::EMPTY });
		T::ConsentObserver::consent_changed(account, platform);
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
		IdentityConsent::<T>::remove(&identity);
		// The deposit was held when the link was made; releasing what is held is best effort so
		// that a slashed deposit never blocks an unlink.
		T::Currency::release(
			&HoldReason::IdentityLink.into(),
			&link.depositor,
			link.deposit,
			Precision::BestEffort,
		)?;
		T::ConsentObserver::consent_changed(&link.account, link.platform);
		Self::deposit_event(Event::IdentityUnlinked {
			identity,
			account: link.account,
			by: who.clone(),
		});
		Ok(())
	}

	pub(crate) fn do_set_consent(
		who: T::AccountId,
		scope: Scope,
		decisions: &[(Purpose, Decision)],
	) -> DispatchResult {
		ensure!(!decisions.is_empty(), Error::<T>::NoDecisions);
		let mut seen = PurposeSet::EMPTY;
		for (purpose, _) in decisions {
			ensure!(!seen.contains(*purpose), Error::<T>::DuplicatePurpose);
			seen = seen.with(*purpose);
		}
		let apply = |statements: &mut Statements| {
			*statements = decisions.iter().fold(*statements, |s, (p, d)| s.with(*p, *d));
			*statements
		};
		let after = match &scope {
			Scope::Account => {
				let identities = AccountIdentities::<T>::get(&who);
				ensure!(!identities.is_empty(), Error::<T>::NoIdentity);
				let after = AccountConsent::<T>::mutate(&who, apply);
				// Every platform the account has an identity on (at most
				// `MaxIdentitiesPerAccount`), each once.
				let mut platforms = Vec::with_capacity(identities.len());
				for identity in &identities {
					if let Some(link) = IdentityOwner::<T>::get(identity) {
						if !platforms.contains(&link.platform) {
							platforms.push(link.platform);
						}
					}
				}
				for platform in platforms {
					T::ConsentObserver::consent_changed(&who, platform);
				}
				after
			},
			Scope::Identity(identity) => {
				let link = IdentityOwner::<T>::get(identity).ok_or(Error::<T>::NotLinked)?;
				ensure!(link.account == who, Error::<T>::NotYourIdentity);
				let after = IdentityConsent::<T>::mutate(identity, apply);
				T::ConsentObserver::consent_changed(&who, link.platform);
				after
			},
		};
		Self::deposit_event(Event::ConsentChanged {
			account: who,
			scope,
			allowed: after.allowed,
			denied: after.denied,
		});
		Ok(())
	}

	pub(crate) fn do_relay_consent(
		relayer: T::AccountId,
		statement: RelayedStatementOf<T>,
		signature: T::RelaySignature,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(statement.expires_at >= now, Error::<T>::StatementExpired);
		ensure!(statement.nonce == RelayNonce::<T>::get(&statement.account), Error::<T>::BadNonce);
		let payload = Self::relay_payload(&statement);
		ensure!(signature.verify(&payload[..], &statement.account), Error::<T>::BadSignature);

		let RelayedStatement { account, scope, decisions, nonce, .. } = statement;
		Self::do_set_consent(account.clone(), scope, &decisions)?;
		// `nonce` equals the stored nonce, and a u32 of statements per account cannot be
		// exhausted at one statement per transaction fee; saturate rather than fail regardless.
		RelayNonce::<T>::insert(&account, nonce.saturating_add(1));
		Self::deposit_event(Event::ConsentRelayed { account, relayer, nonce });
		Ok(())
	}

	/// The genesis hash: what signed proofs name so that they cannot be replayed on another
	/// chain.
	pub fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::default())
	}

	/// The bytes an account signs to relay `statement`: `(RELAY_CONTEXT, genesis_hash,
	/// statement)`, SCALE-encoded.
	pub fn relay_payload(statement: &RelayedStatementOf<T>) -> Vec<u8> {
		(RELAY_CONTEXT, Self::genesis_hash(), statement).encode()
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

	/// Checks the pallet's invariants: every link is listed under its account and the reverse,
	/// every identity statement belongs to a linked identity, every platform is indexed by domain.
	///
	/// Also built with `std`, so that other pallets' tests can check these invariants too.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (identity, link) in IdentityOwner::<T>::iter() {
			ensure!(
				AccountIdentities::<T>::get(&link.account).contains(&identity),
				"a link is missing from its account's identities"
			);
			ensure!(Platforms::<T>::contains_key(link.platform), "a link names no platform");
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
		for (identity, _) in IdentityConsent::<T>::iter() {
			ensure!(
				IdentityOwner::<T>::contains_key(&identity),
				"consent for an unlinked identity"
			);
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

/// Answers of the `ConsentApi` runtime API.
impl<T: Config> Pallet<T> {
	/// An account's statements and each of its identities with what it allows.
	pub fn account_consent(who: &T::AccountId) -> runtime_api::AccountConsent {
		let identities = AccountIdentities::<T>::get(who)
			.into_iter()
			.filter_map(|identity| Self::identity_consent(&identity).map(|(_, view)| view))
			.collect();
		runtime_api::AccountConsent { statements: AccountConsent::<T>::get(who), identities }
	}

	/// The account an identity is linked to, and what the identity allows.
	pub fn identity_consent(
		identity: &Identity,
	) -> Option<(T::AccountId, runtime_api::IdentityConsent)> {
		let link = IdentityOwner::<T>::get(identity)?;
		let statements = IdentityConsent::<T>::get(identity);
		let allowed = AccountConsent::<T>::get(&link.account).effective_with(&statements);
		let view = runtime_api::IdentityConsent {
			identity: identity.clone(),
			platform: link.platform,
			statements,
			allowed,
		};
		Some((link.account, view))
	}

	/// A platform, as clients see it.
	pub fn platform_view(id: PlatformId) -> Option<runtime_api::PlatformView<T::AccountId>> {
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
	pub fn platform_views() -> Vec<runtime_api::PlatformView<T::AccountId>> {
		(0..NextPlatformId::<T>::get()).filter_map(Self::platform_view).collect()
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

	fn allowed_purposes(who: &T::AccountId, identity: &Identity) -> PurposeSet {
		match IdentityOwner::<T>::get(identity) {
			Some(link) if &link.account == who => {
				AccountConsent::<T>::get(who).effective_with(&IdentityConsent::<T>::get(identity))
			},
			_ => PurposeSet::EMPTY,
		}
	}

	fn allowed_on_platform(who: &T::AccountId, platform: PlatformId) -> PurposeSet {
		let account = AccountConsent::<T>::get(who);
		let mut allowed = None::<PurposeSet>;
		for identity in AccountIdentities::<T>::get(who) {
			match IdentityOwner::<T>::get(&identity) {
				Some(link) if link.platform == platform => {
					let here = account.effective_with(&IdentityConsent::<T>::get(&identity));
					allowed = Some(allowed.map_or(here, |a| a.intersection(here)));
				},
				_ => {},
			}
		}
		allowed.unwrap_or(PurposeSet::EMPTY)
	}

	fn nostr_platform() -> Option<PlatformId> {
		NostrPlatform::<T>::get()
	}
}
