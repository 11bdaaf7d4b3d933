//! `force_contribution`, the helper benchmarks and other pallets' tests set post counts with.

use super::*;

/// The helper other pallets' tests and benchmarks use keeps the invariants the calls keep:
/// a zero count is no entry, and the platform's total follows the author's.
#[test]
fn sets_and_clears_a_count_like_the_calls_do() {
	setup(|| {
		Content::force_contribution(&Identity::X(1), 0, 7);
		assert_eq!(Contributions::<Test>::get(Identity::X(1), 0), 7);
		assert_eq!(PlatformPosts::<Test>::get(0), 7);
		Content::force_contribution(&Identity::X(1), 0, 0);
		assert!(!Contributions::<Test>::contains_key(Identity::X(1), 0));
		assert_eq!(PlatformPosts::<Test>::get(0), 0);
		Content::force_contribution(&Identity::X(2), 0, 0);
		assert!(!Contributions::<Test>::contains_key(Identity::X(2), 0));
	});
}
