//! What a live source read and the bridge has not registered or revoked yet (`follow`): the
//! queue of posts, the withdrawals, and each source's cursor.

use super::*;
use crate::post::source_id;

impl Withdrawal {
	/// Its kind, as the `withdrawals` table records it.
	pub(super) fn kind(&self) -> &'static str {
		match self {
			Withdrawal::Post(_) => "post",
			Withdrawal::Author(_) => "author",
		}
	}

	/// The column of `posts` and `queue` it names rows by, and the value.
	pub(super) fn column(&self) -> (&'static str, String) {
		match self {
			Withdrawal::Post(id) => ("source", id.clone()),
			Withdrawal::Author(author) => ("author", author_key(author)),
		}
	}
}

impl Store {
	/// Posts read from a live source: queued (each once) with the source's new cursor, in one
	/// transaction.
	pub fn enqueue(
		&mut self,
		posts: &[Post],
		withdrawals: &[(PlatformId, Withdrawal, String)],
		cursor: Option<(&str, &str)>,
	) -> Result<usize> {
		let tx = self.connection.transaction()?;
		let mut queued = 0;
		{
			let mut insert = tx.prepare_cached(
				"INSERT OR IGNORE INTO queue
				 (platform, post, source, author, record, event, content, seen, labels, anonymous)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			)?;
			let seen = now();
			for post in posts {
				let record = &post.record;
				queued += insert.execute(params![
					record.platform,
					post_key(&record.post),
					source_id(&record.post),
					author_key(&record.author),
					record.encode(),
					post.event.as_ref().map(encode_event),
					post.content,
					seen,
					labels_json(&post.labels),
					post.anonymous.as_bytes(),
				])?;
			}
			let mut withdraw = tx.prepare_cached(
				"INSERT OR IGNORE INTO withdrawals (platform, kind, target, reason, seen)
				 VALUES (?1, ?2, ?3, ?4, ?5)",
			)?;
			for (platform, withdrawal, reason) in withdrawals {
				let (_, target) = withdrawal.column();
				withdraw.execute(params![platform, withdrawal.kind(), target, reason, seen])?;
			}
		}
		if let Some((source, value)) = cursor {
			set_cursor(&tx, source, value)?;
		}
		tx.commit()?;
		Ok(queued)
	}

	/// The queued posts seen at or before `seen` (seconds since 1970), oldest first.
	pub fn queued(&self, seen: i64) -> Result<Vec<Post>> {
		let mut query = self.connection.prepare_cached(
			"SELECT record, event, content, labels, anonymous FROM queue WHERE seen <= ?1
			 ORDER BY seen",
		)?;
		let rows = query.query_map(params![seen], |row| {
			let record = decode_record(&row.get::<_, Vec<u8>>(0)?)?;
			let event = row.get::<_, Option<Vec<u8>>>(1)?.and_then(|blob| decode_event(&blob));
			Ok(Post {
				position: crate::post::Position::Line(0),
				record,
				anonymous: hash_or_zero(row.get::<_, Option<Vec<u8>>>(4)?),
				event,
				content: row.get(2)?,
				labels: row
					.get::<_, Option<String>>(3)?
					.and_then(|labels| serde_json::from_str(&labels).ok())
					.unwrap_or_default(),
			})
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Removes these posts from the queue (registered, refused or withdrawn).
	pub fn dequeue(&mut self, posts: &[Post]) -> Result<()> {
		let tx = self.connection.transaction()?;
		{
			let mut delete =
				tx.prepare_cached("DELETE FROM queue WHERE platform = ?1 AND post = ?2")?;
			for post in posts {
				delete.execute(params![post.record.platform, post_key(&post.record.post)])?;
			}
		}
		Ok(tx.commit()?)
	}

	/// How many posts are queued.
	pub fn queue_len(&self) -> Result<usize> {
		let count = self
			.connection
			.query_row("SELECT count(*) FROM queue", [], |row| row.get::<_, i64>(0))?;
		Ok(count as usize)
	}

	/// The withdrawals not yet carried out, with their reasons.
	pub fn withdrawals(&self) -> Result<Vec<(PlatformId, Withdrawal, String)>> {
		let mut query = self.connection.prepare_cached(
			"SELECT platform, kind, target, reason FROM withdrawals ORDER BY seen",
		)?;
		let rows = query.query_map([], |row| {
			let platform: PlatformId = row.get(0)?;
			let kind: String = row.get(1)?;
			let target: String = row.get(2)?;
			Ok((platform, kind, target, row.get::<_, String>(3)?))
		})?;
		let mut withdrawals = Vec::new();
		for row in rows {
			let (platform, kind, target, reason) = row?;
			let withdrawal = if kind == "author" {
				Withdrawal::Author(serde_json::from_str(&target).context("a withdrawn author")?)
			} else {
				Withdrawal::Post(target)
			};
			withdrawals.push((platform, withdrawal, reason));
		}
		Ok(withdrawals)
	}

	/// Drops the queued posts a withdrawal names (they are never registered); returns how many.
	pub fn withdraw_queued(
		&mut self,
		platform: PlatformId,
		withdrawal: &Withdrawal,
	) -> Result<usize> {
		let (column, value) = withdrawal.column();
		Ok(self.connection.execute(
			&format!("DELETE FROM queue WHERE {column} = ?1 AND platform = ?2"),
			params![value, platform],
		)?)
	}

	/// A withdrawal was carried out (or found nothing to withdraw).
	pub fn withdrawal_done(&mut self, platform: PlatformId, withdrawal: &Withdrawal) -> Result<()> {
		let ((_, target), kind) = (withdrawal.column(), withdrawal.kind());
		self.connection.execute(
			"DELETE FROM withdrawals WHERE platform = ?1 AND kind = ?2 AND target = ?3",
			params![platform, kind, target],
		)?;
		Ok(())
	}

	/// Where `source` stopped.
	pub fn cursor(&self, source: &str) -> Result<Option<String>> {
		let query = "SELECT value FROM cursors WHERE source = ?1";
		Ok(self.connection.query_row(query, params![source], |row| row.get(0)).optional()?)
	}

	/// Whether some post `withdrawal` names is in a batch whose fate is not known yet, or that
	/// is not known to be active (the chain revokes only posts of active batches).
	pub fn withdrawal_pending(
		&self,
		platform: PlatformId,
		withdrawal: &Withdrawal,
	) -> Result<bool> {
		let (column, value) = withdrawal.column();
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT 1 FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.{column} = ?1 AND p.platform = ?2 AND p.revoked IS NULL
			   AND (b.state = 'pending' OR b.activated = 0)"
		))?;
		Ok(query.exists(params![value, platform])?)
	}

	/// Whether the store has (in a batch or queued) a post `withdrawal` names: what a follower
	/// keeps of the source's withdrawals (the others name posts it never had).
	pub fn knows(&self, platform: PlatformId, withdrawal: &Withdrawal) -> Result<bool> {
		let (column, value) = withdrawal.column();
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT EXISTS (SELECT 1 FROM posts WHERE {column} = ?1 AND platform = ?2)
			     OR EXISTS (SELECT 1 FROM queue WHERE {column} = ?1 AND platform = ?2)"
		))?;
		Ok(query.query_row(params![value, platform], |row| row.get(0))?)
	}
}

pub(super) fn set_cursor(tx: &Transaction, source: &str, value: &str) -> Result<()> {
	tx.execute(
		"INSERT INTO cursors (source, value, updated) VALUES (?1, ?2, ?3)
		 ON CONFLICT (source) DO UPDATE SET value = ?2, updated = ?3",
		params![source, value, now()],
	)?;
	Ok(())
}
