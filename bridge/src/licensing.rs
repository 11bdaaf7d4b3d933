//! The licensing commands: offers, access checks, licenses and claims.

use crate::{
	chain::{self, api, Answer, Chain},
	cli, formats,
	parse::{account, purpose},
	store::{RegisteredPost, Store},
};
use anyhow::{bail, Context, Result};
use licentia_primitives::licensing::{AccessQuery, LicenseId, Terms};
use licentia_rpc::{Access, LicentiaApiClient, MAX_ACCESS_BATCH};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A price from the CLI's flags.
fn price(
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
pub async fn offer(chain: &Chain, args: cli::Offer) -> Result<Value> {
	let price = price(args.per_record, args.flat)?;
	let (signer, terms_file) = (&args.signer.keypair()?, &args.terms);
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
	let call = api::transactions().licensing().create_offer(args.platform.id, terms_id, price);
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
pub async fn check_access(chain: &Chain, args: cli::CheckAccess) -> Result<Value> {
	let cli::CheckAccess { license, purpose: purpose_name, store, platform, files } = args;
	let purpose = purpose(&purpose_name)?;
	let mut store = Store::open(&store.path)?;
	let mut posts: Vec<RegisteredPost> = Vec::new();
	let mut unknown = Vec::new();
	if let Some(platform) = platform {
		let target = chain.target(platform, store.salt_key()?).await?;
		for file in &files {
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

/// `claim`: pays out the signer's rewards, or `beneficiary`'s (`claim_for`, the signer paying
/// the fee). `fee` is null when the claim was free.
pub async fn claim(chain: &Chain, args: cli::Claim) -> Result<Value> {
	let signer = &args.signer.keypair()?;
	let who = match args.beneficiary.as_deref() {
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
	let included = match args.beneficiary {
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
