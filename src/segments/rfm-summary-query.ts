import { join, raw, sql, type Sql } from '../store/index.js';
import type { AsOf } from './as-of.js';
import { frequencyBandSql, recencyBandSql } from './rf-matrix.js';
import { scoreRelation } from './rfm-query.js';
import type { SegmentFunctions } from './segment-sql.js';

/** An earlier date whose matrix the movement starts from, under a name of ours (`year`, `month`). */
export interface EarlierPoint {
  name: 'year' | 'month';
  asOf: AsOf;
}

/** One row of the summary: what it is (`kind`), its labels, customers and revenue. */
export interface SummaryRow {
  kind: 'segment' | 'matrix' | 'year' | 'month' | 'departed_year' | 'departed_month';
  a: string | null;
  b: string | null;
  c: string | null;
  d: string | null;
  customers: number;
  revenue: number | null;
}

/** An order counts at a point: placed by the end of its day and not removed by then. */
const countsAt = (p: AsOf) => sql`o.local_day <= CAST(${p.day} AS DATE) AND (o.removed_at IS NULL OR o.removed_at >= ${p.end})`;

/**
 * Every summary of the RFM report in one query over one scan of the orders: per customer the
 * measures at D and the order count and last day at each earlier point (a materialized CTE), then
 * segment sizes, the matrix, each movement and the departed, as tagged rows. Computing the
 * measures once instead of once per summary is what keeps this near one grouped scan at 1M customers.
 */
export function rfmSummaryQuery(asOf: AsOf, earlier: readonly EarlierPoint[], f: SegmentFunctions): Sql {
  const day = sql`CAST(${asOf.day} AS DATE)`;
  const perPoint = earlier.map(
    (p) => sql`count(*) FILTER (WHERE ${countsAt(p.asOf)}) AS ${raw(`freq_${p.name}`)},
      max(o.local_day) FILTER (WHERE ${countsAt(p.asOf)}) AS ${raw(`last_${p.name}`)}`,
  );
  const movement = earlier.map((p) => {
    const freq = raw(`pc.freq_${p.name}`);
    const recency = f.daysBetween(raw(`pc.last_${p.name}`), sql`CAST(${p.asOf.day} AS DATE)`);
    return sql`SELECT ${p.name} AS kind,
        CASE WHEN ${freq} = 0 THEN ${'new'} ELSE ${recencyBandSql(recency)} END AS a,
        CASE WHEN ${freq} = 0 THEN NULL ELSE ${frequencyBandSql(freq)} END AS b,
        ${recencyBandSql(sql`pc.recency`)} AS c, ${frequencyBandSql(sql`pc.frequency`)} AS d, count(*) AS customers, NULL AS revenue
      FROM now pc GROUP BY 1, 2, 3, 4, 5
      UNION ALL
      SELECT ${`departed_${p.name}`}, NULL, NULL, NULL, NULL, count(*), NULL FROM pc WHERE pc.frequency = 0 AND ${freq} > 0`;
  });
  return sql`WITH pc AS ${f.materialized()} (
      SELECT o.customer_key,
        count(*) FILTER (WHERE ${countsAt(asOf)}) AS frequency,
        max(o.local_day) FILTER (WHERE ${countsAt(asOf)}) AS last_day,
        CAST(coalesce(sum(o.gross - coalesce(r.refunded, 0)) FILTER (WHERE ${countsAt(asOf)}), 0) AS DOUBLE) AS monetary,
        ${f.daysBetween(sql`max(o.local_day) FILTER (WHERE ${countsAt(asOf)})`, day)} AS recency
        ${earlier.length > 0 ? sql`, ${join(perPoint)}` : raw('')}
      FROM orders o
      LEFT JOIN (SELECT order_id, sum(amount_base) AS refunded FROM order_refunds
                 WHERE NOT removes AND ts < ${asOf.end} GROUP BY order_id) r ON r.order_id = o.order_id
      WHERE o.local_day <= ${day}
      GROUP BY o.customer_key),
    now AS (SELECT * FROM pc WHERE frequency > 0)
    SELECT ${'segment'} AS kind, segment AS a, NULL AS b, NULL AS c, NULL AS d, count(*) AS customers, sum(monetary) AS revenue
      FROM ${scoreRelation(sql`now`, f)} s GROUP BY 1, 2
    UNION ALL
    SELECT ${'matrix'}, ${recencyBandSql(sql`recency`)}, ${frequencyBandSql(sql`frequency`)}, NULL, NULL, count(*), sum(monetary) FROM now GROUP BY 1, 2, 3
    ${earlier.length > 0 ? sql`UNION ALL ${join(movement, ' UNION ALL ')}` : raw('')}`;
}
