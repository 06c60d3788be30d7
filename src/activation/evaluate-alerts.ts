import { DateTime } from 'luxon';
import { TesseraError, type Alert, type AlertRule, type AlertsConfig } from '../contract/index.js';
import { factDays, queryMetric, refreshFacts, requireMetric, type MetricsDeps, type SegmentFilter } from '../metrics/index.js';
import { conditionHolds, describeCondition } from './alert-condition.js';
import { alertMessage } from './alert-message.js';
import { fireAlert, findAlert, openAlertsOf, resolveAlert, updateAlertFigures } from './alert-store.js';
import { alertCutoff, alertWindow } from './alert-window.js';

/** What one evaluation of every rule did. */
export interface AlertCheck {
  evaluated_at: string;
  /** The day after the last complete day of data the rules were measured up to. */
  cutoff: string | null;
  fired: Alert[];
  resolved: Alert[];
  /** Rules that could not be evaluated (an unknown segment, say), each with the reason. */
  errors: { rule: string; error: string }[];
}

export interface AlertDeps {
  metrics: MetricsDeps;
  alerts: AlertsConfig;
  /** A segment's customers, for rules restricted to one. */
  segmentScope: (id: string) => Promise<SegmentFilter>;
}

/**
 * Checks the alert rules against the catalog once (at start-up), so a rule naming an unknown KPI,
 * or a table KPI that has no single value, stops the server with the rule named.
 */
export function checkAlertRules(deps: Pick<AlertDeps, 'metrics' | 'alerts'>): void {
  const problems: string[] = [];
  deps.alerts.rules.forEach((rule, i) => {
    const def = deps.metrics.catalog.get(rule.metric);
    if (!def) problems.push(`  alerts.rules[${i}].metric: unknown metric "${rule.metric}" (tessera metrics --list)`);
    else if (def.kind === 'table') problems.push(`  alerts.rules[${i}].metric: ${rule.metric} is a table KPI with no single value to watch`);
  });
  if (problems.length > 0) throw new TesseraError('invalid_config', `invalid configuration:\n${problems.join('\n')}`);
}

async function evaluateRule(deps: AlertDeps, rule: AlertRule, days: { cutoff: string; last: string }, now: Date): Promise<{ fired: Alert[]; resolved: Alert[] }> {
  const def = requireMetric(deps.metrics.catalog, rule.metric);
  const window = alertWindow(rule, days.cutoff, days.last);
  const segment = rule.segment ? await deps.segmentScope(rule.segment) : undefined;
  const result = await queryMetric(deps.metrics, {
    metric: rule.metric,
    from: window.start,
    to: window.end,
    grain: rule.grain,
    compare: rule.compare,
    ...(segment ? { segment } : {}),
  });
  if (!('series' in result) || !('value' in result.total)) throw new TesseraError('invalid_config', `${rule.metric} has no single value to watch`);
  const total = result.total;
  const holds = conditionHolds(rule.when, { value: total.value, change: total.change, status: total.benchmark?.status ?? null });
  const condition = describeCondition(rule.when, def.unit);
  const alert: Alert = {
    id: `${rule.id}@${window.label}${rule.segment ? `@${rule.segment}` : ''}`,
    rule: rule.id,
    metric: rule.metric,
    label: def.label,
    unit: def.unit,
    grain: rule.grain,
    period: window.label,
    start: window.start,
    end: window.end,
    segment: rule.segment ?? null,
    value: total.value,
    previous: total.previous,
    change: total.change,
    condition,
    message: alertMessage({ ...total, label: def.label, unit: def.unit, grain: rule.grain, compare: rule.compare, period: window.label, segment: rule.segment ?? null, condition }),
    status: 'open',
    fired_at: now.toISOString(),
    resolved_at: null,
  };
  return deps.metrics.store.transaction(async (tx) => {
    const fired: Alert[] = [];
    const resolved: Alert[] = [];
    // A newer period supersedes the rule's older alerts; a condition that stopped holding resolves its own.
    for (const open of await openAlertsOf(tx, rule.id)) {
      if (open.id === alert.id && holds) continue;
      await resolveAlert(tx, open.id, now);
      resolved.push({ ...open, status: 'resolved', resolved_at: now.toISOString() });
    }
    if (holds) {
      const known = await findAlert(tx, alert.id);
      if (known?.status === 'open') await updateAlertFigures(tx, alert);
      else {
        await fireAlert(tx, alert, now);
        fired.push(alert);
      }
    }
    return { fired, resolved };
  });
}

/**
 * Evaluates every alert rule on fresh facts, up to the last complete day of data: fires the alerts
 * whose condition holds for their period (once per rule and period), resolves those that stopped
 * holding. One rule failing does not stop the others.
 */
export async function evaluateAlerts(deps: AlertDeps, now = new Date()): Promise<AlertCheck> {
  await refreshFacts(deps.metrics.store, deps.metrics.workspace);
  const days = await factDays(deps.metrics.store);
  const check: AlertCheck = { evaluated_at: now.toISOString(), cutoff: null, fired: [], resolved: [], errors: [] };
  if (!days) return check;
  const today = DateTime.fromJSDate(now, { zone: deps.metrics.workspace.reportingTimezone }).toISODate() ?? days.last;
  const cutoff = alertCutoff(today, days.last);
  check.cutoff = cutoff;
  for (const rule of deps.alerts.rules) {
    try {
      const r = await evaluateRule(deps, rule, { cutoff, last: days.last }, now);
      check.fired.push(...r.fired);
      check.resolved.push(...r.resolved);
    } catch (err) {
      check.errors.push({ rule: rule.id, error: (err as Error).message });
    }
  }
  return check;
}
