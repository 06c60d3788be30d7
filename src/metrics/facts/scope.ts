import { raw, sql, type Sql } from '../../store/index.js';

/**
 * Which rows a refresh step rebuilds: everything (a full rebuild), or the customers and orders
 * that new events or identity changes touched, listed in the temp tables `affected_keys` and
 * `affected_orders`.
 */
export type RefreshScope = { kind: 'all' } | { kind: 'affected' };

/** `column` is a customer key the step must rebuild. */
export function keyInScope(scope: RefreshScope, column: Sql): Sql {
  return scope.kind === 'all' ? raw('TRUE') : sql`${column} IN (SELECT key FROM affected_keys)`;
}

/** `column` is an order id the step must rebuild. */
export function orderInScope(scope: RefreshScope, column: Sql): Sql {
  return scope.kind === 'all' ? raw('TRUE') : sql`${column} IN (SELECT order_id FROM affected_orders)`;
}
