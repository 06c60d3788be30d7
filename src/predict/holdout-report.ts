import { bgNbdConditionalExpectedPurchases, type BgNbdParams } from '../models/index.js';
import type { ModelInput } from './customer-histories.js';

/** Predicted against actual repeat purchases in the holdout, for one group of customers. */
export interface HoldoutRow {
  readonly customers: number;
  readonly actual: number;
  readonly predicted: number;
  /** Per customer of the group, as the paper's calibration/holdout figure plots them. */
  readonly actual_mean: number;
  readonly predicted_mean: number;
}

export interface HoldoutBucket extends HoldoutRow {
  /** Repeat purchases in the calibration period: "0" … "6", and "7+" for seven or more. */
  readonly frequency: string;
}

export interface HoldoutReport {
  /** First and last day of the holdout, `YYYY-MM-DD`. */
  readonly start: string;
  readonly end: string;
  /** Holdout length in the fit's time unit. */
  readonly length: number;
  readonly overall: HoldoutRow;
  readonly by_frequency: readonly HoldoutBucket[];
}

/** Calibration frequencies 0…6 get a bucket each; the rest share the last, as in Fader, Hardie & Lee's figure. */
export const TOP_BUCKET = 7;

function row(customers: number, actual: number, predicted: number): HoldoutRow {
  return {
    customers,
    actual,
    predicted,
    actual_mean: customers > 0 ? actual / customers : 0,
    predicted_mean: customers > 0 ? predicted / customers : 0,
  };
}

/**
 * The paper's calibration/holdout table: each calibration customer's expected purchases over the
 * holdout of length `length` under the fitted BG/NBD, against the purchase days they made there.
 */
export function buildHoldoutReport(
  params: BgNbdParams,
  input: ModelInput,
  actual: ArrayLike<number>,
  holdout: { start: string; end: string; length: number },
): HoldoutReport {
  const buckets = Array.from({ length: TOP_BUCKET + 1 }, () => ({ customers: 0, actual: 0, predicted: 0 }));
  let totalActual = 0;
  let totalPredicted = 0;
  const n = input.frequency.length;
  for (let i = 0; i < n; i++) {
    const frequency = input.frequency[i] as number;
    const predicted = bgNbdConditionalExpectedPurchases(params, { frequency, recency: input.recency[i] as number, T: input.T[i] as number }, holdout.length);
    const bought = actual[i] as number;
    const bucket = buckets[Math.min(frequency, TOP_BUCKET)];
    if (bucket) {
      bucket.customers++;
      bucket.actual += bought;
      bucket.predicted += predicted;
    }
    totalActual += bought;
    totalPredicted += predicted;
  }
  return {
    ...holdout,
    overall: row(n, totalActual, totalPredicted),
    by_frequency: buckets.map((b, x) => ({ frequency: x === TOP_BUCKET ? `${TOP_BUCKET}+` : String(x), ...row(b.customers, b.actual, b.predicted) })),
  };
}
