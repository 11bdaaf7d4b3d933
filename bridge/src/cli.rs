//! The command line: every command's arguments, and nothing else. The arguments several commands
//! share (the signer, the store, the platform) are defined once and flattened into each; each
//! command's module takes its arguments as one value (`main.rs` only dispatches).

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use subxt_signer::sr25519::Keypair;

#[derive(Parser)]
#[command(name = "licentia-bridge", version, about, long_about = None)]
pub struct Cli {
	/// The node's WebSocket JSON-RPC endpoint.
	#[arg(long, global = true, env = "LICENTIA_URL", default_value = "ws://127.0.0.1:9944")]
	pub url: String,
	/// Print the result as one JSON document on stdout (progress and warnings go to stderr).
	#[arg(long, global = true)]
	pub json: bool,
	#[command(subcommand)]
	pub command: Command,
}

/// The key that signs a command's transactions or statements.
#[derive(Args, Clone)]
pub struct Signer {
	/// The signing key: a secret URI (`//Alice`, a mnemonic with an optional `//derivation`, or
	/// `0x` and a 32-byte seed). Whose key it must be is said in the command's help.
	#[arg(long = "signer", env = "LICENTIA_SIGNER", hide_env_values = true)]
	pub uri: String,
}

impl Signer {
	/// The key pair the URI names.
	pub fn keypair(&self) -> Result<Keypair> {
		crate::chain::keypair(&self.uri)
	}
}

/// The bridge's store.
#[derive(Args, Clone)]
pub struct Store {
	/// The bridge's store (an SQLite file): registered posts with their proofs and content.
	#[arg(long = "store", env = "LICENTIA_STORE", default_value = "licentia-bridge.db")]
	pub path: PathBuf,
}

/// The platform a command acts for.
#[derive(Args, Clone, Copy)]
pub struct Platform {
	/// The platform's id on chain.
	#[arg(long = "platform")]
	pub id: u32,
}

#[derive(Subcommand)]
pub enum Command {
	/// Registers the opted-in posts of platform exports and records them, with their proofs, in
	/// the store.
	///
	/// Formats (by the platform's kind): Bluesky Jetstream JSON lines or a repository export
	/// (CAR); Mastodon statuses (REST API JSON) or an account archive's outbox.json; Nostr NIP-01
	/// events or relay messages (ids and signatures are checked); X posts (API v2 JSON, pages one
	/// per line) or an account archive's data/tweets.js. Only public, original posts. Rerunning it
	/// resumes: posts in the store are skipped; what the exports delete is revoked. The signer is
	/// the platform operator's key (for Nostr: the events' author's account).
	Ingest(Ingest),
	/// Activates the store's platform batches whose challenge windows have ended: their posts
	/// then count for their authors and can be licensed. Anyone may activate a batch (the signer
	/// is any funded account).
	Activate(Activate),
	/// Signs a person's acceptance that a platform links one of their identities to their
	/// account (what their wallet does; the signer is the person's key) and writes it to a file
	/// for the operator.
	AcceptLink(AcceptLink),
	/// Attests that a platform identity belongs to an account (the signer is the platform's
	/// operator), with the account's acceptance (`accept-link`).
	Link(Link),
	/// Links a Nostr key to the signer's account: signs the link event with the Nostr secret
	/// key, locally, and submits it.
	LinkNostr(LinkNostr),
	/// Consent statements signed by a person off chain and relayed by a platform.
	#[command(subcommand)]
	Consent(Consent),
	/// Registers terms (if new) and offers the platform's posts under them (the signer is the
	/// platform's operator).
	Offer(Offer),
	/// Checks whether posts may be served under a license: every post of the store, or those of
	/// the given export files.
	CheckAccess(CheckAccess),
	/// Withdraws registered posts: deleted, edited away or made private at the source. Each is
	/// revoked on chain (`content.revokePosts`, as many per transaction as the chain allows), so
	/// access checks refuse it from then on and license holders find it in their revocation
	/// feed. Posts revoked already are skipped, so a run can be repeated. The signer is the
	/// platform operator's key (or the posts' author's).
	Revoke(Revoke),
	/// Follows a platform's live source for as long as it runs: registers what opted-in people
	/// post, in batches collected over `--window`, and revokes what they delete, edit or take
	/// down. Stops cleanly on SIGTERM or Ctrl-C and resumes where it stopped. The signer is the
	/// platform operator's key (Nostr: the account the authors' keys are linked to).
	Follow(Follow),
	/// Lists the store's registered posts with their proofs (what `licentia_checkAccess` takes).
	Posts(Store),
	/// Serves licensed records to license holders: the platform's data gateway (HTTP), reading
	/// the store; see docs/gateway.md. The signer is the platform operator's key: it records
	/// deliveries on chain.
	Serve(Serve),
	/// Shows a license.
	License {
		/// The license's id.
		id: u64,
	},
	/// Claims the signer's rewards (contributors' shares and platforms' shares of sales), or
	/// with --for another account's, the signer paying the fee for it. A contributor's claim is
	/// free once a day when it pays at least the existential deposit.
	Claim(Claim),
}

