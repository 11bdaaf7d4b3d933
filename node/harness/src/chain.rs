//! What a test reads from a running [`Node`]: block numbers and hashes, storage, a block's calls
//! and events, balances and runtime API answers.

use crate::{
	rpc::{decode_hex, to_hex},
	Node,
};
use codec::{Decode, Encode};
use licentia_runtime::{
	AccountId, Balance, Hash, Nonce, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic,
};
use serde_json::{json, Value};

impl Node {
	/// The number of the best or the finalized block.
	pub fn block_number(&self, finalized: bool) -> u32 {
		let hash =
			if finalized { self.rpc("chain_getFinalizedHead", json!([])) } else { Value::Null };
		let header = self.rpc("chain_getHeader", json!([hash]));
		let number = header["number"].as_str().unwrap_or_else(|| self.fail("header has a number"));
		u32::from_str_radix(number.trim_start_matches("0x"), 16)
			.unwrap_or_else(|_| self.fail("block number is hex"))
	}

	/// The hash of block `number`.
	pub fn block_hash(&self, number: u32) -> Hash {
		let hex = self.rpc("chain_getBlockHash", json!([number]));
		decode_hex(hex.as_str().unwrap_or_else(|| self.fail("block hash is a string")))
	}

	/// The value at a raw storage key, at block `at` (best block if `None`).
	pub fn storage<T: Decode>(&self, key: &[u8], at: Option<Hash>) -> Option<T> {
		let at = at.map(|h| Value::String(to_hex(&h.encode())));
		let value = self.rpc("state_getStorage", json!([to_hex(key), at]));
		value.as_str().map(|hex| decode_hex(hex))
	}

	/// The calls of the extrinsics in block `at`, as anyone reading the chain sees them.
	pub fn calls(&self, at: Hash) -> Vec<RuntimeCall> {
		let block = self.rpc("chain_getBlock", json!([to_hex(&at.encode())]));
		let extrinsics = block["block"]["extrinsics"].as_array().cloned().unwrap_or_default();
		extrinsics
			.iter()
			.filter_map(|xt| {
				let bytes = hex::decode(xt.as_str()?.trim_start_matches("0x")).ok()?;
				Some(UncheckedExtrinsic::decode(&mut &bytes[..]).ok()?.function)
			})
			.collect()
	}

	/// The events deposited in block `at`.
	pub fn events(&self, at: Hash) -> Vec<RuntimeEvent> {
		type Records = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;
		// `System::Events` is private to frame-system: its key is the storage prefix.
		let key = frame_support::storage::storage_prefix(b"System", b"Events");
		self.storage::<Records>(&key, Some(at))
			.unwrap_or_default()
			.into_iter()
			.map(|r| r.event)
			.collect()
	}

	/// An account's free balance at the best block.
	pub fn free_balance(&self, who: &AccountId) -> Balance {
		let key = frame_system::Account::<Runtime>::hashed_key_for(who);
		self.storage::<frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>>(
			&key, None,
		)
		.map(|info| info.data.free)
		.unwrap_or_default()
	}

	/// Calls runtime API `method` (`Trait_function`) with SCALE-encoded `args` at the best
	/// block and decodes its answer.
	#[track_caller]
	pub fn runtime_call<R: Decode>(&self, method: &str, args: impl Encode) -> R {
		let answer = self.rpc("state_call", json!([method, to_hex(&args.encode())]));
		decode_hex(answer.as_str().unwrap_or_else(|| self.fail("state_call answers hex")))
	}
}
