// The buyer's page: open offers with their terms in words and a live quote, buying with a
// price limit, and the licenses the account holds.

import { exclusionsText, formatBalance, formatBlocks } from '@licentia/client';
import { card, h, show } from './dom.js';
import { PURPOSES, readLicenses, rpc, send } from './chain.js';

const yes = (b) => (b ? 'yes' : 'no');

function termsList(api, terms) {
  const purposes = terms.purposes.map((p) => PURPOSES.find(([k]) => k === p)?.[1] ?? p).join(', ');
  return h('dl', { class: 'terms' },
    h('dt', {}, 'Uses'), h('dd', {}, purposes),
    h('dt', {}, 'Duration'), h('dd', {}, formatBlocks(api, terms.duration)),
    h('dt', {}, 'Records'), h('dd', {}, terms.recordCap === null ? 'every record of the pool' : `at most ${terms.recordCap}`),
    h('dt', {}, 'Anonymised'), h('dd', {}, yes(terms.anonymisation)),
    h('dt', {}, 'Credit the authors'), h('dd', {}, yes(terms.attribution)),
    h('dt', {}, 'Transferable'), h('dd', {}, yes(terms.transferable)),
    h('dt', {}, 'Redistribution'), h('dd', {}, yes(terms.redistribution)),
    h('dt', {}, 'Commercial use'), h('dd', {}, yes(terms.commercialUse)),
    h('dt', {}, 'Model weights may be released'), h('dd', {}, yes(terms.modelWeightsRelease)));
}

function priceText(api, price) {
  return price.perRecord !== undefined
    ? `${formatBalance(api, price.perRecord)} per record`
    : `${formatBalance(api, price.flat)} for the whole pool`;
}

async function offerCard(api, offer, platforms, { buy }) {
  const terms = await rpc('licentia_terms', [offer.terms]);
  let quote = null;
  let refusal = null;
  try {
    quote = await rpc('licentia_quote', [offer.id]);
  } catch (e) {
    // `4009: <message>: <data>`: the message says why in words; the data is for programs.
    refusal = e.message.replace(/^-?\d+: /, '').replace(/: (\{.*|[a-zA-Z]+)$/s, '');
  }
  const names = offer.platforms.map((id) => {
    const p = platforms.find((q) => q.id === id);
    return p ? `${p.kind} (${p.domain})` : `platform ${id}`;
  }).join(', ');
  const limitId = `max-price-${offer.id}`;
  const limit = h('input', {
    id: limitId, name: 'maxPrice', inputmode: 'decimal',
    value: quote ? (Number(BigInt(quote.price)) / 10 ** (api.registry.chainDecimals[0] ?? 12)).toString() : '',
  });
  const button = h('button', {
    disabled: quote === null,
    onclick: (event) => {
      event.preventDefault();
      buy(offer, limit.value);
    },
  }, 'Buy');
  return h('article', { class: 'offer', 'data-offer': offer.id },
    h('h3', {}, `Offer ${offer.id}: posts of ${names}`),
    h('p', {}, priceText(api, offer.price), offer.paused ? ' (paused)' : ''),
    termsList(api, terms),
    quote
      ? h('p', { class: 'quote' }, `Now: ${formatBalance(api, quote.price)} for ${quote.licensed} records.`,
        exclusionsText(quote.excluded) ? ` Left out: ${exclusionsText(quote.excluded)}.` : '')
      : h('p', { class: 'quote' }, `Cannot be bought now: ${refusal}`),
    h('form', { 'aria-label': `Buy offer ${offer.id}` },
      h('label', { for: limitId }, 'Pay at most'), limit, ` ${api.registry.chainTokens[0] ?? ''} `, button));
}

export async function buyerPage(root, { api, account, status, refresh }) {
  const [offers, platforms] = await Promise.all([rpc('licentia_offers'), rpc('licentia_platforms')]);
  const buy = async (offer, limitText) => {
    const decimals = api.registry.chainDecimals[0] ?? 12;
    const [whole, fraction = ''] = limitText.trim().split('.');
    if (!/^\d+$/.test(whole || '0') || !/^\d*$/.test(fraction) || fraction.length > decimals) {
      status(`"${limitText}" is not an amount`, true);
      return;
    }
    const maxPrice = BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
    status(`Buying offer ${offer.id}: waiting for a block…`);
    let outcome;
    try {
      const { events } = await send(api, api.tx.licensing.purchase(offer.id, maxPrice), account);
      const bought = events.find((e) => api.events.licensing.LicensePurchased.is(e));
      outcome = [`License ${bought.data[0].toString()} bought.`, false];
    } catch (e) {
      outcome = [`The purchase failed: ${e.message}`, true];
    }
    await refresh();
    status(...outcome);
  };
  const cards = await Promise.all(offers.map((o) => offerCard(api, o, platforms, { buy })));

  const held = (await readLicenses(api)).filter((l) => l.owner === account.address);
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  const licenses = held.length === 0
    ? h('p', {}, 'This account holds no license.')
    : h('ul', { class: 'list' }, held.map((l) => h('li', { 'data-license': l.id },
      h('strong', {}, `License ${l.id}`), ` (offer ${l.offer}): `,
      l.revoked ? 'revoked' : now >= l.expiry ? 'expired' : `valid for ${formatBlocks(api, l.expiry - now)} more`,
      `; ${l.delivered} records delivered`, l.cap === null ? '' : ` of at most ${l.cap}`,
      `; paid ${formatBalance(api, l.price)}`)));

  show(root,
    card('Offers', offers.length === 0 ? h('p', {}, 'No offer is open.') : cards),
    card('Your licenses', licenses));
}
