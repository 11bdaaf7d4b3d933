//! Batches, from before their transaction is submitted to the release of their bond.

use super::*;
use crate::post::source_id;
use licentia_primitives::anonymous::{self, AnonymousOpening};

/// A post of a batch and its anonymous leaf: its key in the store, its platform and the leaf.
pub type AnonymousPost = (String, i64, Hash);

impl Store {
	/// The registered batches not known to be settled (active with their tail over, or gone),
	/// with their posts in leaf order.
	pub fn inactive_batches(&self) -> Result<BTreeMap<BatchId, Vec<PostRecord>>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.record FROM batches b JOIN posts p ON p.batch = b.key
			 WHERE b.state = 'registered' AND b.released = 0 ORDER BY b.id, p.leaf",
		)?;
		let mut batches = BTreeMap::<BatchId, Vec<PostRecord>>::new();
		let rows = query
			.query_map([], |row| Ok((row.get(0)?, decode_record(&row.get::<_, Vec<u8>>(1)?)?)))?;
		for row in rows {
			let (id, record) = row?;
			batches.entry(id).or_default().push(record);
		}
		Ok(batches)
	}

	/// The registered post at leaf `index` of batch `id`, with its proof.
	pub fn leaf(&self, id: BatchId, index: u32) -> Result<Option<RegisteredPost>> {
		let mut query = self.connection.prepare_cached(
			"SELECT b.id, p.leaf, p.record, p.proof FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE b.id = ?1 AND b.state = 'registered' AND p.leaf = ?2",
		)?;
		Ok(query.query_row(params![id, index], registered_post).optional()?)
	}

	/// What opens the anonymous leaf of leaf `index` of batch `id` (its blind, made with the
	/// store's `key`), as the chain's sample of it needs; `None` if it has no anonymous place.
	pub fn anonymous_opening(
		&self,
		key: &SaltKey,
		id: BatchId,
		index: u32,
	) -> Result<Option<AnonymousOpening>> {
		let mut query = self.connection.prepare_cached(
			"SELECT p.record, p.anonymous, p.anonymous_index, p.anonymous_proof
			 FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE b.id = ?1 AND b.state = 'registered' AND p.leaf = ?2",
		)?;
		let row = query
			.query_row(params![id, index], |row| {
				Ok((decode_record(&row.get::<_, Vec<u8>>(0)?)?, anonymous_place(row, 1)?))
			})
			.optional()?;
		let Some((record, Some(place))) = row else { return Ok(None) };
		let proof = place.proof.try_into().map_err(|_| anyhow::anyhow!("a proof too long"))?;
		let blind = crate::post::blind(key, &record);
		Ok(Some(AnonymousOpening { blind, leaf: place.leaf, index: place.index, proof }))
	}

	/// Records that the chain's sample made leaf `index` of batch `id` public with its anonymous
	/// leaf: the gateway never delivers it anonymised.
	pub fn mark_exposed(&mut self, id: BatchId, index: u32) -> Result<()> {
		self.connection.execute(
			"UPDATE posts SET exposed = 1
			 WHERE leaf = ?2 AND batch = (SELECT key FROM batches WHERE id = ?1)",
			params![id, index],
		)?;
		Ok(())
	}

	/// The registered batches without an anonymous tree: registered under leaf format 2.
	pub fn without_anonymous_root(&self) -> Result<Vec<BatchId>> {
		let mut query = self.connection.prepare_cached(
			"SELECT id FROM batches WHERE state = 'registered' AND anonymous_root IS NULL
			 ORDER BY id",
		)?;
		let rows = query.query_map([], |row| row.get(0))?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// The anonymous root batch `id` (registered under leaf format 2, whose records' last field
	/// is their scrubbed text's hash) gets from the store's `key`, and its posts' anonymous
	/// leaves: what `commit_anonymous_root` sends before [`Store::place_legacy`] stores it.
	pub fn legacy_anonymous(
		&self,
		key: &SaltKey,
		id: BatchId,
	) -> Result<(Hash, Vec<AnonymousPost>)> {
		let mut query = self.connection.prepare_cached(
			"SELECT p.post, p.record FROM posts p JOIN batches b ON b.key = p.batch
			 WHERE b.id = ?1 AND b.state = 'registered' ORDER BY p.leaf",
		)?;
		let rows = query.query_map(params![id], |row| {
			Ok((row.get::<_, String>(0)?, decode_record(&row.get::<_, Vec<u8>>(1)?)?))
		})?;
		let mut posts = Vec::new();
		for row in rows {
			let (post, record) = row?;
			let anonymous_key = anonymous::anonymous_key(&crate::post::blind(key, &record));
			let leaf = anonymous::anonymous_leaf(&anonymous_key, &record.text_seal);
			posts.push((post, i64::from(record.platform), leaf));
		}
		let mut tree: Vec<Hash> = posts.iter().map(|(.., leaf)| *leaf).collect();
		anonymous::anonymous_order(&mut tree);
		Ok((batch_root(tree), posts))
	}

	/// Stores the anonymous tree of batch `id` that [`Store::legacy_anonymous`] made, once the
	/// chain holds its root.
	pub fn place_legacy(&mut self, id: BatchId, posts: &[AnonymousPost]) -> Result<Hash> {
		let tx = self.connection.transaction()?;
		let key: i64 =
			tx.query_row("SELECT key FROM batches WHERE id = ?1", params![id], |row| row.get(0))?;
		let root = place_anonymous(&tx, key, posts)?;
		tx.commit()?;
		Ok(root)
	}

	/// Records that batch `id` is active: its posts can be revoked. Its tail is still watched.
	pub fn mark_active(&mut self, id: BatchId) -> Result<()> {
		self.connection
			.execute("UPDATE batches SET activated = 1 WHERE id = ?1", params![id])?;
		Ok(())
	}

	/// Records that batch `id` is settled: active with its tail over (or gone: voided by a
	/// challenge), so that it is not looked at again.
	pub fn mark_settled(&mut self, id: BatchId) -> Result<()> {
		self.connection
			.execute("UPDATE batches SET activated = 1, released = 1 WHERE id = ?1", params![id])?;
		Ok(())
	}

	/// Batches submitted and not yet known to be registered, by nonce.
	pub fn pending(&self) -> Result<Vec<Pending>> {
		let mut batches = self.connection.prepare_cached(
			"SELECT key, root, batches_before, nonce FROM batches WHERE state = 'pending'
			 ORDER BY nonce",
		)?;
		let mut posts = self
			.connection
			.prepare_cached("SELECT record FROM posts WHERE batch = ?1 ORDER BY leaf")?;
		let rows = batches.query_map([], |row| {
			Ok((
				row.get::<_, i64>(0)?,
				Hash::from_slice(&row.get::<_, [u8; 32]>(1)?),
				row.get(2)?,
				row.get(3)?,
			))
		})?;
		let mut pending = Vec::new();
		for row in rows {
			let (key, root, batches_before, nonce) = row?;
			let records =
				posts.query_map(params![key], |row| decode_record(&row.get::<_, Vec<u8>>(0)?))?;
			let posts = records.collect::<rusqlite::Result<_>>()?;
			pending.push(Pending { root, batches_before, nonce, posts });
		}
		Ok(pending)
	}

	/// How many posts are registered.
	pub fn len(&self) -> Result<usize> {
		let query = "SELECT count(*) FROM posts p JOIN batches b ON b.key = p.batch
			WHERE b.state = 'registered'";
		Ok(self.connection.query_row(query, [], |row| row.get::<_, i64>(0))? as usize)
	}

	/// Records a batch about to be submitted with `nonce`: its posts are taken from then on.
	pub fn add_pending(
		&mut self,
		platform: PlatformId,
		root: Hash,
		batches_before: BatchId,
		nonce: u64,
		posts: &[Post],
	) -> Result<()> {
		let tx = self.connection.transaction()?;
		add_pending(&tx, platform, root, batches_before, nonce, posts)?;
		Ok(tx.commit()?)
	}

	/// A pending batch never reached the chain: its posts are free to register again.
	pub fn abandon(&mut self, root: Hash) -> Result<()> {
		let tx = self.connection.transaction()?;
		abandon(&tx, root)?;
		Ok(tx.commit()?)
	}

	/// The pending batch with `root` is batch `id` on chain, finalized in `block`: its posts get
	/// their proofs (all computed in one pass over the tree). Returns how many posts it holds.
	pub fn register(&mut self, root: Hash, id: BatchId, block: Hash) -> Result<usize> {
		let tx = self.connection.transaction()?;
		let posts = register(&tx, root, id, block)?;
		tx.commit()?;
		Ok(posts)
	}
}

