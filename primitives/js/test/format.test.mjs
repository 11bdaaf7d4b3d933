// `node --test`: amounts and durations in words, as the portal and the buyer tools show them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exclusionsText, formatBalance, formatBlocks } from '../src/index.js';

const api = { registry: { chainDecimals: [12], chainTokens: ['LCT'] }, consts: { aura: { slotDuration: 6000 } } };

test('balances are in the chain\'s token, without trailing zeros', () => {
  assert.equal(formatBalance(api, 4_275_000_000_000n), '4.275 LCT');
  assert.equal(formatBalance(api, '1234000000000000'), '1,234 LCT');
  assert.equal(formatBalance(api, 1), '0.000000000001 LCT');
  assert.equal(formatBalance({ registry: { chainDecimals: [], chainTokens: [] } }, 10n ** 12n), '1 UNIT');
});

test('durations are in minutes, hours or days of the chain\'s slots', () => {
  assert.equal(formatBlocks(api, 1000), '100 minutes');
  assert.equal(formatBlocks(api, 1000, { count: true }), '1000 blocks (~100 minutes)');
  assert.equal(formatBlocks(api, 3000), '5.0 hours');
  assert.equal(formatBlocks(api, 432_000), '30.0 days');
  assert.equal(formatBlocks({ consts: {} }, 10), '1 minute', 'six-second blocks without Aura');
  assert.equal(formatBlocks({ consts: { aura: { slotDuration: 12000 } } }, 1000), '3.3 hours');
});

test('a quote\'s exclusions are named, the empty ones left out', () => {
  assert.equal(exclusionsText({ noCommercialUse: 30, minPrice: '70', purposes: 0 }),
    '30 refuse commercial use, 70 ask a higher price per record');
  assert.equal(exclusionsText(undefined), '');
});
