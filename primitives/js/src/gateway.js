// The signed request of a platform's gateway (`licentia-bridge serve`, docs/gateway.md): the
// license's owner signs `licentia-gateway\n<genesis hash>\n<METHOD> <path and query>\n<timestamp
// ms>` (sr25519, as Polkadot.js signs raw bytes) and sends it in the `Licentia-Account`,
// `Licentia-Timestamp` and `Licentia-Signature` headers.

import { stringToU8a, u8aToHex } from '@polkadot/util';

/** What the owner signs for a `method` request of `path` (with its query) at `timestamp` (ms). */
export function gatewayMessage(genesis, method, path, timestamp) {
  return `licentia-gateway\n${genesis}\n${method} ${path}\n${timestamp}`;
}

/**
 * A GET of `path` (with its query) from the gateway at `gateway` (`http://host:port`), signed by
 * `pair` (a keyring pair) for the chain whose genesis hash is `genesis` (hex). Resolves with the
 * response; a status other than 2xx rejects with the gateway's `error: message` and `status`.
 */
export async function gatewayGet(gateway, path, { pair, genesis }) {
  const timestamp = Date.now();
  const signature = u8aToHex(pair.sign(stringToU8a(gatewayMessage(genesis, 'GET', path, timestamp))));
  const response = await fetch(`${gateway.replace(/\/+$/, '')}${path}`, {
    headers: {
      'Licentia-Account': pair.address,
      'Licentia-Timestamp': String(timestamp),
      'Licentia-Signature': signature,
    },
  });
  if (!response.ok) {
    let detail = await response.text();
    try {
      const { error, message } = JSON.parse(detail);
      detail = `${error}: ${message}`;
    } catch { /* not JSON */ }
    throw Object.assign(new Error(`the gateway answered ${response.status} (${detail})`), { status: response.status });
  }
  return response;
}
