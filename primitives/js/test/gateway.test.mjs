// `node --test`: the signed gateway request against a local HTTP server that checks it as the
// gateway does (bridge/src/gateway: the headers, the message addressed to its platform and
// origin, the owner's sr25519 signature).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a } from '@polkadot/util';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { gatewayGet, gatewayInfo, gatewayMessage, gatewayOrigin } from '../src/index.js';

const genesis = `0x${'ab'.repeat(32)}`;

/**
 * A gateway of platform 3 that answers 200 to a request signed by its account for itself, else
 * 401; 409 on `/capped`; `GET /v1/gateway` as the bridge answers it, with `claimed` as its
 * origin if given (a misconfigured --public-url).
 */
async function gateway(check, claimed) {
  let origin;
  const server = createServer((request, response) => {
    if (request.url === '/v1/gateway') {
      const about = { message: 'licentia-gateway/2', genesis, platform: 3, origin: claimed ?? origin };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(about));
      return;
    }
    const account = request.headers['licentia-account'];
    const timestamp = request.headers['licentia-timestamp'];
    const message = gatewayMessage({ genesis, platform: 3, origin, method: request.method, path: request.url, timestamp });
    const valid = signatureVerify(stringToU8a(message), request.headers['licentia-signature'], account).isValid;
    check({ account, timestamp: Number(timestamp), url: request.url, valid });
    const [status, body] = !valid ? [401, { error: 'unauthorised', message: 'no' }]
      : request.url === '/capped' ? [409, { error: 'capReached', message: 'the cap is reached' }]
        : [200, { ok: true }];
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  return { server, url: `${origin}/` };
}

test('a GET is signed by the owner for the chain, the gateway, the path and the time', async () => {
  await cryptoWaitReady();
  const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const seen = [];
  const { server, url } = await gateway((request) => seen.push(request));
  try {
    const before = Date.now();
    // The platform is asked of the gateway (`GET /v1/gateway`).
    const response = await gatewayGet(url, '/v1/licenses/0/records?limit=5', { pair, genesis });
    assert.deepEqual(await response.json(), { ok: true });
    assert.equal(seen[0].valid, true);
    assert.equal(seen[0].account, pair.address);
    assert.equal(seen[0].url, '/v1/licenses/0/records?limit=5');
    assert.ok(seen[0].timestamp >= before && seen[0].timestamp <= Date.now());
    // Signed for another platform (of a pool license): this gateway refuses it.
    await assert.rejects(gatewayGet(url, '/v1/licenses/0/records', { pair, genesis, platform: 4 }),
      { status: 401 });
    assert.equal(seen[1].valid, false);
    // The gateway's refusal, in words and with its status.
    await assert.rejects(gatewayGet(url, '/capped', { pair, genesis }),
      { status: 409, message: 'the gateway answered 409 (capReached: the cap is reached)' });
  } finally {
    server.close();
  }
});

test('a gateway that takes requests for another origin is named, never signed for', async () => {
  await cryptoWaitReady();
  const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const seen = [];
  const { server, url } = await gateway((request) => seen.push(request), 'https://gw.example.org');
  try {
    await assert.rejects(gatewayGet(url, '/v1/licenses/0', { pair, genesis }),
      { message: /takes requests signed for https:\/\/gw\.example\.org \(its --public-url\)/ });
    assert.equal(seen.length, 0, 'nothing signed was sent');
    await assert.rejects(gatewayInfo(url.replace('127.0.0.1', 'localhost'), { genesis: `0x${'cd'.repeat(32)}` }),
      { message: /serves the chain 0xabab/ });
  } finally {
    server.close();
  }
});

test('the message is what bridge/src/gateway checks', () => {
  // As bridge/src/gateway/signing.rs's `the_message_names_the_chain_the_platform_and_the_gateway`.
  const message = gatewayMessage({
    genesis: `0x${'01'.repeat(32)}`, platform: 3, origin: 'https://gw.example.org', method: 'GET',
    path: '/v1/licenses/0/records?limit=5', timestamp: 1700000000000,
  });
  assert.equal(message,
    `licentia-gateway/2\n0x${'01'.repeat(32)}\n3\nhttps://gw.example.org\nGET /v1/licenses/0/records?limit=5\n1700000000000`);
  assert.equal(gatewayOrigin('https://GW.Example.org:443/'), 'https://gw.example.org');
  assert.equal(gatewayOrigin('http://127.0.0.1:8088'), 'http://127.0.0.1:8088');
  assert.equal(gatewayOrigin('http://[::1]:80/'), 'http://[::1]');
});
