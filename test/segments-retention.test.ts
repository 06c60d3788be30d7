// The retention view on the hand-checked fixture (real DuckDB): month-to-date sales and buyers
// against the same days of last month (clamped to the month's length) and of last year, the top
// products, and RFM movement year over year summing to the customers scored on both days.

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionSegment, SegmentRetentionReport } from '../src/contract/index.js';
import { computeSegmentRetention, retentionWindows, saveSegment } from '../src/segments/index.js';
import { sql } from '../src/store/index.js';
import { fixtureMessages, hostile, openFixtureApp, order, type Fixture, type FixtureApp } from './segments-fixture.js';

let t: FixtureApp;
let fx: Fixture;
let app: FastifyInstance;
let token: string;

// Orders after 2024-07-31 only, so the fixture's hand-checked RFM up to then is unchanged.
const later = () => [
  order('u9', '2025-03-05', 'o9-1', 90, [
    { category: 'hats', sku: 'A-1' },
    { category: 'boots', sku: 'B-1' },
  ]),
  order('u1', '2025-03-10', 'o1-6', 300, [
    { category: 'boots', sku: 'B-1' },
    { category: 'socks', sku: 'C-1' },
  ]),
  order('u3', '2025-02-10', 'o3-2', 40),
  order('u3', '2025-02-11', 'o3-3', 10),
  order('u4', '2025-03-11', 'o4-3', 500),
];

beforeAll(async () => {
  t = await openFixtureApp({ messages: [...fixtureMessages(), ...later()] });
  ({ fx, app, token } = t);
  await saveSegment(fx.ws.store, { id: 'buyers', name: 'Bought at least once', rule: { fact: 'orders', op: 'gte', value: 1 } });
  await saveSegment(fx.ws.store, { id: 'gold', name: hostile.value, rule: { trait: hostile.traitName, op: 'eq', value: 'gold' } });
}, 60_000);

afterAll(async () => {
  await t.close();
});

const segmentOf = (report: SegmentRetentionReport, kind: 'rfm' | 'rule', id: string): RetentionSegment => {
  const found = report.segments.find((s) => s.kind === kind && s.id === id);
  if (!found) throw new Error(`no ${kind} segment ${id}`);
  return found;
};
const sales = (s: RetentionSegment) => [s.current, s.last_month, s.last_year];

describe('retention windows', () => {
  it('compare month to date with the same days of last month and last year', () => {
    expect(retentionWindows('2025-03-10')).toEqual({
      current: { from: '2025-03-01', to: '2025-03-10', days: 10 },
      last_month: { from: '2025-02-01', to: '2025-02-10', days: 10 },
      last_year: { from: '2024-03-01', to: '2024-03-10', days: 10 },
    });
  });

  it('clamp an earlier window to the length of its month', () => {
    expect(retentionWindows('2025-03-31').last_month).toEqual({ from: '2025-02-01', to: '2025-02-28', days: 28 });
    expect(retentionWindows('2024-07-31').last_month).toEqual({ from: '2024-06-01', to: '2024-06-30', days: 30 });
    expect(retentionWindows('2024-02-29').last_year).toEqual({ from: '2023-02-01', to: '2023-02-28', days: 28 });
  });
});

