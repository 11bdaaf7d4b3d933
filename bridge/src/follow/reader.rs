//! A source's reader: reads items and writes them, with the source's cursor, to the store's queue
//! and withdrawals, reconnecting with backoff until the stop.

use super::sources::{mastodon_page, Source};
use crate::{
	formats,
	metrics::Metrics,
	post::{source_id, Item, Post, Target, Withdrawal},
	store::Store,
};
use anyhow::Result;
use licentia_primitives::consent::Identity;
use std::{
	path::PathBuf,
	time::{Duration, Instant},
};
use tokio::sync::watch;

/// The reader writes what it read at least this often (and every `FLUSH_ITEMS` items).
pub(super) const FLUSH_EVERY: Duration = Duration::from_millis(500);

pub(super) const FLUSH_ITEMS: usize = 1_000;

/// The reader's reconnections back off up to this.
pub(super) const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// A reader: follows `source` from the store's cursor, reconnecting with backoff, until `stop`.
pub(super) async fn read_source(
	source: Source,
	target: Target,
	store: PathBuf,
	metrics: Metrics,
	mut stop: watch::Receiver<bool>,
) -> Result<()> {
	let mut store = Store::open(&store)?;
	let client = reqwest::Client::builder()
		.connect_timeout(Duration::from_secs(10))
		.user_agent(concat!("licentia-bridge/", env!("CARGO_PKG_VERSION")))
		.build()?;
	let mut backoff = Duration::from_secs(1);
	let mut reader = Reader { source: &source, target: &target, metrics: &metrics };
	loop {
		let started = Instant::now();
		let outcome = tokio::select! {
			outcome = reader.follow(&client, &mut store) => outcome,
			_ = stop.changed() => return Ok(()),
		};
		match outcome {
			Ok(()) => eprintln!("{} closed the connection", source.endpoint()),
			Err(error) => eprintln!("reading {}: {error:#}", source.endpoint()),
		}
		if started.elapsed() > MAX_BACKOFF {
			backoff = Duration::from_secs(1);
		}
		metrics.reconnects.inc();
		tokio::select! {
			_ = tokio::time::sleep(backoff) => {},
			_ = stop.changed() => return Ok(()),
		}
		backoff = (backoff * 2).min(MAX_BACKOFF);
		reader = Reader { source: &source, target: &target, metrics: &metrics };
	}
}

/// One source's reader.
pub(super) struct Reader<'a> {
	pub(super) source: &'a Source,
	pub(super) target: &'a Target,
	pub(super) metrics: &'a Metrics,
}

