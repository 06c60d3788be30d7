// The KPI engine: metric definitions as data, fact tables derived from the log, compiled queries.

/** Brings the fact tables (orders, order items, sessions, per-customer facts) up to date with the log and identity. */
export { refreshFacts, type RefreshOptions, type RefreshResult as FactsRefreshResult } from './facts/refresh-facts.js';
/** Makes the next refresh rebuild every fact, after events already folded in were changed in place. */
export { discardFactState } from './facts/fact-state.js';

/** The catalog and settings of a workspace (config's `metrics` section validated, custom KPIs checked). */
export { openMetrics, loadCatalog, listCatalog, answerMetric, type CatalogEntry } from './service/open-metrics.js';
/** Answers a KPI question from the facts as they stand (answerMetric refreshes them first). */
export { queryMetric, requireMetric, type MetricQuery, type MetricsDeps } from './query/run-metric.js';
/** Customers a KPI query is restricted to (a segment's members). */
export type { SegmentFilter } from './query/query-context.js';
/** KPI benchmarks (target, baseline, direction): listed, set and cleared through the API and the CLI. */
export { listBenchmarks, setBenchmark, clearBenchmark, type BenchmarkEntry } from './query/benchmark-service.js';
/** Checks and types a KPI question given as text (CLI flags, HTTP query parameters). */
export { parseMetricQuery, type MetricQueryText } from './query/parse-query.js';
/** Several KPIs over the same periods, and their CSV. */
export { runReport, reportMetrics, type Report, type ReportQueryText } from './report/run-report.js';
/** A report as CSV, one row per metric and period. */
export { reportCsv, reportCsvColumns } from './report/report-csv.js';
/** Readable text of answers and of the catalog, for the CLI. */
export { formatNumber } from './format/metric-text.js';
/** The catalog's building blocks, for embedders and tests. */
export { buildCatalog, type Catalog } from './catalog/build-catalog.js';
/** The `metrics` config section: its schema and its validation with every problem listed. */
export { MetricsConfig, metricsConfigOf, type MetricsConfigInput } from './config/metrics-config.js';
/** Result shapes of `metrics --json` and the API. */
export type { AnyMetricResult, MetricResult, BreakdownResult, TableResult, SeriesPoint, TotalPoint, CompareMode } from './query/metric-result.js';
/** Grains, compare modes and breakdown dimensions a query accepts. */
export { compareModes } from './query/metric-result.js';
export { grains, periodStart, addPeriods, addDays, periodLabel } from './query/periods.js';
/** The first and last local day the event facts span. */
export { factDays, dataDays, type DataDays } from './query/data-range.js';
export { dimensions, type Dimension } from './query/sources.js';
/** The source label of orders and customers no session brought (`(none)`), and of sessions without one (`direct`). */
export { NO_SOURCE, DIRECT_SOURCE } from './facts/traffic-source.js';
/** Server-side libraries (`context.library.name`) whose track calls are not visits: profiles count sessions as the KPIs do. */
export { serverLibraries } from './facts/fact-tables.js';
