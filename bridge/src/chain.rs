//! The connection to a Licentia node: subxt for transactions (types generated from the runtime's
//! metadata, checked against the node's at start-up) and the node's `licentia_` JSON-RPC methods
//! for queries, called through `licentia-rpc`'s typed client over the same WebSocket.

use anyhow::{anyhow, bail, Context, Result};
use codec::{Decode, Encode};
use std::sync::Arc;
use subxt::{
	backend::LegacyBackend,
	client::{ClientAtBlock, OnlineClientAtBlockImpl},
	config::{DefaultExtrinsicParamsBuilder, RpcConfigFor},
	ext::jsonrpsee::{core::client::Error as RpcError, types::ErrorObjectOwned},
	rpcs::{
		client::{jsonrpsee_client, JsonrpseeRpcClient},
		LegacyRpcMethods, RpcClient,
	},
	tx::Payload,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

mod ahead;
mod reads;

pub use ahead::{Broadcast, ExtrinsicEvents, Signed};

/// The chain's types and calls, generated from `bridge/metadata.scale` (see `scripts/metadata`).
/// They also derive SCALE's `Encode` and `Decode`, so that [`convert`] can move values between
/// them and the chain's own Rust types.
#[subxt::subxt(
	runtime_metadata_path = "metadata.scale",
	derive_for_all_types = "::subxt::ext::codec::Encode, ::subxt::ext::codec::Decode"
)]
pub mod api {}

/// A finalized transaction: its block and its events.
pub struct Included {
	/// The finalized block it is in.
	pub block: licentia_primitives::Hash,
	/// Its events.
	pub events: subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>,
}

impl Included {
	/// The fee the signer paid, in planck.
	pub fn fee(&self) -> Option<u128> {
		let paid = self.events.find_first::<api::transaction_payment::events::TransactionFeePaid>();
		paid.and_then(Result::ok).map(|paid| paid.actual_fee)
	}
}

/// A transaction in the node's pool (see [`Chain::submit_then_watch`]).
pub struct Submitted(
	subxt::tx::TransactionProgress<
		PolkadotConfig,
		subxt::client::OnlineClientAtBlockImpl<PolkadotConfig>,
	>,
);

impl Submitted {
	/// Waits until the transaction is finalized and returns its events; a dispatch error
	/// becomes an error naming the pallet's error.
	pub async fn finalized(self) -> Result<Included> {
		let finalized = self
			.0
			.wait_for_finalized()
			.await
			.map_err(|e| anyhow!("the transaction was not finalized: {e}"))?;
		let events = finalized
			.wait_for_success()
			.await
			.map_err(|e| anyhow::Error::new(Failed(format!("the transaction failed: {e}"))))?;
		Ok(Included { block: finalized.block_hash().0.into(), events })
	}
}

/// A transaction that was finalized and failed (a dispatch error): it will not be retried by
/// the chain, and its nonce is used.
#[derive(Debug)]
pub struct Failed(pub String);

impl std::fmt::Display for Failed {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for Failed {}

/// The node's refusal of a call: its JSON-RPC error (code, message, data).
pub type Refusal = ErrorObjectOwned;

/// What the bridge makes of the result of a typed `licentia_` call (a method of
/// [`licentia_rpc::LicentiaApiClient`] on [`Chain::licentia`]).
pub trait Answer<T> {
	/// The value; the node's refusal (its message and JSON-RPC error code) or a lost connection
	/// is an error.
	fn answer(self) -> Result<T>;
	/// The value, or the node's refusal as an answer (its code one of `licentia_rpc`'s
	/// constants, such as [`licentia_rpc::NOT_FOUND`]); only a lost connection is an error.
	fn or_refusal(self) -> Result<Result<T, Refusal>>;
}

impl<T> Answer<T> for Result<T, RpcError> {
	fn answer(self) -> Result<T> {
		self.or_refusal()?.map_err(|refusal| {
			let data = refusal.data().map(|d| format!(": {}", d.get())).unwrap_or_default();
			anyhow!("{}{data} (JSON-RPC error {})", refusal.message(), refusal.code())
		})
	}

