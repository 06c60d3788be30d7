// A session's traffic source (events.md: the first call's campaign source, else the referrer's host,
// else direct): a referrer on the site's own host is no referrer, one site is one source whether its
// host starts with www. or m. or not, and the orders and customers no session brought carry the same
// label in `metrics --breakdown source` as in `cohorts --by source`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerMetric, DIRECT_SOURCE, NO_SOURCE, openMetrics, refreshFacts, type BreakdownResult, type MetricsDeps } from '../src/metrics/index.js';
import { computeCohorts, NO_SOURCE as COHORTS_NO_SOURCE } from '../src/segments/index.js';
import type { Workspace } from '../src/server/index.js';
import { migrate, sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;
let ws: Workspace;
let deps: MetricsDeps;

const browser = { library: { name: 'analytics.js', version: '2.0.0' } };
const shop = 'https://shop.example.com';

/** A visitor's landing page call at 10:00 on the 1st of March, with its URL and referrer. */
function landing(visitor: string, url: string, referrer: string | undefined, context: Record<string, unknown> = {}) {
  return {
    type: 'page',
    messageId: `p-${visitor}`,
    anonymousId: visitor,
    timestamp: '2024-03-01T10:00:00Z',
    properties: { path: new URL(url).pathname, url, ...(referrer ? { referrer } : {}) },
    context: { ...browser, page: { url, ...(referrer ? { referrer } : {}) }, ...context },
  };
}

/** An order a visitor completes a minute after landing, in the same session. */
function order(visitor: string, orderId: string) {
  return {
    type: 'track',
    messageId: `o-${visitor}`,
    anonymousId: visitor,
    event: 'Order Completed',
    timestamp: '2024-03-01T10:01:00Z',
    properties: { order_id: orderId, total: 10, currency: 'USD' },
    context: { ...browser, page: { url: `${shop}/checkout`, referrer: `${shop}/cart` } },
  };
}

beforeAll(async () => {
  dir = await makeTempDir('tessera-traffic-source-');
  ws = await openTestWorkspace(dir);
  await ws.ingestor.accept(
    [
      landing('a-www-google', `${shop}/products/tent`, 'https://www.google.com/search?q=tent'),
      order('a-www-google', 'G1'),
      landing('a-google', `${shop}/`, 'https://google.com/'),
      landing('a-mobile-facebook', `${shop}/sale`, 'https://m.facebook.com/story.php?id=1'),
      // Self-referrals: the shop's own pages, with or without www., as the only referrer.
      landing('a-self', `${shop}/cart`, `${shop}/products/tent`),
      order('a-self', 'S1'),
      landing('a-self-www', 'https://www.shop.example.com/', `${shop}/checkout`),
      // A session that starts with a track call (its earlier calls were another visitor's): the page it names referred itself.
      {
        type: 'track',
        messageId: 't-self-track',
        anonymousId: 'a-self-track',
        event: 'Product Added',
        timestamp: '2024-03-01T10:00:00Z',
        properties: { product_id: 'tent' },
        context: { ...browser, page: { url: `${shop}/products/tent`, referrer: `${shop}/collections/tents` } },
      },
      // UTM parameters win over any referrer, and keep the spelling the shop gave them.
      landing('a-utm', `${shop}/?utm_source=Newsletter`, `${shop}/`, { campaign: { source: 'Newsletter', medium: 'email' } }),
      landing('a-none', `${shop}/`, undefined),
      // Another site that shares no host with the shop is a referral, even on a sibling subdomain.
      landing('a-blog', `${shop}/`, 'https://blog.example.com/post'),
      // bob's order was imported: no session brought it.
      { type: 'track', messageId: 'o-bob', userId: 'bob', event: 'Order Completed', timestamp: '2024-03-02T09:00:00Z', properties: { order_id: 'B1', total: 10, currency: 'USD' }, context: { channel: 'import' } },
    ],
    { source: 'test', location: 'test' },
  );
  await ws.ingestor.flush();
  deps = openMetrics(ws.store, ws.config);
  await refreshFacts(ws.store, ws.config.workspace);
});

afterAll(async () => {
  await ws.close();
  await removeDir(dir);
});

async function breakdown(metric: string): Promise<Record<string, number | null>> {
  const r = (await answerMetric(deps, { metric, grain: 'month', from: '2024-03-01', to: '2024-04-01', breakdown: 'source' })) as BreakdownResult;
  return Object.fromEntries(r.groups.map((g) => [g.group, g.total.value]));
}

async function sourceOf(visitor: string): Promise<string | undefined> {
  const rows = await ws.store.query<{ source: string }>(
    sql`SELECT s.source FROM sessions s
      WHERE s.visitor_key IN (SELECT ef.customer_key FROM event_facts ef JOIN events e ON e.seq = ef.seq WHERE e.anonymous_id = ${visitor})`,
  );
  expect(rows, visitor).toHaveLength(1);
  return rows[0]?.source;
}

describe("a session's traffic source", () => {
  it('does not count a referrer on the page\'s own host as a source: the session is direct', async () => {
    expect(await sourceOf('a-self')).toBe(DIRECT_SOURCE);
    expect(await sourceOf('a-self-www')).toBe(DIRECT_SOURCE);
    expect(await sourceOf('a-self-track')).toBe(DIRECT_SOURCE);
    const sessions = await breakdown('sessions');
    expect(Object.keys(sessions).filter((s) => s.includes('shop.example.com'))).toEqual([]);
  });

  it('makes www.google.com and google.com one source, and m.facebook.com facebook.com', async () => {
    expect(await sourceOf('a-www-google')).toBe('google.com');
    expect(await sourceOf('a-google')).toBe('google.com');
    expect(await sourceOf('a-mobile-facebook')).toBe('facebook.com');
    expect(await sourceOf('a-blog')).toBe('blog.example.com');
  });

  it('takes the campaign source first, as the shop wrote it', async () => {
    expect(await sourceOf('a-utm')).toBe('Newsletter');
  });

  it('breaks sessions and conversions down by those sources', async () => {
    expect(await breakdown('sessions')).toEqual({ 'google.com': 2, 'facebook.com': 1, 'blog.example.com': 1, direct: 4, Newsletter: 1 });
    const conversion = await breakdown('conversion_rate');
    expect(conversion['google.com']).toBe(50);
    expect(conversion.direct).toBe(25);
  });

  it('labels the orders and customers no session brought the same in metrics and in cohorts', async () => {
    expect(NO_SOURCE).toBe('(none)');
    expect(COHORTS_NO_SOURCE).toBe(NO_SOURCE);
    expect(await breakdown('orders')).toEqual({ 'google.com': 1, direct: 1, [NO_SOURCE]: 1 });
    const cohorts = await computeCohorts(ws.store, ws.config.workspace, { by: 'source' });
    expect(cohorts.cohorts.map((c) => c.cohort).sort()).toEqual([NO_SOURCE, 'direct', 'google.com'].sort());
  });

  it('rebuilds facts built under the earlier source rules once the store is migrated', async () => {
    // Facts of the previous rules, in a store that has not had migration 10 (nor 11, 12 and 13, which also rebuild them) yet.
    await ws.store.run(sql`UPDATE sessions SET source = ${'shop.example.com'} WHERE source = ${DIRECT_SOURCE}`);
    await ws.store.run(sql`DELETE FROM schema_migrations WHERE version >= 10`);
    expect(await migrate(ws.store)).toEqual([10, 11, 12, 13]);
    const refreshed = await refreshFacts(ws.store, ws.config.workspace);
    expect(refreshed.full).toBe(true);
    expect((await breakdown('sessions')).direct).toBe(4);
    expect((await refreshFacts(ws.store, ws.config.workspace)).upToDate).toBe(true);
  });
});