impl Reader<'_> {
	/// Connects and reads until the source closes the connection or fails. What was read is
	/// written at least every `FLUSH_EVERY` (and on the way out: cancelled by a stop, the
	/// reader loses at most what it read since its last write, which the cursor makes it read
	/// again).
	pub(super) async fn follow(
		&mut self,
		client: &reqwest::Client,
		store: &mut Store,
	) -> Result<()> {
		let name = self.source.cursor_name();
		let cursor = store.cursor(&name)?.and_then(|c| c.parse::<u64>().ok());
		let mut feed = self.source.open(client, cursor).await?;
		// Mastodon's stream does not replay: what was posted while the bridge was away is read
		// from the public timeline (the stream is open first, so nothing falls between).
		if let (Source::Mastodon { instance, token }, Some(mut since)) = (self.source, cursor) {
			loop {
				let page = mastodon_page(client, instance, token.as_deref(), since).await?;
				let last = page.last().and_then(|s| s["id"].as_str()?.parse::<u64>().ok());
				// An empty page is the end; one that does not move forward is an instance that
				// ignores `min_id` (the stream takes over).
				let Some(last) = last.filter(|last| *last > since) else { break };
				since = last;
				let mut read = Read::default();
				for status in &page {
					self.read_item(&status.to_string(), store, &mut read)?;
				}
				write(store, &name, &mut read)?;
			}
		}
		let mut read = Read::default();
		let mut flush = tokio::time::interval(FLUSH_EVERY);
		let outcome = loop {
			let item = tokio::select! {
				item = feed.next() => item,
				_ = flush.tick() => {
					write(store, &name, &mut read)?;
					continue;
				},
			};
			match item {
				Ok(Some(text)) => self.read_item(&text, store, &mut read)?,
				Ok(None) => break Ok(()),
				Err(error) => break Err(error),
			}
			if read.items >= FLUSH_ITEMS {
				write(store, &name, &mut read)?;
			}
		};
		write(store, &name, &mut read)?;
		outcome
	}

	/// Takes one item of the source: a post is queued, a withdrawal of something the bridge has
	/// (or has queued) is recorded, the rest is counted.
	pub(super) fn read_item(&self, text: &str, store: &Store, read: &mut Read) -> Result<()> {
		let (target, metrics) = (self.target, self.metrics);
		let value: serde_json::Value = match serde_json::from_str(text) {
			Ok(value) => value,
			Err(error) => {
				metrics.seen.with_label_values(&["unreadable"]).inc();
				eprintln!("an item that is not JSON: {error}");
				return Ok(());
			},
		};
		read.items += 1;
		let item = formats::read_item(target, &value);
		let post = match &item {
			Ok(Item::Post(record, ..) | Item::Edited(record, ..)) => Some(record),
			_ => None,
		};
		if let Some((position, age)) = self.source.position(&value, post) {
			read.cursor = Some(read.cursor.map_or(position, |c| c.max(position)));
			metrics.lag.set(age);
		}
		let (record, event, labels, earlier) = match item {
			Ok(Item::Post(record, event, labels)) => (record, event, labels, Vec::new()),
			Ok(Item::Edited(record, labels, earlier)) => (record, None, labels, earlier),
			Ok(Item::Withdrawal(withdrawal, reason)) => {
				metrics.seen.with_label_values(&["withdrawal"]).inc();
				return read.withdraw(store, target, withdrawal, reason);
			},
			Ok(Item::NostrDeletion { ids, by }) => {
				metrics.seen.with_label_values(&["withdrawal"]).inc();
				// NIP-09: a deletion withdraws only its own key's events.
				for id in ids {
					let author = match read.queued_author(&id) {
						Some(author) => Some(author),
						None => store.source_author(target.id, &id)?,
					};
					if author.as_ref() == Some(&by) {
						let deleted = (target.id, Withdrawal::Post(id), "deleted".into());
						read.withdrawals.push(deleted);
					}
				}
				return Ok(());
			},
			Ok(Item::StatusDeletion(status)) => {
				metrics.seen.with_label_values(&["withdrawal"]).inc();
				let suffix = format!("/statuses/{status}");
				let queued = read
					.posts
					.iter()
					.map(|p| source_id(&p.record.post))
					.find(|uri| uri.ends_with(&suffix));
				let uri = match queued {
					Some(uri) => Some(uri),
					None => store.status_uri(target.id, &status)?,
				};
				if let Some(uri) = uri {
					read.withdrawals.push((target.id, Withdrawal::Post(uri), "deleted".into()));
				}
				return Ok(());
			},
			Ok(Item::Skipped) => {
				metrics.seen.with_label_values(&["skipped"]).inc();
				return Ok(());
			},
			Err(reason) => {
				metrics.seen.with_label_values(&["unreadable"]).inc();
				eprintln!("skipping an item: {reason}");
				return Ok(());
			},
		};
		metrics.seen.with_label_values(&["post"]).inc();
		let content = Some(value.to_string());
		let position = crate::post::Position::Line(0);
		let anonymous = crate::formats::anonymous_leaf(target, &record, &value);
		read.posts.push(Post { position, record, anonymous, event, content, labels });
		for id in earlier {
			read.withdraw(store, target, Withdrawal::Post(id), "edited".into())?;
		}
		Ok(())
	}
}

/// What the reader read since its last write.
#[derive(Default)]
pub(super) struct Read {
	pub(super) posts: Vec<Post>,
	pub(super) withdrawals: Vec<(u32, Withdrawal, String)>,
	pub(super) cursor: Option<u64>,
	pub(super) items: usize,
}

impl Read {
	/// The author of a post read and not yet written, by its id at the source.
	pub(super) fn queued_author(&self, id: &str) -> Option<Identity> {
		self.posts
			.iter()
			.find(|p| source_id(&p.record.post) == id)
			.map(|p| p.record.author.clone())
	}

	/// Records a withdrawal of something the bridge has, has queued or has just read.
	pub(super) fn withdraw(
		&mut self,
		store: &Store,
		target: &Target,
		withdrawal: Withdrawal,
		reason: String,
	) -> Result<()> {
		let read = self.posts.iter().any(|p| match &withdrawal {
			Withdrawal::Post(id) => source_id(&p.record.post) == *id,
			Withdrawal::Author(author) => p.record.author == *author,
		});
		if read || store.knows(target.id, &withdrawal)? {
			self.withdrawals.push((target.id, withdrawal, reason));
		}
		Ok(())
	}
}

/// Writes what was read, with the cursor after it, in one transaction.
pub(super) fn write(store: &mut Store, name: &str, read: &mut Read) -> Result<()> {
	if read.items == 0 {
		return Ok(());
	}
	let cursor = read.cursor.map(|c| c.to_string());
	store.enqueue(&read.posts, &read.withdrawals, cursor.as_deref().map(|c| (name, c)))?;
	*read = Read::default();
	Ok(())
}
