//! The bridge's types are generated from `metadata.scale` by the `#[subxt::subxt]` macro, which
//! does not tell cargo that it read the file: without this, `scripts/metadata` followed by
//! `cargo build` kept the stale types, and the bridge refused the node it was meant for.

fn main() {
	println!("cargo:rerun-if-changed=metadata.scale");
}
