// Shared by the buyer scripts: arguments, the connection, signing and sending, JSON output.
//
// Nothing here knows the chain's types: @polkadot/api reads calls, events, errors, storage and
// runtime APIs (`api.call.licensingApi.*`) from the node's metadata, and the few types the
// scripts build themselves are looked up in that metadata by their Rust path. The node's
// `licentia_` JSON-RPC methods are not in metadata, so they are sent as raw JSON-RPC through
// the WsProvider (`rpc` below), with the JSON documented in docs/rpc.md.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { stringCamelCase } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { formatBalance, formatBlocks, typeByPath } from '@licentia/client';
import { readFileSync } from 'node:fs';

export const DEFAULT_URL = 'ws://127.0.0.1:9944';

// ---------------------------------------------------------------------------------------------
// Arguments and output

/**
 * Parses `--name value`, `--name=value` and `--flag` arguments. `spec` gives the defaults:
 * `undefined` marks a required option, a boolean a flag. `--help` prints `usage` and exits.
 */
export function parseArgs(usage, spec) {
  const args = { ...spec };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(usage);
      process.exit(0);
    }
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const name = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || !(name in spec)) fail(`unknown argument ${argv[i]}\n${usage}`);
    if (typeof spec[name] === 'boolean') args[name] = true;
    else if (inline !== undefined) args[name] = inline;
    else if (i + 1 < argv.length) args[name] = argv[++i];
    else fail(`--${name} needs a value\n${usage}`);
  }
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) fail(`--${name} is required\n${usage}`);
  }
  return args;
}

/** A non-negative integer argument (ids, planck), as a string of digits. */
export function integerArg(args, name) {
  const value = String(args[name]).replace(/_/g, '');
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer, not ${args[name]}`);
  return value;
}

/** Prints `message` to stderr and exits with status 1. */
export function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** Progress and notes go to stderr, so that `--json` keeps stdout to one JSON document. */
export function log(...parts) {
  console.error(...parts);
}

/** Prints one JSON document on stdout. */
export function printJson(value) {
  console.log(JSON.stringify(value, null, 2));
}

/** Reads a JSON file, or the JSON text itself if `source` starts with `{` or `[`. */
export function readJson(source) {
  const text = /^\s*[[{]/.test(source) ? source : readFileSync(source, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${source}: not JSON (${e.message})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Connection

/** The provider of each connection, for methods that are not in metadata (see `rpc`). */
const providers = new WeakMap();

/**
 * Connects to `url` with no custom types and checks that the node is a Licentia node. Fails
 * (rather than retrying forever) if nothing answers.
 */
export async function connect(url) {
  // No automatic reconnection: a script should fail at once, not wait for a node forever.
  const provider = new WsProvider(url, false);
  let api;
  try {
    await provider.connect();
    api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  } catch (e) {
    fail(`no node answers at ${url}: ${e.message}`);
  }
  if (!api.tx.licensing || !api.call.licensingApi) {
    fail(`${url} is not a Licentia node: its metadata has no licensing pallet or LicensingApi`);
  }
  providers.set(api, provider);
  return api;
}

/**
 * Calls a node RPC method that is not in metadata (the `licentia_` namespace) with JSON params,
 * as `provider.send(method, params)` on the WsProvider given to `ApiPromise.create`: ApiPromise
 * does not expose its provider, and `api.rpc` only knows the methods it has definitions for.
 * A JSON-RPC error rejects with `method: code: message`, its `code` and `data` kept.
 */
export async function rpc(api, method, params) {
  try {
    return await providers.get(api).send(method, params);
  } catch (e) {
    const error = new Error(`${method}: ${e.message}`);
    Object.assign(error, { code: e.code, data: e.data });
    throw error;
  }
}

/** An sr25519 key pair from a secret URI (`//Alice`, a mnemonic, `0x<seed>`...). */
export async function keyPair(suri) {
  await cryptoWaitReady();
  try {
    return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
  } catch (e) {
    fail(`--suri is not a secret URI (//Alice, a mnemonic, 0x<seed>): ${e.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Transactions

/** A dispatch error, as the metadata names and documents it. */
export class DispatchFailure extends Error {
  constructor(api, dispatchError) {
    let error;
    if (dispatchError.isModule) {
      const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
      error = { pallet: section, name, docs: docs.join(' ') };
    } else {
      // Token, Arithmetic, BadOrigin, ...: errors of the dispatch machinery itself, documented
      // in the metadata's `sp_runtime::DispatchError` (and `TokenError`, `ArithmeticError`...).
      const inner = typeof dispatchError.value?.type === 'string' ? dispatchError.value.type : null;
      const docs = variantDocs(api, 'sp_runtime::DispatchError', dispatchError.type) +
        (inner ? ` ${variantDocs(api, `sp_runtime::${dispatchError.type}Error`, inner)}` : '');
      error = { pallet: null, name: inner ? `${dispatchError.type}.${inner}` : dispatchError.type, docs: docs.trim() };
    }
    super(`${error.pallet ? `${error.pallet}.` : ''}${error.name}${error.docs ? `: ${error.docs}` : ''}`);
    this.dispatchError = error;
  }
}

/**
 * Signs `tx` as `pair`, submits it and resolves once a block includes it, with the block hash
 * and number, the extrinsic's hash, its events and the fee paid. A dispatch error rejects
 * with a `DispatchFailure` (the pallet's error name and its documentation, from metadata); a
 * transaction the pool refuses (bad nonce, cannot pay the fee...) rejects with the node's
 * message.
 */
export function send(api, tx, pair, what = `${tx.method.section}.${tx.method.method}`) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    let done = false;
    const finish = (f, value) => {
      if (done) return;
      done = true;
      unsubscribe();
      f(value);
    };
    tx.signAndSend(pair, (result) => {
      const { status, events, dispatchError, txHash } = result;
      if (status.isReady) log(`${what}: submitted ${txHash.toHex()}`);
      if (status.isInBlock || status.isFinalized) {
        const block = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex();
        if (dispatchError) {
          finish(reject, Object.assign(new DispatchFailure(api, dispatchError), { block }));
          return;
        }
        const feePaid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
        api.rpc.chain.getHeader(block).then((header) => {
          log(`${what}: in block #${header.number.toNumber()} ${block}`);
          finish(resolve, {
            block,
            blockNumber: header.number.toNumber(),
            txHash: txHash.toHex(),
            events: events.map(({ event }) => event),
            fee: feePaid ? eventFields(feePaid.event).actualFee : null,
            tip: feePaid ? eventFields(feePaid.event).tip : null,
          });
        }, (e) => finish(reject, e));
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        finish(reject, new Error(`${what}: the transaction was ${status.type}`));
      }
    })
      .then((u) => {
        unsubscribe = u;
        if (done) u();
      })
      .catch((e) => finish(reject, new Error(`${what}: the node refused the transaction: ${e.message}`)));
  });
}

