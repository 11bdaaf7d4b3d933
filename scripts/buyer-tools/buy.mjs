#!/usr/bin/env node
// Buys a license token: reads the offer's quote (`licensingApi.quote`), submits
// `licensing.purchase(offer, maxPrice)` signed by the buyer, waits until a block includes it,
// and reports the minted license (from the `LicensePurchased` event, from storage
// `licensing.licenses` and from the `licensingApi.license` runtime call), the `PaymentSplit`
// event and the fee. Then, optionally, it asks the node whether records may be served under the
// new license (the `licentia_checkAccess` / `licentia_checkAccessBatch` JSON-RPC methods).
//
// A dispatch error (e.g. `licensing.PriceAboveLimit` when the price rose above `--max-price`)
// is printed with its name and documentation from metadata, and the script exits with status 1.
import { exclusionsText, formatBalance } from '@licentia/client';
import { stringCamelCase } from '@polkadot/util';
import {
  DEFAULT_URL, DispatchFailure, connect, eventFields, fail, findEvent, formatLicense, integerArg, keyPair,
  log, parseArgs, printJson, purposeNames, quoteOf, readJson, rpc, send, toJson,
} from './lib.mjs';

const usage = `usage: buy.mjs --offer ID --suri SECRET [--max-price PLANCK] [--post QUERY] [--check QUERIES]
               [--url ${DEFAULT_URL}] [--json]

--suri: the buyer's secret URI (//Alice on a dev chain, a mnemonic, 0x<seed>).
--max-price: the most to pay, planck (default: the current quote; the purchase fails with
  licensing.PriceAboveLimit instead of charging more if the price rises before inclusion).
--post QUERY: one access query (docs/rpc.md) without "license", as a JSON file or inline JSON
  ({"purpose", "batch", "post", "index", "proof"}; "purpose" defaults to the license's first;
  an array: its first query), checked with licentia_checkAccess against the new license.
--check QUERIES: a JSON array of such queries, checked with licentia_checkAccessBatch.
--json: one JSON document on stdout (progress on stderr), also on failure ({"error": ...}).`;
const args = parseArgs(usage, {
  url: DEFAULT_URL, offer: undefined, suri: undefined, 'max-price': '', post: '', check: '', json: false,
});
const offer = Number(integerArg(args, 'offer'));
// Read the query files before paying for anything.
const postQuery = args.post !== '' ? [readJson(args.post)].flat()[0] : null;
const checkQueries = args.check !== '' ? readJson(args.check) : null;
if (args.post !== '' && (typeof postQuery !== 'object' || postQuery === null)) fail(`--post ${args.post}: not an access query`);
if (checkQueries !== null && !Array.isArray(checkQueries)) fail(`--check ${args.check}: not a JSON array of access queries`);

const api = await connect(args.url);
const buyer = await keyPair(args.suri);

/** Exits with status 1: the error on stderr and, with --json, as `{"error": ...}` on stdout. */
function refuse(error, extra = {}) {
  const message = `${error.pallet ? `${error.pallet}.` : ''}${error.name}${error.docs ? `: ${error.docs}` : ''}`;
  if (args.json) printJson({ offer, buyer: buyer.address, ...extra, error: { ...error, message } });
  fail(`the purchase failed: ${message}`);
}

// -- The offer and its quote. -----------------------------------------------------------------
const { quote, refusal } = await quoteOf(api, offer);
let maxPrice = args['max-price'] !== '' ? integerArg(args, 'max-price') : null;
if (refusal) {
  // The chain would refuse the purchase: say why without paying a fee for it (an explicit
  // --max-price submits it anyway, and the chain's own error is printed).
  log(`offer ${offer} cannot be bought now: licensing.${refusal.name}`);
  if (exclusionsText(refusal.excluded)) log(`left out: ${exclusionsText(refusal.excluded)}`);
  if (maxPrice === null) refuse(refusal, { quote: null, submitted: false });
} else {
  const { price, records, licensed } = quote;
  log(`offer ${offer}: ${licensed} of ${records} records for ${formatBalance(api, price)} (${price} planck)`);
  if (exclusionsText(quote.excluded)) log(`left out: ${exclusionsText(quote.excluded)}`);
  // Paying at most the quote protects the buyer from a price change between quote and inclusion.
  maxPrice ??= price;
}
log(`buying as ${buyer.address}, paying at most ${formatBalance(api, maxPrice)}`);
const before = (await api.query.system.account(buyer.address)).data;

