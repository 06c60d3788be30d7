import type { RetentionWindow, RetentionWindowName } from '../contract/index.js';
import { join, raw, sql, type Dialect, type Sql } from '../store/index.js';
import { asOfDay, type AsOf } from './as-of.js';
import { ruleRelation } from './compile-rule.js';
import { customerMeasures } from './customer-measures.js';
import { scoreRelation } from './rfm-query.js';
import type { Rule } from './rule-definition.js';
import { segmentFunctions } from './segment-sql.js';

/** A stored rule segment to evaluate at each window's last day. */
export interface RetentionRule {
  id: string;
  rule: Rule;
}

/**
 * One tagged row of the retention query (`row_kind`):
 * - `sales`: a segment in a window (`point`): members, buying customers, orders, revenue;
 * - `product`: one of a segment's top 5 products in the current window (`rank`);
 * - `yoy`: a rule segment's members at D who were members on last year's day too (`stayed`);
 * - `move`: RFM customers from segment `seg` (NULL: not scored a year earlier) to `seg_to` (NULL: not scored at D).
 */
export interface RetentionRow {
  row_kind: 'sales' | 'product' | 'yoy' | 'move';
  point: RetentionWindowName | null;
  seg_kind: 'rfm' | 'rule';
  seg: string | null;
  seg_to: string | null;
  product_id: string | null;
  sku: string | null;
  name: string | null;
  category: string | null;
  rank: number | null;
  members: number | null;
  customers: number | null;
  orders: number | null;
  revenue: number | null;
  quantity: number | null;
  stayed: number | null;
}

const TOP_PRODUCTS = 5;

/**
 * The whole retention view in one query, so each segment is evaluated once per window day and the
 * customer measures and RFM scores once per day for all of them: `wo` holds the orders of the
 * three windows as known at the end of D (placed by D, not removed by then, partial refunds up to
 * then taken off); `mem` the members of every RFM named segment and every rule segment as of each
 * window's last day. Everything else is grouped from those two.
 */
