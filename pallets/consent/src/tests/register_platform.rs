//! `register_platform`: governance registers platforms, one domain per kind, one Nostr platform.

use super::*;

#[test]
fn registers_with_sequential_ids() {
	with_platforms(|| {
		assert_eq!(NextPlatformId::<Test>::get(), 4);
		assert_eq!(NostrPlatform::<Test>::get(), Some(2));
		let info = Platforms::<Test>::get(1).expect("registered");
		assert_eq!(info.kind, PlatformKind::Mastodon);
		assert_eq!(info.status, PlatformStatus::Active);
		assert_eq!(PlatformByDomain::<Test>::get((PlatformKind::X, handle("x.com"))), Some(3));
		assert_eq!(
			last_event(),
			Event::PlatformRegistered {
				platform: 3,
				kind: PlatformKind::X,
				domain: handle("x.com")
			}
		);
	});
}

#[test]
fn only_governance() {
	with_platforms(|| {
		assert_noop!(
			Consent::register_platform(
				RuntimeOrigin::signed(account(Alice)),
				PlatformKind::X,
				handle("y.com"),
				ops(&[]),
				None,
				Perbill::zero()
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn each_mastodon_instance_is_its_own_platform_but_a_domain_registers_once() {
	with_platforms(|| {
		let root = RuntimeOrigin::root();
		assert_ok!(Consent::register_platform(
			root.clone(),
			PlatformKind::Mastodon,
			handle("fosstodon.org"),
			ops(&[Dave]),
			None,
			Perbill::zero()
		));
		assert_noop!(
			Consent::register_platform(
				root.clone(),
				PlatformKind::Mastodon,
				handle("fosstodon.org"),
				ops(&[]),
				None,
				Perbill::zero()
			),
			Error::<Test>::DomainTaken
		);
		// The same domain under another kind is another platform.
		assert_ok!(Consent::register_platform(
			root,
			PlatformKind::Bluesky,
			handle("fosstodon.org"),
			ops(&[]),
			None,
			Perbill::zero()
		));
	});
}

#[test]
fn rejects_malformed_domains_and_a_second_nostr() {
	with_platforms(|| {
		let root = RuntimeOrigin::root();
		for bad in ["localhost", "Mastodon.Social", "a..b", "", "has space.com"] {
			assert_noop!(
				Consent::register_platform(
					root.clone(),
					PlatformKind::Mastodon,
					handle(bad),
					ops(&[]),
					None,
					Perbill::zero()
				),
				Error::<Test>::MalformedDomain
			);
		}
		assert_noop!(
			Consent::register_platform(
				root,
				PlatformKind::Nostr,
				handle("other.example"),
				ops(&[]),
				None,
				Perbill::zero()
			),
			Error::<Test>::NostrPlatformExists
		);
	});
}
