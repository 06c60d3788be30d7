// Cohorts on a small generated demo shop, checked against an independent computation in JavaScript
// from the order rows; and the movement of the recency-frequency matrix summing to the population.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo, type Workspace } from '../src/server/index.js';
import { computeCohorts, computeRfm, NO_SOURCE, scoreRfm, type CohortReport, type SourceCohort } from '../src/segments/index.js';
import { sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;
let ws: Workspace;
let report: CohortReport;

interface OrderRow {
  customer_key: number;
  day: string;
  revenue: number;
}

beforeAll(async () => {
  dir = await makeTempDir('tessera-cohorts-');
  ws = await openTestWorkspace(join(dir, 'data'));
  await loadDemo(ws, { customers: 100, seed: 11, sourceDir: join(dir, 'source') });
  report = await computeCohorts(ws.store, ws.config.workspace);
}, 120_000);

afterAll(async () => {
  await ws.close();
  await removeDir(dir);
});

describe('cohorts by first-order month on the demo shop', () => {
  it('match an independent computation from the order rows', async () => {
    const orders = await ws.store.query<OrderRow>(
      sql`SELECT customer_key, CAST(local_day AS VARCHAR) AS day, CAST(revenue AS DOUBLE) AS revenue FROM orders WHERE removed_at IS NULL`,
    );
    expect(orders.length).toBeGreaterThan(50);
    const month = (day: string) => day.slice(0, 7);
    const offset = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
    const first = new Map<number, string>();
    for (const o of orders) {
      const m = month(o.day);
      const seen = first.get(o.customer_key);
      if (seen === undefined || m < seen) first.set(o.customer_key, m);
    }
    const lastMonth = month(report.as_of);
    const expected = new Map<string, { size: number; active: Map<number, Set<number>>; revenue: Map<number, number> }>();
    for (const [, cohort] of first) {
      const e = expected.get(cohort) ?? { size: 0, active: new Map(), revenue: new Map() };
      e.size++;
      expected.set(cohort, e);
    }
    for (const o of orders) {
      const cohort = first.get(o.customer_key) as string;
      const e = expected.get(cohort);
      if (!e) throw new Error('cohort missing');
      const k = offset(cohort, month(o.day));
      e.active.set(k, (e.active.get(k) ?? new Set()).add(o.customer_key));
      e.revenue.set(k, (e.revenue.get(k) ?? 0) + o.revenue);
    }
    expect(report.cohorts.map((c) => c.cohort)).toEqual([...expected.keys()].sort());
    for (const c of report.cohorts) {
      const e = expected.get(c.cohort);
      if (!e) throw new Error(`unexpected cohort ${c.cohort}`);
      expect(c.size).toBe(e.size);
      const lived = offset(c.cohort, lastMonth);
      c.customers.forEach((n, k) => {
        if (k > lived) {
          expect(n, `${c.cohort} +${k}`).toBeNull();
          expect(c.retention[k]).toBeNull();
          expect(c.revenue[k]).toBeNull();
        } else {
          const active = e.active.get(k)?.size ?? 0;
          expect(n, `${c.cohort} +${k}`).toBe(active);
          expect(c.retention[k]).toBeCloseTo((100 * active) / e.size, 2);
          expect(c.revenue[k]).toBeCloseTo(e.revenue.get(k) ?? 0, 1);
        }
      });
      // everyone orders in their first month
      expect(c.retention[0]).toBe(100);
    }
  });
});

describe('cohorts by acquisition source on the demo shop', () => {
  it('match an independent computation from the session and order rows', async () => {
    const bySource = await computeCohorts(ws.store, ws.config.workspace, { by: 'source' });
    expect(bySource.cohort_by).toBe('source');
    expect(bySource.as_of).toBe(report.as_of);
    const orders = await ws.store.query<OrderRow>(
      sql`SELECT customer_key, CAST(local_day AS VARCHAR) AS day, CAST(revenue AS DOUBLE) AS revenue FROM orders WHERE removed_at IS NULL`,
    );
    const sessions = await ws.store.query<{ visitor_key: number; start: string; source: string }>(
      sql`SELECT visitor_key, strftime(start_ts, '%Y-%m-%dT%H:%M:%S.%f') AS start, source FROM sessions`,
    );
    // The source of each visitor's first session; customers without one go to the (none) bucket.
    const firstSession = new Map<number, { start: string; source: string }>();
    for (const s of sessions) {
      const seen = firstSession.get(s.visitor_key);
      if (seen === undefined || s.start < seen.start) firstSession.set(s.visitor_key, s);
    }
    const month = (day: string) => day.slice(0, 7);
    const offset = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
    const firstMonth = new Map<number, string>();
    for (const o of orders) {
      const seen = firstMonth.get(o.customer_key);
      if (seen === undefined || month(o.day) < seen) firstMonth.set(o.customer_key, month(o.day));
    }
    const lastMonth = month(bySource.as_of);
    const sourceOf = (key: number) => firstSession.get(key)?.source ?? NO_SOURCE;
    const expected = new Map<string, { size: number; eligible: Map<number, number>; active: Map<number, Set<number>>; revenue: Map<number, number> }>();
    for (const [key, first] of firstMonth) {
      const e = expected.get(sourceOf(key)) ?? { size: 0, eligible: new Map(), active: new Map(), revenue: new Map() };
      e.size++;
      for (let k = 0; k <= offset(first, lastMonth); k++) e.eligible.set(k, (e.eligible.get(k) ?? 0) + 1);
      expected.set(sourceOf(key), e);
    }
    for (const o of orders) {
      const e = expected.get(sourceOf(o.customer_key));
      if (!e) throw new Error('source missing');
      const k = offset(firstMonth.get(o.customer_key) as string, month(o.day));
      e.active.set(k, (e.active.get(k) ?? new Set()).add(o.customer_key));
      e.revenue.set(k, (e.revenue.get(k) ?? 0) + o.revenue);
    }
    expect(expected.size).toBeGreaterThan(1);
    const rows = bySource.cohorts as SourceCohort[];
    expect(rows.map((c) => c.cohort).sort()).toEqual([...expected.keys()].sort());
    expect(rows.map((c) => c.size)).toEqual([...rows.map((c) => c.size)].sort((a, b) => b - a));
    expect(rows.reduce((n, c) => n + c.size, 0)).toBe(firstMonth.size);
    for (const c of rows) {
      const e = expected.get(c.cohort);
      if (!e) throw new Error(`unexpected source ${c.cohort}`);
      expect(c.size).toBe(e.size);
      c.customers.forEach((n, k) => {
        const eligible = e.eligible.get(k) ?? 0;
        if (eligible === 0) {
          expect(n, `${c.cohort} +${k}`).toBeNull();
          expect(c.retention[k]).toBeNull();
          expect(c.revenue[k]).toBeNull();
          expect(c.eligible[k]).toBeNull();
        } else {
          const active = e.active.get(k)?.size ?? 0;
          expect(n, `${c.cohort} +${k}`).toBe(active);
          expect(c.eligible[k]).toBe(eligible);
          expect(c.retention[k]).toBeCloseTo((100 * active) / eligible, 2);
          expect(c.revenue[k]).toBeCloseTo(e.revenue.get(k) ?? 0, 1);
        }
      });
      expect(c.retention[0]).toBe(100);
    }
  });

  it('leaves the first-order-month document as it was by default', async () => {
    expect(await computeCohorts(ws.store, ws.config.workspace, { by: 'first_order_month' })).toEqual(report);
    expect(report.cohort_by).toBe('first_order_month');
    expect(report.cohorts[0]).not.toHaveProperty('eligible');
  });
});

describe('RFM on the demo shop', () => {
  it('agrees with the pure scoring, and every movement sums to the population', async () => {
    const rfm = await computeRfm(ws.store, ws.config.workspace);
    expect(rfm.customers.length).toBeGreaterThan(20);
    const pure = scoreRfm(rfm.customers.map((c) => ({ recency: c.recency, frequency: c.frequency, monetary: c.monetary })));
    expect(rfm.customers.map((c) => [c.r, c.f, c.m, c.segment])).toEqual(pure.map((c) => [c.r, c.f, c.m, c.segment]));
    for (const movement of [rfm.movement.year, rfm.movement.month]) {
      expect(movement.cells.reduce((s, c) => s + c.customers, 0)).toBe(rfm.customers.length);
      expect(movement.population).toBe(rfm.customers.length);
    }
    expect(rfm.matrix.reduce((s, c) => s + c.customers, 0)).toBe(rfm.customers.length);
    expect(rfm.segments.reduce((s, c) => s + c.revenue, 0)).toBeCloseTo(rfm.customers.reduce((s, c) => s + c.monetary, 0), 2);
  });
});
