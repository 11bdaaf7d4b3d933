//! # licentia-bridge
//!
//! The command-line bridge between a social platform and a Licentia node: it registers the
//! opted-in posts of a platform's exports, attests identity links, relays consent statements,
//! checks access for a license holder, serves licensed records, and claims rewards. See
//! `bridge/README.md`, and docs/architecture.md for the module map.
//!
//! The modules, from the ground floor up (each uses only those on its floor or below):
//! 1. [`post`]: what a post, an item of a source, a withdrawal and a platform are to the bridge;
//! 2. [`formats`] (platform exports and their text rules), [`store`] (the SQLite store),
//!    [`chain`] (the node), [`metrics`], [`parse`] (what people type), [`cli`] (arguments),
//!    and [`ledger`] (what gateways share: in the store, or in PostgreSQL), on [`store`];
//! 3. the commands, by domain: [`content`] (ingest, activate, revoke), [`consent`] (links and
//!    statements), [`licensing`] (offers, access checks, licenses, claims);
//! 4. the long-running services: [`follow`] (a live source) and [`gateway`] (`serve`).

mod chain;
mod cli;
mod consent;
mod content;
mod follow;
mod formats;
mod gateway;
mod ledger;
mod licensing;
mod metrics;
mod parse;
mod post;
mod store;

use anyhow::Result;
use clap::Parser;
use cli::{Cli, Command, Consent};
use serde_json::Value;

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(error) = run(cli).await {
		eprintln!("error: {error:#}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> Result<()> {
	let output = match cli.command {
		// Needs only the store: answered without a node.
		Command::Posts(store) => content::posts(&store)?,
		command => {
			let chain = chain::Chain::connect(&cli.url).await?;
			dispatch(chain, command, cli.url).await?
		},
	};
	print(cli.json, &output)
}

/// Runs a command that talks to the node; each returns the JSON document printed.
async fn dispatch(chain: chain::Chain, command: Command, url: String) -> Result<Value> {
	match command {
		Command::Ingest(args) => content::ingest::command(&chain, args).await,
		Command::Activate(args) => content::activate::command(&chain, args).await,
		Command::Revoke(args) => content::revoke::command(&chain, args).await,
		Command::Posts(store) => content::posts(&store),
		Command::AcceptLink(args) => consent::accept_link(&chain, args).await,
		Command::Link(args) => consent::link(&chain, args).await,
		Command::LinkNostr(args) => consent::link_nostr(&chain, args).await,
		Command::Consent(Consent::Sign(args)) => consent::sign_consent(&chain, args).await,
		Command::Consent(Consent::Relay(args)) => consent::relay_consent(&chain, args).await,
		Command::Offer(args) => licensing::offer(&chain, args).await,
		Command::CheckAccess(args) => licensing::check_access(&chain, args).await,
		Command::License { id } => licensing::license(&chain, id).await,
		Command::Claim(args) => licensing::claim(&chain, args).await,
		Command::Follow(args) => follow::command(chain, args, url).await,
		Command::Serve(args) => gateway::command(chain, args, url).await,
	}
}

fn print(json: bool, output: &Value) -> Result<()> {
	if json {
		println!("{output}");
	} else {
		println!("{}", serde_json::to_string_pretty(output)?);
	}
	Ok(())
}
