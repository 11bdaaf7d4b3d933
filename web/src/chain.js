// The chain as the portal sees it: one connection with no custom types (everything from the
// node's metadata), the node's `licentia_` RPC methods, accounts (a wallet extension's, or the
// development accounts on a development chain), and transactions with their outcome in words.

import { relayedStatementPayload, signedBy } from '@licentia/client';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { web3Accounts, web3Enable, web3FromSource } from '@polkadot/extension-dapp';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** The node: `?node=ws://...` in the page's address, else the development node. */
export const NODE_URL = new URLSearchParams(window.location.search).get('node') ?? 'ws://127.0.0.1:9944';

let provider;

/** Connects once; the api and whether the chain is a development chain. */
export async function connect() {
  provider = new WsProvider(NODE_URL);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  if (!api.tx.licensing || !api.tx.consent) throw new Error(`${NODE_URL} is not a Licentia node`);
  const chainType = await api.rpc.system.chainType();
  return { api, development: chainType.isDevelopment || chainType.isLocal };
}

/** A `licentia_` RPC method (not in metadata, so called by name on the provider). */
export async function rpc(method, params = []) {
  return provider.send(method, params);
}

const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/**
 * The accounts a person can act as: those of any injected wallet (the Polkadot.js extension,
 * Talisman, SubWallet...) and, on a development chain, the development accounts.
 */
export async function accounts(development) {
  const found = [];
  const extensions = await web3Enable('Licentia');
  if (extensions.length > 0) {
    for (const a of await web3Accounts()) {
      found.push({ address: a.address, name: a.meta.name ?? a.address, source: a.meta.source });
    }
  }
  if (development) {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    for (const name of DEV_NAMES) {
      const pair = keyring.addFromUri(`//${name}`, { name });
      found.push({ address: pair.address, name: `${name} (development account)`, pair });
    }
  }
  return found;
}

