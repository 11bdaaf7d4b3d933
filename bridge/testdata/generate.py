#!/usr/bin/env python3
"""Writes the bridge's sample exports (bridge/testdata/*), deterministically.

Every post here was made up for Licentia's tests. The Nostr events are signed with BIP-340
(pure Python, after the BIP's reference implementation) by two test keys derived from fixed
labels: they are public, never use them for anything else. See README.md for what each file holds.

    python3 bridge/testdata/generate.py           # (re)writes the four files
    python3 bridge/testdata/generate.py --check   # exits 1 if a file differs from what it writes

Standard library only. Nothing depends on the clock, randomness or the environment: rerunning
reproduces the same bytes.
"""

import base64
import datetime
import hashlib
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def sha256(data):
    return hashlib.sha256(data).digest()


def iso(micros):
    """An RFC 3339 UTC timestamp with milliseconds, as all four platforms print them."""
    t = datetime.datetime.fromtimestamp(micros // 1_000_000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{micros // 1000 % 1000:03d}Z"


def seconds(text):
    """Unix seconds of a UTC timestamp written as YYYY-MM-DDTHH:MM:SS."""
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp())


# --- BIP-340 (after bitcoin/bips bip-0340/reference.py) ---------------------------------------
P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)


def tagged_hash(tag, msg):
    tag_hash = sha256(tag.encode())
    return sha256(tag_hash + tag_hash + msg)


def point_add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    if p1[0] == p2[0] and p1[1] != p2[1]:
        return None
    if p1 == p2:
        lam = (3 * p1[0] * p1[0] * pow(2 * p1[1], P - 2, P)) % P
    else:
        lam = ((p2[1] - p1[1]) * pow(p2[0] - p1[0], P - 2, P)) % P
    x3 = (lam * lam - p1[0] - p2[0]) % P
    return (x3, (lam * (p1[0] - x3) - p1[1]) % P)


def point_mul(point, n):
    result = None
    for i in range(256):
        if (n >> i) & 1:
            result = point_add(result, point)
        point = point_add(point, point)
    return result


def int_from_bytes(b):
    return int.from_bytes(b, "big")


def bytes_from_int(x):
    return x.to_bytes(32, "big")


