// Every KPI of ../shared/spec/metrics.md on a hand-built shop (test/fixtures/metrics/kpi-shop.ts),
// each expected number worked out by hand in the comments beside it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { TesseraConfig } from '../src/contract/index.js';
import { answerMetric, openMetrics, type MetricResult, type MetricsDeps, type TableResult } from '../src/metrics/index.js';
import { openWorkspace, type Workspace } from '../src/server/index.js';
import { kpiShopMessages, loadKpiShop } from './fixtures/metrics/kpi-shop.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
let ws: Workspace;
let deps: MetricsDeps;

beforeAll(async () => {
  dir = await makeTempDir('tessera-kpis-');
  ws = await openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent' }), pino({ level: 'silent' }));
  await loadKpiShop(ws, dir);
  deps = openMetrics(ws.store, ws.config);
});

afterAll(async () => {
  await ws.close();
  await removeDir(dir);
});

async function series(metric: string, grain = 'month', from = '2024-01-01', to = '2024-04-01'): Promise<MetricResult> {
  const r = await answerMetric(deps, { metric, grain: grain as 'month', from, to });
  if (!('series' in r) || 'by' in r) throw new Error(`${metric} is not a series`);
  return r;
}

/** January, February and March values of a KPI. */
async function monthly(metric: string): Promise<(number | null)[]> {
  return (await series(metric)).series.map((p) => p.value);
}

describe('sales KPIs', () => {
  it('counts an order once by order_id, without cancelled or fully refunded orders', async () => {
    // Jan: O1, O2, O3 (O4 cancelled, O5 fully refunded); Feb: O6 (sent twice), O7, O8; Mar: O9.
    expect(await monthly('orders')).toEqual([3, 3, 1]);
  });

  it('sums revenue in base currency net of partial refunds at the order rate', async () => {
    // Jan: O1 100 + O2 (50 EUR × 1.10 = 55, less the Feb refund of 10 EUR × 1.10 = 11) 44 + O3 40 GBP × 1.25 = 50 → 194.
    // Feb: O6 30 + O7 20 EUR × 1.20 = 24 + O8 40 → 94. Mar: O9 70.
    expect(await monthly('revenue')).toEqual([194, 94, 70]);
  });

  it('divides revenue by orders for the average order value', async () => {
    // 194 / 3, 94 / 3, 70 / 1
    expect(await monthly('aov')).toEqual([64.6667, 31.3333, 70]);
  });

  it('counts customers, new customers and returning customers', async () => {
    // Jan: alice, bob. Feb: alice, erin, carol. Mar: bob.
    expect(await monthly('customers')).toEqual([2, 3, 1]);
    // First order that counts: alice and bob in Jan; erin and carol in Feb (carol's January order was cancelled).
    expect(await monthly('new_customers')).toEqual([2, 2, 0]);
    // Feb: alice (carol's only earlier order was cancelled); Mar: bob.
    expect(await monthly('returning_customers')).toEqual([0, 1, 1]);
  });

  it('computes purchase frequency and the repeat purchase rate', async () => {
    // 3/2, 3/3, 1/1
    expect(await monthly('purchase_frequency')).toEqual([1.5, 1, 1]);
    // Jan: alice has 2 orders by the end of Jan, bob 1 → 1/2. Feb: alice yes; erin, carol no → 1/3. Mar: bob (O3, O9) → 1/1.
    expect(await monthly('repeat_purchase_rate')).toEqual([50, 33.3333, 100]);
  });

  it('gives numerator and denominator beside the value', async () => {
    const aov = await series('aov');
    expect(aov.series[0]).toMatchObject({ period: '2024-01', start: '2024-01-01', end: '2024-02-01', numerator: 194, denominator: 3, previous: null, change: null });
    // Feb against Jan: (94/3 − 194/3) / (194/3) = −100/194 = −51.5464 % (from exact values, not rounded ones)
    expect(aov.series[1]).toMatchObject({ previous: 64.6667, change: -51.5464 });
    expect(aov.total).toMatchObject({ start: '2024-01-01', end: '2024-04-01', value: 51.1429, numerator: 358, denominator: 7 }); // 194 + 94 + 70 = 358 over 7 orders
  });
});

