#!/usr/bin/env node
// FOR DEVELOPMENT CHAINS AND DEMOS ONLY: puts something on sale, as a platform's operator.
//
// On `licentia-node --dev`, //Dave operates the X platform (id 3), //Bob Bluesky (0) and
// //Charlie mastodon.social (1) (runtime/src/genesis_config_presets.rs). As the operator, this
// script registers terms (or reuses identical registered ones: `licensingApi.findTerms`) and
// opens an offer of its platform's posts.
//
// An offer can only be bought when its pool holds posts whose authors allow every purpose of
// its terms: otherwise `licensingApi.quote` is `Err(NothingToLicense)` and `licensing.purchase`
// fails with `licensing.NothingToLicense`. So, unless `--posts 0`, it also makes a contributor:
// the operator links an identity on its platform to the contributor's account with the
// contributor's signed acceptance (`consent.linkIdentity`), the contributor allows the terms'
// purposes (`consent.setConsent`), and the operator registers a batch of that author's posts
// (`content.registerBatch`: the root of the posts' leaf hashes, bound to their number, and their
// anonymous root, leaf format 3) and activates it after its challenge window, opening the
// leaves the chain samples with their anonymous openings (`content.answerLeaf`, then
// `content.activateBatch`). Real platforms do this with licentia-bridge, from their users'
// actual opt-ins and posts; here the posts are made up.
//
// `--queries FILE` writes the access queries for those posts (docs/rpc.md's JSON, without
// `license`), for `buy.mjs --post FILE` / `--check FILE` and `license.mjs --check FILE`.
import { exclusionsText, formatBalance, linkAcceptancePayload, typeByPath } from '@licentia/client';
import { blake2AsHex, blake2AsU8a, randomAsU8a } from '@polkadot/util-crypto';
import { stringCamelCase, u8aCmp, u8aToHex } from '@polkadot/util';
import { writeFileSync } from 'node:fs';
import {
  DEFAULT_URL, connect, eventFields, fail, findEvent, integerArg, keyPair, log, parseArgs, printJson,
  purposeBits, purposeNames, quoteOf, readJson, send, toJson,
} from './lib.mjs';
import { anonymousKey, anonymousLeaf, leafOf, merkleProof, merkleRoot, textSeal } from './verify.mjs';

const usage = `usage: dev-offer.mjs [--suri //Dave] [--platform ID] [--terms FILE]
                    [--per-record PLANCK | --flat PLANCK] [--posts 5] [--contributor //Eve]
                    [--author IDENTITY] [--queries FILE] [--url ${DEFAULT_URL}] [--json]

For development chains only. As the platform's operator (--suri), registers terms and opens an
offer of the platform's posts; with --posts N (default 5; 0 for none) it also links --author
(an identity on the platform; by default an X id, a did:plc or user@domain) to --contributor,
has the contributor allow the terms' purposes, and registers a batch of N made-up posts.
--terms: JSON terms as docs/rpc.md shows them (default: AI training, 1,000 blocks, no cap).
--per-record: price per record, planck (default 1 LCT = 10^12). --queries FILE: writes the
access queries of the registered posts. --json prints one JSON document.`;
const args = parseArgs(usage, {
  url: DEFAULT_URL, suri: '//Dave', platform: '', terms: '', 'per-record': '', flat: '', posts: '5',
  contributor: '//Eve', author: '', queries: '', json: false,
});
const api = await connect(args.url);
const operator = await keyPair(args.suri);
const posts = Number(integerArg(args, 'posts'));

// -- The platform: the one given, or the first active one the signer operates. --------------
const platforms = (await api.call.consentApi.platforms()).map((p) => toJson(p));
const platform = args.platform !== ''
  ? platforms.find((p) => p.id === Number(integerArg(args, 'platform')))
  : platforms.find((p) => p.active && p.operators.includes(operator.address));
if (!platform) {
  fail(args.platform !== ''
    ? `no platform ${args.platform}`
    : `${operator.address} operates no active platform; on --dev, //Dave operates X, //Bob Bluesky, //Charlie Mastodon`);
}
if (!platform.operators.includes(operator.address)) {
  fail(`${operator.address} is not an operator of platform ${platform.id} (${platform.domain}): ` +
    `${api.errors.licensing.NotOperator.meta.docs.join(' ')}`);
}
log(`platform ${platform.id}: ${platform.kind} ${platform.domain}, operated by ${operator.address}`);

