// The KPI engine against an independent computation on the demo shop: the same KPIs written here
// in plain SQL over the raw `events` table and `customer_map` (not the engine's fact tables), in
// the shop's reporting zone, month by month.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { TesseraConfig } from '../src/contract/index.js';
import { answerMetric, openMetrics, type MetricResult, type MetricsDeps } from '../src/metrics/index.js';
import { loadDemo, openWorkspace, type Workspace } from '../src/server/index.js';
import { raw, sql } from '../src/store/index.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

const zone = 'America/New_York';
let dir: string;
let ws: Workspace;
let deps: MetricsDeps;
let months: string[];

/** Local day in the reporting zone, spelled independently of the store's dialect. */
const localDay = (ts: string) => `CAST(timezone('${zone}', CAST(${ts} AS TIMESTAMPTZ)) AS DATE)`;

// Every event with its resolved customer: the customer_map entry of its user id, else email, else
// phone, else anonymous id; an event none of whose identifiers is mapped stands for its raw identifier.
const resolved = `
  SELECT e.*, ${localDay('e.ts')} AS day, date_trunc('month', ${localDay('e.ts')}) AS month,
    coalesce(mu.customer_id, me.customer_id, mp.customer_id, ma.customer_id,
      CASE WHEN e.user_id IS NOT NULL THEN 'user:' || e.user_id WHEN e.email IS NOT NULL THEN 'email:' || e.email
           WHEN e.phone IS NOT NULL THEN 'phone:' || e.phone ELSE 'anon:' || coalesce(e.anonymous_id, '') END) AS cust
  FROM events e
  LEFT JOIN customer_map mu ON mu.type = 'user' AND mu.value = e.user_id
  LEFT JOIN customer_map me ON me.type = 'email' AND me.value = e.email
  LEFT JOIN customer_map mp ON mp.type = 'phone' AND mp.value = e.phone
  LEFT JOIN customer_map ma ON ma.type = 'anon' AND ma.value = e.anonymous_id`;

// Orders that count: the first Order Completed of each order_id; gone when cancelled, refunded
// without an amount, or refunded in full; partial refunds (in the order's currency) at the order's rate.
const orders = `
  WITH ev AS (${resolved}),
  firsts AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY ts, seq) AS n FROM ev
             WHERE type = 'track' AND event = 'Order Completed' AND order_id IS NOT NULL) WHERE n = 1),
  adj AS (SELECT order_id, bool_or(event = 'Order Cancelled' OR amount IS NULL) AS gone, sum(amount) AS refunded
          FROM ev WHERE type = 'track' AND event IN ('Order Refunded', 'Order Cancelled') AND order_id IS NOT NULL GROUP BY order_id)
  SELECT f.order_id, f.cust, f.day, f.month, f.ts, CAST(f.amount_base AS DOUBLE) - coalesce(CAST(a.refunded AS DOUBLE) * f.rate, 0) AS revenue
  FROM firsts f LEFT JOIN adj a ON a.order_id = f.order_id
  WHERE NOT coalesce(a.gone, FALSE) AND coalesce(a.refunded, 0) < f.amount`;

// Sessions: a visitor's page/screen/track calls not imported from files nor sent by a back end's
// server library (the demo's email, survey and ticket events), cut at gaps over 30 minutes.
const sessions = `
  WITH calls AS (SELECT *, lag(ts) OVER (PARTITION BY cust ORDER BY ts, seq) AS prev FROM (${resolved}) r
                 WHERE type IN ('page', 'screen', 'track') AND coalesce(channel, '') NOT IN ('import', 'server')
                   AND (type <> 'track' OR coalesce(json_extract_string(message, '$.context.library.name'), '') <> 'analytics-node')),
  numbered AS (SELECT *, sum(CASE WHEN prev IS NULL OR ts - prev > INTERVAL 30 MINUTE THEN 1 ELSE 0 END)
                 OVER (PARTITION BY cust ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS sn FROM calls)
  SELECT cust, sn, arg_min(month, ts) AS month, count(*) AS calls, count(*) FILTER (WHERE type IN ('page', 'screen')) AS pages,
    bool_or(event = 'Order Completed') AS converted
  FROM numbered GROUP BY cust, sn`;

