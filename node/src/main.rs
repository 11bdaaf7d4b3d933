//! `licentia-node`: the Licentia validator and full node.
//!
//! An Aura + GRANDPA solochain node. Run `licentia-node --dev` for a development chain with
//! JSON-RPC on port 9944 and Prometheus metrics on port 9615; `licentia-node --help` lists the
//! subcommands (`key`, `build-spec`, `export-chain-spec`, `purge-chain`, `benchmark`, ...).

#![warn(missing_docs)]
// `sc_cli::Error`, the error type of every subcommand, is large; it is returned once, at exit.
#![allow(clippy::result_large_err)]

mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
