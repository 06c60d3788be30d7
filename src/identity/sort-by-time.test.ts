import { describe, expect, it } from 'vitest';
import { sortByTime } from './sort-by-time.js';

describe('sortByTime', () => {
  it('orders by time like a numeric sort, negatives, fractions and ties included', () => {
    let seed = 1;
    const random = (): number => ((seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647);
    const time = new Float64Array(20_000);
    for (let k = 0; k < time.length; k++) {
      const r = random();
      time[k] = r < 0.1 ? -Math.floor(random() * 1e12) : r < 0.2 ? random() * 10 : r < 0.3 ? 1_700_000_000_000 : Math.floor(1.6e12 + random() * 1e11);
    }
    const order = new Int32Array(time.length).map((_, k) => (k * 7919) % time.length);
    const sorted = sortByTime(order, time);
    expect([...sorted].sort((a, b) => a - b)).toEqual([...order].sort((a, b) => a - b));
    const times = [...sorted].map((k) => time[k]!);
    expect(times).toEqual([...time].sort((a, b) => a - b));
  });

  it('returns a copy and leaves a single time untouched', () => {
    const order = Int32Array.of(2, 0, 1);
    const out = sortByTime(order, Float64Array.of(5, 5, 5));
    expect(out).not.toBe(order);
    expect([...out].sort()).toEqual([0, 1, 2]);
  });
});
