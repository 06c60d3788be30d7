import { sql, type Sql } from '../store/index.js';
import { orderDays } from './order-days-query.js';

/**
 * Per customer whose first purchase day is on or before `calibrationEnd`: that first day, the last
 * purchase day up to `calibrationEnd`, the number of repeat purchase days x, the revenue of those
 * repeat days, and the purchase days in the holdout (`calibrationEnd`, `holdoutEnd`]. Days are
 * whole days since 1970-01-01, customers in id order so results are reproducible.
 */
export function customerHistories(calibrationEnd: number, holdoutEnd: number): Sql {
  return sql`WITH days AS (${orderDays(holdoutEnd)}),
    firsts AS (SELECT customer_key, min(day) AS first_day FROM days GROUP BY customer_key)
    SELECT k.id AS customer_id, f.first_day,
      max(d.day) FILTER (WHERE d.day <= ${calibrationEnd}) AS last_day,
      CAST(count(*) FILTER (WHERE d.day <= ${calibrationEnd}) - 1 AS INTEGER) AS frequency,
      CAST(coalesce(sum(d.amount) FILTER (WHERE d.day <= ${calibrationEnd} AND d.day > f.first_day), 0) AS DOUBLE) AS repeat_total,
      CAST(count(*) FILTER (WHERE d.day > ${calibrationEnd}) AS INTEGER) AS holdout
    FROM days d
    JOIN firsts f ON f.customer_key = d.customer_key
    JOIN customer_keys k ON k.key = d.customer_key
    WHERE f.first_day <= ${calibrationEnd}
    GROUP BY k.id, f.first_day
    ORDER BY k.id`;
}
