//! The bridge's smaller commands: links, consent statements, offers, access checks, licenses and
//! claims. Each returns the JSON document the CLI prints.

use crate::{
	chain::{self, api, Answer, Chain},
	formats,
	store::{RegisteredPost, Store, Withdrawal},
};
use anyhow::{anyhow, bail, Context, Result};
use codec::Encode;
use licentia_primitives::{
	consent::{
		Decision, Identity, PlatformId, Purpose, Restriction, LINK_CONTEXT, PRICE_TIERS,
		RELAY_CONTEXT,
	},
	licensing::{AccessQuery, LicenseId, Terms},
	nostr,
};
use licentia_rpc::{Access, LicentiaApiClient, MAX_ACCESS_BATCH};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sp_crypto_hashing::sha2_256;
use std::{collections::BTreeMap, path::Path, str::FromStr};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

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

fn hex_array<const N: usize>(text: &str) -> Result<[u8; N]> {
	let mut bytes = [0u8; N];
	hex::decode_to_slice(text.strip_prefix("0x").unwrap_or(text), &mut bytes)
		.with_context(|| format!("not {N} bytes of hex"))?;
	Ok(bytes)
}

fn purpose(name: &str) -> Result<Purpose> {
	serde_json::from_value(json!(name)).map_err(|_| {
		anyhow!("unknown purpose {name:?}: aiTraining, generativeAiTraining, aiInference, searchIndexing or research")
	})
}

fn restriction(name: &str) -> Result<Restriction> {
	serde_json::from_value(json!(name)).map_err(|_| {
		anyhow!("unknown restriction {name:?}: noCommercialUse, anonymisationRequired, noModelWeights or noRedistribution")
	})
}

fn account(ss58: &str) -> Result<AccountId32> {
	AccountId32::from_str(ss58).map_err(|e| anyhow!("{ss58:?} is not an SS58 address: {e}"))
}

/// `who`'s relay nonce and a statement's last block: as given, or its current nonce and 14,400
/// blocks (a day at six seconds) from the last finalized block.
async fn nonce_and_expiry(
	chain: &Chain,
	who: &AccountId32,
	nonce: Option<u32>,
	expires_at: Option<u32>,
) -> Result<(u32, u32)> {
	let nonce = match nonce {
		Some(nonce) => nonce,
		None => chain.relay_nonce(who).await?,
	};
	let expires_at = match expires_at {
		Some(at) => at,
		None => chain.finalized_number().await?.saturating_add(14_400),
	};
	Ok((nonce, expires_at))
}

/// Writes `value` to `out` as pretty JSON and returns it.
fn write_json<T: Serialize>(out: &Path, value: &T) -> Result<Value> {
	std::fs::write(out, serde_json::to_string_pretty(value)?)
		.with_context(|| format!("writing {}", out.display()))?;
	Ok(serde_json::to_value(value)?)
}

/// Reads `file` as JSON of a `what`.
fn read_json<T: serde::de::DeserializeOwned>(file: &Path, what: &str) -> Result<T> {
	let text =
		std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
	serde_json::from_str(&text).with_context(|| format!("{} is not {what}", file.display()))
}

/// Whether `signature` is `who`'s sr25519 signature of `payload`, as signed or as wallets sign
/// raw messages (wrapped in `<Bytes>`, `</Bytes>`): the chain takes both.
fn signed_by(signature: [u8; 64], payload: Vec<u8>, who: &AccountId32) -> bool {
	let wrapped = [&b"<Bytes>"[..], &payload, &b"</Bytes>"[..]].concat();
	[payload, wrapped].into_iter().any(|message| {
		subxt_signer::sr25519::verify(
			&subxt_signer::sr25519::Signature(signature),
			message,
			&subxt_signer::sr25519::PublicKey(who.0),
		)
	})
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
	/// The sr25519 signature of `(LINK_CONTEXT, genesis hash, platform, identity, (nonce,
	/// expires_at))`, hex.
	signature: String,
}

impl SignedAcceptance {
	fn payload(&self, genesis: [u8; 32]) -> Vec<u8> {
		let acceptance = (self.nonce, self.expires_at);
		(LINK_CONTEXT, genesis, self.platform, &self.identity, acceptance).encode()
	}
}

/// `accept-link`: what a person's wallet does to agree that a platform links `identity` to
/// their account; the platform's operator then submits it with `link`.
pub async fn accept_link(
	chain: &Chain,
	signer: &Keypair,
	platform: PlatformId,
	identity: &str,
	nonce: Option<u32>,
	expires_at: Option<u32>,
	out: &Path,
) -> Result<Value> {
	let who = chain::account_of(signer);
	let (nonce, expires_at) = nonce_and_expiry(chain, &who, nonce, expires_at).await?;
	let mut accepted = SignedAcceptance {
		account: who.to_string(),
		platform,
		identity: parse_identity(identity)?,
		nonce,
		expires_at,
		signature: String::new(),
	};
	let payload = accepted.payload(chain.genesis_hash());
	accepted.signature = format!("0x{}", hex::encode(signer.sign(&payload).0));
	write_json(out, &accepted)
}

