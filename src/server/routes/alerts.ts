import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkAlertRules, listAlerts } from '../../activation/index.js';
import type { TesseraConfig } from '../../contract/index.js';
import { openMetrics } from '../../metrics/index.js';
import type { Store } from '../../store/index.js';
import type { Notifier } from '../notifier.js';
import { checkAlerts } from '../alert-checks.js';
import { parseInput } from './parse-input.js';

export interface AlertsRoutesDeps {
  store: Store;
  config: TesseraConfig;
  notifier: Notifier;
}

/** `GET /api/v1/alerts` query parameters, `tessera alerts list`'s flags by the same names. */
export const AlertsQuery = z
  .object({ status: z.enum(['open', 'resolved', 'all']).default('all'), limit: z.coerce.number().int().min(1).max(10_000).default(100) })
  .strict();

/**
 * KPI alerts under /api/v1 (behind the read API's token check): the alerts, the rules, and a
 * check now. The rules are checked against the catalog here, so a server watching an unknown KPI
 * does not start.
 */
export function registerAlertsRoutes(app: FastifyInstance, deps: AlertsRoutesDeps): void {
  const metrics = openMetrics(deps.store, deps.config);
  checkAlertRules({ metrics, alerts: deps.config.alerts });

  app.get('/api/v1/alerts', async (request) => {
    const q = parseInput(AlertsQuery, request.query);
    return { alerts: await listAlerts(deps.store, q) };
  });

  app.get('/api/v1/alerts/rules', async (request) => {
    parseInput(z.object({}).strict(), request.query);
    return { interval_seconds: deps.config.alerts.intervalSeconds, rules: deps.config.alerts.rules };
  });

  app.post('/api/v1/alerts/check', async () => checkAlerts(deps));
}
