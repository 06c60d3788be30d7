import type { TesseraConfig } from '../../contract/index.js';
import type { Store } from '../../store/index.js';
import { buildCatalog, type Catalog } from '../catalog/build-catalog.js';
import { metricsConfigOf, type MetricsConfig } from '../config/metrics-config.js';
import { refreshFacts } from '../facts/refresh-facts.js';
import type { AnyMetricResult } from '../query/metric-result.js';
import { queryMetric, requireMetric, type MetricQuery, type MetricsDeps } from '../query/run-metric.js';

/** A catalog entry as `metrics --list --json` and `GET /api/v1/metrics` show it. */
export interface CatalogEntry {
  id: string;
  label: string;
  unit: string;
  tag: 'leading' | 'lagging';
  kind: 'series' | 'table';
  headline: boolean;
  better: 'higher' | 'lower';
  description: string;
  counts: string;
  custom: boolean;
}

/** The metrics settings and catalog of a config: its `metrics` section validated, custom KPIs checked. */
export function loadCatalog(config: Pick<TesseraConfig, 'metrics'>): { config: MetricsConfig; catalog: Catalog } {
  const metrics = metricsConfigOf(config);
  return { config: metrics, catalog: buildCatalog(metrics) };
}

/** What KPI queries of a workspace run against: its store, zone and currency, settings and catalog. */
export function openMetrics(store: Store, config: Pick<TesseraConfig, 'metrics' | 'workspace'>): MetricsDeps {
  return { store, workspace: config.workspace, ...loadCatalog(config) };
}

/** The catalog, in its order (built-in KPIs, then the config's). */
export function listCatalog(deps: Pick<MetricsDeps, 'catalog' | 'config'>): CatalogEntry[] {
  const customIds = new Set(deps.config.custom.map((c) => c.id));
  return deps.catalog.metrics.map((m) => ({
    id: m.id,
    label: m.label,
    unit: m.unit,
    tag: m.tag,
    kind: m.kind,
    headline: m.headline,
    better: m.better,
    description: m.description,
    counts: m.counts,
    custom: customIds.has(m.id),
  }));
}

/** Answers a KPI question on fresh facts: checks the metric, folds new events in (incrementally), then queries. */
export async function answerMetric(deps: MetricsDeps, query: MetricQuery): Promise<AnyMetricResult> {
  requireMetric(deps.catalog, query.metric);
  await refreshFacts(deps.store, deps.workspace);
  return queryMetric(deps, query);
}