/// `link`: an operator attests an identity that its account accepted (`accept-link`).
pub async fn link(chain: &Chain, file: &Path, signer: &Keypair) -> Result<Value> {
	let accepted: SignedAcceptance = read_json(file, "a link acceptance")?;
	let who = account(&accepted.account)?;
	let signature: [u8; 64] = hex_array(&accepted.signature).context("the signature")?;
	if !signed_by(signature, accepted.payload(chain.genesis_hash()), &who) {
		bail!("the acceptance's signature does not verify for {} on this chain", accepted.account);
	}
	use api::runtime_types::pallet_consent::types::LinkAcceptance;
	let call = api::transactions().consent().link_identity(
		accepted.platform,
		chain::convert(&accepted.identity)?,
		who,
		LinkAcceptance { nonce: accepted.nonce, expires_at: accepted.expires_at },
		api::runtime_types::sp_runtime::MultiSignature::Sr25519(signature),
	);
	let included = chain.submit(&call, signer).await?;
	Ok(json!({ "linked": accepted.identity, "account": accepted.account, "block": included.block }))
}

/// `link-nostr`: signs the NIP-01 link event with the Nostr key and submits it as the account.
pub async fn link_nostr(chain: &Chain, secret: &str, signer: &Keypair) -> Result<Value> {
	let secret: [u8; 32] = hex_array(secret).context("the Nostr secret key")?;
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

/// What `consent sign` is asked to sign.
pub struct ConsentRequest {
	pub allow: Vec<String>,
	pub deny: Vec<String>,
	pub refuse: Vec<String>,
	pub min_price: Option<u8>,
	pub identity: Option<String>,
	pub nonce: Option<u32>,
	pub expires_at: Option<u32>,
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

/// `pallet_consent::Restrictions`, for encoding and as JSON.
#[derive(Clone, Encode, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Restrictions {
	refused: Vec<Restriction>,
	min_price: u8,
}

/// `pallet_consent::Scope`, for encoding.
#[derive(Encode)]
enum Scope {
	Account,
	Identity(Identity),
}

/// `pallet_consent::RelayedStatement`, for encoding.
#[derive(Encode)]
struct Statement {
	account: [u8; 32],
	scope: Scope,
	decisions: Vec<(Purpose, Decision)>,
	restrictions: Option<Restrictions>,
	nonce: u32,
	expires_at: u32,
}

impl SignedStatement {
	fn statement(&self) -> Result<Statement> {
		Ok(Statement {
			account: account(&self.account)?.0,
			scope: self.identity.clone().map_or(Scope::Account, Scope::Identity),
			decisions: self.decisions.clone(),
			restrictions: self.restrictions.clone(),
			nonce: self.nonce,
			expires_at: self.expires_at,
		})
	}
}

fn signed_payload(genesis: [u8; 32], statement: &Statement) -> Vec<u8> {
	(RELAY_CONTEXT, genesis, statement).encode()
}

/// `consent sign`: what a person's wallet does, for a platform to relay.
pub async fn sign_consent(
	chain: &Chain,
	signer: &Keypair,
	request: ConsentRequest,
	out: &Path,
) -> Result<Value> {
	let who = chain::account_of(signer);
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
		let refused = request.refuse.iter().map(|name| restriction(name)).collect::<Result<_>>()?;
		let min_price = request.min_price.unwrap_or(0);
		if min_price >= PRICE_TIERS {
			bail!("--min-price {min_price}: a price tier is 0 (none) to {}", PRICE_TIERS - 1);
		}
		Some(Restrictions { refused, min_price })
	};
	if decisions.is_empty() && restrictions.is_none() {
		bail!("a statement needs at least one --allow, --deny, --refuse or --min-price");
	}
	let (nonce, expires_at) =
		nonce_and_expiry(chain, &who, request.nonce, request.expires_at).await?;
	let mut statement = SignedStatement {
		account: who.to_string(),
		identity: request.identity.as_deref().map(parse_identity).transpose()?,
		decisions,
		restrictions,
		nonce,
		expires_at,
		signature: String::new(),
	};
	let payload = signed_payload(chain.genesis_hash(), &statement.statement()?);
	statement.signature = format!("0x{}", hex::encode(signer.sign(&payload).0));
	write_json(out, &statement)
}

