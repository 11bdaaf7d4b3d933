// What a buyer checks about a record a platform's gateway delivered, without trusting the
// gateway: that its leaf is in a batch registered on chain (the Merkle proof against the
// batch's root, `licentia_batch`), and that its content is the content registered (the
// record's `contentHash` recomputed from the content, by docs/design.md's *Content hashes*). An
// anonymised record is checked against the batch's anonymous root instead (leaf format 3,
// primitives/src/anonymous.rs): its anonymous leaf, from its anonymous key and the hash of its
// scrubbed text, with its anonymous index and proof.
//
// Independent of the bridge's Rust: the rules are written again here, and
// bridge/testdata/content-hashes.json, primitives/testdata/leaves.json and
// primitives/testdata/anonymous.json are their shared tests (verify.test.mjs).

import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { base64 } from 'multiformats/bases/base64';
import { hexToU8a, stringToU8a, u8aConcat, u8aEq, u8aToHex, u8aToU8a } from '@polkadot/util';
import { blake2AsU8a, sha256AsU8a } from '@polkadot/util-crypto';
import { typeByPath } from '@licentia/client';
import { rpc } from './lib.mjs';

/**
 * A record's sealed half (primitives/src/content.rs, `PostRecord::sealed`): blake2-256 of the
 * SCALE encoding of `(platform, post, contentHash, author, salt)`, with the types from metadata.
 * That is the record's own encoding less its last field, `textSeal` (32 bytes).
 */
export function sealedHash(api, record) {
  const type = typeByPath(api.registry, 'licentia_primitives::content::PostRecord');
  const pascal = (value) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toUpperCase() + k.slice(1), v]));
  const encoded = api.registry.createType(type, {
    platform: record.platform,
    post: pascal(record.post),
    contentHash: record.contentHash,
    author: pascal(record.author),
    salt: record.salt,
    textSeal: record.textSeal,
  }).toU8a();
  return blake2AsU8a(encoded.subarray(0, encoded.length - 32));
}

/** A leaf from its halves (hex or bytes): blake2-256 of `sealed ‖ textSeal` (64 bytes). */
export function leafOf(sealed, seal) {
  return blake2AsU8a(u8aConcat(u8aToU8a(sealed), u8aToU8a(seal)));
}

/** A record's leaf hash. */
export function leafHash(api, record) {
  return leafOf(sealedHash(api, record), record.textSeal);
}

// Leaf format 3 (primitives/src/anonymous.rs): the platform keeps a secret 32-byte `blind` per
// post; the tags are their ASCII bytes, without a length.

/** A post's anonymous key (hex or bytes blind): blake2-256 of `"licentia/anon-key" ‖ blind`. */
export function anonymousKey(blind) {
  return blake2AsU8a(u8aConcat(stringToU8a('licentia/anon-key'), u8aToU8a(blind)));
}

/**
 * A post's leaf in its batch's anonymous tree, from its anonymous key (hex or bytes) and its
 * scrubbed text (a string): blake2-256 of `"licentia/anon" ‖ key ‖ blake2-256(UTF-8 text)`.
 */
export function anonymousLeaf(key, text) {
  return blake2AsU8a(u8aConcat(stringToU8a('licentia/anon'), u8aToU8a(key), blake2AsU8a(stringToU8a(text))));
}

/**
 * What a format-3 record carries as `textSeal`: its anonymous leaf sealed with its blind (hex or
 * bytes), blake2-256 of `"licentia/text-seal" ‖ blind ‖ leaf`. Only the platform, which holds
 * the blind, computes it: an anonymised record's key and text give its anonymous leaf, never
 * its seal, and so never its record's leaf.
 */
export function textSeal(blind, leaf) {
  return blake2AsU8a(u8aConcat(stringToU8a('licentia/text-seal'), u8aToU8a(blind), u8aToU8a(leaf)));
}

const H256_HEX = /^0x[0-9a-fA-F]{64}$/;

/**
 * The leaf a delivered record is verified by: from the record, its leaf in the batch's tree; for
 * an anonymised one (no `record`), its leaf in the batch's anonymous tree, from its
 * `anonymousKey` and the text delivered, so that a text changed after registration gives
 * another leaf. Null if the line carries neither.
 */
export function deliveredLeaf(api, line) {
  if (line.record !== undefined) return leafHash(api, line.record);
  if (typeof line.anonymousKey !== 'string' || !H256_HEX.test(line.anonymousKey) || typeof line.text !== 'string') {
    return null;
  }
  return anonymousLeaf(line.anonymousKey, line.text);
}

/**
 * A batch's root from its tree's Merkle root and its number of leaves (primitives/src/content.rs,
 * `sized_root`): blake2-256 of the Merkle root followed by the number as 4 little-endian bytes.
 */
export function sizedRoot(merkleRoot, leaves) {
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, leaves, true);
  return blake2AsU8a(u8aConcat(u8aToU8a(merkleRoot), size));
}

