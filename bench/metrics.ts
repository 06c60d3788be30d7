// KPI queries at scale (issue 5): a generated demo shop, one KPI as a monthly series over two
// years (after warm-up), and the 12 headline KPIs of the overview together; each against the same
// question hand-written in DuckDB SQL on bare tables holding just the columns it reads.
// Run: npm run bench:metrics [-- --customers N --runs R --keep]. Prints the figures and writes
// bench/results/metrics.json.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { TesseraConfig } from '../src/contract/index.js';
import { answerMetric, listCatalog, openMetrics, queryMetric, refreshFacts, type MetricResult } from '../src/metrics/index.js';
import { loadDemo, openWorkspace } from '../src/server/index.js';
import { raw, sql } from '../src/store/index.js';
import { fmt, saveResult, timeRuns } from './lib/harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const CUSTOMERS = option('customers', 10_000);
const SEED = option('seed', 5);
const RUNS = option('runs', 5);
const KEEP = args.includes('--keep');

/** Median of RUNS timed runs after a warm-up; the best run is kept for lastBest(). */
const best: number[] = [];
async function time(fn: () => Promise<unknown>): Promise<number> {
  const { median, best: fastest } = await timeRuns(fn, RUNS);
  best.push(fastest);
  return median;
}
const lastBest = (): number => Math.round((best.at(-1) ?? NaN) * 10) / 10;

