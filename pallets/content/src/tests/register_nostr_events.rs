//! `register_nostr_events`: Nostr authors register their own signed text notes.

use super::*;

const SECRET: [u8; 32] = [5; 32];

/// Note `n`: "note n", tagged `#licentia`, signed by [`SECRET`].
fn event(n: u8) -> NostrEvent {
	note(n, format!("note {n}").as_bytes())
}
/// Note `n` with `content`, signed over its id.
fn note(n: u8, content: &[u8]) -> NostrEvent {
	let tag: NoteTag =
		vec![b"t".to_vec().try_into().unwrap(), b"licentia".to_vec().try_into().unwrap()]
			.try_into()
			.unwrap();
	let mut event = NostrEvent {
		pubkey: nostr::public_key(&SECRET).expect("valid"),
		created_at: 1_700_000_000 + u64::from(n),
		tags: vec![tag].try_into().unwrap(),
		content: content.to_vec().try_into().expect("short"),
		sig: [0; 64],
		salt: H256::repeat_byte(n),
		text_seal: H256::repeat_byte(!n),
	};
	if let Some(id) = event.id() {
		event.sig = nostr::sign(&SECRET, &id, &[0; 32]).expect("signs");
	}
	event
}
fn id(event: &NostrEvent) -> [u8; 32] {
	event.id().expect("a note")
}
fn sorted(
	mut events: Vec<NostrEvent>,
) -> BoundedVec<NostrEvent, frame_support::traits::ConstU32<8>> {
	events.sort_by_key(id);
	events.try_into().expect("few")
}
fn linked(test: impl FnOnce()) {
	setup(|| {
		let pubkey = nostr::public_key(&SECRET).expect("valid");
		ConsentSetup::link_allowing(Identity::Nostr(pubkey), &acc(Alice), 1, &[Purpose::Research]);
		test();
	});
}

#[test]
fn an_author_registers_signed_events() {
	linked(|| {
		let events = sorted(vec![event(1), event(2), event(3)]);
		assert_ok!(Content::register_nostr_events(
			RuntimeOrigin::signed(acc(Alice)),
			events.clone(),
			H256::zero()
		));
		let batch = Batches::<Test>::get(0).expect("stored");
		assert_eq!((batch.platform, batch.posts, batch.contributors), (1, 3, 1));
		assert_eq!(Content::api_contributions(&acc(Alice)), vec![(1, 3)]);
		// The root is over the events' records, so each event proves against it.
		let records: Vec<PostRecord> = events.iter().map(|e| e.record(1, id(e))).collect();
		let leaves: Vec<H256> = records.iter().map(|r| r.leaf_hash()).collect();
		assert_eq!(batch.root, batch_root(leaves.clone()));
		assert_eq!(
			Content::api_post_status(0, &records[2], 2, &batch_proof(leaves, 2)),
			PostStatus::Registered
		);
		assert_eq!(
			last_event(),
			Event::NostrEventsRegistered {
				batch: 0,
				account: acc(Alice),
				root: batch.root,
				anonymous_root: H256::zero(),
				events: 3,
				deposit: 3 * NOSTR_EVENT_DEPOSIT
			}
		);
		assert_eq!(held(HoldReason::NostrEvents, &acc(Alice)), 3 * NOSTR_EVENT_DEPOSIT);
	});
}

