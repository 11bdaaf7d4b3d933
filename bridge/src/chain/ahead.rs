//! Transactions signed ahead: signed, stored by the caller, then submitted (again, if need be)
//! and found on chain by their hash, so that a process that stops at any point can tell, when it
//! starts again, whether a transaction it signed was included, is still on its way, or never
//! will be (it is mortal).

use super::Chain;
use anyhow::{anyhow, Context, Result};
use sp_crypto_hashing::blake2_256;
use subxt::{config::DefaultExtrinsicParamsBuilder, tx::Payload, PolkadotConfig};
use subxt_signer::sr25519::Keypair;

/// How many blocks a transaction signed ahead ([`Chain::sign`]) may be included in: after them,
/// one that is not on chain never will be.
pub const MORTALITY: u64 = 32;

/// A transaction signed and not yet known to be on chain ([`Chain::sign`]): what it takes to
/// submit it again and to find it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
	/// Its hash: blake2-256 of its bytes.
	pub hash: [u8; 32],
	/// The signer's nonce it uses.
	pub nonce: u64,
	/// The finalized block it was signed at (its era's birth): it is in a later block or none.
	pub born: u64,
	/// The last block it may be in.
	pub dies: u64,
	/// Its bytes, as submitted.
	pub bytes: Vec<u8>,
}

/// What the node's pool made of a transaction ([`Chain::broadcast`]).
pub enum Broadcast {
	/// In the pool (now, or already before).
	Accepted,
	/// Turned away, with the pool's words: it is not in this node's pool.
	Refused(String),
	/// No answer (the connection failed): it may or may not be in the pool.
	Unknown(anyhow::Error),
}

/// A transaction's events, as subxt reads them.
pub type ExtrinsicEvents = subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>;

/// A transaction found on chain ([`Chain::find`]).
pub struct Found {
	/// Its events (`None`: the node no longer has that block's state).
	pub events: Option<ExtrinsicEvents>,
}

impl Chain {
	/// Signs `call` as `signer` with `nonce`, mortal ([`MORTALITY`] blocks from the finalized
	/// head), without submitting it: its bytes can be stored first, and submitted again later.
	pub async fn sign<Call: Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
		nonce: u64,
	) -> Result<Signed> {
		let at = self.at().await?;
		let params = DefaultExtrinsicParamsBuilder::<PolkadotConfig>::new()
			.nonce(nonce)
			.mortal(MORTALITY)
			.build();
		let signed = at.transactions().create_signed(call, signer, params).await?;
		let born = at.block_number();
		let hash = signed.hash().0;
		Ok(Signed { hash, nonce, born, dies: born + MORTALITY - 1, bytes: signed.into_encoded() })
	}

	/// Hands a signed transaction's bytes to the node's pool.
	pub async fn broadcast(&self, bytes: &[u8]) -> Broadcast {
		use subxt::rpcs::Error;
		match self.methods.author_submit_extrinsic(bytes).await {
			Ok(_) => Broadcast::Accepted,
			// 1013: already in the pool.
			Err(Error::User(refusal)) if refusal.code == 1013 => Broadcast::Accepted,
			Err(Error::User(refusal)) => {
				let data = refusal.data.map(|d| format!(": {}", d.get())).unwrap_or_default();
				Broadcast::Refused(format!("{} ({}){data}", refusal.message, refusal.code))
			},
			Err(error) => Broadcast::Unknown(anyhow!("submitting the transaction: {error}")),
		}
	}

	/// Transaction `hash` if a finalized block numbered `from..=to` holds it (of those finalized
	/// now), with its events when the node still has that block's state. Blocks are read by
	/// their bodies, which a node keeps (its state only for the last 256 blocks by default); a
	/// node that pruned one of them is an error, as the transaction may be in it.
	pub async fn find(&self, hash: [u8; 32], from: u64, to: u64) -> Result<Option<Found>> {
		let last = to.min(u64::from(self.finalized_number().await?));
		for number in from..=last {
			// A block without its body cannot tell: an error, never "not found".
			let missing = || anyhow!("the node has no body for block {number} (pruned?)");
			let block = self.methods.chain_get_block_hash(Some(number.into())).await?;
			let block = block.ok_or_else(missing)?;
			let body = self.methods.chain_get_block(Some(block)).await?.ok_or_else(missing)?;
			let extrinsics = body.block.extrinsics;
			if let Some(index) = extrinsics.iter().position(|e| blake2_256(&e.0) == hash) {
				let events = self.events_of(block, index).await.ok();
				return Ok(Some(Found { events }));
			}
		}
		Ok(None)
	}

	/// The events of extrinsic `index` of block `block`.
	async fn events_of(&self, block: subxt::utils::H256, index: usize) -> Result<ExtrinsicEvents> {
		let at = self.client.at_block(block).await?;
		let extrinsics = at.extrinsics().fetch().await?;
		let extrinsic = extrinsics.iter().nth(index).context("no such extrinsic")??;
		Ok(extrinsic.events().await?)
	}

	/// The next nonce of `who` in the finalized state, and the number of the finalized block it
	/// was read at.
	pub async fn finalized_nonce_and_number(
		&self,
		who: &subxt::utils::AccountId32,
	) -> Result<(u64, u64)> {
		let at = self.at().await?;
		Ok((at.transactions().account_nonce(who).await?, at.block_number()))
	}
}
