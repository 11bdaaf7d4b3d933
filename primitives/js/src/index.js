// @licentia/client: the JavaScript side of licentia-primitives, shared by the portal (web/) and
// the buyer tools (scripts/buyer-tools/). Browser and Node.js alike: no Node.js or DOM APIs
// besides `fetch`. Nothing here holds a connection: functions take an `api` (an ApiPromise) or
// its `registry` (a TypeRegistry with the runtime's metadata, which works offline too).

export { exclusionsText, formatBalance, formatBlocks } from './format.js';
export {
  GATEWAY_CONTEXT, gatewayGet, gatewayInfo, gatewayMessage, gatewayOrigin,
} from './gateway.js';
export { callArgTypes, typeByPath } from './metadata.js';
export {
  LINK_CONTEXT, RELAY_CONTEXT, linkAcceptancePayload, relayedStatement, relayedStatementPayload,
  signedBy, wrapped,
} from './signed.js';
