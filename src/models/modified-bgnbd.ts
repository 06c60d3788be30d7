// MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may also drop out right
// after the first purchase, so a long-silent one-time buyer is not assumed alive. Prediction
// formulas as in lifetimes' ModifiedBetaGeoFitter.

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

/** Maximum-likelihood MBG/NBD fit over customers' (x, t_x, T). */
export function fitModifiedBgNbd(
  input: readonly PurchaseHistory[] | PurchaseHistoryColumns | GroupedHistories,
  options: BgNbdFitOptions = {},
): BgNbdFit {
  return fitBetaGeometric('modified', input, options);
}

/** MBG/NBD log-likelihood summed over customers; fills ∂ℓ/∂(r, α, a, b) into `gradient` if given. */
export function modifiedBgNbdLogLikelihood(
  params: BgNbdParams,
  input: readonly PurchaseHistory[] | PurchaseHistoryColumns | GroupedHistories,
  gradient?: Float64Array,
): number {
  const grouped = 'weight' in input ? input : groupHistories(input);
  return evaluateLogLikelihood('modified', params, prepareHistories(grouped), gradient);
}

/** E[X(t)] under MBG/NBD for a customer whose first purchase was at 0. */
export function modifiedBgNbdExpectedPurchases(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return (b / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hypergeometric2F1(r, b + 1, a + b, z));
}

/** P(alive | x, t_x, T) under MBG/NBD; below 1 even for x = 0. */
export function modifiedBgNbdProbabilityAlive(params: BgNbdParams, history: PurchaseHistory): number {
  return probabilityAlive('modified', params, history);
}

/** E[Y(t) | x, t_x, T] under MBG/NBD: expected purchases in the next t time units. */
export function modifiedBgNbdConditionalExpectedPurchases(params: BgNbdParams, history: PurchaseHistory, t: number): number {
  return expectedPurchasesIfAlive('modified', params, history.frequency, history.T, t) * probabilityAlive('modified', params, history);
}
