// Likelihood and fitting shared by BG/NBD (Fader, Hardie & Lee 2005) and its modification
// MBG/NBD (Batislam, Denizel & Filiztekin 2007). They differ only in whether a customer may
// drop out at the first purchase, which shifts the beta-geometric terms by one; one kernel with
// that offset keeps the two from drifting apart.

import { TesseraError } from '../contract/index.js';
import {
  groupHistories,
  prepareHistories,
  type GroupedHistories,
  type PreparedHistories,
  type PurchaseHistory,
  type PurchaseHistoryColumns,
} from './grouped-summary.js';
import { minimizeBfgs } from './optimizer.js';
import { digamma, hypergeometric2F1, logGamma } from './special-functions.js';
import { logScaleStandardErrors } from './standard-errors.js';

/** Purchase-rate heterogeneity Gamma(r, α) and dropout heterogeneity Beta(a, b). */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface BgNbdFit extends BgNbdParams {
  /** Maximised log-likelihood, summed over customers. */
  readonly logLikelihood: number;
  /** Asymptotic standard errors from the observed information (NaN if it is singular). */
  readonly standardErrors: BgNbdParams;
  readonly iterations: number;
  readonly converged: boolean;
  /** Customers fitted, and the distinct (x, t_x, T) rows they collapsed to. */
  readonly customers: number;
  readonly groups: number;
}

export interface BgNbdFitOptions {
  /** Starting point; defaults to r = a = b = 1 and α = max(T) / 10. */
  readonly initial?: Partial<BgNbdParams>;
  /** L2 penalty on the parameters added to the mean negative log-likelihood, as lifetimes' penalizer_coef. */
  readonly penalizer?: number;
  readonly maxIterations?: number;
}

/** 'bgnbd': dropout only after repeat purchases; 'modified': also right after the first. */
export type BetaGeometricVariant = 'bgnbd' | 'modified';

/**
 * Log-likelihood summed over customers; when `gradient` is given, writes ∂ℓ/∂(r, α, a, b) into it.
 * Per customer, ℓ = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+k) − ln B(a, b)
 *                 + ln[(α+T)^−(r+x) + [x>0 or k=1] · a/(b+x−1+k) · (α+t_x)^−(r+x)],
 * with k = 0 for BG/NBD and 1 for MBG/NBD; the bracket is summed in log space.
 */
export function evaluateLogLikelihood(
  variant: BetaGeometricVariant,
  params: BgNbdParams,
  data: PreparedHistories,
  gradient?: Float64Array,
): number {
  const { r, alpha, a, b } = params;
  const k = variant === 'modified' ? 1 : 0;
  const { xs, xWeights, times } = data;

  // Terms that depend on the customer only through x: once per distinct x.
  const nx = xs.length;
  const logBx = new Float64Array(nx);
  let total = 0;
  let customers = 0;
  let gr = 0;
  let ga = 0;
  let gb = 0;
  const logAlpha = Math.log(alpha);
  for (let i = 0; i < nx; i++) {
    const x = xs[i] as number;
    const w = xWeights[i] as number;
    customers += w;
    total += w * (logGamma(r + x) + logGamma(b + x + k) - logGamma(a + b + x + k));
    logBx[i] = Math.log(b + x - 1 + k);
    if (gradient) {
      gr += w * digamma(r + x);
      ga -= w * digamma(a + b + x + k);
      gb += w * (digamma(b + x + k) - digamma(a + b + x + k));
    }
  }
  total += customers * (-logGamma(r) + r * logAlpha + logGamma(a + b) - logGamma(b));
  if (gradient) {
    const psiAB = digamma(a + b);
    gr += customers * (logAlpha - digamma(r));
    ga += customers * psiAB;
    gb += customers * (psiAB - digamma(b));
  }
  let galpha = (customers * r) / alpha;

  const nt = times.length;
  const logShifted = new Float64Array(nt);
  const invShifted = new Float64Array(nt);
  for (let i = 0; i < nt; i++) {
    const v = alpha + (times[i] as number);
    logShifted[i] = Math.log(v);
    invShifted[i] = 1 / v;
  }

  const { frequency, weight } = data.grouped;
  const { xIndex, recencyIndex, tIndex } = data;
  const logA = Math.log(a);
  const g = frequency.length;
  let sumBracket = 0;
  for (let i = 0; i < g; i++) {
    const x = frequency[i] as number;
    const w = weight[i] as number;
    const ti = tIndex[i] as number;
    const lT = logShifted[ti] as number;
    const rx = r + x;
    if (x === 0 && k === 0) {
      sumBracket -= w * rx * lT;
      if (gradient) {
        gr -= w * lT;
        galpha -= w * rx * (invShifted[ti] as number);
      }
      continue;
    }
    const ri = recencyIndex[i] as number;
    const lR = logShifted[ri] as number;
    const xi = xIndex[i] as number;
    // d = ln(A4 / A3); the bracket is A3 · (1 + e^d), and w4 = e^d / (1 + e^d) is the share of A4.
    const d = logA - (logBx[xi] as number) + rx * (lT - lR);
    let log1pExp: number;
    let w4: number;
    if (d > 0) {
      const e = Math.exp(-d);
      log1pExp = d + Math.log1p(e);
      w4 = 1 / (1 + e);
    } else {
      const e = Math.exp(d);
      log1pExp = Math.log1p(e);
      w4 = e / (1 + e);
    }
    sumBracket += w * (log1pExp - rx * lT);
    if (gradient) {
      const w3 = 1 - w4;
      gr -= w * (w3 * lT + w4 * lR);
      galpha -= w * rx * (w3 * (invShifted[ti] as number) + w4 * (invShifted[ri] as number));
      ga += (w * w4) / a;
      gb -= (w * w4) / (b + x - 1 + k);
    }
  }
  total += sumBracket;
  if (gradient) {
    gradient[0] = gr;
    gradient[1] = galpha;
    gradient[2] = ga;
    gradient[3] = gb;
  }
  return total;
}

