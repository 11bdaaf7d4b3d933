#!/usr/bin/env node
// Lists the open offers: terms, price and current quote. Everything from the chain's metadata
// (storage `licensing.offers`, `licensing.termsOf`; runtime API `licensingApi.quote`).
import { connect, describeTerms, output, parseArgs, plain } from './lib.mjs';

const usage = 'usage: offers.mjs [--url ws://127.0.0.1:9944] [--json]';
const args = parseArgs(usage, { url: 'ws://127.0.0.1:9944', json: false });
const api = await connect(args.url);

const offers = [];
for (const [key, value] of await api.query.licensing.offers.entries()) {
  const id = key.args[0].toNumber();
  const offer = value.unwrap();
  const terms = await api.query.licensing.termsOf(offer.terms);
  const quote = await api.call.licensingApi.quote(id);
  offers.push({
    id,
    ...plain(offer),
    termsId: offer.terms.toNumber(),
    terms: describeTerms(api, terms.unwrap().terms),
    quote: quote.isSome ? plain(quote.unwrap()) : null,
  });
}
offers.sort((a, b) => a.id - b.id);
output(args.json, offers);
await api.disconnect();