/** The first event of `events` that `kind` (e.g. `api.events.licensing.LicensePurchased`) is. */
export function findEvent(events, kind) {
  return events.find((e) => kind.is(e));
}

/**
 * What buying `offer` costs now (the `licensingApi.quote` runtime call), or why the chain would
 * refuse the purchase: `{ quote, refusal }`, one of them null. `quote` is JSON (see `toJson`);
 * `refusal` is `{ pallet, name, docs }` of the `licensing` error the purchase would fail with
 * (the runtime's `QuoteError` variants are named after those errors), with `excluded` (the
 * posts left out, by reason) for `NothingToLicense`.
 */
export async function quoteOf(api, offer) {
  const result = await api.call.licensingApi.quote(offer);
  if (result.isOk) return { quote: toJson(result.asOk), refusal: null };
  const name = result.asErr.type;
  const docs = api.errors.licensing[name]?.meta.docs.join(' ')
    ?? variantDocs(api, 'licentia_primitives::licensing::QuoteError', name);
  const excluded = result.asErr.isNothingToLicense ? toJson(result.asErr.asNothingToLicense) : undefined;
  return { quote: null, refusal: { pallet: 'licensing', name, docs, excluded } };
}

/** An event's fields by their metadata names, camelCased, as JSON (see `toJson`). */
export function eventFields(event) {
  return Object.fromEntries(event.meta.fields.map((f, i) => [stringCamelCase(f.name.unwrap().toString()), toJson(event.data[i])]));
}

// ---------------------------------------------------------------------------------------------
// Types from metadata

/** The documentation of variant `name` of the metadata's enum at `path` ('' if there is none). */
export function variantDocs(api, path, name) {
  const found = api.registry.lookup.types.find(({ type }) => type.path.map(String).join('::') === path);
  const variant = found?.type.def.isVariant ? found.type.def.asVariant.variants.find((v) => v.name.toString() === name) : null;
  return variant ? variant.docs.map(String).join(' ').trim() : '';
}

/** The `Purpose` variants in order, as the metadata names them (`AiTraining`, ...). */
export function purposeVariants(api) {
  return api.registry.createType(typeByPath(api.registry, 'licentia_primitives::consent::Purpose')).defKeys;
}

/**
 * The names of the purposes in a `PurposeSet`: in SCALE (and so in metadata) a bare u8 whose
 * bit i is the i-th variant of the `Purpose` enum.
 */
export function purposeNames(api, bits) {
  return purposeVariants(api).filter((_, i) => Number(bits) & (1 << i));
}

