#!/usr/bin/env node
// Verifies a dataset fetch.mjs wrote, again, against the chain: each record's Merkle proof
// against its batch's root (`licentia_batch`) and its content hash recomputed from its content,
// or an anonymised record's anonymous proof (of the anonymous leaf its anonymous key and text
// give) against the batch's anonymous root. For an auditor, or after the files were moved or
// edited. Exits with status 1 if any record fails, listing them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_URL, connect, fail, parseArgs, printJson } from './lib.mjs';
import { recordChecker } from './verify.mjs';

const usage = `usage: audit.mjs --out DIR [--url ${DEFAULT_URL}] [--json]

Verifies every record of DIR/records.jsonl (fetch.mjs's dataset) against the chain.`;
const args = parseArgs(usage, { out: undefined, url: DEFAULT_URL, json: false });
const recordsFile = join(args.out, 'records.jsonl');
if (!existsSync(recordsFile)) fail(`${args.out} has no records.jsonl: not a fetch.mjs dataset`);
const api = await connect(args.url);
const check = recordChecker(api);
const failed = [];
let records = 0;
for (const text of readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l.trim() !== '')) {
  records += 1;
  let line;
  try {
    line = JSON.parse(text);
  } catch (e) {
    failed.push({ line: records, why: `not JSON: ${e.message}` });
    continue;
  }
  const why = await check(line);
  if (why !== null) failed.push({ line: records, cursor: line.cursor, why });
}
await api.disconnect();
const report = { records, verified: records - failed.length, failed };
if (args.json) printJson(report);
else console.log(`${report.verified} of ${records} records verify`);
for (const { line, why } of failed) console.error(`line ${line}: ${why}`);
if (failed.length > 0) process.exit(1);
