import { describe, expect, it } from 'vitest';
import { TesseraError } from '../contract/index.js';
import { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaLogLikelihood, type GammaGammaParams } from './gamma-gamma.js';
import { simulateBgNbd, simulateSpend } from './simulate.js';
import { expectGradientMatchesDifferences } from './test-helpers.js';

// Fader & Hardie's CDNOW estimates.
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma likelihood', () => {
  const spend = [
    { frequency: 1, monetary: 12.5 },
    { frequency: 3, monetary: 40 },
    { frequency: 3, monetary: 22 },
    { frequency: 10, monetary: 31.2 },
  ];

  it('has an analytic gradient that agrees with finite differences', () => {
    const gradient = new Float64Array(3);
    gammaGammaLogLikelihood(PUBLISHED, spend, gradient);
    const ll = ([p, q, v]: readonly number[]) => gammaGammaLogLikelihood({ p: p as number, q: q as number, v: v as number }, spend);
    expectGradientMatchesDifferences(ll, [...gradient], [PUBLISHED.p, PUBLISHED.q, PUBLISHED.v]);
  });

  it('for one purchase is the density of a Gamma(p, ν) value with ν ~ Gamma(q, v): a beta-prime law', () => {
    // ∫ Gamma(m; p, ν) Gamma(ν; q, v) dν = m^(p−1) v^q / (B(p, q) (m + v)^(p+q)).
    const { p, q, v } = { p: 2, q: 3, v: 4 };
    const m = 5;
    // B(2, 3) = 1/12, so the density is 12 · 5 · 64 / 9^5.
    const density = (12 * m * 64) / 9 ** 5;
    expect(gammaGammaLogLikelihood({ p, q, v }, [{ frequency: 1, monetary: m }])).toBeCloseTo(Math.log(density), 13);
  });

  it('ignores customers without repeat purchases', () => {
    expect(gammaGammaLogLikelihood(PUBLISHED, [...spend, { frequency: 0, monetary: 0 }])).toBe(gammaGammaLogLikelihood(PUBLISHED, spend));
  });
});

describe('fitGammaGamma', () => {
  it('recovers known parameters from simulated spend within three standard errors', () => {
    const purchases = simulateBgNbd({ r: 1.2, alpha: 8, a: 0.8, b: 2.5 }, { customers: 8000, seed: 5, T: [26, 39] });
    const monetary = simulateSpend(PUBLISHED, purchases.frequency, 6);
    const rows = Array.from(purchases.frequency, (frequency, i) => ({ frequency, monetary: monetary[i] as number }));
    const fit = fitGammaGamma(rows);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(rows.filter((r) => r.frequency > 0).length);
    for (const key of ['p', 'q', 'v'] as const) {
      expect(Math.abs(fit[key] - PUBLISHED[key]), key).toBeLessThan(3 * fit.standardErrors[key]);
    }
  });

  it('leaves out repeat customers whose mean spend is not positive, and counts them', () => {
    const fit = fitGammaGamma([
      { frequency: 2, monetary: 10 },
      { frequency: 1, monetary: 30 },
      { frequency: 4, monetary: 18 },
      { frequency: 3, monetary: 25 },
      { frequency: 1, monetary: 0 },
      { frequency: 2, monetary: -5 },
    ]);
    expect(fit.customers).toBe(4);
    expect(fit.excluded).toBe(2);
  });

  it('refuses data without any repeat purchase', () => {
    expect(() => fitGammaGamma([{ frequency: 0, monetary: 0 }])).toThrow(TesseraError);
  });
});

describe('gammaGammaExpectedSpend', () => {
  it('blends own mean and population mean by px/(px+q−1)', () => {
    // p = 6, q = 4, v = 15: population mean 6·15/3 = 30; x = 2 → weight 12/15 = 0.8;
    // m = 20 → 0.2·30 + 0.8·20 = 22.
    expect(gammaGammaExpectedSpend({ p: 6, q: 4, v: 15 }, { frequency: 2, monetary: 20 })).toBeCloseTo(22, 13);
    expect(gammaGammaExpectedSpend({ p: 6, q: 4, v: 15 }, { frequency: 0, monetary: 0 })).toBeCloseTo(30, 13);
  });
});
