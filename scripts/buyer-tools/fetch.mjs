#!/usr/bin/env node
// Downloads the records a license covers from a platform's gateway (`licentia-bridge serve`)
// into a dataset directory, verifying each one against the chain as it goes.
//
// Each request is signed by the license's owner (`gatewayGet` of @licentia/client: sr25519, in
// the `Licentia-Account`, `Licentia-Timestamp` and `Licentia-Signature` headers, docs/gateway.md).
// Every record's Merkle proof is checked against its batch's root on chain (`licentia_batch`)
// and its content hash recomputed from its content; an anonymised record's anonymous leaf (from
// its anonymous key and its text) is checked with its anonymous proof against the batch's
// anonymous root instead (verify.mjs). A record that fails is not written: it is listed in the
// manifest's `failed` and the run exits with status 1.
//
// The directory holds `records.jsonl` (one delivered record per line) and `manifest.json`
// (license, gateway, cursor, counts); run again, it resumes from the manifest's cursor.

import { gatewayGet } from '@licentia/client';
import { existsSync, mkdirSync, readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_URL, connect, fail, integerArg, keyPair, log, parseArgs, printJson } from './lib.mjs';
import { recordChecker } from './verify.mjs';

const usage = `usage: fetch.mjs --license ID --suri SECRET --gateway URL --out DIR
                 [--limit 500] [--stream] [--purpose NAME] [--url ${DEFAULT_URL}] [--json]

Downloads license ID's records from the platform gateway at URL (http://host:port) into DIR
(records.jsonl and manifest.json), signing each request with the license owner's key (--suri)
and verifying each record against the chain (--url): its proof against its batch's root, or
for an anonymised record against the batch's anonymous root. Pages of --limit records, or with
--stream one response holding every record. Run again to resume.`;
const args = parseArgs(usage, {
  license: undefined, suri: undefined, gateway: undefined, out: undefined, limit: '500', purpose: '',
  url: DEFAULT_URL, json: false, stream: false,
});
const license = Number(integerArg(args, 'license'));
const limit = Number(integerArg(args, 'limit'));
const api = await connect(args.url);
const owner = await keyPair(args.suri);
const genesis = api.genesisHash.toHex();
const gateway = args.gateway.replace(/\/+$/, '');

mkdirSync(args.out, { recursive: true });
const manifestFile = join(args.out, 'manifest.json');
const recordsFile = join(args.out, 'records.jsonl');
const manifest = existsSync(manifestFile)
  ? JSON.parse(readFileSync(manifestFile, 'utf8'))
  : { license, gateway, genesis, cursor: null, records: 0, verified: 0, failed: [], complete: false };
if (manifest.license !== license || manifest.genesis !== genesis) {
  fail(`${args.out} holds license ${manifest.license} of chain ${manifest.genesis}: use another directory`);
}
const save = () => writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

/** A signed GET of `path` (with its query) from the gateway, as the license's owner. */
const get = (path) => gatewayGet(gateway, path, { pair: owner, genesis });

const check = recordChecker(api);
/** A delivered record's index: in its batch's tree, or an anonymised one's in the anonymous tree. */
const place = (line) => (line.record === undefined ? { anonymousIndex: line.anonymousIndex } : { index: line.index });
const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

let pages = 0;
let fresh = 0;
let refusal = null;

/** Verifies delivered `lines` (JSON text), appends the good ones and moves the cursor on. */
async function take(lines) {
  const good = [];
  for (const text of lines) {
    const line = JSON.parse(text);
    const why = await check(line);
    if (why === null) good.push(text);
    else manifest.failed.push({ cursor: line.cursor, batch: line.batch, ...place(line), why });
    manifest.cursor = line.cursor;
  }
  if (good.length > 0) appendFileSync(recordsFile, `${good.join('\n')}\n`);
  manifest.records += good.length;
  manifest.verified += good.length;
  fresh += good.length;
  pages += 1;
  return good.length;
}

const query = new URLSearchParams({ limit: String(limit) });
if (args.purpose) query.set('purpose', args.purpose);

if (args.stream) {
  // One response: every record from the cursor on, then a `done` line. The manifest is saved
  // after every `limit` records, so an interrupted run resumes from there.
  if (manifest.cursor) query.set('cursor', manifest.cursor);
  query.set('stream', 'true');
  const response = await get(`/v1/licenses/${license}/records?${query}`).catch((e) => fail(e.message));
  let pending = '';
  let batch = [];
  let done = null;
  const flush = async () => {
    const taken = await take(batch);
    batch = [];
    save();
    log(`received ${count(taken, 'record')} (${manifest.records} in ${args.out})`);
  };
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const text of lines.filter((l) => l.trim() !== '')) {
      const line = JSON.parse(text);
      if (line.done) done = line.done;
      else batch.push(text);
      if (batch.length >= limit) await flush();
    }
  }
  if (batch.length > 0) await flush();
  if (done === null) fail('the gateway ended the stream early: run again to resume');
  if (done.next) manifest.cursor = done.next;
  manifest.delivered = done.delivered;
  manifest.complete = !done.next && !done.error;
  if (done.error) refusal = `${done.error}: ${done.message}`;
  save();
  if (done.error && !(done.error === 'capReached' && manifest.records > 0)) fail(`the gateway stopped: ${refusal}`);
} else {
  while (true) {
    if (manifest.cursor) query.set('cursor', manifest.cursor);
    let response;
    try {
      response = await get(`/v1/licenses/${license}/records?${query}`);
    } catch (e) {
      if (e.status === 409 && manifest.records > 0) {
        refusal = e.message; // the cap: what was fetched stays
        break;
      }
      fail(e.message);
    }
    const lines = (await response.text()).split('\n').filter((l) => l.trim() !== '');
    const taken = await take(lines);
    const next = response.headers.get('licentia-next-cursor');
    if (next) manifest.cursor = next;
    manifest.delivered = Number(response.headers.get('licentia-delivered'));
    manifest.complete = !next;
    save();
    log(`page ${pages}: ${count(taken, 'record')} (${manifest.records} in ${args.out}, ${manifest.delivered} delivered under the license)`);
    if (!next) break;
  }
}
const report = { ...manifest, fetched: fresh, pages, stoppedBy: refusal };
if (args.json) printJson(report);
else console.log(`${count(fresh, 'record')} fetched and verified into ${recordsFile} (${manifest.records} in all)${refusal ? `; stopped: ${refusal}` : ''}`);
await api.disconnect();
if (manifest.failed.length > 0) {
  console.error(`error: ${manifest.failed.length} records failed verification (manifest.json: failed)`);
  process.exit(1);
}
