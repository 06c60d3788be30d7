import { sql, type Sql } from '../../store/index.js';
import type { EngineFunctions } from '../sql/engine-functions.js';
import type { JoinName, QueryContext } from './query-context.js';
import { customersRelation, ordersRelation } from './relations.js';

/**
 * The LEFT JOIN behind each join name, from the source row `s` (whose customer key column is
 * `customerKey`). Aliases are fixed: cu, cc, os, sr, en; fields refer to them.
 */
export function renderJoin(name: JoinName, customerKey: Sql, ctx: QueryContext, f: EngineFunctions): Sql {
  switch (name) {
    case 'customer':
      return sql`LEFT JOIN ${customersRelation(ctx)} cu ON cu.customer_key = ${customerKey}`;
    case 'country':
      return sql`LEFT JOIN customer_country cc ON cc.customer_key = ${customerKey}`;
    case 'order_source':
      // An order's traffic source is that of the first session it was completed in.
      return sql`LEFT JOIN (
          SELECT so.order_id, ${f.argMin(sql`ss.source`, sql`ss.start_ts`)} AS source
          FROM session_orders so JOIN sessions ss ON ss.session_id = so.session_id GROUP BY so.order_id
        ) os ON os.order_id = s.order_id`;
    case 'session_revenue':
      return sql`LEFT JOIN (
          SELECT so.session_id, sum(o.revenue) AS revenue FROM session_orders so JOIN ${ordersRelation(ctx)} o ON o.order_id = so.order_id GROUP BY so.session_id
        ) sr ON sr.session_id = s.session_id`;
    case 'event_name':
      return sql`LEFT JOIN event_names en ON en.code = s.event_code`;
  }
}
