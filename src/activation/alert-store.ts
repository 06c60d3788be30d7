import type { Alert } from '../contract/index.js';
import { sql, type Store, type StoreTx } from '../store/index.js';

interface AlertRow {
  id: string;
  rule_id: string;
  metric: string;
  label: string;
  unit: string;
  grain: string;
  period: string;
  period_start: Date;
  period_end: Date;
  segment_id: string | null;
  value: number | null;
  previous: number | null;
  change: number | null;
  condition: string;
  message: string;
  fired_at: Date;
  resolved_at: Date | null;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);
const num = (v: number | null): number | null => (v === null ? null : Number(v));

function alertOf(r: AlertRow): Alert {
  return {
    id: r.id,
    rule: r.rule_id,
    metric: r.metric,
    label: r.label,
    unit: r.unit,
    grain: r.grain,
    period: r.period,
    start: day(r.period_start),
    end: day(r.period_end),
    segment: r.segment_id,
    value: num(r.value),
    previous: num(r.previous),
    change: num(r.change),
    condition: r.condition,
    message: r.message,
    status: r.resolved_at === null ? 'open' : 'resolved',
    fired_at: r.fired_at.toISOString(),
    resolved_at: r.resolved_at ? r.resolved_at.toISOString() : null,
  };
}

const columns = sql`id, rule_id, metric, label, unit, grain, period, period_start, period_end, segment_id, value, previous, change, condition, message, fired_at, resolved_at`;

/** Alerts newest first: open ones, resolved ones, or both. */
export async function listAlerts(store: Store | StoreTx, options: { status?: 'open' | 'resolved' | 'all'; limit?: number } = {}): Promise<Alert[]> {
  const status = options.status ?? 'all';
  const rows = await store.query<AlertRow>(sql`SELECT ${columns} FROM alerts
    WHERE (${status} = 'all' OR (${status} = 'open') = (resolved_at IS NULL))
    ORDER BY fired_at DESC, id LIMIT ${options.limit ?? 100}`);
  return rows.map(alertOf);
}

/** The open alerts of one rule. */
export async function openAlertsOf(tx: StoreTx, rule: string): Promise<Alert[]> {
  const rows = await tx.query<AlertRow>(sql`SELECT ${columns} FROM alerts WHERE rule_id = ${rule} AND resolved_at IS NULL`);
  return rows.map(alertOf);
}

/** One alert by id, open or not. */
export async function findAlert(tx: StoreTx, id: string): Promise<Alert | undefined> {
  const rows = await tx.query<AlertRow>(sql`SELECT ${columns} FROM alerts WHERE id = ${id}`);
  return rows[0] ? alertOf(rows[0]) : undefined;
}

/** Records an alert as fired now (a resolved one for the same rule and period fires again). */
export async function fireAlert(tx: StoreTx, a: Alert, now: Date): Promise<void> {
  await tx.run(sql`DELETE FROM alerts WHERE id = ${a.id}`);
  await tx.run(sql`INSERT INTO alerts (${columns}) VALUES (${a.id}, ${a.rule}, ${a.metric}, ${a.label}, ${a.unit}, ${a.grain}, ${a.period},
    CAST(${a.start} AS DATE), CAST(${a.end} AS DATE), ${a.segment}, ${a.value}, ${a.previous}, ${a.change}, ${a.condition}, ${a.message}, ${now}, NULL)`);
}

/** Updates the figures of an open alert whose period is still in progress (no new notification). */
export async function updateAlertFigures(tx: StoreTx, a: Alert): Promise<void> {
  await tx.run(sql`UPDATE alerts SET value = ${a.value}, previous = ${a.previous}, change = ${a.change}, message = ${a.message}, period_end = CAST(${a.end} AS DATE) WHERE id = ${a.id}`);
}

/** Marks an alert resolved now. */
export async function resolveAlert(tx: StoreTx, id: string, now: Date): Promise<void> {
  await tx.run(sql`UPDATE alerts SET resolved_at = ${now} WHERE id = ${id} AND resolved_at IS NULL`);
}
