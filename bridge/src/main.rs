//! # licentia-bridge
//!
//! The command-line bridge between a social platform and a Licentia node: it registers the
//! opted-in posts of a platform's exports, attests identity links, relays consent statements,
//! checks access for a license holder, and claims rewards. See `bridge/README.md`.

mod activate;
mod chain;
mod commands;
mod follow;
mod formats;
#[cfg(test)]
mod fuzz;
mod gateway;
mod ingest;
mod metrics;
mod scrub;
mod store;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "licentia-bridge", version, about, long_about = None)]
struct Cli {
	/// The node's WebSocket JSON-RPC endpoint.
	#[arg(long, global = true, env = "LICENTIA_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Print the result as one JSON document on stdout (progress and warnings go to stderr).
	#[arg(long, global = true)]
	json: bool,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Registers the opted-in posts of platform exports and records them, with their proofs, in
	/// the store.
	///
	/// Formats (by the platform's kind): Bluesky Jetstream JSON lines; Mastodon statuses (REST
	/// API JSON) or an account archive's outbox.json; Nostr NIP-01 events or relay messages (ids
	/// and signatures are checked); X posts (API v2 JSON, pages one per line) or an account
	/// archive's data/tweets.js. Only public, original posts. Rerunning it resumes: posts in the
	/// store are skipped; what the exports delete is revoked.
	Ingest {
		/// The platform's id on chain.
		#[arg(long)]
		platform: u32,
		/// The platform operator's key (for Nostr: the events' author's account).
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// The bridge's store (an SQLite file): registered posts with their proofs and content.
		#[arg(long, env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
		store: PathBuf,
		/// At most this many posts per batch.
		#[arg(long, default_value_t = 65_536)]
		batch_posts: u32,
		/// At most this many batches submitted and not yet finalized (1: one at a time).
		#[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
		in_flight: u16,
		/// Read, filter and report, but register nothing.
		#[arg(long)]
		dry_run: bool,
		/// Register, but do not wait for the batches' challenge windows to activate them (run
		/// `activate` later: until then their posts neither earn nor can be licensed).
		#[arg(long)]
		no_activate: bool,
		/// The export files.
		#[arg(required = true)]
		files: Vec<PathBuf>,
	},
	/// Activates the store's platform batches whose challenge windows have ended: their posts
	/// then count for their authors and can be licensed. Anyone may activate a batch.
	Activate {
		/// The key that signs the activations (any funded account).
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// The store whose batches to activate.
		#[arg(long, env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
		store: PathBuf,
		/// Wait for every pending batch's window to end, instead of skipping those still open.
		#[arg(long)]
		wait: bool,
	},
	/// Signs a person's acceptance that a platform links one of their identities to their
	/// account (what their wallet does) and writes it to a file for the operator.
	AcceptLink {
		/// The person's key.
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// The platform's id on chain.
		#[arg(long)]
		platform: u32,
		/// `bluesky:did:plc:...`, `mastodon:user@instance` or `x:<user id>`.
		#[arg(long)]
		identity: String,
		/// The account's current relay nonce (default: asked from the node).
		#[arg(long)]
		nonce: Option<u32>,
		/// The last block the acceptance may be used in (default: 14,400 blocks from now).
		#[arg(long)]
		expires_at: Option<u32>,
		/// Where to write the signed acceptance.
		#[arg(long)]
		out: PathBuf,
	},
	/// Attests that a platform identity belongs to an account (as the platform's operator),
	/// with the account's acceptance (`accept-link`).
	Link {
		/// The signed acceptance, as `accept-link` writes it.
		#[arg(long)]
		acceptance: PathBuf,
		/// The operator's key.
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
	},
	/// Links a Nostr key to the signer's account: signs the link event with the Nostr secret
	/// key, locally, and submits it.
	LinkNostr {
		/// The Nostr secret key, hex (or set LICENTIA_NOSTR_SECRET).
		#[arg(long, env = "LICENTIA_NOSTR_SECRET", hide_env_values = true)]
		nostr_secret: String,
		/// The account's key.
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
	},
	/// Consent statements signed by a person off chain and relayed by a platform.
	#[command(subcommand)]
	Consent(ConsentCommand),
	/// Registers terms (if new) and offers the platform's posts under them.
	Offer {
		/// The platform's id on chain.
		#[arg(long)]
		platform: u32,
		/// The terms, as JSON (see docs/rpc.md, "Terms").
		#[arg(long)]
		terms: PathBuf,
		/// The price per licensed record, in planck.
		#[arg(long, conflicts_with = "flat", required_unless_present = "flat")]
		per_record: Option<u128>,
		/// A flat price, in planck.
		#[arg(long)]
		flat: Option<u128>,
		/// The operator's key.
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
	},
	/// Checks whether posts may be served under a license: every post of the store, or those of
	/// the given export files.
	CheckAccess {
		/// The license.
		#[arg(long)]
		license: u64,
		/// What the records are served for: aiTraining, generativeAiTraining, aiInference,
		/// searchIndexing, research.
		#[arg(long, default_value = "aiTraining")]
		purpose: String,
		/// The store that holds the posts' proofs.
		#[arg(long, env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
		store: PathBuf,
		/// With export files: the platform they come from.
		#[arg(long, requires = "files")]
		platform: Option<u32>,
		/// Export files whose posts to check (default: every post of the store).
		files: Vec<PathBuf>,
	},
	/// Withdraws registered posts: deleted, edited away or made private at the source. Each is
	/// revoked on chain (`content.revokePosts`, as many per transaction as the chain allows), so
	/// access checks refuse it from then on and license holders find it in their revocation
	/// feed. Posts revoked already are skipped, so a run can be repeated.
	Revoke {
		/// The platform operator's key (or the posts' author's).
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// The store that holds the posts' proofs.
		#[arg(long, env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
		store: PathBuf,
		/// Only posts of this platform (ids of two platforms can coincide).
		#[arg(long)]
		platform: Option<u32>,
		/// The posts, by their ids at the source: an X post id, a Bluesky `at://` URI, a
		/// Mastodon status URI, a Nostr event id (hex).
		#[arg(required = true)]
		ids: Vec<String>,
	},
	/// Follows a platform's live source for as long as it runs: registers what opted-in people
	/// post, in batches collected over `--window`, and revokes what they delete, edit or take
	/// down. Stops cleanly on SIGTERM or Ctrl-C and resumes where it stopped.
	Follow {
		/// The platform's id on chain.
		#[arg(long)]
		platform: u32,
		/// The platform operator's key (Nostr: the account the author's keys are linked to).
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// The bridge's store.
		#[arg(long, env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
		store: PathBuf,
		/// The source: for Bluesky, a Jetstream endpoint
		/// (`wss://jetstream2.us-east.bsky.network/subscribe`); for Mastodon, the instance
		/// (`https://social.example`); for X, the filtered stream
		/// (`https://api.x.com/2/tweets/search/stream`) and, repeated, compliance stream
		/// partitions (`https://api.x.com/2/tweets/compliance/stream?partition=1`); for Nostr, a
		/// relay (repeat `--source` for several), followed for the Nostr keys linked to the
		/// signer's account.
		#[arg(long = "source", required = true)]
		sources: Vec<String>,
		/// The bearer token the source wants: X's app token; a Mastodon access token, if the
		/// instance's public timeline needs one.
		#[arg(long, env = "LICENTIA_SOURCE_TOKEN", hide_env_values = true)]
		token: Option<String>,
		/// Posts are collected this many seconds before they are batched (an author's posts of a
		/// window share their batch entry).
		#[arg(long, default_value_t = 30)]
		window: u64,
		/// At most this many posts per batch.
		#[arg(long, default_value_t = 65_536)]
		batch_posts: u32,
		/// Serve Prometheus metrics on this port (0: none).
		#[arg(long, default_value_t = 9616)]
		metrics_port: u16,
		/// Serve metrics on every interface, not only 127.0.0.1.
		#[arg(long)]
		metrics_external: bool,
	},
	/// Lists the store's registered posts with their proofs (what `licentia_checkAccess` takes).
	Posts {
		/// The store.
		#[arg(long, env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
		store: PathBuf,
	},
	/// Serves licensed records to license holders: the platform's data gateway (HTTP), reading
	/// the store; see docs/gateway.md.
	Serve {
		/// The platform's id on chain.
		#[arg(long)]
		platform: u32,
		/// The platform operator's key: it records deliveries on chain.
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// The bridge's store.
		#[arg(long, env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
		store: PathBuf,
		/// Where to listen.
		#[arg(long, default_value = "127.0.0.1:8088")]
		listen: std::net::SocketAddr,
		/// Requests per second allowed per license.
		#[arg(long, default_value_t = 20)]
		rate: u32,
	},
	/// Shows a license.
	License {
		/// The license's id.
		id: u64,
	},
	/// Claims the signer's rewards (contributors' shares and platforms' shares of sales), or
	/// with --for another account's, paying the fee for it. A contributor's claim is free once a
	/// day when it pays at least the existential deposit.
	Claim {
		/// The claimant's key (with --for: whoever pays the fee).
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// The account to pay (SS58), when it is not the signer's: `licensing.claim_for`.
		#[arg(long = "for")]
		beneficiary: Option<String>,
	},
}

