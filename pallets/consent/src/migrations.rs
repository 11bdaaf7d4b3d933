//! Storage migrations. Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration):
//! it runs once, at the upgrade that brings its storage version, and leaves the runtime's
//! `Migrations` once every live chain has run it.

/// Version 2: statements carry restrictions and a minimum price ([`Statements::restrictions`],
/// [`Statements::min_price`]). Every account's statements and every link's gain none, which
/// leaves what each post may be used for as it was: no restriction, no minimum.
///
/// It runs in one block, in time linear in the accounts with statements and the links.
pub mod v2 {
	use crate::*;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Statements as version 1 stored them: purposes only.
	#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, Encode, Decode)]
	pub struct OldStatements {
		pub allowed: PurposeSet,
		pub denied: PurposeSet,
	}

	/// A link as version 1 stored it.
	#[derive(Encode, Decode)]
	pub struct OldIdentityLink<AccountId, Balance> {
		pub account: AccountId,
		pub platform: PlatformId,
		pub depositor: AccountId,
		pub deposit: Balance,
		pub statements: OldStatements,
	}

	/// Version 1's storage, for tests to write.
	#[cfg(test)]
	mod old {
		use super::*;

		/// Version 1's links (an alias takes its storage name from its own).
		#[frame_support::storage_alias]
		pub type IdentityOwner<T: Config> = StorageMap<
			Pallet<T>,
			frame_support::Blake2_128Concat,
			Identity,
			OldIdentityLink<<T as frame_system::Config>::AccountId, BalanceOf<T>>,
		>;
	}

	/// Statements as version 1 stored them, as version 2 stores them.
	fn widen(old: OldStatements) -> Statements {
		Statements { allowed: old.allowed, denied: old.denied, ..Statements::default() }
	}

	/// Rewrites every account's and every link's statements in version 2's layout.
	pub struct WidenStatements<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for WidenStatements<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut entries = 0u64;
			AccountConsent::<T>::translate::<OldStatements, _>(|_, old| {
				entries = entries.saturating_add(1);
				Some(widen(old))
			});
			IdentityOwner::<T>::translate::<OldIdentityLink<T::AccountId, BalanceOf<T>>, _>(
				|_, old| {
					entries = entries.saturating_add(1);
					Some(IdentityLink {
						account: old.account,
						platform: old.platform,
						depositor: old.depositor,
						deposit: old.deposit,
						statements: widen(old.statements),
					})
				},
			);
			T::DbWeight::get().reads_writes(entries, entries)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`WidenStatements`], run once: at the upgrade from storage version 1 to 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		WidenStatements<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	#[cfg(test)]
	mod tests {
		use super::*;
		use crate::mock::*;
		use frame_support::traits::{OnRuntimeUpgrade, StorageVersion};
		use sp_keyring::Sr25519Keyring::{Alice, Bob};

		#[test]
		fn statements_gain_no_restriction_and_no_minimum() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(1).put::<Pallet<Test>>();
				let old = super::OldStatements {
					allowed: PurposeSet::ALL.without(Purpose::Research),
					denied: PurposeSet::EMPTY.with(Purpose::Research),
				};
				frame_support::storage::unhashed::put(
					&AccountConsent::<Test>::hashed_key_for(account(Alice)),
					&old,
				);
				let identity = Identity::X(1);
				old::IdentityOwner::<Test>::insert(
					&identity,
					OldIdentityLink {
						account: account(Alice),
						platform: 0,
						depositor: account(Bob),
						deposit: 5u128,
						statements: old,
					},
				);

				MigrateV1ToV2::<Test>::on_runtime_upgrade();

				let widened =
					Statements { allowed: old.allowed, denied: old.denied, ..Default::default() };
				assert_eq!(AccountConsent::<Test>::get(account(Alice)), widened);
				let link = IdentityOwner::<Test>::get(&identity).expect("still linked");
				assert_eq!(
					(link.account, link.deposit, link.statements),
					(account(Alice), 5, widened)
				);
				let consent = Pallet::<Test>::linked_consent(&identity).expect("linked").consent;
				assert_eq!(consent.restrictions, RestrictionSet::EMPTY);
				assert_eq!(consent.min_price, 0);
				assert_eq!(StorageVersion::get::<Pallet<Test>>(), 2);
			});
		}
	}
}