def lift_x(x):
    if x >= P:
        return None
    y_sq = (pow(x, 3, P) + 7) % P
    y = pow(y_sq, (P + 1) // 4, P)
    if pow(y, 2, P) != y_sq:
        return None
    return (x, y if y & 1 == 0 else P - y)


def pubkey_gen(seckey):
    d0 = int_from_bytes(seckey)
    if not 1 <= d0 <= N - 1:
        raise ValueError("the secret key must be an integer in the range 1..n-1")
    return bytes_from_int(point_mul(G, d0)[0])


def schnorr_sign(msg, seckey, aux_rand):
    d0 = int_from_bytes(seckey)
    if not 1 <= d0 <= N - 1:
        raise ValueError("the secret key must be an integer in the range 1..n-1")
    if len(aux_rand) != 32:
        raise ValueError("aux_rand must be 32 bytes")
    pt = point_mul(G, d0)
    d = d0 if pt[1] % 2 == 0 else N - d0
    t = bytes(a ^ b for a, b in zip(bytes_from_int(d), tagged_hash("BIP0340/aux", aux_rand)))
    k0 = int_from_bytes(tagged_hash("BIP0340/nonce", t + bytes_from_int(pt[0]) + msg)) % N
    if k0 == 0:
        raise RuntimeError("k0 is 0 (negligible probability)")
    r = point_mul(G, k0)
    k = k0 if r[1] % 2 == 0 else N - k0
    e = int_from_bytes(tagged_hash("BIP0340/challenge", bytes_from_int(r[0]) + bytes_from_int(pt[0]) + msg)) % N
    sig = bytes_from_int(r[0]) + bytes_from_int((k + e * d) % N)
    if not schnorr_verify(msg, bytes_from_int(pt[0]), sig):
        raise RuntimeError("the signature just made does not verify")
    return sig


def schnorr_verify(msg, pubkey, sig):
    if len(pubkey) != 32 or len(sig) != 64:
        raise ValueError("a public key is 32 bytes, a signature 64")
    pt = lift_x(int_from_bytes(pubkey))
    r, s = int_from_bytes(sig[:32]), int_from_bytes(sig[32:])
    if pt is None or r >= P or s >= N:
        return False
    e = int_from_bytes(tagged_hash("BIP0340/challenge", sig[:32] + pubkey + msg)) % N
    big_r = point_add(point_mul(G, s), point_mul(pt, N - e))
    return big_r is not None and big_r[1] % 2 == 0 and big_r[0] == r


# Vectors 0-3 and 5-7 of bip-0340/test-vectors.csv: secret key, public key, aux_rand, message,
# signature, verification result. Checked before anything is signed.
BIP340_VECTORS = [
    ("0000000000000000000000000000000000000000000000000000000000000003",
     "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA8215"
     "25F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0", True),
    ("B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF",
     "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE3341"
     "8906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A", True),
    ("C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9",
     "DD308AFEC5777E13121FA72B9CC1B7CC0139715309B086C960E18FD969774EB8",
     "C87AA53824B4D7AE2EB035A2B5BBBCCC080E76CDC6D1692C4B0B62D798E6D906",
     "7E2D58D8B3BCDF1ABADEC7829054F90DDA9805AAB56C77333024B9D0A508B75C",
     "5831AAEED7B44BB74E5EAB94BA9D4294C49BCF2A60728D8B4C200F50DD313C1B"
     "AB745879A5AD954A72C45A91C3A51D3C7ADEA98D82F8481E0E1E03674A6F3FB7", True),
    ("0B432B2677937381AEF05BB02A66ECD012773062CF3FA2549E44F58ED2401710",
     "25D1DFF95105F5253C4022F628A996AD3A0D95FBF21D468A1B33F8C160D8F517",
     "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
     "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
     "7EB0509757E246F19449885651611CB965ECC1A187DD51B64FDA1EDC9637D5EC"
     "97582B9CB13DB3933705B32BA982AF5AF25FD78881EBB32771FC5922EFC66EA3", True),
    ("", "EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769"
     "69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B", False),
    ("", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "FFF97BD5755EEEA420453A14355235D382F6472F8568A18B2F057A1460297556"
     "3CC27944640AC607CD107AE10923D9EF7A73C643E166BE5EBEAFA34B1AC553E2", False),
    ("", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "1FA62E331EDBC21C394792D2AB1100A7B432B013DF3F6FF4F99FCB33E0E1515F"
     "28890B3EDB6E7189B630448B515CE4F8622A954CFE545735AAEA5134FCCDB2BD", False),
]


def check_bip340():
    for seckey, pubkey, aux, msg, sig, valid in BIP340_VECTORS:
        pubkey, msg, sig = bytes.fromhex(pubkey), bytes.fromhex(msg), bytes.fromhex(sig)
        if seckey:
            seckey = bytes.fromhex(seckey)
            assert pubkey_gen(seckey) == pubkey, "BIP-340 key generation"
            assert schnorr_sign(msg, seckey, bytes.fromhex(aux)) == sig, "BIP-340 signing"
        assert schnorr_verify(msg, pubkey, sig) == valid, "BIP-340 verification"


# --- Nostr (NIP-01) ---------------------------------------------------------------------------
K1 = sha256(b"licentia test nostr key 1")
K2 = sha256(b"licentia test nostr key 2")
AUX_RAND = sha256(b"licentia testdata bip340 aux_rand")

# NIP-01's serialization, as every common client computes it (JSON.stringify in nostr-tools,
# serde_json in rust-nostr): no whitespace, non-ASCII written as is, UTF-8 encoded, and control
# characters escaped, \n \r \t \b \f by name and the others as \u00XX. Python's json.dumps with
# ensure_ascii=False writes exactly that.
def nip01_serialization(pubkey_hex, created_at, kind, tags, content):
    return json.dumps([0, pubkey_hex, created_at, kind, [list(t) for t in tags], content],
                      ensure_ascii=False, separators=(",", ":"))


def nip01_id(event):
    text = nip01_serialization(event["pubkey"], event["created_at"], event["kind"], event["tags"], event["content"])
    return sha256(text.encode("utf-8"))


def nostr_event(seckey, created_at, content, tags=(), kind=1):
    event = {"id": "", "pubkey": pubkey_gen(seckey).hex(), "created_at": created_at, "kind": kind,
             "tags": [list(tag) for tag in tags], "content": content, "sig": ""}
    event_id = nip01_id(event)
    event["id"] = event_id.hex()
    event["sig"] = schnorr_sign(event_id, seckey, AUX_RAND).hex()
    return event


def nostr_valid(event):
    """(id matches, signature verifies): what the bridge checks."""
    computed = nip01_id(event)
    return (computed.hex() == event["id"],
            schnorr_verify(bytes.fromhex(event["id"]), bytes.fromhex(event["pubkey"]), bytes.fromhex(event["sig"])))


def nostr_lines():
    t = seconds("2024-11-19T08:00:00")
    note1 = nostr_event(K1, t + 12, "gm nostr. Trying out per-post licensing: my notes, my terms.")
    note2 = nostr_event(K1, t + 431, "Opted my notes in for research and AI training, nothing else.",
                        [("t", "licentia")])
    k2_note = nostr_event(K2, t + 587, "Zaps are the only license I need.")
    altered = nostr_event(K1, t + 903, "Price check: 21 sats per note.")
    altered["content"] = "Price check: 2100 sats per note."  # edited after signing
    note3 = nostr_event(K1, t + 1260, 'She said "bonjour",\nthen ordered a café crème ☕ \\o/')
    bad_sig = nostr_event(K1, t + 1744, "This one's signature gets a byte flipped.")
    sig = bytearray.fromhex(bad_sig["sig"])
    sig[40] ^= 0x01  # one bit of one byte (the 41st: in s)
    bad_sig["sig"] = sig.hex()
    reaction = nostr_event(K1, t + 1802, "+", [("e", k2_note["id"]), ("p", k2_note["pubkey"])], kind=7)

    for event in (note1, note2, k2_note, note3, reaction):
        assert nostr_valid(event) == (True, True), event
    assert nostr_valid(altered)[0] is False, "the altered event's id must no longer match"
    assert nostr_valid(bad_sig) == (True, False), "the flipped signature must fail, its id match"

    # Line order is relied on by bridge/tests/end_to_end.rs (rejections on lines 4 and 6).
    events = [note1, note2, k2_note, altered, note3, bad_sig, reaction]
    return "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in events)


# --- Bluesky (Jetstream) ----------------------------------------------------------------------
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable


def tid(micros, clock_id):
    """An atproto TID: 13 base32-sortable chars of (0 bit, 53-bit microseconds, 10-bit clock id)."""
    assert 0 <= micros < 1 << 53 and 0 <= clock_id < 1 << 10
    value = (micros << 10) | clock_id
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def cbor_head(major, n):
    """A CBOR item head: the major type and the shortest encoding of n."""
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError(n)


class Link(bytes):
    """A CID (binary) in a DAG-CBOR value: atproto JSON's {"$link": cid}."""


def dag_cbor(value):
    """DAG-CBOR, as atproto encodes a record: shortest integer heads, map keys sorted by the
    length of their UTF-8 bytes and then bytewise, no floats; a link is tag 42 over a byte
    string of 0x00 and the binary CID; bytes (atproto JSON's {"$bytes": base64}) a byte string."""
    if isinstance(value, Link):
        data = b"\x00" + bytes(value)
        return b"\xd8\x2a" + cbor_head(2, len(data)) + data
    if isinstance(value, bytes):
        return cbor_head(2, len(value)) + value
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return cbor_head(0, value) if value >= 0 else cbor_head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return cbor_head(3, len(data)) + data
    if isinstance(value, list):
        return cbor_head(4, len(value)) + b"".join(dag_cbor(v) for v in value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode("utf-8")), k.encode("utf-8")))
        return cbor_head(5, len(value)) + b"".join(dag_cbor(k) + dag_cbor(value[k]) for k in keys)
    raise TypeError(type(value))


