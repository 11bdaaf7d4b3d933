// The runtime's types, looked up in its metadata: by Rust path, or as a call's arguments. Takes
// a registry with metadata set: `api.registry`, or offline a `TypeRegistry` given a `Metadata`
// (bridge/metadata.scale).

import { stringCamelCase } from '@polkadot/util';

/** The metadata's type with Rust path `path` (e.g. `licentia_primitives::consent::Purpose`). */
export function typeByPath(registry, path) {
  const found = registry.lookup.types.find(({ type }) => type.path.map(String).join('::') === path);
  if (!found) throw new Error(`the metadata has no type ${path}`);
  return registry.createLookupType(found.id);
}

/**
 * The argument types of call `section.method` (named as `api.tx` names them: `consent`,
 * `relayConsent`), by argument name in camelCase: `{ statement: 'Lookup70', signature: ... }`,
 * each a type `registry.createType` takes.
 */
export function callArgTypes(registry, section, method) {
  const pallet = registry.metadata.pallets.find((p) => stringCamelCase(p.name) === section);
  if (!pallet || pallet.calls.isNone) throw new Error(`the metadata has no calls of ${section}`);
  const calls = registry.lookup.getSiType(pallet.calls.unwrap().type).def.asVariant.variants;
  const call = calls.find((v) => stringCamelCase(v.name) === method);
  if (!call) throw new Error(`the metadata has no call ${section}.${method}`);
  return Object.fromEntries(call.fields.map((f) => [stringCamelCase(f.name.unwrap()), registry.createLookupType(f.type)]));
}
