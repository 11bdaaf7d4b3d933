#!/usr/bin/env python3
"""Writes anonymous.json: leaf format 3's test vectors (primitives/src/anonymous.rs), computed
here independently of the Rust and JavaScript code that checks them."""
import hashlib, json, pathlib

def h(*parts: bytes) -> bytes:
    return hashlib.blake2b(b"".join(parts), digest_size=32).digest()

def hx(b: bytes) -> str:
    return "0x" + b.hex()

def tree(leaves):
    """binary_merkle_tree: rows paired left to right, an odd last node moves up unhashed.
    Returns the sized root and every leaf's proof (siblings, leaf to root)."""
    proofs = [[] for _ in leaves]
    row, members = list(leaves), [[i] for i in range(len(leaves))]
    while len(row) > 1:
        nxt, nxt_members = [], []
        for i in range(0, len(row), 2):
            if i + 1 < len(row):
                for leaf in members[i]:
                    proofs[leaf].append(row[i + 1])
                for leaf in members[i + 1]:
                    proofs[leaf].append(row[i])
                nxt.append(h(row[i], row[i + 1]))
                nxt_members.append(members[i] + members[i + 1])
            else:
                nxt.append(row[i])
                nxt_members.append(members[i])
        row, members = nxt, nxt_members
    root = row[0] if row else bytes(32)
    return h(root, len(leaves).to_bytes(4, "little")), proofs

posts = [
    ("Fresh bread this morning", bytes([0x11] * 32)),
    ("Reading about @user and [link] today", bytes(range(32))),
    ("Trains run late again. 🚆", h(b"a blind")),
    ("", h(b"another blind")),
    ("same text", h(b"one blind")),
]
out, leaves = [], []
for text, blind in posts:
    scrubbed = h(text.encode())
    key = h(b"licentia/anon-key", blind)
    leaf = h(b"licentia/anon", key, scrubbed)
    seal = h(b"licentia/text-seal", blind, leaf)
    out.append({"text": text, "blind": hx(blind), "scrubbedHash": hx(scrubbed),
                "anonymousKey": hx(key), "anonymousLeaf": hx(leaf), "textSeal": hx(seal)})
    leaves.append(leaf)
leaves.sort()
root, proofs = tree(leaves)
doc = {"posts": out, "tree": {"leaves": [hx(l) for l in leaves], "root": hx(root),
                              "proofs": [[hx(p) for p in proof] for proof in proofs]}}
path = pathlib.Path(__file__).with_name("anonymous.json")
path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