def cid_bytes(record):
    """The record's binary CIDv1: dag-cbor 0x71, sha2-256 0x12, 32-byte digest of its DAG-CBOR."""
    return bytes([0x01, 0x71, 0x12, 0x20]) + sha256(dag_cbor(record))


def cid_text(raw):
    """A binary CID's string form: multibase base32 lower ('b')."""
    return "b" + base64.b32encode(raw).decode("ascii").lower().rstrip("=")


def cid(record):
    """The record's CIDv1 string: base32 'b', dag-cbor 0x71, sha2-256 0x12, 32-byte digest of its
    DAG-CBOR bytes (what a PDS computes, and the post's content hash on chain)."""
    return cid_text(cid_bytes(record))


DID_A = "did:plc:ragtjsm2j2vknwkz3zp4oxrd"
DID_B = "did:plc:z72i7hdynmk6r22z27h6tvur"
DID_C = "did:plc:vwzwgnygau7ed7b7wt5ux7y2"
DID_D = "did:plc:4xq2mwu3ktv6yoqpqonyqvzc"
CLOCK_ID = {DID_A: 17, DID_B: 402, DID_C: 763}  # each PDS's TID clock id


def bluesky_lines():
    start = seconds("2024-11-19T07:06:40") * 1_000_000
    lines = []

    def commit(did, at, operation, collection, record=None, rkey=None):
        """A commit made `at` (µs): its rkey is a TID of the record's creation, its rev a TID of
        the commit a few ms later, and Jetstream stamps time_us when it relays it."""
        us = start + at
        body = {"rev": tid(us + 2_113, CLOCK_ID[did]), "operation": operation, "collection": collection,
                "rkey": rkey or tid(us, CLOCK_ID[did])}
        if record is not None:
            body["record"] = record
            body["cid"] = cid(record)
        lines.append({"did": did, "time_us": us + 311_407, "kind": "commit", "commit": body})
        return body

    def post(did, at, text, langs=("en",)):
        record = {"$type": "app.bsky.feed.post", "createdAt": iso(start + at), "langs": list(langs), "text": text}
        return commit(did, at, "create", "app.bsky.feed.post", record)

    a1 = post(DID_A, 0, "Low tide this morning, the whole harbour smelled of seaweed and diesel.")
    post(DID_B, 41_208_551, "New sketch: a heron in ink, waiting longer than I could.")
    like = {"$type": "app.bsky.feed.like", "createdAt": iso(start + 97_005_120),
            "subject": {"cid": a1["cid"], "uri": f"at://{DID_A}/app.bsky.feed.post/{a1['rkey']}"}}
    commit(DID_B, 97_005_120, "create", "app.bsky.feed.like", like)
    post(DID_A, 180_442_907, "Reading tide tables again. Spring tides next week, 5.9 m at Dover.")
    post(DID_C, 233_870_016, "Not licensing anything, just here for the cat pictures.")
    # A deletes a post written two days earlier (not in this export).
    commit(DID_A, 301_115_768, "delete", "app.bsky.feed.post",
           rkey=tid(start - 2 * 86_400_000_000 + 5_551_213, CLOCK_ID[DID_A]))
    post(DID_B, 377_931_004, "Les lavis d'encre sèchent plus vite en hiver. 🖌️", langs=("fr", "en"))
    post(DID_A, 452_660_210, "The 07:40 ferry was late; the coffee on board was not.")
    post(DID_C, 518_004_733, "Another cat picture. Still not licensing it.")
    t = start + 590_218_337
    lines.append({"did": DID_C, "time_us": t, "kind": "identity",
                  "identity": {"did": DID_C, "handle": "cats.example.com", "seq": 4_203_117_552, "time": iso(t - 402_113)}})
    t = start + 612_774_020
    lines.append({"did": DID_C, "time_us": t, "kind": "account",
                  "account": {"active": True, "did": DID_C, "seq": 4_203_125_908, "time": iso(t - 388_506)}})

    times = [line["time_us"] for line in lines]
    assert times == sorted(times), "Jetstream's time_us only grows"
    new_rkeys = [line["commit"]["rkey"] for line in lines if line.get("commit", {}).get("operation") == "create"]
    assert new_rkeys == sorted(new_rkeys), "created rkeys increase"
    return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)


def varint(n):
    """An unsigned LEB128 varint (CAR framing)."""
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mst_layer(key):
    """A key's MST layer: leading zero bits of sha256(key), counted in pairs (fanout 4)."""
    bits = "".join(f"{b:08b}" for b in sha256(key.encode()))
    return (len(bits) - len(bits.lstrip("0"))) // 2


