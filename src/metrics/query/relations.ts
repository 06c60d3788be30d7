import { sql, type Sql } from '../../store/index.js';
import type { QueryContext } from './query-context.js';

/**
 * The orders that count: not removed, revenue net of partial refunds. As of an instant, an order
 * removed later still counts, later refunds are not yet taken off, and later orders do not exist.
 */
export function ordersRelation(ctx: QueryContext): Sql {
  if (!ctx.asOf) return sql`(SELECT * FROM orders WHERE removed_at IS NULL)`;
  return sql`(SELECT o.order_id, o.seq, o.customer_key, o.ts, o.local_day, o.currency, o.amount, o.rate, o.gross,
      coalesce(r.refunded, 0) AS refunded, o.gross - coalesce(r.refunded, 0) AS revenue, o.removed_at, o.removal, o.channel, o.coupon
    FROM orders o
    LEFT JOIN (SELECT order_id, sum(amount_base) AS refunded FROM order_refunds WHERE NOT removes AND ts <= ${ctx.asOf} GROUP BY order_id) r ON r.order_id = o.order_id
    WHERE (o.removed_at IS NULL OR o.removed_at > ${ctx.asOf}) AND o.ts <= ${ctx.asOf})`;
}

/** Per customer with an order that counts: first and second order (stored, or computed as of an instant). */
export function customersRelation(ctx: QueryContext): Sql {
  if (!ctx.asOf) return sql`customer_orders`;
  return sql`(SELECT customer_key, max(CASE WHEN n = 1 THEN ts END) AS first_order_ts, max(CASE WHEN n = 1 THEN local_day END) AS local_day,
      max(CASE WHEN n = 2 THEN ts END) AS second_order_ts, max(CASE WHEN n = 2 THEN local_day END) AS second_order_day,
      count(*) AS orders, sum(revenue) AS revenue
    FROM (SELECT customer_key, ts, local_day, revenue, row_number() OVER (PARTITION BY customer_key ORDER BY ts, order_id) AS n FROM ${ordersRelation(ctx)} o) t
    GROUP BY customer_key)`;
}

/** Line items of the orders that count, with their order's currency. */
export function orderItemsRelation(ctx: QueryContext): Sql {
  return sql`(SELECT i.*, o.currency FROM order_items i JOIN ${ordersRelation(ctx)} o ON o.order_id = i.order_id)`;
}

/** Event facts of one track event name. */
export function eventRelation(name: string): Sql {
  return sql`(SELECT * FROM event_facts WHERE event_code = (SELECT code FROM event_names WHERE name = ${name}))`;
}
