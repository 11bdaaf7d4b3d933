#!/usr/bin/env node
// Buys a license token: reads the offer's quote, submits `licensing.purchase(offer, maxPrice)`
// signed by the buyer, and prints the minted license (from its event, from storage and from the
// `licensingApi.license` runtime call), how the payment was split, and the fee. With `--check`,
// it then asks the node whether records may be served under the new license.
//
// `--check FILE`: a JSON array of access queries without `license` (as a platform hands them to
// a buyer: `{"purpose", "batch", "post", "index", "proof"}`, see docs/rpc.md); each is checked
// with `licentia_checkAccessBatch` against the license just bought.
import { readFileSync } from 'node:fs';
import { connect, eventFields, keyPair, log, output, parseArgs, plain, purposeNames, rpc, send, fail } from './lib.mjs';

const usage =
  'usage: buy.mjs --offer <id> --suri <secret uri> [--max-price <planck>] [--check <queries.json>] [--url ws://127.0.0.1:9944] [--json]';
const args = parseArgs(usage, {
  url: 'ws://127.0.0.1:9944', offer: undefined, suri: undefined, 'max-price': '', check: '', json: false,
});
const api = await connect(args.url);
const buyer = await keyPair(args.suri);
const offer = Number(args.offer);

const quote = await api.call.licensingApi.quote(offer);
if (quote.isNone) fail(`offer ${offer} does not exist, is paused or has nothing to license`);
const { price, records, licensed } = quote.unwrap();
log(`offer ${offer}: ${records} records (${licensed} licensed posts) for ${price.toString()} planck`);
// Paying at most the quote protects the buyer from a price change between quote and inclusion.
const maxPrice = args['max-price'] === '' ? price.toString() : args['max-price'];

let result;
try {
  result = await send(api, api.tx.licensing.purchase(offer, maxPrice), buyer);
} catch (e) {
  fail(`the purchase failed: ${e.message}`);
}
const find = (event) => result.events.find((e) => event.is(e));
const purchased = find(api.events.licensing.LicensePurchased);
const split = find(api.events.licensing.PaymentSplit);
const license = purchased.data.license.toNumber();
log(`license ${license} minted in block ${result.block}`);

const stored = await api.query.licensing.licenses(license);
const view = await api.call.licensingApi.license(license);
const report = {
  offer,
  buyer: buyer.address,
  quote: plain(quote.unwrap()),
  license,
  block: result.block,
  fee: result.fee,
  purchased: eventFields(purchased),
  split: eventFields(split),
  stored: { ...plain(stored.unwrap()), purposes: purposeNames(api, stored.unwrap().purposes.toNumber()) },
  view: { ...plain(view.unwrap()), purposes: purposeNames(api, view.unwrap().purposes.toNumber()) },
};

if (args.check !== '') {
  const queries = JSON.parse(readFileSync(args.check, 'utf8')).map((q) => ({ ...q, license }));
  report.access = await rpc(api, 'licentia_checkAccessBatch', [queries]);
}
output(args.json, report);
await api.disconnect();