describe('the retention view as of 2024-07-31 (last month clamped to June 30)', () => {
  let report: SegmentRetentionReport;
  beforeAll(async () => {
    report = await computeSegmentRetention(fx.ws.store, fx.ws.config.workspace, '2024-07-31');
  });

  it('lists the ten RFM named segments, then the rule segments by id', () => {
    expect(report.segments.map((s) => `${s.kind}:${s.id}`)).toEqual([
      'rfm:Champions',
      'rfm:Loyal',
      'rfm:Potential loyalists',
      'rfm:New',
      'rfm:Promising',
      'rfm:Need attention',
      'rfm:About to sleep',
      "rfm:Can't lose them",
      'rfm:At risk',
      'rfm:Hibernating',
      'rule:buyers',
      'rule:gold',
    ]);
    expect(report.currency).toBe('USD');
    expect(report.windows.last_month).toEqual({ from: '2024-06-01', to: '2024-06-30', days: 30 });
  });

  it('counts month-to-date sales net of refunds known at the end of the day, by membership at each window end', () => {
    // July: u7's 70 (u7 is New). June 1–30, members as of June 30: u1 100 (Champions), u2 60 less the
    // 10 refunded on July 5 (Loyal), u3 40 (Promising); u6's 999 was refunded in full on June 28.
    // July 2023: u2's 30, New as of 2023-07-31.
    expect(sales(segmentOf(report, 'rfm', 'New'))).toEqual([
      { members: 1, customers: 1, orders: 1, revenue: 70 },
      { members: 0, customers: 0, orders: 0, revenue: 0 },
      { members: 1, customers: 1, orders: 1, revenue: 30 },
    ]);
    expect(sales(segmentOf(report, 'rfm', 'Champions'))).toEqual([
      { members: 1, customers: 0, orders: 0, revenue: 0 },
      { members: 1, customers: 1, orders: 1, revenue: 100 },
      { members: 0, customers: 0, orders: 0, revenue: 0 },
    ]);
    expect(segmentOf(report, 'rfm', 'Loyal').last_month).toEqual({ members: 1, customers: 1, orders: 1, revenue: 50 });
    expect(segmentOf(report, 'rfm', 'Promising').last_month).toEqual({ members: 1, customers: 1, orders: 1, revenue: 40 });
    const buyers = segmentOf(report, 'rule', 'buyers');
    expect(sales(buyers)).toEqual([
      { members: 6, customers: 1, orders: 1, revenue: 70 },
      { members: 5, customers: 3, orders: 3, revenue: 190 },
      { members: 3, customers: 1, orders: 1, revenue: 30 },
    ]);
    expect(buyers.change).toEqual({ vs_last_month: { revenue: -63.16, customers: -66.67 }, vs_last_year: { revenue: 133.33, customers: 0 } });
    expect(segmentOf(report, 'rfm', 'Hibernating').change).toEqual({ vs_last_month: { revenue: null, customers: null }, vs_last_year: { revenue: null, customers: null } });
  });

  it('partitions each window\'s buyers among the RFM segments', () => {
    const rfm = report.segments.filter((s) => s.kind === 'rfm');
    const total = (w: 'current' | 'last_month' | 'last_year') => rfm.reduce((sum, s) => sum + s[w].revenue, 0);
    expect([total('current'), total('last_month'), total('last_year')]).toEqual([70, 190, 30]);
  });

  it('moves RFM customers from a year earlier, new customers apart, summing to those scored on both days', () => {
    // 2023-07-31: u1 Loyal (R3 F5), u2 New (R5 F1), u5 Hibernating. 2024-07-31: u1 Champions,
    // u2 Loyal, u3 Promising, u4 At risk, u5 Hibernating, u7 New.
    const m = report.movement;
    expect(m.from_as_of).toBe('2023-07-31');
    expect(m.to_as_of).toBe('2024-07-31');
    const at = (name: string) => m.segments.indexOf(name as (typeof m.segments)[number]);
    const moved: string[] = [];
    m.matrix.forEach((row, i) => row.forEach((n, j) => n > 0 && moved.push(`${m.segments[i]}→${m.segments[j]}:${n}`)));
    expect(moved.sort()).toEqual(['Hibernating→Hibernating:1', 'Loyal→Champions:1', 'New→Loyal:1']);
    expect(m.population).toBe(3);
    expect(m.matrix.flat().reduce((a, b) => a + b, 0)).toBe(m.population);
    expect(m.new[at('Promising')]).toBe(1);
    expect(m.new[at('At risk')]).toBe(1);
    expect(m.new[at('New')]).toBe(1);
    expect(m.new.reduce((a, b) => a + b, 0)).toBe(3);
    expect(m.departed.reduce((a, b) => a + b, 0)).toBe(0);
    expect(segmentOf(report, 'rfm', 'Loyal').year_over_year).toEqual({ stayed: 0, entered: 1, left: 1 });
    expect(segmentOf(report, 'rfm', 'Hibernating').year_over_year).toEqual({ stayed: 1, entered: 0, left: 0 });
    expect(segmentOf(report, 'rule', 'buyers').year_over_year).toEqual({ stayed: 3, entered: 3, left: 0 });
  });

  it('keeps hostile trait names and values bound: the gold segment holds u1 only', async () => {
    const gold = segmentOf(report, 'rule', 'gold');
    expect(gold.name).toBe(hostile.value);
    expect(gold.current.members).toBe(1);
    expect(gold.last_month).toEqual({ members: 1, customers: 1, orders: 1, revenue: 100 });
    const rows = await fx.ws.store.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders`);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  });
});

describe('the retention view as of 2025-03-10', () => {
  let report: SegmentRetentionReport;
  beforeAll(async () => {
    report = await computeSegmentRetention(fx.ws.store, fx.ws.config.workspace, '2025-03-10');
  });

  it('counts 03-01..03-10 against 02-01..02-10 and 2024-03-01..2024-03-10, later orders left out', () => {
    // March: u9 90, u1 300 (u4's order on 03-11 is after D). February 1–10: u3's 40 (its 02-11 order
    // falls outside). 2024-03-01..10: u2's 30.
    expect(sales(segmentOf(report, 'rule', 'buyers'))).toEqual([
      { members: 7, customers: 2, orders: 2, revenue: 390 },
      { members: 6, customers: 1, orders: 1, revenue: 40 },
      { members: 4, customers: 1, orders: 1, revenue: 30 },
    ]);
    expect(segmentOf(report, 'rule', 'buyers').change).toEqual({ vs_last_month: { revenue: 875, customers: 100 }, vs_last_year: { revenue: 1200, customers: 100 } });
  });

  it('ranks the top products of the month to date by line revenue', () => {
    expect(segmentOf(report, 'rule', 'buyers').top_products).toEqual([
      { product_id: 'B-1', sku: 'B-1', name: null, category: 'boots', revenue: 195, quantity: 2, orders: 2, customers: 2 },
      { product_id: 'C-1', sku: 'C-1', name: null, category: 'socks', revenue: 150, quantity: 1, orders: 1, customers: 1 },
      { product_id: 'A-1', sku: 'A-1', name: null, category: 'hats', revenue: 45, quantity: 1, orders: 1, customers: 1 },
    ]);
    expect(segmentOf(report, 'rfm', 'Champions').top_products.map((p) => [p.sku, p.revenue])).toEqual([
      ['B-1', 150],
      ['C-1', 150],
    ]);
    expect(segmentOf(report, 'rfm', 'Hibernating').top_products).toEqual([]);
  });

  it('sums every movement row and column to the population and the new', () => {
    const m = report.movement;
    expect(m.matrix).toHaveLength(10);
    expect(m.matrix.flat().reduce((a, b) => a + b, 0)).toBe(m.population);
    const scoredNow = report.segments.filter((s) => s.kind === 'rfm').reduce((sum, s) => sum + s.current.members, 0);
    expect(m.population + m.new.reduce((a, b) => a + b, 0)).toBe(scoredNow);
    const scoredThen = report.segments.filter((s) => s.kind === 'rfm').reduce((sum, s) => sum + s.year_over_year.stayed + s.year_over_year.left, 0);
    expect(m.population + m.departed.reduce((a, b) => a + b, 0)).toBe(scoredThen);
  });
});

describe('GET /api/v1/segments/retention', () => {
  it('returns the document of tessera segments retention --json, not a segment called retention', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/segments/retention?as_of=2024-07-31', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(await computeSegmentRetention(fx.ws.store, fx.ws.config.workspace, '2024-07-31'));
  });

  it('refuses a bad as_of and a missing token', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/v1/segments/retention?as_of=July', headers: { authorization: `Bearer ${token}` } });
    expect(bad.statusCode).toBe(400);
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/segments/retention' });
    expect(anonymous.statusCode).toBe(401);
  });
});
