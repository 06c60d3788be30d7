import { sql, type Sql } from '../store/index.js';

/**
 * Days since 1970-01-01 of a DATE expression. Date arithmetic is spelled differently by every
 * engine; `date_diff('day', …)` is one that DuckDB and ClickHouse share.
 */
export function epochDay(date: Sql): Sql {
  return sql`CAST(date_diff('day', CAST(${'1970-01-01'} AS DATE), ${date}) AS INTEGER)`;
}

/**
 * Purchase days of every customer: one row per (customer_key, local_day) with the day's revenue
 * summed, as the customer-base models count purchases. Fully refunded or cancelled orders are no
 * purchases; partial refunds are already netted out of `revenue`.
 */
export function orderDays(throughDay: number): Sql {
  // The amount stays a decimal: a sum of doubles depends on the order DuckDB's threads add them in, and the
  // Gamma-Gamma fit on a small shop then landed on different points of a flat likelihood from run to run.
  return sql`SELECT customer_key, ${epochDay(sql`local_day`)} AS day, sum(revenue) AS amount
    FROM orders
    WHERE removed_at IS NULL AND ${epochDay(sql`local_day`)} <= ${throughDay}
    GROUP BY customer_key, local_day`;
}

/** First and last purchase day (days since 1970-01-01) over all orders that count. */
export function orderDayRange(): Sql {
  return sql`SELECT min(${epochDay(sql`local_day`)}) AS first_day, max(${epochDay(sql`local_day`)}) AS last_day
    FROM orders WHERE removed_at IS NULL`;
}
