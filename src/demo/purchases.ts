/**
 * When and what people buy. Timing follows the BG/NBD story (Fader, Hardie & Lee 2005) that
 * Tessera's CLV model fits: while active a person buys as a Poisson process whose rate is drawn
 * from a gamma distribution across people, and after each purchase drops out for good with a
 * probability drawn from a beta distribution. Most buyers therefore buy once, a few buy often.
 */
import type { Category, Currency, Product } from './catalog.js';
import type { Rng } from './random.js';
import { MAX_SEASON_FACTOR, seasonFactor } from './season.js';
import { DAY_MS, HOUR_MS } from './time.js';

/** Population parameters, time unit one day: mean rate r/alpha ≈ 4 orders a year, mean dropout a/(a+b) ≈ 0.3. */
export const bgnbd = { r: 0.55, alpha: 50, a: 0.9, b: 2.1 } as const;

/** Guard against a pathological draw producing thousands of orders. */
export const MAX_ORDERS_PER_PERSON = 120;

export interface BuyerTraits {
  /** Purchases per day while active, before seasonality (BG/NBD's lambda). */
  rate: number;
  /** Probability of dropping out after each purchase (BG/NBD's p). */
  dropout: number;
  /** Where in each category's price range the person shops, as a z-score. */
  priceTaste: number;
  /** Mean number of extra lines in a basket. */
  basketSize: number;
}

export function drawBuyerTraits(rng: Rng): BuyerTraits {
  return {
    rate: rng.gamma(bgnbd.r, 1 / bgnbd.alpha),
    dropout: rng.beta(bgnbd.a, bgnbd.b),
    priceTaste: rng.normal(),
    basketSize: rng.gamma(1.5, 0.25),
  };
}

/**
 * Purchase times from the first one until the person drops out or `untilMs`. Seasonality and any
 * extra `boost` (an experiment's effect) scale the rate by thinning a faster process.
 */
export function planPurchaseTimes(
  rng: Rng,
  traits: BuyerTraits,
  firstMs: number,
  untilMs: number,
  boost: (ms: number) => number,
  maxBoost: number,
): number[] {
  if (firstMs >= untilMs) return [];
  const times = [firstMs];
  const ceiling = traits.rate * MAX_SEASON_FACTOR * maxBoost;
  let t = firstMs;
  while (times.length < MAX_ORDERS_PER_PERSON && !rng.chance(traits.dropout)) {
    let accepted = false;
    while (!accepted) {
      t += rng.exponential(1 / ceiling) * DAY_MS;
      if (t >= untilMs) return times;
      accepted = rng.next() * MAX_SEASON_FACTOR * maxBoost < seasonFactor(t) * boost(t);
    }
    // Two orders minutes apart are one shopping trip; keep them a few hours apart.
    t = Math.max(t, (times[times.length - 1] ?? t) + 6 * HOUR_MS);
    if (t >= untilMs) return times;
    times.push(t);
  }
  return times;
}

export interface LineItem {
  product: Product;
  quantity: number;
  /** Unit price in cents of the order's currency. */
  price: number;
}

/** A smooth 0–1 map of a z-score (logistic approximation of the normal CDF). */
function toUnit(z: number): number {
  return 1 / (1 + Math.exp(-1.7 * z));
}

/** Fills a basket: one line plus a few more, drawn by category popularity and the person's price taste. */
export function buildBasket(rng: Rng, catalog: readonly Category[], traits: BuyerTraits, currency: Currency): LineItem[] {
  const lines = 1 + Math.min(5, rng.poisson(traits.basketSize));
  const categoryWeights = catalog.map((c) => [c, c.weight] as const);
  const basket: LineItem[] = [];
  for (let i = 0; i < lines; i++) {
    const category = rng.weighted(categoryWeights);
    const u = toUnit(0.8 * traits.priceTaste + 0.7 * rng.normal());
    const product = category.products[Math.min(category.products.length - 1, Math.floor(u * category.products.length))];
    if (!product) continue;
    const existing = basket.find((line) => line.product === product);
    if (existing) {
      existing.quantity += 1;
      continue;
    }
    const multiPack = category.category === 'socks' ? 0.35 : 0.1;
    const quantity = rng.chance(multiPack) ? (rng.chance(0.8) ? 2 : 3) : 1;
    basket.push({ product, quantity, price: product.prices[currency] });
  }
  return basket;
}

export function subtotalOf(items: readonly LineItem[]): number {
  return items.reduce((sum, line) => sum + line.price * line.quantity, 0);
}
