//! Weights for `pallet_licensing`: replaced by `scripts/benchmark` with the output of
//! `licentia-node benchmark pallet` on the real runtime.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions needed for `pallet_licensing`.
pub trait WeightInfo {
	fn register_terms() -> Weight;
	fn create_offer() -> Weight;
	fn create_pool_offer(p: u32) -> Weight;
	fn set_offer_paused() -> Weight;
	fn close_offer() -> Weight;
	fn purchase(p: u32) -> Weight;
	fn transfer_license() -> Weight;
	fn revoke_license() -> Weight;
	fn record_deliveries() -> Weight;
	fn release_license() -> Weight;
	fn claim(n: u32) -> Weight;
	fn prune_feed(n: u32) -> Weight;
}

/// Weights for `pallet_licensing` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_terms() -> Weight {
		Weight::zero()
	}
	fn create_offer() -> Weight {
		Weight::zero()
	}
	fn create_pool_offer(_p: u32) -> Weight {
		Weight::zero()
	}
	fn set_offer_paused() -> Weight {
		Weight::zero()
	}
	fn close_offer() -> Weight {
		Weight::zero()
	}
	fn purchase(_p: u32) -> Weight {
		Weight::zero()
	}
	fn transfer_license() -> Weight {
		Weight::zero()
	}
	fn revoke_license() -> Weight {
		Weight::zero()
	}
	fn record_deliveries() -> Weight {
		Weight::zero()
	}
	fn release_license() -> Weight {
		Weight::zero()
	}
	fn claim(_n: u32) -> Weight {
		Weight::zero()
	}
	fn prune_feed(_n: u32) -> Weight {
		Weight::zero()
	}
}

impl WeightInfo for () {
	fn register_terms() -> Weight {
		Weight::zero()
	}
	fn create_offer() -> Weight {
		Weight::zero()
	}
	fn create_pool_offer(_p: u32) -> Weight {
		Weight::zero()
	}
	fn set_offer_paused() -> Weight {
		Weight::zero()
	}
	fn close_offer() -> Weight {
		Weight::zero()
	}
	fn purchase(_p: u32) -> Weight {
		Weight::zero()
	}
	fn transfer_license() -> Weight {
		Weight::zero()
	}
	fn revoke_license() -> Weight {
		Weight::zero()
	}
	fn record_deliveries() -> Weight {
		Weight::zero()
	}
	fn release_license() -> Weight {
		Weight::zero()
	}
	fn claim(_n: u32) -> Weight {
		Weight::zero()
	}
	fn prune_feed(_n: u32) -> Weight {
		Weight::zero()
	}
}
