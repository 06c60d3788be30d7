// Cohorts on a small generated demo shop, checked against an independent computation in JavaScript
// from the order rows; and the movement of the recency-frequency matrix summing to the population.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo, type Workspace } from '../src/server/index.js';
import { computeCohorts, computeRfm, scoreRfm, type CohortReport } from '../src/segments/index.js';
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