// The batch's binary Merkle tree, as `binary_merkle_tree::merkle_root_raw::<BlakeTwo256>` builds
// it over the leaf hashes (bytes): pairs are hashed together, an odd last node moves up unchanged.
function merkleRows(leaves) {
  const rows = [leaves];
  while (rows[rows.length - 1].length > 1) {
    const row = rows[rows.length - 1];
    const next = [];
    for (let i = 0; i < row.length; i += 2) {
      next.push(i + 1 < row.length ? blake2AsU8a(u8aConcat(row[i], row[i + 1])) : row[i]);
    }
    rows.push(next);
  }
  return rows;
}

/** The root of a batch of `leaves` (bytes): its tree's Merkle root bound to their number. */
export function merkleRoot(leaves) {
  return sizedRoot(merkleRows(leaves).pop()[0], leaves.length);
}

/** The sibling hashes (bytes) from leaf `index` to the root (none where a node moved up alone). */
export function merkleProof(leaves, index) {
  const proof = [];
  let position = index;
  for (const row of merkleRows(leaves).slice(0, -1)) {
    const sibling = position ^ 1;
    if (sibling < row.length) proof.push(row[sibling]);
    position >>= 1;
  }
  return proof;
}

/**
 * Whether `proof` (hex hashes, leaf to root) shows `leaf` is leaf `index` of a `leaves`-leaf
 * batch with `root` (primitives/src/content.rs, `verify_batch_proof`): the tree of polkadot-sdk's
 * `binary-merkle-tree` (blake2-256 of the two children; an odd last node moves up unhashed),
 * whose root is bound to its size (a batch's anonymous tree is the same tree, over its anonymous
 * leaves). The index and the size fix the proof's shape: row by row, whether the path's node
 * has a sibling on its left, its right or none, so a proof of any other length fails and no
 * proof opens two indices.
 */
export function verifyProof(root, proof, leaves, index, leaf) {
  if (!Number.isInteger(index) || !Number.isInteger(leaves) || index < 0 || index >= leaves) return false;
  let position = index;
  let width = leaves;
  let node = u8aToU8a(leaf);
  let next = 0;
  while (width > 1) {
    const isRightChild = position % 2 === 1;
    if (isRightChild || position + 1 < width) {
      if (next >= proof.length) return false;
      const sibling = hexToU8a(proof[next++]);
      node = blake2AsU8a(isRightChild ? u8aConcat(sibling, node) : u8aConcat(node, sibling));
    }
    position = Math.floor(position / 2);
    width = Math.ceil(width / 2);
  }
  return next === proof.length && u8aEq(sizedRoot(node, leaves), hexToU8a(root));
}

const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * Character references decoded: `&name;` where name is at most 10 ASCII letters, digits or `#`:
 * `#` and decimal digits or `#x` and hex digits (a Unicode scalar value), or one of six names;
 * anything else stays.
 */
