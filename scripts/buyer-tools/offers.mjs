#!/usr/bin/env node
// Lists every open offer: its pool of platforms, its terms, its price and what buying it costs
// now. Everything comes from the chain's metadata: storage `licensing.offers` and
// `licensing.termsOf`, the runtime calls `licensingApi.quote` (the price, or why a purchase
// would fail) and `consentApi.platform`.
import { exclusionsText, formatBalance, formatBlocks } from '@licentia/client';
import { DEFAULT_URL, connect, formatPrice, formatTerms, parseArgs, printJson, quoteOf, toJson } from './lib.mjs';

const usage = `usage: offers.mjs [--url ${DEFAULT_URL}] [--json]

Lists the open offers (closed offers leave storage) with their terms, price and current quote.
--json prints one JSON array on stdout.`;
const args = parseArgs(usage, { url: DEFAULT_URL, json: false });
const api = await connect(args.url);

const platforms = new Map();
async function platform(id) {
  if (!platforms.has(id)) {
    const view = await api.call.consentApi.platform(id);
    platforms.set(id, view.isSome ? toJson(view.unwrap()) : null);
  }
  return platforms.get(id);
}

const offers = [];
for (const [key, value] of await api.query.licensing.offers.entries()) {
  const id = key.args[0].toNumber();
  const offer = toJson(value.unwrap());
  const record = await api.query.licensing.termsOf(offer.terms);
  const terms = record.isSome ? toJson(record.unwrap().terms) : null;
  // Or why a purchase would fail now (paused, nothing to license...).
  const { quote, refusal } = await quoteOf(api, id);
  const pool = [];
  for (const p of offer.platforms) {
    const view = await platform(p);
    pool.push({ id: p, kind: view?.kind ?? null, domain: view?.domain ?? null });
  }
  offers.push({
    id,
    owner: offer.owner,
    platforms: offer.platforms,
    pool,
    termsId: offer.terms,
    terms,
    price: offer.price,
    paused: offer.paused,
    deposit: offer.deposit,
    quote,
    refusal: refusal?.name ?? null,
    refusalDocs: refusal?.docs ?? null,
    excluded: quote?.excluded ?? refusal?.excluded ?? null,
    purchasable: refusal === null,
  });
}
offers.sort((a, b) => a.id - b.id);

if (args.json) {
  printJson(offers);
} else if (offers.length === 0) {
  console.log('no open offers');
} else {
  for (const o of offers) {
    const pool = o.pool.map((p) => `${p.id} (${p.kind} ${p.domain})`).join(', ');
    console.log(`offer ${o.id}${o.paused ? ' [PAUSED: purchases fail with licensing.OfferPaused]' : ''}`);
    console.log(`  owner:           ${o.owner ?? 'governance (pool offer)'}`);
    console.log(`  platforms:       ${pool}`);
    console.log(`  terms id:        ${o.termsId}`);
    if (o.terms) console.log(formatTerms({ ...o.terms, durationText: formatBlocks(api, o.terms.duration, { count: true }) }));
    console.log(`  price:           ${formatPrice(api, o.price)}`);
    console.log(
      o.quote
        ? `  quote now:       ${formatBalance(api, o.quote.price)} (${o.quote.price} planck) for ${o.quote.licensed} licensed of ${o.quote.records} records`
        : `  quote now:       none: ${o.refusalDocs} (licensing.${o.refusal})`,
    );
    if (exclusionsText(o.excluded)) console.log(`  left out:        ${exclusionsText(o.excluded)}`);
  }
}
await api.disconnect();
