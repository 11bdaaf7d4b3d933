//! X: API v2 posts (pages, the filtered stream), an account archive's `tweets.js`, and the
//! compliance stream's events.

use super::{record, text::decode_entities, text_hash, Parsed};
use crate::post::{Item, Target, Withdrawal};
use licentia_primitives::{consent::Identity, content::PostId};
use serde_json::Value;

/// An X post: `id_str` (or `id`) and `author_id`, both decimal strings in the API's JSON; the
/// API v2's long posts carry their whole text in `note_tweet.text`; an archive's posts are
/// wrapped in `{"tweet": ...}` with their text in `full_text`. Retweets are the original
/// author's posts, not the retweeter's: skipped (API v2 `referenced_tweets` of type
/// `retweeted`, v1.1 `retweeted_status`, an archive's `RT @` text).
pub(super) fn parse(target: &Target, item: &Value) -> Parsed {
	// A stream's message (`{"data": {...}, "includes": ...}`) holds one item.
	if let Some(data) = item.get("data").filter(|data| data.is_object()) {
		return parse(target, data);
	}
	if let Some(withdrawal) = x_compliance(item) {
		return withdrawal;
	}
	let item = item.get("tweet").unwrap_or(item);
	let number = |field: &str| -> Result<Option<u64>, String> {
		match item.get(field) {
			None | Some(Value::Null) => Ok(None),
			Some(Value::String(s)) => {
				s.parse().map(Some).map_err(|_| format!("{field} {s:?} is not a u64"))
			},
			Some(Value::Number(n)) => {
				n.as_u64().map(Some).ok_or_else(|| format!("{field} {n} is not a u64"))
			},
			Some(other) => Err(format!("{field} is {other}, not a number")),
		}
	};
	let id = match number("id_str")? {
		Some(id) => id,
		None => number("id")?.ok_or("an X post without id_str or id")?,
	};
	let author = number("author_id")?.ok_or("an X post without author_id")?;
	let text = item["note_tweet"]["text"]
		.as_str()
		.or_else(|| item["text"].as_str())
		.or_else(|| item["full_text"].as_str())
		.ok_or("an X post without text")?;
	let retweet = !item["retweeted_status"].is_null()
		|| item["referenced_tweets"]
			.as_array()
			.is_some_and(|refs| refs.iter().any(|r| r["type"] == "retweeted"))
		|| item["full_text"].as_str().is_some_and(|t| t.starts_with("RT @"));
	if retweet {
		return Ok(Item::Skipped);
	}
	let sensitive = item["possibly_sensitive"] == true;
	let labels = if sensitive { vec!["sensitive".to_string()] } else { vec![] };
	let hash = text_hash(&decode_entities(text));
	let record = record(target, PostId::X { id }, hash, Identity::X(author));
	// An edit is a new post with a new id; `edit_history_tweet_ids` lists every version, oldest
	// first: the earlier ones are withdrawn.
	let earlier: Vec<String> = item["edit_history_tweet_ids"]
		.as_array()
		.into_iter()
		.flatten()
		.filter_map(|version| version.as_str().map(str::to_string))
		.filter(|version| *version != id.to_string())
		.collect();
	Ok(match earlier.is_empty() {
		true => Item::Post(record, None, labels),
		false => Item::Edited(record, labels, earlier),
	})
}

