import { ident, raw, sql, type Dialect, type StoreTx } from '../../store/index.js';
import type { WorkspaceConfig } from '../../contract/index.js';
import { inList } from '../sql/in-list.js';
import { eventName } from './fact-tables.js';
import { MessagePaths } from './message-paths.js';
import { orderInScope, type RefreshScope } from './scope.js';

const orderEvents = [eventName.orderCompleted, eventName.orderRefunded, eventName.orderCancelled];

/**
 * Rebuilds the orders in scope from their events: one row per order_id, its first Order Completed
 * by time (whichever source sent it), net of partial refunds converted at the order's rate; a
 * cancellation or a refund of no amount, or refunds reaching the total, removes the order from the
 * time it happened (kept in `removed_at`, so revenue can still be read as of an earlier date).
 */
export async function buildOrders(tx: StoreTx, d: Dialect, scope: RefreshScope, workspace: WorkspaceConfig): Promise<number> {
  for (const table of ['orders', 'order_refunds', 'order_items']) {
    if (scope.kind === 'affected') await tx.run(sql`DELETE FROM ${ident(table)} WHERE ${orderInScope(scope, raw('order_id'))}`);
  }
  const m = new MessagePaths(d);
  const declared = sql`upper(${m.text(['properties', 'currency'])})`;
  const coupon = m.text(['properties', 'coupon']);
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE order_events AS
    SELECT e.seq, e.ts, e.event, e.order_id, e.amount, e.rate, e.amount_base, e.currency, e.channel, ${declared} AS declared_currency, ${coupon} AS coupon
    FROM (SELECT *, ${d.jsonTexts(raw('message'), m.paths)} AS j FROM events e
      WHERE e.type = ${'track'} AND ${inList(raw('e.event'), orderEvents)} AND e.order_id IS NOT NULL AND ${orderInScope(scope, raw('e.order_id'))}) e`);
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE first_orders AS
    SELECT * FROM (
      SELECT oe.*, ${d.localDate(raw('oe.ts'), workspace.reportingTimezone)} AS order_day,
        row_number() OVER (PARTITION BY oe.order_id ORDER BY oe.ts, oe.seq) AS rn
      FROM order_events oe WHERE oe.event = ${eventName.orderCompleted}) t
    WHERE rn = 1`);
  // A refund is in the order's currency unless it says otherwise; then it goes through the rate of the
  // order's day. Amounts are compared with the order's total in the order's currency, so two partial
  // refunds of exactly the total remove the order despite rounding in base currency.
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE order_adjustments AS
    WITH adjustments AS (
      SELECT a.order_id, a.seq, a.ts, a.event, f.amount AS order_amount, f.rate AS order_rate,
        CASE WHEN a.event = ${eventName.orderRefunded} AND a.amount IS NOT NULL THEN
          CASE WHEN a.declared_currency IS NULL OR a.declared_currency = f.currency OR f.rate IS NULL THEN a.amount
               WHEN a.declared_currency = ${workspace.baseCurrency} THEN a.amount / f.rate
               ELSE coalesce(a.amount * rr.rate_to_base / f.rate, a.amount) END
        END AS refund_amount
      FROM order_events a
      JOIN first_orders f ON f.order_id = a.order_id
      LEFT JOIN rates rr ON rr.currency = a.declared_currency AND rr.date = f.order_day
      WHERE a.event <> ${eventName.orderCompleted}),
    running AS (
      SELECT *, sum(coalesce(refund_amount, 0)) OVER (PARTITION BY order_id ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS refunded_so_far
      FROM adjustments)
    SELECT order_id, seq, ts, event,
      CAST(refund_amount * order_rate AS DECIMAL(18,4)) AS amount_base,
      (event = ${eventName.orderCancelled} OR refund_amount IS NULL OR refunded_so_far >= coalesce(order_amount, 0)) AS removes
    FROM running`);
  await tx.run(sql`INSERT INTO order_refunds (order_id, seq, ts, amount_base, removes) SELECT order_id, seq, ts, amount_base, removes FROM order_adjustments`);
  const inserted = await tx.run(sql`INSERT INTO orders (order_id, seq, customer_key, ts, local_day, currency, amount, rate, gross, refunded, revenue, removed_at, removal, channel, coupon)
    SELECT f.order_id, f.seq, ef.customer_key, f.ts, ef.local_day, f.currency, f.amount, f.rate,
      coalesce(f.amount_base, 0), coalesce(p.refunded, 0), coalesce(f.amount_base, 0) - coalesce(p.refunded, 0),
      rm.removed_at, rm.removal, f.channel, f.coupon
    FROM first_orders f
    JOIN event_facts ef ON ef.seq = f.seq
    LEFT JOIN (SELECT order_id, sum(amount_base) AS refunded FROM order_adjustments WHERE NOT removes GROUP BY order_id) p ON p.order_id = f.order_id
    LEFT JOIN (
      SELECT order_id, min(ts) AS removed_at,
        CASE WHEN min(CASE WHEN event = ${eventName.orderCancelled} THEN ts END) = min(ts) THEN ${'cancelled'} ELSE ${'refunded'} END AS removal
      FROM order_adjustments WHERE removes GROUP BY order_id) rm ON rm.order_id = f.order_id`);
  await tx.run(sql`DROP TABLE order_adjustments`);
  await tx.run(sql`DROP TABLE order_events`);
  return inserted;
}