export function decodeEntities(text) {
  let out = '';
  let i = 0;
  const chars = Array.from(text);
  while (i < chars.length) {
    if (chars[i] === '&') {
      let j = i + 1;
      while (j < chars.length && j - i - 1 < 10 && /^[A-Za-z0-9#]$/.test(chars[j])) j++;
      if (j < chars.length && chars[j] === ';') {
        const name = chars.slice(i + 1, j).join('');
        let code = null;
        if (/^#[xX][0-9a-fA-F]+$/.test(name)) code = parseInt(name.slice(2), 16);
        else if (/^#[0-9]+$/.test(name)) code = parseInt(name.slice(1), 10);
        if (code !== null && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
          out += String.fromCodePoint(code);
          i = j + 1;
          continue;
        }
        if (Object.hasOwn(NAMED, name)) {
          out += NAMED[name];
          i = j + 1;
          continue;
        }
      }
    }
    out += chars[i];
    i++;
  }
  return out;
}

const ASCII_SPACE = /^[ \t\n\r\f]*$/;

/**
 * An HTML fragment's text: `<br>` is a newline, `</p>` then `<p>` (only ASCII whitespace
 * between) two newlines, every other tag nothing, references decoded; nothing trimmed.
 */
export function canonicalText(html) {
  const out = [];
  let held = null;
  let rest = html;
  while (rest.length > 0) {
    const start = rest.indexOf('<');
    const end = start === -1 ? -1 : rest.indexOf('>', start);
    let text;
    let tag;
    if (start === -1 || end === -1) {
      [text, tag, rest] = [rest, null, ''];
    } else {
      [text, tag, rest] = [rest.slice(0, start), rest.slice(start + 1, end), rest.slice(end + 1)];
    }
    if (text) {
      if (held !== null && ASCII_SPACE.test(text)) {
        held += text;
      } else {
        if (held !== null) {
          out.push(held);
          held = null;
        }
        out.push(decodeEntities(text));
      }
    }
    if (tag === null) continue;
    const closing = tag.startsWith('/');
    const name = (/^[A-Za-z0-9]*/.exec(tag.replace(/^\/+/, ''))[0]).toLowerCase();
    if (name === 'p' && !closing && held !== null) {
      held = null;
      out.push('\n\n');
      continue;
    }
    if (held !== null) {
      out.push(held);
      held = null;
    }
    if (name === 'p' && closing) held = '';
    else if (name === 'br') out.push('\n');
  }
  if (held !== null) out.push(held);
  return out.join('');
}

/** atproto JSON (`{"$link"}`, `{"$bytes"}`) as the IPLD data model. */
function fromAtprotoJson(value) {
  if (Array.isArray(value)) return value.map(fromAtprotoJson);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$link') return CID.parse(value.$link);
    if (keys.length === 1 && keys[0] === '$bytes') return base64.baseDecode(value.$bytes.replace(/=+$/, ''));
    return Object.fromEntries(keys.map((k) => [k, fromAtprotoJson(value[k])]));
  }
  return value;
}

/**
 * The content hash of a delivered record's `content` (the item as its platform gave it), for a
 * record of kind `kind` (`bluesky`, `mastodon`, `nostr`, `x`), hex; null if the content does not
 * hold what the rules need.
 */
export function contentHash(kind, content) {
  if (content === null || typeof content !== 'object') return null;
  switch (kind) {
    case 'bluesky': {
      const record = content.commit?.record;
      if (!record) return null;
      return u8aToHex(sha256AsU8a(dagCbor.encode(fromAtprotoJson(record))));
    }
    case 'mastodon': {
      const html = content.content ?? content.object?.content;
      return typeof html === 'string' ? u8aToHex(blake2AsU8a(stringToU8a(canonicalText(html)))) : null;
    }
    case 'x': {
      let post = content.data && !Array.isArray(content.data) ? content.data : content;
      post = post.tweet ?? post;
      const text = post.note_tweet?.text ?? post.text ?? post.full_text;
      return typeof text === 'string' ? u8aToHex(blake2AsU8a(stringToU8a(decodeEntities(text)))) : null;
    }
    case 'nostr': {
      const event = Array.isArray(content) ? content[2] : content;
      if (!event || typeof event.pubkey !== 'string') return null;
      const serialized = JSON.stringify([0, event.pubkey, event.created_at, event.kind, event.tags, event.content]);
      return u8aToHex(sha256AsU8a(stringToU8a(serialized)));
    }
    default:
      return null;
  }
}

/**
 * A checker of delivered records against the chain at `api`: `await check(line)` is null for a
 * record that verifies, else why it does not. Batch roots are read from the chain
 * (`licentia_batch`) once per batch: a record is verified against `root` with its `index` and
 * `proof`, an anonymised record against `anonymousRoot` with its `anonymousIndex` and
 * `anonymousProof` (both trees have the batch's `posts` leaves). `readBatch` stands in for
 * `licentia_batch` in tests.
 */
export function recordChecker(api, readBatch = (id) => rpc(api, 'licentia_batch', [id])) {
  const batches = new Map();
  const batch = async (id) => {
    if (!batches.has(id)) batches.set(id, await readBatch(id));
    return batches.get(id);
  };
  return async (line) => {
    const anonymised = line.record === undefined;
    let root;
    let anonymousRoot;
    let posts;
    try {
      ({ root, anonymousRoot, posts } = await batch(line.batch));
    } catch (e) {
      return `batch ${line.batch} is not on chain (${e.message})`;
    }
    const leaf = deliveredLeaf(api, line);
    if (leaf === null) return 'neither a record nor an anonymised record with its anonymous key and text';
    if (anonymised) {
      if (anonymousRoot === null || anonymousRoot === undefined) {
        return `batch ${line.batch} has no anonymous root on chain: an anonymised record of it cannot be verified`;
      }
      if (!Array.isArray(line.anonymousProof) || !verifyProof(anonymousRoot, line.anonymousProof, posts, line.anonymousIndex, leaf)) {
        return `its anonymous proof does not lead to batch ${line.batch}'s anonymous root on chain`;
      }
      // An anonymised record's text is verified by its anonymous leaf.
      return null;
    }
    if (!Array.isArray(line.proof) || !verifyProof(root, line.proof, posts, line.index, leaf)) {
      return `its proof does not lead to batch ${line.batch}'s root on chain`;
    }
    // A record's content is verified by its hash.
    const kind = Object.keys(line.record.post)[0];
    const computed = contentHash(kind, line.content);
    if (computed === null) return `its content does not hold what a ${kind} content hash covers`;
    if (computed !== line.record.contentHash) {
      return `its content hashes to ${computed}, not the registered ${line.record.contentHash}`;
    }
    return null;
  };
}
