//! Deliveries metered: a capped license's recorded on chain before they are served, an uncapped
//! license's counted as owed in the store before they are sent (and recorded by
//! [`super::recorder`]); and a record as it is delivered.

use super::{render::*, state::*};
use crate::{
	chain::{self, api, Answer, Chain},
	formats::scrub::{scrub, text_of},
	store::{Cursor, Served},
};
use anyhow::Result;
use axum::http::StatusCode;
use licentia_primitives::{
	licensing::LicenseId, runtime_api::LicenseView, AccountId, Balance, BlockNumber,
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
		format!("license {id} has been served its cap of {cap} records (for a pool: or this platform its part of it)"),
	)
}

impl Gateway {
	/// Counts `count` deliveries of uncapped license `id` as owed, in the store, before they are
	/// sent: recorded on chain by the next round ([`super::recorder`]), across stops and crashes.
	pub(super) fn meter(&self, id: LicenseId, count: u64) -> Result<(), Refusal> {
		self.with_store(|store| store.owe(id, count)).map_err(store_failed)
	}

	/// License `id`'s deliveries: `recorded` on chain, and those served and owed (by every
	/// gateway on this store) not yet in a transaction.
	pub(super) fn delivered(&self, id: LicenseId, recorded: u64) -> Result<u64, Refusal> {
		let owed = self.with_store(|store| store.owed_to(id)).map_err(store_failed)?;
		Ok(recorded + owed)
	}

	/// The deliveries of license `id` recorded on chain now (by every gateway).
	pub(super) async fn recorded(&self, chain: &Chain, id: LicenseId) -> Result<u64, Refusal> {
		match chain.licentia().license(id, None).await.answer() {
			Ok(license) => Ok(license.delivered),
			Err(error) => Err(self.lost(error).await),
		}
	}

	/// What capped license `id`'s `cap` leaves this gateway to serve now: the cap less what every
	/// platform recorded, and of a pool license no more than this platform's part leaves.
	pub(super) async fn left(
		&self,
		chain: &Chain,
		id: LicenseId,
		cap: u64,
	) -> Result<u64, Refusal> {
		let total = self.recorded(chain, id).await?;
		let part = match chain.cap_part(id, self.target.id).await {
			Ok(part) => part,
			Err(error) => return Err(self.lost(error).await),
		};
		let part_left = part.map_or(u64::MAX, |(cap, delivered)| cap.saturating_sub(delivered));
		Ok(cap.saturating_sub(total).min(part_left))
	}

	/// Records `count` deliveries of license `id` on chain and returns its total; refused (409)
	/// beyond its cap.
	pub(super) async fn record(
		&self,
		chain: &Chain,
		id: LicenseId,
		count: u64,
	) -> Result<u64, Refusal> {
		let _one_at_a_time = self.recording.lock().await;
		let call = api::transactions().licensing().record_deliveries(id, self.target.id, count);
		match chain.submit(&call, &self.signer).await {
			Ok(included) => {
				let recorded = included
					.events
					.find_first::<api::licensing::events::DeliveriesRecorded>()
					.and_then(Result::ok);
				Ok(recorded.map_or(count, |event| event.delivered))
			},
			Err(error) if format!("{error:#}").contains("CapExceeded") => Err(Refusal(
				StatusCode::CONFLICT,
				"capReached",
				format!("license {id}'s cap leaves fewer than {count} records to serve"),
			)),
			Err(error) if error.is::<chain::Failed>() => Err(Refusal(
				StatusCode::FORBIDDEN,
				"refused",
				format!("the chain refused to record the deliveries: {error:#}"),
			)),
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
			index: post.index,
			proof: &post.proof,
			labels: &served.labels,
			record: None,
			content: None,
			attribution: None,
			sealed: None,
			platform: None,
			author: None,
			text: None,
		};
		if delivery.anonymisation {
			let text = content
				.and_then(|c| serde_json::from_str::<Value>(c.get()).ok())
				.map(|c| text_of(&self.target, &c))
				.unwrap_or_default();
			line.sealed = Some(post.post.sealed());
			line.platform = Some(post.post.platform);
			line.author = Some(pseudonym(&self.secret, id, &post.post.author));
			line.text = Some(scrub(&text));
		} else {
			line.record = Some(&post.post);
			line.content = Some(content.unwrap_or(RawValue::NULL));
			if delivery.attribution {
				line.attribution = Some(attribution(&post.post.author));
			}
		}
		serde_json::to_string(&line).unwrap_or_default()
	}
}