/** The `PurposeSet` bitmask of purpose names (`aiTraining`, `AiTraining`, `ai-training`...). */
export function purposeBits(api, names) {
  const variants = purposeVariants(api);
  const norm = (s) => String(s).toLowerCase().replace(/[^a-z]/g, '');
  let bits = 0;
  for (const name of names) {
    const i = variants.findIndex((v) => norm(v) === norm(name));
    if (i < 0) fail(`unknown purpose ${name} (the chain knows ${variants.join(', ')})`);
    bits |= 1 << i;
  }
  return bits;
}

/**
 * A decoded value as JSON: structs as objects (camelCase fields), enums as `"Variant"` or
 * `{"variant": value}`, `Option` as `null` or the value, accounts as SS58, hashes and
 * non-text bytes as hex, text bytes as text. Balances (u128) are always decimal strings;
 * other integers are numbers, or decimal strings beyond 2^53. Fields named `purposes`,
 * `allowed` or `denied` that are `PurposeSet`s (u8) become lists of purpose names.
 */
export function toJson(value, field = '') {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || typeof value.toPrimitive !== 'function') return value;
  if (typeof value.isSome === 'boolean' && typeof value.isNone === 'boolean' && typeof value.unwrap === 'function') {
    // An Option.
    return value.isSome ? toJson(value.unwrap(), field) : null;
  }
  const raw = value.toRawType();
  if (raw === 'u128' || raw === 'i128' || raw === 'Balance') return value.toString();
  if (raw === 'u8' && ['purposes', 'allowed', 'denied'].includes(field)) {
    return purposeNames({ registry: value.registry }, value.toNumber());
  }
  if (value instanceof Map && value.defKeys) {
    // A struct.
    return Object.fromEntries([...value.entries()].map(([k, v]) => [k, toJson(v, k)]));
  }
  if (typeof value.isBasic === 'boolean' && typeof value.type === 'string' && 'value' in value) {
    // An enum (Result included: {"ok": ...} / {"err": ...}).
    return value.isBasic ? value.type : { [stringCamelCase(value.type)]: toJson(value.value, field) };
  }
  if (Array.isArray(value) && !(value instanceof Uint8Array)) return value.map((v) => toJson(v, field));
  return value.toPrimitive();
}

// ---------------------------------------------------------------------------------------------
// Presentation

/** A price as JSON (`{"perRecord": "..."}` / `{"flat": "..."}`) in words. */
export function formatPrice(api, price) {
  if (price.perRecord !== undefined) return `${formatBalance(api, price.perRecord)} per record`;
  if (price.flat !== undefined) return `${formatBalance(api, price.flat)} flat`;
  return JSON.stringify(price);
}

/** Terms (as `toJson` gives them) in a few lines. */
export function formatTerms(terms, indent = '  ') {
  const yes = (b) => (b ? 'yes' : 'no');
  return [
    `purposes:        ${terms.purposes.join(', ')}`,
    `duration:        ${terms.durationText ?? `${terms.duration} blocks`}`,
    `record cap:      ${terms.recordCap ?? 'none (every record of the snapshot)'}`,
    `anonymisation:   ${terms.anonymisation ? 'required' : 'not required'}`,
    `attribution:     ${terms.attribution ? 'required' : 'not required'}`,
    `transferable:    ${yes(terms.transferable)}`,
    `redistribution:  ${yes(terms.redistribution)}; commercial use: ${yes(terms.commercialUse)}; model weights release: ${yes(terms.modelWeightsRelease)}`,
    `legal text:      ${terms.legalUri ?? '(no URI)'} ${terms.legalHash}`,
  ]
    .map((line) => indent + line)
    .join('\n');
}

/** A license (as `toJson` gives `licensing.licenses` or `licensingApi.license`) in a few lines. */
export function formatLicense(api, license, now) {
  const state = license.revoked !== null && license.revoked !== undefined
    ? `revoked at block ${license.revoked}`
    : now >= license.expiry
      ? 'expired'
      : `valid for ${formatBlocks(api, license.expiry - now, { count: true })} more`;
  return [
    `owner:       ${license.owner}`,
    `offer:       ${license.offer} (terms ${license.terms})`,
    `purposes:    ${license.purposes.join(', ')}`,
    `platforms:   ${license.platforms.join(', ')}`,
    `valid:       blocks ${license.start} to ${license.expiry} (exclusive): ${state}`,
    `snapshot:    batches below ${license.snapshot}`,
    `records:     ${license.records} in the pool at purchase; cap ${license.cap ?? 'none'}; delivered ${license.delivered}`,
    `price:       ${formatBalance(api, license.price)}`,
  ]
    .map((line) => `  ${line}`)
    .join('\n');
}