pub(super) fn add_pending(
	tx: &Transaction,
	platform: PlatformId,
	root: Hash,
	batches_before: BatchId,
	nonce: u64,
	posts: &[Post],
) -> Result<()> {
	tx.execute(
		"INSERT INTO batches (root, platform, state, batches_before, nonce)
		 VALUES (?1, ?2, 'pending', ?3, ?4)",
		params![root.as_bytes(), platform, batches_before, nonce],
	)?;
	let key = tx.last_insert_rowid();
	let mut insert = tx.prepare_cached(
		"INSERT INTO posts
		 (platform, post, source, author, batch, leaf, record, content, labels, anonymous)
		 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	)?;
	for (leaf, post) in posts.iter().enumerate() {
		let record = &post.record;
		insert
			.execute(params![
				record.platform,
				post_key(&record.post),
				source_id(&record.post),
				author_key(&record.author),
				key,
				leaf as u32,
				record.encode(),
				post.content,
				labels_json(&post.labels),
				post.anonymous.as_bytes(),
			])
			.with_context(|| format!("storing post {}", source_id(&record.post)))?;
	}
	Ok(())
}

pub(super) fn abandon(tx: &Transaction, root: Hash) -> Result<()> {
	tx.execute(
		"DELETE FROM posts WHERE batch IN
		 (SELECT key FROM batches WHERE root = ?1 AND state = 'pending')",
		params![root.as_bytes()],
	)?;
	tx.execute(
		"UPDATE batches SET state = 'abandoned' WHERE root = ?1 AND state = 'pending'",
		params![root.as_bytes()],
	)?;
	Ok(())
}

