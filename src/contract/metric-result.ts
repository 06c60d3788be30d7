// The shapes of `metrics --json` and `GET /api/v1/metrics/:name` (product.md), shared by the KPI
// engine that builds them and the dashboard that reads them.

/** Period grains, cut in the reporting time zone. */
export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Units a KPI is measured in. */
export const metricUnits = ['count', 'currency', 'percent', 'seconds', 'pages', 'orders_per_customer', 'score', 'nps', 'ratio', 'table'] as const;
export type MetricUnit = (typeof metricUnits)[number];

/** Dimensions a KPI can be broken down by. */
export type Dimension = 'source' | 'country' | 'currency';

/** What each period is compared with: the period before, the same period a year earlier, or a fixed baseline. */
export type CompareMode = 'previous' | 'last-year' | 'baseline';

/** A period [from, to) of local dates. */
export interface DayRange {
  from: string;
  to: string;
}

/** One period of a series. */
export interface SeriesPoint {
  period: string;
  start: string;
  end: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  previous: number | null;
  /** Relative change from `previous`, in percent; null when either is null or previous is 0. */
  change: number | null;
  /** The period is not over: today (in the reporting zone) or a later day is in it, so its value is so far. */
  partial?: true;
}

/** A KPI against its benchmark: the target, else the baseline period's value. */
export interface BenchmarkStatus {
  target: number | null;
  better: 'higher' | 'lower';
  baseline: (DayRange & { value: number | null }) | null;
  status: 'on_track' | 'off_track' | null;
}

/** The whole range as one period, with what it was compared with. */
export interface TotalPoint {
  start: string | null;
  end: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  previous: number | null;
  change: number | null;
  compare: { mode: CompareMode; start: string | null; end: string | null };
  benchmark: BenchmarkStatus | null;
  /** Rows the definition's validity rules rejected in the range (survey scores outside their scale). */
  dropped?: { count: number; reason: string };
}

export interface MetricResult {
  metric: string;
  /** When the range was chosen for the user (no from/to) and leaves data out: what, in words. */
  note?: string;
  label: string;
  unit: MetricUnit;
  grain: Grain;
  series: SeriesPoint[];
  total: TotalPoint;
}

/** A series metric broken down by a dimension: one series per value. */
export interface BreakdownResult {
  metric: string;
  /** When the range was chosen for the user (no from/to) and leaves data out: what, in words. */
  note?: string;
  label: string;
  unit: MetricUnit;
  grain: Grain;
  breakdown: Dimension;
  groups: { group: string; series: SeriesPoint[]; total: TotalPoint }[];
}

/** A table metric's row: the group, and one value per column. */
export type TableRow = { group: string } & Record<string, number | string | null>;

export interface TableResult {
  metric: string;
  /** When the range was chosen for the user (no from/to) and leaves data out: what, in words. */
  note?: string;
  label: string;
  unit: 'table';
  grain: Grain;
  by: Dimension;
  columns: { id: string; label: string; unit: MetricUnit }[];
  series: { period: string; start: string; end: string; rows: TableRow[] }[];
  total: { start: string | null; end: string | null; rows: TableRow[] };
}

export type AnyMetricResult = MetricResult | BreakdownResult | TableResult;

/** Several KPIs over the same periods: `report --format json` and `GET /api/v1/report`. */
export interface MetricReport {
  grain: Grain;
  from: string | null;
  to: string | null;
  metrics: AnyMetricResult[];
}