const dataDir = join(tmpdir(), `tessera-bench-metrics-${CUSTOMERS}-${SEED}`);
const ws = await openWorkspace(TesseraConfig.parse({ dataDir, logLevel: 'silent', workspace: { reportingTimezone: 'America/New_York' } }), pino({ level: 'silent' }));
const loadStarted = performance.now();
const demo = await loadDemo(ws, { customers: CUSTOMERS, seed: SEED, progress: (line) => console.error(line) });
await refreshFacts(ws.store, ws.config.workspace);
const loadSeconds = (performance.now() - loadStarted) / 1000;
const count = async (table: string) => Number((await ws.store.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${raw(table)}`))[0]?.n ?? 0);
const events = await count('events');
const ordersRows = await count('orders');
const sessionRows = await count('sessions');

const deps = openMetrics(ws.store, ws.config);
// The last two whole years of the shop, in months.
const all = (await queryMetric(deps, { metric: 'orders', grain: 'month' })) as MetricResult;
const to = all.series.at(-1)?.end ?? '2026-01-01';
const from = `${Number(to.slice(0, 4)) - 2}${to.slice(4)}`;
const headline = listCatalog(deps).filter((m) => m.headline).map((m) => m.id);
const ask = (metric: string) => queryMetric(deps, { metric, grain: 'month', from, to });

// Bare tables: one row per order and per session, with only the columns the reference queries read.
await ws.store.run(sql`CREATE OR REPLACE TABLE bare_orders AS
  SELECT local_day AS day, date_trunc('month', local_day) AS month, customer_key AS cust, CAST(revenue AS DECIMAL(18,4)) AS revenue,
    row_number() OVER (PARTITION BY customer_key ORDER BY ts, order_id) AS n
  FROM orders WHERE removed_at IS NULL`);
await ws.store.run(sql`CREATE OR REPLACE TABLE bare_sessions AS
  SELECT local_day AS day, date_trunc('month', local_day) AS month, visitor_key AS visitor, calls, pages, has_order FROM sessions`);
const range = `day >= DATE '${from}' AND day < DATE '${to}'`;
const byMonth = (select: string, table: string) => `SELECT month, ${select} FROM ${table} WHERE ${range} GROUP BY month`;
const reference: Record<string, string> = {
  orders: byMonth('count(*)', 'bare_orders'),
  revenue: byMonth('sum(revenue)', 'bare_orders'),
  aov: byMonth('sum(revenue) / count(*)', 'bare_orders'),
  customers: byMonth('count(DISTINCT cust)', 'bare_orders'),
  new_customers: `SELECT month, count(*) FROM bare_orders WHERE n = 1 AND ${range} GROUP BY month`,
  repeat_purchase_rate: `SELECT o.month, 100.0 * count(DISTINCT o.cust) FILTER (WHERE s.day < o.month + INTERVAL 1 MONTH) / count(DISTINCT o.cust)
    FROM bare_orders o LEFT JOIN bare_orders s ON s.cust = o.cust AND s.n = 2 WHERE o.day >= DATE '${from}' AND o.day < DATE '${to}' GROUP BY o.month`,
  sessions: byMonth('count(*)', 'bare_sessions'),
  visitors: byMonth('count(DISTINCT visitor)', 'bare_sessions'),
  bounce_rate: byMonth('100.0 * count(*) FILTER (WHERE calls = 1 AND pages = 1) / count(*)', 'bare_sessions'),
  conversion_rate: byMonth('100.0 * count(*) FILTER (WHERE has_order) / count(*)', 'bare_sessions'),
  retention_rate: `WITH p AS (SELECT DISTINCT month, cust FROM bare_orders WHERE day >= DATE '${from}' - INTERVAL 1 MONTH AND day < DATE '${to}')
    SELECT a.month + INTERVAL 1 MONTH, 100.0 * count(b.cust) / count(*) FROM p a LEFT JOIN p b ON b.cust = a.cust AND b.month = a.month + INTERVAL 1 MONTH
    WHERE a.month + INTERVAL 1 MONTH >= DATE '${from}' GROUP BY 1`,
  historical_clv: `SELECT month, sum(sum(revenue)) OVER (ORDER BY month) / sum(count(*) FILTER (WHERE n = 1)) OVER (ORDER BY month)
    FROM bare_orders WHERE day < DATE '${to}' GROUP BY month`,
};
const hand = (metric: string) => ws.store.query(sql`${raw(reference[metric] ?? '')}`);

const single: Record<string, { engine: number; engineBest: number; reference: number; referenceBest: number }> = {};
for (const metric of headline) {
  const engine = await time(() => ask(metric));
  const engineBest = lastBest();
  const reference = await time(() => hand(metric));
  single[metric] = { engine, engineBest, reference, referenceBest: lastBest() };
}
const together = {
  engine: await time(async () => {
    for (const m of headline) await ask(m);
  }),
  reference: await time(async () => {
    for (const m of headline) await hand(m);
  }),
};
const parallel = await time(() => Promise.all(headline.map(ask)));
const withRefresh = await time(() => answerMetric(deps, { metric: 'revenue', grain: 'month', from, to }));

const worst = Object.entries(single).sort((a, b) => b[1].engine - a[1].engine)[0];
const result = {
  customers: CUSTOMERS,
  seed: SEED,
  events,
  orders: ordersRows,
  sessions: sessionRows,
  range: { from, to, months: 24 },
  loadSeconds: Math.round(loadSeconds),
  demoLoaded: demo.loaded,
  runs: RUNS,
  singleMs: Object.fromEntries(
    Object.entries(single).map(([k, v]) => [
      k,
      { engine: Math.round(v.engine * 10) / 10, engineBest: v.engineBest, reference: Math.round(v.reference * 10) / 10, referenceBest: v.referenceBest, ratio: Math.round((v.engine / v.reference) * 10) / 10 },
    ]),
  ),
  slowestSingle: worst ? { metric: worst[0], ms: Math.round(worst[1].engine) } : null,
  headlineTogetherMs: { engine: Math.round(together.engine), reference: Math.round(together.reference), ratio: Math.round((together.engine / together.reference) * 10) / 10 },
  headlineParallelMs: Math.round(parallel),
  revenueWithUpToDateRefreshMs: Math.round(withRefresh),
};
console.log(`metrics bench: ${fmt(events)} events, ${fmt(ordersRows)} orders, ${fmt(sessionRows)} sessions (${CUSTOMERS} customers), ${from} to ${to} monthly`);
console.log('  KPI (monthly, 24 months)   engine median (best)   hand-written median (best)   ratio of medians');
for (const [k, v] of Object.entries(result.singleMs)) {
  console.log(`  ${k.padEnd(24)} ${String(v.engine).padStart(8)} ms (${v.engineBest})   ${String(v.reference).padStart(8)} ms (${v.referenceBest})   ×${v.ratio}`);
}
console.log(`  12 headline KPIs together: ${result.headlineTogetherMs.engine} ms (hand-written ${result.headlineTogetherMs.reference} ms, ×${result.headlineTogetherMs.ratio}); in parallel ${result.headlineParallelMs} ms`);
console.log(`  revenue with the refresh check (facts up to date): ${result.revenueWithUpToDateRefreshMs} ms`);
saveResult('metrics', result);
await ws.close();
if (!KEEP) rmSync(dataDir, { recursive: true, force: true });
