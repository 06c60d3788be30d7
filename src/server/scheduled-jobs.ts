import { listSegments, refreshMemberships } from '../segments/index.js';
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
    // A job with nothing to evaluate does not bring the facts up to date (every answer does that first). In
    // the ingest benchmark the two first jobs' fact refreshes took 8 and 14 s under load, and log loads
    // meanwhile 4–6 s instead of about one: the writer is shared.
    {
      name: 'alerts',
      everyMs: ws.config.alerts.intervalSeconds * 1000,
      firstInMs: 2_000,
      run: () => (ws.config.alerts.rules.length === 0 ? Promise.resolve(undefined) : checkAlerts(ws)),
    },
    {
      name: 'segments',
      everyMs: ws.config.segments.refreshMinutes * 60_000,
      firstInMs: 5_000,
      run: async () => {
        if ((await listSegments(ws.store)).length === 0) return [];
        await ws.identity.refresh();
        return refreshMemberships(ws.store, ws.config.workspace);
      },
    },
  ];
}
