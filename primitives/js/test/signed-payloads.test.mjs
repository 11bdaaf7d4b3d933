// `node --test`: the signed payloads this package builds are the chain's, byte for byte.
// primitives/vectors/signed-payloads.json (written by primitives/src/signed/tests.rs, which the
// pallet and the bridge check too) gives each case's inputs, its payload, its wrapped payload,
// and the signer's sr25519 signatures of both. The payloads are built here from the inputs with
// this package's functions and the runtime's types from its metadata (bridge/metadata.scale,
// read offline), and the signatures are checked plain and wrapped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { linkAcceptancePayload, relayedStatementPayload, signedBy, wrapped } from '../src/index.js';

const file = (path) => readFileSync(new URL(path, import.meta.url));
const vectors = JSON.parse(file('../../vectors/signed-payloads.json'));
const registry = new TypeRegistry();
registry.setMetadata(new Metadata(registry, file('../../../bridge/metadata.scale')));
const { genesisHash, signer } = vectors;
await cryptoWaitReady();
const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(signer.seed);

test('the signer is the one named', () => {
  assert.equal(u8aToHex(pair.publicKey), signer.publicKey);
  assert.equal(pair.address, signer.address);
});

/** The checks of one case, given the payload built here from its inputs. */
function checkCase(vector, payload) {
  const what = vector.name;
  assert.equal(u8aToHex(payload), vector.payload, `${what}: payload`);
  assert.equal(u8aToHex(wrapped(payload)), vector.wrappedPayload, `${what}: wrapped payload`);
  // Each signature verifies for the message it signs, as util-crypto checks it...
  const plain = signatureVerify(vector.payload, vector.signature, signer.publicKey);
  assert.deepEqual([plain.isValid, plain.crypto, plain.isWrapped], [true, 'sr25519', false], `${what}: signature`);
  const inWallet = signatureVerify(vector.wrappedPayload, vector.wrappedSignature, signer.publicKey);
  assert.deepEqual([inWallet.isValid, inWallet.crypto, inWallet.isWrapped], [true, 'sr25519', true], `${what}: wrapped`);
  // ...and both stand for the payload, as the chain accepts them (`signedBy`).
  assert.equal(signedBy(payload, vector.signature, signer.address), true, `${what}: signed`);
  assert.equal(signedBy(payload, vector.wrappedSignature, signer.address), true, `${what}: signed, wrapped`);
  // Not for another account, not for another payload.
  const bob = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
  assert.equal(signedBy(payload, vector.signature, bob), false, `${what}: another account`);
  assert.equal(signedBy(payload.subarray(1), vector.signature, signer.address), false, `${what}: altered`);
  // sr25519 signatures are randomised: signed here, as a development key and a wallet sign, they
  // differ from the vectors' and verify as well.
  assert.equal(signedBy(payload, pair.sign(payload), signer.address), true, `${what}: signed here`);
  assert.equal(signedBy(payload, pair.sign(wrapped(payload)), signer.address), true, `${what}: wrapped here`);
}

test('relayed statements: payloads, wrapped payloads and signatures', () => {
  assert.ok(vectors.relayedStatements.length > 0, 'no cases');
  for (const vector of vectors.relayedStatements) {
    checkCase(vector, relayedStatementPayload(registry, genesisHash, vector.statement));
  }
});

test('link acceptances: payloads, wrapped payloads and signatures', () => {
  assert.ok(vectors.linkAcceptances.length > 0, 'no cases');
  for (const vector of vectors.linkAcceptances) {
    const { platform, identity, acceptance } = vector;
    checkCase(vector, linkAcceptancePayload(registry, genesisHash, platform, identity, acceptance));
  }
});

test('a payload names its chain: another genesis hash, other bytes', () => {
  const [vector] = vectors.relayedStatements;
  const other = relayedStatementPayload(registry, `0x${'00'.repeat(32)}`, vector.statement);
  assert.notEqual(u8aToHex(other), vector.payload);
  assert.throws(() => relayedStatementPayload(registry, '0x1234', vector.statement), /32 bytes/);
});
