import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TesseraError, type TesseraConfig } from '../../contract/index.js';
import { answerMetric, clearBenchmark, listBenchmarks, listCatalog, openMetrics, parseMetricQuery, reportCsv, runReport, setBenchmark } from '../../metrics/index.js';
import type { IdentityService } from '../../identity/index.js';
import type { ApiKeyVerifier } from '../../privacy/index.js';
import type { Store } from '../../store/index.js';
import { requireReadToken } from '../auth.js';
import { segmentScope } from '../segment-scope.js';
import { parseInput } from './parse-input.js';

export interface MetricsRoutesDeps {
  store: Store;
  config: TesseraConfig;
  keys: ApiKeyVerifier;
  /** Token of the local CLI, accepted like a read token. */
  localToken: string;
  /** Caught up before each answer (a no-op when it is), so the API answers what `tessera metrics` does. */
  identity?: IdentityService;
}

const text = z.string().optional();

/** `GET /api/v1/metrics/:name` query parameters, the CLI's flags by the same names. */
export const MetricQueryParams = z
  .object({ from: text, to: text, grain: text, compare: text, breakdown: text, baseline_from: text, baseline_to: text, segment: text })
  .strict();

/** `GET /api/v1/report` query parameters. */
export const ReportQueryParams = z
  .object({
    metrics: z.string().min(1, 'name at least one metric'),
    grain: text,
    from: text,
    to: text,
    compare: text,
    segment: text,
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

/**
 * The KPI read API: the catalog, one KPI as a series, reports, and benchmarks, in the shapes of
 * `metrics --list --json`, `metrics NAME --json`, `report --format json|csv` and `benchmarks list
 * --json`. The config's metrics section is checked here, so a server with an invalid custom KPI
 * does not start.
 */
export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRoutesDeps): void {
  const metrics = openMetrics(deps.store, deps.config);
  const onRequest = async (request: Parameters<typeof requireReadToken>[1]) => requireReadToken(deps.keys, request, deps.localToken);
  const scopeOf = async (id: string | undefined) => (id ? await segmentScope(deps.store, deps.config.workspace, id) : undefined);
  const known = (name: string): string => {
    if (!metrics.catalog.get(name)) throw new TesseraError('not_found', `unknown metric "${name}": GET /api/v1/metrics lists the catalog`);
    return name;
  };

  app.get('/api/v1/metrics', { onRequest }, async () => ({ metrics: listCatalog(metrics) }));

  app.get<{ Params: { name: string } }>('/api/v1/metrics/:name', { onRequest }, async (request) => {
    const name = known(request.params.name);
    const q = parseInput(MetricQueryParams, request.query);
    const query = parseMetricQuery({ metric: name, from: q.from, to: q.to, grain: q.grain, compare: q.compare, breakdown: q.breakdown, baselineFrom: q.baseline_from, baselineTo: q.baseline_to });
    await deps.identity?.refresh();
    const segment = await scopeOf(q.segment);
    return answerMetric(metrics, segment ? { ...query, segment } : query);
  });

  app.get('/api/v1/report', { onRequest }, async (request, reply) => {
    const q = parseInput(ReportQueryParams, request.query);
    await deps.identity?.refresh();
    const report = await runReport(metrics, { metrics: q.metrics, grain: q.grain, from: q.from, to: q.to, compare: q.compare }, await scopeOf(q.segment));
    if (q.format === 'json') return report;
    return reply.type('text/csv; charset=utf-8').send(reportCsv(report));
  });

  // Benchmarks are settings of the workspace, edited by whoever holds a read token until roles land.
  app.get('/api/v1/benchmarks', { onRequest }, async () => ({ benchmarks: await listBenchmarks(metrics) }));

  app.put<{ Params: { name: string } }>('/api/v1/metrics/:name/benchmark', { onRequest }, async (request) => setBenchmark(metrics, known(request.params.name), request.body));

  app.delete<{ Params: { name: string } }>('/api/v1/metrics/:name/benchmark', { onRequest }, async (request) => ({
    metric: request.params.name,
    benchmark: await clearBenchmark(metrics, known(request.params.name)),
  }));
}
