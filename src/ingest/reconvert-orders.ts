import type { WorkspaceConfig } from '../contract/index.js';
import { raw, sql, type Dialect, type StoreTx } from '../store/index.js';

export interface Reconverted {
  /** Orders (Order Completed) whose rate and base amount were replaced. */
  orders: number;
  /** Refunds in a third currency that the facts convert through a changed rate (the event itself holds no rate). */
  refunds: number;
}

/**
 * Converts again, in the caller's transaction, the stored orders whose rate the temp table
 * `rate_changes` (date, currency, rate_to_base) replaced: an Order Completed in that currency whose
 * local date in the reporting zone is that date, as staging.ts converted it. Events are otherwise
 * never rewritten, so this is the only way a corrected rate reaches orders already loaded.
 */
export async function reconvertStoredOrders(tx: StoreTx, d: Dialect, workspace: WorkspaceConfig): Promise<Reconverted> {
  const [range] = await tx.query<{ lo: string | null; hi: string | null }>(sql`SELECT CAST(min(date) AS VARCHAR) AS lo, CAST(max(date) AS VARCHAR) AS hi FROM rate_changes`);
  if (!range?.lo || !range.hi) return { orders: 0, refunds: 0 };
  // A local date lies within a day either side of the same UTC date (offsets run from -12 h to +14 h):
  // a bound on ts lets the scan skip the rest of the log by its zone maps.
  const near = (ts: string) => sql`${raw(ts)} >= CAST(${range.lo} AS DATE) - INTERVAL 1 DAY AND ${raw(ts)} < CAST(${range.hi} AS DATE) + INTERVAL 2 DAY`;
  const orders = await tx.run(sql`UPDATE events SET rate = c.rate_to_base, amount_base = CAST(events.amount * c.rate_to_base AS DECIMAL(18,4))
    FROM rate_changes c
    WHERE events.event = ${'Order Completed'} AND events.amount IS NOT NULL AND events.currency = c.currency AND events.currency <> ${workspace.baseCurrency}
      AND ${near('events.ts')} AND ${d.localDate(raw('events.ts'), workspace.reportingTimezone)} = c.date
      AND events.rate IS DISTINCT FROM c.rate_to_base`);
  // build-orders.ts converts a refund declared in neither the order's currency nor the base one at
  // the rate of its currency on the order's day; such refunds are rare, so they are found by a join.
  const [refunds] = await tx.query<{ n: number }>(sql`SELECT count(*) AS n FROM events r
    JOIN rate_changes c ON c.currency = r.currency
    JOIN events o ON o.order_id = r.order_id AND o.event = ${'Order Completed'} AND ${d.localDate(raw('o.ts'), workspace.reportingTimezone)} = c.date
    WHERE r.event = ${'Order Refunded'} AND r.currency <> ${workspace.baseCurrency} AND o.currency IS DISTINCT FROM r.currency`);
  return { orders, refunds: Number(refunds?.n ?? 0) };
}
