//! Deliveries recorded on chain: a capped license's before they are served, an uncapped
//! license's summed and recorded every few seconds and at the stop.

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
use std::sync::Arc;

pub(super) fn cap_reached(id: LicenseId, cap: u64) -> Refusal {
	Refusal(
		StatusCode::CONFLICT,
		"capReached",
		format!("license {id} has been served its cap of {cap} records"),
	)
}

impl Gateway {
	/// Counts `count` deliveries of uncapped license `id`, recorded on chain with the next flush.
	pub(super) fn meter(&self, id: LicenseId, count: u64) {
		if count > 0 {
			*self.unrecorded.lock().expect("not poisoned").entry(id).or_default() += count;
		}
	}

	/// License `id`'s deliveries: `recorded` on chain, and those this gateway served and has yet
	/// to record.
	pub(super) fn delivered(&self, id: LicenseId, recorded: u64) -> u64 {
		let unrecorded = self.unrecorded.lock().expect("not poisoned");
		recorded + unrecorded.get(&id).copied().unwrap_or(0)
	}

	/// The deliveries of license `id` recorded on chain now (by every gateway).
	pub(super) async fn recorded(&self, chain: &Chain, id: LicenseId) -> Result<u64, Refusal> {
		match chain.licentia().license(id, None).await.answer() {
			Ok(license) => Ok(license.delivered),
			Err(error) => Err(self.lost(error).await),
		}
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

	/// Records the uncapped deliveries served since the last time.
	pub(super) async fn record_unrecorded(&self) {
		let pending = std::mem::take(&mut *self.unrecorded.lock().expect("not poisoned"));
		if pending.is_empty() {
			return;
		}
		let Ok(chain) = self.chain().await else {
			// Not lost: counted again next time.
			let mut unrecorded = self.unrecorded.lock().expect("not poisoned");
			for (id, count) in pending {
				*unrecorded.entry(id).or_default() += count;
			}
			return;
		};
		for (id, count) in pending {
			match self.record(&chain, id, count).await {
				Ok(_) => {},
				// The chain will not take them (the license expired or was released meanwhile).
				Err(Refusal(StatusCode::FORBIDDEN | StatusCode::CONFLICT, _, message)) => {
					eprintln!("the chain refused {count} deliveries of license {id}: {message}")
				},
				// Not recorded: kept for the next flush.
				Err(Refusal(_, _, message)) => {
					eprintln!(
						"recording {count} deliveries of license {id} (will retry): {message}"
					);
					*self.unrecorded.lock().expect("not poisoned").entry(id).or_default() += count;
				},
			}
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

/// Records uncapped deliveries every few seconds.
pub(super) async fn flush_deliveries(gateway: Arc<Gateway>) {
	loop {
		tokio::time::sleep(FLUSH_EVERY).await;
		gateway.record_unrecorded().await;
	}
}
