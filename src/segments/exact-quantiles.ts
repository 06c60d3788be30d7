import { join, raw, sql, type Sql } from '../store/index.js';

/**
 * The quantiles of a column, to the last bit as DuckDB's quantile_cont computes them: position
 * h = (n − 1)·p, d = h − ⌊h⌋, then lo·(1 − d) + hi·d in double precision between the order
 * statistics at ⌊h⌋ and ⌈h⌉ (rfm-score.ts writes lo + (hi − lo)·d, which can differ in the last
 * bit). Read from a histogram (value, count) instead of from every value: a million customers share
 * a few thousand recencies and order counts, so this is one small grouping instead of selecting
 * order statistics among a million values.
 * Columns: q1 … qk, NULL over no rows.
 */
export function exactQuantiles(relation: Sql, column: string, ps: readonly number[]): Sql {
  const position = (n: Sql, p: number) => sql`(CAST(${n} - 1 AS DOUBLE) * CAST(${raw(p.toString())} AS DOUBLE))`;
  // Inside a FILTER the row's n; outside, the one n every row shares.
  const h = (p: number) => position(sql`max(n)`, p);
  const hRow = (p: number) => position(sql`n`, p);
  // The k-th order statistic (from 0) is the least value with more than k values at or below it.
  const statistic = (k: Sql) => sql`CAST(min(v) FILTER (WHERE upto > ${k}) AS DOUBLE)`;
  const cols = ps.map((p, i) => {
    const lo = statistic(sql`floor(${hRow(p)})`);
    const hi = statistic(sql`ceil(${hRow(p)})`);
    const d = sql`(${h(p)} - floor(${h(p)}))`;
    return sql`${lo} * (1.0 - ${d}) + ${hi} * ${d} AS ${raw(`q${i + 1}`)}`;
  });
  return sql`(SELECT ${join(cols)} FROM (
      SELECT v, sum(c) OVER (ORDER BY v ROWS UNBOUNDED PRECEDING) AS upto, sum(c) OVER () AS n
      FROM (SELECT ${raw(column)} AS v, count(*) AS c FROM ${relation} hq GROUP BY 1) hist) cum)`;
}