type Row = { month: Date | string; v: number | null };

/** Per month of the demo, the value of an independent query returning (month, v); a month without a row is 0, or null for a ratio (no denominator). */
async function independent(query: string, empty: 0 | null): Promise<(number | null)[]> {
  const rows = await ws.store.query<Row>(sql`${raw(query)}`);
  const byMonth = new Map(rows.map((r) => [(r.month instanceof Date ? r.month.toISOString() : String(r.month)).slice(0, 7), r.v === null ? null : Number(r.v)]));
  // A month outside the shop's months is dropped below: it may only say that nothing happened (the retention
  // queries also give the month after the last, whose customers came back zero times).
  expect([...byMonth].filter(([m, v]) => !months.includes(m) && v !== 0 && v !== null)).toEqual([]);
  return months.map((m) => (byMonth.has(m) ? (byMonth.get(m) ?? null) : empty));
}

const ratio = (num: string, den: string, scale = 1) => `CASE WHEN (${den}) = 0 THEN NULL ELSE ${scale} * (${num}) / (${den}) END`;
const prevMonth = (m: string) => `${m} - INTERVAL 1 MONTH`;

const queries: Record<string, string> = {
  orders: `SELECT month, count(*) AS v FROM (${orders}) GROUP BY month`,
  revenue: `SELECT month, sum(revenue) AS v FROM (${orders}) GROUP BY month`,
  aov: `SELECT month, sum(revenue) / count(*) AS v FROM (${orders}) GROUP BY month`,
  customers: `SELECT month, count(DISTINCT cust) AS v FROM (${orders}) GROUP BY month`,
  new_customers: `SELECT month, count(*) AS v FROM (SELECT cust, min(month) AS month FROM (${orders}) GROUP BY cust) GROUP BY month`,
  returning_customers: `SELECT o.month, count(DISTINCT o.cust) AS v FROM (${orders}) o
    WHERE EXISTS (SELECT 1 FROM (${orders}) p WHERE p.cust = o.cust AND p.month < o.month) GROUP BY o.month`,
  repeat_purchase_rate: `SELECT m.month, ${ratio('count(*) FILTER (WHERE n >= 2)', 'count(*)', 100)} AS v FROM (
      SELECT DISTINCT o.month, o.cust FROM (${orders}) o) m
    JOIN LATERAL (SELECT count(*) AS n FROM (${orders}) a WHERE a.cust = m.cust AND a.month <= m.month) c ON TRUE GROUP BY m.month`,
  retention_rate: `SELECT p.month + INTERVAL 1 MONTH AS month, ${ratio('count(*) FILTER (WHERE c.cust IS NOT NULL)', 'count(*)', 100)} AS v
    FROM (SELECT DISTINCT month, cust FROM (${orders})) p
    LEFT JOIN (SELECT DISTINCT month, cust FROM (${orders})) c ON c.cust = p.cust AND ${prevMonth('c.month')} = p.month GROUP BY p.month`,
  net_revenue_retention: `SELECT p.month + INTERVAL 1 MONTH AS month, ${ratio('coalesce(sum(c.revenue), 0)', 'sum(p.revenue)', 100)} AS v
    FROM (SELECT month, cust, sum(revenue) AS revenue FROM (${orders}) GROUP BY ALL) p
    LEFT JOIN (SELECT month, cust, sum(revenue) AS revenue FROM (${orders}) GROUP BY ALL) c ON c.cust = p.cust AND ${prevMonth('c.month')} = p.month
    GROUP BY p.month`,
  historical_clv: `SELECT m.month, (SELECT sum(revenue) FROM (${orders}) o WHERE o.month <= m.month) /
      (SELECT count(DISTINCT cust) FROM (${orders}) o WHERE o.month <= m.month) AS v
    FROM (SELECT DISTINCT month FROM (${resolved})) m`,
  sessions: `SELECT month, count(*) AS v FROM (${sessions}) GROUP BY month`,
  visitors: `SELECT month, count(DISTINCT cust) AS v FROM (${sessions}) GROUP BY month`,
  bounce_rate: `SELECT month, ${ratio('count(*) FILTER (WHERE calls = 1 AND pages = 1)', 'count(*)', 100)} AS v FROM (${sessions}) GROUP BY month`,
  conversion_rate: `SELECT month, ${ratio('count(*) FILTER (WHERE converted)', 'count(*)', 100)} AS v FROM (${sessions}) GROUP BY month`,
  email_open_rate: `WITH ev AS (${resolved}),
    sends AS (SELECT cust, json_extract_string(message, '$.properties.email_id') AS email_id, min(ts) AS ts FROM ev WHERE event = 'Email Delivered' GROUP BY ALL),
    opens AS (SELECT DISTINCT cust, json_extract_string(message, '$.properties.email_id') AS email_id FROM ev WHERE event = 'Email Opened')
    SELECT date_trunc('month', ${localDay('s.ts')}) AS month, ${ratio('count(o.cust)', 'count(*)', 100)} AS v
    FROM sends s LEFT JOIN opens o ON o.cust = s.cust AND o.email_id = s.email_id GROUP BY ALL`,
  nps: `WITH r AS (SELECT month, TRY_CAST(json_extract_string(message, '$.properties.score') AS DOUBLE) AS score FROM (${resolved})
                 WHERE event = 'Survey Responded' AND lower(json_extract_string(message, '$.properties.survey_type')) = 'nps')
    SELECT month, ${ratio('count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)', 'count(*)', 100)} AS v
    FROM r WHERE score BETWEEN 0 AND 10 GROUP BY month`,
};

