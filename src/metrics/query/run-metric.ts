import { DateTime } from 'luxon';
import { TesseraError, type WorkspaceConfig } from '../../contract/index.js';
import type { Grain, Store } from '../../store/index.js';
import type { Catalog } from '../catalog/build-catalog.js';
import type { MetricDefinition } from '../catalog/metric-definition.js';
import type { BaselinePeriod, MetricsConfig } from '../config/metrics-config.js';
import { engineFunctions } from '../sql/engine-functions.js';
import { changeOf, PartValues, type PartRow } from './assemble.js';
import { benchmarkOf, benchmarkStatus } from './benchmarks.js';
import { compileMetric, needsPreviousWindows } from './compile-metric.js';
import { dataRange } from './data-range.js';
import type { AnyMetricResult, CompareMode, SeriesPoint, TableResult, TableRow, TotalPoint } from './metric-result.js';
import { isDay, lastYearWindow, periodsOf, shiftWindow, spanBefore, type DayWindow, type Period } from './periods.js';
import type { SegmentFilter } from './query-context.js';
import type { Dimension } from './sources.js';
import { WindowPlan } from './window-plan.js';

/** A KPI question: which metric, over which local days, cut how, compared with what. */
export interface MetricQuery {
  metric: string;
  /** First local day (inclusive); default: the start of the data. */
  from?: string;
  /** Local day after the last (exclusive); default: the end of the data. */
  to?: string;
  grain?: Grain;
  segment?: SegmentFilter;
  breakdown?: Dimension;
  compare?: CompareMode;
  /** The baseline period of `compare: 'baseline'` (default: the metric's benchmark baseline). */
  baseline?: BaselinePeriod;
  /** Read orders and refunds as they stood at this instant. */
  asOf?: Date;
}

export interface MetricsDeps {
  store: Store;
  workspace: WorkspaceConfig;
  config: MetricsConfig;
  catalog: Catalog;
}

/** The definition of a metric id, or a user error naming how to list them. */
export function requireMetric(catalog: Catalog, id: string): MetricDefinition {
  const def = catalog.get(id);
  if (!def) throw new TesseraError('invalid_argument', `unknown metric "${id}": tessera metrics --list shows the catalog`);
  return def;
}

function checkDay(name: string, value: string | undefined): void {
  if (value !== undefined && !isDay(value)) throw new TesseraError('invalid_argument', `${name} must be a date such as 2024-01-31, not "${value}"`);
}

/** The windows a query computes, with the ids of its series, comparisons, total and baseline. */
interface QueryWindows {
  plan: WindowPlan;
  periods: Period[];
  main: number[];
  compared: number[];
  total: number | null;
  totalCompared: number | null;
  compareTotal: DayWindow | null;
  baseline: { window: BaselinePeriod; wid: number } | null;
}

function planWindows(def: MetricDefinition, range: DayWindow | null, grain: Grain, compare: CompareMode, baseline: BaselinePeriod | undefined): QueryWindows {
  const plan = new WindowPlan();
  const withPrevious = needsPreviousWindows(def);
  // P−1 of a window is the same span one grain earlier; of a multi-period span, as many grains earlier.
  const add = (w: DayWindow, periods = 1): number => (withPrevious ? plan.addWithPrevious(w, shiftWindow(w, grain, -periods)) : plan.add(w));
  const periods = range ? periodsOf(range.start, range.end, grain) : [];
  const n = Math.max(periods.length, 1);
  // The whole range, and what it is compared with, reach back by the range's own length (spanBefore).
  const addSpan = (w: DayWindow): number => (withPrevious ? plan.addWithPrevious(w, spanBefore(w, grain, n)) : plan.add(w));
  const baselineWindow = baseline ? { start: baseline.from, end: baseline.to } : null;
  const baselineCount = baselineWindow ? Math.max(periodsOf(baselineWindow.start, baselineWindow.end, grain).length, 1) : 1;
  const main = periods.map((p) => add(p));
  // Each period against the baseline, the same period a year earlier, or the period before it.
  const periodCompared = (p: DayWindow): DayWindow => (compare === 'last-year' ? lastYearWindow(p, grain) : shiftWindow(p, grain, -1));
  const compared = periods.map((p) => (compare === 'baseline' && baselineWindow ? add(baselineWindow, baselineCount) : add(periodCompared(p))));
  const total = range ? addSpan(range) : null;
  const compareTotal = range ? (compare === 'baseline' ? baselineWindow : compare === 'last-year' ? lastYearWindow(range, grain) : spanBefore(range, grain, n)) : null;
  const totalCompared = compareTotal ? (compare === 'baseline' ? add(compareTotal, baselineCount) : addSpan(compareTotal)) : null;
  return {
    plan,
    periods,
    main,
    compared,
    total,
    totalCompared,
    compareTotal,
    baseline: baseline && baselineWindow ? { window: baseline, wid: add(baselineWindow, baselineCount) } : null,
  };
}

/**
 * Answers a KPI question from the stored facts (refresh them first with refreshFacts): per period
 * value, numerator, denominator and the comparison; the whole range as the total, with its
 * benchmark status. Every number of the answer comes from one SQL statement.
 */