def bluesky_repo():
    """A Bluesky repository export (`com.atproto.sync.getRepo`): a CAR v1 file of the signed commit,
    the Merkle search tree (MST) and the records. DID_D's repo holds four posts (one self-labelled,
    one a reply), a like, a repost and the profile; the record keys are TIDs nudged so that one
    post sits on MST layer 1 (with the profile's key) and the rest on layer 0: a root of two
    entries, each with a subtree."""
    start = seconds("2024-11-21T18:30:00") * 1_000_000
    blocks = {}

    def put(value):
        data = dag_cbor(value)
        raw = cid_bytes(value)
        blocks[raw] = data
        return Link(raw)

    def key(collection, micros, layer):
        while True:
            k = f"{collection}/{tid(micros, 221)}"
            if mst_layer(k) == layer:
                return k, micros
            micros += 1

    def post(at, text, layer=0, **extra):
        k, us = key("app.bsky.feed.post", start + at, layer)
        return k, {"$type": "app.bsky.feed.post", "createdAt": iso(us), "langs": ["en"], "text": text, **extra}

    first_key, first = post(0, "Field notes: the saltmarsh at dawn, curlews everywhere.")
    records = dict([
        (first_key, first),
        post(3_600_000_000, "Second walk: the curlews left, the egrets stayed.", layer=1),
        post(7_200_000_000, "Photo of a dead seal on the beach. Not for everyone.",
             labels={"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": "graphic-media"}]}),
        post(9_000_000_000, "Agreed, the egrets win.",
             reply={"root": {"cid": cid(first), "uri": f"at://{DID_D}/{first_key}"},
                    "parent": {"cid": cid(first), "uri": f"at://{DID_D}/{first_key}"}}),
    ])
    like_key, _ = key("app.bsky.feed.like", start + 4_000_000_000, 0)
    records[like_key] = {"$type": "app.bsky.feed.like", "createdAt": iso(start + 4_000_000_000),
                         "subject": {"cid": cid(first), "uri": f"at://{DID_D}/{first_key}"}}
    repost_key, _ = key("app.bsky.feed.repost", start + 5_000_000_000, 0)
    records[repost_key] = {"$type": "app.bsky.feed.repost", "createdAt": iso(start + 5_000_000_000),
                           "subject": {"cid": cid(first), "uri": f"at://{DID_D}/{first_key}"}}
    assert mst_layer("app.bsky.actor.profile/self") == 1
    records["app.bsky.actor.profile/self"] = {"$type": "app.bsky.actor.profile", "displayName": "Marsh Notes",
                                              "description": "Birds, tides, mud."}
    values = {k: put(v) for k, v in records.items()}

    def node(keys):
        """The MST node of `keys` (sorted, all on layer 0 or one layer-1 key with its subtrees)."""
        top = max(mst_layer(k) for k in keys)
        entries, left, run, prev = [], None, [], b""
        for k in keys:
            if mst_layer(k) < top:
                run.append(k)
                continue
            sub = put(node(run)) if run else None
            if entries:
                entries[-1]["t"] = sub
            else:
                left = sub
            run = []
            kb = k.encode()
            shared = len(next((prev[:i] for i in range(min(len(prev), len(kb)), -1, -1) if prev[:i] == kb[:i]), b""))
            entries.append({"k": kb[shared:], "p": shared, "t": None, "v": values[k]})
            prev = kb
        if run:
            entries[-1]["t"] = put(node(run))
        return {"e": entries, "l": left}

    keys = sorted(values, key=str.encode)
    assert [mst_layer(k) for k in keys].count(1) == 2 and max(map(mst_layer, keys)) == 1
    root = put(node(keys))
    commit = put({"did": DID_D, "version": 3, "data": root, "rev": tid(start + 9_100_000_000, 221),
                  "prev": None, "sig": bytes(64)})
    header = dag_cbor({"roots": [commit], "version": 1})
    car = varint(len(header)) + header
    for raw, data in blocks.items():
        car += varint(len(raw) + len(data)) + raw + data
    return car


# --- Mastodon (REST API statuses) -------------------------------------------------------------
INSTANCE = "mastodon.social"


def mastodon_id(ms, label):
    """A Mastodon snowflake: milliseconds << 16, low 16 bits pseudo-random (here from a label)."""
    return str((ms << 16) | int.from_bytes(sha256(label.encode())[:2], "big"))


def mastodon_account(username, domain, created, bio, counts):
    acct = username if domain == INSTANCE else f"{username}@{domain}"
    ms = seconds(created + "T00:00:00") * 1000
    return {
        "id": mastodon_id(ms, "account " + acct), "username": username, "acct": acct,
        "display_name": username.capitalize(), "locked": False, "bot": False, "discoverable": True,
        "indexable": True, "group": False, "created_at": created + "T00:00:00.000Z",
        "note": f"<p>{bio}</p>", "url": f"https://{domain}/@{username}",
        "uri": f"https://{domain}/users/{username}",
        "avatar": "https://mastodon.social/avatars/original/missing.png",
        "avatar_static": "https://mastodon.social/avatars/original/missing.png",
        "header": "https://mastodon.social/headers/original/missing.png",
        "header_static": "https://mastodon.social/headers/original/missing.png",
        "followers_count": counts[0], "following_count": counts[1], "statuses_count": counts[2],
        "last_status_at": "2024-11-19", "hide_collections": False, "emojis": [], "fields": [],
    }

def mastodon_status(acc, when, content, counts=(0, 0, 0), tags=(), origin_id=None):
    ms = seconds(when) * 1000
    sid = mastodon_id(ms, f"status {acc['acct']} {when}")
    domain = acc["url"].split("/")[2]
    oid = origin_id or sid  # a remote status keeps its own instance's id in its uri and url
    return {
        "id": sid, "created_at": iso(ms * 1000), "in_reply_to_id": None, "in_reply_to_account_id": None,
        "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
        "uri": f"https://{domain}/users/{acc['username']}/statuses/{oid}",
        "url": f"https://{domain}/@{acc['username']}/{oid}",
        "replies_count": counts[0], "reblogs_count": counts[1], "favourites_count": counts[2],
        "edited_at": None, "content": content, "reblog": None, "account": acc,
        "media_attachments": [], "mentions": [],
        "tags": [{"name": t, "url": f"https://{INSTANCE}/tags/{t}"} for t in tags],
        "emojis": [], "card": None, "poll": None,
    }


