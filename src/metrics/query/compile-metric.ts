import { join, sql, type Sql } from '../../store/index.js';
import { usesPresence, type Filter } from '../catalog/filter.js';
import type { Expression } from '../catalog/measure.js';
import type { MetricDefinition } from '../catalog/metric-definition.js';
import type { EngineFunctions } from '../sql/engine-functions.js';
import { compileMeasure, type MeasurePart } from './compile-measure.js';
import type { QueryContext } from './query-context.js';
import type { Dimension } from './sources.js';
import { dayMapCte, presenceCte, windowsCte } from './window-ctes.js';
import type { WindowPlan } from './window-plan.js';

/** What a part of the result is: a term of a column's numerator or denominator, or the dropped rows. */
export interface PartInfo {
  part: string;
  /** Column of a table metric; `value` for a series metric. */
  column: string;
  role: 'numerator' | 'denominator' | 'dropped';
  sign: 1 | -1;
  scale: number;
}

export interface CompiledMetric {
  sql: Sql;
  parts: PartInfo[];
}

/** True when any measure of the definition reads P−1 (its windows then need their previous window). */
export function needsPreviousWindows(def: MetricDefinition): boolean {
  const expressions = def.kind === 'table' ? def.columns.flatMap((c) => [c.numerator, c.denominator ?? []]) : [def.numerator, def.denominator ?? []];
  return expressions.flat().some((m) => m.window === 'previous_period' || m.where.some((f) => f.op === 'customer_ordered' && f.in === 'previous_period'));
}

interface ColumnSpec {
  id: string;
  numerator: Expression;
  denominator?: Expression;
  filters: readonly Filter[];
  valid: readonly Filter[];
}

/**
 * One statement computing every part of a metric for every window of the plan:
 * `WITH windows, day_map [, presence] SELECT part, wid, grp, v …` as a UNION ALL of its measures.
 */
export function compileMetric(def: MetricDefinition, plan: WindowPlan, options: { ctx: QueryContext; f: EngineFunctions; breakdown?: Dimension }): CompiledMetric {
  const columns: ColumnSpec[] =
    def.kind === 'table'
      ? def.columns.map((c) => ({ id: c.id, numerator: c.numerator, ...(c.denominator ? { denominator: c.denominator } : {}), filters: [], valid: [] }))
      : [{ id: 'value', numerator: def.numerator, ...(def.denominator ? { denominator: def.denominator } : {}), filters: def.filters, valid: def.valid }];
  const breakdown = def.kind === 'table' ? def.by : options.breakdown;
  const windows = plan.windows;
  const from = windows.reduce((min, w) => (w.start < min ? w.start : min), '9999-12-31');
  const compileOptions = { ctx: options.ctx, f: options.f, from, to: plan.end, ...(breakdown ? { breakdown } : {}) };

  const parts: PartInfo[] = [];
  const selects: Sql[] = [];
  let presence = false;
  const add = (spec: MeasurePart, info: Omit<PartInfo, 'part' | 'scale'>): void => {
    const compiled = compileMeasure(spec, compileOptions);
    parts.push({ ...info, part: spec.part, scale: compiled.scale });
    selects.push(compiled.sql);
    if ([...spec.filters, ...(spec.validity?.filters ?? [])].some(usesPresence)) presence = true;
  };
  columns.forEach((c, ci) => {
    const validity = c.valid.length > 0 ? { filters: c.valid, keep: 'valid' as const } : undefined;
    const terms = [
      ...c.numerator.map((m, i) => ({ m, role: 'numerator' as const, part: `c${ci}n${i}` })),
      ...(c.denominator ?? []).map((m, i) => ({ m, role: 'denominator' as const, part: `c${ci}d${i}` })),
    ];
    for (const t of terms) {
      add({ part: t.part, measure: t.m, filters: [...c.filters, ...t.m.where], ...(validity ? { validity } : {}) }, { column: c.id, role: t.role, sign: t.m.sign });
    }
    // Dropped rows: those the definition's filters select but its validity rules reject.
    const base = (c.denominator ?? c.numerator)[0];
    if (validity && base) {
      add(
        { part: `c${ci}x`, measure: { ...base, aggregate: 'count', where: [], window: 'period', sign: 1 }, filters: c.filters, validity: { filters: c.valid, keep: 'invalid' } },
        { column: c.id, role: 'dropped', sign: 1 },
      );
    }
  });

  const ctes = [sql`windows AS (${windowsCte(plan, options.f)})`, sql`day_map AS (${dayMapCte(plan, options.f)})`];
  if (presence) ctes.push(sql`presence AS (${presenceCte(options.ctx)})`);
  return { sql: sql`WITH ${join(ctes)}\n${join(selects, '\nUNION ALL\n')}`, parts };
}
