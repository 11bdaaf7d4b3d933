//! Builds the runtime's wasm: the runtime itself (`WASM_BINARY`) and, in development builds, the
//! same runtime with `try-runtime` (`try_runtime_wasm::WASM_BINARY`), which the upgrade test
//! runs the migrations' pre- and post-upgrade checks with, as the `try-runtime` tool would.
//! Both share one wasm target directory: the second build recompiles only what `try-runtime`
//! changes. Release builds (`metadata-hash`) and benchmark builds (`runtime-benchmarks`) build
//! the runtime alone.

#[cfg(feature = "std")]
fn main() {
	let runtime = substrate_wasm_builder::WasmBuilder::init_with_defaults();
	#[cfg(feature = "metadata-hash")]
	runtime.enable_metadata_hash("LCT", 12).build();
	#[cfg(all(not(feature = "metadata-hash"), feature = "runtime-benchmarks"))]
	runtime.build();
	#[cfg(not(any(feature = "metadata-hash", feature = "runtime-benchmarks")))]
	{
		runtime.build();
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("try-runtime")
			.set_file_name("wasm_binary_try_runtime.rs")
			.build();
	}
}

/// The wasm builder is deactivated when compiling this crate for wasm.
#[cfg(not(feature = "std"))]
fn main() {}