#[derive(Args)]
pub struct Ingest {
	#[command(flatten)]
	pub platform: Platform,
	#[command(flatten)]
	pub signer: Signer,
	#[command(flatten)]
	pub store: Store,
	/// At most this many posts per batch.
	#[arg(long, default_value_t = 65_536)]
	pub batch_posts: u32,
	/// At most this many batches submitted and not yet finalized (1: one at a time).
	#[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
	pub in_flight: u16,
	/// Read, filter and report, but register nothing.
	#[arg(long)]
	pub dry_run: bool,
	/// Register, but do not wait for the batches' challenge windows to activate them (run
	/// `activate` later: until then their posts neither earn nor can be licensed).
	#[arg(long)]
	pub no_activate: bool,
	/// The export files.
	#[arg(required = true)]
	pub files: Vec<PathBuf>,
}

#[derive(Args)]
pub struct Activate {
	#[command(flatten)]
	pub signer: Signer,
	#[command(flatten)]
	pub store: Store,
	/// Wait for every pending batch's window to end, instead of skipping those still open.
	#[arg(long)]
	pub wait: bool,
}

#[derive(Args)]
pub struct AcceptLink {
	#[command(flatten)]
	pub signer: Signer,
	#[command(flatten)]
	pub platform: Platform,
	/// `bluesky:did:plc:...`, `mastodon:user@instance` or `x:<user id>`.
	#[arg(long)]
	pub identity: String,
	#[command(flatten)]
	pub validity: Validity,
	/// Where to write the signed acceptance.
	#[arg(long)]
	pub out: PathBuf,
}

/// The nonce and last block of something a person signs for someone else to submit.
#[derive(Args)]
pub struct Validity {
	/// The account's current relay nonce (default: asked from the node).
	#[arg(long)]
	pub nonce: Option<u32>,
	/// The last block it may be used in (default: 14,400 blocks from now).
	#[arg(long)]
	pub expires_at: Option<u32>,
}

#[derive(Args)]
pub struct Link {
	/// The signed acceptance, as `accept-link` writes it.
	#[arg(long)]
	pub acceptance: PathBuf,
	#[command(flatten)]
	pub signer: Signer,
}

#[derive(Args)]
pub struct LinkNostr {
	/// The Nostr secret key, hex (or set LICENTIA_NOSTR_SECRET).
	#[arg(long, env = "LICENTIA_NOSTR_SECRET", hide_env_values = true)]
	pub nostr_secret: String,
	#[command(flatten)]
	pub signer: Signer,
}

#[derive(Subcommand)]
pub enum Consent {
	/// Signs a consent statement (what a person's wallet does; the signer is the person's key)
	/// and writes it to a file.
	Sign(SignConsent),
	/// Submits a signed statement (the signer is the relayer, who pays the fee).
	Relay(RelayConsent),
}

#[derive(Args)]
pub struct SignConsent {
	#[command(flatten)]
	pub signer: Signer,
	/// Purposes to allow, comma-separated.
	#[arg(long, value_delimiter = ',')]
	pub allow: Vec<String>,
	/// Purposes to deny, comma-separated.
	#[arg(long, value_delimiter = ',')]
	pub deny: Vec<String>,
	/// Conditions to refuse, comma-separated (noCommercialUse, anonymisationRequired,
	/// noModelWeights, noRedistribution). With --min-price, these replace the scope's
	/// restrictions; without either, they stay as they are.
	#[arg(long, value_delimiter = ',')]
	pub refuse: Vec<String>,
	/// The minimum price tier (0: none; 1 to 3: the chain's `PriceFloors`).
	#[arg(long)]
	pub min_price: Option<u8>,
	/// Apply to one identity only (default: every identity of the account).
	#[arg(long)]
	pub identity: Option<String>,
	#[command(flatten)]
	pub validity: Validity,
	/// Where to write the signed statement.
	#[arg(long)]
	pub out: PathBuf,
}

#[derive(Args)]
pub struct RelayConsent {
	/// The signed statement, as `consent sign` writes it.
	#[arg(long)]
	pub statement: PathBuf,
	#[command(flatten)]
	pub signer: Signer,
}

#[derive(Args)]
pub struct Offer {
	#[command(flatten)]
	pub platform: Platform,
	/// The terms, as JSON (see docs/rpc.md, "Terms").
	#[arg(long)]
	pub terms: PathBuf,
	/// The price per licensed record, in planck.
	#[arg(long, conflicts_with = "flat", required_unless_present = "flat")]
	pub per_record: Option<u128>,
	/// A flat price, in planck.
	#[arg(long)]
	pub flat: Option<u128>,
	#[command(flatten)]
	pub signer: Signer,
}

#[derive(Args)]
pub struct CheckAccess {
	/// The license.
	#[arg(long)]
	pub license: u64,
	/// What the records are served for: aiTraining, generativeAiTraining, aiInference,
	/// searchIndexing, research.
	#[arg(long, default_value = "aiTraining")]
	pub purpose: String,
	#[command(flatten)]
	pub store: Store,
	/// With export files: the platform they come from.
	#[arg(long, requires = "files")]
	pub platform: Option<u32>,
	/// Export files whose posts to check (default: every post of the store).
	pub files: Vec<PathBuf>,
}

