import type { Alert } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatTime } from '../format.js';
import { useAlertsTick } from '../live.js';
import { href } from '../router.js';
import { Link } from './link.js';
import { Empty, Loaded } from './status.js';

/** The open alerts, newest first, re-read the moment the live feed says one fired or resolved. */
export function AlertsPanel({ params }: { params: Record<string, string> }) {
  const tick = useAlertsTick();
  const state = useApi<{ alerts: Alert[] }>('/alerts?status=open&limit=20', tick);
  return (
    <section id="alerts" className="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <Loaded state={state} what="the alerts">
        {({ alerts }) =>
          alerts.length === 0 ? (
            <Empty>No open alerts: every watched KPI is within its rule (tessera alerts list shows the history).</Empty>
          ) : (
            <ul className="alert-list" aria-live="polite" data-testid="alert-list">
              {alerts.map((a) => (
                <li key={a.id} className="alert-item" data-testid="alert" data-alert-id={a.id}>
                  <Link to={href(`/kpi/${a.metric}`, { ...params, grain: a.grain })}>{a.message}</Link>{' '}
                  <span className="muted">
                    rule {a.rule}, fired {formatTime(a.fired_at)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

/** The header's count of open alerts, on every page, linking to the overview's list. */
export function AlertsBadge() {
  const tick = useAlertsTick();
  const state = useApi<{ alerts: Alert[] }>('/alerts?status=open&limit=100', tick);
  const n = state.status === 'ok' ? state.data.alerts.length : 0;
  if (n === 0) return null;
  return (
    <Link to="/#alerts" className="alerts-badge">
      <span data-testid="alerts-badge">{n >= 100 ? '99+' : n}</span> {n === 1 ? 'alert' : 'alerts'}
    </Link>
  );
}
