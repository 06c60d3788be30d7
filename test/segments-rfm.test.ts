// RFM, the recency-frequency matrix and its movement on the hand-checked fixture shop (real DuckDB).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOfDay, computeRfm, readMovement, scoreRfm, type RfmReport } from '../src/segments/index.js';
import { openFixture, type Fixture } from './segments-fixture.js';

let fx: Fixture;
let report: RfmReport;
const ids: Record<string, string> = {};

beforeAll(async () => {
  fx = await openFixture();
  for (const u of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']) ids[u] = await fx.customerOf(u);
  report = await computeRfm(fx.ws.store, fx.ws.config.workspace, { asOf: '2024-06-30' });
}, 60_000);

afterAll(async () => {
  await fx.close();
});

const byUser = (r: RfmReport, u: string) => r.customers.find((c) => c.customer_id === ids[u]);

describe('RFM as of a date', () => {
  it('scores the five customers as worked out by hand', () => {
    const rows = ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => {
      const c = byUser(report, u);
      return [u, c?.recency, c?.frequency, c?.monetary, c?.r, c?.f, c?.m, c?.segment];
    });
    expect(rows).toEqual([
      ['u1', 0, 5, 500, 5, 5, 5, 'Champions'],
      ['u2', 10, 3, 120, 4, 4, 4, 'Loyal'],
      ['u3', 10, 1, 40, 4, 1, 2, 'Promising'],
      ['u4', 200, 2, 80, 2, 3, 3, 'At risk'],
      ['u5', 400, 1, 20, 1, 1, 1, 'Hibernating'],
    ]);
  });

  it('leaves out orders removed by D and orders placed after D', () => {
    expect(report.customers).toHaveLength(5);
    expect(byUser(report, 'u6')).toBeUndefined();
    expect(byUser(report, 'u7')).toBeUndefined();
  });

  it('agrees with the pure scoring of the same measures', () => {
    const pure = scoreRfm(report.customers.map((c) => ({ recency: c.recency, frequency: c.frequency, monetary: c.monetary, id: c.customer_id })));
    expect(report.customers.map((c) => [c.r, c.f, c.m, c.segment])).toEqual(pure.map((c) => [c.r, c.f, c.m, c.segment]));
  });

  it('counts an order removed after D, and takes off a partial refund only once it is made', async () => {
    const early = await computeRfm(fx.ws.store, fx.ws.config.workspace, { asOf: '2024-06-26' });
    expect(byUser(early, 'u6')?.monetary).toBe(999);
    const late = await computeRfm(fx.ws.store, fx.ws.config.workspace, { asOf: '2024-07-05' });
    expect(byUser(late, 'u2')?.monetary).toBe(110);
    expect(byUser(late, 'u6')).toBeUndefined();
  });

  it('defaults to the last day with data', async () => {
    const latest = await computeRfm(fx.ws.store, fx.ws.config.workspace, { withoutCustomers: true });
    expect(latest.as_of).toBe('2024-07-05');
    expect(latest.customers).toEqual([]);
    expect(latest.segments.reduce((s, x) => s + x.customers, 0)).toBe(6);
  });

  it('sums named segments to the scored customers and their revenue', () => {
    expect(report.segments.map((s) => s.name)).toHaveLength(10);
    const named = Object.fromEntries(report.segments.filter((s) => s.customers > 0).map((s) => [s.name, [s.customers, s.revenue, s.share]]));
    expect(named).toEqual({ Champions: [1, 500, 20], Loyal: [1, 120, 20], Promising: [1, 40, 20], 'At risk': [1, 80, 20], Hibernating: [1, 20, 20] });
  });
});

describe('the recency-frequency matrix', () => {
  it('puts each customer in their recency and frequency band, with revenue', () => {
    const cells = Object.fromEntries(report.matrix.filter((c) => c.customers > 0).map((c) => [`${c.recency}/${c.frequency}`, [c.customers, c.revenue]]));
    expect(report.matrix).toHaveLength(9);
    expect(cells).toEqual({ 'active/3+': [2, 620], 'active/1': [1, 40], 'churning/2': [1, 80], 'lapsed/1': [1, 20] });
  });

  it('shows where customers came from a year earlier, new ones included, summing to the population', () => {
    const y = report.movement.year;
    expect(y.from_as_of).toBe('2023-06-30');
    const moves = Object.fromEntries(y.cells.map((c) => [`${c.from_recency}/${c.from_frequency ?? ''} -> ${c.to_recency}/${c.to_frequency}`, c.customers]));
    expect(moves).toEqual({
      'active/2 -> active/3+': 1,
      'active/1 -> lapsed/1': 1,
      'new/ -> active/3+': 1,
      'new/ -> active/1': 1,
      'new/ -> churning/2': 1,
    });
    expect(y.population).toBe(report.customers.length);
    expect(y.departed).toBe(0);
  });

  it('shows the movement from a month earlier', () => {
    const m = report.movement.month;
    expect(m.from_as_of).toBe('2024-05-30');
    const moves = Object.fromEntries(m.cells.map((c) => [`${c.from_recency}/${c.from_frequency ?? ''} -> ${c.to_recency}/${c.to_frequency}`, c.customers]));
    expect(moves).toEqual({
      'active/3+ -> active/3+': 1,
      'churning/2 -> active/3+': 1,
      'churning/2 -> churning/2': 1,
      'lapsed/1 -> lapsed/1': 1,
      'new/ -> active/1': 1,
    });
    expect(m.cells.reduce((s, c) => s + c.customers, 0)).toBe(5);
  });

  it('counts customers whose orders were all removed since the earlier date as departed', async () => {
    const tz = fx.ws.config.workspace.reportingTimezone;
    const moved = await readMovement(fx.ws.store, asOfDay('2024-06-30', tz), asOfDay('2024-06-26', tz));
    expect(moved.departed).toBe(1);
    expect(moved.population).toBe(5);
  });
});