// -- Terms: reuse identical registered terms, or register them. ------------------------------
const termsJson = args.terms !== '' ? readJson(args.terms) : {
  purposes: ['aiTraining'], duration: 1000, recordCap: null, anonymisation: true, attribution: true,
  transferable: false, redistribution: false, commercialUse: true, modelWeightsRelease: false,
  legalHash: `0x${'1e'.repeat(32)}`, legalUri: 'https://licentia.example/terms/train-v1',
};
const termsType = typeByPath(api.registry, 'licentia_primitives::licensing::Terms');
const terms = api.registry.createType(termsType, {
  ...termsJson,
  purposes: purposeBits(api, termsJson.purposes ?? []),
  legalUri: termsJson.legalUri ?? null,
});
let termsId;
const existing = await api.call.licensingApi.findTerms(terms);
if (existing.isSome) {
  termsId = existing.unwrap().toNumber();
  log(`terms ${termsId}: identical terms are registered already, reusing them`);
} else {
  const { events } = await run(api.tx.licensing.registerTerms(terms), operator);
  termsId = eventFields(findEvent(events, api.events.licensing.TermsRegistered)).terms;
  log(`terms ${termsId} registered (deposit ${formatBalance(api, api.consts.licensing.termsDeposit)} held)`);
}

// -- The offer. -------------------------------------------------------------------------------
if (args['per-record'] !== '' && args.flat !== '') fail('give --per-record or --flat, not both');
const price = args.flat !== ''
  ? { Flat: integerArg(args, 'flat') }
  : { PerRecord: args['per-record'] !== '' ? integerArg(args, 'per-record') : (10n ** BigInt(api.registry.chainDecimals[0])).toString() };
const created = await run(api.tx.licensing.createOffer(platform.id, termsId, price), operator);
const offer = eventFields(findEvent(created.events, api.events.licensing.OfferCreated));
log(`offer ${offer.offer} opened (deposit ${formatBalance(api, api.consts.licensing.offerDeposit)} held while it is open)`);

// -- A contributor and a batch of their posts. ------------------------------------------------
let registered = null;
if (posts > 0) registered = await registerPosts();

const { quote, refusal } = await quoteOf(api, offer.offer);
const report = {
  offer: offer.offer,
  platform: platform.id,
  operator: operator.address,
  termsId,
  terms: toJson(terms),
  price: offer.price,
  ...registered,
  quote,
  refusal: refusal?.name ?? null,
};
if (args.json) {
  printJson(report);
} else {
  console.log(`offer ${report.offer}: platform ${platform.id} (${platform.kind} ${platform.domain}), terms ${termsId}`);
  if (registered) {
    console.log(`batch ${registered.batch}: ${registered.posts} posts by ${JSON.stringify(registered.author)} -> ${registered.contributor}`);
    if (registered.queriesFile) console.log(`access queries: ${registered.queriesFile}`);
  }
  console.log(report.quote
    ? `quote: ${formatBalance(api, report.quote.price)} for ${report.quote.licensed} records`
    : `quote: none (licensing.${refusal.name}: ${refusal.docs}${exclusionsText(refusal.excluded) ? ` Left out: ${exclusionsText(refusal.excluded)}.` : ''})`);
}
await api.disconnect();

// ---------------------------------------------------------------------------------------------

/** Sends, and on failure exits with the pallet's error. */
async function run(tx, pair) {
  try {
    return await send(api, tx, pair);
  } catch (e) {
    fail(e.message);
  }
}

