//! The pallets whose weights the runtime benchmarks, for `licentia-node benchmark pallet`.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_consent, Consent]
	[pallet_content, Content]
	[pallet_licensing, Licensing]
);
