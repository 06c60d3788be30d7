import type { TimeUnit } from '../models/index.js';

/** Each customer's purchase days as read from the store, one array slot per customer. */
export interface CustomerHistories {
  readonly customerIds: readonly string[];
  /** First and last purchase day up to the calibration end, in days since 1970-01-01. */
  readonly firstDay: Int32Array;
  readonly lastDay: Int32Array;
  /** x: repeat purchase days up to the calibration end. */
  readonly frequency: Float64Array;
  /** Revenue of those repeat days. */
  readonly repeatTotal: Float64Array;
  /** Purchase days after the calibration end (the holdout); 0 without a holdout. */
  readonly holdout: Float64Array;
}

/** What the models take: (x, t_x, T, m_x) in the model's time unit, as columns. */
export interface ModelInput {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly monetary: Float64Array;
}

/**
 * (x, t_x, T, m_x) of every customer as of `endDay`, the definitions of the models' own
 * `summarizeCustomers`: t_x and T from the first purchase day, in days or weeks (days / 7),
 * m_x the mean revenue of a repeat purchase day.
 */
export function toModelInput(histories: CustomerHistories, endDay: number, unit: TimeUnit): ModelInput {
  const n = histories.customerIds.length;
  const unitDays = unit === 'week' ? 7 : 1;
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  const monetary = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const first = histories.firstDay[i] as number;
    const x = histories.frequency[i] as number;
    recency[i] = ((histories.lastDay[i] as number) - first) / unitDays;
    T[i] = (endDay - first) / unitDays;
    monetary[i] = x > 0 ? (histories.repeatTotal[i] as number) / x : 0;
  }
  return { frequency: histories.frequency, recency, T, monetary };
}