#[derive(Subcommand)]
enum ConsentCommand {
	/// Signs a consent statement (what a person's wallet does) and writes it to a file.
	Sign {
		/// The person's key.
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
		/// Purposes to allow, comma-separated.
		#[arg(long, value_delimiter = ',')]
		allow: Vec<String>,
		/// Purposes to deny, comma-separated.
		#[arg(long, value_delimiter = ',')]
		deny: Vec<String>,
		/// Conditions to refuse, comma-separated (noCommercialUse, anonymisationRequired,
		/// noModelWeights, noRedistribution). With --min-price, these replace the scope's
		/// restrictions; without either, they stay as they are.
		#[arg(long, value_delimiter = ',')]
		refuse: Vec<String>,
		/// The minimum price tier (0: none; 1 to 3: the chain's `PriceFloors`).
		#[arg(long)]
		min_price: Option<u8>,
		/// Apply to one identity only (default: every identity of the account).
		#[arg(long)]
		identity: Option<String>,
		/// The account's next relay nonce (default: asked from the node).
		#[arg(long)]
		nonce: Option<u32>,
		/// The last block the statement may be included in (default: 14,400 blocks from now).
		#[arg(long)]
		expires_at: Option<u32>,
		/// Where to write the signed statement.
		#[arg(long)]
		out: PathBuf,
	},
	/// Submits a signed statement (the relayer pays the fee).
	Relay {
		/// The signed statement, as `consent sign` writes it.
		#[arg(long)]
		statement: PathBuf,
		/// The relayer's key.
		#[arg(long, env = "LICENTIA_SIGNER", hide_env_values = true)]
		signer: String,
	},
}

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(error) = run(cli).await {
		eprintln!("error: {error:#}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> Result<()> {
	// Commands that need only the store.
	let offline = match &cli.command {
		Command::Posts { store } => Some(posts(store)?),
		_ => None,
	};
	if let Some(output) = offline {
		return print(cli.json, &output);
	}
	let chain = chain::Chain::connect(&cli.url).await?;
	let output = match cli.command {
		Command::Ingest {
			platform,
			signer,
			store,
			batch_posts,
			in_flight,
			dry_run,
			no_activate,
			files,
		} => {
			let in_flight = usize::from(in_flight);
			let options = ingest::Options {
				platform,
				files,
				store,
				batching: ingest::Batching { batch_posts, in_flight },
				dry_run,
				activate: !no_activate,
			};
			let summary = ingest::run(&chain, &chain::keypair(&signer)?, &options).await?;
			serde_json::to_value(summary)?
		},
		Command::Activate { signer, store, wait } => {
			let mut store = store::Store::open(&store)?;
			let signer = chain::keypair(&signer)?;
			serde_json::to_value(activate::run(&chain, &signer, &mut store, None, wait).await?)?
		},
		Command::AcceptLink { signer, platform, identity, nonce, expires_at, out } => {
			let signer = chain::keypair(&signer)?;
			commands::accept_link(&chain, &signer, platform, &identity, nonce, expires_at, &out)
				.await?
		},
		Command::Link { acceptance, signer } => {
			commands::link(&chain, &acceptance, &chain::keypair(&signer)?).await?
		},
		Command::LinkNostr { nostr_secret, signer } => {
			commands::link_nostr(&chain, &nostr_secret, &chain::keypair(&signer)?).await?
		},
		Command::Consent(ConsentCommand::Sign {
			signer,
			allow,
			deny,
			refuse,
			min_price,
			identity,
			nonce,
			expires_at,
			out,
		}) => {
			let statement = commands::ConsentRequest {
				allow,
				deny,
				refuse,
				min_price,
				identity,
				nonce,
				expires_at,
			};
			commands::sign_consent(&chain, &chain::keypair(&signer)?, statement, &out).await?
		},
		Command::Consent(ConsentCommand::Relay { statement, signer }) => {
			commands::relay_consent(&chain, &statement, &chain::keypair(&signer)?).await?
		},
		Command::Offer { platform, terms, per_record, flat, signer } => {
			let price = commands::price(per_record, flat)?;
			commands::offer(&chain, platform, &terms, price, &chain::keypair(&signer)?).await?
		},
		Command::CheckAccess { license, purpose, store, platform, files } => {
			commands::check_access(&chain, license, &purpose, &store, platform, &files).await?
		},
		Command::Revoke { signer, store, platform, ids } => {
			let signer = chain::keypair(&signer)?;
			commands::revoke(&chain, &signer, &store, platform, &ids).await?
		},
		Command::Follow {
			platform,
			signer,
			store,
			sources,
			token,
			window,
			batch_posts,
			metrics_port,
			metrics_external,
		} => {
			let options = follow::Options {
				platform,
				store,
				sources,
				token,
				window: std::time::Duration::from_secs(window),
				batching: ingest::Batching { batch_posts, in_flight: 4 },
				metrics: (metrics_port != 0).then(|| {
					let ip = if metrics_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
					std::net::SocketAddr::from((ip, metrics_port))
				}),
				url: cli.url.clone(),
			};
			serde_json::to_value(follow::run(chain, chain::keypair(&signer)?, options).await?)?
		},
		// Answered above, without a node.
		Command::Posts { store } => posts(&store)?,
		Command::Serve { platform, signer, store, listen, rate } => {
			let options = gateway::Options { platform, store, listen, url: cli.url.clone(), rate };
			gateway::run(chain, chain::keypair(&signer)?, options).await?;
			serde_json::json!({ "stopped": true })
		},
		Command::License { id } => commands::license(&chain, id).await?,
		Command::Claim { signer, beneficiary } => {
			commands::claim(&chain, &chain::keypair(&signer)?, beneficiary.as_deref()).await?
		},
	};
	print(cli.json, &output)
}

/// `posts`: the store's registered posts with their proofs.
fn posts(store: &std::path::Path) -> Result<serde_json::Value> {
	Ok(serde_json::to_value(store::Store::open(store)?.posts()?)?)
}

fn print(json: bool, output: &serde_json::Value) -> Result<()> {
	if json {
		println!("{output}");
	} else {
		println!("{}", serde_json::to_string_pretty(output)?);
	}
	Ok(())
}
