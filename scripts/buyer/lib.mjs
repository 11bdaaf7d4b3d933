// Shared by the buyer scripts: arguments, the connection, signing and sending, JSON output.
//
// Nothing here knows the chain's types: @polkadot/api reads calls, events, storage and runtime
// APIs from the node's metadata. The node's `licentia_` JSON-RPC methods are not in metadata, so
// they are called through the provider (`rpc` below), with the JSON documented in docs/rpc.md.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** Parses `--name value` and `--flag` arguments; `spec` gives defaults (`undefined`: required). */
export function parseArgs(usage, spec) {
  const args = { ...spec };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !(name in spec)) fail(`unknown argument ${argv[i]}\n${usage}`);
    if (typeof spec[name] === 'boolean') args[name] = true;
    else if (i + 1 < argv.length) args[name] = argv[++i];
    else fail(`--${name} needs a value\n${usage}`);
  }
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) fail(`--${name} is required\n${usage}`);
  }
  return args;
}

/** Prints `message` to stderr and exits with status 1. */
export function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** Progress and notes: stderr, so that `--json` keeps stdout to one JSON document. */
export function log(...parts) {
  console.error(...parts);
}

/** The provider of each connection, for methods that are not in metadata (see `rpc`). */
const providers = new WeakMap();

/** Connects to `url`; fails (rather than retrying forever) if the node is not there. */
export async function connect(url) {
  // No automatic reconnection: a script should fail at once, not wait for a node forever.
  const provider = new WsProvider(url, false);
  try {
    await provider.connect();
    const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
    providers.set(api, provider);
    return api;
  } catch (e) {
    fail(`no node answers at ${url}: ${e.message}`);
  }
}

/** An sr25519 key pair from a secret URI (`//Alice`, a mnemonic, `0x<seed>`...). */
export async function keyPair(suri) {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
}

/** Calls a node RPC method that is not in metadata (the `licentia_` namespace). */
export function rpc(api, method, params) {
  return providers.get(api).send(method, params);
}

/**
 * Signs and sends `tx` as `pair`; resolves once a block includes it, with the block hash, the
 * transaction's events and its fee. A dispatch error rejects with the pallet's error name and
 * its documentation, as the metadata gives them.
 */
export function send(api, tx, pair) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    tx.signAndSend(pair, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        unsubscribe();
        if (dispatchError.isModule) {
          const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
          reject(new Error(`${section}.${name}: ${docs.join(' ')}`));
        } else {
          reject(new Error(dispatchError.toString()));
        }
        return;
      }
      if (status.isInBlock || status.isFinalized) {
        unsubscribe();
        const fee = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
        resolve({
          block: (status.isInBlock ? status.asInBlock : status.asFinalized).toHex(),
          events: events.map(({ event }) => event),
          fee: fee ? fee.event.data.actualFee.toString() : null,
        });
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        unsubscribe();
        reject(new Error(`the transaction was ${status.type}`));
      }
    })
      .then((u) => { unsubscribe = u; })
      .catch(reject);
  });
}

/** Prints `value`: one JSON document with `--json`, indented JSON otherwise. */
export function output(json, value) {
  console.log(json ? JSON.stringify(value) : JSON.stringify(value, null, 2));
}

/** A codec (or plain value) as JSON: numbers beyond 2^53 (balances) as decimal strings. */
export function plain(value) {
  return JSON.parse(JSON.stringify(value?.toPrimitive ? value.toPrimitive() : value, (_, v) =>
    (typeof v === 'bigint' ? v.toString() : v)));
}

/**
 * The names of the purposes in a `PurposeSet` (a bitmask in SCALE: bit i is the i-th variant of
 * the `Purpose` enum, whose names come from metadata).
 */
export function purposeNames(api, bits) {
  const names = [];
  const variants = api.registry.createType('LicentiaPrimitivesConsentPurpose').defKeys;
  variants.forEach((name, i) => {
    if (Number(bits) & (1 << i)) names.push(name);
  });
  return names;
}

/** Terms as JSON, with purpose names and the legal URI as text rather than bytes. */
export function describeTerms(api, terms) {
  const json = plain(terms);
  json.purposes = purposeNames(api, terms.purposes.toNumber ? terms.purposes.toNumber() : terms.purposes);
  json.legalUri = terms.legalUri.isSome ? terms.legalUri.unwrap().toUtf8() : null;
  return json;
}

/** An event's fields by name (the names come from metadata). */
export function eventFields(event) {
  const names = event.data.names ?? event.meta.fields.map((f) => f.name.unwrap().toString());
  return Object.fromEntries(names.map((name, i) => [name, plain(event.data[i])]));
}
