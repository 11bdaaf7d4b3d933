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

/// Version 3: each identity link provides for its account (a linked person with no funds can
/// sign the free calls: withdraw, unlink, claim), and identities an operator unlinks are held
/// for their account ([`HeldIdentities`], empty at the upgrade). Every existing link gains the
/// provider reference it would have been given when it was made, so that its unlink, which
/// drops one, never drops a reference another pallet gave.
///
/// It runs in one block, in time linear in the links.
pub mod v3 {
	use crate::*;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Gives each link's account the provider reference of its link.
	pub struct ProvideForLinks<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ProvideForLinks<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut links = 0u64;
			for (_, link) in IdentityOwner::<T>::iter() {
				links = links.saturating_add(1);
				frame_system::Pallet::<T>::inc_providers(&link.account);
			}
			T::DbWeight::get().reads_writes(links.saturating_mul(2), links)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`ProvideForLinks`], run once: at the upgrade from storage version 2 to 3.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		ProvideForLinks<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	#[cfg(test)]
	mod tests {
		use super::*;
		use crate::mock::*;
		use frame_support::traits::{OnRuntimeUpgrade, StorageVersion};
		use sp_keyring::Sr25519Keyring::{Alice, Bob, Eve};

		/// Eve holds nothing: her only provider after the upgrade is her link, and unlinking it
		/// leaves Alice's balance provider alone.
		#[test]
		fn each_link_provides_for_its_account() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(2).put::<Pallet<Test>>();
				for (n, who) in [(1, Alice), (2, Eve), (3, Eve)] {
					// Stored as version 2 stored links: without a provider reference.
					IdentityOwner::<Test>::insert(
						Identity::X(n),
						IdentityLink {
							account: account(who),
							platform: 0,
							depositor: account(Bob),
							deposit: 0u128,
							statements: Statements::default(),
						},
					);
				}
				let providers = |who| frame_system::Pallet::<Test>::providers(&account(who));
				let alice = providers(Alice);

				MigrateV2ToV3::<Test>::on_runtime_upgrade();

				assert_eq!((providers(Alice), providers(Eve)), (alice + 1, 2));
				assert_eq!(StorageVersion::get::<Pallet<Test>>(), 3);
			});
		}
	}
}