def mastodon_json():
    account, status = mastodon_account, mastodon_status

    def hashtag(t):
        return f'<a href="https://{INSTANCE}/tags/{t}" class="mention hashtag" rel="tag">#<span>{t}</span></a>'

    ada = account("ada", INSTANCE, "2022-11-03", "Mathematician. Notes on engines.", (1815, 212, 96))
    grace = account("grace", INSTANCE, "2022-11-07", "Compilers, debugging, nanoseconds.", (2306, 341, 158))
    nemo = account("nemo", INSTANCE, "2023-02-14", "Lurking.", (12, 48, 7))
    linus = account("linus", "fosstodon.org", "2022-12-01", "Kernel things.", (960, 75, 431))

    ada1 = status(ada, "2024-11-19T08:01:13", "<p>Notes on the Analytical Engine, part one: the store "
                  "and the mill.</p>", (2, 5, 14))
    ada2 = status(ada, "2024-11-19T08:44:52", "<p>Part two: on loops &amp; the Jacquard loom.<br />"
                  "The cards repeat; the engine need not.</p>", (1, 3, 9))
    grace1 = status(grace, "2024-11-19T08:17:30", "<p>Found a moth in relay #70 today. First actual "
                    "case of bug being found.</p>", (4, 12, 31))
    grace2 = status(grace, "2024-11-19T09:05:08", f"<p>Compilers are translators with opinions. "
                    f"{hashtag('compilers')}</p>", (0, 2, 6), tags=("compilers",))
    nemo1 = status(nemo, "2024-11-19T08:30:41", "<p>I read everything and post nothing.</p>")
    linus1 = status(linus, "2024-11-19T08:52:19", "<p>Posted from another instance: federated "
                    "here, not mastodon.social&#39;s to license.</p>", (3, 1, 8),
                    origin_id=mastodon_id(seconds("2024-11-19T08:52:18") * 1000, "fosstodon linus"))

    # grace boosts ada's first status: a wrapper status with no content of its own; its uri and
    # url are the Announce activity's.
    boost = status(grace, "2024-11-19T09:12:47", "")
    boost["uri"] = boost["url"] = f"https://{INSTANCE}/users/grace/statuses/{boost['id']}/activity"
    boost["language"] = None
    boost["reblog"] = ada1

    statuses = [ada1, ada2, grace1, grace2, nemo1, linus1, boost]
    # The API lists statuses newest first.
    statuses.sort(key=lambda s: int(s["id"]), reverse=True)
    assert len({s["uri"] for s in statuses}) == len(statuses)
    return json.dumps(statuses, indent=2, ensure_ascii=False) + "\n"


# --- X (API v2) -------------------------------------------------------------------------------
TWITTER_EPOCH_MS = 1_288_834_974_657


def x_id(when, worker, sequence):
    """An X snowflake: milliseconds since the Twitter epoch << 22, then 10 worker bits, 12 sequence."""
    ms = seconds(when) * 1000 + sequence * 7 % 1000
    value = ((ms - TWITTER_EPOCH_MS) << 22) | (worker << 12) | sequence
    assert value < 1 << 63 and len(str(value)) == 19
    return str(value), iso(ms * 1000)


def x_json():
    posts = [
        ("2024-11-19T09:02:11", 371, 5, "2244994945", "Shipping the new API docs today. Q&amp;A thread below 👇"),
        ("2024-11-19T09:14:40", 88, 0, "783214", "A thread on rate limits, 1/3: the limit is per app, not per user."),
        ("2024-11-19T09:20:03", 371, 17, "17874544", "Not opted in: this post stays out of every dataset."),
        ("2024-11-19T09:31:57", 512, 2, "2244994945", "Docs are live. Tell us what's missing."),
        ("2024-11-19T09:47:25", 88, 9, "783214", "Rate limits, 2/3: back off exponentially, be kind to servers."),
    ]
    data = []
    for when, worker, sequence, author, text in posts:
        pid, created = x_id(when, worker, sequence)
        data.append({"id": pid, "id_str": pid, "author_id": author, "text": text, "created_at": created,
                     "edit_history_tweet_ids": [pid]})
    data.sort(key=lambda p: int(p["id"]), reverse=True)  # the API lists posts newest first
    users = [{"id": "2244994945", "name": "Dev Docs (sample)", "username": "devdocs_sample"},
             {"id": "783214", "name": "Rate Limits (sample)", "username": "ratelimits_sample"},
             {"id": "17874544", "name": "Opted Out (sample)", "username": "optedout_sample"}]
    body = {"data": data, "includes": {"users": users},
            "meta": {"result_count": len(data), "newest_id": data[0]["id"], "oldest_id": data[-1]["id"]}}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


# --- Real-world shapes: archives, pages, relay messages ------------------------------------------
def x_archive():
    """An X account archive's data/tweets.js and data/account.js (JavaScript assignments), for
    account 2244994945: an original post, a retweet (not the account's post), a long post and
    one flagged possibly sensitive."""
    def tweet(when, sequence, text, sensitive=False):
        pid, _ = x_id(when, 371, sequence)
        t = datetime.datetime.fromtimestamp(seconds(when), tz=datetime.timezone.utc)
        body = {"edit_info": {"initial": {"editTweetIds": [pid], "editableUntil": iso((seconds(when) + 3600) * 1_000_000),
                                          "editsRemaining": "5", "isEditEligible": True}},
                "retweeted": False, "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
                "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
                "display_text_range": ["0", str(len(text))], "favorite_count": "3", "id_str": pid,
                "truncated": False, "retweet_count": "0", "id": pid,
                "created_at": t.strftime("%a %b %d %H:%M:%S +0000 %Y"), "favorited": False,
                "full_text": text, "lang": "en"}
        if sensitive:
            body["possibly_sensitive"] = True
        return {"tweet": body}
    long_text = ("A long post, the kind X Premium allows: " + "the docs cover auth, pagination, "
                 "rate limits &amp; webhooks, each with examples. " * 6).strip()
    assert len(long_text) > 280
    tweets = [
        tweet("2024-11-20T10:00:00", 1, "Archive day: exporting my posts &amp; reading them back."),
        tweet("2024-11-20T10:05:00", 2, "RT @ratelimits_sample: Rate limits, 2/3: back off exponentially, be kind to servers."),
        tweet("2024-11-20T10:10:00", 3, long_text),
        tweet("2024-11-20T10:15:00", 4, "Screenshots of a crash dump, click with care.", sensitive=True),
    ]
    account = [{"account": {"email": "devdocs@example.com", "createdVia": "web", "username": "devdocs_sample",
                            "accountId": "2244994945", "createdAt": "2014-03-21T09:00:00.000Z",
                            "accountDisplayName": "Dev Docs (sample)"}}]
    return ("window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2, ensure_ascii=False) + "\n",
            "window.YTD.account.part0 = " + json.dumps(account, indent=2, ensure_ascii=False) + "\n")