describe('web and funnel KPIs', () => {
  it('cuts sessions at a gap over 30 minutes and keeps a gap of exactly 30 minutes in one session', async () => {
    // Jan: bob's page. Feb: S1–S8 (anon-1 makes three: gaps of 35 minutes; anon-2 one across exactly 30 minutes).
    expect(await monthly('sessions')).toEqual([1, 8, expect.any(Number)]);
    // Feb visitors: anon-1, anon-2, alice, erin, frank, bob; new: all but bob (first session in Jan).
    expect((await monthly('visitors')).slice(0, 2)).toEqual([1, 6]);
    expect((await monthly('new_visitors')).slice(0, 2)).toEqual([1, 5]);
  });

  it('computes bounce rate, duration, pages per session and conversion from the sessions', async () => {
    // Bounces: Jan bob's lone page (1/1); Feb only S2 (S3 and S7 are a lone track call) → 1/8.
    expect((await monthly('bounce_rate')).slice(0, 2)).toEqual([100, 12.5]);
    // Feb durations 600 + 0 + 0 + 1860 + 600 + 1200 + 0 + 300 = 4560 s over 8 sessions.
    expect((await monthly('avg_session_duration')).slice(0, 2)).toEqual([0, 570]);
    // Feb pages 2 + 1 + 0 + 2 + 1 + 1 + 0 + 2 = 9 over 8.
    expect((await monthly('pages_per_session')).slice(0, 2)).toEqual([1, 1.125]);
    // Feb: S5 (O6) and S6 (O7) → 2/8.
    expect((await monthly('conversion_rate')).slice(0, 2)).toEqual([0, 25]);
    // Feb revenue 94 over 8 sessions; Jan 194 over 1.
    expect((await monthly('revenue_per_visit')).slice(0, 2)).toEqual([194, 11.75]);
  });

  it('counts abandoned carts among sessions with a cart, and a zero denominator as null', async () => {
    // Feb carts: S3, S4, S5; without an order: S3, S4 → 2/3. Jan: no cart at all → null, never 0.
    expect((await monthly('cart_abandonment_rate')).slice(0, 2)).toEqual([null, 66.6667]);
  });

  it('relates sign-ups to visitors and activations to sign-ups', async () => {
    // Feb: erin and frank signed up, of 6 visitors.
    expect((await monthly('traffic_to_lead')).slice(0, 2)).toEqual([0, 33.3333]);
    // Feb: erin ordered 15 minutes after signing up, frank never → 1/2; Jan: no sign-up → null.
    expect((await monthly('activation_rate')).slice(0, 2)).toEqual([null, 50]);
  });

  it('breaks sessions down by source with conversion and the revenue of their orders', async () => {
    const r = (await answerMetric(deps, { metric: 'top_traffic_sources', grain: 'month', from: '2024-02-01', to: '2024-03-01' })) as TableResult;
    // direct: S2, S3, S6, S7, S8 (5), converting S6 (O7, 24); newsletter S5 (O6, 30); facebook S4; google.com S1
    // (referred by www.google.com: one site is one source, without its www.).
    expect(r.total.rows).toEqual([
      { group: 'direct', sessions: 5, conversion_rate: 20, revenue: 24 },
      { group: 'facebook', sessions: 1, conversion_rate: 0, revenue: 0 },
      { group: 'google.com', sessions: 1, conversion_rate: 0, revenue: 0 },
      { group: 'newsletter', sessions: 1, conversion_rate: 100, revenue: 30 },
    ]);
  });
});

describe('engagement and satisfaction KPIs', () => {
  it('counts distinct (customer, email) pairs by the month they were delivered', async () => {
    // Jan: erin e3 delivered and opened (in Feb) → 100 % opened, 0 clicked. Feb: (alice, e1) opened twice
    // and clicked, (bob, e1) nothing, (carol, e2) opened → 2/3 opened, 1/3 clicked. Mar: none → null.
    expect(await monthly('email_open_rate')).toEqual([100, 66.6667, null]);
    expect(await monthly('email_click_rate')).toEqual([0, 33.3333, null]);
  });

  it('scores surveys on their scale and reports the responses outside it as dropped', async () => {
    // NPS: 10, 9, 9 promoters, 7 passive, 3 detractor; 11 and −1 dropped → 100 × (3 − 1) / 5.
    const nps = await series('nps');
    expect(nps.series.map((p) => p.value)).toEqual([null, null, 40]);
    expect(nps.total.dropped?.count).toBe(2);
    // CSAT: 5, 4 satisfied of 5, 4, 3, 1; 6 and 0 dropped → 2/4.
    const csat = await series('csat');
    expect(csat.series[2]?.value).toBe(50);
    expect(csat.total.dropped?.count).toBe(2);
    // CES: mean of 7, 5, 3; 8 dropped.
    const ces = await series('ces');
    expect(ces.series[2]).toMatchObject({ value: 5, numerator: 15, denominator: 3 });
    expect(ces.total.dropped?.count).toBe(1);
  });
});

describe('retention and value KPIs', () => {
  it('computes retention, churn and net revenue retention across two months', async () => {
    // Feb: of Jan's alice and bob, alice ordered again → 50 %; Mar: of alice, erin, carol none → 0 %.
    // Jan: nobody ordered in December → the denominator is 0 → null.
    expect(await monthly('retention_rate')).toEqual([null, 50, 0]);
    expect(await monthly('churn_rate')).toEqual([null, 50, 100]);
    // Feb: Jan customers' Feb revenue (alice 30) / their Jan revenue (alice 144 + bob 50 = 194). Mar: 0 / 94.
    expect(await monthly('net_revenue_retention')).toEqual([null, 15.4639, 0]);
  });

  it('divides all revenue to date by the customers who ordered to date', async () => {
    // End of Jan 194 / 2; end of Feb 288 / 4 (alice, bob, erin, carol); end of Mar 358 / 4.
    expect(await monthly('historical_clv')).toEqual([97, 72, 89.5]);
  });
});