/// `consent relay`: submits a statement someone signed; the relayer pays the fee.
pub async fn relay_consent(chain: &Chain, file: &Path, signer: &Keypair) -> Result<Value> {
	let signed: SignedStatement = read_json(file, "a statement")?;
	let statement = signed.statement()?;
	let signature: [u8; 64] = hex_array(&signed.signature).context("the signature")?;
	let payload = signed_payload(chain.genesis_hash(), &statement);
	if !signed_by(signature, payload, &AccountId32(statement.account)) {
		bail!("the statement's signature does not verify for {} on this chain", signed.account);
	}
	let call = api::transactions().consent().relay_consent(
		chain::convert(&statement)?,
		api::runtime_types::sp_runtime::MultiSignature::Sr25519(signature),
	);
	let included = chain.submit(&call, signer).await?;
	Ok(json!({ "relayed": signed.account, "nonce": signed.nonce, "block": included.block }))
}

/// A price from the CLI's flags.
pub fn price(
	per_record: Option<u128>,
	flat: Option<u128>,
) -> Result<api::runtime_types::licentia_primitives::licensing::Price<u128>> {
	use api::runtime_types::licentia_primitives::licensing::Price;
	match (per_record, flat) {
		(Some(p), None) => Ok(Price::PerRecord(p)),
		(None, Some(f)) => Ok(Price::Flat(f)),
		_ => bail!("give exactly one of --per-record and --flat"),
	}
}

/// `offer`: registers the terms unless identical terms exist, then offers the platform's posts.
pub async fn offer(
	chain: &Chain,
	platform: PlatformId,
	terms_file: &Path,
	price: api::runtime_types::licentia_primitives::licensing::Price<u128>,
	signer: &Keypair,
) -> Result<Value> {
	let text = std::fs::read_to_string(terms_file)
		.with_context(|| format!("reading {}", terms_file.display()))?;
	let terms: Terms = serde_json::from_str(&text)
		.with_context(|| format!("{} is not terms (see docs/rpc.md)", terms_file.display()))?;
	let existing = chain.licentia().find_terms(terms.clone(), None).await.answer();
	let existing = existing.context("looking for identical registered terms")?;
	let terms_id = match existing {
		Some(id) => id,
		None => {
			let call = api::transactions().licensing().register_terms(chain::convert(&terms)?);
			let included = chain.submit(&call, signer).await?;
			included
				.events
				.find_first::<api::licensing::events::TermsRegistered>()
				.context("no TermsRegistered event")??
				.terms
		},
	};
	let call = api::transactions().licensing().create_offer(platform, terms_id, price);
	let included = chain.submit(&call, signer).await?;
	let created = included
		.events
		.find_first::<api::licensing::events::OfferCreated>()
		.context("no OfferCreated event")??;
	Ok(json!({ "offer": created.offer, "terms": terms_id, "block": included.block }))
}

/// One post's access decision, as `check-access` prints it.
#[derive(Serialize)]
struct Checked<'a> {
	#[serde(flatten)]
	post: &'a RegisteredPost,
	decision: Access,
}

/// `check-access`: asks the node whether each post may be served under `license`.
pub async fn check_access(
	chain: &Chain,
	license: LicenseId,
	purpose_name: &str,
	store: &Path,
	platform: Option<PlatformId>,
	files: &[std::path::PathBuf],
) -> Result<Value> {
	let purpose = purpose(purpose_name)?;
	let mut store = Store::open(store)?;
	let mut posts: Vec<RegisteredPost> = Vec::new();
	let mut unknown = Vec::new();
	if let Some(platform) = platform {
		let target = chain.target(platform, store.salt_key()?).await?;
		for file in files {
			for post in formats::read_file(&target, file)?.posts {
				match store.get(platform, &post.record.post)? {
					Some(registered) => posts.push(registered),
					None => unknown.push(post.record.post),
				}
			}
		}
	} else {
		posts = store.posts()?;
	}

	let progress = indicatif::ProgressBar::new(posts.len() as u64);
	let mut decisions = Vec::with_capacity(posts.len());
	for chunk in posts.chunks(MAX_ACCESS_BATCH) {
		let queries: Vec<AccessQuery> = chunk
			.iter()
			.map(|p| AccessQuery {
				license,
				purpose,
				batch: p.batch,
				post: p.post.clone(),
				index: p.index,
				proof: p.proof.clone(),
			})
			.collect();
		let answers = chain.licentia().check_access_batch(queries, None).await.answer();
		decisions.extend(answers.context("checking access")?);
		progress.inc(chunk.len() as u64);
	}
	progress.finish_and_clear();

	let mut tally = BTreeMap::<String, usize>::new();
	for decision in &decisions {
		let reason = match decision.reason {
			Some(reason) => serde_json::to_value(reason)?,
			None => json!("allowed"),
		};
		let reason = reason.as_str().context("a denial is named by a string")?;
		*tally.entry(reason.to_string()).or_default() += 1;
	}
	let checked: Vec<Checked> = posts
		.iter()
		.zip(decisions)
		.map(|(post, decision)| Checked { post, decision })
		.collect();
	Ok(json!({
		"license": license,
		"purpose": purpose,
		"tally": tally,
		"notInStore": unknown,
		"posts": checked,
	}))
}