/// The storage an author creates is paid for: each event holds a deposit, and an author who
/// cannot pay it registers nothing.
#[test]
fn events_hold_a_deposit_their_author_must_have() {
	linked(|| {
		let alice = || RuntimeOrigin::signed(acc(Alice));
		assert_ok!(Content::register_nostr_events(alice(), sorted(vec![event(1)]), H256::zero()));
		assert_ok!(Content::register_nostr_events(
			alice(),
			sorted(vec![event(2), event(3)]),
			H256::zero()
		));
		assert_eq!(held(HoldReason::NostrEvents, &acc(Alice)), 3 * NOSTR_EVENT_DEPOSIT);
		let free = <Balances as frame_support::traits::fungible::Inspect<_>>::balance(&acc(Alice));
		// Short of one event's deposit.
		<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(
			&acc(Alice),
			NOSTR_EVENT_DEPOSIT - 1,
		);
		assert_noop!(
			Content::register_nostr_events(alice(), sorted(vec![event(4)]), H256::zero()),
			sp_runtime::TokenError::FundsUnavailable
		);
		<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(&acc(Alice), free);
		// Revoking an event keeps its entry (it cannot come back), and so its deposit.
		let events = sorted(vec![event(2), event(3)]);
		let record = |e: &NostrEvent| e.record(1, id(e));
		let leaves: Vec<H256> = events.iter().map(|e| record(e).leaf_hash()).collect();
		assert_ok!(Content::revoke_post(
			alice(),
			1,
			record(&events[0]),
			0,
			batch_proof(leaves, 0).try_into().expect("short")
		));
		assert_eq!(held(HoldReason::NostrEvents, &acc(Alice)), 3 * NOSTR_EVENT_DEPOSIT);
	});
}

#[test]
fn errors() {
	linked(|| {
		let alice = RuntimeOrigin::signed(acc(Alice));
		assert_noop!(
			Content::register_nostr_events(alice.clone(), sorted(vec![]), H256::zero()),
			Error::<Test>::EmptyBatch
		);
		let mut events = sorted(vec![event(1), event(2)]).into_inner();
		events.swap(0, 1);
		assert_noop!(
			Content::register_nostr_events(
				alice.clone(),
				events.try_into().expect("few"),
				H256::zero()
			),
			Error::<Test>::NotSorted
		);
		let mut bad = sorted(vec![event(1), event(2)]).into_inner();
		bad[1].sig[10] ^= 1;
		assert_noop!(
			Content::register_nostr_events(
				alice.clone(),
				bad.try_into().expect("few"),
				H256::zero()
			),
			Error::<Test>::BadEventSignature { index: 1 }
		);
		// Someone else's key.
		assert_noop!(
			Content::register_nostr_events(
				RuntimeOrigin::signed(acc(Charlie)),
				sorted(vec![event(1)]),
				H256::zero()
			),
			Error::<Test>::NotYourKey { index: 0 }
		);
		assert_ok!(Consent::withdraw_consent(alice.clone()));
		assert_noop!(
			Content::register_nostr_events(alice, sorted(vec![event(1)]), H256::zero()),
			Error::<Test>::NoConsent { index: 0 }
		);
	});
}

#[test]
fn needs_a_nostr_platform() {
	run(|| {
		assert_noop!(
			Content::register_nostr_events(
				RuntimeOrigin::signed(acc(Alice)),
				sorted(vec![event(1)]),
				H256::zero()
			),
			Error::<Test>::NoNostrPlatform
		);
	});
}

/// The attack: an author submits the same signed events again to multiply their count. The
/// second submission is refused whole, alone or mixed with new events.
#[test]
fn an_event_is_registered_once() {
	linked(|| {
		let origin = || RuntimeOrigin::signed(acc(Alice));
		assert_ok!(Content::register_nostr_events(
			origin(),
			sorted(vec![event(1), event(2)]),
			H256::zero()
		));
		assert_eq!(Content::api_contributions(&acc(Alice)), vec![(1, 2)]);

		assert_noop!(
			Content::register_nostr_events(origin(), sorted(vec![event(1)]), H256::zero()),
			Error::<Test>::EventRegistered { index: 0 }
		);
		let mixed = sorted(vec![event(2), event(3)]);
		let index = mixed.iter().position(|e| id(e) == id(&event(2))).expect("there") as u16;
		assert_noop!(
			Content::register_nostr_events(origin(), mixed, H256::zero()),
			Error::<Test>::EventRegistered { index }
		);
		assert_eq!(NostrEvents::<Test>::get(id(&event(1))), Some(0));
		assert_eq!(NostrEvents::<Test>::get(id(&event(3))), None);
		assert_eq!(Content::api_contributions(&acc(Alice)), vec![(1, 2)]);
	});
}

