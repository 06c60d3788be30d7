import { TesseraError } from '../../contract/index.js';
import type { MetricsConfig } from '../config/metrics-config.js';
import { lookupField, sources } from '../query/sources.js';
import { builtinCatalog } from './builtin-catalog.js';
import { dependsOnPeriod, filterFields, type Filter } from './filter.js';
import type { Measure } from './measure.js';
import { MetricDefinition } from './metric-definition.js';

/** The KPIs of a workspace: the built-in ones and the config's custom ones, validated. */
export interface Catalog {
  readonly metrics: readonly MetricDefinition[];
  get(id: string): MetricDefinition | undefined;
}

/** Problems with the fields a measure names, given the filters that apply to it. */
function checkMeasure(m: Measure, shared: readonly Filter[]): string[] {
  const source = sources[m.source];
  const problems: string[] = [];
  const field = (name: string) => lookupField(source, name);
  if (m.field !== undefined) {
    const def = field(m.field);
    if (!def) problems.push(`source ${m.source} has no field ${m.field}`);
    else if (m.aggregate === 'sum' && def.type !== 'number') problems.push(`cannot sum ${m.field}: it is not a number`);
  }
  const check = (filter: Filter): void => {
    if (filter.op === 'any') return filter.filters.forEach(check);
    for (const name of filterFields(filter)) {
      const def = field(name);
      if (!def) {
        problems.push(`source ${m.source} has no field ${name}`);
        continue;
      }
      if ('value' in filter && typeof filter.value === 'object' && def.type !== 'date') problems.push(`${name} is not a date: it cannot be compared with the period`);
      if (filter.op === 'within_days_after' && def.type !== 'timestamp') problems.push(`${name} is not a time: within_days_after needs one`);
    }
  };
  [...shared, ...m.where].forEach(check);
  if (m.window === 'to_date' && [...shared, ...m.where].some(dependsOnPeriod)) problems.push('a to_date measure cannot filter on its period');
  return problems;
}

/** Problems of one definition, each a line. */
function checkDefinition(def: MetricDefinition): string[] {
  if (def.kind === 'table') {
    return def.columns.flatMap((c) =>
      [...c.numerator, ...(c.denominator ?? [])].flatMap((m) => [
        ...checkMeasure(m, []).map((p) => `column ${c.id}: ${p}`),
        ...(sources[m.source].dimensions[def.by] ? [] : [`column ${c.id}: ${m.source} cannot be broken down by ${def.by}`]),
      ]),
    );
  }
  const shared = [...def.filters, ...def.valid];
  return [...def.numerator, ...(def.denominator ?? [])].flatMap((m) => checkMeasure(m, shared));
}

/**
 * Builds the catalog: the built-in KPIs with the config's settings, then the custom KPIs, each
 * validated against the sources' fields so a mistake is reported at start-up, not at query time.
 */
export function buildCatalog(config: MetricsConfig): Catalog {
  const builtin = builtinCatalog(config.activation).map((input) => MetricDefinition.parse(input));
  const problems: string[] = [];
  for (const def of builtin) for (const p of checkDefinition(def)) problems.push(`${def.id}: ${p}`);
  if (problems.length > 0) throw new Error(`the built-in catalog is invalid:\n${problems.join('\n')}`);
  const ids = new Set(builtin.map((d) => d.id));
  config.custom.forEach((def, i) => {
    if (ids.has(def.id)) problems.push(`metrics.custom[${i}] (${def.id}): the id is taken by ${builtin.some((b) => b.id === def.id) ? 'a built-in KPI' : 'another custom KPI'}`);
    ids.add(def.id);
    for (const p of checkDefinition(def)) problems.push(`metrics.custom[${i}] (${def.id}): ${p}`);
  });
  if (problems.length > 0) throw new TesseraError('invalid_config', `invalid custom KPIs:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const metrics = [...builtin, ...config.custom];
  const byId = new Map(metrics.map((m) => [m.id, m]));
  return { metrics, get: (id) => byId.get(id) };
}
