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
import { canonicalText, contentHash, decodeEntities, deliveredLeaf, leafHash, sealedHash, verifyProof } from './verify.mjs';

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

test('a proof longer than the tree, or for an index outside it, fails unhashed', () => {
  const root = `0x${'00'.repeat(32)}`;
  assert.equal(verifyProof(root, [root, root], 2, 0, new Uint8Array(32)), false);
  assert.equal(verifyProof(root, [], 1, 1, new Uint8Array(32)), false);
  assert.equal(verifyProof(root, [], 1, 0, new Uint8Array(32)), true, 'a one-leaf batch: the leaf is the root');
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
