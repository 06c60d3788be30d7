import { sql, type Sql } from '../store/index.js';
import type { AsOf } from './as-of.js';
import type { SegmentFunctions } from './segment-sql.js';

/** An order counts at a point: placed by the end of its day and not removed (fully refunded, cancelled) by then. */
export function orderCountsAt(asOf: AsOf): Sql {
  return sql`o.local_day <= CAST(${asOf.day} AS DATE) AND (o.removed_at IS NULL OR o.removed_at >= ${asOf.end})`;
}

/**
 * Per customer, the partial refunds made after D on orders that count at D (columns customer_key,
 * amount). `orders.revenue` has every partial refund taken off, so revenue as of D is revenue plus
 * these: the same decimal as gross less the refunds made by D, without joining a million orders to
 * their refunds by order id (usually there are none after D, and this is empty).
 */
export function refundsAfter(asOf: AsOf): Sql {
  return sql`(SELECT o.customer_key, sum(r.amount_base) AS amount
    FROM order_refunds r JOIN orders o ON o.order_id = r.order_id
    WHERE NOT r.removes AND r.ts >= ${asOf.end} AND ${orderCountsAt(asOf)}
    GROUP BY o.customer_key)`;
}

/**
 * Per customer with at least one order that counts as of the end of D: recency (whole days from the
 * last order's day to D), frequency (orders) and monetary (revenue). An order counts when it was
 * placed by the end of D and not removed (fully refunded, cancelled) by then; partial refunds made
 * after D are not yet taken off. Columns: customer_key, first_day, last_day, recency, frequency, monetary.
 */
export function customerMeasures(asOf: AsOf, f: SegmentFunctions): Sql {
  const day = sql`CAST(${asOf.day} AS DATE)`;
  return sql`(SELECT g.customer_key, g.first_day, g.last_day, ${f.daysBetween(sql`g.last_day`, day)} AS recency, g.frequency,
      CAST(g.revenue + coalesce(late.amount, 0) AS DOUBLE) AS monetary
    FROM (SELECT o.customer_key, min(o.local_day) AS first_day, max(o.local_day) AS last_day, count(*) AS frequency, sum(o.revenue) AS revenue
          FROM orders o WHERE ${orderCountsAt(asOf)} GROUP BY o.customer_key) g
    LEFT JOIN ${refundsAfter(asOf)} late ON late.customer_key = g.customer_key)`;
}