def x_pages():
    """API v2 search pages saved one per line: a retweet, a long post (`note_tweet`), a possibly
    sensitive post, and an ordinary one."""
    def post(when, sequence, author, text, **extra):
        pid, created = x_id(when, 88, sequence)
        return {"id": pid, "author_id": author, "text": text, "created_at": created, "edit_history_tweet_ids": [pid], **extra}
    long_text = "Rate limits, 3/3, in full: " + "retry after the reset time, not before; " * 10
    page1 = {"data": [
        post("2024-11-20T11:00:00", 1, "783214", "RT @devdocs_sample: Docs are live. Tell us what's missing.",
             referenced_tweets=[{"type": "retweeted", "id": "1858809292782927881"}]),
        post("2024-11-20T11:05:00", 2, "783214", long_text[:273] + "…", note_tweet={"text": long_text}),
    ], "meta": {"result_count": 2, "next_token": "b26v89c19zqg8o3fr5"}}
    page2 = {"data": [
        post("2024-11-20T11:10:00", 3, "783214", "A heap dump, possibly NSFW for your manager.", possibly_sensitive=True),
        post("2024-11-20T11:15:00", 4, "783214", "Quota math: 1 &lt; 2 &amp;&amp; 3 &gt; 2."),
    ], "meta": {"result_count": 2}}
    return "".join(json.dumps(page, ensure_ascii=False, separators=(",", ":")) + "\n" for page in (page1, page2))


def mastodon_outbox():
    """ada's account archive outbox.json (ActivityStreams): public, unlisted with a content
    warning, followers-only, direct, a boost, and a deletion."""
    actor = f"https://{INSTANCE}/users/ada"
    public = "https://www.w3.org/ns/activitystreams#Public"
    followers = actor + "/followers"

    def create(when, content, to, cc, summary=None, sensitive=False):
        ms = seconds(when) * 1000
        sid = mastodon_id(ms, f"outbox ada {when}")
        note = {"id": f"{actor}/statuses/{sid}", "type": "Note", "summary": summary, "inReplyTo": None,
                "published": iso(ms * 1000)[:19] + "Z", "url": f"https://{INSTANCE}/@ada/{sid}", "attributedTo": actor,
                "to": to, "cc": cc, "sensitive": sensitive, "content": content, "contentMap": {"en": content},
                "attachment": [], "tag": [], "replies": {"id": f"{actor}/statuses/{sid}/replies", "type": "Collection"}}
        return {"id": f"{actor}/statuses/{sid}/activity", "type": "Create", "actor": actor,
                "published": note["published"], "to": to, "cc": cc, "object": note}

    items = [
        create("2024-11-20T08:00:00", "<p>Part three: the engine &amp; its cards.</p>", [public], [followers]),
        create("2024-11-20T08:10:00", "<p>Unlisted, and behind a warning.</p>", [followers], [public],
               summary="engine gore", sensitive=True),
        create("2024-11-20T08:20:00", "<p>Followers only: not public, never licensed.</p>", [followers], []),
        create("2024-11-20T08:30:00", '<p><span class="h-card"><a href="https://mastodon.social/@grace" class="u-url mention">@<span>grace</span></a></span> a direct message.</p>',
               ["https://mastodon.social/users/grace"], []),
        {"id": f"{actor}/statuses/{mastodon_id(seconds('2024-11-20T08:40:00') * 1000, 'boost')}/activity", "type": "Announce",
         "actor": actor, "published": "2024-11-20T08:40:00Z", "to": [public], "cc": [followers],
         "object": f"https://{INSTANCE}/users/grace/statuses/113513000000000000"},
        {"id": f"{actor}#delete-1", "type": "Delete", "actor": actor, "to": [public],
         "object": {"id": f"{actor}/statuses/113512200000000000", "type": "Tombstone"}},
    ]
    body = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", "type": "OrderedCollection",
            "totalItems": len(items), "orderedItems": items}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def nostr_wire():
    """What a relay sends a subscription, one message per line: two events (one behind a
    content warning), EOSE, and a NOTICE."""
    t = seconds("2024-11-20T08:00:00")
    note = nostr_event(K1, t + 5, "Read from a relay, not an export.")
    warned = nostr_event(K1, t + 65, "Spoilers for the whole season below.", [("content-warning", "spoilers")])
    messages = [["EVENT", "licentia", note], ["EVENT", "licentia", warned], ["EOSE", "licentia"],
                ["NOTICE", "rate limited: slow down"]]
    return "".join(json.dumps(m, ensure_ascii=False, separators=(",", ":")) + "\n" for m in messages)


