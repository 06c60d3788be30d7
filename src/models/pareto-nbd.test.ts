import { describe, expect, it } from 'vitest';
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
} from './pareto-nbd.js';
import { simulateParetoNbd } from './simulate.js';
import { logGamma } from './special-functions.js';
import { expectGradientMatchesDifferences, meanAndError } from './test-helpers.js';

// Pareto/NBD estimates on CDNOW as published by Fader, Hardie & Lee (2005).
const PUBLISHED: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

const histories = [
  { frequency: 0, recency: 0, T: 38.86 },
  { frequency: 2, recency: 30.43, T: 38.86 },
  { frequency: 7, recency: 29.43, T: 35.5 },
  { frequency: 3, recency: 20, T: 20 },
];

/**
 * The likelihood straight from its definition, the dropout integral by composite Simpson's rule
 * on τ = t_x + (T − t_x)u³, which packs nodes towards t_x where the integrand peaks.
 */
function likelihoodByQuadrature(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const f = (tau: number) => (p.alpha + tau) ** -(p.r + x) * (p.beta + tau) ** -(p.s + 1);
  const g = (u: number) => f(tx + (T - tx) * u ** 3) * 3 * (T - tx) * u * u;
  const steps = 20_000;
  const h = 1 / steps;
  let integral = g(0) + g(1);
  for (let i = 1; i < steps; i++) integral += (i % 2 === 1 ? 4 : 2) * g(i * h);
  integral *= h / 3;
  const alive = (p.alpha + T) ** -(p.r + x) * (p.beta + T) ** -p.s;
  return logGamma(p.r + x) - logGamma(p.r) + p.r * Math.log(p.alpha) + p.s * Math.log(p.beta) + Math.log(alive + p.s * integral);
}

describe('Pareto/NBD likelihood', () => {
  // Besides the published values: α > β, α < β, and scales 2,000-fold apart either way, where the
  // dropout integral leaves its series for quadrature.
  const awkward: ParetoNbdParams[] = [
    { r: 0.8, alpha: 25, s: 1.7, beta: 2 },
    { r: 2.5, alpha: 0.5, s: 0.3, beta: 40 },
    { r: 0.8, alpha: 2000, s: 1.2, beta: 1 },
    { r: 0.4, alpha: 0.02, s: 0.9, beta: 40 },
  ];

  it('equals the definition with the dropout integral done by quadrature, whichever rate scale is larger', () => {
    for (const p of [PUBLISHED, ...awkward]) {
      for (const h of histories) {
        expect(paretoNbdLogLikelihood(p, [h])).toBeCloseTo(likelihoodByQuadrature(p, h.frequency, h.recency, h.T), 9);
      }
    }
  });

  it('has an analytic gradient that agrees with finite differences on both sides of α = β', () => {
    for (const at of [PUBLISHED, ...awkward]) {
      const gradient = new Float64Array(4);
      paretoNbdLogLikelihood(at, histories, gradient);
      const ll = ([r, alpha, s, beta]: readonly number[]) =>
        paretoNbdLogLikelihood({ r: r as number, alpha: alpha as number, s: s as number, beta: beta as number }, histories);
      expectGradientMatchesDifferences(ll, [...gradient], [at.r, at.alpha, at.s, at.beta]);
    }
  });

  it('does not jump where the dropout integral switches from series to quadrature', () => {
    // z = (α − β)/α crosses 0.9 at β = 1 when α = 10 and t_x = 0.
    const below = paretoNbdLogLikelihood({ r: 0.7, alpha: 10, s: 0.8, beta: 1 + 1e-9 }, histories);
    const above = paretoNbdLogLikelihood({ r: 0.7, alpha: 10, s: 0.8, beta: 1 - 1e-9 }, histories);
    expect(Math.abs(below - above)).toBeLessThan(1e-10 * Math.abs(below));
  });

  it('stays accurate where the textbook ₂F₁ form overflows: hundreds of purchases at a high rate', () => {
    // lifetimes' test_overflow_error case; references by mpmath.quad at 40 digits on a grid packed
    // towards t_x, where the integrand falls by e^−600 within a few weeks. The values are
    // positive because the likelihood is a density in t_x and these customers' rates are huge.
    const p = { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 };
    const cases: [number, number, number, number][] = [
      [400, 5, 6, 1323.188930967817878],
      [500, 1, 37, 2594.404454622756675],
      [500, 4, 37, 1888.821249738940758],
    ];
    for (const [frequency, recency, T, reference] of cases) {
      const ll = paretoNbdLogLikelihood(p, [{ frequency, recency, T }]);
      expect(Math.abs(ll - reference) / reference).toBeLessThan(1e-12);
    }
    const extreme = cases.map(([frequency, recency, T]) => ({ frequency, recency, T }));
    const gradient = new Float64Array(4);
    paretoNbdLogLikelihood(p, extreme, gradient);
    const ll = ([r, alpha, s, beta]: readonly number[]) =>
      paretoNbdLogLikelihood({ r: r as number, alpha: alpha as number, s: s as number, beta: beta as number }, extreme);
    expectGradientMatchesDifferences(ll, [...gradient], [p.r, p.alpha, p.s, p.beta]);
  });
});

