//! Registered posts: what access checks, revocations and the gateway read.

use super::*;

impl Store {
	/// Whether the post is in a batch (registered, or pending and not abandoned).
	pub fn contains(&self, platform: PlatformId, post: &PostId) -> Result<bool> {
		let mut query = self
			.connection
			.prepare_cached("SELECT 1 FROM posts WHERE platform = ?1 AND post = ?2")?;
		Ok(query.exists(params![platform, post_key(post)])?)
	}

	/// The registered post, with its proof.
	pub fn get(&self, platform: PlatformId, post: &PostId) -> Result<Option<RegisteredPost>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.platform = ?1 AND p.post = ?2 AND b.state = 'registered'",
		)?;
		Ok(query.query_row(params![platform, post_key(post)], registered_post).optional()?)
	}

	/// Every registered post, by platform and post id.
	pub fn posts(&self) -> Result<Vec<RegisteredPost>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE b.state = 'registered' ORDER BY p.platform, p.post",
		)?;
		let rows = query.query_map([], registered_post)?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Up to `limit` registered, not revoked posts of `platform` after `after`, with their
	/// content and labels: what the gateway serves, page by page. A page's last position is the
	/// next page's `after`. In the store's order (batches as recorded, leaves in order), or for
	/// an anonymised license (`anonymous`) in each batch's anonymous order, which says nothing
	/// about the layout, and only posts that have a place there and that no sample exposed.
	/// (The unary `+` keeps SQLite from the primary key's `platform`, which would sort every
	/// post of the platform for each page, on the index in page order.)
	pub fn page(
		&self,
		platform: PlatformId,
		after: Cursor,
		limit: usize,
		anonymous: bool,
	) -> Result<Vec<(Cursor, Served)>> {
		let (place, only) = match anonymous {
			true => ("p.anonymous_index", "AND p.anonymous_index IS NOT NULL AND p.exposed = 0"),
			false => ("p.leaf", ""),
		};
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT b.id, p.leaf, p.record, p.proof, p.content, p.labels, p.batch, {place},
			   p.anonymous, p.anonymous_index, p.anonymous_proof
			 FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE +p.platform = ?1 AND b.state = 'registered' AND p.revoked IS NULL {only}
			   AND (p.batch, {place}) > (?2, ?3)
			 ORDER BY p.batch, {place} LIMIT ?4"
		))?;
		let rows =
			query.query_map(params![platform, after.batch, after.leaf, limit as i64], |row| {
				let post = registered_post(row)?;
				let labels: Option<String> = row.get(5)?;
				let served = Served {
					content: row.get(4)?,
					labels: labels.and_then(|l| serde_json::from_str(&l).ok()).unwrap_or_default(),
					anonymous: anonymous_place(row, 8)?,
					post,
				};
				Ok((Cursor { batch: row.get(6)?, leaf: row.get(7)? }, served))
			})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// The registered posts of `platform` at `positions` (those the store has; revoked ones
	/// too), places in the store's order or, for an anonymised license (`anonymous`), in the
	/// anonymous one: what a gateway re-checks for a buyer honouring withdrawals.
	pub fn at_positions(
		&self,
		platform: PlatformId,
		positions: &[Cursor],
		anonymous: bool,
	) -> Result<Vec<(Cursor, RegisteredPost)>> {
		let place = if anonymous { "p.anonymous_index" } else { "p.leaf" };
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.batch = ?1 AND {place} = ?2 AND p.platform = ?3 AND b.state = 'registered'"
		))?;
		let mut found = Vec::new();
		for position in positions {
			let post = query
				.query_row(params![position.batch, position.leaf, platform], registered_post)
				.optional()?;
			found.extend(post.map(|post| (*position, post)));
		}
		Ok(found)
	}

	/// The registered, not revoked posts that `withdrawal` names (of `platform` only, if given).
	pub fn withdrawn(
		&self,
		platform: Option<PlatformId>,
		withdrawal: &Withdrawal,
	) -> Result<Vec<RegisteredPost>> {
		let (column, value) = withdrawal.column();
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.{column} = ?1 AND (?2 IS NULL OR p.platform = ?2)
			   AND b.state = 'registered' AND p.revoked IS NULL ORDER BY b.id, p.leaf"
		))?;
		let rows = query.query_map(params![value, platform], registered_post)?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// How many registered posts (revoked or not) have this id at the source.
	pub fn count_by_source(&self, platform: Option<PlatformId>, id: &str) -> Result<usize> {
		let mut query = self.connection.prepare_cached(
			"SELECT count(*) FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE p.source = ?1 AND (?2 IS NULL OR p.platform = ?2) AND b.state = 'registered'",
		)?;
		Ok(query.query_row(params![id, platform], |row| row.get::<_, i64>(0))? as usize)
	}

	/// The author of the post (in a batch or queued) with this id at the source.
	pub fn source_author(&self, platform: PlatformId, id: &str) -> Result<Option<Identity>> {
		let mut query = self.connection.prepare_cached(
			"SELECT author FROM posts WHERE source = ?1 AND platform = ?2
			 UNION ALL SELECT author FROM queue WHERE source = ?1 AND platform = ?2 LIMIT 1",
		)?;
		let author: Option<String> =
			query.query_row(params![id, platform], |row| row.get(0)).optional()?;
		Ok(author.and_then(|author| serde_json::from_str(&author).ok()))
	}

	/// The URI of the Mastodon status (in a batch or queued) with this id.
	pub fn status_uri(&self, platform: PlatformId, status: &str) -> Result<Option<String>> {
		let mut query = self.connection.prepare_cached(&format!(
			"SELECT source FROM posts WHERE platform = ?1 AND {STATUS_ID} = ?2
			 UNION ALL SELECT source FROM queue WHERE platform = ?1 AND {STATUS_ID} = ?2 LIMIT 1"
		))?;
		Ok(query.query_row(params![platform, status], |row| row.get(0)).optional()?)
	}

	/// Records that these posts are revoked on chain.
	pub fn mark_revoked(&mut self, posts: &[RegisteredPost]) -> Result<()> {
		let tx = self.connection.transaction()?;
		{
			let mut update = tx.prepare_cached(
				"UPDATE posts SET revoked = ?3 WHERE platform = ?1 AND post = ?2 AND revoked IS NULL",
			)?;
			let at = now();
			for post in posts {
				update.execute(params![post.post.platform, post_key(&post.post.post), at])?;
			}
		}
		Ok(tx.commit()?)
	}
}
