// The result shapes live in contract/ (the dashboard reads them too); the engine adds the list of compare modes.
import type { CompareMode } from '../../contract/index.js';

export type {
  AnyMetricResult,
  BenchmarkStatus,
  BreakdownResult,
  CompareMode,
  MetricResult,
  SeriesPoint,
  TableResult,
  TableRow,
  TotalPoint,
} from '../../contract/index.js';

export const compareModes: readonly CompareMode[] = ['previous', 'last-year', 'baseline'];
