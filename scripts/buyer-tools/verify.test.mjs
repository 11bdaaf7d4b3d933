// `node --test`: verify.mjs's content-hash rules agree with bridge/testdata/content-hashes.json,
// which bridge/testdata/generate.py writes with its own implementation and the bridge's Rust
// tests check too; its leaf hashes agree with primitives/testdata/leaves.json, which the
// runtime's primitives check, with the types read from the runtime's metadata
// (bridge/metadata.scale); its anonymous keys, leaves, text seals and anonymous tree (leaf
// format 3) agree with primitives/testdata/anonymous.json, which primitives/testdata/anonymous.py
// writes and primitives/src/anonymous.rs checks too. (scripts/test runs it, before the cargo
// tests.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import {
  anonymousKey, anonymousLeaf, canonicalText, contentHash, decodeEntities, deliveredLeaf, leafHash, merkleProof, merkleRoot,
  recordChecker, sealedHash, sizedRoot, textSeal, verifyProof,
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

test('leaf hashes match the runtime\'s vectors', () => {
  const registry = new TypeRegistry();
  registry.setMetadata(new Metadata(registry, readFileSync(new URL('../../bridge/metadata.scale', import.meta.url))));
  const api = { registry };
  const leaves = JSON.parse(readFileSync(new URL('../../primitives/testdata/leaves.json', import.meta.url)));
  assert.equal(leaves.length, 4);
  for (const { record, sealed, leaf } of leaves) {
    assert.equal(u8aToHex(sealedHash(api, record)), sealed, JSON.stringify(record));
    assert.equal(u8aToHex(leafHash(api, record)), leaf, JSON.stringify(record));
    assert.equal(u8aToHex(deliveredLeaf(api, { record })), leaf, 'a delivered record: its leaf');
  }
  // The sealed half leaves out the text seal; the leaf does not.
  const { record } = leaves[0];
  const resealed = { ...record, textSeal: `0x${'00'.repeat(32)}` };
  assert.equal(u8aToHex(sealedHash(api, resealed)), leaves[0].sealed);
  assert.notEqual(u8aToHex(leafHash(api, resealed)), leaves[0].leaf);
});

const anonymous = JSON.parse(readFileSync(new URL('../../primitives/testdata/anonymous.json', import.meta.url)));
const hexes = (hashes) => hashes.map((h) => u8aToHex(h));

// The Merkle root of 5 leaves before it is bound to their number, written out: ((0 1) (2 3)) 4.
function unsizedRootOfFive([l0, l1, l2, l3, l4]) {
  const pair = (a, b) => blake2AsU8a(u8aConcat(a, b));
  return pair(pair(pair(l0, l1), pair(l2, l3)), l4);
}

test('anonymous keys, leaves and text seals match the runtime\'s vectors (leaf format 3)', () => {
  assert.equal(anonymous.posts.length, 5);
  const leaves = [];
  for (const post of anonymous.posts) {
    assert.equal(u8aToHex(blake2AsU8a(stringToU8a(post.text))), post.scrubbedHash, post.text);
    const key = anonymousKey(post.blind);
    assert.equal(u8aToHex(key), post.anonymousKey, post.text);
    const leaf = anonymousLeaf(key, post.text);
    assert.equal(u8aToHex(leaf), post.anonymousLeaf, post.text);
    assert.equal(u8aToHex(anonymousLeaf(post.anonymousKey, post.text)), post.anonymousLeaf, 'a hex key');
    assert.equal(u8aToHex(textSeal(post.blind, leaf)), post.textSeal, post.text);
    // What a buyer holds (the key, the text) gives the leaf, not the seal, which needs the blind.
    assert.notEqual(u8aToHex(textSeal(key, leaf)), post.textSeal);
    assert.notEqual(u8aToHex(anonymousLeaf(post.blind, post.text)), post.anonymousLeaf, 'the key, not the blind');
    leaves.push(leaf);
  }
  // The anonymous tree: the leaves sorted by value (ascending bytes), the batch tree over them.
  const sorted = [...leaves].sort((a, b) => Buffer.compare(a, b));
  assert.deepEqual(hexes(sorted), anonymous.tree.leaves);
  assert.notDeepEqual(hexes(leaves), anonymous.tree.leaves, 'the vectors are not in order already');
  assert.equal(rootOf(sorted), anonymous.tree.root);
  assert.equal(u8aToHex(sizedRoot(unsizedRootOfFive(sorted), 5)), anonymous.tree.root, 'sizedRoot over 5 leaves');
  assert.equal(anonymous.tree.proofs.length, 5);
  anonymous.tree.proofs.forEach((proof, i) => {
    assert.deepEqual(proofOf(sorted, i), proof, `proof ${i}`);
    assert.equal(verifyProof(anonymous.tree.root, proof, 5, i, sorted[i]), true, `proof ${i} verifies`);
  });
});

