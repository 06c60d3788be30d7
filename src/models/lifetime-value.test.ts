import { describe, expect, it } from 'vitest';
import { TesseraError } from '../contract/index.js';
import { bgNbdConditionalExpectedPurchases } from './bgnbd.js';
import { customerLifetimeValue, estimateLifetimeValues } from './lifetime-value.js';
import { modifiedBgNbdConditionalExpectedPurchases } from './modified-bgnbd.js';
import { simulateBgNbd, simulateSpend } from './simulate.js';

describe('customerLifetimeValue', () => {
  const customer = { frequency: 2, recency: 10, T: 20, monetary: 20 };
  const spend = { p: 6, q: 4, v: 15 };
  const halfPerUnit = (_: unknown, t: number) => 0.5 * t;

  it('discounts each month\'s expected purchases times expected spend', () => {
    // Spend 22 (above); 0.5 purchases a week, a month is 4.345 weeks → 2.1725 purchases a month:
    // 22 · 2.1725 / 1.01 + 22 · 2.1725 / 1.01² = 47.3217822 + 46.8532497 = 94.1750319.
    const value = customerLifetimeValue(customer, { spend, expectedPurchases: halfPerUnit, timeUnit: 'week', months: 2 });
    expect(value).toBeCloseTo(94.1750319, 6);
  });

  it('uses 30-day months for daily data', () => {
    // 0.5 a day → 15 purchases a month: 22 · 15 · (1/1.01 + 1/1.01²) = 650.2303696.
    const value = customerLifetimeValue(customer, { spend, expectedPurchases: halfPerUnit, timeUnit: 'day', months: 2 });
    expect(value).toBeCloseTo(650.2303696, 6);
  });

  it('rejects a fractional horizon', () => {
    expect(() => customerLifetimeValue(customer, { spend, expectedPurchases: halfPerUnit, timeUnit: 'day', months: 1.5 })).toThrow(
      TesseraError,
    );
  });
});

describe('estimateLifetimeValues', () => {
  const purchases = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const spend = { p: 6.25, q: 3.74, v: 15.44 };
  const sim = simulateBgNbd(purchases, { customers: 3000, seed: 4, T: [1, 39], resolution: 1 / 7 });
  const monetary = simulateSpend(spend, sim.frequency, 9);
  const customers = Array.from(sim.frequency, (frequency, i) => ({
    frequency,
    recency: sim.recency[i] as number,
    T: sim.T[i] as number,
    monetary: monetary[i] as number,
  }));

  it('equals the per-customer definition with BG/NBD purchases', () => {
    const batch = estimateLifetimeValues(customers, { purchases, spend, timeUnit: 'week' });
    const expectedPurchases = (h: (typeof customers)[number], t: number) => bgNbdConditionalExpectedPurchases(purchases, h, t);
    customers.forEach((c, i) => {
      const single = customerLifetimeValue(c, { spend, expectedPurchases, timeUnit: 'week' });
      expect(Math.abs((batch[i] as number) - single)).toBeLessThan(1e-9 * Math.max(1, single));
    });
  });

  it('equals the per-customer definition with MBG/NBD purchases', () => {
    const mbg = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };
    const batch = estimateLifetimeValues(customers, { purchases: mbg, model: 'modified', spend, timeUnit: 'week', months: 24 });
    const expectedPurchases = (h: (typeof customers)[number], t: number) => modifiedBgNbdConditionalExpectedPurchases(mbg, h, t);
    customers.forEach((c, i) => {
      const single = customerLifetimeValue(c, { spend, expectedPurchases, timeUnit: 'week', months: 24 });
      expect(Math.abs((batch[i] as number) - single)).toBeLessThan(1e-9 * Math.max(1, single));
    });
  });
});
