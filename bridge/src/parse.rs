//! What people type and the files commands exchange: identities, purposes, restrictions,
//! accounts and hex on the command line; signed statements as JSON files.

use anyhow::{anyhow, bail, Context, Result};
use licentia_primitives::consent::{Identity, Purpose, Restriction};
use serde::Serialize;
use serde_json::{json, Value};
use std::{path::Path, str::FromStr};
use subxt::utils::AccountId32;

/// Parses `kind:value`: `bluesky:did:plc:...`, `mastodon:user@instance`, `x:<id>`, `nostr:<hex>`.
pub fn parse_identity(text: &str) -> Result<Identity> {
	let (kind, value) = text.split_once(':').context("an identity is kind:value")?;
	let bytes = || {
		value
			.as_bytes()
			.to_vec()
			.try_into()
			.map_err(|_| anyhow!("{value:?} is too long"))
	};
	let identity = match kind {
		"bluesky" => Identity::Bluesky(bytes()?),
		"mastodon" => Identity::Mastodon(bytes()?),
		"x" => {
			Identity::X(value.parse().with_context(|| format!("{value:?} is not an X user id"))?)
		},
		"nostr" => Identity::Nostr(hex_array(value)?),
		_ => bail!("unknown identity kind {kind:?}: bluesky, mastodon, x or nostr"),
	};
	identity.validate().map_err(|e| anyhow!("{text:?} is malformed: {e:?}"))?;
	Ok(identity)
}

pub fn hex_array<const N: usize>(text: &str) -> Result<[u8; N]> {
	let mut bytes = [0u8; N];
	hex::decode_to_slice(text.strip_prefix("0x").unwrap_or(text), &mut bytes)
		.with_context(|| format!("not {N} bytes of hex"))?;
	Ok(bytes)
}

pub fn purpose(name: &str) -> Result<Purpose> {
	serde_json::from_value(json!(name)).map_err(|_| {
		anyhow!("unknown purpose {name:?}: aiTraining, generativeAiTraining, aiInference, searchIndexing or research")
	})
}

pub fn restriction(name: &str) -> Result<Restriction> {
	serde_json::from_value(json!(name)).map_err(|_| {
		anyhow!("unknown restriction {name:?}: noCommercialUse, anonymisationRequired, noModelWeights or noRedistribution")
	})
}

pub fn account(ss58: &str) -> Result<AccountId32> {
	AccountId32::from_str(ss58).map_err(|e| anyhow!("{ss58:?} is not an SS58 address: {e}"))
}

/// Writes `value` to `out` as pretty JSON and returns it.
pub fn write_json<T: Serialize>(out: &Path, value: &T) -> Result<Value> {
	std::fs::write(out, serde_json::to_string_pretty(value)?)
		.with_context(|| format!("writing {}", out.display()))?;
	Ok(serde_json::to_value(value)?)
}

/// Reads `file` as JSON of a `what`.
pub fn read_json<T: serde::de::DeserializeOwned>(file: &Path, what: &str) -> Result<T> {
	let text =
		std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
	serde_json::from_str(&text).with_context(|| format!("{} is not {what}", file.display()))
}
