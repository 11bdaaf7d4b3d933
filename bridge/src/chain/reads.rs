//! Storage the bridge reads through subxt: licenses' cap parts and reservations, identities'
//! high-water marks and batches' tails.

use super::{api, convert, Chain};
use anyhow::Result;

impl Chain {
	/// `platform`'s part of capped pool license `license`'s cap, and what it recorded against it
	/// (none for a license of one platform, or without a cap).
	pub async fn cap_part(&self, license: u64, platform: u32) -> Result<Option<(u64, u64)>> {
		let at = self.at().await?;
		let parts = api::storage().licensing().platform_parts();
		let part = at.storage().try_fetch(parts, (license, platform)).await?;
		Ok(part.map(|p| p.decode()).transpose()?.map(|p| (p.cap, p.delivered)))
	}

	/// Capped license `license`'s deliveries reserved and not yet recorded: by every platform,
	/// and by `platform` (its allowance).
	pub async fn reservations(&self, license: u64, platform: u32) -> Result<(u64, u64)> {
		let at = self.at().await?;
		let licensing = api::storage().licensing();
		let total = at.storage().try_fetch(licensing.reserved(), (license,)).await?;
		let own = at.storage().try_fetch(licensing.allowances(), (license, platform)).await?;
		let total = total.map(|v| v.decode()).transpose()?.unwrap_or(0);
		let own = own.map(|v| v.decode()).transpose()?.unwrap_or(0);
		Ok((total, own))
	}

	/// The high-water mark of `identity`: the largest order key of its posts registered in a
	/// platform batch, if any. A new batch's range for it must start above it.
	pub async fn mark(
		&self,
		identity: &licentia_primitives::consent::Identity,
	) -> Result<Option<u64>> {
		let at = self.at().await?;
		let key = convert(identity)?;
		let value = at.storage().try_fetch(api::storage().content().marks(), (key,)).await?;
		Ok(value.map(|v| v.decode()).transpose()?)
	}

	/// The tail of active batch `id`, if it is in one: the first block its bond can be
	/// released in, its open leaf requests, and its authors with posts revoked in it.
	pub async fn tail(
		&self,
		id: licentia_primitives::content::BatchId,
	) -> Result<Option<(u32, u32, u32)>> {
		let at = self.at().await?;
		let value = at.storage().try_fetch(api::storage().content().tails(), (id,)).await?;
		Ok(value
			.map(|v| v.decode())
			.transpose()?
			.map(|tail| (tail.ends_at, tail.open_requests, tail.revoked_authors)))
	}
}