describe('periods', () => {
  it('labels every grain as product.md does', async () => {
    expect((await series('orders', 'day', '2024-01-05', '2024-01-07')).series.map((p) => [p.period, p.value])).toEqual([
      ['2024-01-05', 1],
      ['2024-01-06', 0],
    ]);
    // ISO weeks: 2024-01-01 is a Monday; O1 (Jan 5) is in W01, O3 (Jan 10) in W02.
    expect((await series('orders', 'week', '2024-01-01', '2024-01-15')).series.map((p) => [p.period, p.value])).toEqual([
      ['2024-W01', 1],
      ['2024-W02', 1],
    ]);
    expect((await series('orders', 'quarter', '2024-01-01', '2024-07-01')).series.map((p) => [p.period, p.value])).toEqual([
      ['2024-Q1', 7],
      ['2024-Q2', 0],
    ]);
    expect((await series('revenue', 'year', '2024-01-01', '2025-01-01')).series.map((p) => [p.period, p.value])).toEqual([['2024', 358]]);
  });

  it('compares a range that is not whole periods of its grain with the span of its own length just before it', async () => {
    // February and March at grain quarter touch two quarters; the range before is December and January, not the half year before.
    const quarters = await series('orders', 'quarter', '2024-02-01', '2024-04-01');
    const months = await series('orders', 'month', '2024-02-01', '2024-04-01');
    expect(quarters.total.compare).toEqual({ mode: 'previous', start: '2023-12-01', end: '2024-02-01' });
    expect(quarters.total).toMatchObject({ value: months.total.value, previous: months.total.previous, change: months.total.change });
  });

  it('compares with the same period a year earlier and with a baseline period', async () => {
    const lastYear = await answerMetric(deps, { metric: 'orders', grain: 'month', from: '2024-02-01', to: '2024-03-01', compare: 'last-year' });
    expect((lastYear as MetricResult).series[0]).toMatchObject({ value: 3, previous: 0, change: null });
    const baseline = await answerMetric(deps, { metric: 'revenue', grain: 'month', from: '2024-02-01', to: '2024-04-01', compare: 'baseline', baseline: { from: '2024-01-01', to: '2024-02-01' } });
    // Every period against January's 194: Feb (94 − 194) / 194, Mar (70 − 194) / 194.
    expect((baseline as MetricResult).series.map((p) => [p.previous, p.change])).toEqual([
      [194, -51.5464],
      [194, -63.9175],
    ]);
  });

  it('breaks revenue down by the currency of the order', async () => {
    const r = await answerMetric(deps, { metric: 'revenue', grain: 'month', from: '2024-01-01', to: '2024-04-01', breakdown: 'currency' });
    if (!('groups' in r)) throw new Error('no groups');
    // USD: 100 + 30 + 40 + 70; EUR: 44 + 24; GBP: 50.
    expect(r.groups.map((g) => [g.group, g.total.value])).toEqual([
      ['USD', 240],
      ['EUR', 68],
      ['GBP', 50],
    ]);
  });
});

describe('the reporting time zone', () => {
  it('dates an order by its local day, so a late-evening order in New York falls in the month before', async () => {
    const nyDir = await makeTempDir('tessera-kpis-ny-');
    const ny = await openWorkspace(TesseraConfig.parse({ dataDir: nyDir, logLevel: 'silent', workspace: { reportingTimezone: 'America/New_York' } }), pino({ level: 'silent' }));
    try {
      // 2024-02-01T03:00Z is 2024-01-31 22:00 in New York.
      const late = kpiShopMessages().filter((m) => m['event'] === 'Order Completed' && (m['properties'] as { order_id: string }).order_id === 'O3');
      await loadKpiShop(ny, nyDir, late.map((m) => ({ ...m, timestamp: '2024-02-01T03:00:00Z' })));
      const nyDeps = openMetrics(ny.store, ny.config);
      const r = (await answerMetric(nyDeps, { metric: 'orders', grain: 'day', from: '2024-01-31', to: '2024-02-02' })) as MetricResult;
      expect(r.series.map((p) => [p.period, p.value])).toEqual([
        ['2024-01-31', 1],
        ['2024-02-01', 0],
      ]);
      const months = (await answerMetric(nyDeps, { metric: 'orders', grain: 'month', from: '2024-01-01', to: '2024-03-01' })) as MetricResult;
      expect(months.series.map((p) => [p.period, p.value])).toEqual([
        ['2024-01', 1],
        ['2024-02', 0],
      ]);
    } finally {
      await ny.close();
      await removeDir(nyDir);
    }
  });
});