export function retentionQuery(d: Dialect, asOf: AsOf, timezone: string, windows: Record<RetentionWindowName, RetentionWindow>, rules: readonly RetentionRule[]): Sql {
  const f = segmentFunctions(d);
  const names = Object.keys(windows) as RetentionWindowName[];
  const date = (day: string) => sql`CAST(${day} AS DATE)`;
  const earliest = names.map((n) => windows[n].from).sort()[0] ?? asOf.day;
  const windowRows = names.map((n) => sql`(${n}, ${date(windows[n].from)}, ${date(windows[n].to)})`);
  // Per window day: the measures and RFM scores once, read by the RFM rows and by every rule's leaves.
  const perPoint = names.flatMap((n) => {
    const at: AsOf = n === 'current' ? asOf : asOfDay(windows[n].to, timezone);
    return [
      sql`${raw(`meas_${n}`)} AS ${f.materialized()} (SELECT * FROM ${customerMeasures(at, f)} m0)`,
      sql`${raw(`rfm_${n}`)} AS ${f.materialized()} (SELECT * FROM ${scoreRelation(raw(`meas_${n}`), f, { materialized: true })} s0)`,
    ];
  });
  const members = names.flatMap((n) => {
    const at: AsOf = n === 'current' ? asOf : asOfDay(windows[n].to, timezone);
    const provided = { measures: raw(`meas_${n}`), rfm: raw(`rfm_${n}`) };
    return [
      sql`SELECT ${n} AS point, ${'rfm'} AS seg_kind, x.segment AS seg, x.customer_key FROM ${raw(`rfm_${n}`)} x`,
      ...rules.map((r) => sql`SELECT ${n}, ${'rule'}, ${r.id}, c.key FROM ${ruleRelation(r.rule, { dialect: d, asOf: at }, provided)} c`),
    ];
  });
  const none = sql`CAST(NULL AS VARCHAR)`;
  const noNumber = sql`CAST(NULL AS DOUBLE)`;
  return sql`WITH ${join(perPoint)},
    wo AS ${f.materialized()} (
      SELECT w.point, o.order_id, o.customer_key, o.gross - coalesce(r.refunded, 0) AS revenue
      FROM orders o
      LEFT JOIN (SELECT order_id, sum(amount_base) AS refunded FROM order_refunds WHERE NOT removes AND ts < ${asOf.end} GROUP BY order_id) r ON r.order_id = o.order_id
      JOIN (SELECT * FROM (VALUES ${join(windowRows)}) AS t(point, d0, d1)) w ON o.local_day BETWEEN w.d0 AND w.d1
      WHERE o.local_day >= ${date(earliest)} AND o.local_day <= ${date(asOf.day)} AND (o.removed_at IS NULL OR o.removed_at >= ${asOf.end})),
    -- one row per buyer and window, so segments count buyers without count(DISTINCT)
    buyers AS (SELECT point, customer_key, count(*) AS orders, sum(revenue) AS revenue FROM wo GROUP BY 1, 2),
    mem AS ${f.materialized()} (${join(members, ' UNION ALL ')}),
    products AS (
      SELECT m.seg_kind, m.seg, coalesce(i.product_id, i.sku, i.name) AS pkey, min(i.product_id) AS product_id, min(i.sku) AS sku, min(i.name) AS name,
        min(i.category) AS category, count(DISTINCT w.customer_key) AS customers, count(DISTINCT w.order_id) AS orders,
        CAST(sum(i.revenue) AS DOUBLE) AS revenue, CAST(sum(i.quantity) AS DOUBLE) AS quantity
      FROM mem m JOIN wo w ON w.customer_key = m.customer_key AND w.point = ${'current'} JOIN order_items i ON i.order_id = w.order_id
      WHERE m.point = ${'current'}
      GROUP BY 1, 2, 3),
    ranked AS (SELECT *, row_number() OVER (PARTITION BY seg_kind, seg ORDER BY revenue DESC, pkey NULLS LAST) AS rank FROM products)
    SELECT ${'sales'} AS row_kind, m.point, m.seg_kind, m.seg, ${none} AS seg_to, ${none} AS product_id, ${none} AS sku, ${none} AS name, ${none} AS category,
      CAST(NULL AS BIGINT) AS rank, count(*) AS members, count(b.customer_key) AS customers, coalesce(sum(b.orders), 0) AS orders,
      CAST(coalesce(sum(b.revenue), 0) AS DOUBLE) AS revenue, ${noNumber} AS quantity, CAST(NULL AS BIGINT) AS stayed
    FROM mem m LEFT JOIN buyers b ON b.point = m.point AND b.customer_key = m.customer_key
    GROUP BY m.point, m.seg_kind, m.seg
    UNION ALL
    SELECT ${'product'}, ${'current'}, seg_kind, seg, NULL, product_id, sku, name, category, rank, NULL, customers, orders, revenue, quantity, NULL
    FROM ranked WHERE rank <= ${TOP_PRODUCTS}
    UNION ALL
    -- members at D who were members a year earlier too; entered and left follow from the sizes (RFM
    -- segments read it off the movement's diagonal)
    SELECT ${'yoy'}, NULL, a.seg_kind, a.seg, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*)
    FROM mem a
    WHERE a.point = ${'current'} AND a.seg_kind = ${'rule'}
      AND EXISTS (SELECT 1 FROM mem b WHERE b.point = ${'last_year'} AND b.seg_kind = a.seg_kind AND b.seg = a.seg AND b.customer_key = a.customer_key)
    GROUP BY a.seg_kind, a.seg
    UNION ALL
    SELECT ${'move'}, NULL, ${'rfm'}, a.segment, b.segment, NULL, NULL, NULL, NULL, NULL, count(*), NULL, NULL, NULL, NULL, NULL
    FROM rfm_last_year a FULL OUTER JOIN rfm_current b ON b.customer_key = a.customer_key
    GROUP BY a.segment, b.segment`;
}
