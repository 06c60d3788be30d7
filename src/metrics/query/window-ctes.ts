import { sql, type Sql } from '../../store/index.js';
import type { EngineFunctions } from '../sql/engine-functions.js';
import type { QueryContext } from './query-context.js';
import { ordersRelation } from './relations.js';
import type { WindowPlan } from './window-plan.js';

/** `windows (wid, start_day, end_day, prev_wid)`: the windows of a plan, as a relation. */
export function windowsCte(plan: WindowPlan, f: EngineFunctions): Sql {
  const ws = plan.windows;
  return f.listRelation([
    { name: 'wid', type: 'int', values: ws.map((w) => String(w.wid)) },
    { name: 'start_day', type: 'date', values: ws.map((w) => w.start) },
    { name: 'end_day', type: 'date', values: ws.map((w) => w.end) },
    { name: 'prev_wid', type: 'int', values: ws.map((w) => (w.prevWid === null ? '-1' : String(w.prevWid))) },
  ]);
}

/** `day_map (day, wid)`: every day of every window, so facts join windows on equality, not ranges. */
export function dayMapCte(plan: WindowPlan, f: EngineFunctions): Sql {
  const { days, wids } = plan.dayMap();
  return f.listRelation([
    { name: 'day', type: 'date', values: days },
    { name: 'wid', type: 'int', values: wids },
  ]);
}

/** `presence (customer_key, wid)`: customers with an order that counts in each window. */
export function presenceCte(ctx: QueryContext): Sql {
  return sql`SELECT DISTINCT o.customer_key, dm.wid FROM ${ordersRelation(ctx)} o JOIN day_map dm ON dm.day = o.local_day`;
}
