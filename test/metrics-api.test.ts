// KPIs over the read API beyond the plain series: restricted to a segment (the dashboard's segment
// filter, `?segment=` like `metrics --segment`), batched as one report (the overview), and
// benchmarks edited through the API and the CLI, overriding the config's until cleared.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSegment } from '../src/segments/index.js';
import { openFixtureApp, type FixtureApp } from './segments-fixture.js';

let t: FixtureApp;

beforeAll(async () => {
  t = await openFixtureApp({ config: { metrics: { benchmarks: { orders: { target: 5 } } } } });
  // u1 (plan basic, then pro) and u3 are on the pro plan now.
  await saveSegment(t.fx.ws.store, { id: 'pro-plan', name: 'Pro plan', rule: { trait: 'plan', op: 'eq', value: 'pro' } });
}, 60_000);

afterAll(async () => {
  await t.close();
});

const auth = () => ({ authorization: `Bearer ${t.token}` });
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth() });
const H1 = 'from=2024-01-01&to=2024-07-01';

interface Total {
  value: number | null;
  benchmark: { target: number | null; status: string | null } | null;
}

describe('a KPI restricted to a segment', () => {
  it("counts only the segment's members", async () => {
    // Everyone in the first half of 2024: u1 o1-3, o1-4, o1-5; u2 o2-2, o2-3; u3 o3-1; u6's o6-1 was refunded in full.
    const all = (await get(`/api/v1/metrics/orders?${H1}`)).json<{ total: Total }>();
    expect(all.total.value).toBe(6);
    // The pro plan: u1's three orders (50 + 200 + 100) and u3's one (40).
    const pro = await get(`/api/v1/metrics/orders?${H1}&segment=pro-plan`);
    expect(pro.statusCode).toBe(200);
    expect(pro.json<{ total: Total }>().total.value).toBe(4);
    const revenue = (await get(`/api/v1/metrics/revenue?${H1}&segment=pro-plan`)).json<{ total: Total }>();
    expect(revenue.total.value).toBe(390);
  });

  it('answers 404 naming an unknown segment', async () => {
    const res = await get(`/api/v1/metrics/orders?segment=no-such-segment`);
    expect(res.statusCode).toBe(404);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('no-such-segment');
  });

  it('gives one report of several KPIs the same answers as the single calls', async () => {
    const report = await get(`/api/v1/report?metrics=orders,revenue&grain=month&${H1}&segment=pro-plan`);
    expect(report.statusCode).toBe(200);
    const body = report.json<{ metrics: { metric: string; total: Total }[] }>();
    expect(body.metrics.map((m) => [m.metric, m.total.value])).toEqual([
      ['orders', 4],
      ['revenue', 390],
    ]);
    const single = (await get(`/api/v1/metrics/revenue?grain=month&${H1}&segment=pro-plan`)).json<unknown>();
    expect(body.metrics[1]).toEqual(single);
  });
});

describe('benchmarks edited through the API', () => {
  it("overrides the config's target, then falls back to it when cleared", async () => {
    const before = (await get(`/api/v1/metrics/orders?${H1}`)).json<{ total: Total }>();
    expect(before.total.benchmark).toMatchObject({ target: 5, status: 'on_track' });
    expect((await get('/api/v1/benchmarks')).json()).toEqual({ benchmarks: [{ metric: 'orders', target: 5, better: 'higher', baseline: null, source: 'config' }] });

    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/metrics/orders/benchmark', headers: auth(), payload: { target: 10, baseline: { from: '2023-01-01', to: '2023-07-01' } } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ metric: 'orders', target: 10, better: 'higher', baseline: { from: '2023-01-01', to: '2023-07-01' }, source: 'stored' });
    const after = (await get(`/api/v1/metrics/orders?${H1}`)).json<{ total: Total }>();
    // 6 orders against a target of 10; the baseline half-year had 3 (o1-1, o1-2, o5-1; o2-1 falls on its exclusive end).
    expect(after.total.benchmark).toMatchObject({ target: 10, status: 'off_track', baseline: { from: '2023-01-01', to: '2023-07-01', value: 3 } });

    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/metrics/orders/benchmark', headers: auth() });
    expect(del.json()).toEqual({ metric: 'orders', benchmark: { metric: 'orders', target: 5, better: 'higher', baseline: null, source: 'config' } });
    expect((await get(`/api/v1/metrics/orders?${H1}`)).json<{ total: Total }>().total.benchmark).toMatchObject({ target: 5, status: 'on_track' });
  });

  it('refuses a benchmark that is not one, saying what is wrong', async () => {
    const bad = [
      { payload: { target: 'high' }, says: 'target' },
      { payload: { baseline: { from: '2024-05-01', to: '2024-01-01' } }, says: 'from must be before to' },
      { payload: { better: 'lower' }, says: 'needs a target, a baseline period, or both' },
      { payload: { target: 1, sql: 'DROP TABLE events' }, says: 'sql' },
    ];
    for (const b of bad) {
      const res = await t.app.inject({ method: 'PUT', url: '/api/v1/metrics/orders/benchmark', headers: auth(), payload: b.payload });
      expect(res.statusCode, JSON.stringify(b.payload)).toBe(400);
      expect(res.json<{ error: { message: string } }>().error.message).toContain(b.says);
    }
    const unknown = await t.app.inject({ method: 'PUT', url: '/api/v1/metrics/nope/benchmark', headers: auth(), payload: { target: 1 } });
    expect(unknown.statusCode).toBe(404);
    const anonymous = await t.app.inject({ method: 'PUT', url: '/api/v1/metrics/orders/benchmark', payload: { target: 1 } });
    expect(anonymous.statusCode).toBe(401);
  });
});