export async function queryMetric(deps: MetricsDeps, query: MetricQuery): Promise<AnyMetricResult> {
  const def = requireMetric(deps.catalog, query.metric);
  checkDay('from', query.from);
  checkDay('to', query.to);
  const grain = query.grain ?? 'month';
  const compare = query.compare ?? 'previous';
  const benchmark = await benchmarkOf(deps.store, deps.config, def.id);
  const baseline = query.baseline ?? benchmark?.baseline;
  if (compare === 'baseline' && !baseline) {
    throw new TesseraError('invalid_argument', `no baseline period for ${def.id}: give one, or set the metric's benchmark baseline`);
  }
  let range: DayWindow | null = null;
  let note: string | undefined;
  if (query.from === undefined || query.to === undefined) {
    const chosen = await dataRange(deps.store, grain, deps.workspace.reportingTimezone);
    const data = chosen?.range;
    if (chosen?.note !== undefined && query.from === undefined && query.to === undefined) note = chosen.note;
    const start = query.from ?? data?.start ?? query.to;
    const end = query.to ?? data?.end ?? query.from;
    range = start !== undefined && end !== undefined ? { start, end } : null;
  } else range = { start: query.from, end: query.to };
  if (range && range.start >= range.end) throw new TesseraError('invalid_argument', `from (${range.start}) must be before to (${range.end})`);

  const windows = planWindows(def, range, grain, compare, baseline);
  // Read as of an instant, a period is over if it ended by then.
  const today = DateTime.fromJSDate(query.asOf ?? new Date(), { zone: deps.workspace.reportingTimezone }).toISODate() ?? '';
  const f = engineFunctions(deps.store.dialect);
  const ctx = { ...(query.asOf ? { asOf: query.asOf } : {}), ...(query.segment ? { segment: query.segment } : {}) };
  const compiled = compileMetric(def, windows.plan, { ctx, f, ...(query.breakdown ? { breakdown: query.breakdown } : {}) });
  const rows = windows.plan.windows.length > 0 ? await deps.store.query<PartRow>(compiled.sql) : [];
  const values = new PartValues(rows);

  const noted = note === undefined ? {} : { note };
  if (def.kind === 'table') return { ...tableResult(def, grain, windows, values, compiled.parts), ...noted };

  const seriesFor = (group: string): { series: SeriesPoint[]; total: TotalPoint } => {
    const fig = (wid: number) => values.figures(compiled.parts, 'value', def.scale, wid, group);
    const series = windows.periods.map((p, i): SeriesPoint => {
      const now = fig(windows.main[i] as number);
      const previous = fig(windows.compared[i] as number);
      const point: SeriesPoint = { period: p.label, start: p.start, end: p.end, value: now.value, numerator: now.numerator, denominator: now.denominator, previous: previous.value, change: changeOf(now.exact, previous.exact) };
      // A month on its first day is a day's worth against a whole month: readers must see it is not over.
      return p.end > today ? { ...point, partial: true } : point;
    });
    const total = windows.total === null ? null : fig(windows.total);
    const totalCompared = windows.totalCompared === null ? null : fig(windows.totalCompared);
    const totalPrevious = totalCompared?.value ?? null;
    const value = total?.value ?? null;
    const baselineValue = windows.baseline ? fig(windows.baseline.wid).value : null;
    return {
      series,
      total: {
        start: range?.start ?? null,
        end: range?.end ?? null,
        value,
        numerator: total?.numerator ?? null,
        denominator: total?.denominator ?? null,
        previous: totalPrevious,
        change: changeOf(total?.exact ?? null, totalCompared?.exact ?? null),
        compare: { mode: compare, start: windows.compareTotal?.start ?? null, end: windows.compareTotal?.end ?? null },
        benchmark: benchmark ? benchmarkStatus(value, benchmark, def.better, baselineValue) : null,
        ...(def.valid.length > 0 ? { dropped: { count: total?.dropped ?? 0, reason: def.dropReason ?? 'outside the valid range' } } : {}),
      },
    };
  };
  const head = { metric: def.id, label: def.label, unit: def.unit, grain, ...noted };
  if (!query.breakdown) return { ...head, ...seriesFor('') };
  const groups = [...values.groups]
    .map((group) => ({ group, ...seriesFor(group) }))
    .sort((a, b) => (b.total.value ?? -Infinity) - (a.total.value ?? -Infinity) || a.group.localeCompare(b.group));
  return { ...head, breakdown: query.breakdown, groups };
}

/** A table metric: per period and for the whole range, one row per value of its dimension. */
function tableResult(def: Extract<MetricDefinition, { kind: 'table' }>, grain: Grain, windows: QueryWindows, values: PartValues, parts: ReturnType<typeof compileMetric>['parts']): TableResult {
  const rowsOf = (wid: number): TableRow[] => {
    const rows: TableRow[] = [];
    for (const group of values.groups) {
      const row: TableRow = { group };
      for (const c of def.columns) row[c.id] = values.figures(parts, c.id, c.scale, wid, group).value;
      rows.push(row);
    }
    const key = (r: TableRow) => (typeof r[def.sortBy] === 'number' ? (r[def.sortBy] as number) : -Infinity);
    return rows.sort((a, b) => key(b) - key(a) || a.group.localeCompare(b.group));
  };
  return {
    metric: def.id,
    label: def.label,
    unit: 'table',
    grain,
    by: def.by,
    columns: def.columns.map((c) => ({ id: c.id, label: c.label, unit: c.unit })),
    series: windows.periods.map((p, i) => ({ period: p.label, start: p.start, end: p.end, rows: rowsOf(windows.main[i] as number) })),
    total: {
      start: windows.total === null ? null : (windows.plan.windows[windows.total]?.start ?? null),
      end: windows.total === null ? null : (windows.plan.windows[windows.total]?.end ?? null),
      rows: windows.total === null ? [] : rowsOf(windows.total),
    },
  };
}