	fn or_refusal(self) -> Result<Result<T, Refusal>> {
		match self {
			Ok(value) => Ok(Ok(value)),
			Err(RpcError::Call(refusal)) => Ok(Err(refusal)),
			Err(error) => Err(anyhow!("the node did not answer: {error}")),
		}
	}
}

/// How many times a transaction whose nonce another of its signer's took is signed again.
pub const NONCE_RETRIES: u32 = 4;

/// Whether the pool turned a transaction away because its nonce was taken meanwhile (the pool's
/// words: "Priority is too low", "Transaction is outdated", "stale").
fn nonce_taken(error: &anyhow::Error) -> bool {
	!error.is::<Failed>() && refused_for_nonce(&format!("{error:#}"))
}

/// Whether the node's pool turned a transaction away (with these words) because another
/// transaction of its signer took its nonce first.
pub fn refused_for_nonce(why: &str) -> bool {
	let text = why.to_lowercase();
	text.contains("priority") && text.contains("too low")
		|| text.contains("outdated")
		|| text.contains("stale")
}

/// The chain's state at its finalized head, to read it or sign transactions against.
type AtBlock = ClientAtBlock<PolkadotConfig, OnlineClientAtBlockImpl<PolkadotConfig>>;

/// A connected node.
///
/// subxt speaks to it through its legacy methods (`chain_getFinalizedHead`, `chain_getHeader`,
/// `state_call`...), not through a `chainHead_v1_follow` subscription: the node allows a follow
/// subscription at most 16 operations at once (`MAX_ONGOING_OPERATIONS` in sc-rpc-spec-v2) and
/// answers `null` for a block header beyond that, which subxt's `at_current_block` reports as
/// "cannot find the block header for block ...": under a gateway's concurrent requests, one
/// read in twenty failed so while the node was healthy.
pub struct Chain {
	client: OnlineClient<PolkadotConfig>,
	methods: LegacyRpcMethods<RpcConfigFor<PolkadotConfig>>,
	licentia: Arc<JsonrpseeRpcClient>,
}

impl Chain {
	/// Connects to `url` and checks that the node runs the runtime this bridge was built for.
	pub async fn connect(url: &str) -> Result<Self> {
		let licentia =
			Arc::new(jsonrpsee_client(url).await.with_context(|| format!("connecting to {url}"))?);
		let rpc = RpcClient::new(licentia.clone());
		let backend = Arc::new(LegacyBackend::builder().build(rpc.clone()));
		let client = OnlineClient::<PolkadotConfig>::from_backend(backend)
			.await
			.with_context(|| format!("reading the chain's genesis from {url}"))?;
		let at = client
			.at_current_block()
			.await
			.with_context(|| format!("reading the chain's metadata from {url}"))?;
		if !api::is_codegen_valid_for(&at.metadata()) {
			bail!(
				"the node at {url} runs a runtime whose calls, events or storage differ from the \
				 ones this bridge was built for (bridge/metadata.scale): rebuild the bridge from \
				 the node's metadata (scripts/metadata, then cargo build)"
			);
		}
		Ok(Self { client, methods: LegacyRpcMethods::new(rpc), licentia })
	}

	/// Whether the connection to the node is up: a read that failed on a live connection is
	/// retried, not a reason to connect again.
	pub fn is_connected(&self) -> bool {
		self.licentia.is_connected()
	}

	/// The chain at its finalized head. A failed read is tried once more (after 200 ms) while
	/// the connection is up: a node may fail one read under load and answer the next.
	async fn at(&self) -> Result<AtBlock> {
		match self.client.at_current_block().await {
			Ok(at) => Ok(at),
			Err(_) if self.is_connected() => {
				tokio::time::sleep(std::time::Duration::from_millis(200)).await;
				Ok(self.client.at_current_block().await?)
			},
			Err(error) => Err(error.into()),
		}
	}

	/// The node's `licentia_` methods: call them with [`licentia_rpc::LicentiaApiClient`]'s
	/// typed methods, and read their results with [`Answer`].
	pub fn licentia(&self) -> &JsonrpseeRpcClient {
		&self.licentia
	}

