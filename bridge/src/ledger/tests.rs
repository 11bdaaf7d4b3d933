//! The PostgreSQL ledger against a real server (Debian's `postgresql`, started per test by
//! `licentia_harness::Postgres`): what several gateways share is taken once, whoever asks at
//! once. The store's ledger has the same tests in `store/tests.rs` and `store/signatures.rs`.

use super::*;
use crate::store::Recording;
use licentia_harness::{Postgres, TempDir};
use std::sync::Arc;

/// `n` gateways' ledgers of platform 3 on one database, each with a store of its own.
async fn ledgers(server: &Postgres, dir: &TempDir, n: usize) -> Vec<Arc<Ledger>> {
	let mut all = Vec::new();
	for i in 0..n {
		let store = dir.0.join(format!("store-{i}.db"));
		all.push(Arc::new(Ledger::open(&store, Some(&server.url), 3).await.unwrap()));
	}
	all
}

fn recording(tag: u8, counts: &[(u64, u64)], reserves: bool) -> Recording {
	Recording {
		hash: [tag; 32],
		nonce: u64::from(tag),
		born: 1,
		dies: 65,
		extrinsic: vec![tag; 100],
		counts: counts.iter().copied().collect(),
		reserves,
	}
}

/// A request's signature is accepted by one gateway and refused by every other on the ledger
/// while it lives; once expired it may be used again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_is_used_once_across_gateways_on_one_ledger() {
	let (server, dir) = (Postgres::start("signatures"), TempDir::new("ledger-signatures"));
	let ledgers = ledgers(&server, &dir, 2).await;
	let (one, two) = (&ledgers[0], &ledgers[1]);
	assert!(one.first_use(&[1; 64], 120_000, 0).await.unwrap());
	assert!(!two.first_use(&[1; 64], 120_000, 1_000).await.unwrap(), "replayed at the other");
	assert!(!one.first_use(&[1; 64], 121_000, 119_999).await.unwrap(), "replayed here");
	assert!(two.first_use(&[2; 64], 121_000, 1_000).await.unwrap());
	assert!(two.first_use(&[1; 64], 240_000, 120_000).await.unwrap(), "expired");
	// Sixteen gateways offered one signature at once: one accepts it.
	let offered = (0..16).map(|i| {
		let ledger = ledgers[i % 2].clone();
		tokio::spawn(async move { ledger.first_use(&[9; 64], 500_000, 300_000).await.unwrap() })
	});
	let accepted = futures::future::join_all(offered).await;
	assert_eq!(accepted.into_iter().filter(|a| *a.as_ref().unwrap()).count(), 1);
}

/// An allowance granted once is served once: eight requests on two gateways taking from it at
/// once take exactly what was granted, each taken delivery owed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowance_is_taken_exactly_once_across_gateways() {
	let (server, dir) = (Postgres::start("allowances"), TempDir::new("ledger-allowances"));
	let ledgers = ledgers(&server, &dir, 2).await;
	let reservation = recording(1, &[(7, 1_000)], true);
	assert!(ledgers[0].start_recording(&reservation).await.unwrap());
	assert!(ledgers[1].reserving(7).await.unwrap(), "seen by the other gateway");
	let granted = BTreeMap::from([(7, 100)]);
	assert!(ledgers[1].reserved(&reservation.hash, &granted).await.unwrap());
	assert!(!ledgers[0].reserved(&reservation.hash, &granted).await.unwrap(), "settled once");
	assert!(!ledgers[0].reserving(7).await.unwrap());
	assert_eq!(ledgers[0].allowance(7).await.unwrap(), (100, 100));
	let takers = (0..8).map(|i| {
		let ledger = ledgers[i % 2].clone();
		tokio::spawn(async move {
			let mut taken = 0;
			loop {
				match ledger.take(7, 3).await.unwrap() {
					(0, _) => return taken,
					(n, _) => taken += n,
				}
			}
		})
	});
	let taken: u64 = futures::future::join_all(takers).await.into_iter().map(Result::unwrap).sum();
	assert_eq!(taken, 100);
	assert_eq!(ledgers[1].allowance(7).await.unwrap(), (0, 100));
	assert_eq!(ledgers[1].owed_to(7).await.unwrap(), 100, "what was taken is owed");
	assert_eq!(ledgers[0].owed(10).await.unwrap(), BTreeMap::from([(7, 100)]));
}

