import { refreshMemberships } from '../segments/index.js';
import { checkAlerts } from './alert-checks.js';
import type { ScheduledJob } from './scheduler.js';
import type { Workspace } from './workspace.js';

/**
 * What `tessera serve` repeats (product.md: "scheduler (alerts, triggers, refreshes)"): alert rules
 * every `alerts.intervalSeconds`, every segment's membership and daily snapshot every
 * `segments.refreshMinutes`, so "size over time" has a point a day without anyone asking.
 */
export function scheduledJobs(ws: Workspace): ScheduledJob[] {
  return [
    { name: 'alerts', everyMs: ws.config.alerts.intervalSeconds * 1000, firstInMs: 2_000, run: () => checkAlerts(ws) },
    {
      name: 'segments',
      everyMs: ws.config.segments.refreshMinutes * 60_000,
      firstInMs: 5_000,
      run: async () => {
        await ws.identity.refresh();
        return refreshMemberships(ws.store, ws.config.workspace);
      },
    },
  ];
}
