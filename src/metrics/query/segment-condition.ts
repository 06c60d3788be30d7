import { ident, sql, type Sql } from '../../store/index.js';
import type { EngineFunctions } from '../sql/engine-functions.js';
import type { SegmentFilter } from './query-context.js';

/** `customerKey` belongs to the segment: a list of customer ids, or a table of `customer_id`s. */
export function segmentCondition(segment: SegmentFilter, customerKey: Sql, f: EngineFunctions): Sql {
  const members =
    'table' in segment
      ? sql`SELECT ck.key FROM customer_keys ck JOIN ${ident(segment.table)} seg ON seg.customer_id = ck.id`
      : sql`SELECT ck.key FROM customer_keys ck JOIN (${f.listRelation([{ name: 'id', type: 'text', values: segment.customerIds }])}) seg ON seg.id = ck.id`;
  return sql`${customerKey} IN (${members})`;
}
