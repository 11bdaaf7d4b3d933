#!/usr/bin/env node
// Shows a license token: its storage entry (`licensing.licenses`) and the runtime API's view
// (`licensingApi.license`), the revocation feed since a block, and, with `--check`, access
// decisions for a JSON array of queries (see buy.mjs).
import { readFileSync } from 'node:fs';
import { connect, fail, output, parseArgs, plain, purposeNames, rpc } from './lib.mjs';

const usage =
  'usage: license.mjs --license <id> [--since <block>] [--check <queries.json>] [--url ws://127.0.0.1:9944] [--json]';
const args = parseArgs(usage, { url: 'ws://127.0.0.1:9944', license: undefined, since: '0', check: '', json: false });
const api = await connect(args.url);
const id = Number(args.license);

const stored = await api.query.licensing.licenses(id);
if (stored.isNone) fail(`no license ${id}`);
const view = (await api.call.licensingApi.license(id)).unwrap();
const report = {
  license: id,
  stored: { ...plain(stored.unwrap()), purposes: purposeNames(api, stored.unwrap().purposes.toNumber()) },
  view: { ...plain(view), purposes: purposeNames(api, view.purposes.toNumber()) },
  revocations: await rpc(api, 'licentia_revocations', [id, Number(args.since)]),
};
if (args.check !== '') {
  const queries = JSON.parse(readFileSync(args.check, 'utf8')).map((q) => ({ ...q, license: id }));
  report.access = await rpc(api, 'licentia_checkAccessBatch', [queries]);
}
output(args.json, report);
await api.disconnect();
