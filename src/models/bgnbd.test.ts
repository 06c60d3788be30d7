import { describe, expect, it } from 'vitest';
import type { BgNbdParams } from './beta-geometric.js';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from './bgnbd.js';
import { groupHistories } from './grouped-summary.js';
import { simulateBgNbd } from './simulate.js';
import { expectGradientMatchesDifferences, meanAndError } from './test-helpers.js';

// Fader, Hardie & Lee's CDNOW estimates: a realistic truth for simulations.
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const histories = [
  { frequency: 0, recency: 0, T: 38.86 },
  { frequency: 2, recency: 30.43, T: 38.86 },
  { frequency: 1, recency: 1.71, T: 38.86 },
  { frequency: 7, recency: 29.43, T: 35.5 },
  { frequency: 0, recency: 0, T: 0 },
];

describe('BG/NBD likelihood', () => {
  it('has an analytic gradient that agrees with finite differences', () => {
    for (const at of [PUBLISHED, { r: 1.3, alpha: 0.7, a: 2.5, b: 0.4 }]) {
      const gradient = new Float64Array(4);
      bgNbdLogLikelihood(at, histories, gradient);
      const ll = ([r, alpha, a, b]: readonly number[]) =>
        bgNbdLogLikelihood({ r: r as number, alpha: alpha as number, a: a as number, b: b as number }, histories);
      expectGradientMatchesDifferences(ll, [...gradient], [at.r, at.alpha, at.a, at.b]);
    }
  });

  it('gives a silent customer the likelihood of no Poisson purchase under a gamma rate: (α/(α+T))^r', () => {
    const { r, alpha } = PUBLISHED;
    expect(bgNbdLogLikelihood(PUBLISHED, [{ frequency: 0, recency: 0, T: 20 }])).toBeCloseTo(r * Math.log(alpha / (alpha + 20)), 13);
  });

  it('is the same whether customers come as rows, columns or pre-grouped', () => {
    const fromRows = bgNbdLogLikelihood(PUBLISHED, histories);
    const columns = {
      frequency: histories.map((h) => h.frequency),
      recency: histories.map((h) => h.recency),
      T: histories.map((h) => h.T),
    };
    expect(bgNbdLogLikelihood(PUBLISHED, columns)).toBe(fromRows);
    expect(bgNbdLogLikelihood(PUBLISHED, groupHistories([...histories, ...histories]))).toBeCloseTo(2 * fromRows, 10);
  });
});

describe('BG/NBD predictions', () => {
  it('holds P(alive) at 1 without repeat purchases and below 1 once a customer has gone quiet', () => {
    expect(bgNbdProbabilityAlive(PUBLISHED, { frequency: 0, recency: 0, T: 50 })).toBe(1);
    const quiet = bgNbdProbabilityAlive(PUBLISHED, { frequency: 5, recency: 2, T: 38 });
    const recent = bgNbdProbabilityAlive(PUBLISHED, { frequency: 5, recency: 37, T: 38 });
    expect(quiet).toBeGreaterThan(0);
    expect(quiet).toBeLessThan(recent);
    expect(recent).toBeLessThan(1);
  });

  it('matches the hand formula for P(alive): 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))', () => {
    const { r, alpha, a, b } = PUBLISHED;
    const expected = 1 / (1 + (a / (b + 1)) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2));
    expect(bgNbdProbabilityAlive(PUBLISHED, { frequency: 2, recency: 30.43, T: 38.86 })).toBeCloseTo(expected, 14);
  });

  it('reduces the conditional expectation to E[X(t)] for a customer just acquired', () => {
    const fresh = { frequency: 0, recency: 0, T: 0 };
    for (const t of [1, 10, 52, 200]) {
      expect(bgNbdConditionalExpectedPurchases(PUBLISHED, fresh, t)).toBeCloseTo(bgNbdExpectedPurchases(PUBLISHED, t), 12);
    }
  });

  it('agrees with simulation: E[X(t)], mean P(alive) and mean purchases in a holdout', () => {
    const calibration = 39;
    const holdout = 39;
    const sim = simulateBgNbd(PUBLISHED, { customers: 200_000, seed: 7, T: calibration, holdout });
    const repeat = meanAndError(sim.frequency);
    expect(Math.abs(bgNbdExpectedPurchases(PUBLISHED, calibration) - repeat.mean)).toBeLessThan(4 * repeat.error);

    const alive = meanAndError(sim.alive);
    const future = meanAndError(sim.holdoutPurchases);
    let predictedAlive = 0;
    let predictedFuture = 0;
    for (let i = 0; i < sim.T.length; i++) {
      const history = { frequency: sim.frequency[i] as number, recency: sim.recency[i] as number, T: sim.T[i] as number };
      predictedAlive += bgNbdProbabilityAlive(PUBLISHED, history) / sim.T.length;
      predictedFuture += bgNbdConditionalExpectedPurchases(PUBLISHED, history, holdout) / sim.T.length;
    }
    // Averaged over customers, P(alive | history) is the share alive, and E[Y(t) | history] the mean holdout count.
    expect(Math.abs(predictedAlive - alive.mean)).toBeLessThan(4 * alive.error);
    expect(Math.abs(predictedFuture - future.mean)).toBeLessThan(4 * future.error);
  });
});

describe('fitBgNbd', () => {
  it('recovers known parameters from 5,000 simulated customers within three standard errors', () => {
    const sim = simulateBgNbd(PUBLISHED, { customers: 5000, seed: 2024, T: [26, 39] });
    const fit = fitBgNbd(sim);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(5000);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(fit.standardErrors[key]).toBeGreaterThan(0);
      expect(Math.abs(fit[key] - PUBLISHED[key]), key).toBeLessThan(3 * fit.standardErrors[key]);
    }
  });

  it('reaches a point where the gradient vanishes, from starts far from the optimum', () => {
    const sim = simulateBgNbd({ r: 2, alpha: 30, a: 1.5, b: 6 }, { customers: 3000, seed: 3, T: [100, 365], resolution: 1 });
    const fromDefault = fitBgNbd(sim);
    const fromFar = fitBgNbd(sim, { initial: { r: 0.01, alpha: 1000, a: 20, b: 0.05 } });
    expect(fromDefault.converged).toBe(true);
    expect(fromFar.converged).toBe(true);
    expect(fromFar.logLikelihood).toBeCloseTo(fromDefault.logLikelihood, 6);
    expect(fromFar.r).toBeCloseTo(fromDefault.r, 4);
    const gradient = new Float64Array(4);
    bgNbdLogLikelihood(fromDefault, sim, gradient);
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-3);
  });

  it('shrinks every parameter when penalised, as lifetimes\' penalizer_coef does', () => {
    const sim = simulateBgNbd(PUBLISHED, { customers: 2000, seed: 11, T: [26, 39] });
    const plain = fitBgNbd(sim);
    const penalised = fitBgNbd(sim, { penalizer: 0.1 });
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(penalised[key]).toBeLessThan(plain[key]);
  });
});
