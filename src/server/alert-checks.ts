import { evaluateAlerts, type AlertCheck } from '../activation/index.js';
import type { TesseraConfig } from '../contract/index.js';
import { openMetrics } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import type { Notifier } from './notifier.js';
import { segmentScope } from './segment-scope.js';

/**
 * Evaluates the workspace's alert rules now and tells the live feed what fired or resolved: the
 * scheduler's job, `POST /api/v1/alerts/check` and `tessera alerts check` all come here.
 */
export async function checkAlerts(ws: { store: Store; config: TesseraConfig; notifier: Notifier }, now = new Date()): Promise<AlertCheck> {
  const check = await evaluateAlerts(
    { metrics: openMetrics(ws.store, ws.config), alerts: ws.config.alerts, segmentScope: (id) => segmentScope(ws.store, ws.config.workspace, id) },
    now,
  );
  if (check.fired.length > 0 || check.resolved.length > 0) ws.notifier.emit({ kind: 'alerts', check });
  return check;
}
