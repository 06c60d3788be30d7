// The /api/v1 shapes the dashboard reads (product.md "JSON that other programs rely on"); the server owns them.

import type { Dimension, Grain, MetricUnit, SegmentSize } from '../../../src/contract/index.js';

// The KPI answers' shapes are the engine's own, from contract/.
export type { BenchmarkStatus, BreakdownResult, CompareMode, Dimension, Grain, MetricReport, MetricResult, SeriesPoint, TableResult, TotalPoint } from '../../../src/contract/index.js';
// Alerts are the activation module's, declared in contract/.
export type { Cohort, CohortReport, RetentionSegment, RfmReport, SegmentRetentionReport } from '../../../src/contract/index.js';
export type { DataSource, ImportRecord, ListedPrediction, PredictionPage, SegmentMembersReport as SegmentMembers } from '../../../src/contract/index.js';
export type { Alert, CustomerPrediction, Profile, ProfileIdentifier, ProfileMatch, ProfileSearch, Timeline } from '../../../src/contract/index.js';
export type Unit = MetricUnit;

export const grains: readonly Grain[] = ['day', 'week', 'month', 'quarter', 'year'];
export const dimensions: readonly Dimension[] = ['source', 'country', 'currency'];

/** One KPI of the catalog, as `GET /api/v1/metrics` lists it. */
export interface CatalogEntry {
  id: string;
  label: string;
  unit: Unit;
  tag?: 'leading' | 'lagging';
  leading?: boolean;
  headline?: boolean;
  description?: string;
  counts?: string;
  better?: 'higher' | 'lower';
  target?: number | null;
}

export interface StoredEvent {
  seq: number;
  source: string;
  message: Record<string, unknown>;
}

export interface QuarantineRow {
  seq: number;
  received_at: string;
  source: string;
  location: string | null;
  code: string;
  reason: string;
  field: string | null;
  raw: string | null;
}

export interface SegmentSummary {
  id: string;
  name: string;
  kind?: string;
  description?: string;
  customers?: number;
  size?: number;
}

/** `GET /api/v1/segments/:id`: a saved segment as `segments show --json` prints it, with its size; its rule is shown as it is. */
export type SegmentShow = { id: string; name: string; description?: string; rule: unknown } & SegmentSize;

/** A condition of a rule segment as the builder writes it. */
export interface SegmentRule {
  field: string;
  op: string;
  value: string | number;
}


/** `GET /api/v1/clv`: the latest `tessera clv fit`, with its holdout report when it had a holdout. */
export interface HoldoutRow {
  customers: number;
  actual: number;
  predicted: number;
  actual_mean: number;
  predicted_mean: number;
}

export interface ClvFit {
  fitted_at: string;
  time_unit: 'day' | 'week';
  calibration_end: string;
  customers: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; log_likelihood: number; converged?: boolean };
  gamma_gamma: { p: number; q: number; v: number; log_likelihood: number; customers?: number };
  holdout?: { start: string; end: string; overall: HoldoutRow; by_frequency: (HoldoutRow & { frequency: string })[] } | null;
}