/** KPIs that are a count or a sum (0 in a month without rows); the others are ratios. */
const counts = new Set(['orders', 'revenue', 'customers', 'new_customers', 'returning_customers', 'sessions', 'visitors']);

beforeAll(async () => {
  dir = await makeTempDir('tessera-kpi-demo-');
  ws = await openWorkspace(TesseraConfig.parse({ dataDir: join(dir, 'data'), logLevel: 'silent', workspace: { reportingTimezone: zone } }), pino({ level: 'silent' }));
  const load = await loadDemo(ws, { customers: 300, seed: 7, sourceDir: join(dir, 'source') });
  deps = openMetrics(ws.store, ws.config);
  // The months of the shop, from the dates it was generated for (not from the engine under test).
  months = [];
  for (let d = new Date(`${load.start}T00:00:00Z`); d < new Date(`${load.end}T00:00:00Z`); d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    months.push(d.toISOString().slice(0, 7));
  }
}, 300_000);

afterAll(async () => {
  await ws?.close();
  await removeDir(dir);
});

/** Equal to a cent (or a hundredth of a percent): the engine keeps money in DECIMAL(18,4), rounding each refund. */
function expectClose(metric: string, engine: (number | null)[], expected: (number | null)[]): void {
  expect(engine.length, metric).toBe(expected.length);
  engine.forEach((v, i) => {
    const e = expected[i] ?? null;
    if (e === null || v === null) expect(v, `${metric} ${months[i]}`).toBe(e);
    else expect(Math.abs(v - e), `${metric} ${months[i]}: engine ${v}, independent ${e}`).toBeLessThan(0.01);
  });
}

describe('the KPI engine on the demo shop', () => {
  it('has two years of monthly data to compare', () => {
    expect(months).toHaveLength(24);
  });

  for (const metric of Object.keys(queries)) {
    it(`agrees with an independent SQL computation of ${metric}, month by month`, async () => {
      const r = (await answerMetric(deps, { metric, grain: 'month' })) as MetricResult;
      expect(r.series.map((p) => p.period)).toEqual(months);
      expectClose(metric, r.series.map((p) => p.value), await independent(queries[metric] as string, counts.has(metric) ? 0 : null));
    });
  }
});
