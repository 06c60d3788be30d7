// Customer lifetime value as lifetimes' customer_lifetime_value computes it: month by month,
// expected purchases in the month × Gamma-Gamma expected spend, discounted monthly. The
// month is 30 days or 4.345 weeks, lifetimes' constants, so results line up with it.

import { TesseraError } from '../contract/index.js';
import { expectedPurchasesIfAlive, probabilityAlive, type BetaGeometricVariant, type BgNbdParams } from './beta-geometric.js';
import type { TimeUnit } from './customer-summary.js';
import { gammaGammaExpectedSpend, type GammaGammaParams, type SpendHistory } from './gamma-gamma.js';
import type { PurchaseHistory } from './grouped-summary.js';

/** What lifetime value needs of a customer: purchase history and spend. */
export type ValueHistory = PurchaseHistory & SpendHistory;

interface HorizonOptions {
  /** Unit of t_x, T and of the purchase model; sets the month length as lifetimes does (30 days, 4.345 weeks). */
  readonly timeUnit: TimeUnit;
  /** Overrides the month length in time units. */
  readonly periodsPerMonth?: number;
  /** Horizon in months (default 12). */
  readonly months?: number;
  /** Discount rate per month (default 0.01, about 12.7% a year). */
  readonly monthlyDiscountRate?: number;
}

export interface LifetimeValueOptions<H extends ValueHistory> extends HorizonOptions {
  readonly spend: GammaGammaParams;
  /** Expected purchases of a customer in the next t time units, e.g. a fitted BG/NBD's conditional expectation. */
  readonly expectedPurchases: (history: H, t: number) => number;
}

export interface BatchLifetimeValueOptions extends HorizonOptions {
  readonly spend: GammaGammaParams;
  readonly purchases: BgNbdParams;
  /** Which purchase model `purchases` belongs to (default 'bgnbd'). */
  readonly model?: BetaGeometricVariant;
}

function resolveHorizon(options: HorizonOptions): { months: number; rate: number; monthLength: number } {
  const months = options.months ?? 12;
  const rate = options.monthlyDiscountRate ?? 0.01;
  const monthLength = options.periodsPerMonth ?? (options.timeUnit === 'week' ? 4.345 : 30);
  if (!(months >= 0 && Number.isInteger(months) && rate > -1 && monthLength > 0)) {
    throw new TesseraError('invalid_argument', 'lifetime value needs whole months ≥ 0, a discount rate > −1 and a positive month length');
  }
  return { months, rate, monthLength };
}

/**
 * Discounted expected spend over the horizon for any purchase model: Σ over months i of
 * (E[purchases by month i] − E[purchases by month i−1]) · E[spend] / (1 + rate)^i.
 */
export function customerLifetimeValue<H extends ValueHistory>(history: H, options: LifetimeValueOptions<H>): number {
  const { months, rate, monthLength } = resolveHorizon(options);
  const spend = gammaGammaExpectedSpend(options.spend, history);
  let value = 0;
  let before = 0;
  for (let month = 1; month <= months; month++) {
    const through = options.expectedPurchases(history, month * monthLength);
    value += (spend * (through - before)) / Math.pow(1 + rate, month);
    before = through;
  }
  return value;
}

/**
 * `customerLifetimeValue` with BG/NBD or MBG/NBD purchases for many customers at once. The
 * conditional expectation factors into P(alive | x, t_x, T) times a term of (x, T) alone, so the
 * discounted monthly sum of that term, the costly part, is computed once per distinct (x, T).
 */
export function estimateLifetimeValues(histories: readonly ValueHistory[], options: BatchLifetimeValueOptions): Float64Array {
  const { months, rate, monthLength } = resolveHorizon(options);
  const variant = options.model ?? 'bgnbd';
  const params = options.purchases;
  const discounted = new Map<number, Map<number, number>>();
  const values = new Float64Array(histories.length);
  histories.forEach((history, i) => {
    const { frequency: x, T } = history;
    let byT = discounted.get(x);
    if (byT === undefined) {
      byT = new Map();
      discounted.set(x, byT);
    }
    let sum = byT.get(T);
    if (sum === undefined) {
      sum = 0;
      let before = 0;
      for (let month = 1; month <= months; month++) {
        const through = expectedPurchasesIfAlive(variant, params, x, T, month * monthLength);
        sum += (through - before) / Math.pow(1 + rate, month);
        before = through;
      }
      byT.set(T, sum);
    }
    values[i] = sum * probabilityAlive(variant, params, history) * gammaGammaExpectedSpend(options.spend, history);
  });
  return values;
}