/** Links an author to the contributor, has them allow the terms' purposes, registers posts. */
async function registerPosts() {
  const contributor = await keyPair(args.contributor);
  const identity = authorIdentity();
  const identityType = typeByPath(api.registry, 'licentia_primitives::identities::Identity');
  const identityCodec = api.registry.createType(identityType, identity);

  // Link (attested by the operator), unless it is linked to the contributor already.
  const linked = await api.call.consentApi.identityConsent(identityCodec);
  if (linked.isSome) {
    const [account] = linked.unwrap();
    if (account.toString() !== contributor.address) {
      fail(`${JSON.stringify(toJson(identityCodec))} is linked to ${account} already; give another --author`);
    }
    log(`${JSON.stringify(toJson(identityCodec))} is linked to ${contributor.address} already`);
  } else {
    // The contributor accepts the link first: it signs the link acceptance (@licentia/client)
    // with its current relay nonce; the operator submits it.
    const nonce = (await api.query.consent.relayNonce(contributor.address)).toNumber();
    const expiresAt = (await api.rpc.chain.getHeader()).number.toNumber() + 100;
    const acceptance = { nonce, expiresAt };
    const payload = linkAcceptancePayload(api.registry, api.genesisHash, platform.id, identity, acceptance);
    const signature = { Sr25519: u8aToHex(contributor.sign(payload)) };
    await run(
      api.tx.consent.linkIdentity(platform.id, identityCodec, contributor.address, acceptance, signature),
      operator,
    );
  }

  // Consent is opt-in, per purpose: the contributor allows every purpose of the terms.
  const needed = terms.purposes.toNumber();
  const consent = await api.call.consentApi.identityConsent(identityCodec);
  const allowed = consent.isSome ? consent.unwrap()[1].allowed.toNumber() : 0;
  if ((allowed & needed) !== needed) {
    const decisions = purposeNames(api, needed).map((p) => [p, 'Allow']);
    await run(api.tx.consent.setConsent('Account', decisions), contributor);
  }

  // A batch of made-up posts by that author: the chain stores only its Merkle roots.
  const batch = (await api.query.content.nextBatchId()).toNumber();
  const recordType = typeByPath(api.registry, 'licentia_primitives::content::PostRecord');
  // Leaf format 3 (primitives/src/anonymous.rs): each post has a random secret `blind`; its
  // anonymous leaf is computed from the blind's anonymous key and its text (what an anonymised
  // license would deliver: here the made-up text has nothing to scrub), and its record's last
  // field, `textSeal`, seals that leaf with the blind.
  const texts = Array.from({ length: posts }, (_, i) => `licentia dev-offer post ${platform.id}/${batch}/${i}`);
  const blinds = texts.map(() => randomAsU8a(32));
  const anonymous = texts.map((text, i) => anonymousLeaf(anonymousKey(blinds[i]), text));
  const records = texts.map((text, i) => api.registry.createType(recordType, {
    platform: platform.id,
    post: postId(identity, batch, i),
    contentHash: blake2AsHex(text),
    author: identity,
    salt: blake2AsHex(`licentia dev-offer salt ${platform.id}/${batch}/${i}`),
    textSeal: u8aToHex(textSeal(blinds[i], anonymous[i])),
  }));
  // A post's leaf hash (primitives/src/content.rs): blake2-256 of `sealed ‖ textSeal`, where
  // `sealed` hashes the record's SCALE encoding less its last field (`textSeal`).
  const leaves = records.map((r) => {
    const encoded = r.toU8a();
    return leafOf(blake2AsU8a(encoded.subarray(0, encoded.length - 32)), encoded.subarray(encoded.length - 32));
  });
  // The anonymous tree: the same tree over the anonymous leaves sorted by value (ascending
  // bytes), so that a place in it says nothing about whose post it is.
  const anonymousLeaves = [...anonymous].sort(u8aCmp);
  const anonymousIndex = anonymous.map((a) => anonymousLeaves.findIndex((b) => u8aCmp(a, b) === 0));
  // The author's range: its posts in order of their order keys, first and last declared.
  const keys = Array.from({ length: posts }, (_, i) => orderKey(batch, i));
  const contribution = [{ author: identityCodec, posts, firstKey: keys[0], lastKey: keys[posts - 1] }];
  const { events, blockNumber } = await run(api.tx.content.registerBatch(
    platform.id, u8aToHex(merkleRoot(leaves)), u8aToHex(merkleRoot(anonymousLeaves)), contribution,
  ), operator);
  const event = eventFields(findEvent(events, api.events.content.BatchRegistered));
  // A platform batch counts once its challenge window has passed, the leaves the chain sampled
  // from it are opened, and someone activates it. The samples come from the hash of the block
  // that registered it: known from the next block on. A sample of a batch with an anonymous root
  // is opened with its anonymous opening (its blind, its anonymous leaf, and that leaf's index
  // and proof in the anonymous tree) where `requests` says `anonymous`.
  const maturesAt = Number(event.maturesAt);
  log(`batch ${event.batch} is pending until block #${maturesAt}`);
  const untilBlock = (number) => new Promise((resolve) => {
    const unsubscribe = api.rpc.chain.subscribeNewHeads((header) => {
      if (header.number.toNumber() >= number) unsubscribe.then((u) => { u(); resolve(); });
    });
  });
  await untilBlock(blockNumber + 1);
  const view = (await api.call.contentApi.batch(event.batch)).unwrap();
  for (const request of view.requests) {
    const index = request.index.toNumber();
    const proof = merkleProof(leaves, index).map((h) => u8aToHex(h));
    // Only the leaves listed `anonymous` (the chain's first sample) open their anonymous leaf:
    // that post's anonymised record becomes public with it.
    const opening = request.anonymous.isTrue ? {
      blind: u8aToHex(blinds[index]),
      leaf: u8aToHex(anonymous[index]),
      index: anonymousIndex[index],
      proof: merkleProof(anonymousLeaves, anonymousIndex[index]).map((h) => u8aToHex(h)),
    } : null;
    await run(api.tx.content.answerLeaf(event.batch, index, records[index], proof, opening), operator);
  }
  await untilBlock(maturesAt);
  await run(api.tx.content.activateBatch(event.batch, contribution), operator);

  const purpose = stringCamelCase(purposeNames(api, needed)[0]);
  const queries = records.map((record, index) => ({
    purpose,
    batch: event.batch,
    post: toJson(record),
    index,
    proof: merkleProof(leaves, index).map((h) => u8aToHex(h)),
  }));
  // The chain agrees that the first post is registered under that proof.
  const q = queries[0];
  const status = await api.call.contentApi.postStatus(q.batch, records[0], 0, q.proof);
  log(`batch ${event.batch}: ${posts} posts, root ${event.root}, anonymous root ${event.anonymousRoot}; post 0 is ${status.type}`);
  if (args.queries !== '') writeFileSync(args.queries, `${JSON.stringify(queries, null, 2)}\n`);
  return {
    contributor: contributor.address,
    author: toJson(identityCodec),
    batch: event.batch,
    posts,
    root: event.root,
    anonymousRoot: event.anonymousRoot,
    queriesFile: args.queries || null,
  };
}

