import { describe, expect, it } from 'vitest';
import { bgNbdConditionalExpectedPurchases, bgNbdProbabilityAlive, estimateLifetimeValues, gammaGammaExpectedSpend } from '../models/index.js';
import { horizonMonths, scoreCustomers } from './score-customers.js';

// The published CDNOW parameters (Fader, Hardie & Lee 2005) and a few histories in weeks on whole days.
const purchases = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const spend = { p: 6.25, q: 3.74, v: 15.44 };
const days = (d: number) => d / 7;
const input = {
  frequency: Float64Array.from([2, 0, 2, 7, 2, 1]),
  recency: Float64Array.from([days(213), 0, days(100), days(250), days(213), days(3)]),
  T: Float64Array.from([days(272), days(272), days(272), days(260), days(272), days(10)]),
  monetary: Float64Array.from([29.3, 0, 55, 12.5, 29.3, 80]),
};

describe('scoring customers with a fitted BG/NBD and Gamma-Gamma', () => {
  const scores = scoreCustomers(input, { purchases, spend, timeUnit: 'week', horizonDays: 273, monthlyDiscountRate: 0.01 });

  it('gives each customer the model\'s expected purchases, P(alive) and expected spend', () => {
    for (let i = 0; i < input.frequency.length; i++) {
      const history = { frequency: input.frequency[i] as number, recency: input.recency[i] as number, T: input.T[i] as number };
      expect(scores.expectedPurchases[i]).toBeCloseTo(bgNbdConditionalExpectedPurchases(purchases, history, 39), 10);
      expect(scores.pAlive[i]).toBeCloseTo(bgNbdProbabilityAlive(purchases, history), 12);
      expect(scores.expectedSpend[i]).toBeCloseTo(gammaGammaExpectedSpend(spend, { frequency: history.frequency, monetary: input.monetary[i] as number }), 10);
    }
  });

  it('values customers as the models\' batch lifetime value does with calendar months', () => {
    const rows = Array.from(input.frequency, (frequency, i) => ({ frequency, recency: input.recency[i] as number, T: input.T[i] as number, monetary: input.monetary[i] as number }));
    const expected = estimateLifetimeValues(rows, { purchases, spend, timeUnit: 'week', periodsPerMonth: 30.4375 / 7, months: 9, monthlyDiscountRate: 0.01 });
    expect(scores.months).toBe(9);
    for (let i = 0; i < rows.length; i++) expect(scores.clv[i]).toBeCloseTo(expected[i] as number, 10);
  });

  it('gives equal histories equal scores and a shared decile', () => {
    expect(scores.clv[4]).toBe(scores.clv[0]);
    expect(scores.decile[4]).toBe(scores.decile[0]);
  });

  it('leaves value undefined when the spend model has no finite mean (q ≤ 1)', () => {
    const flat = scoreCustomers(input, { purchases, spend: { ...spend, q: 0.9 }, timeUnit: 'week', horizonDays: 273, monthlyDiscountRate: 0.01 });
    expect(Number.isNaN(flat.clv[0])).toBe(true);
    expect(Array.from(flat.decile)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(flat.highValue)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(flat.pAlive[0]).toBe(scores.pAlive[0]);
  });

  it('turns the horizon into whole calendar months, at least one', () => {
    expect(horizonMonths(365)).toBe(12);
    expect(horizonMonths(90)).toBe(3);
    expect(horizonMonths(1)).toBe(1);
  });
});
