// RFM scoring as metrics.md defines it. Pure: the SQL in rfm-query.ts computes the same thing at
// scale, and the tests hold the two together.

/** The quantiles whose values are the quintile cut points c1…c4. */
export const QUINTILE_PROBABILITIES = [0.2, 0.4, 0.6, 0.8] as const;

/** The ten named segments, in the order reports list them (best first). */
export const RFM_SEGMENT_NAMES = [
  'Champions',
  'Loyal',
  'Potential loyalists',
  'New',
  'Promising',
  'Need attention',
  'About to sleep',
  "Can't lose them",
  'At risk',
  'Hibernating',
] as const;
export type RfmSegmentName = (typeof RFM_SEGMENT_NAMES)[number];

export type Score = 1 | 2 | 3 | 4 | 5;

/**
 * The p-quantile of sorted values with linear interpolation between order statistics (the default
 * of R type 7, NumPy and DuckDB's quantile_cont): position h = (n − 1)·p.
 */
export function quantileLinear(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return below + (h - lo) * (above - below);
}

/** c1…c4 of a measure over the customers. */
export function cutPoints(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return QUINTILE_PROBABILITIES.map((p) => quantileLinear(sorted, p));
}

const below = (cuts: readonly number[], value: number): number => cuts.filter((c) => c < value).length;

/** F and M: 1 + the number of cut points strictly below the value, so ties share a score. */
export function scoreHigherIsBetter(cuts: readonly number[], value: number): Score {
  return (1 + below(cuts, value)) as Score;
}

/** R: 5 − the number of cut points strictly below the recency in days (the most recent score 5). */
export function scoreRecency(cuts: readonly number[], recencyDays: number): Score {
  return (5 - below(cuts, recencyDays)) as Score;
}

/** The named segment of an (R, F) cell; every one of the 25 cells has exactly one name. */
export function rfmSegmentOf(r: Score, f: Score): RfmSegmentName {
  if (r >= 3 && f >= 4) return r === 5 ? 'Champions' : 'Loyal';
  if (r >= 4 && f >= 2) return 'Potential loyalists';
  if (r === 5) return 'New';
  if (r === 4) return 'Promising';
  if (r === 3) return f === 3 ? 'Need attention' : 'About to sleep';
  if (f === 5) return "Can't lose them";
  return f >= 3 ? 'At risk' : 'Hibernating';
}

/** All 25 cells with their names, for SQL that labels scored rows and for reports. */
export function rfmSegmentCells(): { r: Score; f: Score; segment: RfmSegmentName }[] {
  const scores: Score[] = [1, 2, 3, 4, 5];
  return scores.flatMap((r) => scores.map((f) => ({ r, f, segment: rfmSegmentOf(r, f) })));
}

export interface RfmMeasures {
  recency: number;
  frequency: number;
  monetary: number;
}

export interface RfmScores {
  r: Score;
  f: Score;
  m: Score;
  segment: RfmSegmentName;
}

/** Scores every customer's measures against cut points taken over the same customers. */
export function scoreRfm<T extends RfmMeasures>(customers: readonly T[]): (T & RfmScores)[] {
  if (customers.length === 0) return [];
  const rc = cutPoints(customers.map((c) => c.recency));
  const fc = cutPoints(customers.map((c) => c.frequency));
  const mc = cutPoints(customers.map((c) => c.monetary));
  return customers.map((c) => {
    const r = scoreRecency(rc, c.recency);
    const f = scoreHigherIsBetter(fc, c.frequency);
    return { ...c, r, f, m: scoreHigherIsBetter(mc, c.monetary), segment: rfmSegmentOf(r, f) };
  });
}
