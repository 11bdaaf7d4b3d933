//! `ingest`: from a platform export to registered batches, recorded with their proofs in the
//! store ([`crate::store`]).
//!
//! 1. Read the export ([`formats`]): posts, rejections (with reasons), skipped items.
//! 2. Settle batches a previous run left pending; drop posts the store already has.
//! 3. Ask the node about each author (`licentia_identityConsent`): only authors linked through
//!    this platform (for Nostr: to the signer's account) who allow some purpose are registered.
//! 4. Keep the posts a platform batch can hold: those with an order key (X and Mastodon ids,
//!    Bluesky TIDs) above their author's high-water mark on chain, one per key.
//! 5. Batch: authors in ascending order, each author's posts in ascending order key (the layout
//!    the chain's fraud proofs check), at most the chain's `MaxContributorsPerBatch` authors and
//!    `--batch-posts` posts per batch (Nostr: `MaxNostrEvents` events, ascending ids).
//! 6. For each batch: write it to the store as pending, sign and submit it (up to
//!    `--in-flight` at once, consecutive nonces), wait for its finality, and write every
//!    post's index and proof.
//! 7. Unless `--no-activate`: wait for the batches' challenge windows to end and activate them
//!    ([`crate::activate`]).

use crate::{
	chain::Chain,
	cli, formats,
	post::{Target, Withdrawal},
	store::Store,
};
use anyhow::{Context, Result};
use licentia_primitives::{
	consent::{PlatformId, PlatformKind},
	content::BatchId,
};
use serde_json::Value;
use std::{collections::BTreeSet, path::PathBuf};
use subxt_signer::sr25519::Keypair;

use super::{register, submit, Batching, Summary};
use indicatif::{ProgressBar, ProgressStyle};

/// `ingest`, from its arguments.
pub async fn command(chain: &Chain, args: cli::Ingest) -> Result<Value> {
	let options = Options {
		platform: args.platform.id,
		files: args.files,
		store: args.store.path,
		batching: Batching {
			batch_posts: args.batch_posts,
			in_flight: usize::from(args.in_flight),
		},
		dry_run: args.dry_run,
		activate: !args.no_activate,
	};
	Ok(serde_json::to_value(run(chain, &args.signer.keypair()?, &options).await?)?)
}

/// What `ingest` does.
pub struct Options {
	/// The platform the posts are registered through.
	pub platform: PlatformId,
	/// The export files.
	pub files: Vec<PathBuf>,
	/// The store.
	pub store: PathBuf,
	/// How batches are cut and submitted.
	pub batching: Batching,
	/// Read and filter, but do not submit.
	pub dry_run: bool,
	/// Wait for the registered batches' challenge windows and activate them.
	pub activate: bool,
}

/// Runs `ingest`.
pub async fn run(chain: &Chain, signer: &Keypair, options: &Options) -> Result<Summary> {
	let mut store = Store::open(&options.store)?;
	let target = chain.target(options.platform, store.salt_key()?).await?;
	let mut summary = Summary::default();
	let mut posts = Vec::new();
	let mut withdrawals = Vec::new();
	let mut nostr_deletions = Vec::new();
	let mut status_deletions = Vec::new();
	for file in &options.files {
		let export = formats::read_file(&target, file)?;
		export.check_platform(&target).with_context(|| file.display().to_string())?;
		summary.skipped += export.skipped
			+ export.withdrawals.len()
			+ export.nostr_deletions.len()
			+ export.status_deletions.len();
		summary.rejected.extend(
			export
				.rejected
				.iter()
				.map(|r| format!("{}: {}: {}", file.display(), r.position, r.reason)),
		);
		posts.extend(export.posts);
		withdrawals.extend(export.withdrawals.into_iter().map(|(_, withdrawal, _)| withdrawal));
		nostr_deletions.extend(export.nostr_deletions);
		status_deletions.extend(export.status_deletions);
	}
	summary.posts = posts.len();
	const SHOWN: usize = 10;
	for rejection in summary.rejected.iter().take(SHOWN) {
		eprintln!("rejected: {rejection}");
	}
	if summary.rejected.len() > SHOWN {
		eprintln!(
			"... and {} more rejected (all in the JSON summary)",
			summary.rejected.len() - SHOWN
		);
	}

	if !options.dry_run {
		submit::settle_pending(chain, signer, &mut store, &mut summary).await?;
	}
	let progress = ProgressBar::new(0).with_style(
		ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} posts ({elapsed})")
			.expect("a valid template")
			.progress_chars("=> "),
	);
	progress.set_message("registering");
	let batching = (!options.dry_run).then_some(options.batching);
	register::register(
		chain,
		signer,
		&target,
		&mut store,
		posts,
		batching,
		&mut summary,
		&progress,
	)
	.await?;
	progress.finish_with_message("registered");
	summary.store_posts = store.len()?;
	if options.activate && !options.dry_run && target.kind != PlatformKind::Nostr {
		let batches: BTreeSet<BatchId> = summary.batches.iter().copied().collect();
		summary.activated = super::activate::run(chain, signer, &mut store, Some(&batches), true)
			.await?
			.activated;
	}
	// A Nostr deletion withdraws only its own key's events (NIP-09), once they are registered.
	for (ids, by) in nostr_deletions {
		for id in ids {
			if store.source_author(target.id, &id)?.as_ref() == Some(&by) {
				withdrawals.push(Withdrawal::Post(id));
			}
		}
	}
	// A Mastodon streaming deletion names the status id only.
	for status in status_deletions {
		if let Some(uri) = store.status_uri(target.id, &status)? {
			withdrawals.push(Withdrawal::Post(uri));
		}
	}
	if !options.dry_run {
		withdraw(chain, signer, &target, &mut store, &withdrawals, &mut summary).await?;
	}
	Ok(summary)
}

/// Revokes the registered posts the exports withdrew (posts of batches not active yet wait).
pub(super) async fn withdraw(
	chain: &Chain,
	signer: &Keypair,
	target: &Target,
	store: &mut Store,
	withdrawals: &[Withdrawal],
	summary: &mut Summary,
) -> Result<()> {
	let mut revoke = Vec::new();
	for withdrawal in withdrawals {
		if store.withdrawal_pending(target.id, withdrawal)? {
			summary.withdrawals_waiting += 1;
			continue;
		}
		revoke.extend(store.withdrawn(Some(target.id), withdrawal)?);
	}
	if !revoke.is_empty() {
		summary.revoked = super::revoke::revoke_posts(chain, signer, store, &revoke).await?.revoked;
	}
	Ok(())
}
