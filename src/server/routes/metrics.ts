import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TesseraError, type TesseraConfig } from '../../contract/index.js';
import { answerMetric, listCatalog, openMetrics, parseMetricQuery, reportCsv, runReport } from '../../metrics/index.js';
import type { ApiKeyVerifier } from '../../privacy/index.js';
import type { Store } from '../../store/index.js';
import { requireReadToken } from '../auth.js';
import { parseInput } from './parse-input.js';

export interface MetricsRoutesDeps {
  store: Store;
  config: TesseraConfig;
  keys: ApiKeyVerifier;
  /** Token of the local CLI, accepted like a read token. */
  localToken: string;
}

const text = z.string().optional();

/** `GET /api/v1/metrics/:name` query parameters, the CLI's flags by the same names. */
export const MetricQueryParams = z
  .object({ from: text, to: text, grain: text, compare: text, breakdown: text, baseline_from: text, baseline_to: text })
  .strict();

/** `GET /api/v1/report` query parameters. */
export const ReportQueryParams = z
  .object({ metrics: z.string().min(1, 'name at least one metric'), grain: text, from: text, to: text, compare: text, format: z.enum(['json', 'csv']).default('json') })
  .strict();


/**
 * The KPI read API: the catalog, one KPI as a series, and reports, in the shapes of
 * `metrics --list --json`, `metrics NAME --json` and `report --format json|csv`. The config's
 * metrics section is checked here, so a server with an invalid custom KPI does not start.
 */
export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRoutesDeps): void {
  const metrics = openMetrics(deps.store, deps.config);
  const onRequest = async (request: Parameters<typeof requireReadToken>[1]) => requireReadToken(deps.keys, request, deps.localToken);

  app.get('/api/v1/metrics', { onRequest }, async () => ({ metrics: listCatalog(metrics) }));

  app.get<{ Params: { name: string } }>('/api/v1/metrics/:name', { onRequest }, async (request) => {
    if (!metrics.catalog.get(request.params.name)) throw new TesseraError('not_found', `unknown metric "${request.params.name}": GET /api/v1/metrics lists the catalog`);
    const q = parseInput(MetricQueryParams, request.query);
    const query = parseMetricQuery({ metric: request.params.name, from: q.from, to: q.to, grain: q.grain, compare: q.compare, breakdown: q.breakdown, baselineFrom: q.baseline_from, baselineTo: q.baseline_to });
    return answerMetric(metrics, query);
  });

  app.get('/api/v1/report', { onRequest }, async (request, reply) => {
    const q = parseInput(ReportQueryParams, request.query);
    const report = await runReport(metrics, { metrics: q.metrics, grain: q.grain, from: q.from, to: q.to, compare: q.compare });
    if (q.format === 'json') return report;
    return reply.type('text/csv; charset=utf-8').send(reportCsv(report));
  });
}
