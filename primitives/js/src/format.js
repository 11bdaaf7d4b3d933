// Amounts and durations in words, as the portal and the buyer tools show them.

/** `planck` in the chain's token (symbol and decimals from the chain's properties): `4.275 LCT`. */
export function formatBalance(api, planck) {
  const decimals = api.registry.chainDecimals[0] ?? 12;
  const symbol = api.registry.chainTokens[0] ?? 'UNIT';
  const value = BigInt(planck.toString());
  const unit = 10n ** BigInt(decimals);
  const fraction = (value % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${(value / unit).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''} ${symbol}`;
}

/**
 * How long `blocks` blocks last, from Aura's slot duration (6 s if the chain has none):
 * `100 minutes`, `5.0 hours`, `30.0 days`. With `{ count: true }`, the number of blocks first:
 * `1000 blocks (~100 minutes)`.
 */
export function formatBlocks(api, blocks, { count = false } = {}) {
  const ms = Number(api.consts.aura?.slotDuration ?? 6000) * Number(blocks);
  const minutes = ms / 60000;
  const duration = minutes < 120
    ? `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? '' : 's'}`
    : minutes < 2880 ? `${(minutes / 60).toFixed(1)} hours` : `${(minutes / 1440).toFixed(1)} days`;
  return count ? `${blocks} blocks (~${duration})` : duration;
}

/**
 * Why a quote leaves posts out, in words (`30 refuse commercial use, 70 ask a higher price per
 * record`), from its `excluded` counts; empty when nothing is left out.
 */
export function exclusionsText(excluded) {
  const reasons = [
    ['purposes', 'do not allow every use of the terms'],
    ['noCommercialUse', 'refuse commercial use'],
    ['anonymisationRequired', 'require anonymisation'],
    ['noModelWeights', 'refuse released model weights'],
    ['noRedistribution', 'refuse redistribution'],
    ['minPrice', 'ask a higher price per record'],
  ];
  return reasons.filter(([key]) => Number(excluded?.[key] ?? 0) > 0)
    .map(([key, why]) => `${excluded[key]} ${why}`).join(', ');
}
