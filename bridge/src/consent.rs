//! The consent commands: what a person's wallet signs (`accept-link`, `consent sign`) and what a
//! platform submits for them (`link`, `consent relay`), and `link-nostr`.

use crate::{
	chain::{self, api, Chain},
	cli,
	parse::{account, hex_array, parse_identity, purpose, read_json, restriction, write_json},
};
use anyhow::{anyhow, bail, Context, Result};
use licentia_primitives::{
	consent::{Decision, Identity, PlatformId, Purpose, Restrictions, Scope, PRICE_TIERS},
	nostr,
	signed::{link_payload, relay_payload, sr25519_signed_by, LinkAcceptance, RelayedStatement},
	AccountId,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sp_crypto_hashing::sha2_256;
use subxt::utils::AccountId32;

/// `who`'s relay nonce and a statement's last block: as given, or its current nonce and 14,400
/// blocks (a day at six seconds) from the last finalized block.
async fn nonce_and_expiry(
	chain: &Chain,
	who: &AccountId32,
	given: &cli::Validity,
) -> Result<(u32, u32)> {
	let nonce = match given.nonce {
		Some(nonce) => nonce,
		None => chain.relay_nonce(who).await?,
	};
	let expires_at = match given.expires_at {
		Some(at) => at,
		None => chain.finalized_number().await?.saturating_add(14_400),
	};
	Ok((nonce, expires_at))
}

/// A person's acceptance of a link, as a file: what `accept-link` writes and `link` submits.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignedAcceptance {
	account: String,
	platform: PlatformId,
	identity: Identity,
	nonce: u32,
	expires_at: u32,
	/// The sr25519 signature of its payload ([`link_payload`]), hex.
	signature: String,
}

impl SignedAcceptance {
	fn payload(&self, genesis: [u8; 32]) -> Vec<u8> {
		let acceptance = LinkAcceptance { nonce: self.nonce, expires_at: self.expires_at };
		link_payload(&genesis, self.platform, &self.identity, &acceptance)
	}
}

/// `accept-link`: what a person's wallet does to agree that a platform links `identity` to
/// their account; the platform's operator then submits it with `link`.
pub async fn accept_link(chain: &Chain, args: cli::AcceptLink) -> Result<Value> {
	let signer = args.signer.keypair()?;
	let who = chain::account_of(&signer);
	let (nonce, expires_at) = nonce_and_expiry(chain, &who, &args.validity).await?;
	let mut accepted = SignedAcceptance {
		account: who.to_string(),
		platform: args.platform.id,
		identity: parse_identity(&args.identity)?,
		nonce,
		expires_at,
		signature: String::new(),
	};
	let payload = accepted.payload(chain.genesis_hash());
	accepted.signature = format!("0x{}", hex::encode(signer.sign(&payload).0));
	write_json(&args.out, &accepted)
}

/// `link`: an operator attests an identity that its account accepted (`accept-link`).
pub async fn link(chain: &Chain, args: cli::Link) -> Result<Value> {
	let signer = &args.signer.keypair()?;
	let accepted: SignedAcceptance = read_json(&args.acceptance, "a link acceptance")?;
	let who = account(&accepted.account)?;
	let signature: [u8; 64] = hex_array(&accepted.signature).context("the signature")?;
	if !sr25519_signed_by(&signature, &accepted.payload(chain.genesis_hash()), &who.0) {
		bail!("the acceptance's signature does not verify for {} on this chain", accepted.account);
	}
	let call = api::transactions().consent().link_identity(
		accepted.platform,
		chain::convert(&accepted.identity)?,
		who,
		chain::convert(&LinkAcceptance { nonce: accepted.nonce, expires_at: accepted.expires_at })?,
		api::runtime_types::sp_runtime::MultiSignature::Sr25519(signature),
	);
	let included = chain.submit(&call, signer).await?;
	Ok(json!({ "linked": accepted.identity, "account": accepted.account, "block": included.block }))
}

