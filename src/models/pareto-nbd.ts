// Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases Poisson(λ) with λ ~ Gamma(r, α)
// while alive, an exponential lifetime with rate μ ~ Gamma(s, β). Per customer,
//   L = Γ(r+x) α^r β^s / Γ(r) · [(α+T)^−(r+x) (β+T)^−s + s·I],
// where I, the chance of having died between t_x and T, is computed in pareto-dropout.ts.

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
import { logDropoutIntegral } from './pareto-dropout.js';
import { digamma, logGamma } from './special-functions.js';
import { logScaleStandardErrors } from './standard-errors.js';

/** Purchase rate λ ~ Gamma(r, α) and dropout rate μ ~ Gamma(s, β). */
export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

export interface ParetoNbdFit extends ParetoNbdParams {
  readonly logLikelihood: number;
  readonly standardErrors: ParetoNbdParams;
  readonly iterations: number;
  readonly converged: boolean;
  readonly customers: number;
  readonly groups: number;
}

export interface ParetoNbdFitOptions {
  /** Starting point; defaults to r = s = 1 and α = β = max(T) / 10. */
  readonly initial?: Partial<ParetoNbdParams>;
  /** L2 penalty on the parameters added to the mean negative log-likelihood, as lifetimes' penalizer_coef. */
  readonly penalizer?: number;
  readonly maxIterations?: number;
}

const logIGradient = new Float64Array(4);

function evaluate(params: ParetoNbdParams, data: PreparedHistories, gradient?: Float64Array): number {
  const { r, alpha, s, beta } = params;
  const { xs, xWeights } = data;
  let total = 0;
  let customers = 0;
  let gr = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const w = xWeights[i] as number;
    customers += w;
    total += w * logGamma(r + x);
    if (gradient) gr += w * digamma(r + x);
  }
  total += customers * (-logGamma(r) + r * Math.log(alpha) + s * Math.log(beta));
  gr += customers * (Math.log(alpha) - digamma(r));
  let galpha = (customers * r) / alpha;
  let gs = customers * Math.log(beta);
  let gbeta = (customers * s) / beta;

  const { frequency, recency, T, weight } = data.grouped;
  const logS = Math.log(s);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i] as number;
    const tx = recency[i] as number;
    const t = T[i] as number;
    const w = weight[i] as number;
    const logAlphaT = Math.log(alpha + t);
    const logBetaT = Math.log(beta + t);
    // Alive throughout (L1) or gone between t_x and T (L2), added in log space.
    const l1 = -(r + x) * logAlphaT - s * logBetaT;
    const l2 = t > tx ? logS + logDropoutIntegral(params, x, tx, t, gradient ? logIGradient : null) : Number.NEGATIVE_INFINITY;
    const top = Math.max(l1, l2);
    const share2 = Math.exp(l2 - top);
    const share1 = Math.exp(l1 - top);
    const norm = share1 + share2;
    total += w * (top + Math.log(norm));
    if (gradient) {
      const w1 = (w * share1) / norm;
      const w2 = (w * share2) / norm;
      gr -= w1 * logAlphaT;
      galpha -= (w1 * (r + x)) / (alpha + t);
      gs -= w1 * logBetaT;
      gbeta -= (w1 * s) / (beta + t);
      if (w2 > 0) {
        gr += w2 * (logIGradient[0] as number);
        galpha += w2 * (logIGradient[1] as number);
        gs += w2 * (1 / s + (logIGradient[2] as number));
        gbeta += w2 * (logIGradient[3] as number);
      }
    }
  }
  if (gradient) {
    gradient[0] = gr;
    gradient[1] = galpha;
    gradient[2] = gs;
    gradient[3] = gbeta;
  }
  return total;
}

type Input = readonly PurchaseHistory[] | PurchaseHistoryColumns | GroupedHistories;

/** Pareto/NBD log-likelihood summed over customers; fills ∂ℓ/∂(r, α, s, β) into `gradient` if given. */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, input: Input, gradient?: Float64Array): number {
  const grouped = 'weight' in input ? input : groupHistories(input);
  return evaluate(params, prepareHistories(grouped), gradient);
}

