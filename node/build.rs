use substrate_build_script_utils::{generate_cargo_keys, rerun_if_git_head_changed};

fn main() {
	// `SUBSTRATE_CLI_IMPL_VERSION`: the version and commit that `licentia-node --version` prints.
	generate_cargo_keys();
	rerun_if_git_head_changed();
}
