// Shared checks of the model tests; not exported from index.ts.

import { expect } from 'vitest';

/**
 * Compares an analytic gradient with central differences of the function, relative to the
 * gradient's size; the step is relative to each coordinate so small parameters are probed finely.
 */
export function expectGradientMatchesDifferences(
  f: (x: readonly number[]) => number,
  analytic: readonly number[],
  at: readonly number[],
  tolerance = 1e-6,
): void {
  at.forEach((value, i) => {
    const h = 1e-6 * Math.max(Math.abs(value), 1e-3);
    const plus = [...at];
    const minus = [...at];
    plus[i] = value + h;
    minus[i] = value - h;
    const numeric = (f(plus) - f(minus)) / (2 * h);
    const scale = Math.max(1, Math.abs(numeric));
    expect(Math.abs((analytic[i] as number) - numeric) / scale, `component ${i}`).toBeLessThan(tolerance);
  });
}

/** Mean and standard error of the mean. */
export function meanAndError(values: ArrayLike<number>): { mean: number; error: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2;
  return { mean, error: Math.sqrt(squares / (n - 1) / n) };
}