/// A count is in one place: two gateways starting a recording of the same owed counts at once,
/// one stores it; two settling it as never included at once, one owes its counts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_is_owed_or_in_one_recording_whoever_settles_it() {
	let (server, dir) = (Postgres::start("recordings"), TempDir::new("ledger-recordings"));
	let ledgers = ledgers(&server, &dir, 2).await;
	ledgers[0].owe(5, 6).await.unwrap();
	ledgers[1].owe(5, 4).await.unwrap();
	ledgers[1].owe(6, 1).await.unwrap();
	assert_eq!(ledgers[0].owed(10).await.unwrap(), BTreeMap::from([(5, 10), (6, 1)]));
	let (a, b) = (recording(2, &[(5, 10), (6, 1)], false), recording(3, &[(5, 10)], false));
	let (first, second) =
		tokio::join!(ledgers[0].start_recording(&a), ledgers[1].start_recording(&b));
	let (first, second) = (first.unwrap(), second.unwrap());
	assert!(first ^ second, "one of the two takes the counts ({first}, {second})");
	let stored = if first { &a } else { &b };
	assert_eq!(ledgers[1].recordings().await.unwrap(), vec![stored.clone()]);
	assert_eq!(ledgers[0].owed_to(5).await.unwrap(), 0);
	// Part of what is owed: the rest stays owed.
	ledgers[0].owe(8, 5).await.unwrap();
	assert!(ledgers[0].start_recording(&recording(4, &[(8, 2)], false)).await.unwrap());
	assert_eq!(ledgers[1].owed_to(8).await.unwrap(), 3);
	assert!(!ledgers[0].start_recording(&recording(5, &[(8, 4)], false)).await.unwrap());
	assert_eq!(ledgers[1].owed_to(8).await.unwrap(), 3, "a refused recording takes nothing");
	// Never included: settled by both at once, owed again once.
	let (one, two) =
		tokio::join!(ledgers[0].not_recorded(&stored.hash), ledgers[1].not_recorded(&stored.hash));
	assert!(one.unwrap() ^ two.unwrap());
	assert_eq!(ledgers[0].owed_to(5).await.unwrap(), 10);
	// Included: forgotten once.
	assert!(ledgers[1].recorded(&[4; 32]).await.unwrap());
	assert!(!ledgers[0].recorded(&[4; 32]).await.unwrap());
	assert!(ledgers[0].recordings().await.unwrap().is_empty());
}

/// One database, one platform; one pseudonym key, the first gateway's; and a store with
/// deliveries not yet recorded cannot move to a shared ledger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_is_one_platforms_and_a_store_moves_to_it_settled() {
	let (server, dir) = (Postgres::start("platform"), TempDir::new("ledger-platform"));
	let ledgers = ledgers(&server, &dir, 2).await;
	let first = Store::open(&dir.0.join("store-0.db")).unwrap().gateway_secret().unwrap();
	assert_ne!(first, Store::open(&dir.0.join("store-1.db")).unwrap().gateway_secret().unwrap());
	assert_eq!((ledgers[0].secret(), ledgers[1].secret()), (first, first));
	let other = Ledger::open(&dir.0.join("other.db"), Some(&server.url), 4).await;
	let error = format!("{:#}", other.err().expect("refused"));
	assert!(error.contains("belongs to platform 3's gateways"), "{error}");
	let owing = dir.0.join("owing.db");
	Store::open(&owing).unwrap().owe(9, 1).unwrap();
	let error = format!("{:#}", Ledger::open(&owing, Some(&server.url), 3).await.err().unwrap());
	assert!(error.contains("deliveries of 1 licenses not yet recorded"), "{error}");
	let fresh = dir.0.join("fresh.db");
	let unreachable = Ledger::open(&fresh, Some("postgresql://nobody@127.0.0.1:1/x"), 3).await;
	let error = format!("{:#}", unreachable.err().expect("refused"));
	assert!(error.contains("connecting to the ledger's PostgreSQL"), "{error}");
}
