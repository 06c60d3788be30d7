import { TesseraError, type MetricReport } from '../../contract/index.js';
import { refreshFacts } from '../facts/refresh-facts.js';
import type { AnyMetricResult } from '../query/metric-result.js';
import type { SegmentFilter } from '../query/query-context.js';
import { parseMetricQuery } from '../query/parse-query.js';
import { queryMetric, requireMetric, type MetricsDeps } from '../query/run-metric.js';

/** A report as a user asks for it: several KPIs over the same periods. */
export interface ReportQueryText {
  /** Comma-separated metric ids. */
  metrics: string;
  grain?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  compare?: string | undefined;
}

/** Several KPIs over the same periods, each in the shape of `metrics --json` (the shape lives in contract/). */
export type Report = MetricReport;

/** The metric ids of a report, each checked against the catalog (an unknown one is a user error). */
export function reportMetrics(deps: Pick<MetricsDeps, 'catalog'>, metrics: string): string[] {
  const ids = metrics
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (ids.length === 0) throw new TesseraError('invalid_argument', 'name at least one metric, such as --metrics revenue,orders,aov');
  for (const id of ids) requireMetric(deps.catalog, id);
  return [...new Set(ids)];
}

/**
 * Runs a report on fresh facts: one refresh, then one query per KPI over the same range and grain
 * (restricted to a segment's customers when one is given). The dashboard's overview is one report.
 */
export async function runReport(deps: MetricsDeps, text: ReportQueryText, segment?: SegmentFilter): Promise<Report> {
  const ids = reportMetrics(deps, text.metrics);
  const queries = ids.map((metric) => ({
    ...parseMetricQuery({ metric, grain: text.grain, from: text.from, to: text.to, compare: text.compare }),
    ...(segment ? { segment } : {}),
  }));
  await refreshFacts(deps.store, deps.workspace);
  // The store reads on several connections: the KPIs of a report are answered side by side.
  const results: AnyMetricResult[] = await Promise.all(queries.map((q) => queryMetric(deps, q)));
  const range = results[0] && 'total' in results[0] ? results[0].total : undefined;
  return { grain: queries[0]?.grain ?? 'month', from: range?.start ?? null, to: range?.end ?? null, metrics: results };
}
