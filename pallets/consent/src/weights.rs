//! Weights for `pallet_consent`: replaced by `scripts/benchmark` with the output of
//! `licentia-node benchmark pallet` on the real runtime.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed for `pallet_consent`.
pub trait WeightInfo {
	fn register_platform(o: u32) -> Weight;
	fn update_platform(o: u32) -> Weight;
	fn link_identity() -> Weight;
	fn link_nostr() -> Weight;
	fn unlink_identity() -> Weight;
	fn set_consent() -> Weight;
	fn relay_consent() -> Weight;
	fn withdraw_consent() -> Weight;
}

/// Weights for `pallet_consent` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_platform(_o: u32) -> Weight {
		Weight::zero()
	}
	fn update_platform(_o: u32) -> Weight {
		Weight::zero()
	}
	fn link_identity() -> Weight {
		Weight::zero()
	}
	fn link_nostr() -> Weight {
		Weight::zero()
	}
	fn unlink_identity() -> Weight {
		Weight::zero()
	}
	fn set_consent() -> Weight {
		Weight::zero()
	}
	fn relay_consent() -> Weight {
		Weight::zero()
	}
	fn withdraw_consent() -> Weight {
		Weight::zero()
	}
}

impl WeightInfo for () {
	fn register_platform(_o: u32) -> Weight {
		Weight::zero()
	}
	fn update_platform(_o: u32) -> Weight {
		Weight::zero()
	}
	fn link_identity() -> Weight {
		Weight::zero()
	}
	fn link_nostr() -> Weight {
		Weight::zero()
	}
	fn unlink_identity() -> Weight {
		Weight::zero()
	}
	fn set_consent() -> Weight {
		Weight::zero()
	}
	fn relay_consent() -> Weight {
		Weight::zero()
	}
	fn withdraw_consent() -> Weight {
		Weight::zero()
	}
}