describe('Pareto/NBD predictions', () => {
  it('is sure a customer who bought at the very end is alive, and less sure the longer they are silent', () => {
    expect(paretoNbdProbabilityAlive(PUBLISHED, { frequency: 3, recency: 20, T: 20 })).toBe(1);
    const soon = paretoNbdProbabilityAlive(PUBLISHED, { frequency: 3, recency: 18, T: 20 });
    const late = paretoNbdProbabilityAlive(PUBLISHED, { frequency: 3, recency: 2, T: 20 });
    expect(late).toBeLessThan(soon);
    expect(soon).toBeLessThan(1);
  });

  it('gives E[X(t)] = rβ/(α(s−1)) · (1 − (β/(β+t))^(s−1))', () => {
    const { r, alpha, s, beta } = PUBLISHED;
    expect(paretoNbdExpectedPurchases(PUBLISHED, 52)).toBeCloseTo(((r * beta) / (alpha * (s - 1))) * (1 - (beta / (beta + 52)) ** (s - 1)), 13);
    // At s = 1 the limit is (rβ/α) ln(1 + t/β).
    expect(paretoNbdExpectedPurchases({ ...PUBLISHED, s: 1 }, 52)).toBeCloseTo(((r * beta) / alpha) * Math.log(1 + 52 / beta), 13);
  });

  it('agrees with simulation: E[X(t)], mean P(alive) and mean purchases in a holdout', () => {
    const sim = simulateParetoNbd(PUBLISHED, { customers: 200_000, seed: 12, T: 39, holdout: 39 });
    const repeat = meanAndError(sim.frequency);
    expect(Math.abs(paretoNbdExpectedPurchases(PUBLISHED, 39) - repeat.mean)).toBeLessThan(4 * repeat.error);
    const alive = meanAndError(sim.alive);
    const future = meanAndError(sim.holdoutPurchases);
    let predictedAlive = 0;
    let predictedFuture = 0;
    for (let i = 0; i < sim.T.length; i++) {
      const history = { frequency: sim.frequency[i] as number, recency: sim.recency[i] as number, T: sim.T[i] as number };
      predictedAlive += paretoNbdProbabilityAlive(PUBLISHED, history) / sim.T.length;
      predictedFuture += paretoNbdConditionalExpectedPurchases(PUBLISHED, history, 39) / sim.T.length;
    }
    expect(Math.abs(predictedAlive - alive.mean)).toBeLessThan(4 * alive.error);
    expect(Math.abs(predictedFuture - future.mean)).toBeLessThan(4 * future.error);
  });
});

describe('fitParetoNbd', () => {
  it('recovers known parameters from 5,000 simulated customers within three standard errors', () => {
    const truth = { r: 0.9, alpha: 8, s: 0.7, beta: 14 };
    const fit = fitParetoNbd(simulateParetoNbd(truth, { customers: 5000, seed: 21, T: [26, 39] }));
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 's', 'beta'] as const) {
      expect(Math.abs(fit[key] - truth[key]), key).toBeLessThan(3 * fit.standardErrors[key]);
    }
  });
});
