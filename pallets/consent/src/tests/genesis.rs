//! Platforms registered at genesis.

use super::*;
use sp_runtime::BuildStorage;

#[test]
fn genesis_registers_platforms() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> {
		platforms: vec![
			GenesisPlatform {
				kind: PlatformKind::Bluesky,
				domain: b"bsky.app".to_vec(),
				operators: vec![account(Bob)],
				payee: None,
				share: Perbill::from_percent(10),
			},
			GenesisPlatform {
				kind: PlatformKind::Nostr,
				domain: b"nostr.example".to_vec(),
				operators: vec![],
				payee: None,
				share: Perbill::zero(),
			},
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	run_on(sp_io::TestExternalities::new(storage), || {
		assert_eq!(NextPlatformId::<Test>::get(), 2);
		assert_eq!(NostrPlatform::<Test>::get(), Some(1));
	});
}
