import { describe, expect, it } from 'vitest';
import type { BgNbdParams } from './beta-geometric.js';
import {
  fitModifiedBgNbd,
  modifiedBgNbdConditionalExpectedPurchases,
  modifiedBgNbdExpectedPurchases,
  modifiedBgNbdLogLikelihood,
  modifiedBgNbdProbabilityAlive,
} from './modified-bgnbd.js';
import { simulateBgNbd } from './simulate.js';
import { expectGradientMatchesDifferences, meanAndError } from './test-helpers.js';

// The MBG/NBD estimates on CDNOW that lifetimes checks against BTYDplus.
const TRUTH: BgNbdParams = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

describe('MBG/NBD likelihood', () => {
  it('has an analytic gradient that agrees with finite differences', () => {
    const histories = [
      { frequency: 0, recency: 0, T: 38.86 },
      { frequency: 2, recency: 30.43, T: 38.86 },
      { frequency: 9, recency: 12, T: 30 },
    ];
    const gradient = new Float64Array(4);
    modifiedBgNbdLogLikelihood(TRUTH, histories, gradient);
    const ll = ([r, alpha, a, b]: readonly number[]) =>
      modifiedBgNbdLogLikelihood({ r: r as number, alpha: alpha as number, a: a as number, b: b as number }, histories);
    expectGradientMatchesDifferences(ll, [...gradient], [TRUTH.r, TRUTH.alpha, TRUTH.a, TRUTH.b]);
  });

  it('lets a silent customer have dropped out at once: likelihood (α/(α+T))^r · (b/(a+b) + a/(a+b) · ((α+T)/α)^r)', () => {
    // x = 0: alive throughout with probability b/(a+b) and no purchase, or gone at time 0 with a/(a+b).
    const { r, alpha, a, b } = TRUTH;
    const T = 20;
    const expected = Math.log((b / (a + b)) * (alpha / (alpha + T)) ** r + a / (a + b));
    expect(modifiedBgNbdLogLikelihood(TRUTH, [{ frequency: 0, recency: 0, T }])).toBeCloseTo(expected, 13);
  });
});

describe('MBG/NBD predictions', () => {
  it('puts P(alive) below 1 even without repeat purchases', () => {
    // At T = 0 nothing has been observed, so P(alive) is the prior b/(a+b) of not dropping at once.
    const { a, b } = TRUTH;
    expect(modifiedBgNbdProbabilityAlive(TRUTH, { frequency: 0, recency: 0, T: 0 })).toBeCloseTo(b / (a + b), 14);
    expect(modifiedBgNbdProbabilityAlive(TRUTH, { frequency: 0, recency: 0, T: 30 })).toBeLessThan(b / (a + b));
  });

  it('agrees with simulation: E[X(t)], mean P(alive) and mean purchases in a holdout', () => {
    const sim = simulateBgNbd(TRUTH, { customers: 200_000, seed: 8, T: 39, holdout: 39, modified: true });
    const repeat = meanAndError(sim.frequency);
    expect(Math.abs(modifiedBgNbdExpectedPurchases(TRUTH, 39) - repeat.mean)).toBeLessThan(4 * repeat.error);
    const alive = meanAndError(sim.alive);
    const future = meanAndError(sim.holdoutPurchases);
    let predictedAlive = 0;
    let predictedFuture = 0;
    for (let i = 0; i < sim.T.length; i++) {
      const history = { frequency: sim.frequency[i] as number, recency: sim.recency[i] as number, T: sim.T[i] as number };
      predictedAlive += modifiedBgNbdProbabilityAlive(TRUTH, history) / sim.T.length;
      predictedFuture += modifiedBgNbdConditionalExpectedPurchases(TRUTH, history, 39) / sim.T.length;
    }
    expect(Math.abs(predictedAlive - alive.mean)).toBeLessThan(4 * alive.error);
    expect(Math.abs(predictedFuture - future.mean)).toBeLessThan(4 * future.error);
  });
});

describe('fitModifiedBgNbd', () => {
  it('recovers known parameters from 5,000 simulated customers within three standard errors', () => {
    const fit = fitModifiedBgNbd(simulateBgNbd(TRUTH, { customers: 5000, seed: 99, T: [26, 39], modified: true }));
    expect(fit.converged).toBe(true);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit[key] - TRUTH[key]), key).toBeLessThan(3 * fit.standardErrors[key]);
    }
  });
});
