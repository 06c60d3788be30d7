import { raw, sql, type Dialect, type StoreTx } from '../../store/index.js';
import { engineFunctions } from '../sql/engine-functions.js';

/**
 * Line items of the orders just rebuilt (temp table `first_orders` from buildOrders): the
 * `properties.products[]` of each order's first Order Completed, prices at the order's rate.
 */
export async function buildOrderItems(tx: StoreTx, d: Dialect): Promise<number> {
  const f = engineFunctions(d);
  const item = (key: string) => sql`nullif(trim(${f.jsonItemText(raw('x.item'), key)}), '')`;
  const price = f.tryNumber(f.jsonItemText(raw('x.item'), 'price'));
  const quantity = sql`coalesce(${f.tryNumber(f.jsonItemText(raw('x.item'), 'quantity'))}, 1)`;
  const inserted = await tx.run(sql`INSERT INTO order_items (order_id, customer_key, ts, local_day, position, product_id, sku, name, category, price, quantity, revenue)
    SELECT o.order_id, o.customer_key, o.ts, o.local_day, x.pos, ${item('product_id')}, ${item('sku')}, ${item('name')}, ${item('category')},
      CAST(${price} * o.rate AS DECIMAL(18,4)), ${quantity}, CAST(${price} * ${quantity} * o.rate AS DECIMAL(18,4))
    FROM (
      SELECT fo.order_id, ${f.unnestWithPosition(f.jsonArray(raw('e.message'), ['properties', 'products']), 'item', 'pos')}
      FROM first_orders fo JOIN events e ON e.seq = fo.seq) x
    JOIN orders o ON o.order_id = x.order_id`);
  await tx.run(sql`DROP TABLE first_orders`);
  return inserted;
}