#[derive(Args)]
pub struct Revoke {
	#[command(flatten)]
	pub signer: Signer,
	#[command(flatten)]
	pub store: Store,
	/// Only posts of this platform (ids of two platforms can coincide).
	#[arg(long)]
	pub platform: Option<u32>,
	/// The posts, by their ids at the source: an X post id, a Bluesky `at://` URI, a
	/// Mastodon status URI, a Nostr event id (hex).
	#[arg(required = true)]
	pub ids: Vec<String>,
}

#[derive(Args)]
pub struct Follow {
	#[command(flatten)]
	pub platform: Platform,
	#[command(flatten)]
	pub signer: Signer,
	#[command(flatten)]
	pub store: Store,
	/// The source: for Bluesky, a Jetstream endpoint
	/// (`wss://jetstream2.us-east.bsky.network/subscribe`); for Mastodon, the instance
	/// (`https://social.example`); for X, the filtered stream
	/// (`https://api.x.com/2/tweets/search/stream`) and, repeated, compliance stream
	/// partitions (`https://api.x.com/2/tweets/compliance/stream?partition=1`); for Nostr, a
	/// relay (repeat `--source` for several), followed for the Nostr keys linked to the
	/// signer's account.
	#[arg(long = "source", required = true)]
	pub sources: Vec<String>,
	/// The bearer token the source wants: X's app token; a Mastodon access token, if the
	/// instance's public timeline needs one.
	#[arg(long, env = "LICENTIA_SOURCE_TOKEN", hide_env_values = true)]
	pub token: Option<String>,
	/// Posts are collected this many seconds before they are batched (an author's posts of a
	/// window share their batch entry).
	#[arg(long, default_value_t = 30)]
	pub window: u64,
	/// At most this many posts per batch.
	#[arg(long, default_value_t = 65_536)]
	pub batch_posts: u32,
	/// Serve Prometheus metrics on this port (0: none).
	#[arg(long, default_value_t = 9616)]
	pub metrics_port: u16,
	/// Serve metrics on every interface, not only 127.0.0.1.
	#[arg(long)]
	pub metrics_external: bool,
}

#[derive(Args)]
pub struct Serve {
	#[command(flatten)]
	pub platform: Platform,
	#[command(flatten)]
	pub signer: Signer,
	#[command(flatten)]
	pub store: Store,
	/// Where to listen.
	#[arg(long, default_value = "127.0.0.1:8088")]
	pub listen: std::net::SocketAddr,
	/// The URL buyers reach this gateway at (`https://gw.example.org`; default: `http://` and
	/// the address it listens on). Requests are signed for its origin and refused by any other
	/// gateway: set it when buyers use another name (a proxy, a load balancer); instances behind
	/// one name share it and the ledger.
	#[arg(long)]
	pub public_url: Option<String>,
	/// The PostgreSQL database (`postgresql://user:password@host/database`, or libpq's
	/// `key=value` form) of the ledger this platform's gateways share when they run on several
	/// machines: signatures used, deliveries owed and recorded, allowances. Default: the store,
	/// for gateways on one machine. Each machine serves posts from its own copy of the store.
	#[arg(long, env = "LICENTIA_LEDGER", value_parser = postgres_url)]
	pub ledger: Option<String>,
	/// Requests per second allowed per license.
	#[arg(long, default_value_t = 20)]
	pub rate: u32,
}

/// A PostgreSQL connection string, checked as the driver reads it.
fn postgres_url(value: &str) -> Result<String, String> {
	value
		.parse::<tokio_postgres::Config>()
		.map(|_| value.to_owned())
		.map_err(|e| format!("not a PostgreSQL connection string: {e}"))
}

#[derive(Args)]
pub struct Claim {
	#[command(flatten)]
	pub signer: Signer,
	/// The account to pay (SS58), when it is not the signer's: `licensing.claim_for`.
	#[arg(long = "for")]
	pub beneficiary: Option<String>,
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::CommandFactory;

	/// Every command's arguments are consistent (no two with one name, every `requires` and
	/// `conflicts_with` naming an argument), as clap checks them when it builds the parser.
	#[test]
	fn the_command_line_is_well_formed() {
		Cli::command().debug_assert();
	}

	#[test]
	fn shared_arguments_keep_their_names_and_environment_variables() {
		let cli = Cli::try_parse_from([
			"licentia-bridge",
			"ingest",
			"--platform",
			"3",
			"--signer",
			"//Alice",
			"--store",
			"x.db",
			"export.json",
		])
		.unwrap();
		let Command::Ingest(ingest) = cli.command else { panic!("not ingest") };
		assert_eq!((ingest.platform.id, ingest.signer.uri.as_str()), (3, "//Alice"));
		assert_eq!(ingest.store.path, PathBuf::from("x.db"));
		let posts = Cli::try_parse_from(["licentia-bridge", "posts"]).unwrap();
		let Command::Posts(store) = posts.command else { panic!("not posts") };
		assert_eq!(store.path, PathBuf::from("licentia-bridge.db"));
	}
}
