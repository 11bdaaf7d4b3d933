// The contributor's page: linked identities (linking and unlinking a Nostr key, releasing an
// identity held for the account), consent per purpose, the conditions refused and a minimum
// price, posts, earnings, claim, and withdrawing everything.

import { formatBalance, formatBlocks } from '@licentia/client';
import { card, h, show } from './dom.js';
import {
  PURPOSES, RESTRICTIONS, blockDate, covers, freeBalance, heldIdentities, nostrLinkTx, nostrUnlinkTx, purposeVariant,
  readLicenses, rpc, send, signRelayedStatement,
} from './chain.js';

/** An identity as people write it: `x:783214`, `bluesky:did:plc:...`, `nostr:ab12...`. */
function identityText(identity) {
  const [[kind, value]] = Object.entries(identity);
  return `${kind === 'x' ? 'X user' : kind[0].toUpperCase() + kind.slice(1)} ${value}`;
}

/** The chain's `Identity` (a held identity's storage key) as the RPC methods write it. */
function identityJson(identity) {
  const value = identity.isNostr ? identity.asNostr.toHex() : identity.isX ? identity.asX.toString() : identity.value.toUtf8();
  return { [identity.type.toLowerCase()]: value };
}

/**
 * What the last action on a spot of the page came to (`[text, error]`), by account and spot, so
 * that it is shown next to that action once the page is read again after the transaction. Each
 * note is shown once.
 */
const notes = new Map();

function purposeName(purpose) {
  return PURPOSES.find(([key]) => key === purpose)?.[1] ?? purpose;
}

function restrictionName(restriction) {
  return RESTRICTIONS.find(([key]) => key === restriction)?.[1].toLowerCase() ?? restriction;
}

/** The minimum price of each tier, in words: tier 0 is none, 1 to 3 the chain's floors. */
function tierNames(api) {
  const floors = api.consts.licensing.priceFloors.map((f) => f.toBigInt());
  return ['No minimum', ...floors.map((f) => `At least ${formatBalance(api, f)} per post`)];
}