pub(super) fn register(tx: &Transaction, root: Hash, id: BatchId, block: Hash) -> Result<usize> {
	let key: i64 = tx
		.query_row(
			"SELECT key FROM batches WHERE root = ?1 AND state = 'pending'",
			params![root.as_bytes()],
			|row| row.get(0),
		)
		.optional()?
		.with_context(|| format!("no pending batch with root {root:?} in the store"))?;
	let records: Vec<(String, PostRecord, Option<Vec<u8>>)> = {
		let mut query = tx.prepare_cached(
			"SELECT post, record, anonymous FROM posts WHERE batch = ?1 ORDER BY leaf",
		)?;
		let rows = query.query_map(params![key], |row| {
			Ok((row.get(0)?, decode_record(&row.get::<_, Vec<u8>>(1)?)?, row.get(2)?))
		})?;
		rows.collect::<rusqlite::Result<_>>()?
	};
	let leaves: Vec<Hash> = records.iter().map(|(_, record, _)| record.leaf_hash()).collect();
	let mut update =
		tx.prepare_cached("UPDATE posts SET proof = ?3 WHERE platform = ?1 AND post = ?2")?;
	for ((post, record, _), proof) in records.iter().zip(batch_proofs(&leaves)) {
		update.execute(params![record.platform, post, proof_blob(&proof)])?;
	}
	tx.execute(
		"UPDATE batches SET state = 'registered', id = ?2, block = ?3 WHERE key = ?1",
		params![key, id, block.as_bytes()],
	)?;
	// A batch read under leaf format 2 (pending when the bridge was upgraded) has no anonymous
	// leaves: it gets its anonymous tree as older batches do (`anonymize_legacy`).
	let anonymous: Option<Vec<AnonymousPost>> = records
		.iter()
		.map(|(post, record, leaf)| {
			let leaf = leaf.as_deref().filter(|l| l.len() == 32)?;
			Some((post.clone(), record.platform.into(), Hash::from_slice(leaf)))
		})
		.collect();
	if let Some(anonymous) = anonymous {
		place_anonymous(tx, key, &anonymous)?;
	}
	Ok(records.len())
}

/// Lays out the anonymous tree of the batch with store key `key`, whose posts (by platform and
/// post key) have the anonymous leaves `posts`: each post's place in it and proof, and the
/// batch's anonymous root.
pub(super) fn place_anonymous(tx: &Transaction, key: i64, posts: &[AnonymousPost]) -> Result<Hash> {
	let mut order: Vec<usize> = (0..posts.len()).collect();
	order.sort_by_key(|&i| posts[i].2);
	let tree: Vec<Hash> = order.iter().map(|&i| posts[i].2).collect();
	let mut update = tx.prepare_cached(
		"UPDATE posts SET anonymous = ?3, anonymous_index = ?4, anonymous_proof = ?5
		 WHERE platform = ?1 AND post = ?2",
	)?;
	for (place, (&i, proof)) in order.iter().zip(batch_proofs(&tree)).enumerate() {
		let (post, platform, leaf) = &posts[i];
		update.execute(params![
			platform,
			post,
			leaf.as_bytes(),
			place as i64,
			proof_blob(&proof)
		])?;
	}
	let root = batch_root(tree);
	tx.execute(
		"UPDATE batches SET anonymous_root = ?2 WHERE key = ?1",
		params![key, root.as_bytes()],
	)?;
	Ok(root)
}
