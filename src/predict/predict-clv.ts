import { TesseraError, type ModelsConfig, type WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import { toModelInput } from './customer-histories.js';
import { formatEpochDay } from './epoch-day.js';
import { fitParameters, readLatestFit } from './fit-store.js';
import { writePredictions, type CustomerPrediction } from './predictions-store.js';
import { readHistories, readOrderDayRange } from './read-histories.js';
import { scoreCustomers } from './score-customers.js';

export interface PredictClvOptions {
  /** Horizon of expected purchases and lifetime value, in days (default 365). */
  horizonDays?: number;
}

/** What `clv predict --json` prints. */
export interface ClvPredictReport {
  readonly fit_id: string;
  readonly calibration_end: string;
  readonly time_unit: string;
  /** Histories are read up to this day, the last day with an order. */
  readonly as_of: string;
  readonly horizon_days: number;
  /** Lifetime value sums whole months of 365.25 / 12 days. */
  readonly clv_months: number;
  readonly monthly_discount_rate: number;
  readonly summary: {
    readonly customers: number;
    readonly expected_purchases: number;
    readonly clv: number | null;
    readonly mean_p_alive: number;
    readonly high_value: number;
    readonly high_value_at_risk: number;
  };
  /** Every customer, highest CLV first. */
  readonly customers: readonly CustomerPrediction[];
}

const DEFAULT_HORIZON_DAYS = 365;

/**
 * Scores every customer with the latest fit, on their whole history up to the last day of data,
 * and replaces the stored predictions (the computed traits profiles and segments read).
 */
export async function predictClv(store: Store, workspace: WorkspaceConfig, models: ModelsConfig, options: PredictClvOptions = {}): Promise<ClvPredictReport> {
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  if (!(Number.isInteger(horizonDays) && horizonDays > 0)) throw new TesseraError('invalid_argument', '--horizon-days must be a whole number of days above 0');
  const fit = await readLatestFit(store);
  if (!fit) throw new TesseraError('not_found', 'no customer-value model has been fitted: run tessera clv fit first');
  await refreshFacts(store, workspace);
  const range = await readOrderDayRange(store);
  if (!range) throw new TesseraError('invalid_argument', 'there are no orders to predict from: import orders first');

  const { timeUnit, purchases, spend } = fitParameters(fit);
  const histories = await readHistories(store, range.last, range.last);
  const input = toModelInput(histories, range.last, timeUnit);
  const scores = scoreCustomers(input, { purchases, spend, timeUnit, horizonDays, monthlyDiscountRate: models.monthlyDiscountRate });

  const n = histories.customerIds.length;
  const customers: CustomerPrediction[] = new Array<CustomerPrediction>(n);
  let totalPurchases = 0;
  let totalClv = 0;
  let totalAlive = 0;
  let highValue = 0;
  let atRisk = 0;
  for (let i = 0; i < n; i++) {
    const clv = scores.clv[i] as number;
    const expectedSpend = scores.expectedSpend[i] as number;
    const pAlive = scores.pAlive[i] as number;
    const prediction: CustomerPrediction = {
      customer_id: histories.customerIds[i] as string,
      frequency: input.frequency[i] as number,
      recency: input.recency[i] as number,
      age: input.T[i] as number,
      monetary: input.monetary[i] as number,
      expected_purchases: scores.expectedPurchases[i] as number,
      p_alive: pAlive,
      churn_risk: 1 - pAlive,
      expected_spend: Number.isFinite(expectedSpend) ? expectedSpend : null,
      clv: Number.isFinite(clv) ? clv : null,
      clv_decile: scores.decile[i] ? (scores.decile[i] as number) : null,
      high_value: scores.highValue[i] === 1,
      high_value_at_risk: scores.highValueAtRisk[i] === 1,
    };
    customers[i] = prediction;
    totalPurchases += prediction.expected_purchases;
    totalClv += Number.isFinite(clv) ? clv : 0;
    totalAlive += pAlive;
    if (prediction.high_value) highValue++;
    if (prediction.high_value_at_risk) atRisk++;
  }
  const asOf = formatEpochDay(range.last);
  await writePredictions(store, { fitId: fit.fit_id, asOf, horizonDays }, customers);
  customers.sort((p, q) => (q.clv ?? -Infinity) - (p.clv ?? -Infinity) || (p.customer_id < q.customer_id ? -1 : p.customer_id > q.customer_id ? 1 : 0));
  return {
    fit_id: fit.fit_id,
    calibration_end: fit.calibration_end,
    time_unit: timeUnit,
    as_of: asOf,
    horizon_days: horizonDays,
    clv_months: scores.months,
    monthly_discount_rate: models.monthlyDiscountRate,
    summary: {
      customers: n,
      expected_purchases: totalPurchases,
      clv: spend.q > 1 ? totalClv : null,
      mean_p_alive: n > 0 ? totalAlive / n : 0,
      high_value: highValue,
      high_value_at_risk: atRisk,
    },
    customers,
  };
}
