//! Deliveries metered: counted as owed in the store before they are sent (and recorded by
//! [`super::recorder`]), a capped license's taken from its allowance ([`super::allowance`]);
//! and a record as it is delivered.

use super::{render::*, state::*};
use crate::{
	chain::{Answer, Chain},
	formats::scrub::{scrub_as_registered, text_of},
	post::blind,
	store::{Cursor, Served},
};
use anyhow::Result;
use axum::http::StatusCode;
use licentia_primitives::{
	anonymous::{anonymous_key, anonymous_leaf},
	licensing::LicenseId,
	runtime_api::LicenseView,
	AccountId, Balance, BlockNumber,
};
use licentia_rpc::LicentiaApiClient;
use serde_json::Value;

/// The answer when the store failed: nothing was delivered or metered.
pub(super) fn store_failed(error: anyhow::Error) -> Refusal {
	Refusal(StatusCode::INTERNAL_SERVER_ERROR, "store", format!("{error:#}"))
}

/// The answer when license `id` has been served its whole cap.
pub(super) fn cap_reached(id: LicenseId, cap: u64) -> Refusal {
	Refusal(
		StatusCode::CONFLICT,
		"capReached",
		format!(
			"license {id} has been served its cap of {cap} records (or this platform its part of \
			 a pool's cap; or gateways on another store hold the rest in their allowance)"
		),
	)
}

impl Gateway {
	/// Counts `count` deliveries of uncapped license `id` as owed, in the store, before they are
	/// sent: recorded on chain by the next round ([`super::recorder`]), across stops and crashes.
	pub(super) async fn meter(&self, id: LicenseId, count: u64) -> Result<(), Refusal> {
		self.ledger.owe(id, count).await.map_err(store_failed)
	}

	/// Meters `count` deliveries of `request`'s license before they are sent: how many may be
	/// sent (fewer than `count` only when a cap leaves fewer, none when it leaves nothing).
	pub(super) async fn charge(
		&self,
		chain: &Chain,
		request: &Request,
		count: u64,
	) -> Result<u64, Refusal> {
		match (count, request.cap) {
			(0, _) => Ok(0),
			(_, Some(cap)) => self.take(chain, request.id, cap, count).await,
			(_, None) => self.meter(request.id, count).await.map(|()| count),
		}
	}

	/// License `id`'s deliveries: `recorded` on chain, and those served and owed (by every
	/// gateway on this store) not yet in a transaction.
	pub(super) async fn delivered(&self, id: LicenseId, recorded: u64) -> Result<u64, Refusal> {
		let owed = self.ledger.owed_to(id).await.map_err(store_failed)?;
		Ok(recorded + owed)
	}

	/// The deliveries of license `id` recorded on chain now (by every gateway).
	pub(super) async fn recorded(&self, chain: &Chain, id: LicenseId) -> Result<u64, Refusal> {
		match chain.licentia().license(id, None).await.answer() {
			Ok(license) => Ok(license.delivered),
			Err(error) => Err(self.lost(error).await),
		}
	}

	/// Whether license's terms ask for anonymisation and attribution.
	pub(super) async fn terms(
		&self,
		chain: &Chain,
		license: &LicenseView<AccountId, Balance, BlockNumber>,
	) -> Result<Delivery, Refusal> {
		match chain.licentia().terms(license.terms, None).await.answer() {
			Ok(terms) => {
				Ok(Delivery { anonymisation: terms.anonymisation, attribution: terms.attribution })
			},
			Err(error) => Err(self.lost(error).await),
		}
	}

	/// A record as delivered under license `id`: one line of JSON. (The stored content is
	/// embedded as it is, checked but not parsed into a tree, unless the text must be scrubbed.)
	pub(super) fn deliver(
		&self,
		id: LicenseId,
		position: Cursor,
		served: &Served,
		delivery: Delivery,
	) -> String {
		use serde_json::value::RawValue;
		let post = &served.post;
		let content: Option<&RawValue> =
			served.content.as_deref().and_then(|c| serde_json::from_str(c).ok());
		let mut line = Line {
			cursor: position.to_string(),
			batch: post.batch,
			index: None,
			proof: None,
			anonymous_index: None,
			anonymous_proof: None,
			anonymous_key: None,
			labels: &served.labels,
			record: None,
			content: None,
			attribution: None,
			platform: None,
			author: None,
			text: None,
			scrub: None,
		};
		if delivery.anonymisation {
			// Nothing that leads to the record: its place and proof in the anonymous tree (the
			// store serves an anonymised license only posts that have one), and the key the
			// buyer hashes the text with.
			let text = content
				.and_then(|c| serde_json::from_str::<Value>(c.get()).ok())
				.map(|c| text_of(&self.target, &c))
				.unwrap_or_default();
			let key = anonymous_key(&blind(&self.target.salt_key, &post.post));
			let leaf = served.anonymous.as_ref().map(|place| place.leaf);
			let (text, version) =
				scrub_as_registered(&text, |hash| leaf == Some(anonymous_leaf(&key, hash)));
			if let Some(place) = &served.anonymous {
				line.anonymous_index = Some(place.index);
				line.anonymous_proof = Some(&place.proof);
			}
			line.anonymous_key = Some(key);
			line.platform = Some(post.post.platform);
			line.author = Some(pseudonym(&self.ledger.secret(), id, &post.post.author));
			line.text = Some(text);
			line.scrub = Some(version);
		} else {
			line.index = Some(post.index);
			line.proof = Some(&post.proof);
			line.record = Some(&post.post);
			line.content = Some(content.unwrap_or(RawValue::NULL));
			if delivery.attribution {
				line.attribution = Some(attribution(&post.post.author));
			}
		}
		serde_json::to_string(&line).unwrap_or_default()
	}
}
