import { describe, expect, it } from 'vitest';
import { createRng, hashSeed } from './random.js';

function draws(seed: number, stream: string, n: number): number[] {
  const rng = createRng(seed, stream);
  return Array.from({ length: n }, () => rng.uint32());
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('seeded random numbers', () => {
  it('repeats the same stream for the same seed and stream name', () => {
    expect(draws(7, 'life', 50)).toEqual(draws(7, 'life', 50));
  });

  it('gives unrelated streams to different seeds and different stream names', () => {
    expect(draws(7, 'life', 50)).not.toEqual(draws(8, 'life', 50));
    expect(draws(7, 'life', 50)).not.toEqual(draws(7, 'plan', 50));
    expect(hashSeed('a', 1)).not.toBe(hashSeed('a1'));
  });

  it('draws uniform numbers in [0, 1) and integers within their bounds', () => {
    const rng = createRng(1, 'uniform');
    const uniforms = Array.from({ length: 10_000 }, () => rng.next());
    const ints = new Set(Array.from({ length: 1000 }, () => rng.int(3, 5)));
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniforms)).toBeLessThan(1);
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });

  it('draws gamma, beta, poisson and geometric variates with the requested means', () => {
    const rng = createRng(2, 'moments');
    const n = 40_000;
    expect(mean(Array.from({ length: n }, () => rng.gamma(0.55, 1 / 50)))).toBeCloseTo(0.55 / 50, 3);
    expect(mean(Array.from({ length: n }, () => rng.gamma(3, 2)))).toBeCloseTo(6, 0);
    expect(mean(Array.from({ length: n }, () => rng.beta(0.9, 2.1)))).toBeCloseTo(0.3, 1);
    expect(mean(Array.from({ length: n }, () => rng.poisson(2.5)))).toBeCloseTo(2.5, 1);
    expect(mean(Array.from({ length: n }, () => rng.geometric(1.5)))).toBeCloseTo(1.5, 1);
  });

  it('picks weighted values in proportion to their weights', () => {
    const rng = createRng(3, 'weights');
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 20_000; i++) counts[rng.weighted([['a', 1], ['b', 3]] as const)]++;
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });
});
