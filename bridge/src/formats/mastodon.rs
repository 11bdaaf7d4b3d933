//! Mastodon: REST statuses, streaming messages and an account archive's outbox (ActivityPub).

use super::{bounded, record, text::canonical_text, text_hash, Parsed};
use crate::post::{Item, Target, Withdrawal};
use licentia_primitives::consent::MAX_HANDLE_LEN;
use licentia_primitives::{
	consent::Identity,
	content::{PostId, MAX_URI_LEN},
};
use serde::Deserialize;
use serde_json::Value;

/// ActivityStreams' audience meaning "everyone".
pub(super) const PUBLIC: [&str; 3] =
	["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"];

/// A Mastodon status as the REST API returns it, or an activity of an account's archive
/// (`outbox.json`). Only public and unlisted statuses are posts (private and direct ones are
/// skipped); reblogs are not original posts; accounts of other instances are not this
/// platform's to register.
pub(super) fn parse(target: &Target, item: &Value) -> Parsed {
	#[derive(Deserialize)]
	struct Status {
		uri: String,
		content: String,
		account: Account,
		reblog: Option<Value>,
		visibility: Option<String>,
		#[serde(default)]
		sensitive: bool,
		#[serde(default)]
		spoiler_text: String,
	}
	#[derive(Deserialize)]
	struct Account {
		acct: String,
	}
	if let Some(kind) = item.get("type").and_then(Value::as_str) {
		return mastodon_activity(target, kind, item);
	}
	if let Some(event) = item.get("event").and_then(Value::as_str) {
		return mastodon_streamed(target, event, &item["payload"]);
	}
	let status: Status =
		serde_json::from_value(item.clone()).map_err(|e| format!("not a Mastodon status: {e}"))?;
	if status.reblog.is_some() {
		return Ok(Item::Skipped);
	}
	let mut labels = Vec::new();
	match status.visibility.as_deref() {
		None | Some("public") => {},
		Some("unlisted") => labels.push("unlisted".to_string()),
		Some(_) => return Ok(Item::Skipped),
	}
	// `acct` is `user` for the instance's own accounts and `user@instance` for remote ones.
	let account = match status.account.acct.split_once('@') {
		None => format!("{}@{}", status.account.acct, target.domain),
		Some((_, instance)) if instance.eq_ignore_ascii_case(&target.domain) => {
			status.account.acct.clone()
		},
		Some(_) => return Ok(Item::Skipped),
	};
	if status.sensitive {
		labels.push("sensitive".into());
	}
	if !status.spoiler_text.is_empty() {
		labels.push("contentWarning".into());
	}
	mastodon_post(target, &account, &status.uri, &status.content, labels)
}

/// A message of Mastodon's streaming API (`{"event": ..., "payload": "<JSON text>"}`): `update`
/// carries a new status, `status.update` an edited one (withdrawn: the chain registers a status
/// once, under its URI), `delete` a status id; notifications and the rest are skipped.
pub(super) fn mastodon_streamed(target: &Target, event: &str, payload: &Value) -> Parsed {
	let payload = payload.as_str().ok_or("a streaming message without a text payload")?;
	let status = || -> Result<Value, String> {
		serde_json::from_str(payload)
			.map_err(|e| format!("a streamed status that is not JSON: {e}"))
	};
	match event {
		"update" => parse(target, &status()?),
		"status.update" => {
			let status = status()?;
			let uri = status["uri"].as_str().ok_or("an edited status without its uri")?;
			Ok(Item::Withdrawal(Withdrawal::Post(uri.to_string()), "edited".into()))
		},
		"delete" if !payload.is_empty() && payload.bytes().all(|b| b.is_ascii_digit()) => {
			Ok(Item::StatusDeletion(payload.to_string()))
		},
		"delete" => Err(format!("a deletion of {payload:?}, which is not a status id")),
		_ => Ok(Item::Skipped),
	}
}

/// An activity of a Mastodon account's archive (`outbox.json`, ActivityStreams): a `Create` of
/// a `Note` is a post, public (`to` everyone) or unlisted (`cc` everyone); a `Delete`
/// withdraws one; `Announce` (a boost) and the rest are skipped.
pub(super) fn mastodon_activity(target: &Target, kind: &str, activity: &Value) -> Parsed {
	let object = &activity["object"];
	match kind {
		"Create" if object["type"] == "Note" => {},
		"Delete" => {
			let id = object.as_str().or_else(|| object["id"].as_str());
			let id = id.ok_or("a Delete activity without its object's id")?;
			return Ok(Item::Withdrawal(Withdrawal::Post(id.to_string()), "deleted".into()));
		},
		_ => return Ok(Item::Skipped),
	}
	let addressed = |field: &str| {
		object[field]
			.as_array()
			.is_some_and(|to| to.iter().any(|a| PUBLIC.iter().any(|p| a == p)))
	};
	let mut labels = Vec::new();
	if !addressed("to") {
		if !addressed("cc") {
			return Ok(Item::Skipped);
		}
		labels.push("unlisted".to_string());
	}
	// The actor is `https://<instance>/users/<name>`; other instances' are not ours.
	let actor = activity["actor"].as_str().ok_or("an activity without an actor")?;
	let (instance, name) = actor
		.strip_prefix("https://")
		.and_then(|rest| rest.split_once("/users/"))
		.ok_or_else(|| format!("{actor:?} is not a Mastodon actor URL"))?;
	if !instance.eq_ignore_ascii_case(&target.domain) {
		return Ok(Item::Skipped);
	}
	if object["sensitive"] == true {
		labels.push("sensitive".into());
	}
	if object["summary"].as_str().is_some_and(|s| !s.is_empty()) {
		labels.push("contentWarning".into());
	}
	let uri = object["id"].as_str().ok_or("a Note without an id")?;
	let content = object["content"].as_str().ok_or("a Note without content")?;
	mastodon_post(target, &format!("{name}@{instance}"), uri, content, labels)
}

