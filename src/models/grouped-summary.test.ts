import { describe, expect, it } from 'vitest';
import { TesseraError } from '../contract/index.js';
import { groupHistories } from './grouped-summary.js';

describe('groupHistories', () => {
  it('collapses identical (x, t_x, T) rows into one weighted row', () => {
    const grouped = groupHistories([
      { frequency: 0, recency: 0, T: 10 },
      { frequency: 2, recency: 4, T: 10 },
      { frequency: 0, recency: 0, T: 10 },
      { frequency: 2, recency: 4, T: 9 },
      { frequency: 2, recency: 4, T: 10 },
      { frequency: 0, recency: -0, T: 10 },
    ]);
    const rows = [...grouped.weight].map((w, i) => [grouped.frequency[i], grouped.recency[i], grouped.T[i], w]);
    expect(rows).toEqual([
      [0, 0, 10, 3],
      [2, 4, 10, 2],
      [2, 4, 9, 1],
    ]);
    expect(grouped.customers).toBe(6);
  });

  it('takes columns as well as rows', () => {
    const grouped = groupHistories({ frequency: [1, 1, 3], recency: [2, 2, 5], T: [6, 6, 6] });
    expect([...grouped.weight]).toEqual([2, 1]);
  });

  it('keeps every customer when 300,000 rows are all distinct', () => {
    const n = 300_000;
    const T = Float64Array.from({ length: n }, (_, i) => 1 + i / n);
    const grouped = groupHistories({ frequency: new Float64Array(n), recency: new Float64Array(n), T });
    expect(grouped.weight.length).toBe(n);
  });

  it('rejects impossible histories', () => {
    expect(() => groupHistories([{ frequency: 1.5, recency: 1, T: 2 }])).toThrow(TesseraError);
    expect(() => groupHistories([{ frequency: -1, recency: 0, T: 2 }])).toThrow(TesseraError);
    expect(() => groupHistories([{ frequency: 1, recency: 3, T: 2 }])).toThrow(TesseraError);
    expect(() => groupHistories([{ frequency: 1, recency: Number.NaN, T: 2 }])).toThrow(TesseraError);
    expect(() => groupHistories({ frequency: [1], recency: [], T: [2] })).toThrow(TesseraError);
  });
});
