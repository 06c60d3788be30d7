import { describe, expect, it } from 'vitest';
import { TesseraError } from '../contract/index.js';
import { summarizeCustomers, toEpochDay, type Transaction } from './customer-summary.js';

const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

// Customer a buys on Jan 1 (10 + 5), Jan 8 (20), Jan 15 (30 + 10) and Feb 1 (after the end);
// customer b buys once, on the last calibration day; customer c only after it.
const log: Transaction[] = [
  { customerId: 'a', date: day('2015-01-15'), amount: 30 },
  { customerId: 'a', date: day('2015-01-01'), amount: 10 },
  { customerId: 'b', date: day('2015-01-31'), amount: 7 },
  { customerId: 'a', date: day('2015-01-08'), amount: 20 },
  { customerId: 'a', date: new Date('2015-01-01T18:30:00Z'), amount: 5 },
  { customerId: 'a', date: day('2015-01-15'), amount: 10 },
  { customerId: 'a', date: day('2015-02-01'), amount: 100 },
  { customerId: 'c', date: day('2015-02-03'), amount: 9 },
];

describe('summarizeCustomers', () => {
  it('counts repeat purchase days, merging same-day purchases and summing their amounts', () => {
    const [a, b, ...rest] = summarizeCustomers(log, { calibrationEnd: day('2015-01-31'), timeUnit: 'day' });
    // a: purchase days 0, 7, 14 after Jan 1 → x = 2, t_x = 14, T = 30; repeat days spent 20 and 40.
    expect(a).toEqual({ customerId: 'a', frequency: 2, recency: 14, T: 30, monetary: 30 });
    // b: a single purchase on the last day → x = 0, t_x = 0, T = 0 and no repeat spend.
    expect(b).toEqual({ customerId: 'b', frequency: 0, recency: 0, T: 0, monetary: 0 });
    // c bought only after the calibration end.
    expect(rest).toEqual([]);
  });

  it('measures weeks as days divided by 7, not as calendar weeks', () => {
    const [a] = summarizeCustomers(log, { calibrationEnd: day('2015-01-31'), timeUnit: 'week' });
    expect(a?.recency).toBe(2);
    expect(a?.T).toBeCloseTo(30 / 7, 14);
  });

  it('accepts epoch-day numbers as dates and as the calibration end', () => {
    const asDays = log.map((t) => ({ ...t, date: toEpochDay(t.date) }));
    expect(summarizeCustomers(asDays, { calibrationEnd: toEpochDay(day('2015-01-31')) })).toEqual(
      summarizeCustomers(log, { calibrationEnd: day('2015-01-31') }),
    );
    // 2015-01-01 is day 16,436 of the Unix epoch.
    expect(toEpochDay(day('2015-01-01'))).toBe(16_436);
  });

  it('rejects a transaction with an unusable date or amount', () => {
    expect(() => summarizeCustomers([{ customerId: 'x', date: new Date('nonsense'), amount: 1 }], { calibrationEnd: 0 })).toThrow(
      TesseraError,
    );
    expect(() => summarizeCustomers([{ customerId: 'x', date: 0, amount: Number.NaN }], { calibrationEnd: 0 })).toThrow(TesseraError);
  });
});
