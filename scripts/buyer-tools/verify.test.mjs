// `node --test`: verify.mjs's content-hash rules agree with bridge/testdata/content-hashes.json,
// which bridge/testdata/generate.py writes with its own implementation and the bridge's Rust
// tests check too; its leaf hashes agree with primitives/testdata/leaves.json, which the
// runtime's primitives check, with the types read from the runtime's metadata
// (bridge/metadata.scale). (scripts/test runs it, before the cargo tests.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import {
  canonicalText, contentHash, decodeEntities, deliveredLeaf, leafHash, merkleProof, merkleRoot, sealedHash, sizedRoot,
  verifyProof,
} from './verify.mjs';

const { vectors } = JSON.parse(readFileSync(new URL('../../bridge/testdata/content-hashes.json', import.meta.url)));

test('content hashes match the shared vectors', () => {
  assert.equal(vectors.length, 11);
  for (const v of vectors) {
    let content;
    if (v.platform === 'mastodon') {
      assert.equal(canonicalText(v.content), v.canonicalText);
      content = { content: v.content };
    } else if (v.platform === 'x') {
      assert.equal(decodeEntities(v.text), v.canonicalText);
      content = { text: v.text };
    } else if (v.platform === 'bluesky') {
      content = { commit: { record: v.record } };
    } else {
      content = v.event;
    }
    assert.equal(contentHash(v.platform, content), v.contentHash, JSON.stringify(v));
  }
});

const proofOf = (leaves, index) => merkleProof(leaves, index).map((h) => u8aToHex(h));
const leavesOf = (n) => Array.from({ length: n }, (_, i) => blake2AsU8a(stringToU8a(`leaf ${i}`)));
const rootOf = (leaves) => u8aToHex(merkleRoot(leaves));

test('a batch root matches the runtime\'s (primitives/src/content.rs, roots_match_the_buyer_scripts)', () => {
  assert.equal(rootOf(leavesOf(5)), '0x7b0a46306eee4ad63da55755c05a8b3ec820fe4db4dfafb94513dc42e6e62100');
});

test('every leaf opens at its own index only, in a batch of its own size only', () => {
  for (const size of [1, 2, 3, 5, 7, 8, 13, 33]) {
    const leaves = leavesOf(size);
    const root = rootOf(leaves);
    for (let i = 0; i < size; i++) {
      const proof = proofOf(leaves, i);
      assert.equal(verifyProof(root, proof, size, i, leaves[i]), true, `${i} of ${size}`);
      for (let j = 0; j < size; j++) {
        if (j !== i) assert.equal(verifyProof(root, proof, size, j, leaves[i]), false, `${i} at ${j} of ${size}`);
      }
      for (const other of [size - 1, size + 1, 2 * size]) {
        if (other >= 1) assert.equal(verifyProof(root, proof, other, Math.min(i, other - 1), leaves[i]), false);
      }
    }
  }
  // The last leaf of 5 has a one-hash proof; it opens index 4, not 1 or 3.
  const five = leavesOf(5);
  assert.deepEqual([1, 3, 4].map((i) => verifyProof(rootOf(five), proofOf(five, 4), 5, i, five[4])), [false, false, true]);
});

test('a proof of the wrong length, or for an index outside the batch, fails', () => {
  const leaves = leavesOf(2);
  const root = rootOf(leaves);
  const proof = proofOf(leaves, 0);
  assert.equal(verifyProof(root, [...proof, proof[0]], 2, 0, leaves[0]), false, 'too long');
  assert.equal(verifyProof(root, [], 2, 0, leaves[0]), false, 'too short');
  assert.equal(verifyProof(root, proof, 2, 2, leaves[0]), false, 'outside');
  // A root that is one leaf's, declared with more leaves, opens nothing without a proof.
  assert.equal(verifyProof(u8aToHex(sizedRoot(leaves[0], 4)), [], 4, 0, leaves[0]), false);
  assert.equal(verifyProof(rootOf([leaves[0]]), [], 1, 0, leaves[0]), true, 'a one-leaf batch: no proof');
});

test('leaf hashes match the runtime\'s vectors, and an anonymised record\'s leaf is its text\'s', () => {
  const registry = new TypeRegistry();
  registry.setMetadata(new Metadata(registry, readFileSync(new URL('../../bridge/metadata.scale', import.meta.url))));
  const api = { registry };
  const leaves = JSON.parse(readFileSync(new URL('../../primitives/testdata/leaves.json', import.meta.url)));
  assert.equal(leaves.length, 4);
  for (const { record, sealed, leaf } of leaves) {
    assert.equal(u8aToHex(sealedHash(api, record)), sealed, JSON.stringify(record));
    assert.equal(u8aToHex(leafHash(api, record)), leaf, JSON.stringify(record));
  }
  // Delivered anonymised: the sealed half and a text whose hash is the record's scrubbed hash.
  const text = 'gm [ref] 🌅';
  const { record, sealed, leaf } = leaves[3];
  assert.equal(u8aToHex(blake2AsU8a(stringToU8a(text))), record.scrubbedHash);
  assert.equal(u8aToHex(deliveredLeaf(api, { sealed, text })), leaf);
  assert.notEqual(u8aToHex(deliveredLeaf(api, { sealed, text: `${text} ` })), leaf, 'a changed text');
  assert.equal(deliveredLeaf(api, { sealed }), null, 'no text');
});
