import { TesseraError } from '../../contract/index.js';
import { join, raw, sql, type Sql } from '../../store/index.js';
import { dependsOnPeriod, type Filter } from '../catalog/filter.js';
import type { Measure } from '../catalog/measure.js';
import type { EngineFunctions } from '../sql/engine-functions.js';
import { compileFilters, resolveField, type FilterScope } from './compile-filter.js';
import { renderJoin } from './joins.js';
import type { QueryContext } from './query-context.js';
import { segmentCondition } from './segment-condition.js';
import { sources, type Dimension } from './sources.js';

/** One aggregate of a compiled metric: which rows (filters) and which rows are excluded (`invalid`). */
export interface MeasurePart {
  /** Label of this part's rows in the result (`n0`, `d0`, `x`). */
  part: string;
  measure: Measure;
  /** The definition's filters and the measure's own `where`. */
  filters: readonly Filter[];
  /** Validity filters: kept rows must pass them (`valid`), or fail them (`invalid`, the dropped rows). */
  validity?: { filters: readonly Filter[]; keep: 'valid' | 'invalid' };
}

export interface CompileOptions {
  ctx: QueryContext;
  f: EngineFunctions;
  breakdown?: Dimension;
  /** First day of any window and the day after the last (bounds the scan). */
  from: string;
  to: string;
}

export interface CompiledPart {
  sql: Sql;
  /** Multiply the part's values by this (a sum kept in integer units). */
  scale: number;
}

const day = (text: string): Sql => sql`CAST(${text} AS DATE)`;

/**
 * The SQL of one measure as rows `(part, wid, grp, v)`: its aggregate per window of the plan (and
 * per breakdown value). Window-independent sums and counts are pre-aggregated per day before the
 * day map multiplies them into windows; distinct counts and filters that depend on the period are
 * evaluated per row and window; "to date" reads every day before the window's end.
 */
export function compileMeasure(spec: MeasurePart, options: CompileOptions): CompiledPart {
  const { measure } = spec;
  const source = sources[measure.source];
  const scope: FilterScope = { source, sourceName: measure.source, f: options.f, joins: new Set(), windowAlias: raw('w') };
  const conditions: Sql[] = [compileFilters(spec.filters, scope)];
  if (spec.validity && spec.validity.filters.length > 0) {
    const valid = compileFilters(spec.validity.filters, scope);
    conditions.push(spec.validity.keep === 'valid' ? valid : sql`NOT coalesce(${valid}, FALSE)`);
  }
  if (options.ctx.segment) conditions.push(segmentCondition(options.ctx.segment, source.customerKey, options.f));

  let group: Sql = sql`CAST(NULL AS VARCHAR)`;
  if (options.breakdown) {
    const dim = source.dimensions[options.breakdown];
    if (!dim) throw new TesseraError('invalid_argument', `cannot break down by ${options.breakdown}: ${measure.source} have no ${options.breakdown}`);
    if (dim.join) scope.joins.add(dim.join);
    group = sql`CAST(${dim.sql} AS VARCHAR)`;
  }

  let scale = 1;
  let aggregate: Sql;
  let distinctOf: Sql | undefined;
  if (measure.aggregate === 'count') aggregate = sql`count(*)`;
  else {
    const field = resolveField(scope, measure.field ?? '');
    if (measure.aggregate === 'count_distinct') {
      distinctOf = field.sql;
      aggregate = sql`count(DISTINCT ${field.sql})`;
    } else if (field.sum) {
      aggregate = sql`sum(${field.sum.sql})`;
      scale = field.sum.scale;
    } else aggregate = sql`sum(${field.sql})`;
  }

  const joins = join([...scope.joins].map((name) => renderJoin(name, source.customerKey, options.ctx, options.f)), '\n');
  const from = sql`${source.relation(options.ctx)} s ${joins}`;
  const where = join(conditions, ' AND ');
  const part = sql`${spec.part}`;
  const windowDependent = spec.filters.some(dependsOnPeriod) || (spec.validity?.filters.some(dependsOnPeriod) ?? false);

  if (measure.window === 'to_date') {
    if (windowDependent) throw new TesseraError('invalid_config', 'a to_date measure cannot filter on its period');
    const perDay = distinctOf
      ? sql`SELECT m_day, m_group, count(*) AS m_value FROM (
            SELECT ${distinctOf} AS m_entity, ${group} AS m_group, min(${source.day}) AS m_day FROM ${from}
            WHERE ${where} AND ${source.day} < ${day(options.to)} GROUP BY m_entity, m_group) e
          GROUP BY m_day, m_group`
      : sql`SELECT ${source.day} AS m_day, ${group} AS m_group, ${aggregate} AS m_value FROM ${from}
          WHERE ${where} AND ${source.day} < ${day(options.to)} GROUP BY m_day, m_group`;
    return {
      scale,
      sql: sql`SELECT ${part} AS part, w.wid, d.m_group AS grp, CAST(sum(d.m_value) AS DOUBLE) AS v
        FROM (${perDay}) d JOIN windows w ON d.m_day < w.end_day
        GROUP BY w.wid, d.m_group`,
    };
  }

  const windowJoin = measure.window === 'previous_period' ? sql`w.prev_wid = dm.wid` : sql`w.wid = dm.wid`;
  const inRange = sql`${source.day} >= ${day(options.from)} AND ${source.day} < ${day(options.to)}`;
  if (!windowDependent && !distinctOf) {
    // At most one row per day and group: a range join on the few windows beats a hash join through
    // the day map (measured in bench/metrics.ts: about 3× on a monthly series of two years).
    const counted = measure.window === 'previous_period' ? sql`JOIN windows pw ON pw.wid = w.prev_wid` : sql``;
    const span = measure.window === 'previous_period' ? raw('pw') : raw('w');
    return {
      scale,
      sql: sql`SELECT ${part} AS part, w.wid, d.m_group AS grp, CAST(sum(d.m_value) AS DOUBLE) AS v
        FROM windows w ${counted}
        JOIN (SELECT ${source.day} AS m_day, ${group} AS m_group, ${aggregate} AS m_value FROM ${from}
              WHERE ${where} AND ${inRange} GROUP BY m_day, m_group) d
          ON d.m_day >= ${span}.start_day AND d.m_day < ${span}.end_day
        GROUP BY w.wid, d.m_group`,
    };
  }
  return {
    scale,
    sql: sql`SELECT ${part} AS part, w.wid, ${group} AS grp, CAST(${aggregate} AS DOUBLE) AS v
      FROM ${from}
      JOIN day_map dm ON dm.day = ${source.day}
      JOIN windows w ON ${windowJoin}
      WHERE ${where} AND ${inRange}
      GROUP BY w.wid, grp`,
  };
}