def mastodon_streaming():
    """What Mastodon's streaming API sends a `public:local` subscriber, one message per line: new
    statuses (one behind a content warning and marked sensitive), a boost (skipped), an edit (the
    status is withdrawn: the chain registers a status once), a deletion (by status id), and a
    notification (skipped)."""
    ada = mastodon_account("ada", INSTANCE, "2022-11-03", "Mathematician. Notes on engines.", (1815, 212, 97))
    grace = mastodon_account("grace", INSTANCE, "2022-11-07", "Compilers, debugging, nanoseconds.", (2306, 341, 159))
    ada1 = mastodon_status(ada, "2024-11-21T09:00:00", "<p>Part four: on the engine&#39;s printer.</p>")
    grace1 = mastodon_status(grace, "2024-11-21T09:01:30", "<p>A bug report, with pictures.</p>")
    grace1.update(spoiler_text="insects", sensitive=True)
    ada2 = mastodon_status(ada, "2024-11-21T09:03:10", "<p>Part five: tables of Bernoulli numbers.</p>")
    boost = mastodon_status(grace, "2024-11-21T09:04:00", "")
    boost["uri"] = boost["url"] = f"https://{INSTANCE}/users/grace/statuses/{boost['id']}/activity"
    boost["reblog"] = ada1
    edited = dict(ada2, content="<p>Part five: tables of Bernoulli numbers (corrected).</p>",
                  edited_at=iso((seconds("2024-11-21T09:06:00")) * 1_000_000))

    def message(event, payload):
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return {"stream": ["public:local"], "event": event, "payload": text}

    messages = [message("update", ada1), message("update", grace1), message("update", ada2),
                message("update", boost), message("status.update", edited), message("delete", grace1["id"]),
                message("notification", {"id": "5", "type": "mention"})]
    return "".join(json.dumps(m, ensure_ascii=False, separators=(",", ":")) + "\n" for m in messages)


def x_stream():
    """X's filtered stream (API v2), one message per line as it streams them (a keep-alive is an
    empty line): posts with `includes` and `matching_rules`, a retweet (skipped), and an edit (a
    new post whose `edit_history_tweet_ids` name the version it replaces)."""
    def message(when, sequence, author, text, history=None, **extra):
        pid, created = x_id(when, 203, sequence)
        data = {"id": pid, "author_id": author, "text": text, "created_at": created,
                "edit_history_tweet_ids": (history or []) + [pid], **extra}
        users = [{"id": author, "name": "Sample", "username": f"user{author}"}]
        return pid, {"data": data, "includes": {"users": users},
                     "matching_rules": [{"id": "1859146541617455104", "tag": "licentia opted-in"}]}
    first, m1 = message("2024-11-21T12:00:00", 1, "2244994945", "Streaming now: docs Q&amp;A at 3pm.")
    _, m2 = message("2024-11-21T12:00:40", 2, "783214", "RT @devdocs_sample: Streaming now: docs Q&amp;A at 3pm.",
                    referenced_tweets=[{"type": "retweeted", "id": first}])
    _, m3 = message("2024-11-21T12:01:15", 3, "783214", "Rate limits, bonus: headers tell you the reset time.")
    _, m4 = message("2024-11-21T12:02:30", 4, "2244994945", "Streaming now: docs Q&amp;A at 4pm (moved).",
                    history=[first])
    lines = [m1, m2, None, m3, m4]
    return "".join(("" if m is None else json.dumps(m, ensure_ascii=False, separators=(",", ":"))) + "\r\n" for m in lines)


def x_compliance():
    """X's compliance stream (`/2/tweets/compliance/stream`), one event per line: a deletion, an
    edit, an account made protected, a suspension, an undeletion (skipped); then a line of a batch
    compliance job's result."""
    t = "2024-11-21T13:00:00.000Z"
    events = [
        {"data": {"delete": {"tweet": {"id": x_id("2024-11-21T12:00:00", 203, 1)[0], "author_id": "2244994945"}, "event_at": t}}},
        {"data": {"tweet_edit": {"tweet": {"id": x_id("2024-11-21T12:02:30", 203, 4)[0], "author_id": "2244994945"},
                                 "initial_tweet_id": x_id("2024-11-21T12:00:00", 203, 1)[0],
                                 "edit_tweet_ids": [x_id("2024-11-21T12:00:00", 203, 1)[0], x_id("2024-11-21T12:02:30", 203, 4)[0]],
                                 "event_at": t}}},
        {"data": {"user_protect": {"user": {"id": "783214"}, "event_at": t}}},
        {"data": {"user_suspend": {"user": {"id": "17874544"}, "event_at": t}}},
        {"data": {"user_undelete": {"user": {"id": "2244994945"}, "event_at": t}}},
        {"id": x_id("2024-11-19T09:31:57", 512, 2)[0], "action": "delete", "created_at": "2024-11-19T09:31:57.000Z",
         "redacted_at": "2024-11-22T00:00:00.000Z", "reason": "deleted"},
    ]
    return "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events)


# --- Content hashes -------------------------------------------------------------------------
# What a post's `contentHash` is (docs/design.md, *Content hashes*), implemented here apart from
# the bridge's Rust so that content-hashes.json tests one against the other.
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
ASCII_SPACE = " \t\n\r\x0c"


