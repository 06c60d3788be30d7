import { describe, expect, it } from 'vitest';
import { buildCatalog } from './catalog.js';
import { buildBasket, drawBuyerTraits, planPurchaseTimes, subtotalOf } from './purchases.js';
import { createRng } from './random.js';
import { seasonFactor } from './season.js';

const start = Date.UTC(2024, 0, 1);
const end = Date.UTC(2026, 0, 1);

function simulateBuyers(n: number): number[][] {
  const rng = createRng(11, 'buyers');
  return Array.from({ length: n }, () => {
    const traits = drawBuyerTraits(rng);
    const first = start + rng.next() * (end - start);
    return planPurchaseTimes(rng, traits, first, end, () => 1, 1);
  });
}

describe('purchases', () => {
  const buyers = simulateBuyers(5000);

  it('makes most buyers buy once and a few buy often, as BG/NBD does', () => {
    const counts = buyers.map((times) => times.length);
    const once = counts.filter((c) => c === 1).length / counts.length;
    expect(once).toBeGreaterThan(0.4);
    expect(once).toBeLessThan(0.8);
    expect(counts.filter((c) => c >= 5).length / counts.length).toBeGreaterThan(0.03);
  });

  it('keeps each buyer’s orders in order, apart, and inside the range', () => {
    const bad = buyers.filter((times) => times.some((t, k) => t >= end || (k > 0 && t <= (times[k - 1] ?? 0))));
    expect(bad).toEqual([]);
  });

  it('sells more per day in November and December than over the rest of the year', () => {
    const repeatOrders = buyers.flatMap((times) => times.slice(1));
    const holiday = repeatOrders.filter((t) => new Date(t).getUTCMonth() >= 10).length / 61;
    const rest = repeatOrders.filter((t) => new Date(t).getUTCMonth() < 10).length / 304;
    expect(holiday / rest).toBeGreaterThan(1.2);
    expect(seasonFactor(Date.UTC(2024, 10, 29))).toBeGreaterThan(seasonFactor(Date.UTC(2024, 1, 10)));
  });

  it('fills baskets worth $40–120 on average with a long tail of large orders', () => {
    const rng = createRng(12, 'baskets');
    const catalog = buildCatalog(createRng(12, 'catalog'));
    const values = Array.from({ length: 5000 }, () => subtotalOf(buildBasket(rng, catalog, drawBuyerTraits(rng), 'USD')) / 100).sort((a, b) => a - b);
    const average = values.reduce((a, b) => a + b, 0) / values.length;
    expect(average).toBeGreaterThan(40);
    expect(average).toBeLessThan(120);
    const median = values[values.length >> 1] ?? 0;
    expect(values[Math.floor(values.length * 0.99)] ?? 0).toBeGreaterThan(4 * median);
    expect(values[0]).toBeGreaterThan(0);
  });
});