/// What counts is a note: its id is the hash of its fields, computed by the chain. A signature
/// over 32 bytes of anything (what this call took before) or over a note then edited proves
/// nothing; text that is not UTF-8 is no note.
#[test]
fn a_signature_counts_only_over_a_real_note() {
	linked(|| {
		let alice = || RuntimeOrigin::signed(acc(Alice));
		let mut any_bytes = event(1);
		any_bytes.sig =
			nostr::sign(&SECRET, &sp_io::hashing::sha2_256(b"no note"), &[0; 32]).expect("signs");
		assert_noop!(
			Content::register_nostr_events(alice(), sorted(vec![any_bytes]), H256::zero()),
			Error::<Test>::BadEventSignature { index: 0 }
		);
		let mut edited = event(1);
		edited.content = b"note 1, edited".to_vec().try_into().unwrap();
		assert_noop!(
			Content::register_nostr_events(alice(), sorted(vec![edited]), H256::zero()),
			Error::<Test>::BadEventSignature { index: 0 }
		);
		let mut redated = event(1);
		redated.created_at += 1;
		assert_noop!(
			Content::register_nostr_events(alice(), sorted(vec![redated]), H256::zero()),
			Error::<Test>::BadEventSignature { index: 0 }
		);
		let not_utf8 = note(2, &[0x6e, 0xff]);
		assert_noop!(
			Content::register_nostr_events(
				alice(),
				vec![not_utf8].try_into().unwrap(),
				H256::zero()
			),
			Error::<Test>::NotANote { index: 0 }
		);
		let mut bad_tag = event(3);
		bad_tag.tags[0][1] = vec![0xc3].try_into().unwrap();
		assert_noop!(
			Content::register_nostr_events(
				alice(),
				vec![bad_tag].try_into().unwrap(),
				H256::zero()
			),
			Error::<Test>::NotANote { index: 0 }
		);
		// The note as signed counts, its id as the post's.
		assert_ok!(Content::register_nostr_events(alice(), sorted(vec![event(1)]), H256::zero()));
		assert_eq!(NostrEvents::<Test>::get(id(&event(1))), Some(0));
		assert_eq!(
			Content::api_post_status(0, &event(1).record(1, id(&event(1))), 0, &[]),
			PostStatus::Registered
		);
	});
}

/// However cheaply notes are made, one key registers at most `MaxNotesPerPeriod` (8 here) in a
/// period; the next period, eight more.
#[test]
fn a_key_registers_at_most_its_allowance_per_period() {
	linked(|| {
		let alice = || RuntimeOrigin::signed(acc(Alice));
		assert_ok!(Content::register_nostr_events(
			alice(),
			sorted((1..=6).map(event).collect()),
			H256::zero()
		));
		// The third of these would be the key's ninth.
		assert_noop!(
			Content::register_nostr_events(
				alice(),
				sorted((7..=9).map(event).collect()),
				H256::zero()
			),
			Error::<Test>::TooManyNotes { index: 2 }
		);
		assert_ok!(Content::register_nostr_events(
			alice(),
			sorted((7..=8).map(event).collect()),
			H256::zero()
		));
		let key = nostr::public_key(&SECRET).expect("valid");
		assert_eq!(NoteAllowances::<Test>::get(key).map(|a| a.used), Some(NOTES_PER_PERIOD));
		assert_noop!(
			Content::register_nostr_events(alice(), sorted(vec![event(9)]), H256::zero()),
			Error::<Test>::TooManyNotes { index: 0 }
		);
		advance(NOTE_PERIOD - 1);
		assert_noop!(
			Content::register_nostr_events(alice(), sorted(vec![event(9)]), H256::zero()),
			Error::<Test>::TooManyNotes { index: 0 }
		);
		advance(1);
		assert_ok!(Content::register_nostr_events(
			alice(),
			sorted((9..=16).map(event).collect()),
			H256::zero()
		));
		assert_eq!(Content::api_contributions(&acc(Alice)), vec![(1, 16)]);
	});
}
