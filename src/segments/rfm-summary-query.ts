import { join, raw, sql, type Sql } from '../store/index.js';
import type { AsOf } from './as-of.js';
import { orderCountsAt, refundsAfter } from './customer-measures.js';
import { frequencyBandIndexSql, recencyBandIndexSql } from './rf-matrix.js';
import { scoreRelation } from './rfm-query.js';
import type { SegmentFunctions } from './segment-sql.js';

/** An earlier date whose matrix the movement starts from, under a name of ours (`year`, `month`). */
export interface EarlierPoint {
  name: 'year' | 'month';
  asOf: AsOf;
}

/**
 * One row of the summary: customers sharing a named segment and a matrix cell at D (`scored`), or
 * customers not scored at D (`departed`: every order removed by then), and for each earlier point
 * the cell they held there (`b_<name>`, `q_<name>`: recency and frequency band indexes, NULL when
 * they were not yet a customer). `units` is their revenue at D in ten-thousandths, summed exactly.
 */
export interface SummaryRow {
  kind: 'scored' | 'departed';
  segment: string | null;
  b: number | null;
  q: number | null;
  customers: number | bigint;
  units: number | bigint | null;
  [point: `b_${string}` | `q_${string}`]: number | null;
}

const countsAt = orderCountsAt;

/**
 * Every summary of the RFM report from one grouped scan of the orders: per customer the measures at
 * D (revenue as customerMeasures reads it: net revenue plus partial refunds made after D) and the
 * order count and last day at each earlier point (computed once), scored, then grouped
 * once by (segment, cell at D, cell at each earlier point). Segment sizes, the matrix and each
 * movement are sums over those few thousand rows, so no second pass over a million customers.
 */
export function rfmSummaryQuery(asOf: AsOf, earlier: readonly EarlierPoint[], f: SegmentFunctions): Sql {
  const day = sql`CAST(${asOf.day} AS DATE)`;
  const perPoint = earlier.map(
    (p) => sql`count(*) FILTER (WHERE ${countsAt(p.asOf)}) AS ${raw(`freq_${p.name}`)},
      max(o.local_day) FILTER (WHERE ${countsAt(p.asOf)}) AS ${raw(`last_${p.name}`)}`,
  );
  const cells = earlier.map((p) => {
    const freq = raw(`x.freq_${p.name}`);
    const recency = f.daysBetween(raw(`x.last_${p.name}`), sql`CAST(${p.asOf.day} AS DATE)`);
    return sql`CASE WHEN ${freq} > 0 THEN ${recencyBandIndexSql(recency)} END AS ${raw(`b_${p.name}`)},
      CASE WHEN ${freq} > 0 THEN ${frequencyBandIndexSql(freq)} END AS ${raw(`q_${p.name}`)}`;
  });
  const groups = join(
    Array.from({ length: 4 + 2 * earlier.length }, (_, i) => raw(String(i + 1))),
    ', ',
  );
  const tail = earlier.length > 0 ? sql`, ${join(cells)}` : raw('');
  return sql`WITH pc AS ${f.materialized()} (
      SELECT g.customer_key, g.frequency, g.last_day, g.monetary_exact + coalesce(late.amount, 0) AS monetary_exact,
        CAST(g.monetary_exact + coalesce(late.amount, 0) AS DOUBLE) AS monetary, g.recency
        ${earlier.length > 0 ? sql`, ${join(earlier.map((p) => raw(`g.freq_${p.name}, g.last_${p.name}`)))}` : raw('')}
      FROM (
        SELECT o.customer_key,
          count(*) FILTER (WHERE ${countsAt(asOf)}) AS frequency,
          max(o.local_day) FILTER (WHERE ${countsAt(asOf)}) AS last_day,
          coalesce(sum(o.revenue) FILTER (WHERE ${countsAt(asOf)}), 0) AS monetary_exact,
          ${f.daysBetween(sql`max(o.local_day) FILTER (WHERE ${countsAt(asOf)})`, day)} AS recency
          ${earlier.length > 0 ? sql`, ${join(perPoint)}` : raw('')}
        FROM orders o
        WHERE o.local_day <= ${day}
        GROUP BY o.customer_key) g
      LEFT JOIN ${refundsAfter(asOf)} late ON late.customer_key = g.customer_key)
    SELECT ${'scored'} AS kind, x.segment, ${recencyBandIndexSql(sql`x.recency`)} AS b, ${frequencyBandIndexSql(sql`x.frequency`)} AS q ${tail},
      count(*) AS customers, CAST(sum(x.monetary_exact) * 10000 AS BIGINT) AS units
    FROM ${scoreRelation(sql`(SELECT * FROM pc WHERE frequency > 0)`, f, { materialized: true })} x
    GROUP BY ${groups}
    UNION ALL
    SELECT ${'departed'}, NULL, NULL, NULL ${tail}, count(*), NULL
    FROM pc x WHERE x.frequency = 0
    GROUP BY ${groups}`;
}
