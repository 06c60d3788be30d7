// Which calls make visits: a browser's calls do, a back end's track calls (emails, surveys sent
// through a server library) and imported rows do not.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerMetric, NO_SOURCE, openMetrics, type BreakdownResult, type MetricResult, type MetricsDeps } from '../src/metrics/index.js';
import type { Workspace } from '../src/server/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;
let ws: Workspace;
let deps: MetricsDeps;

const browser = { library: { name: 'analytics.js', version: '2.0.0' } };
const server = { library: { name: '@segment/analytics-node', version: '2.1.0' } };

beforeAll(async () => {
  dir = await makeTempDir('tessera-sessions-');
  ws = await openTestWorkspace(dir);
  await ws.ingestor.accept(
    [
      // ann visits once: a page and a track call from the browser, 5 minutes apart.
      { type: 'page', messageId: 'p1', anonymousId: 'a-ann', timestamp: '2024-03-01T10:00:00Z', properties: { path: '/' }, context: browser },
      { type: 'track', messageId: 't1', anonymousId: 'a-ann', event: 'Product Viewed', timestamp: '2024-03-01T10:05:00Z', context: browser },
      // Hours later the email tool tells us ann opened an email: not a visit.
      { type: 'track', messageId: 'e1', userId: 'ann', event: 'Email Opened', timestamp: '2024-03-01T15:00:00Z', properties: { email_id: 'm1' }, context: server },
      // bob only ever shows up through the back end and a file import: no visit at all.
      { type: 'track', messageId: 'e2', userId: 'bob', event: 'Email Delivered', timestamp: '2024-03-02T09:00:00Z', properties: { email_id: 'm1' }, context: server },
      { type: 'track', messageId: 's1', userId: 'bob', event: 'Survey Responded', timestamp: '2024-03-03T09:00:00Z', properties: { survey_type: 'nps', score: 9 }, context: { channel: 'server' } },
      { type: 'track', messageId: 'o1', userId: 'bob', event: 'Order Completed', timestamp: '2024-03-04T09:00:00Z', properties: { order_id: 'B1', total: 10, currency: 'USD' }, context: { channel: 'import' } },
    ],
    { source: 'test', location: 'test' },
  );
  await ws.ingestor.flush();
  deps = openMetrics(ws.store, ws.config);
});

afterAll(async () => {
  await ws.close();
  await removeDir(dir);
});

async function total(metric: string): Promise<number | null> {
  const r = (await answerMetric(deps, { metric, grain: 'month', from: '2024-03-01', to: '2024-04-01' })) as MetricResult;
  return r.total.value;
}

describe('sessions', () => {
  it('counts only the browser visit, not back-end track calls or imported rows', async () => {
    expect(await total('sessions')).toBe(1);
    expect(await total('visitors')).toBe(1);
    // The one session has a page and a track call: not a bounce.
    expect(await total('bounce_rate')).toBe(0);
  });

  it('still counts the back-end events in their own KPIs', async () => {
    expect(await total('orders')).toBe(1);
    expect(await total('nps')).toBe(100);
  });

  it('breaks orders and sessions down by traffic source, every group summing to the total', async () => {
    for (const metric of ['orders', 'sessions', 'visitors']) {
      const r = (await answerMetric(deps, { metric, grain: 'month', from: '2024-03-01', to: '2024-04-01', breakdown: 'source' })) as BreakdownResult;
      const byGroup = Object.fromEntries(r.groups.map((g) => [g.group, g.total.value]));
      expect(Object.values(byGroup).reduce((a: number, b) => a + (b ?? 0), 0), metric).toBe(await total(metric));
    }
    // bob's imported order came from no session; ann's visit came straight to the site.
    const orders = (await answerMetric(deps, { metric: 'orders', grain: 'month', from: '2024-03-01', to: '2024-04-01', breakdown: 'source' })) as BreakdownResult;
    expect(orders.groups.map((g) => [g.group, g.total.value])).toEqual([[NO_SOURCE, 1]]);
    expect(NO_SOURCE).toBe('(none)');
  });
});