/// X's compliance data, if `item` is some: a compliance stream's event
/// (`{"delete": {"tweet": {"id": ...}}}`, `tweet_edit`, `withheld`, `drop`, and the user events
/// `user_delete`, `user_suspend`, `user_protect`, `user_withheld`), or a line of a batch
/// compliance job's result (`{"id": ..., "action": "delete", "reason": ...}`). Each withdraws a
/// post or every post of an account; the events that restore something (`undrop`,
/// `user_undelete`, ...) and profile changes are skipped.
pub(super) fn x_compliance(item: &Value) -> Option<Parsed> {
	const TWEET_EVENTS: [&str; 4] = ["delete", "withheld", "drop", "tweet_edit"];
	const USER_EVENTS: [(&str, &str); 4] = [
		("user_delete", "deleted"),
		("user_suspend", "suspended"),
		("user_protect", "protected"),
		("user_withheld", "withheld"),
	];
	let object = item.as_object()?;
	let id_of = |value: &Value, what: &str| -> Result<String, String> {
		match &value["id"] {
			Value::String(id) if id.parse::<u64>().is_ok() => Ok(id.clone()),
			Value::Number(id) if id.as_u64().is_some() => Ok(id.to_string()),
			other => Err(format!("a compliance event whose {what} id is {other}")),
		}
	};
	if let Some((event, body)) =
		TWEET_EVENTS.iter().find_map(|e| object.get(*e).map(|body| (*e, body)))
	{
		let withdrawal = match event {
			// The version an edit replaced is withdrawn (each edit's event names the one before
			// it); the newest is a post of its own.
			"tweet_edit" => body["edit_tweet_ids"]
				.as_array()
				.and_then(|ids| ids.split_last())
				.and_then(|(_, earlier)| earlier.last())
				.and_then(Value::as_str)
				.map(|id| Withdrawal::Post(id.to_string()))
				.ok_or_else(|| "a tweet_edit without its earlier versions".to_string()),
			_ => id_of(&body["tweet"], "tweet").map(Withdrawal::Post),
		};
		let reason = match event {
			"delete" => "deleted",
			"tweet_edit" => "edited",
			other => other,
		};
		return Some(withdrawal.map(|w| Item::Withdrawal(w, reason.to_string())));
	}
	if let Some((body, reason)) = USER_EVENTS
		.iter()
		.find_map(|(e, reason)| object.get(*e).map(|body| (body, *reason)))
	{
		return Some(id_of(&body["user"], "user").and_then(|id| {
			let id = id.parse().map_err(|_| format!("a user id {id} that is not a u64"))?;
			Ok(Item::Withdrawal(Withdrawal::Author(Identity::X(id)), reason.to_string()))
		}));
	}
	const RESTORING: [&str; 6] = [
		"undrop",
		"user_undelete",
		"user_unsuspend",
		"user_unprotect",
		"user_unwithheld",
		"scrub_geo",
	];
	if RESTORING.iter().any(|e| object.contains_key(*e))
		|| object.contains_key("user_profile_modification")
	{
		return Some(Ok(Item::Skipped));
	}
	// A batch compliance job's line.
	let action = object.get("action")?.as_str()?;
	if object.contains_key("text") || object.contains_key("full_text") {
		return None;
	}
	let reason = object.get("reason").and_then(Value::as_str).unwrap_or(action).to_string();
	Some(id_of(item, "tweet").map(|id| Item::Withdrawal(Withdrawal::Post(id), reason)))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::formats::{read, read_file, tests::*};
	use crate::post::*;
	use licentia_primitives::consent::*;

	#[test]
	fn an_x_archive_names_its_author_in_account_js_and_its_retweets_are_skipped() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-archive/data/tweets.js"))
				.unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 1, 0));
		assert!(export.posts.iter().all(|p| p.record.author == Identity::X(2_244_994_945)));
		let first = "Archive day: exporting my posts & reading them back.";
		assert_eq!(export.posts[0].record.content_hash, text_hash(first));
		assert_eq!(labels(&export), vec![vec![], vec![], vec!["sensitive".to_string()]]);
	}

	#[test]
	fn x_pages_one_per_line_with_long_posts_and_retweets() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-pages.jsonl")).unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 1, 0));
		// A long post's hash covers its whole text (`note_tweet`), not the truncated `text`.
		let long = "Rate limits, 3/3, in full: ".to_string()
			+ &"retry after the reset time, not before; ".repeat(10);
		assert_eq!(export.posts[0].record.content_hash, text_hash(&long));
		assert_eq!(export.posts[2].record.content_hash, text_hash("Quota math: 1 < 2 && 3 > 2."));
		assert_eq!(labels(&export)[1], vec!["sensitive".to_string()]);
	}

	/// X's filtered stream: each message holds one post; a retweet is skipped; an edit is a new
	/// post that withdraws the version it replaces.
	#[test]
	fn x_stream_messages_and_edits() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-stream.jsonl")).unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 1, 0));
		let first = source_id(&export.posts[0].record.post);
		let withdrawn: Vec<_> =
			export.withdrawals.iter().map(|(_, w, r)| (w, r.as_str())).collect();
		assert_eq!(withdrawn, vec![(&Withdrawal::Post(first), "edited")]);
		assert_eq!(
			export.posts[2].record.content_hash,
			text_hash("Streaming now: docs Q&A at 4pm (moved).")
		);
	}

	/// X's compliance data: deletions, edits, protected and suspended accounts withdraw;
	/// restorations are skipped; a batch job's line withdraws its post.
	#[test]
	fn x_compliance_events_withdraw() {
		let export =
			read_file(&target(PlatformKind::X, "x.com"), &testdata("x-compliance.jsonl")).unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (0, 1, 0));
		let withdrawn: Vec<_> =
			export.withdrawals.iter().map(|(_, w, r)| (w.clone(), r.clone())).collect();
		let post = |id: &str, reason: &str| (Withdrawal::Post(id.into()), reason.to_string());
		let account = |id: u64, reason: &str| (Withdrawal::Author(Identity::X(id)), reason.into());
		assert_eq!(
			withdrawn,
			vec![
				post("1859567433968037889", "deleted"),
				post("1859567433968037889", "edited"),
				account(783_214, "protected"),
				account(17_874_544, "suspended"),
				post("1858805400265031682", "deleted"),
			]
		);
		assert!(export.check_platform(&target(PlatformKind::X, "x.com")).is_ok());
	}

	#[test]
	fn x_ids_come_from_id_str_or_id_and_must_be_numbers() {
		let text = r#"{"data":[{"id":"5","id_str":"5","author_id":"9","text":"a"},{"id":"6","author_id":"9","text":"b"},{"id_str":"x","author_id":"9","text":"c"},{"id":"7","text":"d"}]}"#;
		let export = read(&target(PlatformKind::X, "x.com"), text).unwrap();
		let ids: Vec<_> = export.posts.iter().map(|p| p.record.post.clone()).collect();
		assert_eq!(ids, vec![PostId::X { id: 5 }, PostId::X { id: 6 }]);
		assert_eq!(export.rejected.len(), 2);
		assert!(export.rejected[0].reason.contains("id_str"), "{:?}", export.rejected);
		assert!(export.rejected[1].reason.contains("author_id"), "{:?}", export.rejected);
	}
}
