//! # Licentia primitives
//!
//! The types that the Licentia runtime, the node and off-chain clients (the platform bridge,
//! Polkadot.js scripts) must agree on. Keeping them here, in a crate without FRAME, lets a client
//! depend on the chain's vocabulary without pulling in the runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod anonymous;
mod bit_set;
pub mod consent;
pub mod content;
pub mod identities;
#[cfg(feature = "std")]
pub mod json;
pub mod licensing;
pub mod nostr;
pub mod runtime_api;
pub mod signed;

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// The signature of a transaction: sr25519, ed25519 or ecdsa, as Polkadot.js signs by default.
pub type Signature = MultiSignature;

/// An account on the chain: the public key of the scheme that signs its transactions.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance of the native token, in its smallest unit (see [`currency`]).
pub type Balance = u128;

/// The number of transactions an account has sent.
pub type Nonce = u32;

/// A block number. At 6 s a block, `u32` lasts for more than 800 years.
pub type BlockNumber = u32;

/// A hash of some data: blocks, extrinsics, storage tries, post contents.
pub type Hash = sp_core::H256;

/// The native token: its symbol, decimals and the units derived from them.
pub mod currency {
	use super::Balance;

	/// The token's symbol, as wallets and Polkadot.js show it.
	pub const TOKEN_SYMBOL: &str = "LCT";
	/// The number of decimals a wallet shows: one LCT is `10^TOKEN_DECIMALS` planck.
	pub const TOKEN_DECIMALS: u8 = 12;
	/// One token.
	pub const UNIT: Balance = 1_000_000_000_000;
	/// A thousandth of a token.
	pub const MILLI_UNIT: Balance = UNIT / 1_000;
	/// A millionth of a token.
	pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
	/// The smallest balance an account may hold.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;
	/// The SS58 address format: 42 is the generic Substrate prefix every wallet understands.
	pub const SS58_PREFIX: u16 = 42;
}

/// Block time and the durations derived from it.
pub mod time {
	use super::BlockNumber;

	/// The target time between two blocks. Aura's slot duration; it cannot change once a chain
	/// has started.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
	/// Aura's slot duration.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
	/// One minute, in blocks.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// One hour, in blocks.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// One day, in blocks.
	pub const DAYS: BlockNumber = HOURS * 24;
}
