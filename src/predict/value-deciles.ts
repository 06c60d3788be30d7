/**
 * Cut points c1…c9: the 0.1 … 0.9 quantiles with linear interpolation (R's, NumPy's and DuckDB's
 * default, the same rule as RFM's quintiles in metrics.md).
 */
export function decileCuts(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return [];
  const cuts: number[] = [];
  for (let k = 1; k <= 9; k++) {
    const h = (n - 1) * (k / 10);
    const lo = Math.floor(h);
    const below = sorted[lo] as number;
    const above = sorted[Math.min(lo + 1, n - 1)] as number;
    cuts.push(below + (h - lo) * (above - below));
  }
  return cuts;
}

/**
 * Decile 1 … 10 of each value, 10 the highest: 1 + the number of cut points strictly below it,
 * so equal values always share a decile (many one-time buyers have the very same prediction).
 */
export function assignDeciles(values: ArrayLike<number>): Int8Array {
  const cuts = Float64Array.from(decileCuts(values));
  const deciles = new Int8Array(values.length);
  const k = cuts.length;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    let d = 1;
    for (let c = 0; c < k; c++) if ((cuts[c] as number) < value) d++;
    deciles[i] = d;
  }
  return deciles;
}

/** Deciles 9 and 10: above the 0.8 quantile, the top fifth by predicted value. */
export const HIGH_VALUE_DECILE = 9;
