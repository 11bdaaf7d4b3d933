// The payloads people sign off chain (licentia_primitives::signed): a consent statement for a
// platform to relay (`consent.relayConsent`) and the acceptance of a link
// (`consent.linkIdentity`). Each is the SCALE encoding of a tuple whose first two fields are a
// context string (as a byte vector: compact length, then the bytes) and the chain's genesis
// hash; the rest is encoded with the types of the call's arguments, read from the runtime's
// metadata, so nothing here restates a runtime type. primitives/vectors/signed-payloads.json
// holds vectors that the pallet, the bridge and this package's tests check alike.
//
// Inputs are JSON as primitives/src/signed.rs serialises them (the vectors' inputs): variant
// names in camelCase (PascalCase works too), identities as `{"x": "783214"}`, `{"bluesky":
// "did:plc:..."}`, `{"mastodon": "user@instance"}`, `{"nostr": "0x<32 bytes hex>"}`.

import { compactAddLength, stringToU8a, u8aConcat, u8aToU8a, u8aWrapBytes } from '@polkadot/util';
import { signatureVerify } from '@polkadot/util-crypto';
import { callArgTypes } from './metadata.js';

/** `RELAY_CONTEXT`: the domain separator of a relayed consent statement. */
export const RELAY_CONTEXT = 'licentia/relayed-consent/v2';

/** `LINK_CONTEXT`: the domain separator of a link acceptance. */
export const LINK_CONTEXT = 'licentia/link-acceptance/v1';

/** The SCALE encoding of a context string (a `&[u8]`): its compact length, then its bytes. */
const context = (text) => compactAddLength(stringToU8a(text));

/** A genesis hash (hex, bytes or a codec) as its 32 bytes: `[u8; 32]` encodes as itself. */
function genesisBytes(genesis) {
  const bytes = u8aToU8a(genesis);
  if (bytes.length !== 32) throw new Error(`a genesis hash is 32 bytes, not ${bytes.length}`);
  return bytes;
}

/**
 * A relayed statement as the `statement` argument of `consent.relayConsent`, from its JSON
 * (licentia_primitives::signed::RelayedStatement's: `{ account, scope, decisions, restrictions,
 * nonce, expiresAt }`, `scope` being `"account"` or `{ "identity": ... }`).
 */
export function relayedStatement(registry, statement) {
  return registry.createType(callArgTypes(registry, 'consent', 'relayConsent').statement, statement);
}

/** What an account signs to have `statement` relayed: `(RELAY_CONTEXT, genesis, statement)`. */
export function relayedStatementPayload(registry, genesis, statement) {
  return u8aConcat(context(RELAY_CONTEXT), genesisBytes(genesis), relayedStatement(registry, statement).toU8a());
}

/**
 * What an account signs to accept that `identity` is linked to it through `platform` (its id):
 * `(LINK_CONTEXT, genesis, platform, identity, acceptance)`, `acceptance` being `{ nonce,
 * expiresAt }`, with the types of `consent.linkIdentity`'s arguments. The account is not in the
 * payload: the signature names it.
 */
export function linkAcceptancePayload(registry, genesis, platform, identity, acceptance) {
  const types = callArgTypes(registry, 'consent', 'linkIdentity');
  return u8aConcat(
    context(LINK_CONTEXT),
    genesisBytes(genesis),
    registry.createType(types.platform, platform).toU8a(),
    registry.createType(types.identity, identity).toU8a(),
    registry.createType(types.acceptance, acceptance).toU8a(),
  );
}

/**
 * `payload` as wallets sign raw bytes (the Polkadot.js extension's, Talisman's, SubWallet's
 * `signRaw`): `<Bytes>` + payload + `</Bytes>` (WRAPPED_PREFIX, WRAPPED_SUFFIX).
 */
export function wrapped(payload) {
  return u8aWrapBytes(payload);
}

/**
 * Whether `signature` (hex or bytes) is `account`'s (an address or public key) sr25519 or ed25519
 * signature of `payload`, as signed or as a wallet signs it (`wrapped`): the chain accepts both,
 * and so does `signatureVerify`, which tries the wrapped form when the plain one fails.
 */
export function signedBy(payload, signature, account) {
  try {
    return signatureVerify(payload, signature, account).isValid;
  } catch {
    return false; // not a signature's length, not an address
  }
}
