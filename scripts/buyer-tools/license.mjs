#!/usr/bin/env node
// Shows a license token: its storage entry (`licensing.licenses`), the runtime API's view
// (`licensingApi.license`) and its terms (`licensing.termsOf`); the revocation feed since a block
// or a cursor (`licentia_revocations`, page by page: consent withdrawals and revoked posts the
// holder must honour); and,
// with `--check`, the access decisions for a JSON array of queries (`licentia_checkAccessBatch`).
// The `licentia_` methods are the node's JSON-RPC, not in metadata: sent as raw JSON-RPC.
import { formatBalance, formatBlocks } from '@licentia/client';
import { stringCamelCase } from '@polkadot/util';
import {
  DEFAULT_URL, connect, fail, formatLicense, formatTerms, integerArg, parseArgs, printJson, purposeNames,
  readJson, rpc, toJson,
} from './lib.mjs';

const usage = `usage: license.mjs --license ID [--since BLOCK] [--cursor N] [--check QUERIES] [--url ${DEFAULT_URL}] [--json]

--since: the revocation feed from this block on (default 0).
--cursor: the revocation feed from this feed position on: the "feedNext" a previous run printed,
  so that each change is read once.
--check QUERIES: a JSON file (or inline JSON) with an array of access queries (docs/rpc.md)
  without "license" ("purpose" defaults to the license's first), checked against this license.
--json: one JSON document on stdout.`;
const args = parseArgs(usage, { url: DEFAULT_URL, license: undefined, since: '0', cursor: '', check: '', json: false });
const id = Number(integerArg(args, 'license'));
const queries = args.check !== '' ? readJson(args.check) : null;
if (queries !== null && !Array.isArray(queries)) fail(`--check ${args.check}: not a JSON array of access queries`);
const api = await connect(args.url);

// One block for every read, so that they agree.
const hash = await api.rpc.chain.getBlockHash();
const at = await api.at(hash);
const now = (await api.rpc.chain.getHeader(hash)).number.toNumber();
const stored = await at.query.licensing.licenses(id);
if (stored.isNone) fail(`no license ${id} (${api.errors.licensing.LicenseNotFound.meta.docs.join(' ')})`);
const view = await at.call.licensingApi.license(id);
const terms = await at.query.licensing.termsOf(stored.unwrap().terms);

const report = {
  license: id,
  block: hash.toHex(),
  blockNumber: now,
  status: stored.unwrap().revoked.isSome ? 'revoked' : now >= stored.unwrap().expiry.toNumber() ? 'expired' : 'valid',
  stored: toJson(stored.unwrap()),
  view: view.isSome ? toJson(view.unwrap()) : null,
  terms: terms.isSome ? toJson(terms.unwrap().terms) : null,
};
// The feed is read in pages; each names where the next starts, until one reaches its end.
report.revocations = [];
let cursor = args.cursor === '' ? null : Number(integerArg(args, 'cursor'));
for (;;) {
  const page = await call('licentia_revocations', [id, Number(integerArg(args, 'since')), null, cursor, hash.toHex()]);
  report.revocations.push(...page.records);
  cursor = page.next;
  if (page.complete) break;
}
report.feedNext = cursor;
if (queries) {
  const purpose = stringCamelCase(purposeNames(api, stored.unwrap().purposes.toNumber())[0]);
  report.access = await call('licentia_checkAccessBatch', [queries.map((q) => ({ purpose, ...q, license: id })), hash.toHex()]);
}

if (args.json) {
  printJson(report);
} else {
  console.log(`license ${id} at block #${now}: ${report.status}`);
  console.log(formatLicense(api, report.view ?? report.stored, now));
  console.log(`  transferable: ${report.stored.transferable}; deposit ${formatBalance(api, report.stored.deposit)} held from ${report.stored.depositor}`);
  if (report.terms) {
    console.log(`terms ${report.stored.terms}:`);
    console.log(formatTerms({ ...report.terms, durationText: formatBlocks(api, report.terms.duration, { count: true }) }));
  }
  const from = args.cursor === '' ? `block ${args.since}` : `position ${args.cursor}`;
  console.log(`revocation feed from ${from}: ${report.revocations.length ? '' : 'empty'} (next time: --cursor ${report.feedNext})`);
  for (const r of report.revocations) console.log(`  block ${r.at}: ${JSON.stringify(r.change)}`);
  if (report.access) {
    report.access.forEach((d, i) => {
      const q = queries[i];
      console.log(`access[${i}] batch ${q.batch} index ${q.index} ${q.purpose ?? ''}: ${d.allowed ? 'allowed' : `denied: ${d.reason}`}`);
    });
  }
}
await api.disconnect();

async function call(method, params) {
  try {
    return await rpc(api, method, params);
  } catch (e) {
    fail(e.message);
  }
}