test('a delivered anonymised record verifies against its batch\'s anonymous root, and only as delivered', async () => {
  const api = {}; // an anonymised line needs no metadata
  const batches = {
    7: { root: `0x${'ab'.repeat(32)}`, anonymousRoot: anonymous.tree.root, posts: 5 },
    8: { root: `0x${'ab'.repeat(32)}`, anonymousRoot: null, posts: 5 },
  };
  const check = recordChecker(api, async (id) => {
    if (!batches[id]) throw new Error('no such batch');
    return batches[id];
  });
  const lineOf = (post) => {
    const anonymousIndex = anonymous.tree.leaves.indexOf(post.anonymousLeaf);
    return {
      cursor: `7.${anonymousIndex}`, batch: 7, anonymousIndex, anonymousProof: anonymous.tree.proofs[anonymousIndex],
      anonymousKey: post.anonymousKey, labels: [], platform: 3, author: `author-${'0'.repeat(24)}`, text: post.text, scrub: 2,
    };
  };
  for (const post of anonymous.posts) {
    const line = lineOf(post);
    assert.equal(u8aToHex(deliveredLeaf(api, line)), post.anonymousLeaf);
    assert.equal(await check(line), null, post.text);
    assert.match(await check({ ...line, text: `${post.text} ` }), /anonymous proof does not lead/, 'a changed text');
    const wrongIndex = (line.anonymousIndex + 1) % 5;
    assert.match(await check({ ...line, anonymousIndex: wrongIndex }), /anonymous proof does not lead/, 'a wrong index');
    assert.match(await check({ ...line, anonymousIndex: 5 }), /anonymous proof does not lead/, 'an index outside');
    const other = anonymous.posts.find((p) => p !== post);
    assert.match(await check({ ...line, anonymousKey: other.anonymousKey }), /anonymous proof does not lead/, 'a wrong key');
    assert.match(await check({ ...line, anonymousKey: post.blind }), /anonymous proof does not lead/, 'the blind as the key');
    assert.match(await check({ ...line, anonymousProof: anonymous.tree.proofs[wrongIndex] }), /anonymous proof does not lead/);
    assert.match(await check({ ...line, batch: 8 }), /batch 8 has no anonymous root on chain/, 'a batch without one');
    assert.match(await check({ ...line, batch: 9 }), /batch 9 is not on chain/);
  }
  const line = lineOf(anonymous.posts[0]);
  // Not an anonymised record without its key and text, nor with a key that is not 32 bytes.
  for (const broken of [{ anonymousKey: undefined }, { text: undefined }, { anonymousKey: '0x1234' }]) {
    assert.equal(deliveredLeaf(api, { ...line, ...broken }), null, JSON.stringify(broken));
    assert.match(await check({ ...line, ...broken }), /neither a record nor an anonymised record/);
  }
  // A format-2 line (its sealed half, no key) is not verified.
  const { anonymousKey: _, anonymousIndex, anonymousProof, ...rest } = line;
  assert.match(await check({ ...rest, index: anonymousIndex, proof: anonymousProof, sealed: `0x${'cd'.repeat(32)}` }), /neither/);
});