	/// Signs `call` as `signer`, submits it, waits until it is finalized and returns its events;
	/// a dispatch error becomes an error naming the pallet's error.
	pub async fn submit<Call: Payload>(&self, call: &Call, signer: &Keypair) -> Result<Included> {
		self.submit_with_nonce(call, signer, None).await
	}

	/// [`Self::submit`] with the given nonce. A nonce is used once, so two submissions with the
	/// same nonce cannot both be included.
	///
	/// Without one, the next nonce counting the node's pool is used, and a transaction the pool
	/// turns away because another of the signer's took that nonce first (another process with
	/// the same key: a gateway recording deliveries while an operator relays a statement) is
	/// signed again with the next one, up to [`NONCE_RETRIES`] times. Turned away, it was never
	/// included, so it cannot be included twice.
	pub async fn submit_with_nonce<Call: Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
		nonce: Option<u64>,
	) -> Result<Included> {
		if nonce.is_some() {
			return self.submit_then_watch(call, signer, nonce).await?.finalized().await;
		}
		let who = account_of(signer);
		let mut attempt = 0;
		loop {
			let next = self.pool_nonce(&who).await?;
			let submitted = match self.submit_then_watch(call, signer, Some(next)).await {
				Ok(submitted) => submitted.finalized().await,
				Err(error) => Err(error),
			};
			match submitted {
				Err(error) if attempt < NONCE_RETRIES && nonce_taken(&error) => {
					attempt += 1;
					tokio::time::sleep(std::time::Duration::from_millis(500 * attempt as u64))
						.await;
				},
				result => return result,
			}
		}
	}

	/// Signs `call` as `signer` with `nonce` and hands it to the node's pool, without waiting
	/// for it: several transactions of one signer (consecutive nonces) can be on their way at
	/// once, each waited for with [`Submitted::finalized`].
	pub async fn submit_then_watch<Call: Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
		nonce: Option<u64>,
	) -> Result<Submitted> {
		let mut params = DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new();
		if let Some(nonce) = nonce {
			params = params.nonce(nonce);
		}
		let at = self.at().await?;
		let progress = at
			.transactions()
			.sign_and_submit_then_watch(call, signer, params.build())
			.await
			.context("submitting the transaction")?;
		Ok(Submitted(progress))
	}

	/// The next nonce of `who` counting the transactions in the node's pool.
	pub async fn pool_nonce(&self, who: &subxt::utils::AccountId32) -> Result<u64> {
		let nonce = self.methods.system_account_next_index(who).await;
		nonce.map_err(|e| anyhow!("asking the node for the next nonce of {who}: {e}"))
	}

	/// The next nonce of `who` in the finalized state.
	pub async fn finalized_nonce(&self, who: &subxt::utils::AccountId32) -> Result<u64> {
		let at = self.at().await?;
		Ok(at.transactions().account_nonce(who).await?)
	}

	/// A constant of the runtime, from its metadata.
	pub async fn constant<Addr: subxt::constants::Address>(
		&self,
		address: &Addr,
	) -> Result<Addr::Target> {
		let at = self.at().await?;
		at.constants().entry(address).map_err(|e| anyhow!("reading a constant: {e}"))
	}

	/// The next relay nonce of `who`: the one its next signed consent statement must carry.
	pub async fn relay_nonce(&self, who: &subxt::utils::AccountId32) -> Result<u32> {
		let at = self.at().await?;
		let value = at.storage().fetch(api::storage().consent().relay_nonce(), (*who,)).await?;
		Ok(value.decode()?)
	}

	/// How many more notes Nostr key `key` may register in its current period (the chain's
	/// `MaxNotesPerPeriod`, less what it registered since its period began).
	pub async fn notes_allowed(&self, key: &[u8; 32]) -> Result<u32> {
		let at = self.at().await?;
		let max = at
			.constants()
			.entry(&api::constants().content().max_notes_per_period())
			.map_err(|e| anyhow!("reading a constant: {e}"))?;
		let period = at
			.constants()
			.entry(&api::constants().content().note_period())
			.map_err(|e| anyhow!("reading a constant: {e}"))?;
		let now = u32::try_from(at.block_number()).context("a block number beyond u32")?;
		let value = at
			.storage()
			.try_fetch(api::storage().content().note_allowances(), (*key,))
			.await?;
		let used = match value.map(|v| v.decode()).transpose()? {
			// The transaction goes into a later block: a period ending by then is over.
			Some(allowance) if now.saturating_add(1) < allowance.since.saturating_add(period) => {
				allowance.used
			},
			_ => 0,
		};
		Ok(max.saturating_sub(used))
	}

	/// The number of the last finalized block (its head's header: two reads, no state), read
	/// again once if a read fails while the connection is up.
	pub async fn finalized_number(&self) -> Result<u32> {
		let read = || async {
			let head = self.methods.chain_get_finalized_head().await?;
			let header = self.methods.chain_get_header(Some(head)).await?;
			header.ok_or_else(|| anyhow!("the node has no header for its finalized head {head:?}"))
		};
		let header = match read().await {
			Ok(header) => header,
			Err(_) if self.is_connected() => read().await?,
			Err(error) => return Err(error.context("reading the finalized block")),
		};
		u32::try_from(header.number).context("a block number beyond u32")
	}

	/// Platform `id` as the bridge reads its posts: its kind and domain, with the store's key
	/// for posts' salts.
	pub async fn target(
		&self,
		id: licentia_primitives::consent::PlatformId,
		salt_key: crate::post::SaltKey,
	) -> Result<crate::post::Target> {
		use licentia_rpc::LicentiaApiClient;
		let platform = self.licentia().platform(id, None).await.answer();
		let platform = platform.with_context(|| format!("reading platform {id}"))?;
		Ok(crate::post::Target {
			id: platform.id,
			kind: platform.kind,
			domain: String::from_utf8_lossy(&platform.domain).into_owned(),
			salt_key,
		})
	}

	/// The genesis hash: signed statements name the chain they are for.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.client.genesis_hash().0
	}
}

