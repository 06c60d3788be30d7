import type { Sql } from '../../store/index.js';

/** Customers a query is restricted to: a list of customer ids, or a table or view with a `customer_id` column (a segment). */
export type SegmentFilter = { customerIds: readonly string[] } | { table: string };

/** What the SQL of one query depends on besides the metric. */
export interface QueryContext {
  /** Read orders and refunds as they stood at this instant (default: now). */
  asOf?: Date;
  segment?: SegmentFilter;
}

/** A join a field needs, rendered once per query however many fields use it. */
export type JoinName = 'customer' | 'country' | 'order_source' | 'session_revenue' | 'event_name';

export type FieldType = 'number' | 'text' | 'bool' | 'date' | 'timestamp' | 'key';

/** A field a definition may name: its SQL over the source's row `s`, and the join it needs. */
export interface FieldDef {
  type: FieldType;
  sql: Sql;
  join?: JoinName;
  /** Summed as this integer expression, then multiplied by `scale` (durations kept in ms, shown in seconds). */
  sum?: { sql: Sql; scale: number };
}
