import { describe, expect, it } from 'vitest';
import { integrateAdaptive } from './quadrature.js';

describe('integrateAdaptive', () => {
  it('integrates polynomials of degree 22 exactly in one panel', () => {
    // ∫_0^2 y^22 dy = 2^23 / 23
    const result = integrateAdaptive((y, out) => (out[0] = y ** 22), [0, 2], 1);
    expect(result[0]).toBeCloseTo(2 ** 23 / 23, 8);
  });

  it('handles a sharp peak bracketed by a breakpoint, and several components at once', () => {
    // ∫_0^1 1000 e^(−1000y) dy = 1 − e^−1000; ∫_0^1 √y dy = 2/3; ∫_0^π sin = 2.
    const result = integrateAdaptive(
      (y, out) => {
        out[0] = 1000 * Math.exp(-1000 * y);
        out[1] = Math.sqrt(y);
      },
      [0, 0.01, 1],
      2,
    );
    expect(result[0]).toBeCloseTo(1, 12);
    expect(result[1]).toBeCloseTo(2 / 3, 12);
    expect(integrateAdaptive((y, out) => (out[0] = Math.sin(y)), [0, Math.PI], 1)[0]).toBeCloseTo(2, 13);
  });
});