def decode_entities(text):
    """`&name;` where name is at most 10 ASCII letters, digits or '#': `#` + decimal digits or
    `#x` + hex digits (a Unicode scalar value), or one of the six names; anything else stays."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "&":
            j = i + 1
            while j < len(text) and j - i - 1 < 10 and text[j].isascii() and (text[j].isalnum() or text[j] == "#"):
                j += 1
            if j < len(text) and text[j] == ";":
                name, char = text[i + 1:j], None
                if name[:2] in ("#x", "#X") and len(name) > 2 and all(c in "0123456789abcdefABCDEF" for c in name[2:]):
                    char = int(name[2:], 16)
                elif name[:1] == "#" and len(name) > 1 and all(c in "0123456789" for c in name[1:]):
                    char = int(name[1:])
                if char is not None and char <= 0x10FFFF and not 0xD800 <= char <= 0xDFFF:
                    out.append(chr(char))
                    i = j + 1
                    continue
                if name in NAMED:
                    out.append(NAMED[name])
                    i = j + 1
                    continue
        out.append(text[i])
        i += 1
    return "".join(out)


def canonical_text(html):
    """An HTML fragment's text: `<br>` is a newline, `</p>` then `<p>` (only ASCII whitespace
    between) two newlines, every other tag nothing, entities decoded; nothing trimmed."""
    out, held, rest = [], None, html
    while rest:
        start = rest.find("<")
        end = rest.find(">", start) if start != -1 else -1
        if start == -1 or end == -1:
            text, tag, rest = rest, None, ""
        else:
            text, tag, rest = rest[:start], rest[start + 1:end], rest[end + 1:]
        if text:
            if held is not None and all(c in ASCII_SPACE for c in text):
                held += text
            else:
                if held is not None:
                    out.append(held)
                    held = None
                out.append(decode_entities(text))
        if tag is None:
            continue
        closing = tag.startswith("/")
        name = ""
        for c in tag.lstrip("/"):
            if not (c.isascii() and c.isalnum()):
                break
            name += c
        name = name.lower()
        if name == "p" and not closing and held is not None:
            held = None
            out.append("\n\n")
            continue
        if held is not None:
            out.append(held)
            held = None
        if name == "p" and closing:
            held = ""
        elif name == "br":
            out.append("\n")
    if held is not None:
        out.append(held)
    return "".join(out)


def blake2_256(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def content_hashes():
    vectors = []
    for content in [
        "<p>Notes on the Analytical Engine, part one: the store and the mill.</p>",
        "<p>Part two: on loops &amp; the Jacquard loom.<br />The cards repeat; the engine need not.</p>",
        "<p>First paragraph.</p>\n<p>Second, after a newline in the HTML.</p><p>Third &#8212; &#x2014; &quot;quoted&quot; &#39;apos&#39; &nbsp;end</p>",
        '<p><span class="h-card"><a href="https://mastodon.social/@ada" class="u-url mention">@<span>ada</span></a></span> see <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow"><span class="invisible">https://</span><span class="">example.com/a?b=1&amp;c=2</span></a></p>',
        "<p>Unknown &bogus; and bare & stay; &#xD800; is not a scalar; &#1114112; neither</p>",
        "x < y and y > z, <br> unclosed <tag",
    ]:
        text = canonical_text(content)
        vectors.append({"platform": "mastodon", "content": content, "canonicalText": text,
                        "contentHash": "0x" + blake2_256(text.encode("utf-8")).hex()})
    for text in ["Shipping the new API docs today. Q&amp;A thread below 👇",
                 "1 &lt; 2 &amp;&amp; 3 &gt; 2, literally &amp;amp;"]:
        canonical = decode_entities(text)
        vectors.append({"platform": "x", "text": text, "canonicalText": canonical,
                        "contentHash": "0x" + blake2_256(canonical.encode("utf-8")).hex()})
    for record in [
        {"$type": "app.bsky.feed.post", "createdAt": "2024-11-19T07:06:40.000Z", "langs": ["en"],
         "text": "Low tide this morning, the whole harbour smelled of seaweed and diesel."},
        {"$type": "app.bsky.feed.post", "createdAt": "2024-11-19T07:13:58.004Z", "langs": ["fr", "en"],
         "text": "Les lavis d'encre sèchent plus vite en hiver. 🖌️",
         "labels": {"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": "graphic-media"}]}},
    ]:
        encoded = dag_cbor(record)
        vectors.append({"platform": "bluesky", "record": record, "dagCbor": "0x" + encoded.hex(),
                        "cid": cid(record), "contentHash": "0x" + sha256(encoded).hex()})
    event = nostr_event(K1, seconds("2024-11-19T08:00:12"), "gm nostr. Trying out per-post licensing: my notes, my terms.")
    vectors.append({"platform": "nostr", "event": event, "contentHash": "0x" + event["id"]})
    body = {
        "about": "Content hash test vectors (docs/design.md, Content hashes): what each platform's "
                 "post hashes to on chain. Mastodon: blake2b-256 of the canonical text of `content`; "
                 "X: blake2b-256 of `text` with entities decoded; Bluesky: the sha2-256 digest in the "
                 "record's CID, that is sha2-256 of its DAG-CBOR bytes; Nostr: the event id.",
        "vectors": vectors,
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


# --- main ---------------------------------------------------------------------------------------
def files():
    check_bip340()
    return {"bluesky.jsonl": bluesky_lines(), "mastodon.json": mastodon_json(),
            "nostr.jsonl": nostr_lines(), "x.json": x_json(), "content-hashes.json": content_hashes(),
            "x-archive/data/tweets.js": x_archive()[0], "x-archive/data/account.js": x_archive()[1],
            "x-pages.jsonl": x_pages(), "mastodon-outbox.json": mastodon_outbox(),
            "nostr-wire.jsonl": nostr_wire(), "bluesky-repo.car": bluesky_repo(),
            "mastodon-streaming.jsonl": mastodon_streaming(), "x-stream.jsonl": x_stream(),
            "x-compliance.jsonl": x_compliance()}


def main(argv):
    check = "--check" in argv[1:]
    stale = []
    for name, text in files().items():
        path, data = HERE / name, text if isinstance(text, bytes) else text.encode("utf-8")
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        print(f"{name}  sha256 {hashlib.sha256(data).hexdigest()}")
    for label, key in (("K1", K1), ("K2", K2)):
        print(f"{label} secret {key.hex()}  x-only pubkey {pubkey_gen(key).hex()}  (test keys, never use)")
    if stale:
        print("differs from the generator's output:", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
