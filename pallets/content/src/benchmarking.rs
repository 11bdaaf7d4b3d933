//! Benchmarks of every call, parameterised by what their cost grows with.

use super::*;
use crate::pallet::{Batches, Call, Config, Contributions, NextBatchId, Pallet, RevokedPosts};
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};
use frame_system::RawOrigin;
use licentia_primitives::nostr;
use sp_core::H256;

/// One X platform operated by a fresh account.
fn x_platform<T: Config>() -> (PlatformId, T::AccountId) {
	let operator: T::AccountId = account("operator", 0, 0);
	(T::BenchmarkHelper::platform(PlatformKind::X, &operator), operator)
}

/// The root of a perfect tree of `2^proof.len()` leaves whose leaf 0 is `leaf`.
fn root_of(leaf: H256, proof: &[H256]) -> H256 {
	proof
		.iter()
		.fold(leaf, |acc, sibling| H256(sp_io::hashing::blake2_256(&(acc, *sibling).encode())))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_batch(c: Linear<1, { T::MaxContributorsPerBatch::get() }>) {
		let (platform, operator) = x_platform::<T>();
		let contributors: Vec<Contribution> = (0..c as u64)
			.map(|i| {
				let author = Identity::X(i);
				T::BenchmarkHelper::link(author.clone(), &account("author", i as u32, 0), platform);
				Contribution { author, posts: 1 }
			})
			.collect();
		let contributors: BoundedVec<_, _> = contributors.try_into().expect("c <= max");

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), platform, H256::repeat_byte(1), contributors);

		assert_eq!(Batches::<T>::get(0).map(|b| b.contributors), Some(c));
	}

	#[benchmark]
	fn register_nostr_events(e: Linear<1, { T::MaxNostrEvents::get() }>) {
		let (_, operator) = x_platform::<T>();
		let nostr_platform = T::BenchmarkHelper::platform(PlatformKind::Nostr, &operator);
		let who: T::AccountId = account("author", 0, 0);
		let secret = [9u8; 32];
		let pubkey = nostr::public_key(&secret).expect("valid secret");
		T::BenchmarkHelper::link(Identity::Nostr(pubkey), &who, nostr_platform);
		let mut events: Vec<NostrEvent> = (0..e)
			.map(|i| {
				let id = sp_io::hashing::sha2_256(&i.to_le_bytes());
				let sig = nostr::sign(&secret, &id, &[0; 32]).expect("signs");
				NostrEvent { id, pubkey, sig }
			})
			.collect();
		events.sort_by_key(|event| event.id);
		let events: BoundedVec<_, _> = events.try_into().expect("e <= max");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), events);

		assert_eq!(Contributions::<T>::get(&who, nostr_platform), e as u64);
	}

	#[benchmark]
	fn revoke_post(p: Linear<0, 31>) {
		let (platform, operator) = x_platform::<T>();
		let author: T::AccountId = account("author", 0, 0);
		T::BenchmarkHelper::link(Identity::X(1), &author, platform);
		let post = PostRecord {
			platform,
			post: PostId::X { id: 1 },
			content_hash: H256::repeat_byte(2),
			author: Identity::X(1),
		};
		let proof: Vec<H256> = (0..p).map(|i| H256::repeat_byte(i as u8)).collect();
		// A batch of 2^p posts with `post` first; only its root and size matter to the proof.
		let leaves = 1u32 << p;
		let root = root_of(post.leaf_hash(), &proof);
		Pallet::<T>::do_register_batch(
			operator,
			platform,
			root,
			&[Contribution { author: Identity::X(1), posts: 1 }],
		)
		.expect("the author is linked");
		Batches::<T>::mutate(0, |b| {
			if let Some(b) = b {
				b.posts = leaves
			}
		});
		let proof: BoundedVec<_, _> = proof.try_into().expect("p <= 32");

		#[extrinsic_call]
		_(RawOrigin::Signed(author), 0, post.clone(), 0, proof);

		assert!(RevokedPosts::<T>::contains_key(post.leaf_hash()));
		assert_eq!(NextBatchId::<T>::get(), 1);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