/// An sr25519 key from a secret URI: `//Alice`, a mnemonic, `0x<seed>`, with `//hard/soft` paths.
pub fn keypair(suri: &str) -> Result<Keypair> {
	let uri: SecretUri = suri.parse().map_err(|e| anyhow!("not a secret URI: {e}"))?;
	Keypair::from_uri(&uri).map_err(|e| anyhow!("not a usable key: {e}"))
}

/// The account of a key.
pub fn account_of(signer: &Keypair) -> subxt::utils::AccountId32 {
	signer.public_key().into()
}

/// An account as the chain's own types (licentia-primitives') spell it, as the `licentia_`
/// methods take and answer accounts.
pub fn primitive_account(who: &subxt::utils::AccountId32) -> licentia_primitives::AccountId {
	who.0.into()
}

/// Re-types a value between the chain's own Rust types (licentia-primitives) and the types
/// generated from metadata: both encode to the same SCALE bytes, which this checks.
pub fn convert<B: Decode>(value: &impl Encode) -> Result<B> {
	let bytes = value.encode();
	let mut input = &bytes[..];
	let converted = B::decode(&mut input).context("the chain's types and the bridge's differ")?;
	if !input.is_empty() {
		bail!("the chain's types and the bridge's differ: {} bytes left over", input.len());
	}
	Ok(converted)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The pool's words when another transaction of the signer took the nonce (as a node of this
	/// chain answered a gateway and an operator signing with one key), and a dispatch error,
	/// which used its nonce and is not signed again.
	#[test]
	fn a_taken_nonce_is_told_from_a_failed_transaction() {
		let taken = [
			"the transaction was not finalized: Error during transaction progress: The \
			 transaction is not valid: The priority of the transaction is too low (pool 3773 > \
			 current 379)",
			"the transaction was not finalized: Error during transaction progress: The \
			 transaction is not valid: Invalid transaction: Transaction is outdated",
			"submitting the transaction: Invalid Transaction (1010): Transaction is stale",
		];
		for text in taken {
			assert!(nonce_taken(&anyhow!("{text}")), "{text}");
		}
		let failed =
			anyhow::Error::new(Failed("the transaction failed: Licensing::CapExceeded".into()));
		assert!(!nonce_taken(&failed));
		assert!(!nonce_taken(&anyhow!("the node did not answer: connection closed")));
	}
}
