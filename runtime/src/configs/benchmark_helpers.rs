//! What the pallets' benchmarks need from the runtime.

use crate::{AccountId, Runtime, Signature};
use licentia_primitives::consent::{Identity, PlatformId, PlatformKind, PriceTier, Purpose};
use pallet_consent::mock_utils;
use sp_runtime::Perbill;

/// Signatures, platforms and contributors, made through the pallets themselves (platforms
/// and links by [`pallet_consent::mock_utils`]).
pub struct Setup;

/// Signs as `()` does, with a key of the benchmark keystore. Unlike `()`, it gives accounts
/// posts, so that consent changes are measured with licensing's settlement of them.
impl pallet_consent::BenchmarkHelper<AccountId, Signature> for Setup {
	fn sign(payload: &[u8]) -> (AccountId, Signature) {
		<() as pallet_consent::BenchmarkHelper<AccountId, Signature>>::sign(payload)
	}

	fn posts(identity: &Identity, platform: PlatformId) {
		pallet_content::Pallet::<Runtime>::force_contribution(identity, platform, 1_000);
	}
}

impl pallet_content::BenchmarkHelper<AccountId> for Setup {
	fn platform(kind: PlatformKind, operator: &AccountId) -> PlatformId {
		mock_utils::register_platform::<Runtime>(kind, operator, Perbill::from_percent(10))
	}

	fn link(identity: Identity, account: &AccountId, platform: PlatformId) {
		mock_utils::link_allowing::<Runtime>(identity, account, platform, &Purpose::ALL);
	}
}

impl pallet_licensing::BenchmarkHelper<AccountId> for Setup {
	fn platform(operator: &AccountId) -> PlatformId {
		mock_utils::register_platform::<Runtime>(
			PlatformKind::X,
			operator,
			Perbill::from_percent(10),
		)
	}

	fn contributor(who: &AccountId, platform: PlatformId, posts: u64, min_price: PriceTier) {
		let identity = mock_utils::link_contributor::<Runtime>(who, platform);
		if min_price > 0 {
			mock_utils::ask_at_least::<Runtime>(who, min_price);
		}
		pallet_content::Pallet::<Runtime>::force_contribution(&identity, platform, posts);
	}
}
