//! What the integration tests of the node (`node/tests`) and of the bridge (`bridge/tests`)
//! share: the real `licentia-node` binary started and talked to over JSON-RPC, the calls its
//! users sign, and a network of four validators run by `scripts/localnet`.
//!
//! Kept light on purpose (std, serde_json and the runtime's types, a blocking HTTP client of its
//! own): see the note in `node/Cargo.toml`.
//!
//! ## Where the code is
//! - [`node`]: [`Node`], one `licentia-node` process (started, waited on, stopped), and the
//!   scratch directories and free ports tests run it with;
//! - [`chain`]: what a test reads from a node: block numbers, storage, events, runtime calls;
//! - [`submit`]: signed extrinsics submitted and found in blocks, with their events;
//! - [`rpc`]: one JSON-RPC call over HTTP, and the hex the methods speak;
//! - [`calls`]: the calls users sign: identity links, relayed opt-ins, training terms;
//! - [`batches`]: a platform's batches: the contributor list, the sampled leaves opened, the
//!   activation;
//! - [`fuzz`]: texts drawn from chosen pieces by a fixed-seed generator, for the bridge's
//!   parsers and text rules;
//! - [`localnet`]: four validators on loopback, signed transactions for any runtime release,
//!   council motions;
//! - [`postgres`]: a PostgreSQL server of a test's own, for gateways sharing a ledger.

pub mod batches;
pub mod calls;
pub mod chain;
pub mod fuzz;
pub mod localnet;
pub mod node;
pub mod postgres;
pub mod rpc;
pub mod submit;

pub use batches::{anonymous_opening, anonymous_root, answers, layout, sealed, tid};
pub use calls::{accepted_link, relayed_opt_in, training_terms};
pub use node::{free_port, node_binary, run_node_command, Node, TempDir};
pub use postgres::Postgres;
pub use rpc::{decode_hex, http_post, rpc_call, to_hex};
pub use submit::{dispatch_error, find};

use std::path::Path;

/// The repository's root: this crate is `node/harness` in it.
pub fn repository() -> &'static Path {
	Path::new(env!("CARGO_MANIFEST_DIR"))
		.ancestors()
		.nth(2)
		.expect("node/harness is in the repository")
}
