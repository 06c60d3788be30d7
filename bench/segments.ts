// Segments at scale (issue 6): RFM with the recency-frequency matrix and its movements, and one rule
// segment, on synthetic metric facts of N customers (default 1M) written straight into the fact
// tables (the demo generator and import would take far longer than the queries being measured).
// Reference, measured in the same run: one grouped scan of the orders (per customer count, sum,
// last day) — the least any RFM must read.
// With --retention, also the retention view (issue 6) with that rule stored as a segment: three
// window days, ten RFM segments and one rule segment, top products and movement (no target).
// Run: npm run bench:segments [-- --customers N --runs R --retention]. Prints figures, writes bench/results/segments.json.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkspaceConfig } from '../src/contract/index.js';
import { Rule, asOfDay, countMembers, parseOrThrow, readRfm, readSegmentRetention, saveSegment } from '../src/segments/index.js';
import { openDuckDbStore, sql } from '../src/store/index.js';
import { fmt, saveResult, timeRuns } from './lib/harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const CUSTOMERS = option('customers', 1_000_000);
const RUNS = option('runs', 3);

const time = (fn: () => Promise<unknown>) => timeRuns(fn, RUNS);

const dataDir = join(tmpdir(), `tessera-bench-segments-${CUSTOMERS}`);
rmSync(dataDir, { recursive: true, force: true });
const store = await openDuckDbStore({ dataDir, memoryLimit: '2GB', threads: 2 });
const workspace = WorkspaceConfig.parse({});
const LAST_DAY = '2025-12-31';

const t0 = performance.now();
await store.run(sql`INSERT INTO customer_keys SELECT i, 'c' || i FROM range(1, ${CUSTOMERS + 1}) t(i)`);
await store.run(sql`INSERT INTO customer_map SELECT 'user', 'u' || i, 'c' || i FROM range(1, ${CUSTOMERS + 1}) t(i)`);
// Orders per customer: 1 + a geometric count (most buy once, a long tail buys often), over three years.
await store.run(sql`CREATE TEMP TABLE cust AS SELECT i, CAST(1 + floor(-ln(1 - random()) * 1.5) AS BIGINT) AS k FROM range(1, ${CUSTOMERS + 1}) t(i)`);
await store.run(sql`CREATE TEMP TABLE gen AS
  SELECT customer_key, CAST(${LAST_DAY} AS DATE) - CAST(floor(random() * 1095) AS INTEGER) AS day,
    CAST(round(20 + random() * 180, 2) AS DECIMAL(18,4)) AS revenue, random() < 0.02 AS removed
  FROM (SELECT i AS customer_key, unnest(range(k)) AS j FROM cust) t`);
await store.run(sql`INSERT INTO orders (order_id, seq, customer_key, ts, local_day, gross, refunded, revenue, removed_at)
  SELECT 'o' || row_number() OVER (), row_number() OVER (), customer_key, day + INTERVAL 12 HOUR, day, revenue, 0, revenue,
    CASE WHEN removed THEN day + INTERVAL 5 DAY END FROM gen`);
await store.run(sql`INSERT INTO event_names VALUES (1, 'Order Completed')`);
await store.run(sql`INSERT INTO event_facts (seq, ts, local_day, customer_key, type, event_code, web, is_page, order_id)
  SELECT seq, ts, local_day, customer_key, 'track', 1, false, false, order_id FROM orders`);
const orders = Number((await store.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders`))[0]?.n ?? 0);
await store.run(sql`DROP TABLE gen`);
await store.run(sql`DROP TABLE cust`);
const generateSeconds = (performance.now() - t0) / 1000;
console.error(`generated ${fmt(CUSTOMERS)} customers, ${fmt(orders)} orders in ${generateSeconds.toFixed(1)} s`);

const reference = await time(() => store.query(sql`SELECT count(*) AS n, sum(s) AS s FROM (SELECT customer_key, count(*) AS c, sum(revenue) AS s, max(local_day) AS d FROM orders WHERE removed_at IS NULL GROUP BY customer_key)`));
const summaries = await time(() => readRfm(store, workspace, { asOf: LAST_DAY, withoutCustomers: true }));
const full = await time(() => readRfm(store, workspace, { asOf: LAST_DAY }));
const rule = parseOrThrow(
  Rule,
  {
    all: [
      { event: 'Order Completed', count: { op: 'gte', value: 2 }, within_days: 365 },
      { rfm: { segment: ['Champions', 'Loyal', 'Potential loyalists'] } },
      { not: { fact: 'revenue', op: 'lt', value: 150 } },
    ],
  },
  'rule',
);
const asOf = asOfDay(LAST_DAY, workspace.reportingTimezone);
let members = 0;
const segment = await time(async () => (members = await countMembers(store, rule, asOf)));
let retention: { median: number; best: number } | undefined;
if (args.includes('--retention')) {
  await saveSegment(store, { id: 'bench-rule', name: 'The benchmark rule', rule });
  retention = await time(() => readSegmentRetention(store, workspace, LAST_DAY));
}
await store.close();
rmSync(dataDir, { recursive: true, force: true });

const ms = (x: { median: number; best: number }) => ({ median: Math.round(x.median), best: Math.round(x.best), ratioToReference: Math.round((x.median / reference.median) * 10) / 10 });
const result = {
  customers: CUSTOMERS,
  orders,
  runs: RUNS,
  referenceGroupedScanMs: ms(reference),
  rfmSummariesMatrixAndMovementsMs: ms(summaries),
  rfmWithEveryCustomerMs: ms(full),
  ruleSegmentCountMs: ms(segment),
  ruleSegmentMembers: members,
  ...(retention ? { retentionViewMs: ms(retention) } : {}),
};
console.log(JSON.stringify(result, null, 2));
saveResult('segments', result);