/** Maximum-likelihood Pareto/NBD fit on log-parameters. */
export function fitParetoNbd(input: Input, options: ParetoNbdFitOptions = {}): ParetoNbdFit {
  const grouped = 'weight' in input ? input : groupHistories(input);
  if (grouped.customers === 0) throw new TesseraError('invalid_argument', 'cannot fit a purchase model to no customers');
  const data = prepareHistories(grouped);
  const n = grouped.customers;
  const penalizer = options.penalizer ?? 0;
  let maxT = 0;
  for (const t of grouped.T) maxT = Math.max(maxT, t);
  const scale = maxT > 0 ? maxT / 10 : 1;
  const start = [
    options.initial?.r ?? 1,
    options.initial?.alpha ?? scale,
    options.initial?.s ?? 1,
    options.initial?.beta ?? scale,
  ].map(Math.log);

  const natural = new Float64Array(4);
  const toParams = (theta: Float64Array): ParetoNbdParams => ({
    r: Math.exp(theta[0] as number),
    alpha: Math.exp(theta[1] as number),
    s: Math.exp(theta[2] as number),
    beta: Math.exp(theta[3] as number),
  });
  const objective = (weight: number, penalty: number) => (theta: Float64Array, grad: Float64Array): number => {
    const p = toParams(theta);
    const ll = evaluate(p, data, natural);
    const values = [p.r, p.alpha, p.s, p.beta];
    let squares = 0;
    for (let i = 0; i < 4; i++) {
      const v = values[i] as number;
      squares += v * v;
      grad[i] = -(natural[i] as number) * v * weight + 2 * penalty * v * v;
    }
    return -ll * weight + penalty * squares;
  };
  const result = minimizeBfgs(objective(1 / n, penalizer), start, { gradientTolerance: 1e-9, maxIterations: options.maxIterations ?? 500 });
  const errors = logScaleStandardErrors(objective(1, 0), result.x);
  const params = toParams(result.x);
  return {
    ...params,
    logLikelihood: evaluate(params, data),
    standardErrors: { r: errors[0] as number, alpha: errors[1] as number, s: errors[2] as number, beta: errors[3] as number },
    iterations: result.iterations,
    converged: result.converged,
    customers: n,
    groups: grouped.frequency.length,
  };
}

/** P(alive | x, t_x, T) under Pareto/NBD. */
export function paretoNbdProbabilityAlive(params: ParetoNbdParams, history: PurchaseHistory): number {
  const { r, alpha, s, beta } = params;
  const { frequency: x, recency: tx, T } = history;
  if (!(T > tx)) return 1;
  const l1 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const l2 = Math.log(s) + logDropoutIntegral(params, x, tx, T, null);
  return 1 / (1 + Math.exp(l2 - l1));
}

/** Expected purchases in (T, T + t] of a customer alive at T: E[λ | x, T] · E[time alive in the window]. */
function expectedPurchasesIfAlive(params: ParetoNbdParams, x: number, T: number, t: number): number {
  const { r, alpha, s, beta } = params;
  if (t <= 0) return 0;
  const rate = (r + x) / (alpha + T);
  // ∫₀ᵗ ((β+T)/(β+T+u))^s du, in closed form; its s → 1 limit is (β+T) ln(1 + t/(β+T)).
  const shift = beta + T;
  const time =
    Math.abs(s - 1) < 1e-9 ? shift * Math.log1p(t / shift) : (shift / (s - 1)) * -Math.expm1((1 - s) * Math.log1p(t / shift));
  return rate * time;
}

/** E[X(t)] under Pareto/NBD: expected repeat purchases in (0, t] of a customer whose first purchase was at 0. */
export function paretoNbdExpectedPurchases(params: ParetoNbdParams, t: number): number {
  return expectedPurchasesIfAlive(params, 0, 0, t);
}

/** E[Y(t) | x, t_x, T] under Pareto/NBD: expected purchases in the next t time units. */
export function paretoNbdConditionalExpectedPurchases(params: ParetoNbdParams, history: PurchaseHistory, t: number): number {
  return expectedPurchasesIfAlive(params, history.frequency, history.T, t) * paretoNbdProbabilityAlive(params, history);
}