/** Maximum-likelihood fit of either variant on log-parameters. */
export function fitBetaGeometric(
  variant: BetaGeometricVariant,
  input: readonly PurchaseHistory[] | PurchaseHistoryColumns | GroupedHistories,
  options: BgNbdFitOptions = {},
): BgNbdFit {
  const grouped = 'weight' in input ? input : groupHistories(input);
  if (grouped.customers === 0) throw new TesseraError('invalid_argument', 'cannot fit a purchase model to no customers');
  const data = prepareHistories(grouped);
  const penalizer = options.penalizer ?? 0;
  const n = grouped.customers;

  let maxT = 0;
  for (const t of grouped.T) maxT = Math.max(maxT, t);
  // α is a time scale: starting it at a tenth of the observation window, as lifetimes does by
  // rescaling time, makes the start independent of whether time is in days or weeks.
  const start = [
    options.initial?.r ?? 1,
    options.initial?.alpha ?? (maxT > 0 ? maxT / 10 : 1),
    options.initial?.a ?? 1,
    options.initial?.b ?? 1,
  ].map(Math.log);

  const natural = new Float64Array(4);
  const toParams = (theta: Float64Array): BgNbdParams => ({
    r: Math.exp(theta[0] as number),
    alpha: Math.exp(theta[1] as number),
    a: Math.exp(theta[2] as number),
    b: Math.exp(theta[3] as number),
  });
  const paramValues = (p: BgNbdParams): number[] => [p.r, p.alpha, p.a, p.b];

  // Mean rather than total so that the tolerances mean the same for 1,000 and 1,000,000 customers.
  const meanObjective = (theta: Float64Array, grad: Float64Array): number => {
    const p = toParams(theta);
    const ll = evaluateLogLikelihood(variant, p, data, natural);
    const values = paramValues(p);
    let penalty = 0;
    for (let i = 0; i < 4; i++) {
      const v = values[i] as number;
      penalty += v * v;
      grad[i] = (-(natural[i] as number) * v) / n + 2 * penalizer * v * v;
    }
    return -ll / n + penalizer * penalty;
  };
  const result = minimizeBfgs(meanObjective, start, { gradientTolerance: 1e-9, maxIterations: options.maxIterations ?? 500 });

  const totalObjective = (theta: Float64Array, grad: Float64Array): number => {
    const p = toParams(theta);
    const ll = evaluateLogLikelihood(variant, p, data, natural);
    const values = paramValues(p);
    for (let i = 0; i < 4; i++) grad[i] = -(natural[i] as number) * (values[i] as number);
    return -ll;
  };
  const errors = logScaleStandardErrors(totalObjective, result.x);
  const params = toParams(result.x);
  return {
    ...params,
    logLikelihood: evaluateLogLikelihood(variant, params, data),
    standardErrors: { r: errors[0] as number, alpha: errors[1] as number, a: errors[2] as number, b: errors[3] as number },
    iterations: result.iterations,
    converged: result.converged,
    customers: n,
    groups: grouped.frequency.length,
  };
}

/**
 * Expected purchases in the next t of a customer known to be alive at T after x repeat purchases:
 * the conditional expectation is this times P(alive), and it does not depend on t_x, which lets
 * batch predictions share it across customers with equal (x, T).
 */
export function expectedPurchasesIfAlive(variant: BetaGeometricVariant, params: BgNbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const shift = alpha + T;
  const z = t / (shift + t);
  const decay = Math.pow(shift / (shift + t), r + x);
  return variant === 'modified'
    ? ((a + b + x) / (a - 1)) * (1 - decay * hypergeometric2F1(r + x, b + x + 1, a + b + x, z))
    : ((a + b + x - 1) / (a - 1)) * (1 - decay * hypergeometric2F1(r + x, b + x, a + b + x - 1, z));
}

/** P(alive | x, t_x, T) under either variant. */
export function probabilityAlive(variant: BetaGeometricVariant, params: BgNbdParams, history: PurchaseHistory): number {
  return 1 / (1 + Math.exp(logDropoutOdds(variant, params, history)));
}

/** ln of the odds that a customer with this history has dropped out, given the offset k of the variant. */
export function logDropoutOdds(variant: BetaGeometricVariant, params: BgNbdParams, history: PurchaseHistory): number {
  const k = variant === 'modified' ? 1 : 0;
  const { frequency: x, recency, T } = history;
  if (x === 0 && k === 0) return Number.NEGATIVE_INFINITY;
  const { r, alpha, a, b } = params;
  return Math.log(a / (b + x - 1 + k)) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency));
}
