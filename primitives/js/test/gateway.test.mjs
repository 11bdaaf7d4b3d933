// `node --test`: the signed gateway request against a local HTTP server that checks it as the
// gateway does (bridge/src/gateway: the headers, the message, the owner's sr25519 signature).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a } from '@polkadot/util';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { gatewayGet, gatewayMessage } from '../src/index.js';

const genesis = `0x${'ab'.repeat(32)}`;

/** A gateway that answers 200 to a request signed by its account, else 401; 409 on `/capped`. */
async function gateway(check) {
  const server = createServer((request, response) => {
    const account = request.headers['licentia-account'];
    const timestamp = request.headers['licentia-timestamp'];
    const message = gatewayMessage(genesis, request.method, request.url, timestamp);
    const valid = signatureVerify(stringToU8a(message), request.headers['licentia-signature'], account).isValid;
    check({ account, timestamp: Number(timestamp), url: request.url, valid });
    const [status, body] = !valid ? [401, { error: 'badSignature', message: 'no' }]
      : request.url === '/capped' ? [409, { error: 'capReached', message: 'the cap is reached' }]
        : [200, { ok: true }];
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

test('a GET is signed by the owner for the chain, the path and the time', async () => {
  await cryptoWaitReady();
  const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const seen = [];
  const { server, url } = await gateway((request) => seen.push(request));
  try {
    const before = Date.now();
    const response = await gatewayGet(url, '/v1/licenses/0/records?limit=5', { pair, genesis });
    assert.deepEqual(await response.json(), { ok: true });
    assert.equal(seen[0].valid, true);
    assert.equal(seen[0].account, pair.address);
    assert.equal(seen[0].url, '/v1/licenses/0/records?limit=5');
    assert.ok(seen[0].timestamp >= before && seen[0].timestamp <= Date.now());
    // The gateway's refusal, in words and with its status.
    await assert.rejects(gatewayGet(url, '/capped', { pair, genesis }),
      { status: 409, message: 'the gateway answered 409 (capReached: the cap is reached)' });
  } finally {
    server.close();
  }
});

test('the message is what bridge/src/gateway checks', () => {
  assert.equal(gatewayMessage(genesis, 'GET', '/v1/licenses/3/status?cursors=a', 1700000000000),
    `licentia-gateway\n${genesis}\nGET /v1/licenses/3/status?cursors=a\n1700000000000`);
});