// -- The purchase. ------------------------------------------------------------------------------
let result;
try {
  result = await send(api, api.tx.licensing.purchase(offer, maxPrice), buyer);
} catch (e) {
  const extra = { quote, maxPrice };
  // Included but failed: the fee was paid, nothing else happened.
  if (e instanceof DispatchFailure) refuse(e.dispatchError, { ...extra, submitted: true, block: e.block });
  // Refused by the node before inclusion (cannot pay the fee, bad nonce...), or dropped.
  refuse({ pallet: null, name: 'TransactionRefused', docs: e.message }, { ...extra, submitted: false });
}
const purchased = eventFields(findEvent(result.events, api.events.licensing.LicensePurchased));
const split = eventFields(findEvent(result.events, api.events.licensing.PaymentSplit));
const license = purchased.license;

// The license as stored and as the runtime API shows it, at the block that minted it.
const at = await api.at(result.block);
const record = await at.query.licensing.licenses(license);
const view = await at.call.licensingApi.license(license);
const after = (await at.query.system.account(buyer.address)).data;

const report = {
  offer,
  buyer: buyer.address,
  quote,
  maxPrice,
  license,
  block: result.block,
  blockNumber: result.blockNumber,
  txHash: result.txHash,
  fee: result.fee,
  tip: result.tip,
  deposit: api.consts.licensing.licenseDeposit.toString(),
  balance: {
    freeBefore: before.free.toString(),
    freeAfter: after.free.toString(),
    reservedBefore: before.reserved.toString(),
    reservedAfter: after.reserved.toString(),
  },
  purchased,
  split,
  stored: record.isSome ? toJson(record.unwrap()) : null,
  view: view.isSome ? toJson(view.unwrap()) : null,
};

// -- Access checks through the node's licentia_ RPC (not in metadata: raw JSON-RPC). ----------
const defaultPurpose = stringCamelCase(purposeNames(api, record.unwrap().purposes.toNumber())[0]);
if (postQuery) {
  const query = { purpose: defaultPurpose, ...postQuery, license };
  report.postAccess = { query, decision: await check('licentia_checkAccess', [query]) };
}
if (checkQueries) {
  report.access = await check('licentia_checkAccessBatch', [checkQueries.map((q) => ({ purpose: defaultPurpose, ...q, license }))]);
}

if (args.json) {
  printJson(report);
} else {
  console.log(`license ${license} minted in block #${report.blockNumber} (${report.block})`);
  console.log(`  extrinsic ${report.txHash}`);
  console.log(`  LicensePurchased: buyer ${purchased.buyer}, price ${formatBalance(api, purchased.price)}, ` +
    `${purchased.records} records, expiry block ${purchased.expiry}`);
  console.log(`  PaymentSplit: protocol ${formatBalance(api, split.protocol)}, platforms ${formatBalance(api, split.platforms)}, ` +
    `contributors ${formatBalance(api, split.contributors)}, dust ${split.dust} planck`);
  console.log(`  fee: ${formatBalance(api, report.fee)} (tip ${report.tip}); license deposit held: ${formatBalance(api, report.deposit)}`);
  console.log(`  the buyer's free balance: ${formatBalance(api, report.balance.freeBefore)} -> ${formatBalance(api, report.balance.freeAfter)}`);
  const same = JSON.stringify(pick(report.stored)) === JSON.stringify(pick(report.view));
  console.log(`licensing.licenses(${license}) / licensingApi.license(${license})${same ? ' (they agree)' : ' (THEY DIFFER)'}:`);
  console.log(formatLicense(api, report.view, report.blockNumber));
  console.log(`  transferable: ${report.stored.transferable}; deposit ${formatBalance(api, report.stored.deposit)} held from ${report.stored.depositor}`);
  if (report.postAccess) {
    const { query, decision } = report.postAccess;
    console.log(`licentia_checkAccess(batch ${query.batch}, index ${query.index}, ${query.purpose}): ${describe(decision)}`);
  }
  if (report.access) {
    report.access.forEach((d, i) => console.log(`licentia_checkAccessBatch[${i}]: ${describe(d)}`));
  }
}
await api.disconnect();

/** The fields `licensing.licenses` and `licensingApi.license` have in common. */
function pick(license) {
  const { owner, offer: o, terms, purposes, platforms, start, expiry, snapshot, records, cap, delivered, price, revoked } = license;
  return { owner, o, terms, purposes, platforms, start, expiry, snapshot, records, cap, delivered, price, revoked };
}

function describe(decision) {
  return decision.allowed ? 'allowed' : `denied: ${decision.reason}`;
}

/** An access check; a JSON-RPC error (bad query) exits with its message. */
async function check(method, params) {
  try {
    return await rpc(api, method, params);
  } catch (e) {
    log(`license ${license} was bought (block ${report.block}), but the access check failed`);
    if (args.json) printJson({ ...report, error: { pallet: null, name: 'RpcError', docs: e.message, code: e.code ?? null, message: e.message } });
    fail(e.message);
  }
}
