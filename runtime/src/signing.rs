//! Building signed transactions natively (std only): for the node's benchmark commands and for
//! tests that drive a running node over RPC without a second client library.

use crate::{
	AccountId, Hash, Nonce, Runtime, RuntimeCall, Signature, SignedPayload, TxExtension,
	UncheckedExtrinsic, VERSION,
};
use codec::Encode;
use sp_core::{sr25519, Pair};
use sp_runtime::generic::Era;

/// Where a transaction is valid: the chain (its genesis hash) and its mortality.
#[derive(Clone, Copy, Debug)]
pub struct ChainContext {
	/// The genesis hash of the chain the transaction is for (replay protection across chains).
	pub genesis_hash: Hash,
	/// The transaction's era. [`Era::Immortal`] needs `era_block_hash == genesis_hash`.
	pub era: Era,
	/// The hash of the block the era starts at.
	pub era_block_hash: Hash,
}

impl ChainContext {
	/// An immortal transaction on the chain with the given genesis hash.
	pub fn immortal(genesis_hash: Hash) -> Self {
		Self { genesis_hash, era: Era::Immortal, era_block_hash: genesis_hash }
	}
}

/// The transaction extensions of a transaction with the given nonce, era and tip (in planck).
/// `CheckMetadataHash` is left disabled: the signer here is the runtime itself.
pub fn tx_extension(nonce: Nonce, era: Era, tip: crate::Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip).into(),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// Signs `call` as `signer` with `nonce`, for the chain and era in `context`.
pub fn signed_extrinsic(
	call: RuntimeCall,
	signer: &sr25519::Pair,
	nonce: Nonce,
	context: ChainContext,
) -> UncheckedExtrinsic {
	let tx_ext = tx_extension(nonce, context.era, 0);
	let payload = SignedPayload::from_raw(
		call.clone(),
		tx_ext.clone(),
		(
			(),
			VERSION.spec_version,
			VERSION.transaction_version,
			context.genesis_hash,
			context.era_block_hash,
			(),
			(),
			(),
			None,
			(),
		),
	);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		AccountId::from(signer.public()).into(),
		Signature::Sr25519(signature),
		tx_ext,
	)
}
