//! Storage migrations. Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration):
//! it runs once, at the upgrade that brings its storage version, and leaves the runtime's
//! `Migrations` once every live chain has run it.

/// Version 1 keeps an identity's own statements in its link ([`IdentityLink::statements`])
/// instead of in a map of their own (`IdentityConsent`), so that what registration, activation
/// and access checks ask of every author (its account, its platform and what it allows) is
/// one read of the link and one of the account's statements.
///
/// It runs in one block, in time linear in the links: that fits the development and test
/// chains that ran version 0.
pub mod v1 {
	use crate::*;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::ValueQuery,
		storage_alias,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		Blake2_128Concat,
	};
	use licentia_primitives::consent::{Identity, Statements};

	/// A link as version 0 stored it.
	#[derive(Encode, Decode)]
	pub struct OldIdentityLink<AccountId, Balance> {
		pub account: AccountId,
		pub platform: PlatformId,
		pub depositor: AccountId,
		pub deposit: Balance,
	}

	/// Version 0's statements for one identity, by identity.
	#[storage_alias]
	pub type IdentityConsent<T: Config> =
		StorageMap<Pallet<T>, Blake2_128Concat, Identity, Statements, ValueQuery>;

	/// Moves each identity's statements into its link, and drops the old map.
	pub struct MoveIdentityStatements<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for MoveIdentityStatements<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut links = 0u64;
			IdentityOwner::<T>::translate::<OldIdentityLink<T::AccountId, BalanceOf<T>>, _>(
				|identity, old| {
					links = links.saturating_add(1);
					Some(IdentityLink {
						account: old.account,
						platform: old.platform,
						depositor: old.depositor,
						deposit: old.deposit,
						statements: IdentityConsent::<T>::take(&identity),
					})
				},
			);
			// Unlinking removed an identity's statements, so none should be left; drop any.
			let left = IdentityConsent::<T>::clear(u32::MAX, None).unique as u64;
			let accesses = links.saturating_mul(2).saturating_add(left);
			T::DbWeight::get().reads_writes(accesses, accesses)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`MoveIdentityStatements`], run once: at the upgrade from storage version 0 to 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		MoveIdentityStatements<T>,
		crate::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	#[cfg(test)]
	mod tests {
		use super::*;
		use crate::mock::*;
		use frame_support::traits::{OnRuntimeUpgrade, StorageVersion};
		use licentia_primitives::consent::PurposeSet;
		use sp_keyring::Sr25519Keyring::{Alice, Bob};

		#[test]
		fn statements_move_into_their_links() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(0).put::<Pallet<Test>>();
				let (a, b) = (Identity::X(1), Identity::X(2));
				for (identity, who) in [(&a, Alice), (&b, Bob)] {
					let old = OldIdentityLink {
						account: account(who),
						platform: 0,
						depositor: account(Bob),
						deposit: 5u128,
					};
					frame_support::storage::unhashed::put(
						&IdentityOwner::<Test>::hashed_key_for(identity),
						&old,
					);
				}
				let research = Statements { allowed: PurposeSet::ALL, denied: PurposeSet::EMPTY };
				IdentityConsent::<Test>::insert(&a, research);
				// Left behind by no unlink, but dropped all the same.
				IdentityConsent::<Test>::insert(Identity::X(3), research);

				MigrateV0ToV1::<Test>::on_runtime_upgrade();

				let link = IdentityOwner::<Test>::get(&a).expect("still linked");
				assert_eq!(
					(link.account, link.deposit, link.statements),
					(account(Alice), 5, research)
				);
				let link = IdentityOwner::<Test>::get(&b).expect("still linked");
				assert_eq!(link.statements, Statements::default());
				assert_eq!(IdentityConsent::<Test>::iter().count(), 0);
				assert_eq!(StorageVersion::get::<Pallet<Test>>(), 1);
			});
		}
	}
}
