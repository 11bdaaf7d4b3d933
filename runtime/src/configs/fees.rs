//! The token and its fees: balances, what a transaction pays (by weight and length, with a
//! multiplier that follows load) and where it goes (the treasury and the block's author).

use frame_support::{
	parameter_types,
	traits::{
		fungible::{Balanced, Credit},
		tokens::imbalance::ResolveTo,
		ConstU128, ConstU32, ConstU8, Imbalance, OnUnbalanced, VariantCountOf,
	},
	weights::IdentityFee,
};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_runtime::{
	traits::{Bounded, One},
	FixedPointNumber, Perquintill,
};

use super::TreasuryAccount;
use crate::{
	AccountId, Balance, Balances, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
	System, EXISTENTIAL_DEPOSIT, MICRO_UNIT,
};

/// The block author's part of the fees; to the treasury when there is no author to pay.
pub struct ToAuthor;
impl OnUnbalanced<Credit<AccountId, Balances>> for ToAuthor {
	fn on_nonzero_unbalanced(credit: Credit<AccountId, Balances>) {
		let rest = match pallet_authorship::Pallet::<Runtime>::author() {
			Some(author) => <Balances as Balanced<AccountId>>::resolve(&author, credit).err(),
			None => Some(credit),
		};
		if let Some(rest) = rest {
			ResolveTo::<TreasuryAccount, Balances>::on_unbalanced(rest);
		}
	}
}

/// Fees pay the network, as polkadot-sdk's relay chains split them: 80% to the treasury, 20%
/// and every tip to the block's author.
pub struct DealWithFees;
impl OnUnbalanced<Credit<AccountId, Balances>> for DealWithFees {
	fn on_unbalanceds(mut fees_then_tips: impl Iterator<Item = Credit<AccountId, Balances>>) {
		if let Some(fees) = fees_then_tips.next() {
			let (to_treasury, mut to_author) = fees.ration(80, 20);
			if let Some(tips) = fees_then_tips.next() {
				tips.merge_into(&mut to_author);
			}
			ResolveTo::<TreasuryAccount, Balances>::on_unbalanced(to_treasury);
			ToAuthor::on_unbalanced(to_author);
		}
	}
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fees follow load: above a quarter-full block the multiplier rises, below it falls back
	/// towards one (never below: an idle chain charges the fees its docs state).
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// How fast: with blocks as full as normal transactions may make them, fees grow by about
	/// 0.23% a block, so they double in about 300 blocks (30 minutes) and grow almost fourfold
	/// over a one-hour challenge window. Filling blocks to crowd out challenges or answers gets
	/// dearer as it goes on.
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(3, 1_000);
	pub MinimumMultiplier: Multiplier = Multiplier::one();
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
	/// What one byte of a transaction costs: a 200-byte transfer pays 0.002 LCT for its length.
	pub const TransactionByteFee: Balance = 10 * MICRO_UNIT;
}

impl pallet_skip_feeless_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, DealWithFees>;
	type OperationalFeeMultiplier = ConstU8<5>;
	/// One picosecond of weight costs one planck: a second of block compute costs one LCT.
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = frame_support::weights::ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::configs::RuntimeBlockWeights;
	use frame_support::dispatch::DispatchClass;
	use sp_runtime::{traits::Convert, Perbill};

	type Update = <Runtime as pallet_transaction_payment::Config>::FeeMultiplierUpdate;

	/// The multiplier after `blocks` blocks filled to `fullness` of their normal-class weight.
	fn after(blocks: u32, fullness: Perbill) -> Multiplier {
		let max = RuntimeBlockWeights::get()
			.get(DispatchClass::Normal)
			.max_total
			.unwrap_or_default();
		sp_io::TestExternalities::default().execute_with(|| {
			System::set_block_consumed_resources(fullness * max, 0);
			(0..blocks).fold(Multiplier::one(), |m, _| Update::convert(m))
		})
	}

	#[test]
	fn fees_rise_with_full_blocks_and_stay_at_one_when_idle() {
		assert_eq!(after(100, Perbill::zero()), Multiplier::one());
		assert_eq!(after(100, Perbill::from_percent(20)), Multiplier::one());
		let half_hour = after(300, Perbill::one());
		assert!(half_hour > Multiplier::saturating_from_rational(19, 10), "{half_hour}");
		let hour = after(600, Perbill::one());
		assert!(hour > Multiplier::saturating_from_rational(35, 10), "{hour}");
	}
}
