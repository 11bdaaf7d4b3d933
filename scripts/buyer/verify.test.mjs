// `node --test`: verify.mjs's content-hash rules agree with bridge/testdata/content-hashes.json,
// which bridge/testdata/generate.py writes with its own implementation and the bridge's Rust
// tests check too. (scripts/test runs it, before the cargo tests.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { canonicalText, contentHash, decodeEntities, verifyProof } from './verify.mjs';

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