pub(super) fn mastodon_post(
	target: &Target,
	account: &str,
	uri: &str,
	content: &str,
	labels: Vec<String>,
) -> Parsed {
	let account = account.to_lowercase();
	let author = Identity::Mastodon(bounded(account.as_bytes(), "the account", MAX_HANDLE_LEN)?);
	author
		.validate()
		.map_err(|_| format!("{account:?} is not a Mastodon account"))?;
	let post = PostId::Mastodon { uri: bounded(uri.as_bytes(), "the status URI", MAX_URI_LEN)? };
	let hash = text_hash(&canonical_text(content));
	Ok(Item::Post(record(target, post, hash, author), None, labels))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::formats::{read, read_file, tests::*};
	use crate::post::*;
	use licentia_primitives::consent::*;

	#[test]
	fn a_mastodon_outbox_gives_public_and_unlisted_notes_and_its_deletions() {
		let export = read_file(
			&target(PlatformKind::Mastodon, "mastodon.social"),
			&testdata("mastodon-outbox.json"),
		)
		.unwrap();
		// Followers-only, direct and the boost are skipped.
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (2, 3, 0));
		let ada = Identity::Mastodon(b"ada@mastodon.social".to_vec().try_into().unwrap());
		assert!(export.posts.iter().all(|p| p.record.author == ada));
		let cw = ["unlisted", "sensitive", "contentWarning"].map(String::from).to_vec();
		assert_eq!(labels(&export), vec![vec![], cw]);
		assert_eq!(
			export.posts[0].record.content_hash,
			text_hash("Part three: the engine & its cards.")
		);
		let deleted: Vec<_> = export.withdrawals.iter().map(|(_, w, r)| (w, r.as_str())).collect();
		let id = "https://mastodon.social/users/ada/statuses/113512200000000000".to_string();
		assert_eq!(deleted, vec![(&Withdrawal::Post(id), "deleted")]);
	}

	#[test]
	fn mastodon_statuses_that_are_not_public_are_skipped() {
		let status = |visibility: &str| {
			format!(
				r#"{{"uri":"https://m.example/users/a/statuses/1","content":"<p>x</p>","account":{{"acct":"ada"}},"reblog":null,"visibility":"{visibility}","sensitive":false,"spoiler_text":""}}"#
			)
		};
		let text = ["public", "unlisted", "private", "direct"].map(status).join("\n");
		let export = read(&target(PlatformKind::Mastodon, "m.example"), &text).unwrap();
		assert_eq!((export.posts.len(), export.skipped), (2, 2));
		assert_eq!(labels(&export), vec![vec![], vec!["unlisted".to_string()]]);
	}

	/// Mastodon's streaming API: two new statuses and one with a warning are posts; a boost and
	/// a notification are skipped; an edit withdraws its status by URI, a deletion names an id.
	#[test]
	fn mastodon_streaming_messages() {
		let export = read_file(
			&target(PlatformKind::Mastodon, "mastodon.social"),
			&testdata("mastodon-streaming.jsonl"),
		)
		.unwrap();
		assert_eq!((export.posts.len(), export.skipped, export.rejected.len()), (3, 2, 0));
		let cw = ["sensitive", "contentWarning"].map(String::from).to_vec();
		assert_eq!(labels(&export), vec![vec![], cw, vec![]]);
		assert_eq!(
			export.posts[0].record.content_hash,
			text_hash("Part four: on the engine's printer.")
		);
		let edited = source_id(&export.posts[2].record.post);
		let withdrawn: Vec<_> =
			export.withdrawals.iter().map(|(_, w, r)| (w, r.as_str())).collect();
		assert_eq!(withdrawn, vec![(&Withdrawal::Post(edited), "edited")]);
		let grace = source_id(&export.posts[1].record.post);
		assert_eq!(export.status_deletions, vec![grace.rsplit('/').next().unwrap().to_string()]);
	}

	#[test]
	fn mastodon_local_accounts_get_the_instance_and_remote_ones_are_skipped() {
		let status = |acct: &str, reblog: &str| {
			format!(
				r#"{{"uri":"https://m.example/users/a/statuses/1","content":"<p>x</p>","account":{{"acct":"{acct}"}},"reblog":{reblog}}}"#
			)
		};
		let text = format!(
			"[{},{},{},{}]",
			status("Ada", "null"),
			status("ada@m.example", "null"),
			status("linus@other.example", "null"),
			status("ada", "{}")
		);
		let export = read(&target(PlatformKind::Mastodon, "m.example"), &text).unwrap();
		let authors: Vec<_> = export.posts.iter().map(|p| p.record.author.clone()).collect();
		let ada = Identity::Mastodon(b"ada@m.example".to_vec().try_into().unwrap());
		assert_eq!(authors, vec![ada.clone(), ada]);
		assert_eq!(export.skipped, 2);
	}
}
