import {
  bgNbdConditionalExpectedPurchases,
  bgNbdProbabilityAlive,
  gammaGammaExpectedSpend,
  type BgNbdParams,
  type GammaGammaParams,
  type TimeUnit,
} from '../models/index.js';
import type { ModelInput } from './customer-histories.js';
import { assignDeciles, HIGH_VALUE_DECILE } from './value-deciles.js';

export interface ScoreOptions {
  readonly purchases: BgNbdParams;
  readonly spend: GammaGammaParams;
  readonly timeUnit: TimeUnit;
  /** Horizon of expected purchases and lifetime value, in days. */
  readonly horizonDays: number;
  readonly monthlyDiscountRate: number;
}

/** Per-customer predictions as columns (one slot per customer of the input). */
export interface CustomerScores {
  readonly expectedPurchases: Float64Array;
  readonly pAlive: Float64Array;
  /** Expected value of a purchase; NaN when the spend model has no finite mean (q ≤ 1). */
  readonly expectedSpend: Float64Array;
  /** Discounted value over the horizon's months; NaN where expected spend is. */
  readonly clv: Float64Array;
  /** 1 … 10 by CLV, 10 the highest; 0 when CLV is not defined. */
  readonly decile: Int8Array;
  readonly highValue: Uint8Array;
  readonly highValueAtRisk: Uint8Array;
  /** Whole months the lifetime value sums over. */
  readonly months: number;
}

/** An average calendar month, 365.25 / 12 days. */
const DAYS_PER_MONTH = 30.4375;

/** The horizon in whole months, at least one. */
export function horizonMonths(horizonDays: number): number {
  return Math.max(1, Math.round(horizonDays / DAYS_PER_MONTH));
}

/** Below this chance of still being a customer, a high-value customer counts as at risk. */
export const AT_RISK_P_ALIVE = 0.5;

/** What customers with equal (x, T) share: expected purchases if alive, over the horizon and discounted by month. */
interface SharedTerms {
  readonly horizon: number;
  readonly discounted: number;
}

/**
 * E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) · g(x, T, t), so g, the costly part (a ₂F₁), is
 * computed once per distinct (x, T): as the conditional expectation of the history with t_x = T
 * divided by its P(alive). The discounted sum is lifetimes' customer_lifetime_value with months of
 * `monthLength` units: Σ_m (g(t_m) − g(t_{m−1})) / (1 + rate)^m.
 */
function sharedTerms(purchases: BgNbdParams, x: number, T: number, horizon: number, months: number, monthLength: number, rate: number): SharedTerms {
  const atEnd = { frequency: x, recency: T, T };
  const alive = bgNbdProbabilityAlive(purchases, atEnd);
  const ifAlive = (t: number) => bgNbdConditionalExpectedPurchases(purchases, atEnd, t) / alive;
  let discounted = 0;
  let before = 0;
  for (let month = 1; month <= months; month++) {
    const through = ifAlive(month * monthLength);
    discounted += (through - before) / Math.pow(1 + rate, month);
    before = through;
  }
  return { horizon: ifAlive(horizon), discounted };
}

/**
 * Expected purchases over the horizon, P(alive), expected spend, discounted CLV, CLV decile and
 * the high-value flags of every customer under a fitted BG/NBD and Gamma-Gamma. Works on columns
 * and allocates nothing per customer: a million customers are scored in about a second.
 */
export function scoreCustomers(input: ModelInput, options: ScoreOptions): CustomerScores {
  const { purchases, spend } = options;
  const n = input.frequency.length;
  const unitDays = options.timeUnit === 'week' ? 7 : 1;
  const horizon = options.horizonDays / unitDays;
  const months = horizonMonths(options.horizonDays);
  // The same calendar month whatever the unit, so days and weeks value a customer alike
  // (lifetimes' 30 days and 4.345 weeks are two different months).
  const monthLength = DAYS_PER_MONTH / unitDays;
  const spendDefined = spend.q > 1;
  const expectedPurchases = new Float64Array(n);
  const pAlive = new Float64Array(n);
  const expectedSpend = new Float64Array(n);
  const clv = new Float64Array(n);
  // T is a whole number of days in the fit's unit, so (x, days of T) is an exact integer key.
  const shared = new Map<number, SharedTerms>();
  const history = { frequency: 0, recency: 0, T: 0 };
  const spendHistory = { frequency: 0, monetary: 0 };
  for (let i = 0; i < n; i++) {
    const x = input.frequency[i] as number;
    const T = input.T[i] as number;
    const key = x * 1_000_000 + Math.round(T * unitDays);
    let terms = shared.get(key);
    if (terms === undefined) {
      terms = sharedTerms(purchases, x, T, horizon, months, monthLength, options.monthlyDiscountRate);
      shared.set(key, terms);
    }
    history.frequency = x;
    history.recency = input.recency[i] as number;
    history.T = T;
    const alive = bgNbdProbabilityAlive(purchases, history);
    pAlive[i] = alive;
    expectedPurchases[i] = alive * terms.horizon;
    if (spendDefined) {
      spendHistory.frequency = x;
      spendHistory.monetary = input.monetary[i] as number;
      const value = gammaGammaExpectedSpend(spend, spendHistory);
      expectedSpend[i] = value;
      clv[i] = alive * terms.discounted * value;
    } else {
      expectedSpend[i] = Number.NaN;
      clv[i] = Number.NaN;
    }
  }

  const decile = spendDefined ? assignDeciles(clv) : new Int8Array(n);
  const highValue = new Uint8Array(n);
  const highValueAtRisk = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const high = (decile[i] as number) >= HIGH_VALUE_DECILE;
    highValue[i] = high ? 1 : 0;
    highValueAtRisk[i] = high && (pAlive[i] as number) < AT_RISK_P_ALIVE ? 1 : 0;
  }
  return { expectedPurchases, pAlive, expectedSpend, clv, decile, highValue, highValueAtRisk, months };
}
