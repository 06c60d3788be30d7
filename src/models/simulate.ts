// Synthetic customers drawn from the models' own generative stories: the ground truth for
// parameter-recovery tests and the load for benchmarks.

import type { BgNbdParams } from './beta-geometric.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import type { ParetoNbdParams } from './pareto-nbd.js';
import { createRandom, type Random } from './random.js';

export interface SimulationOptions {
  readonly customers: number;
  readonly seed: number;
  /** Observation length T of each customer: one value, or [min, max] drawn uniformly. */
  readonly T: number | readonly [number, number];
  /** Round times up to multiples of this (e.g. 1/7 for days when T is in weeks); 0 keeps them exact. */
  readonly resolution?: number;
  /** Simulate MBG/NBD instead: dropout is possible right after the first purchase too. */
  readonly modified?: boolean;
  /** Also follow each customer this long past T, recording who was alive at T and later purchases. */
  readonly holdout?: number;
}

export interface SimulatedHistories {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  /** 1 if the customer was still alive at T (the truth P(alive) estimates). */
  readonly alive: Uint8Array;
  /** Purchases in (T, T + holdout]; zeros without a holdout. */
  readonly holdoutPurchases: Float64Array;
}

/** One simulated customer: repeat purchases and the last one's time in (0, T], alive at T, purchases after T. */
interface CustomerDraw {
  x: number;
  last: number;
  alive: boolean;
  future: number;
}

/**
 * Draws every customer's observation length and runs a model's generative story for each; the
 * story sees the horizon T, how times are snapped to the resolution, and the holdout length.
 */
function simulateCustomers(
  options: Omit<SimulationOptions, 'modified'>,
  story: (random: Random, horizon: number, snap: (t: number) => number, holdout: number) => CustomerDraw,
): SimulatedHistories {
  const random = createRandom(options.seed);
  const n = options.customers;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  const alive = new Uint8Array(n);
  const holdoutPurchases = new Float64Array(n);
  const holdout = options.holdout ?? 0;
  const [tMin, tMax] = typeof options.T === 'number' ? [options.T, options.T] : options.T;
  const resolution = options.resolution ?? 0;
  const snap = (t: number): number => (resolution > 0 ? Math.ceil(t / resolution) * resolution : t);
  for (let i = 0; i < n; i++) {
    const horizon = snap(tMin + (tMax - tMin) * random.uniform());
    const draw = story(random, horizon, snap, holdout);
    frequency[i] = draw.x;
    recency[i] = draw.last;
    T[i] = horizon;
    alive[i] = draw.alive ? 1 : 0;
    holdoutPurchases[i] = draw.future;
  }
  return { frequency, recency, T, alive, holdoutPurchases };
}

/** Draws (x, t_x, T) for customers following BG/NBD (or MBG/NBD) with the given parameters. */
export function simulateBgNbd(params: BgNbdParams, options: SimulationOptions): SimulatedHistories {
  return simulateCustomers(options, (random, horizon, snap, holdout) => {
    const lambda = random.gamma(params.r, 1 / params.alpha);
    const p = random.beta(params.a, params.b);
    let alive = options.modified ? random.uniform() >= p : true;
    let x = 0;
    let last = 0;
    let t = 0;
    while (alive) {
      t += random.exponential(lambda);
      const observed = snap(t);
      if (observed > horizon) break;
      x++;
      last = observed;
      alive = random.uniform() >= p;
    }
    const aliveAtT = alive;
    // t now holds the first purchase after T of a customer still alive.
    let future = 0;
    while (alive && holdout > 0 && t <= horizon + holdout) {
      future++;
      alive = random.uniform() >= p;
      t += random.exponential(lambda);
    }
    return { x, last, alive: aliveAtT, future };
  });
}

/** Options of `simulateParetoNbd`: as for BG/NBD, without the MBG/NBD switch. */
export type ParetoSimulationOptions = Omit<SimulationOptions, 'modified'>;

/** Draws (x, t_x, T) for customers following Pareto/NBD: Poisson purchases until an exponential lifetime ends. */
export function simulateParetoNbd(params: ParetoNbdParams, options: ParetoSimulationOptions): SimulatedHistories {
  return simulateCustomers(options, (random, horizon, snap, holdout) => {
    const lambda = random.gamma(params.r, 1 / params.alpha);
    const mu = random.gamma(params.s, 1 / params.beta);
    const death = random.exponential(mu);
    let x = 0;
    let last = 0;
    let future = 0;
    for (let t = random.exponential(lambda); t < death && t <= horizon + holdout; t += random.exponential(lambda)) {
      const observed = snap(t);
      if (observed <= horizon) {
        x++;
        last = observed;
      } else {
        future++;
      }
    }
    return { x, last, alive: death > horizon, future };
  });
}

/**
 * Draws each customer's mean repeat spend under Gamma-Gamma: ν ~ Gamma(q, scale 1/v), and the
 * mean of x Gamma(p, scale 1/ν) values is Gamma(px, scale 1/(xν)). 0 for x = 0.
 */
export function simulateSpend(params: GammaGammaParams, frequency: ArrayLike<number>, seed: number): Float64Array {
  const random = createRandom(seed);
  const monetary = new Float64Array(frequency.length);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i] as number;
    const nu = random.gamma(params.q, 1 / params.v);
    monetary[i] = x > 0 ? random.gamma(params.p * x, 1 / (x * nu)) : 0;
  }
  return monetary;
}