export async function contributorPage(root, { api, account, status, refresh }) {
  const [consent, contributions, earnings, platforms, free, licenses, header, timestamp, held] = await Promise.all([
    rpc('licentia_accountConsent', [account.address]),
    rpc('licentia_contributions', [account.address]),
    rpc('licentia_earnings', [account.address]),
    rpc('licentia_platforms'),
    freeBalance(api, account.address),
    readLicenses(api),
    api.rpc.chain.getHeader(),
    api.query.timestamp.now(),
    heldIdentities(api, account.address),
  ]);
  const platformName = (id) => {
    const p = platforms.find((q) => q.id === id);
    return p ? `${p.kind} (${p.domain})` : `platform ${id}`;
  };
  // A note next to an action (`spot`): what the last action there came to, or what it waits for.
  const note = (spot) => {
    const key = `${account.address}:${spot}`;
    const [text, error] = notes.get(key) ?? ['', false];
    notes.delete(key);
    return h('span', { class: error ? 'note error' : 'note', 'data-note': spot, role: 'status' }, text);
  };
  // A transaction, then the page read again, then what happened (so that the words and the
  // page agree): in the status line, and next to the action if it has a `spot`.
  const act = async (what, makeTx, done, spot) => {
    const waiting = (text) => {
      status(text);
      const here = spot && root.querySelector(`[data-note="${spot}"]`);
      if (here) here.textContent = text;
    };
    let outcome;
    try {
      if (typeof makeTx === 'function') waiting(`${what}: waiting for your signature…`);
      const tx = typeof makeTx === 'function' ? await makeTx() : makeTx;
      waiting(`${what}: waiting for a block…`);
      const { fee } = await send(api, tx, account);
      outcome = [`${what}: done${fee === null ? ', free of fees' : `, fee ${formatBalance(api, fee)}`}. ${done ?? ''}`, false];
    } catch (e) {
      const reason = /Inability to pay some fees/.test(e.message) ? 'this account has no funds for the fee' : e.message;
      outcome = [`${what} failed: ${reason}`, true];
    }
    if (spot) notes.set(`${account.address}:${spot}`, outcome);
    await refresh();
    status(...outcome);
  };

  // -- Identities: linked ones (a Nostr key unlinks itself with its signer), and those an
  // operator unlinked, held for this account until it releases them. ----------------------------
  const nostr = window.nostr
    ? h('p', {}, h('button', {
      id: 'link-nostr',
      onclick: () => act('Linking your Nostr key', () => nostrLinkTx(api, account),
        'Your Nostr posts count once a relay\'s events are registered.', 'identities/link-nostr'),
    }, 'Link my Nostr key'), ' ', note('identities/link-nostr'))
    : h('p', { class: 'help' }, 'To link a Nostr key, open this page in a browser with a NIP-07 signer (nos2x, Alby, ...): it signs the link with your key.');
  const unlinkNostr = (key) => {
    const spot = `identities/nostr:${key}`;
    if (!window.nostr) return [' ', h('span', { class: 'help' }, 'To unlink it with your key, open this page in a browser with its NIP-07 signer.')];
    return [' ', h('button', {
      class: 'secondary',
      'data-unlink-nostr': key,
      onclick: () => {
        if (window.confirm('Unlink this Nostr key? Its posts stop counting and earning at once, and what you allowed for this key alone goes with it. What you earned stays yours to claim.')) {
          act('Unlinking your Nostr key', () => nostrUnlinkTx(api, account, key),
            'The key is free: it can be linked again, to this account or another.', spot);
        }
      },
    }, 'Unlink with my Nostr key'), ' ', note(spot)];
  };
  const identities = consent.identities.length === 0
    ? h('p', {}, 'No identity is linked to this account yet. Your platform links your account when you accept its invitation (it asks you to sign a link acceptance); a Nostr key is linked by signing with it (NIP-07).')
    : h('ul', { class: 'list' }, consent.identities.map((i) => h('li', {},
      h('strong', {}, identityText(i.identity)), ` on ${platformName(i.platform)}: `,
      i.allowed.length === 0 ? 'no use allowed' : `allowed for ${i.allowed.map(purposeName).join(', ')}`,
      i.allowed.length > 0 && i.restrictions.length > 0 ? `; ${i.restrictions.map(restrictionName).join(', ')}` : '',
      i.allowed.length > 0 && i.minPrice > 0 ? `; ${tierNames(api)[i.minPrice].replace(/^A/, 'a')}` : '',
      i.identity.nostr ? unlinkNostr(i.identity.nostr) : null)));
  const heldList = held.length === 0 ? null : [
    h('h3', { class: 'section' }, 'Held for you'),
    h('p', { class: 'help' }, 'Your platform unlinked these identities from your account. Their posts do not count, and no other account can have them linked: only this account can (by accepting your platform\'s invitation again), until you release them. Releasing one lets your platform link it to any account; its deposit goes back to whoever paid it.'),
    h('ul', { class: 'list', id: 'held' }, held.map(({ identity, platform }) => {
      const spot = `identities/held:${identity.toHex()}`;
      return h('li', { 'data-held': identity.toHex() },
        h('strong', {}, identityText(identityJson(identity))), ` on ${platformName(platform)}: held for this account `,
        h('button', {
          class: 'secondary',
          onclick: () => {
            if (window.confirm('Release this identity? Your platform may then link it to any account.')) {
              act('Releasing the identity', api.tx.consent.releaseIdentity(identity),
                'It is no longer held for you: your platform may link it to any account.', spot);
            }
          },
        }, 'Release'), ' ', note(spot));
    })),
  ];
  // What an action on an identity that is gone now came to (an unlinked key, a released hold).
  const gone = [...notes.keys()].filter((key) => key.startsWith(`${account.address}:identities/`))
    .map((key) => note(key.slice(account.address.length + 1)));
  const identityNotes = gone.length === 0 ? null : h('p', {}, gone);

  // -- Consent: one switch per purpose, for every linked identity. -----------------------------
  const allowed = new Set(consent.statements.allowed);
  const boxes = PURPOSES.map(([key, name, help]) => {
    const box = h('input', { type: 'checkbox', id: `purpose-${key}`, name: key, checked: allowed.has(key) });
    return { key, box, row: h('div', { class: 'purpose' }, box,
      h('label', { for: `purpose-${key}` }, h('strong', {}, name), h('span', { class: 'help' }, help))) };
  });
  const decisions = () => boxes.map(({ key, box }) => [purposeVariant(key), box.checked ? 'Allow' : 'Deny']);
  const save = h('button', {
    type: 'submit',
    onclick: (event) => {
      event.preventDefault();
      act('Saving your choices', api.tx.consent.setConsent({ Account: null }, decisions()));
    },
  }, 'Save my choices');
  // Without funds for the fee: sign the choices (and the conditions below) for the platform to
  // relay (`consent.relayConsent`, which the relayer pays for).
  const signed = h('textarea', { id: 'signed-statement', readonly: true, rows: 6, hidden: true, 'aria-label': 'Signed statement' });
  const relay = h('button', {
    class: 'secondary',
    onclick: async (event) => {
      event.preventDefault();
      try {
        const statement = await signRelayedStatement(api, account, decisions(), restrictionsOf());
        signed.value = JSON.stringify(statement, null, 2);
        signed.hidden = false;
        status('Signed. Give the statement to your platform: it relays it and pays the fee (licentia-bridge consent relay). It is valid for a day, and until you state your consent yourself.');
      } catch (e) {
        status(`Signing failed: ${e.message}`, true);
      }
    },
  }, 'Sign for my platform to relay');

  // -- Conditions: what licenses may do with the posts, and the lowest price. -------------------
  const refused = new Set(consent.statements.restrictions);
  const conditions = RESTRICTIONS.map(([key, name, help]) => {
    const box = h('input', { type: 'checkbox', id: `restriction-${key}`, name: key, checked: refused.has(key) });
    return { key, box, row: h('div', { class: 'purpose' }, box,
      h('label', { for: `restriction-${key}` }, h('strong', {}, name), h('span', { class: 'help' }, help))) };
  });
  const minPrice = h('select', { id: 'min-price', name: 'minPrice' }, tierNames(api).map((name, tier) =>
    h('option', { value: tier, selected: tier === consent.statements.minPrice }, name)));
  const restrictionsOf = () => ({
    refused: conditions.filter(({ box }) => box.checked).map(({ key }) => purposeVariant(key)),
    minPrice: Number(minPrice.value),
  });
  const saveConditions = h('button', {
    type: 'submit',
    onclick: (event) => {
      event.preventDefault();
      act('Saving your conditions', api.tx.consent.setRestrictions({ Account: null }, restrictionsOf()),
        'Licenses under terms you refuse, or sold below your price, no longer include your posts; their buyers are told.');
    },
  }, 'Save my conditions');

  // -- Posts and earnings. ---------------------------------------------------------------------
  const posts = contributions.length === 0
    ? h('p', {}, 'None of your posts is registered yet: your platform registers the posts of people who allow some use.')
    : h('ul', { class: 'list' }, contributions.map(([platform, count]) =>
      h('li', {}, h('strong', { 'data-posts': count }, `${count} posts`), ` on ${platformName(platform)}`)));
  // Licenses that cover posts of this account now: one line per license and platform.
  const now = header.number.toNumber();
  const withPosts = consent.identities.filter((i) => contributions.some(([p, n]) => p === i.platform && n > 0));
  const covering = licenses.flatMap((l) => withPosts.filter((i) => covers(l, i, now)).map((i) => [l, i]));
  const coveringList = covering.length === 0
    ? h('p', {}, 'No license covers your posts now.')
    : h('ul', { class: 'list' }, covering.map(([l, i]) => h('li', { 'data-covering': l.id },
      h('strong', {}, `License ${l.id}`), ` for ${l.purposes.map(purposeName).join(', ')}, `,
      `valid for ${formatBlocks(api, l.expiry - now)} more: your posts on ${platformName(i.platform)} registered before its purchase (block ${l.start})`)));
  const claimable = BigInt(earnings.pending);
  // Earnings over time: what each 30-day period's claims paid, as a bar beside the amount.
  const periods = earnings.periods.map((p) => ({ from: p.from, amount: BigInt(p.amount) }));
  const periodDays = Math.round((Number(earnings.period) * Number(api.consts.aura?.slotDuration ?? 6000)) / 86_400_000);
  const largest = periods.reduce((max, p) => (p.amount > max ? p.amount : max), 0n);
  const day = (block) => blockDate(api, now, timestamp.toBigInt(), block)
    .toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
  const history = periods.length === 0
    ? h('p', { id: 'no-history' }, `You have not claimed yet: each claim is recorded here, in the ${periodDays}-day period it falls in.`)
    : h('table', { class: 'history', id: 'history' },
      h('caption', {}, `What your claims paid, per ${periodDays}-day period (the chain keeps the last 12 with a claim)`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'Paid to you'))),
      h('tbody', {}, periods.map((p) => h('tr', { 'data-period': p.from },
        h('th', { scope: 'row' }, day(p.from)),
        h('td', {},
          h('span', { class: 'bar', 'aria-hidden': 'true', style: `width: ${largest === 0n ? 0 : Number((p.amount * 60n) / largest)}%` }),
          h('span', { 'data-paid': p.amount }, formatBalance(api, p.amount)))))));
  const claim = h('button', {
    disabled: claimable === 0n,
    onclick: () => act('Claiming', api.tx.licensing.claim(), 'The amount is in your account.'),
  }, 'Claim');

  // -- Withdraw. -----------------------------------------------------------------------------
  const withdraw = h('button', {
    class: 'danger',
    onclick: () => {
      if (window.confirm('Withdraw consent for every use of every linked identity?')) {
        act('Withdrawing', api.tx.consent.withdrawConsent(), 'Buyers are told through their revocation feed.');
      }
    },
  }, 'Withdraw everything');

  show(root,
    card('Your identities', identities, heldList, identityNotes, nostr),
    card('What your posts may be used for',
      h('p', {}, 'Nothing is allowed until you allow it. Your choices apply to every identity linked to this account; you can change them at any time.'),
      free === 0n
        ? h('p', { class: 'help', id: 'no-funds' }, 'This account has no funds for fees: sign your choices and conditions instead, and your platform relays them.')
        : null,
      h('form', { 'aria-label': 'Consent per purpose' }, boxes.map((b) => b.row), save, ' ', relay, signed)),
    card('Conditions',
      h('p', {}, 'Whatever you allow above, licenses under terms you refuse here, or sold below your price, do not include your posts.'),
      h('form', { 'aria-label': 'Conditions' }, conditions.map((c) => c.row),
        h('div', { class: 'purpose' }, h('label', { for: 'min-price' }, h('strong', {}, 'Lowest price per post')), minPrice),
        saveConditions)),
    card('Your posts', posts),
    card('Licenses that cover your posts', coveringList,
      h('p', { class: 'help' }, 'Each pays when it is bought, into the earnings below; a withdrawal or a new condition takes your posts out of it at once.')),
    card('Earnings',
      h('p', { class: 'amount', id: 'pending' }, formatBalance(api, claimable)),
      h('p', {}, claimable === 0n
        ? 'Nothing to claim yet: you earn when a license covering your posts is bought.'
        : 'Ready to claim. Your claim is free of fees once a day when it pays at least the existential deposit.'),
      claim,
      h('h3', { class: 'section' }, 'Earnings over time'),
      h('p', {}, 'Paid to you so far: ', h('strong', { id: 'claimed' }, formatBalance(api, BigInt(earnings.claimed))),
        claimable === 0n ? '.' : `, and ${formatBalance(api, claimable)} waiting for your claim.`),
      history),
    card('Withdraw everything',
      h('p', {}, 'This denies every use, for every identity, at once. No new license will include your posts, and access checks refuse them to every existing license. Buyers who already received your posts read the withdrawal in their license\'s revocation feed and must delete them. What you earned before stays yours to claim.'),
      withdraw));
}
