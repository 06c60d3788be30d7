import { describe, expect, it } from 'vitest';
import { digamma, hypergeometric2F1, logAddExp, logBeta, logGamma, logSumExp } from './special-functions.js';

const EULER_GAMMA = 0.5772156649015329;

/** ln((n − 1)!) summed term by term: an independent route to ln Γ(n). */
function logFactorial(n: number): number {
  let sum = 0;
  for (let k = 2; k <= n; k++) sum += Math.log(k);
  return sum;
}

describe('logGamma', () => {
  it('matches closed forms: Γ(1/2) = √π, Γ(3/2) = √π/2, Γ(1) = Γ(2) = 1', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 14);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-14);
  });

  it('matches ln((n − 1)!) for whole numbers up to 170', () => {
    for (const n of [3, 5, 9, 10, 11, 20, 50, 100, 170]) {
      expect(Math.abs(logGamma(n) - logFactorial(n - 1))).toBeLessThan(1e-13 * Math.max(1, logFactorial(n - 1)));
    }
  });

  it('matches 30-digit reference values across the range', () => {
    // mpmath.loggamma at 30 digits.
    const reference: [number, number][] = [
      [1e-8, 18.420680738180208884],
      [0.1, 2.252712651734205902],
      [0.25, 1.2880225246980774574],
      [2.5, 0.28468287047291915963],
      [3.7, 1.4280723266653881292],
      [7.5, 7.5343642367587329552],
      [9.999, 12.799575780077413715],
      [12.3, 18.238983407092243696],
      [1234.5, 7550.5509010778948957],
      [1e6, 12815504.56914761166],
      [1e10, 220258509288.81058147],
    ];
    for (const [x, value] of reference) expect(Math.abs(logGamma(x) - value)).toBeLessThan(1e-13 * Math.max(1, Math.abs(value)));
  });

  it('returns NaN outside its domain', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
    expect(logGamma(Number.NaN)).toBeNaN();
  });
});

describe('digamma', () => {
  it('matches closed forms: ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(n) = H(n−1) − γ', () => {
    expect(digamma(1)).toBeCloseTo(-EULER_GAMMA, 14);
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.LN2, 14);
    let harmonic = 0;
    for (let n = 2; n <= 40; n++) {
      harmonic += 1 / (n - 1);
      expect(digamma(n)).toBeCloseTo(harmonic - EULER_GAMMA, 13);
    }
  });

  it('is the derivative of logGamma', () => {
    for (const x of [0.05, 0.3, 1.7, 4.2, 9.5, 10.5, 33, 400]) {
      const h = 1e-5 * Math.max(1, x);
      const numeric = (logGamma(x + h) - logGamma(x - h)) / (2 * h);
      expect(Math.abs(digamma(x) - numeric)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)));
    }
  });
});

describe('logBeta', () => {
  it('gives B(2, 3) = 1/12 and B(1/2, 1/2) = π', () => {
    expect(logBeta(2, 3)).toBeCloseTo(-Math.log(12), 14);
    expect(logBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
  });
});

describe('log-sum-exp helpers', () => {
  it('adds in log space without overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-1000, -1001)).toBeCloseTo(-1000 + Math.log1p(Math.exp(-1)), 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3);
    expect(logSumExp([Math.log(1), Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(6), 14);
    expect(logSumExp([800, 800, 800])).toBeCloseTo(800 + Math.log(3), 12);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('hypergeometric2F1', () => {
  it('matches closed forms inside the unit disc', () => {
    for (const z of [-0.9, -0.3, 0.1, 0.5, 0.9, 0.99]) {
      // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z
      expect(hypergeometric2F1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 12);
      // ₂F₁(a, b; b; z) = (1 − z)^−a
      expect(hypergeometric2F1(0.7, 2.3, 2.3, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 11);
    }
    // ₂F₁(1/2, 1/2; 3/2; z²) = arcsin(z) / z
    for (const z of [0.2, 0.6, 0.95]) expect(hypergeometric2F1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 12);
  });

  it('terminates for a negative integer parameter: ₂F₁(−2, b; c; z) is a quadratic', () => {
    // 1 − 2bz/c + b(b+1)z²/(c(c+1))
    const [b, c, z] = [1.5, 2.5, 0.4];
    expect(hypergeometric2F1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 14);
  });

  it('refuses arguments outside the unit disc', () => {
    expect(hypergeometric2F1(1, 1, 2, 1)).toBeNaN();
    expect(hypergeometric2F1(1, 1, -2, 0.5)).toBeNaN();
  });
});
