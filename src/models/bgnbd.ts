// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
// customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat purchase they
// drop out with probability p ~ Beta(a, b).

import {
  evaluateLogLikelihood,
  expectedPurchasesIfAlive,
  fitBetaGeometric,
  probabilityAlive,
  type BgNbdFit,
  type BgNbdFitOptions,
  type BgNbdParams,
} from './beta-geometric.js';
import { groupHistories, prepareHistories, type GroupedHistories, type PurchaseHistory, type PurchaseHistoryColumns } from './grouped-summary.js';
import { hypergeometric2F1 } from './special-functions.js';

/** Maximum-likelihood BG/NBD fit over customers' (x, t_x, T). */
export function fitBgNbd(
  input: readonly PurchaseHistory[] | PurchaseHistoryColumns | GroupedHistories,
  options: BgNbdFitOptions = {},
): BgNbdFit {
  return fitBetaGeometric('bgnbd', input, options);
}

/** BG/NBD log-likelihood summed over customers; fills ∂ℓ/∂(r, α, a, b) into `gradient` if given. */
export function bgNbdLogLikelihood(
  params: BgNbdParams,
  input: readonly PurchaseHistory[] | PurchaseHistoryColumns | GroupedHistories,
  gradient?: Float64Array,
): number {
  const grouped = 'weight' in input ? input : groupHistories(input);
  return evaluateLogLikelihood('bgnbd', params, prepareHistories(grouped), gradient);
}

/** E[X(t)]: expected repeat purchases in (0, t] of a customer whose first purchase was at 0. */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hypergeometric2F1(r, b, a + b - 1, z));
}

/** P(alive | x, t_x, T) (Fader, Hardie & Lee's note on P(alive)); 1 when x = 0, as no dropout is possible yet. */
export function bgNbdProbabilityAlive(params: BgNbdParams, history: PurchaseHistory): number {
  return probabilityAlive('bgnbd', params, history);
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units. */
export function bgNbdConditionalExpectedPurchases(params: BgNbdParams, history: PurchaseHistory, t: number): number {
  return expectedPurchasesIfAlive('bgnbd', params, history.frequency, history.T, t) * probabilityAlive('bgnbd', params, history);
}
