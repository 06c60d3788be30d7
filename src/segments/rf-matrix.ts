import { sql, type Sql } from '../store/index.js';

// The recency-frequency matrix of metrics.md: Active (< 90 days), Churning (90–365), Lapsed (> 365)
// × 1, 2, 3+ orders. Pure labels here; the SQL below spells the same thresholds.

export const RECENCY_BANDS = ['active', 'churning', 'lapsed'] as const;
export type RecencyBand = (typeof RECENCY_BANDS)[number];
export const FREQUENCY_BANDS = ['1', '2', '3+'] as const;
export type FrequencyBand = (typeof FREQUENCY_BANDS)[number];

const ACTIVE_BELOW_DAYS = 90;
const LAPSED_ABOVE_DAYS = 365;

/** The recency band of whole days since the last order. */
export function recencyBand(days: number): RecencyBand {
  if (days < ACTIVE_BELOW_DAYS) return 'active';
  return days <= LAPSED_ABOVE_DAYS ? 'churning' : 'lapsed';
}

/** The frequency band of an order count (at least 1). */
export function frequencyBand(orders: number): FrequencyBand {
  return orders <= 1 ? '1' : orders === 2 ? '2' : '3+';
}

/** The nine cells in report order: recency, then frequency. */
export function matrixCells(): { recency: RecencyBand; frequency: FrequencyBand }[] {
  return RECENCY_BANDS.flatMap((recency) => FREQUENCY_BANDS.map((frequency) => ({ recency, frequency })));
}

/** SQL of recencyBand over a recency-in-days expression. */
export function recencyBandSql(days: Sql): Sql {
  return sql`CASE WHEN ${days} < ${ACTIVE_BELOW_DAYS} THEN ${'active'} WHEN ${days} <= ${LAPSED_ABOVE_DAYS} THEN ${'churning'} ELSE ${'lapsed'} END`;
}

/** SQL of frequencyBand over an order-count expression. */
export function frequencyBandSql(orders: Sql): Sql {
  return sql`CASE WHEN ${orders} <= 1 THEN ${'1'} WHEN ${orders} = 2 THEN ${'2'} ELSE ${'3+'} END`;
}

/** SQL of the index of recencyBand in RECENCY_BANDS: small integers group faster than labels. */
export function recencyBandIndexSql(days: Sql): Sql {
  return sql`CASE WHEN ${days} < ${ACTIVE_BELOW_DAYS} THEN 0 WHEN ${days} <= ${LAPSED_ABOVE_DAYS} THEN 1 ELSE 2 END`;
}

/** SQL of the index of frequencyBand in FREQUENCY_BANDS. */
export function frequencyBandIndexSql(orders: Sql): Sql {
  return sql`CASE WHEN ${orders} <= 1 THEN 0 WHEN ${orders} = 2 THEN 1 ELSE 2 END`;
}
