#!/usr/bin/env node
// The portal in a real browser (Debian's Chromium, driven by puppeteer-core) against a dev
// chain: a contributor signs a statement that a platform relays (the path of an account without
// funds), opts in and states conditions, a buyer purchases, the contributor sees the earning and claims
// it (free of fees), then withdraws everything; her platform's operator unlinks her identity, which
// is then held for her, and she releases it; another links a Nostr key through a NIP-07 signer (a
// `window.nostr` the test gives the page, signing with a key of its own), and unlinks it with the
// same signer (after the portal refuses a signer that holds another key). Writes a screenshot of
// each page.
//
//   node test/portal.mjs --node ws://127.0.0.1:9944 --bridge PATH [--screenshots DIR] [--chromium PATH]
//
// --bridge is the licentia-bridge binary that relays the signed statement, as a platform does.
//
// The chain needs a platform offer with posts of //Eve's: the test makes one with
// scripts/buyer-tools/dev-offer.mjs (as //Dave, the X platform's operator on --dev). Exits 1 on the
// first failed expectation. bridge/tests/portal.rs runs it on a fresh node in the test suite.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { schnorr } from '@noble/curves/secp256k1';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import puppeteer from 'puppeteer-core';
import { servePortal } from '../serve.mjs';

const { values: args } = parseArgs({
  options: {
    node: { type: 'string', default: 'ws://127.0.0.1:9944' },
    screenshots: { type: 'string', default: 'screenshots' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    bridge: { type: 'string' },
  },
});
if (!args.bridge) {
  console.error('usage: node test/portal.mjs --node URL --bridge PATH [--screenshots DIR] [--chromium PATH]');
  process.exit(2);
}

// A NIP-07 signer, as an extension gives a page: `window.nostr` in the page, its key here. The
// test can have it hold another key (`nostrKey`), as when a person chose another in their
// extension.
const nostrKeyOf = (seed) => {
  const secret = sha256(utf8ToBytes(seed));
  return { secret, public: bytesToHex(schnorr.getPublicKey(secret)) };
};
const nostrLinked = nostrKeyOf('licentia portal test nostr key');
const nostrPublic = nostrLinked.public;
let nostrKey = nostrLinked;
function nostrSign(event) {
  const serialised = JSON.stringify([0, nostrKey.public, event.created_at, event.kind, event.tags, event.content]);
  const id = sha256(utf8ToBytes(serialised));
  return { ...event, id: bytesToHex(id), pubkey: nostrKey.public, sig: bytesToHex(schnorr.sign(id, nostrKey.secret)) };
}
const here = fileURLToPath(new URL('.', import.meta.url));
const fail = (message) => {
  console.error(`portal test: ${message}`);
  process.exit(1);
};
const step = (text) => console.error(`portal test: ${text}`);
mkdirSync(args.screenshots, { recursive: true });

// -- The chain: an offer of 5 posts by //Eve (X user 1234567890) allowing AI training. -------
step('dev-offer.mjs: Dave links Eve, registers 5 of her posts and opens offer 0');
execFileSync('node', [join(here, '../../scripts/buyer-tools/dev-offer.mjs'), '--url', args.node, '--posts', '5'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

// The chain as the test reads it, and as a platform's operator acts on it.
const api = await ApiPromise.create({ provider: new WsProvider(args.node), noInitWarn: true });
await cryptoWaitReady();
const dave = new Keyring({ type: 'sr25519' }).addFromUri('//Dave');
/** Submits `tx` as `signer`; resolves once a block includes it, rejects if it failed. */
const submit = (tx, signer) => new Promise((resolve, reject) => {
  tx.signAndSend(signer, ({ status, dispatchError }) => {
    if (status.isInvalid || status.isDropped) reject(new Error(`the transaction was ${status.type}`));
    if (!status.isInBlock) return;
    if (dispatchError) reject(new Error(dispatchError.toString()));
    else resolve();
  }).catch(reject);
});

const server = await servePortal(0);
const portal = `http://127.0.0.1:${server.address().port}/`;
const browser = await puppeteer.launch({
  executablePath: args.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
let page;
try {
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 1400 });
  page.on('dialog', (dialog) => dialog.accept());
  await page.exposeFunction('__nostrSign', nostrSign);
  await page.exposeFunction('__nostrPublicKey', () => nostrKey.public);
  await page.evaluateOnNewDocument(() => {
    window.nostr = { getPublicKey: () => window.__nostrPublicKey(), signEvent: (event) => window.__nostrSign(event) };
  });
  page.on('pageerror', (e) => step(`page error: ${e.message}`));

  /** Opens the portal as `name` (a development account) on `route`, ready. */
  const open = async (name, route) => {
    const url = `${portal}?node=${encodeURIComponent(args.node)}&account=${name}#${route}`;
    await page.goto(url);
    await page.waitForFunction((r) => document.getElementById('page').dataset.ready?.startsWith(`${r}:`), { timeout: 60_000 }, route);
  };
  const text = (selector) => page.$eval(selector, (e) => e.textContent);
  /** Waits until the status line says `pattern` (a transaction in a block), or fails. */
  const statusSays = async (pattern) => {
    await page.waitForFunction(
      (p) => new RegExp(p).test(document.getElementById('status').textContent) || document.getElementById('status').className === 'error',
      { timeout: 60_000 }, pattern.source,
    );
    const status = await text('#status');
    if (!pattern.test(status)) fail(`expected the status to say ${pattern}, it says: ${status}`);
    // The page is rendered again after each transaction.
    await page.waitForFunction(() => document.getElementById('page').dataset.ready, { timeout: 30_000 });
    return status;
  };
  const shot = (name) => page.screenshot({ path: join(args.screenshots, `${name}.png`), fullPage: true });

  // -- The contributor signs a statement for her platform to relay: no fee of hers. -----------
  step('Eve opens her page');
  await open('Eve', 'contributor');
  const identities = await text('#card-your-identities + *');
  if (!identities.includes('X user 1234567890') || !identities.includes('allowed for AI training')) {
    fail(`Eve's identity is not shown as linked and allowing AI training: ${identities}`);
  }
  if (!(await text('[data-posts]')).includes('5 posts')) fail('Eve\'s 5 posts are not shown');
  step('Eve signs an opt-in to search indexing; Dave (her platform) relays it');
  await page.click('#purpose-searchIndexing');
  await page.click('form[aria-label="Consent per purpose"] button.secondary');
  await page.waitForFunction(
    () => !document.getElementById('signed-statement').hidden || document.getElementById('status').className === 'error',
    { timeout: 30_000 },
  );
  if (await page.$eval('#signed-statement', (e) => e.hidden)) fail(`signing failed: ${await text('#status')}`);
  const statement = await page.$eval('#signed-statement', (e) => e.value);
  const statementFile = join(tmpdir(), `licentia-portal-statement-${process.pid}.json`);
  writeFileSync(statementFile, statement);
  execFileSync(args.bridge, ['--url', args.node, 'consent', 'relay', '--statement', statementFile, '--signer', '//Dave'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The same address again: read the chain afresh.
  await page.reload();
  await page.waitForFunction(() => document.getElementById('page').dataset.ready, { timeout: 60_000 });
  const relayed = await text('#card-your-identities + *');
  if (!relayed.includes('Search indexing')) fail(`the relayed opt-in is not shown: ${relayed}`);
  await page.click('#purpose-research');
  await page.click('form[aria-label="Consent per purpose"] button');
  await statusSays(/Saving your choices: done/);
  const after = await text('#card-your-identities + *');
  if (!after.includes('AI training, Search indexing, Research')) fail(`the opt-in to research is not shown: ${after}`);
  // Conditions the offer's terms do not conflict with: no redistribution, at least the lowest
  // price (the offer pays 1 LCT per record).
  await page.click('#restriction-noRedistribution');
  await page.select('#min-price', '1');
  await page.click('form[aria-label="Conditions"] button');
  await statusSays(/Saving your conditions: done/);
  const conditions = await text('#card-your-identities + *');
  if (!conditions.includes('not passed on') || !/at least 0\.001 \w+ per post/.test(conditions)) {
    fail(`the conditions are not shown: ${conditions}`);
  }
  await shot('1-contributor');

  // -- The buyer purchases. ----------------------------------------------------------------
  step('Alice buys offer 0');
  await open('Alice', 'buyer');
  const offer = await text('[data-offer="0"]');
  if (!offer.includes('AI training') || !offer.includes('for 5 records')) fail(`offer 0 is not described: ${offer}`);
  await shot('2-buyer-offers');
  await page.click('form[aria-label="Buy offer 0"] button');
  await statusSays(/License 0 bought/);
  const held = await text('[data-license="0"]');
  if (!held.includes('License 0') || !held.includes('valid for')) fail(`license 0 is not listed: ${held}`);
  await shot('3-buyer-license');

  // -- The contributor sees the earning and claims it, free. ---------------------------------
  step('Eve claims');
  await open('Eve', 'contributor');
  const earned = await text('#pending');
  if (/^0 /.test(earned)) fail(`Eve's earning is not shown: ${earned}`);
  const covering = await text('[data-covering="0"]');
  if (!covering.includes('License 0') || !covering.includes('X (x.com)')) fail(`license 0 is not listed as covering Eve's posts: ${covering}`);
  if (!(await page.$('#no-history'))) fail('Eve has a claim history before her first claim');
  await shot('4-contributor-earned');
  await page.click('#card-earnings ~ button');
  const claimed = await statusSays(/Claiming: done/);
  if (!claimed.includes('free of fees')) fail(`the claim was not free: ${claimed}`);
  if (!/^0 /.test(await text('#pending'))) fail('the earning was not paid out');
  // Earnings over time: the claim, in the dev chain's first 30-day period, and the total.
  if ((await text('#claimed')) !== earned) fail(`the total paid is not the claim: ${await text('#claimed')} != ${earned}`);
  const period = await text('#history [data-period="0"]');
  if (!period.includes(earned)) fail(`the claim is not in its period: ${period}`);

  // -- And withdraws everything. -------------------------------------------------------------
  step('Eve withdraws');
  await page.click('button.danger');
  await statusSays(/Withdrawing: done/);
  const withdrawn = await text('#card-your-identities + *');
  if (!withdrawn.includes('no use allowed')) fail(`the withdrawal is not shown: ${withdrawn}`);
  if (await page.$('[data-covering]')) fail('a license still covers Eve\'s posts after her withdrawal');
  await shot('5-contributor-withdrawn');

  // -- Her platform's operator unlinks her identity: it is held for her, and she releases it. ---
  step('Dave (the X platform\'s operator) unlinks Eve\'s identity; Eve releases it');
  const eveX = { X: 1234567890 };
  await submit(api.tx.consent.unlinkIdentity(eveX), dave);
  if ((await api.query.consent.heldIdentities(eveX)).isNone) fail('an operator\'s unlink did not hold Eve\'s identity');
  // The same address again: read the chain afresh.
  await page.reload();
  await page.waitForFunction(() => document.getElementById('page').dataset.ready, { timeout: 60_000 });
  const heldText = await text('#held');
  if (!heldText.includes('X user 1234567890') || !heldText.includes('held for this account')) {
    fail(`Eve's identity is not shown as held for her: ${heldText}`);
  }
  await shot('5b-contributor-held');
  await page.click('#held button');
  await statusSays(/Releasing the identity: done/);
  if (await page.$('#held')) fail(`the released identity is still shown as held: ${await text('#held')}`);
  const released = await text('[data-note^="identities/held:"]');
  if (!released.includes('no longer held for you')) fail(`no word next to the identities that the release is done: ${released}`);
  if ((await api.query.consent.heldIdentities(eveX)).isSome) fail('the identity is still held on chain after the release');

  // -- Another contributor links a Nostr key with a NIP-07 signer. -----------------------------
  step('Ferdie links a Nostr key through window.nostr');
  await open('Ferdie', 'contributor');
  await page.click('#link-nostr');
  await statusSays(/Linking your Nostr key: done/);
  const linked = await text('#card-your-identities + *');
  if (!linked.includes(`Nostr ${nostrPublic}`) && !linked.includes(`Nostr 0x${nostrPublic}`)) {
    fail(`the Nostr key is not shown as linked: ${linked}`);
  }
  const nostrIdentity = { Nostr: `0x${nostrPublic}` };
  if ((await api.query.consent.identityOwner(nostrIdentity)).isNone) fail('the Nostr key is not linked on chain');

  // -- And unlinks it with the same signer (the key's own word), not with another key. -------
  step('Ferdie tries to unlink the key with a signer holding another key: the portal refuses');
  const unlinkButton = `[data-unlink-nostr="0x${nostrPublic}"]`;
  const unlinkNote = `[data-note="identities/nostr:0x${nostrPublic}"]`;
  nostrKey = nostrKeyOf('another nostr key');
  await page.click(unlinkButton);
  await statusSays(/Unlinking your Nostr key failed: your Nostr signer holds the key/);
  const refused = await text(unlinkNote);
  if (!refused.includes('choose that key in your Nostr extension')) fail(`no word next to the button why the unlink failed: ${refused}`);
  if ((await api.query.consent.identityOwner(nostrIdentity)).isNone) fail('the key was unlinked by a signer of another key');
  await shot('5c-contributor-nostr-refused');
  step('Ferdie unlinks the key with its signer (consent.unlinkNostr)');
  nostrKey = nostrLinked;
  await page.click(unlinkButton);
  await statusSays(/Unlinking your Nostr key: done/);
  const unlinked = await text('#card-your-identities + *');
  if (unlinked.includes(nostrPublic)) fail(`the unlinked Nostr key is still shown: ${unlinked}`);
  const unlinkedNote = await text(unlinkNote);
  if (!unlinkedNote.includes('The key is free')) fail(`no word next to the identities that the unlink is done: ${unlinkedNote}`);
  if ((await api.query.consent.identityOwner(nostrIdentity)).isSome) fail('the Nostr key is still linked on chain');
  await shot('5d-contributor-nostr-unlinked');

  // -- Readable on a phone. --------------------------------------------------------------------
  await page.setViewport({ width: 390, height: 844, isMobile: true });
  await open('Alice', 'buyer');
  await shot('6-phone-buyer');
  step(`passed; screenshots in ${args.screenshots}`);
} catch (e) {
  if (page) await page.screenshot({ path: join(args.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
  fail(e.stack ?? e.message);
} finally {
  await browser.close();
  server.close();
  await api.disconnect();
}
