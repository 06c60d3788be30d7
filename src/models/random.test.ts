import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: squares / n - mean * mean };
}

describe('createRandom', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(first);
    for (const u of first) expect(u >= 0 && u < 1).toBe(true);
  });

  it('draws gammas with mean kθ and variance kθ², for shapes below and above 1', () => {
    const random = createRandom(1);
    const n = 200_000;
    for (const [shape, scale] of [
      [0.243, 1 / 4.414],
      [3.74, 2],
    ] as const) {
      const { mean, variance } = moments(() => random.gamma(shape, scale), n);
      expect(Math.abs(mean - shape * scale) / (shape * scale)).toBeLessThan(0.02);
      expect(Math.abs(variance - shape * scale * scale) / (shape * scale * scale)).toBeLessThan(0.05);
    }
  });

  it('draws betas with mean a/(a+b) and variance ab/((a+b)²(a+b+1))', () => {
    const random = createRandom(2);
    const [a, b] = [0.793, 2.426];
    const { mean, variance } = moments(() => random.beta(a, b), 200_000);
    expect(mean).toBeCloseTo(a / (a + b), 2);
    expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 3);
  });

  it('draws standard normals and exponentials with the right first two moments', () => {
    const random = createRandom(3);
    const normal = moments(() => random.normal(), 200_000);
    expect(normal.mean).toBeCloseTo(0, 2);
    expect(normal.variance).toBeCloseTo(1, 1);
    const exponential = moments(() => random.exponential(4), 200_000);
    expect(exponential.mean).toBeCloseTo(0.25, 2);
    expect(exponential.variance).toBeCloseTo(0.0625, 2);
  });
});
