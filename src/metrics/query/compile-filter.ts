import { TesseraError } from '../../contract/index.js';
import { join, raw, sql, type Sql } from '../../store/index.js';
import type { Filter } from '../catalog/filter.js';
import type { EngineFunctions } from '../sql/engine-functions.js';
import { inList } from '../sql/in-list.js';
import type { FieldDef, JoinName } from './query-context.js';
import { lookupField, type SourceDef } from './sources.js';

/** What compiling filters of one measure needs and collects. */
export interface FilterScope {
  source: SourceDef;
  sourceName: string;
  f: EngineFunctions;
  /** Joins the compiled filters use, added to the measure's FROM. */
  joins: Set<JoinName>;
  /** The window the filters are evaluated for (`w`), and whether it joins on its previous window. */
  windowAlias: Sql;
}

/** The field a filter names, its join recorded; an unknown name is a definition error. */
export function resolveField(scope: FilterScope, name: string): FieldDef {
  const field = lookupField(scope.source, name);
  if (!field) throw new TesseraError('invalid_config', `source ${scope.sourceName} has no field ${name}`);
  if (field.join) scope.joins.add(field.join);
  return field;
}

const comparison = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** One filter as a SQL condition over the source row `s`, the window `w` and the presence table. */
export function compileFilter(filter: Filter, scope: FilterScope): Sql {
  switch (filter.op) {
    case 'customer_ordered': {
      const wid = filter.in === 'period' ? sql`${scope.windowAlias}.wid` : sql`${scope.windowAlias}.prev_wid`;
      const exists = sql`EXISTS (SELECT 1 FROM presence p WHERE p.customer_key = ${scope.source.customerKey} AND p.wid = ${wid})`;
      return filter.negate ? sql`NOT ${exists}` : exists;
    }
    case 'any':
      return sql`(${join(filter.filters.map((x) => compileFilter(x, scope)), ' OR ')})`;
    default:
      break;
  }
  const field = resolveField(scope, filter.field).sql;
  switch (filter.op) {
    case 'eq':
      return sql`${field} = ${filter.value}`;
    case 'neq':
      return sql`${field} IS DISTINCT FROM ${filter.value}`;
    case 'in':
      return inList(field, filter.values);
    case 'not_in':
      return sql`NOT ${inList(field, filter.values)}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = raw(comparison[filter.op]);
      if (typeof filter.value === 'object') {
        const bound = filter.value.period === 'start' ? sql`${scope.windowAlias}.start_day` : sql`${scope.windowAlias}.end_day`;
        return sql`${field} ${op} ${bound}`;
      }
      return sql`${field} ${op} ${filter.value}`;
    }
    case 'between':
      return sql`${field} BETWEEN ${filter.min} AND ${filter.max}`;
    case 'is_null':
      return sql`${field} IS NULL`;
    case 'not_null':
      return sql`${field} IS NOT NULL`;
    case 'is_true':
      return sql`${field} IS TRUE`;
    case 'is_false':
      return sql`${field} IS NOT TRUE`;
    case 'within_days_after':
      return sql`(${field} >= ${scope.source.ts} AND ${field} <= ${scope.f.addDays(scope.source.ts, filter.days)})`;
  }
}

/** Filters joined with AND (TRUE for none). */
export function compileFilters(filters: readonly Filter[], scope: FilterScope): Sql {
  if (filters.length === 0) return raw('TRUE');
  return join(filters.map((x) => sql`(${compileFilter(x, scope)})`), ' AND ');
}
