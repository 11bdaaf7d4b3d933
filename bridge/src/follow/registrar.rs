//! The registrar: every few seconds, registers what has waited a window, revokes what was
//! withdrawn, unlinks deleted accounts and activates batches.

use crate::{
	chain::{self, api, Chain},
	content::{self, activate, register, revoke, submit, Batching},
	metrics::Metrics,
	post::{Target, Withdrawal},
	store::{self, Store},
};
use anyhow::{Context, Result};
use licentia_primitives::consent::{Identity, PlatformKind};
use serde::Serialize;
use std::time::Duration;
use subxt_signer::sr25519::Keypair;

/// What `follow` did, printed when it stops.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
	/// Posts registered.
	pub registered: usize,
	/// Posts revoked.
	pub revoked: usize,
	/// Batches registered.
	pub batches: usize,
	/// Rounds that failed talking to the chain (retried).
	pub chain_errors: usize,
	/// Posts still queued at the stop.
	pub queued: usize,
}

/// When queued posts are registered, and how.
#[derive(Clone, Copy)]
pub(super) struct Pace {
	/// How long a post waits in the queue before it is batched.
	pub(super) window: Duration,
	/// How batches are cut and submitted.
	pub(super) batching: Batching,
}

/// One round of the registrar.
pub(super) async fn round(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	store: &mut Store,
	Pace { window, batching }: Pace,
	metrics: &Metrics,
	summary: &mut Summary,
) -> Result<()> {
	// A batch the last round left in flight (it lost the node) is on chain or never will be:
	// settled first, so that its posts are recorded, or queued posts batched again.
	if !store.pending()?.is_empty() {
		let mut settled = content::Summary::default();
		submit::settle_pending(chain, signer, store, &mut settled).await?;
		metrics.registered.inc_by(settled.registered as u64);
		summary.registered += settled.registered;
		summary.batches += settled.batches.len();
	}

	let withdrawals = store.withdrawals()?;
	for (platform, withdrawal, reason) in &withdrawals {
		let dropped = store.withdraw_queued(*platform, withdrawal)?;
		metrics.skipped.with_label_values(&[reason.as_str()]).inc_by(dropped as u64);
	}

	let due = store.queued(store::now() - window.as_secs() as i64)?;
	metrics.queued.set(store.queue_len()? as u64);
	if !due.is_empty() {
		let mut registration = content::Summary::default();
		let hidden = indicatif::ProgressBar::hidden();
		metrics.batches_in_flight.set(1);
		let registered = register::register(
			chain,
			signer,
			target,
			store,
			due.clone(),
			Some(batching),
			&mut registration,
			&hidden,
		)
		.await;
		metrics.batches_in_flight.set(0);
		// Posts registered so far are in the store whatever happened; the others stay queued.
		metrics.registered.inc_by(registration.registered as u64);
		summary.registered += registration.registered;
		summary.batches += registration.batches.len();
		registered?;
		for (reason, count) in &registration.not_opted_in {
			metrics.skipped.with_label_values(&[label(reason)]).inc_by(*count as u64);
		}
		let skipped = metrics.skipped.clone();
		skipped
			.with_label_values(&["outOfOrder"])
			.inc_by(registration.out_of_order as u64);
		skipped
			.with_label_values(&["alreadyRegistered"])
			.inc_by(registration.already_registered as u64);
		// Notes beyond their keys' allowance stay queued for the next period.
		let due: Vec<_> = due
			.into_iter()
			.filter(|post| !registration.deferred_posts.contains(post))
			.collect();
		store.dequeue(&due)?;
		metrics.queued.set(store.queue_len()? as u64);
		if registration.registered > 0 {
			eprintln!(
				"registered {} posts in batches {:?}",
				registration.registered, registration.batches
			);
		}
	}

	// Batches whose challenge windows ended count from now on (and their posts can be revoked).
	if target.kind != PlatformKind::Nostr {
		activate::run(chain, signer, store, None, false).await?;
	}

	// Withdrawals of registered posts; those in a batch not active yet wait for it.
	let mut revoke = Vec::new();
	let mut reasons = Vec::new();
	let mut done = Vec::new();
	let mut unlink = Vec::new();
	for (platform, withdrawal, reason) in withdrawals {
		if store.withdrawal_pending(platform, &withdrawal)? {
			continue;
		}
		let posts = store.withdrawn(Some(platform), &withdrawal)?;
		reasons.push((reason, posts.len()));
		revoke.extend(posts);
		if let Withdrawal::Author(author) = &withdrawal {
			unlink.push(author.clone());
		}
		done.push((platform, withdrawal));
	}
	if !revoke.is_empty() {
		let revoked = revoke::revoke_posts(chain, signer, store, &revoke).await?;
		for (reason, posts) in reasons {
			metrics.revoked.with_label_values(&[reason.as_str()]).inc_by(posts as u64);
		}
		summary.revoked += revoked.revoked;
		eprintln!(
			"revoked {} posts ({} already revoked)",
			revoked.revoked,
			revoke.len() - revoked.revoked
		);
	}
	for author in unlink {
		unlink_identity(chain, signer, target, author).await?;
	}
	for (platform, withdrawal) in done {
		store.withdrawal_done(platform, &withdrawal)?;
	}
	Ok(())
}

/// The metric label of a reason `ingest` gives for leaving an author's posts out.
pub(super) fn label(reason: &str) -> &str {
	match reason {
		"not linked to an account" => "notLinked",
		"linked through another platform" => "linkedElsewhere",
		"allows no purpose" => "allowsNothing",
		"a Nostr key linked to another account than the signer" => "otherAccount",
		other => other,
	}
}

/// Unlinks an identity whose account is gone at the source, if it is linked through `target`.
pub(super) async fn unlink_identity(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	author: Identity,
) -> Result<()> {
	use licentia_rpc::LicentiaApiClient;
	let consent = chain.licentia().identity_consent(author.clone(), None).await;
	let Ok((_, consent)) = consent.map_err(|_| ()) else { return Ok(()) };
	if consent.platform != target.id {
		return Ok(());
	}
	let call = api::transactions().consent().unlink_identity(chain::convert(&author)?);
	chain
		.submit(&call, signer)
		.await
		.context("unlinking an account gone at the source")?;
	eprintln!("unlinked {}", serde_json::to_string(&author)?);
	Ok(())
}

/// The Nostr keys linked to the signer's account: whose notes a Nostr follower registers.
pub(super) async fn nostr_keys(chain: &Chain, signer: &Keypair) -> Result<Vec<[u8; 32]>> {
	use licentia_rpc::LicentiaApiClient;
	let account = chain::primitive_account(&chain::account_of(signer));
	let consent = chain.licentia().account_consent(account, None).await;
	let consent =
		crate::chain::Answer::answer(consent).context("reading the signer's identities")?;
	Ok(consent
		.identities
		.into_iter()
		.filter_map(|linked| match linked.identity {
			Identity::Nostr(key) => Some(key),
			_ => None,
		})
		.collect())
}
