// Amounts in words, shared by the buyer scripts (lib.mjs) and the portal (web/): no Node.js or
// browser APIs here, so both can import it.

/** `planck` in the chain's token (symbol and decimals from the chain's properties). */
export function formatBalance(api, planck) {
  const decimals = api.registry.chainDecimals[0] ?? 12;
  const symbol = api.registry.chainTokens[0] ?? 'UNIT';
  const value = BigInt(planck.toString());
  const unit = 10n ** BigInt(decimals);
  const fraction = (value % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${(value / unit).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''} ${symbol}`;
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
