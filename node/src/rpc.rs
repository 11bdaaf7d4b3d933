//! The node's JSON-RPC methods beyond the standard ones `sc-service` provides. The `licentia_`
//! methods are declared and implemented in `licentia-rpc` (node/rpc), beside their typed client.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use licentia_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	/// The client, to call runtime APIs.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// All RPC extensions: `system_accountNextIndex`, `payment_*` and `licentia_*`.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: licentia_primitives::runtime_api::ConsentApi<Block, AccountId>,
	C::Api: licentia_primitives::runtime_api::ContentApi<Block, AccountId, BlockNumber>,
	C::Api: licentia_primitives::runtime_api::LicensingApi<Block, AccountId, Balance, BlockNumber>,
	P: TransactionPool + 'static,
{
	use licentia_rpc::{Licentia, LicentiaApiServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Licentia::<C, Block>::new(client).into_rpc())?;

	Ok(module)
}
