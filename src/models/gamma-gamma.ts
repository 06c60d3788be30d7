// Gamma-Gamma spend model (Fader, Hardie & Lee 2005 note, "The Gamma-Gamma Model of Monetary
// Value"): a customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers
// (γ is called v here, as in lifetimes). Only customers with repeat purchases carry information,
// and spend is assumed independent of the purchase process, so it multiplies BG/NBD's counts
// (see lifetime-value.ts).

import { TesseraError } from '../contract/index.js';
import { minimizeBfgs } from './optimizer.js';
import { digamma, logGamma } from './special-functions.js';
import { logScaleStandardErrors } from './standard-errors.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** x repeat purchases with mean value m_x. */
export interface SpendHistory {
  readonly frequency: number;
  readonly monetary: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  readonly logLikelihood: number;
  readonly standardErrors: GammaGammaParams;
  readonly iterations: number;
  readonly converged: boolean;
  /** Customers with x > 0 and m_x > 0 that were fitted. */
  readonly customers: number;
  /** Customers with x > 0 left out because m_x ≤ 0 (refunds, free orders): the model needs positive spend. */
  readonly excluded: number;
}

export interface GammaGammaFitOptions {
  readonly initial?: Partial<GammaGammaParams>;
  /** L2 penalty on the parameters added to the mean negative log-likelihood, as lifetimes' penalizer_coef. */
  readonly penalizer?: number;
  readonly maxIterations?: number;
}

interface PreparedSpend {
  readonly x: Float64Array;
  readonly xm: Float64Array;
  readonly xs: Float64Array;
  readonly xWeights: Float64Array;
  /** Σ ln m_x over the customers with each distinct x. */
  readonly xLogM: Float64Array;
  /** Σ x ln x over all customers: a constant of the likelihood. */
  readonly sumXLogX: number;
  readonly excluded: number;
}

function prepareSpend(input: readonly SpendHistory[]): PreparedSpend {
  const x: number[] = [];
  const xm: number[] = [];
  const byX = new Map<number, { weight: number; logM: number }>();
  let sumXLogX = 0;
  let excluded = 0;
  for (const row of input) {
    const f = row.frequency;
    const m = row.monetary;
    if (!(Number.isFinite(f) && f >= 0 && Number.isFinite(m))) {
      throw new TesseraError('invalid_argument', `invalid spend history: frequency ${f}, monetary ${m}`);
    }
    if (f === 0) continue;
    if (m <= 0) {
      excluded++;
      continue;
    }
    x.push(f);
    xm.push(f * m);
    sumXLogX += f * Math.log(f);
    const entry = byX.get(f) ?? { weight: 0, logM: 0 };
    entry.weight += 1;
    entry.logM += Math.log(m);
    byX.set(f, entry);
  }
  const entries = [...byX.entries()];
  return {
    x: Float64Array.from(x),
    xm: Float64Array.from(xm),
    xs: Float64Array.from(entries, ([k]) => k),
    xWeights: Float64Array.from(entries, ([, e]) => e.weight),
    xLogM: Float64Array.from(entries, ([, e]) => e.logM),
    sumXLogX,
    excluded,
  };
}

/**
 * Log-likelihood of the mean repeat spend m_x given x, summed over customers with x > 0:
 * ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm + v).
 */
function evaluateSpend(params: GammaGammaParams, data: PreparedSpend, gradient?: Float64Array): number {
  const { p, q, v } = params;
  const { xs, xWeights, xLogM } = data;
  const logV = Math.log(v);
  let total = 0;
  let customers = 0;
  let gp = 0;
  let gq = 0;
  // Terms that depend on a customer only through x, and the ln m sums, once per distinct x.
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const w = xWeights[i] as number;
    const logM = xLogM[i] as number;
    customers += w;
    total += w * (logGamma(p * x + q) - logGamma(p * x)) + (p * x - 1) * logM;
    if (gradient) {
      const psiPxq = digamma(p * x + q);
      gp += w * x * (psiPxq - digamma(p * x)) + x * logM;
      gq += w * psiPxq;
    }
  }
  total += customers * (q * logV - logGamma(q)) + p * data.sumXLogX;
  gp += data.sumXLogX;
  gq += customers * (logV - digamma(q));
  let gv = (customers * q) / v;

  const { x, xm } = data;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const shifted = (xm[i] as number) + v;
    const logShifted = Math.log(shifted);
    total -= (p * xi + q) * logShifted;
    if (gradient) {
      gp -= xi * logShifted;
      gq -= logShifted;
      gv -= (p * xi + q) / shifted;
    }
  }
  if (gradient) {
    gradient[0] = gp;
    gradient[1] = gq;
    gradient[2] = gv;
  }
  return total;
}

/** Gamma-Gamma log-likelihood over customers with x > 0 and m_x > 0; fills ∂ℓ/∂(p, q, v) into `gradient` if given. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, input: readonly SpendHistory[], gradient?: Float64Array): number {
  return evaluateSpend(params, prepareSpend(input), gradient);
}

/** Maximum-likelihood Gamma-Gamma fit; customers without repeat purchases are skipped. */
export function fitGammaGamma(input: readonly SpendHistory[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  const data = prepareSpend(input);
  const n = data.x.length;
  if (n === 0) throw new TesseraError('invalid_argument', 'the spend model needs customers with repeat purchases and positive spend');
  const penalizer = options.penalizer ?? 0;

  let meanSpend = 0;
  for (let i = 0; i < n; i++) meanSpend += (data.xm[i] as number) / (data.x[i] as number) / n;
  // v is on the money scale; starting it at the mean spend makes the start currency-independent.
  const start = [options.initial?.p ?? 1, options.initial?.q ?? 1, options.initial?.v ?? meanSpend].map(Math.log);

  const natural = new Float64Array(3);
  const toParams = (theta: Float64Array): GammaGammaParams => ({
    p: Math.exp(theta[0] as number),
    q: Math.exp(theta[1] as number),
    v: Math.exp(theta[2] as number),
  });
  const objective = (scale: number, penalty: number) => (theta: Float64Array, grad: Float64Array): number => {
    const params = toParams(theta);
    const ll = evaluateSpend(params, data, natural);
    const values = [params.p, params.q, params.v];
    let squares = 0;
    for (let i = 0; i < 3; i++) {
      const value = values[i] as number;
      squares += value * value;
      grad[i] = -(natural[i] as number) * value * scale + 2 * penalty * value * value;
    }
    return -ll * scale + penalty * squares;
  };
  const result = minimizeBfgs(objective(1 / n, penalizer), start, {
    gradientTolerance: 1e-9,
    maxIterations: options.maxIterations ?? 500,
  });
  const errors = logScaleStandardErrors(objective(1, 0), result.x);
  const params = toParams(result.x);
  return {
    ...params,
    logLikelihood: evaluateSpend(params, data),
    standardErrors: { p: errors[0] as number, q: errors[1] as number, v: errors[2] as number },
    iterations: result.iterations,
    converged: result.converged,
    customers: n,
    excluded: data.excluded,
  };
}

/**
 * E[M | x, m_x]: the customer's expected mean transaction value, a credibility-weighted blend of
 * their own mean m_x and the population mean pv/(q−1), weighted px/(px+q−1) towards their own.
 * Needs q > 1 for the population mean to exist.
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, history: SpendHistory): number {
  const { p, q, v } = params;
  const x = history.frequency;
  const populationMean = (p * v) / (q - 1);
  if (x === 0) return populationMean;
  const individualWeight = (p * x) / (p * x + q - 1);
  return (1 - individualWeight) * populationMean + individualWeight * history.monetary;
}