/** A readable reason from a dispatch error, from the metadata's documentation. */
function describe(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}: ${docs.join(' ')}`;
  }
  return dispatchError.toString();
}

/**
 * Signs and submits `tx` as `account`; resolves when a block includes it with its events and
 * the fee paid (null when the call was free), rejects with the chain's reason.
 */
export async function send(api, tx, account) {
  let signer = account.pair;
  let options = {};
  if (!signer) {
    const injector = await web3FromSource(account.source);
    signer = account.address;
    options = { signer: injector.signer };
  }
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
      if (!status.isInBlock) {
        if (status.isDropped || status.isInvalid) reject(new Error(`the transaction was ${status.type}`));
        return;
      }
      unsubscribe();
      if (dispatchError) {
        reject(new Error(describe(api, dispatchError)));
        return;
      }
      const paid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
      resolve({ events: events.map(({ event }) => event), fee: paid ? paid.event.data[1].toBigInt() : null });
    }).then((u) => { unsubscribe = u; }, reject);
  });
}

/** `account`'s signature of `bytes`: a development key signs them as they are, a wallet as
 * `<Bytes>` + bytes + `</Bytes>` (its `signRaw`); the chain accepts both. */
async function signBytes(account, bytes) {
  if (account.pair) return u8aToHex(account.pair.sign(bytes));
  const injector = await web3FromSource(account.source);
  const { signature } = await injector.signer.signRaw({ address: account.address, data: u8aToHex(bytes), type: 'bytes' });
  return signature;
}

/** The blocks a relayed statement stays valid for: a day of six-second blocks. */
const RELAY_VALIDITY = 14_400;

/**
 * The nonce of `address`'s next signed statement: the chain's next relay nonce, or one more than
 * the last this browser signed if that is higher (a statement not relayed yet), so that
 * statements are numbered in the order they are signed and a relayer cannot have an older one
 * take effect after a newer one. The chain accepts nonces up to `consent.relayNonceWindow` (16)
 * above its next one; past that, the oldest unrelayed statements are void anyway.
 */
async function nextStatementNonce(api, address) {
  const next = (await api.query.consent.relayNonce(address)).toNumber();
  const key = `licentia:last-statement-nonce:${api.genesisHash.toHex()}:${address}`;
  const window = Number(api.consts.consent.relayNonceWindow ?? 1);
  const last = Number(globalThis.localStorage?.getItem(key) ?? -1);
  const nonce = last >= next && last + 1 < next + window ? last + 1 : next;
  globalThis.localStorage?.setItem(key, String(nonce));
  return nonce;
}

/**
 * A consent statement signed by `account` for a platform to relay (`consent.relayConsent`), so
 * that an account without funds can state its consent: `decisions` are `[purpose, 'Allow' |
 * 'Deny']`, `restrictions` `{ refused, minPrice }` or null. Returns the statement as
 * `licentia-bridge consent relay --statement FILE` reads it.
 */
export async function signRelayedStatement(api, account, decisions, restrictions) {
  const nonce = await nextStatementNonce(api, account.address);
  const expiresAt = (await api.rpc.chain.getHeader()).number.toNumber() + RELAY_VALIDITY;
  const camel = (variant) => variant[0].toLowerCase() + variant.slice(1);
  const statement = {
    account: account.address,
    scope: 'account',
    decisions: decisions.map(([purpose, decision]) => [camel(purpose), camel(decision)]),
    restrictions: restrictions && { refused: restrictions.refused.map(camel), minPrice: restrictions.minPrice },
    nonce,
    expiresAt,
  };
  // What the chain checks: the statement's payload, signed as it is or wrapped by the wallet.
  const payload = relayedStatementPayload(api.registry, api.genesisHash, statement);
  const signature = await signBytes(account, payload);
  if (!signedBy(payload, signature, account.address)) {
    throw new Error(`the wallet's signature is not ${account.address}'s signature of the statement`);
  }
  // The file `consent relay` reads names the scope by `identity` (null: every identity).
  const { scope, ...signed } = statement;
  return { account: signed.account, identity: null, ...signed, signature };
}

/**
 * Every license not yet released (`licentia_license` for each id below `nextLicenseId`): fine
 * for a development-sized chain; a public network's portal would ask an indexer.
 */
export async function readLicenses(api) {
  const next = (await api.query.licensing.nextLicenseId()).toNumber();
  const ids = Array.from({ length: next }, (_, id) => id);
  const found = await Promise.all(ids.map((id) => rpc('licentia_license', [id]).catch(() => null)));
  return found.filter((license) => license !== null);
}

/**
 * Whether `license` covers posts of `identity` (an `IdentityConsent` of `licentia_accountConsent`)
 * now: live, on the identity's platform, and admitted by its consent (every purpose allowed, no
 * conflicting condition refused, its minimum within the license's tier). It covers the posts
 * registered before its purchase (its snapshot).
 */
export function covers(license, identity, now) {
  return license.revoked === null && now < license.expiry
    && license.platforms.includes(identity.platform)
    && license.purposes.every((p) => identity.allowed.includes(p))
    && !license.conflicts.some((c) => identity.restrictions.includes(c))
    && identity.minPrice <= license.tier;
}

/** The free balance of `address`, in planck. */
export async function freeBalance(api, address) {
  return (await api.query.system.account(address)).data.free.toBigInt();
}

/**
 * The `created_at` of a new link or unlink proof of the Nostr key `publicKey` (`0x` hex): now,
 * or one second past the key's last proof used on chain (`consent.nostrProofs`) if that is
 * later, since the chain takes only a proof newer than the last (and within an hour of its own
 * time: a clock that far off fails with `NostrProofExpired`).
 */
async function nostrCreatedAt(api, publicKey) {
  const last = await api.query.consent.nostrProofs(publicKey);
  const now = Math.floor(Date.now() / 1000);
  return last.isSome ? Math.max(now, last.unwrap().toNumber() + 1) : now;
}

/**
 * The page's NIP-07 signer (`window.nostr`) signs the chain's event `verb` (`link` or `unlink`)
 * of its key for `account`: kind 22242, no tags, content `licentia:<verb>:0x<genesis
 * hash>:0x<account>` (primitives `nostr::link_content`, `unlink_content`). With `expected` (`0x`
 * hex), the signer must hold that key. Returns `[publicKey, createdAt, signature]`, the
 * arguments of `consent.linkNostr` and `consent.unlinkNostr`.
 */
async function signNostrEvent(api, account, verb, expected) {
  if (!window.nostr) throw new Error('no NIP-07 signer (window.nostr) in this browser');
  const publicKey = `0x${await window.nostr.getPublicKey()}`.toLowerCase();
  if (expected && publicKey !== expected.toLowerCase()) {
    throw new Error(`your Nostr signer holds the key ${publicKey.slice(2, 14)}…, not ${expected.slice(2, 14)}…: choose that key in your Nostr extension and try again`);
  }
  const accountHex = u8aToHex(api.createType('AccountId32', account.address).toU8a());
  const content = `licentia:${verb}:${api.genesisHash.toHex()}:${accountHex}`;
  const createdAt = await nostrCreatedAt(api, publicKey);
  const event = await window.nostr.signEvent({ kind: 22242, created_at: createdAt, tags: [], content });
  if (`0x${event.pubkey}`.toLowerCase() !== publicKey) {
    throw new Error('your Nostr signer signed with another key than the one it gave');
  }
  return [publicKey, event.created_at, `0x${event.sig}`];
}

/**
 * Links the Nostr key of the page's NIP-07 signer to `account`: the signer signs the link event
 * and `account` submits it with `consent.linkNostr`. Returns the transaction.
 */
export async function nostrLinkTx(api, account) {
  return api.tx.consent.linkNostr(...(await signNostrEvent(api, account, 'link')));
}

/**
 * Unlinks the Nostr key `publicKey` (`0x` hex), linked to `account`, on the key's own word: the
 * page's NIP-07 signer, which must hold that key, signs the unlink event, and `account` submits
 * it with `consent.unlinkNostr` (anyone may; the submitter pays the fee). Returns the
 * transaction.
 */
export async function nostrUnlinkTx(api, account, publicKey) {
  return api.tx.consent.unlinkNostr(...(await signNostrEvent(api, account, 'unlink', publicKey)));
}

/**
 * The identities an operator unlinked from `address` and that are held for it
 * (`consent.heldIdentities`, keyed by identity, its value the link kept aside): each as
 * `{ identity, platform }`, `identity` the chain's `Identity` (for `consent.releaseIdentity`).
 * Reads every held identity, which suits a development chain, not a public one (an indexer of
 * `IdentityHeld` events would).
 */
export async function heldIdentities(api, address) {
  const entries = await api.query.consent.heldIdentities.entries();
  return entries
    .filter(([, link]) => link.isSome && link.unwrap().account.eq(address))
    .map(([key, link]) => ({ identity: key.args[0], platform: link.unwrap().platform.toNumber() }));
}

/** The purposes, in the chain's order, with plain names. */
export const PURPOSES = [
  ['aiTraining', 'AI training', 'Training machine-learning models on your posts.'],
  ['generativeAiTraining', 'Generative AI training', 'Training models that generate text or images.'],
  ['aiInference', 'AI inference', 'Giving your posts to a model as context when it answers.'],
  ['searchIndexing', 'Search indexing', 'Indexing your posts so that search engines find them.'],
  ['research', 'Research', 'Academic and non-commercial research.'],
];

/** The conditions of a license's terms a person may refuse, in the chain's order. */
export const RESTRICTIONS = [
  ['noCommercialUse', 'Not for commercial use', 'Left out of licenses that allow commercial use.'],
  ['anonymisationRequired', 'Only anonymised', 'Left out of licenses that do not require removing your name and mentions.'],
  ['noModelWeights', 'No released model weights', 'Left out of licenses that allow publishing a model trained on your posts.'],
  ['noRedistribution', 'Not passed on', 'Left out of licenses that allow the buyer to pass your posts on.'],
];

/** The metadata's variant name of a purpose (`aiTraining` -> `AiTraining`). */
export function purposeVariant(purpose) {
  return purpose[0].toUpperCase() + purpose.slice(1);
}

/**
 * The date of block `block`, estimated from the best block (`now`, whose timestamp is `nowMs`)
 * and the slot duration: exact enough to name the day a 30-day period began.
 */
export function blockDate(api, now, nowMs, block) {
  const slot = Number(api.consts.aura?.slotDuration ?? 6000);
  return new Date(Number(nowMs) - (Number(now) - Number(block)) * slot);
}
