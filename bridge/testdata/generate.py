#!/usr/bin/env python3
"""Writes the bridge's sample exports (bridge/testdata/*), deterministically.

Every post, account and key here was made up for Licentia's tests. The Nostr events are signed
with BIP-340 (pure Python, after the BIP's reference code) by two test keys derived from fixed
labels: they are public, never use them for anything else.

Run: python3 bridge/testdata/generate.py   (rerunning reproduces the same bytes)
"""

import base64
import hashlib
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

# --- BIP-340 (reference implementation, condensed) ---------------------------------------
P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)


def tagged_hash(tag, msg):
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + msg).digest()


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


def point_mul(p, n):
    r = None
    for i in range(256):
        if (n >> i) & 1:
            r = point_add(r, p)
        p = point_add(p, p)
    return r


def lift_x(x):
    if x >= P:
        return None
    y_sq = (pow(x, 3, P) + 7) % P
    y = pow(y_sq, (P + 1) // 4, P)
    if pow(y, 2, P) != y_sq:
        return None
    return (x, y if y & 1 == 0 else P - y)


def int_of(b):
    return int.from_bytes(b, "big")


def bytes_of(x):
    return x.to_bytes(32, "big")


def pubkey(secret):
    return bytes_of(point_mul(G, int_of(secret))[0])


def sign(secret, msg, aux):
    d0 = int_of(secret)
    pt = point_mul(G, d0)
    d = d0 if pt[1] % 2 == 0 else N - d0
    t = bytes_of(d ^ int_of(tagged_hash("BIP0340/aux", aux)))
    k0 = int_of(tagged_hash("BIP0340/nonce", t + bytes_of(pt[0]) + msg)) % N
    r = point_mul(G, k0)
    k = k0 if r[1] % 2 == 0 else N - k0
    e = int_of(tagged_hash("BIP0340/challenge", bytes_of(r[0]) + bytes_of(pt[0]) + msg)) % N
    sig = bytes_of(r[0]) + bytes_of((k + e * d) % N)
    assert verify(bytes_of(pt[0]), msg, sig)
    return sig


def verify(pub, msg, sig):
    p = lift_x(int_of(pub))
    r, s = int_of(sig[:32]), int_of(sig[32:])
    if p is None or r >= P or s >= N:
        return False
    e = int_of(tagged_hash("BIP0340/challenge", sig[:32] + pub + msg)) % N
    big_r = point_add(point_mul(G, s), point_mul(p, N - e))
    return big_r is not None and big_r[1] % 2 == 0 and big_r[0] == r


# --- NIP-01 ---------------------------------------------------------------------------------
ESCAPES = {"\n": "\\n", '"': '\\"', "\\": "\\\\", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def nip01_string(s):
    return '"' + "".join(ESCAPES.get(c, c) for c in s) + '"'


def nip01_id(pub_hex, created_at, kind, tags, content):
    tags_json = "[" + ",".join("[" + ",".join(nip01_string(v) for v in tag) + "]" for tag in tags) + "]"
    text = f"[0,{nip01_string(pub_hex)},{created_at},{kind},{tags_json},{nip01_string(content)}]"
    return hashlib.sha256(text.encode("utf-8")).digest()


def nostr_event(secret, created_at, content, tags=()):
    pub_hex = pubkey(secret).hex()
    tags = [list(t) for t in tags]
    event_id = nip01_id(pub_hex, created_at, 1, tags, content)
    sig = sign(secret, event_id, hashlib.sha256(b"licentia testdata aux" + event_id).digest())
    return {"id": event_id.hex(), "pubkey": pub_hex, "created_at": created_at, "kind": 1,
            "tags": tags, "content": content, "sig": sig.hex()}


# --- Bluesky ------------------------------------------------------------------------------
def cid(record):
    digest = hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).digest()
    raw = bytes([0x01, 0x71, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(micros, clock=7):
    value = (micros << 10) | clock
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def bluesky_lines():
    authors = {
        "did:plc:ragtjsm2j2vknwkz3zp4oxrd": ["Morning light over the harbour.", "Reading about tide tables again.", "The ferry was late, the coffee was not."],
        "did:plc:z72i7hdynmk6r22z27h6tvur": ["New sketch: a heron, in ink.", "Ink washes dry faster in winter."],
        "did:plc:vwzwgnygau7ed7b7wt5ux7y2": ["Not licensing this one.", "Or this one."],
    }
    lines, t = [], 1_732_000_000_000_000
    for did, texts in authors.items():
        for text in texts:
            t += 1_000_003
            record = {"$type": "app.bsky.feed.post", "createdAt": "2024-11-19T07:06:40.000Z", "langs": ["en"], "text": text}
            lines.append({"did": did, "time_us": t, "kind": "commit",
                          "commit": {"rev": tid(t, 1), "operation": "create", "collection": "app.bsky.feed.post",
                                     "rkey": tid(t), "record": record, "cid": cid(record)}})
    first = "did:plc:ragtjsm2j2vknwkz3zp4oxrd"
    like = {"$type": "app.bsky.feed.like", "createdAt": "2024-11-19T07:10:00.000Z",
            "subject": {"uri": f"at://{first}/app.bsky.feed.post/{lines[0]['commit']['rkey']}", "cid": lines[0]["commit"]["cid"]}}
    t += 1_000_003
    lines.insert(2, {"did": "did:plc:z72i7hdynmk6r22z27h6tvur", "time_us": t, "kind": "commit",
                     "commit": {"rev": tid(t, 1), "operation": "create", "collection": "app.bsky.feed.like", "rkey": tid(t), "record": like, "cid": cid(like)}})
    t += 1_000_003
    lines.insert(4, {"did": first, "time_us": t, "kind": "commit",
                     "commit": {"rev": tid(t, 1), "operation": "delete", "collection": "app.bsky.feed.post", "rkey": tid(t - 50_000_000)}})
    t += 1_000_003
    lines.append({"did": first, "time_us": t, "kind": "identity",
                  "identity": {"did": first, "handle": "harbour.example.com", "seq": 1409752997, "time": "2024-11-19T07:20:00.000Z"}})
    t += 1_000_003
    lines.append({"did": first, "time_us": t, "kind": "account",
                  "account": {"active": True, "did": first, "seq": 1409753013, "time": "2024-11-19T07:20:01.000Z"}})
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


# --- Mastodon -----------------------------------------------------------------------------
def mastodon_json():
    def account(n, username, acct, domain="mastodon.social"):
        return {"id": str(109_000_000_000_000_000 + n), "username": username, "acct": acct,
                "display_name": username.capitalize(), "locked": False, "bot": False,
                "created_at": "2022-11-01T00:00:00.000Z", "note": "", "url": f"https://{domain}/@{username}",
                "avatar": f"https://{domain}/avatars/original/missing.png", "followers_count": 10 + n,
                "following_count": 5, "statuses_count": 40 + n}

    def status(n, acc, content, domain="mastodon.social"):
        sid = str(113_500_000_000_000_000 + n)
        user = acc["username"]
        return {"id": sid, "created_at": f"2024-11-19T08:{n:02d}:00.000Z", "in_reply_to_id": None,
                "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
                "language": "en", "uri": f"https://{domain}/users/{user}/statuses/{sid}",
                "url": f"https://{domain}/@{user}/{sid}", "replies_count": 0, "reblogs_count": 0,
                "favourites_count": n % 3, "edited_at": None, "content": f"<p>{content}</p>", "reblog": None,
                "account": acc, "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
                "card": None, "poll": None}

    ada, grace, nemo = account(1, "ada", "ada"), account(2, "grace", "grace"), account(3, "nemo", "nemo")
    linus = account(4, "linus", "linus@fosstodon.org", "fosstodon.org")
    statuses = [
        status(1, ada, "Notes on the analytical engine, part one."),
        status(2, grace, "Found a moth in the relay today."),
        status(3, ada, "Part two: on loops &amp; the Jacquard loom."),
        status(4, nemo, "I have not opted in."),
        status(5, grace, "Compilers are just translators with opinions."),
        status(6, linus, "Posted from another instance.", "fosstodon.org"),
    ]
    reblog = status(7, grace, "")
    reblog["content"] = ""
    reblog["reblog"] = statuses[0]
    reblog["uri"] = f"https://mastodon.social/users/grace/statuses/{reblog['id']}/activity"
    statuses.append(reblog)
    return json.dumps(statuses, indent=2, ensure_ascii=False) + "\n"


# --- Nostr --------------------------------------------------------------------------------
K1 = hashlib.sha256(b"licentia test nostr key 1").digest()
K2 = hashlib.sha256(b"licentia test nostr key 2").digest()


def nostr_lines():
    good = [
        nostr_event(K1, 1_732_003_200, "gm, relays"),
        nostr_event(K1, 1_732_003_260, "Licensing my notes, on my terms.", [("t", "licentia")]),
        nostr_event(K1, 1_732_003_320, 'A "quoted" line,\nthen a café ☕'),
    ]
    other = nostr_event(K2, 1_732_003_380, "K2 has not linked its key.")
    altered = nostr_event(K1, 1_732_003_440, "signed, then altered")
    altered["content"] = "signed, then ALTERED"
    bad_sig = nostr_event(K1, 1_732_003_500, "a signature with one byte flipped")
    sig = bytearray(bytes.fromhex(bad_sig["sig"]))
    sig[40] ^= 0x01
    bad_sig["sig"] = sig.hex()
    reaction = nostr_event(K1, 1_732_003_560, "+")
    reaction["kind"] = 7  # a reaction: not a post (its id is then wrong too, but it is skipped first)
    events = [good[0], good[1], other, altered, good[2], bad_sig, reaction]
    return "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in events)


# --- X ------------------------------------------------------------------------------------
def x_json():
    posts = [
        ("1858792000000000001", "2244994945", "Shipping the new API docs today."),
        ("1858792000000000002", "783214", "A thread on rate limits, 1/3."),
        ("1858792000000000003", "2244994945", "Docs are live."),
        ("1858792000000000004", "17874544", "Not opted in."),
        ("1858792000000000005", "783214", "Rate limits, 2/3: be kind to servers."),
    ]
    data = [{"id": i, "id_str": i, "author_id": a, "text": t, "created_at": "2024-11-19T09:00:00.000Z",
             "edit_history_tweet_ids": [i]} for i, a, t in posts]
    users = [{"id": "2244994945", "name": "Dev Docs", "username": "devdocs_example"},
             {"id": "783214", "name": "Rate Limits", "username": "ratelimits_example"},
             {"id": "17874544", "name": "Opted Out", "username": "optedout_example"}]
    body = {"data": data, "includes": {"users": users},
            "meta": {"result_count": len(data), "newest_id": data[-1]["id"], "oldest_id": data[0]["id"]}}
    return json.dumps(body, indent=2) + "\n"


def main():
    files = {"bluesky.jsonl": bluesky_lines(), "mastodon.json": mastodon_json(),
             "nostr.jsonl": nostr_lines(), "x.json": x_json()}
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")
    print("K1 secret", K1.hex(), "pubkey", pubkey(K1).hex())
    print("K2 secret", K2.hex(), "pubkey", pubkey(K2).hex())


if __name__ == "__main__":
    main()
