import { sql, type Sql } from '../store/index.js';

/**
 * Every line of the orders that count (not fully refunded or cancelled), with its order's customer
 * and the product it names: product_id, else sku, else name, since exports carry different ones.
 */
export function basketLines(): Sql {
  return sql`SELECT i.order_id, k.id AS customer_id, coalesce(i.product_id, i.sku, i.name) AS item
    FROM order_items i
    JOIN orders o ON o.order_id = i.order_id
    JOIN customer_keys k ON k.key = o.customer_key
    WHERE o.removed_at IS NULL AND coalesce(i.product_id, i.sku, i.name) IS NOT NULL
    ORDER BY i.order_id, i.position`;
}