/// `license`: the license as the chain shows it.
pub async fn license(chain: &Chain, id: LicenseId) -> Result<Value> {
	let license = chain.licentia().license(id, None).await.answer();
	Ok(serde_json::to_value(license.with_context(|| format!("reading license {id}"))?)?)
}

/// Revokes the store's posts with these source ids (every registered version of each), in
/// transactions of at most `MaxRevocationsPerCall` posts. Every id must be in the store.
pub async fn revoke(
	chain: &Chain,
	signer: &Keypair,
	store: &Path,
	platform: Option<PlatformId>,
	ids: &[String],
) -> Result<Value> {
	let mut store = Store::open(store)?;
	// The posts not known to be revoked, and how many posts (of any state) each id names.
	let (mut posts, mut matched, mut unknown) = (Vec::new(), 0, Vec::new());
	for id in ids {
		let registered = store.count_by_source(platform, id)?;
		if registered == 0 {
			unknown.push(id.as_str());
		}
		matched += registered;
		posts.extend(store.withdrawn(platform, &Withdrawal::Post(id.clone()))?);
	}
	if !unknown.is_empty() {
		bail!("not registered through this store: {}", unknown.join(", "));
	}
	let summary = revoke_posts(chain, signer, &mut store, &posts).await?;
	Ok(json!({
		"posts": matched,
		"revoked": summary.revoked,
		"alreadyRevoked": matched - summary.revoked,
		"transactions": summary.transactions,
		"fees": summary.fees.to_string(),
	}))
}

/// What [`revoke_posts`] did.
#[derive(Debug, Default)]
pub struct Revoked {
	/// Posts the chain revoked now (the others were revoked already).
	pub revoked: usize,
	/// Transactions submitted.
	pub transactions: usize,
	/// Their fees, in planck.
	pub fees: u128,
}

/// Revokes `posts` on chain, at most `MaxRevocationsPerCall` per transaction, and records them
/// as revoked in the store.
pub async fn revoke_posts(
	chain: &Chain,
	signer: &Keypair,
	store: &mut Store,
	posts: &[RegisteredPost],
) -> Result<Revoked> {
	let mut summary = Revoked::default();
	let max = chain.constant(&api::constants().content().max_revocations_per_call()).await?;
	for chunk in posts.chunks(max.max(1) as usize) {
		// `PostWithProof`'s fields, in order: SCALE encodes a struct as its fields.
		let items: Vec<_> = chunk.iter().map(|p| (p.batch, &p.post, p.index, &p.proof)).collect();
		let call = api::transactions().content().revoke_posts(chain::convert(&items)?);
		let included = chain.submit(&call, signer).await?;
		summary.revoked += included.events.find::<api::content::events::PostRevoked>().count();
		summary.transactions += 1;
		summary.fees += included.fee().unwrap_or_default();
		store.mark_revoked(chunk)?;
	}
	Ok(summary)
}

/// `claim`: pays out the signer's rewards, or `beneficiary`'s (`claim_for`, the signer paying
/// the fee). `fee` is null when the claim was free.
pub async fn claim(chain: &Chain, signer: &Keypair, beneficiary: Option<&str>) -> Result<Value> {
	let who = match beneficiary {
		Some(ss58) => account(ss58)?,
		None => chain::account_of(signer),
	};
	let pending = chain.licentia().pending_rewards(chain::primitive_account(&who), None).await;
	let pending = pending.answer().context("reading the pending rewards")?;
	if pending == "0" {
		bail!(
			"{who} is owed nothing now: rewards come from sales of licenses that cover its posts \
			 (or its platform's share); nothing was submitted"
		);
	}
	let included = match beneficiary {
		Some(_) => {
			let call = api::transactions().licensing().claim_for(who);
			chain.submit(&call, signer).await?
		},
		None => chain.submit(&api::transactions().licensing().claim(), signer).await?,
	};
	let claimed = included
		.events
		.find_first::<api::licensing::events::RewardsClaimed>()
		.context("no RewardsClaimed event")??;
	Ok(json!({
		"account": who.to_string(),
		"pendingBefore": pending,
		"claimed": claimed.amount.to_string(),
		"fee": included.fee().map(|fee| fee.to_string()),
		"block": included.block,
	}))
}
