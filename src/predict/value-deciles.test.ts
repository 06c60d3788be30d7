import { describe, expect, it } from 'vitest';
import { assignDeciles, decileCuts } from './value-deciles.js';

describe('CLV deciles', () => {
  it('cuts at the 0.1 … 0.9 quantiles with linear interpolation', () => {
    // 11 values 0…100: the k-th cut is exactly 10k.
    expect(decileCuts([100, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90])).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // 0, 1, 2, 3: h = 3 × 0.5 = 1.5 between 1 and 2.
    expect(decileCuts([3, 2, 1, 0])[4]).toBeCloseTo(1.5, 12);
  });

  it('gives 1 + the number of cut points strictly below each value, 10 to the highest', () => {
    // Sorted: 0 10 11 20 30 40 50 55 90 95 100; with 11 values the k-th cut is the k-th of them
    // (from 0): 10 11 20 30 40 50 55 90 95. So 10 has no cut below it, 55 has six, 100 all nine.
    expect(Array.from(assignDeciles([0, 10, 11, 55, 90, 95, 100, 20, 30, 40, 50]))).toEqual([1, 1, 2, 7, 8, 9, 10, 3, 4, 5, 6]);
  });

  it('lets equal values share a decile, so many identical one-time buyers never split', () => {
    // Cuts: 5 seven times, 5.4 (h = 7.2) and 7.2 (h = 8.1).
    const values = [...Array<number>(8).fill(5), 7, 9];
    expect(Array.from(assignDeciles(values))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 9, 10]);
  });

  it('has no cuts and no deciles for no customers', () => {
    expect(decileCuts([])).toEqual([]);
    expect(assignDeciles([])).toHaveLength(0);
  });
});
