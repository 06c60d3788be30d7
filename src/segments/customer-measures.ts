import { sql, type Sql } from '../store/index.js';
import type { AsOf } from './as-of.js';
import type { SegmentFunctions } from './segment-sql.js';

/**
 * Per customer with at least one order that counts as of the end of D: recency (whole days from the
 * last order's day to D), frequency (orders) and monetary (revenue). An order counts when it was
 * placed by the end of D and not removed (fully refunded, cancelled) by then; partial refunds made
 * after D are not yet taken off. Columns: customer_key, first_day, last_day, recency, frequency, monetary.
 */
export function customerMeasures(asOf: AsOf, f: SegmentFunctions): Sql {
  const day = sql`CAST(${asOf.day} AS DATE)`;
  return sql`(SELECT o.customer_key, min(o.local_day) AS first_day, max(o.local_day) AS last_day,
      ${f.daysBetween(sql`max(o.local_day)`, day)} AS recency,
      count(*) AS frequency,
      CAST(sum(o.gross - coalesce(r.refunded, 0)) AS DOUBLE) AS monetary
    FROM orders o
    LEFT JOIN (SELECT order_id, sum(amount_base) AS refunded FROM order_refunds
               WHERE NOT removes AND ts < ${asOf.end} GROUP BY order_id) r ON r.order_id = o.order_id
    WHERE o.local_day <= ${day} AND (o.removed_at IS NULL OR o.removed_at >= ${asOf.end})
    GROUP BY o.customer_key)`;
}
