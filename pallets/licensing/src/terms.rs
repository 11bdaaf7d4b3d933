//! Registering terms: what a license grants, stored once per distinct text.

use crate::*;
use frame_support::{ensure, pallet_prelude::*, traits::fungible::MutateHold};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_terms(who: T::AccountId, terms: Terms) -> DispatchResult {
		ensure!(
			!terms.purposes.is_empty() && PurposeSet::ALL.contains_all(terms.purposes),
			Error::<T>::NoPurpose
		);
		ensure!(
			terms.duration > 0 && terms.duration <= T::MaxDuration::get(),
			Error::<T>::BadDuration
		);
		ensure!(terms.record_cap != Some(0), Error::<T>::ZeroCap);
		let hash = terms.hash();
		ensure!(!TermsByHash::<T>::contains_key(hash), Error::<T>::TermsExist);

		let id = NextTermsId::<T>::get();
		NextTermsId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let deposit = T::TermsDeposit::get();
		T::Currency::hold(&HoldReason::Terms.into(), &who, deposit)?;
		TermsOf::<T>::insert(id, TermsRecord { terms, depositor: who.clone(), deposit });
		TermsByHash::<T>::insert(hash, id);
		Self::deposit_event(Event::TermsRegistered { terms: id, hash, by: who });
		Ok(())
	}
}