/** The author's identity on the platform, as the metadata's `Identity` enum takes it. */
function authorIdentity() {
  switch (platform.kind) {
    case 'X':
      return { X: integerArg({ author: args.author || '1234567890' }, 'author') };
    case 'Bluesky':
      return { Bluesky: args.author || 'did:plc:ewvi7nxzyoun6zhxrhs64oiz' };
    case 'Mastodon':
      return { Mastodon: args.author || `eve@${platform.domain}` };
    default:
      return fail(`${platform.kind} posts are registered by their authors, not by an operator`);
  }
}

/**
 * Post `i` of batch `batch`'s order key: what the chain orders an author's posts by (X: the id;
 * Bluesky: the TID's integer; Mastodon: the status id), increasing with `i`.
 */
function orderKey(batch, i) {
  return (1_800_000_000_000_000n + BigInt(batch) * 1000n + BigInt(i)) * 1024n;
}

/** A TID: 13 base32-sortable characters of a 63-bit integer, as AT Protocol record keys are. */
function tid(key) {
  const alphabet = '234567abcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: 13 }, (_, i) => alphabet[Number((key >> BigInt(5 * (12 - i))) & 31n)]).join('');
}

/** A made-up post id of the platform's kind whose order key is `orderKey(batch, i)`. */
function postId(identity, batch, i) {
  const key = orderKey(batch, i);
  if (identity.X) return { X: { id: key.toString() } };
  if (identity.Bluesky) {
    return { Bluesky: { uri: `at://${identity.Bluesky}/app.bsky.feed.post/${tid(key)}`, cid: `bafyreidev${key}` } };
  }
  const [user, instance] = identity.Mastodon.split('@');
  return { Mastodon: { uri: `https://${instance}/users/${user}/statuses/${key}` } };
}
