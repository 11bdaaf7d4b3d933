// The signed request of a platform's gateway (`licentia-bridge serve`, docs/gateway.md): the
// license's owner signs `licentia-gateway/2\n<genesis hash>\n<platform id>\n<gateway's
// origin>\n<METHOD> <path and query>\n<timestamp ms>` (sr25519, as Polkadot.js signs raw bytes)
// and sends it in the `Licentia-Account`, `Licentia-Timestamp` and `Licentia-Signature` headers.
// The message names the gateway (its platform and the origin of the URL the request is sent to),
// so that no other gateway accepts it.

import { stringToU8a, u8aToHex } from '@polkadot/util';

/** The first line of what a gateway request signs (bridge/src/gateway/signing.rs). */
export const GATEWAY_CONTEXT = 'licentia-gateway/2';

/**
 * The origin a request to the gateway at `gateway` (a URL) is signed for, as browsers and
 * Node.js serialise it: lowercase scheme and host, the port only if not the scheme's default
 * (`https://gw.example.org`, `http://127.0.0.1:8088`).
 */
export function gatewayOrigin(gateway) {
  return new URL(gateway).origin;
}

/**
 * What the owner signs for a `method` request of `path` (with its query) at `timestamp` (ms), to
 * the gateway of `platform` (its id) at `origin` ({@link gatewayOrigin}), on the chain whose
 * genesis hash is `genesis` (hex).
 */
export function gatewayMessage({ genesis, platform, origin, method, path, timestamp }) {
  return `${GATEWAY_CONTEXT}\n${genesis.toLowerCase()}\n${platform}\n${origin}\n${method} ${path}\n${timestamp}`;
}

/** What each gateway said of itself, by base URL (a promise, shared by concurrent requests). */
const described = new Map();

/**
 * What the gateway at `gateway` (its base URL) says of itself (`GET /v1/gateway`, unsigned):
 * `{message, genesis, platform, origin}`, checked to be a gateway of the chain `genesis` that
 * takes requests signed for the origin of `gateway`. Asked once per gateway.
 */
export function gatewayInfo(gateway, { genesis }) {
  const base = gateway.replace(/\/+$/, '');
  if (!described.has(base)) {
    const asked = describe(base, genesis);
    asked.catch(() => described.delete(base));
    described.set(base, asked);
  }
  return described.get(base);
}

async function describe(base, genesis) {
  const response = await fetch(`${base}/v1/gateway`);
  if (!response.ok) {
    throw new Error(`the gateway at ${base} does not say which platform it serves (GET /v1/gateway answered ${response.status}): it may predate ${GATEWAY_CONTEXT} requests; give the platform`);
  }
  const info = await response.json();
  const origin = gatewayOrigin(base);
  if (info.message !== GATEWAY_CONTEXT) {
    throw new Error(`the gateway at ${base} takes ${info.message} requests, this client signs ${GATEWAY_CONTEXT}`);
  }
  if (info.genesis !== genesis.toLowerCase()) {
    throw new Error(`the gateway at ${base} serves the chain ${info.genesis}, not ${genesis}`);
  }
  if (info.origin !== origin) {
    throw new Error(`the gateway at ${base} takes requests signed for ${info.origin} (its --public-url), not ${origin}: reach it at ${info.origin}`);
  }
  return info;
}

/**
 * A GET of `path` (with its query) from the gateway at `gateway` (`https://host`, `http://host:
 * port`), signed by `pair` (a keyring pair) for the chain whose genesis hash is `genesis` (hex),
 * the gateway's `platform` (its id; asked of the gateway when not given, {@link gatewayInfo})
 * and the origin of `gateway`. Resolves with the response; a status other than 2xx rejects with
 * the gateway's `error: message` and `status`.
 */
export async function gatewayGet(gateway, path, { pair, genesis, platform }) {
  const base = gateway.replace(/\/+$/, '');
  const addressed = platform ?? (await gatewayInfo(base, { genesis })).platform;
  const timestamp = Date.now();
  const message = gatewayMessage({
    genesis, platform: addressed, origin: gatewayOrigin(base), method: 'GET', path, timestamp,
  });
  const response = await fetch(`${base}${path}`, {
    headers: {
      'Licentia-Account': pair.address,
      'Licentia-Timestamp': String(timestamp),
      'Licentia-Signature': u8aToHex(pair.sign(stringToU8a(message))),
    },
  });
  if (!response.ok) {
    let detail = await response.text();
    try {
      const { error, message: text } = JSON.parse(detail);
      detail = `${error}: ${text}`;
    } catch { /* not JSON */ }
    throw Object.assign(new Error(`the gateway answered ${response.status} (${detail})`), { status: response.status });
  }
  return response;
}
