#!/usr/bin/env node
// Applies a license's revocation feed to a dataset fetch.mjs wrote: deletes the records whose
// authors withdrew consent or whose posts were revoked, and writes a compliance report (what
// was removed, when, why) that the buyer can show an auditor.
//
// The feed (`licentia_revocations`) is read from the chain, from where the last run stopped:
// - `consentWithdrawn {identity, platform, purposes}` and `consentNarrowed {identity, platform,
//   restrictions, minPrice}` (the author refused a condition of the license's terms or raised
//   their price above its tier; the chain sends only those that affect the license) remove that
//   author's records on that platform (matched on each record's `record.author`);
// - `postRevoked {platform, batch, post}` removes the record with that leaf hash.
// An anonymised dataset has neither authors nor leaf hashes to match: an anonymised record
// carries its anonymous leaf's key and index, which do not lead to its leaf (leaf format 3,
// primitives/src/anonymous.rs). Its records are re-checked with the gateway instead
// (`/v1/licenses/{id}/status`, signed by --suri, by their cursors), which asks the chain about
// each.

import { gatewayGet } from '@licentia/client';
import { u8aToHex } from '@polkadot/util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_URL, connect, fail, keyPair, log, parseArgs, printJson, rpc } from './lib.mjs';
import { leafHash } from './verify.mjs';

const usage = `usage: honour.mjs --out DIR [--suri SECRET] [--url ${DEFAULT_URL}] [--json]

Removes from DIR (fetch.mjs's dataset) the records the license's revocation feed withdraws,
and appends what it removed to DIR/compliance.json. --suri (the license owner's key) is needed
for an anonymised dataset, whose records are re-checked with the gateway.`;
const args = parseArgs(usage, { out: undefined, suri: '', url: DEFAULT_URL, json: false });
const manifestFile = join(args.out, 'manifest.json');
const recordsFile = join(args.out, 'records.jsonl');
const reportFile = join(args.out, 'compliance.json');
if (!existsSync(manifestFile)) fail(`${args.out} has no manifest.json: not a fetch.mjs dataset`);
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const api = await connect(args.url);
if (api.genesisHash.toHex() !== manifest.genesis) fail(`${args.out} is a dataset of another chain`);

// -- The feed since the last run. -------------------------------------------------------------
const changes = [];
let cursor = manifest.feedCursor ?? null;
for (;;) {
  const page = await rpc(api, 'licentia_revocations', [manifest.license, 0, null, cursor]);
  changes.push(...page.records);
  cursor = page.next;
  if (page.complete) break;
}
log(`${changes.length} feed ${changes.length === 1 ? 'entry' : 'entries'} since the last run`);

const key = (value) => JSON.stringify(value);
const withdrawn = new Map(); // `${platform}|${identity}` -> entry
const revoked = new Map(); // `${platform}|${batch}|${leaf}` -> entry
for (const entry of changes) {
  const { consentWithdrawn, consentNarrowed, postRevoked: r } = entry.change;
  const c = consentWithdrawn ?? consentNarrowed;
  if (c) withdrawn.set(`${c.platform}|${key(c.identity)}`, entry);
  if (r) revoked.set(`${r.platform}|${r.batch}|${r.post}`, entry);
}

// -- The records. -----------------------------------------------------------------------------
const lines = existsSync(recordsFile)
  ? readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l.trim() !== '')
  : [];
const records = lines.map((text) => ({ text, line: JSON.parse(text) }));
const removed = [];
const why = new Map();
for (const { line } of records) {
  if (line.record === undefined) continue; // anonymised: asked through the gateway below
  const { platform, author } = line.record;
  const entry = revoked.get(`${platform}|${line.batch}|${u8aToHex(leafHash(api, line.record))}`)
    ?? withdrawn.get(`${platform}|${key(author)}`);
  if (entry) why.set(line.cursor, { reason: Object.keys(entry.change)[0], at: entry.at, change: entry.change });
}

// Anonymised records: asked again through the gateway, by their cursors (`<batch>.<n>`, n
// their anonymous index).
const anonymous = records.filter(({ line }) => line.record === undefined);
if (anonymous.length > 0) {
  if (!args.suri) fail('an anonymised dataset is re-checked with the gateway: give --suri (the license owner)');
  const owner = await keyPair(args.suri);
  for (let i = 0; i < anonymous.length; i += 500) {
    const cursors = anonymous.slice(i, i + 500).map(({ line }) => line.cursor).join(',');
    const path = `/v1/licenses/${manifest.license}/status?cursors=${encodeURIComponent(cursors)}`;
    const response = await gatewayGet(manifest.gateway, path, { pair: owner, genesis: manifest.genesis })
      .catch((e) => fail(e.message));
    for (const answer of await response.json()) {
      // A cap reached withdraws nothing: the records served within it stay the buyer's.
      if (!answer.allowed && answer.reason !== 'capReached') {
        why.set(answer.cursor, { reason: answer.reason, at: null, change: 'gateway status' });
      }
    }
  }
}

/** A record's index: in its batch's tree, or an anonymised one's in the anonymous tree. */
const place = (line) => (line.record === undefined ? { anonymousIndex: line.anonymousIndex } : { index: line.index });
const kept = [];
const now = new Date().toISOString();
for (const { text, line } of records) {
  const reason = why.get(line.cursor);
  if (reason) removed.push({ removedAt: now, cursor: line.cursor, batch: line.batch, ...place(line), ...reason });
  else kept.push(text);
}
writeFileSync(recordsFile, kept.length > 0 ? `${kept.join('\n')}\n` : '');
const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { license: manifest.license, runs: [] };
report.runs.push({ at: now, feedEntries: changes.length, removed: removed.length, kept: kept.length, records: removed });
writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
manifest.feedCursor = cursor;
manifest.records = kept.length;
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

const summary = { license: manifest.license, feedEntries: changes.length, removed: removed.length, kept: kept.length, report: reportFile };
if (args.json) printJson(summary);
else console.log(`${removed.length} records removed, ${kept.length} kept; report: ${reportFile}`);
await api.disconnect();