/// `link-nostr`: signs the NIP-01 link event with the Nostr key and submits it as the account.
pub async fn link_nostr(chain: &Chain, args: cli::LinkNostr) -> Result<Value> {
	let signer = &args.signer.keypair()?;
	let secret: [u8; 32] = hex_array(&args.nostr_secret).context("the Nostr secret key")?;
	let public_key = nostr::public_key(&secret).context("not a valid secp256k1 secret key")?;
	let who = chain::account_of(signer);
	let created_at = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.context("the clock is before 1970")?
		.as_secs();
	let id = nostr::link_event_id(&public_key, created_at, &chain.genesis_hash(), &who.0);
	let aux = sha2_256(&[&secret[..], &created_at.to_le_bytes()].concat());
	let signature = nostr::sign(&secret, &id, &aux).context("signing the link event")?;
	let call = api::transactions().consent().link_nostr(public_key, created_at, signature);
	let included = chain.submit(&call, signer).await?;
	Ok(json!({
		"linked": Identity::Nostr(public_key),
		"account": who.to_string(),
		"block": included.block,
	}))
}

/// A signed consent statement, as a file.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignedStatement {
	account: String,
	/// `null`: every identity of the account.
	identity: Option<Identity>,
	decisions: Vec<(Purpose, Decision)>,
	/// The restrictions to state (`null`: leave them as they are).
	#[serde(default)]
	restrictions: Option<Restrictions>,
	nonce: u32,
	expires_at: u32,
	/// The sr25519 signature of `(RELAY_CONTEXT, genesis hash, statement)`, hex.
	signature: String,
}

impl SignedStatement {
	/// The statement signed ([`RelayedStatement`]).
	fn statement(&self) -> Result<RelayedStatement<AccountId, u32>> {
		let decisions = self.decisions.clone().try_into().map_err(|_| {
			anyhow!("{} decisions: a statement makes at most one per purpose", self.decisions.len())
		})?;
		Ok(RelayedStatement {
			account: account(&self.account)?.0.into(),
			scope: self.identity.clone().map_or(Scope::Account, Scope::Identity),
			decisions,
			restrictions: self.restrictions.clone(),
			nonce: self.nonce,
			expires_at: self.expires_at,
		})
	}
}

/// `consent sign`: what a person's wallet does, for a platform to relay.
pub async fn sign_consent(chain: &Chain, request: cli::SignConsent) -> Result<Value> {
	let signer = request.signer.keypair()?;
	let who = chain::account_of(&signer);
	let mut decisions = Vec::new();
	for name in &request.allow {
		decisions.push((purpose(name)?, Decision::Allow));
	}
	for name in &request.deny {
		decisions.push((purpose(name)?, Decision::Deny));
	}
	let restrictions = if request.refuse.is_empty() && request.min_price.is_none() {
		None
	} else {
		let refused: Vec<_> =
			request.refuse.iter().map(|name| restriction(name)).collect::<Result<_>>()?;
		let refused = refused.try_into().map_err(|_| anyhow!("--refuse: each condition once"))?;
		let min_price = request.min_price.unwrap_or(0);
		if min_price >= PRICE_TIERS {
			bail!("--min-price {min_price}: a price tier is 0 (none) to {}", PRICE_TIERS - 1);
		}
		Some(Restrictions { refused, min_price })
	};
	if decisions.is_empty() && restrictions.is_none() {
		bail!("a statement needs at least one --allow, --deny, --refuse or --min-price");
	}
	let (nonce, expires_at) = nonce_and_expiry(chain, &who, &request.validity).await?;
	let mut statement = SignedStatement {
		account: who.to_string(),
		identity: request.identity.as_deref().map(parse_identity).transpose()?,
		decisions,
		restrictions,
		nonce,
		expires_at,
		signature: String::new(),
	};
	let payload = relay_payload(&chain.genesis_hash(), &statement.statement()?);
	statement.signature = format!("0x{}", hex::encode(signer.sign(&payload).0));
	write_json(&request.out, &statement)
}

/// `consent relay`: submits a statement someone signed; the relayer pays the fee.
pub async fn relay_consent(chain: &Chain, args: cli::RelayConsent) -> Result<Value> {
	let signer = &args.signer.keypair()?;
	let signed: SignedStatement = read_json(&args.statement, "a statement")?;
	let statement = signed.statement()?;
	let signature: [u8; 64] = hex_array(&signed.signature).context("the signature")?;
	let payload = relay_payload(&chain.genesis_hash(), &statement);
	if !sr25519_signed_by(&signature, &payload, statement.account.as_ref()) {
		bail!("the statement's signature does not verify for {} on this chain", signed.account);
	}
	let call = api::transactions().consent().relay_consent(
		chain::convert(&statement)?,
		api::runtime_types::sp_runtime::MultiSignature::Sr25519(signature),
	);
	let included = chain.submit(&call, signer).await?;
	Ok(json!({ "relayed": signed.account, "nonce": signed.nonce, "block": included.block }))
}
