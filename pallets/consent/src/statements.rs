//! Consent statements: set by the account, withdrawn in one call, or signed off chain and
//! relayed by anyone.

use crate::*;
use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use licentia_primitives::{
	consent::{RestrictionSet, PRICE_TIERS},
	signed,
};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
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
		let after = Self::update_statements(&who, &scope, |statements| {
			decisions.iter().fold(statements, |s, (p, d)| s.with(*p, *d))
		})?;
		Self::deposit_event(Event::ConsentChanged {
			account: who,
			scope,
			allowed: after.allowed,
			denied: after.denied,
		});
		Ok(())
	}

	pub(crate) fn do_set_restrictions(
		who: T::AccountId,
		scope: Scope,
		restrictions: &Restrictions,
	) -> DispatchResult {
		ensure!(restrictions.min_price < PRICE_TIERS, Error::<T>::BadPriceTier);
		let mut refused = RestrictionSet::EMPTY;
		for restriction in &restrictions.refused {
			ensure!(!refused.contains(*restriction), Error::<T>::DuplicateRestriction);
			refused = refused.with(*restriction);
		}
		let min_price = restrictions.min_price;
		Self::update_statements(&who, &scope, |statements| Statements {
			restrictions: refused,
			min_price,
			..statements
		})?;
		Self::deposit_event(Event::RestrictionsChanged {
			account: who,
			scope,
			restrictions: refused,
			min_price,
		});
		Ok(())
	}

	/// Applies `change` to `who`'s statements at `scope` and tells the consent observer about
	/// each identity it concerns. Returns the statements after the change.
	fn update_statements(
		who: &T::AccountId,
		scope: &Scope,
		change: impl FnOnce(Statements) -> Statements,
	) -> Result<Statements, DispatchError> {
		let apply = |statements: &mut Statements| {
			*statements = change(*statements);
			*statements
		};
		Ok(match scope {
			Scope::Account => {
				let identities = AccountIdentities::<T>::get(who);
				ensure!(!identities.is_empty(), Error::<T>::NoIdentity);
				let after = AccountConsent::<T>::mutate(who, apply);
				// Each identity's posts, on the platform it is linked through (at most
				// `MaxIdentitiesPerAccount` identities).
				for identity in &identities {
					if let Some(link) = IdentityOwner::<T>::get(identity) {
						T::ConsentObserver::consent_changed(identity, link.platform);
					}
				}
				after
			},
			Scope::Identity(identity) => {
				let mut link = IdentityOwner::<T>::get(identity).ok_or(Error::<T>::NotLinked)?;
				ensure!(&link.account == who, Error::<T>::NotYourIdentity);
				let after = apply(&mut link.statements);
				let platform = link.platform;
				IdentityOwner::<T>::insert(identity, link);
				T::ConsentObserver::consent_changed(identity, platform);
				after
			},
		})
	}

	/// Denies every purpose for all of `who`'s identities: the one-click withdrawal.
	pub(crate) fn do_withdraw_consent(who: T::AccountId) -> DispatchResult {
		let decisions: Vec<_> = Purpose::ALL.iter().map(|p| (*p, Decision::Deny)).collect();
		Self::do_set_consent(who, Scope::Account, &decisions)
	}

	/// Whether `who`'s withdrawal would be free of fees: it would change something (`who` has a
	/// linked identity and does not deny every purpose at account scope yet).
	pub fn withdrawal_is_free(who: &T::AccountId) -> bool {
		AccountIdentities::<T>::contains_key(who)
			&& !AccountConsent::<T>::get(who).denied.contains_all(PurposeSet::ALL)
	}

	pub(crate) fn do_relay_consent(
		relayer: T::AccountId,
		statement: RelayedStatementOf<T>,
		signature: T::RelaySignature,
	) -> DispatchResult {
		Self::check_validity(statement.expires_at)?;
		// At least the next nonce, not exactly: a person numbers each statement above those it
		// signed before, so that whichever a relayer submits, an older one never follows a newer.
		let next = RelayNonce::<T>::get(&statement.account);
		ensure!(
			statement.nonce >= next && statement.nonce - next < RELAY_NONCE_WINDOW,
			Error::<T>::BadNonce
		);
		let payload = Self::relay_payload(&statement);
		ensure!(
			signed::signed_by(&signature, &payload, &statement.account),
			Error::<T>::BadSignature
		);

		let RelayedStatement { account, scope, decisions, restrictions, nonce, .. } = statement;
		ensure!(!decisions.is_empty() || restrictions.is_some(), Error::<T>::NoDecisions);
		if !decisions.is_empty() {
			Self::do_set_consent(account.clone(), scope.clone(), &decisions)?;
		}
		if let Some(restrictions) = &restrictions {
			Self::do_set_restrictions(account.clone(), scope, restrictions)?;
		}
		// `nonce` equals the stored nonce, and a u32 of statements per account cannot be
		// exhausted at one statement per transaction fee; saturate rather than fail regardless.
		RelayNonce::<T>::insert(&account, nonce.saturating_add(1));
		Self::deposit_event(Event::ConsentRelayed { account, relayer, nonce });
		Ok(())
	}

	/// Whether something signed to be valid until `expires_at` may be used now: not expired,
	/// and not valid for longer than `MaxRelayValidity`.
	pub(crate) fn check_validity(expires_at: BlockNumberFor<T>) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(expires_at >= now, Error::<T>::StatementExpired);
		ensure!(
			expires_at <= now.saturating_add(T::MaxRelayValidity::get()),
			Error::<T>::ExpiryTooFar
		);
		Ok(())
	}

	/// Moves `who`'s relay nonce past every nonce a statement it signed before may carry (they
	/// lie within [`RELAY_NONCE_WINDOW`] of it), so that none of them can be relayed: called
	/// when the account states its consent itself or unlinks an identity.
	pub(crate) fn invalidate_relayed_statements(who: &T::AccountId) {
		RelayNonce::<T>::mutate(who, |nonce| *nonce = nonce.saturating_add(RELAY_NONCE_WINDOW));
	}

	/// The genesis hash: what signed proofs name so that they cannot be replayed on another
	/// chain.
	pub fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::default())
	}

	/// The bytes an account signs to relay `statement` on this chain
	/// ([`signed::relay_payload`]).
	pub fn relay_payload(statement: &RelayedStatementOf<T>) -> Vec<u8> {
		signed::relay_payload(Self::genesis_hash().as_ref(), statement)
	}
}
