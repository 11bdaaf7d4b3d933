//! Weights for `pallet_content`: replaced by `scripts/benchmark` with the output of
//! `licentia-node benchmark pallet` on the real runtime.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions needed for `pallet_content`.
pub trait WeightInfo {
	fn register_batch(c: u32) -> Weight;
	fn register_nostr_events(e: u32) -> Weight;
	fn revoke_post(p: u32) -> Weight;
}

/// Weights for `pallet_content` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_batch(_c: u32) -> Weight {
		Weight::zero()
	}
	fn register_nostr_events(_e: u32) -> Weight {
		Weight::zero()
	}
	fn revoke_post(_p: u32) -> Weight {
		Weight::zero()
	}
}

impl WeightInfo for () {
	fn register_batch(_c: u32) -> Weight {
		Weight::zero()
	}
	fn register_nostr_events(_e: u32) -> Weight {
		Weight::zero()
	}
	fn revoke_post(_p: u32) -> Weight {
		Weight::zero()
	}
}
