// Real Segment and RudderStack SDKs pointed at a running Tessera over a real socket: every call type
// lands exactly once with the fields of the Segment spec (product.md, "HTTP").

import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countByMessageId, httpEventReader, waitFor, type StoredEvent, type StoredMessage } from './helpers/events.js';
import { uniqueId } from './helpers/messages.js';
import { startTestServer, type TestServer } from './helpers/workspace.js';

/** The calls each SDK makes: one of every type, plus enough tracks to need several batches. */
const batchedTracks = 40;
const expectedCount = 6 + batchedTracks;

interface Who {
  userId: string;
  anonymousId: string;
}

/** Waits until the user's `count` messages are stored, then gives them all. */
async function storedFor(s: TestServer, who: Who, count: number): Promise<StoredMessage[]> {
  const read = httpEventReader(s.url, s.readKey);
  const mine = (events: StoredEvent[]) =>
    events.map((e) => e.message).filter((m) => m.userId === who.userId || m.anonymousId === who.anonymousId || m.previousId === who.anonymousId);
  let seen = 0;
  await waitFor(async () => {
    seen = mine(await read()).length;
    return seen >= count ? true : undefined;
  }, `${count} messages of ${who.userId}`).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; ${seen} stored`);
  });
  // Give a late duplicate the chance to show up before counting.
  await new Promise((r) => setTimeout(r, 300));
  return mine(await read());
}

const one = (messages: StoredMessage[], predicate: (m: StoredMessage) => boolean): StoredMessage => {
  const found = messages.filter(predicate);
  expect(found).toHaveLength(1);
  return found[0] as StoredMessage;
};

/** What every stored message carries, whichever SDK sent it. */
function expectStandardFields(m: StoredMessage, library: string): void {
  expect(typeof m.messageId).toBe('string');
  expect(m.messageId.length).toBeGreaterThan(0);
  expect(Number.isNaN(Date.parse(m.timestamp))).toBe(false);
  expect(Number.isNaN(Date.parse(m.receivedAt))).toBe(false);
  // The SDK stamped the event just now, on this machine's clock.
  expect(Math.abs(Date.parse(m.timestamp) - Date.parse(m.receivedAt))).toBeLessThan(30_000);
  expect(m.context).toMatchObject({ library: { name: library, version: expect.any(String) } });
}

/** The six call types as sent, checked field by field on what was stored. */
function expectEveryCallType(messages: StoredMessage[], who: Who, library: string): void {
  const identify = one(messages, (m) => m.type === 'identify');
  expect(identify).toMatchObject({ userId: who.userId, traits: { email: 'ada@example.com', first_name: 'Ada' } });

  const order = one(messages, (m) => m.type === 'track' && m.event === 'Order Completed');
  expect(order).toMatchObject({
    userId: who.userId,
    properties: { order_id: 'o-1', total: 42.5, currency: 'USD', products: [{ product_id: 'p-1', quantity: 2 }] },
  });

  const page = one(messages, (m) => m.type === 'page');
  expect(page).toMatchObject({ anonymousId: who.anonymousId, name: 'Home', properties: { path: '/', url: 'https://shop.example/' } });

  const screen = one(messages, (m) => m.type === 'screen');
  expect(screen).toMatchObject({ userId: who.userId, name: 'Cart', properties: { items: 2 } });

  const group = one(messages, (m) => m.type === 'group');
  expect(group).toMatchObject({ userId: who.userId, groupId: 'acme', traits: { name: 'Acme Inc' } });

  const alias = one(messages, (m) => m.type === 'alias');
  expect(alias).toMatchObject({ userId: who.userId, previousId: who.anonymousId });

  const batched = messages.filter((m) => m.type === 'track' && m.event === 'Product Viewed');
  expect(batched.map((m) => (m.properties as { i: number }).i).sort((a, b) => a - b)).toEqual(Array.from({ length: batchedTracks }, (_, i) => i));

  expect(messages).toHaveLength(expectedCount);
  expect([...countByMessageId(messages.map((message, seq) => ({ seq, source: '', message }))).values()].every((n) => n === 1)).toBe(true);
  for (const m of messages) expectStandardFields(m, library);
}

describe('the Segment SDK (@segment/analytics-node)', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => {
    await s.cleanup();
  });

  it('lands identify, track, page, screen, group, alias and batched tracks once each, with their fields', async () => {
    const who: Who = { userId: uniqueId('segment-user'), anonymousId: uniqueId('segment-anon') };
    const analytics = new SegmentAnalytics({ writeKey: s.writeKey, host: s.url, flushAt: 15, flushInterval: 100, maxRetries: 1 });
    const failures: unknown[] = [];
    const statuses: number[] = [];
    const sentIds: string[] = [];
    analytics.on('error', (err) => failures.push(err));
    analytics.on('http_response', (r) => statuses.push(r.status));
    const done = (err?: unknown, ctx?: { event: { messageId?: string } }) => {
      if (err) failures.push(err);
      if (ctx?.event.messageId) sentIds.push(ctx.event.messageId);
    };

    analytics.identify({ userId: who.userId, traits: { email: 'ada@example.com', first_name: 'Ada' } }, done);
    analytics.track(
      { userId: who.userId, event: 'Order Completed', properties: { order_id: 'o-1', total: 42.5, currency: 'USD', products: [{ product_id: 'p-1', quantity: 2 }] } },
      done,
    );
    analytics.page({ anonymousId: who.anonymousId, name: 'Home', properties: { path: '/', url: 'https://shop.example/' } }, done);
    analytics.screen({ userId: who.userId, name: 'Cart', properties: { items: 2 } }, done);
    analytics.group({ userId: who.userId, groupId: 'acme', traits: { name: 'Acme Inc' } }, done);
    analytics.alias({ userId: who.userId, previousId: who.anonymousId }, done);
    for (let i = 0; i < batchedTracks; i++) analytics.track({ userId: who.userId, event: 'Product Viewed', properties: { i } }, done);
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(failures).toEqual([]);
    expect(statuses.length).toBeGreaterThan(1); // it batched
    expect(statuses.every((status) => status === 200)).toBe(true);
    const messages = await storedFor(s, who, expectedCount);
    expectEveryCallType(messages, who, '@segment/analytics-node');
    expect(messages.map((m) => m.messageId).sort()).toEqual([...sentIds].sort());
  });
});

describe('the RudderStack SDK (@rudderstack/rudder-sdk-node)', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => {
    await s.cleanup();
  });

  /** Makes every call through a RudderStack client and waits until each call's callback has fired. */
  async function sendEveryCallType(client: RudderAnalytics, who: Who): Promise<unknown[]> {
    const failures: unknown[] = [];
    const settled: Promise<void>[] = [];
    const callback = () => {
      let resolve: () => void = () => undefined;
      settled.push(new Promise<void>((r) => (resolve = r)));
      return (...args: unknown[]) => {
        if (args[0]) failures.push(args[0]);
        resolve();
      };
    };
    client.identify({ userId: who.userId, traits: { email: 'ada@example.com', first_name: 'Ada' } }, callback());
    client.track(
      { userId: who.userId, event: 'Order Completed', properties: { order_id: 'o-1', total: 42.5, currency: 'USD', products: [{ product_id: 'p-1', quantity: 2 }] } },
      callback(),
    );
    client.page({ anonymousId: who.anonymousId, name: 'Home', properties: { path: '/', url: 'https://shop.example/' } }, callback());
    client.screen({ userId: who.userId, name: 'Cart', properties: { items: 2 } }, callback());
    client.group({ userId: who.userId, groupId: 'acme', traits: { name: 'Acme Inc' } }, callback());
    client.alias({ userId: who.userId, previousId: who.anonymousId }, callback());
    for (let i = 0; i < batchedTracks; i++) client.track({ userId: who.userId, event: 'Product Viewed', properties: { i } }, callback());

    // The client flushes by count and by timer; flush until every callback has fired.
    let allSettled = false;
    const all = Promise.all(settled).then(() => (allSettled = true));
    const deadline = Date.now() + 20_000;
    while (!allSettled && Date.now() < deadline) {
      await client.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    await all;
    return failures;
  }

  const options = (s: TestServer, failures: unknown[]) => ({
    dataPlaneUrl: s.url,
    flushAt: 15,
    flushInterval: 100,
    retryCount: 0,
    logLevel: 'error',
    errorHandler: (err: unknown) => void failures.push(err),
  });

  const describeFailure = (err: unknown) => {
    const e = err as { message?: string; response?: { status?: number; data?: unknown } };
    return `${e.message ?? String(err)} ${e.response ? `${e.response.status} ${JSON.stringify(e.response.data)}` : ''}`;
  };

  it('lands every call type once each with its fields, with its default gzip-compressed bodies', async () => {
    const who: Who = { userId: uniqueId('rudder-user'), anonymousId: uniqueId('rudder-anon') };
    const handled: unknown[] = [];
    const client = new RudderAnalytics(s.writeKey, options(s, handled));
    const failures = [...(await sendEveryCallType(client, who)), ...handled];
    expect(failures.map(describeFailure)).toEqual([]);
    const messages = await storedFor(s, who, expectedCount);
    expectEveryCallType(messages, who, 'analytics-node');
  });

  it('lands every call type once each with its fields when gzip is turned off', async () => {
    const who: Who = { userId: uniqueId('rudder-plain-user'), anonymousId: uniqueId('rudder-plain-anon') };
    const handled: unknown[] = [];
    const client = new RudderAnalytics(s.writeKey, { ...options(s, handled), gzip: false });
    const failures = [...(await sendEveryCallType(client, who)), ...handled];
    expect(failures.map(describeFailure)).toEqual([]);
    const messages = await storedFor(s, who, expectedCount);
    expectEveryCallType(messages, who, 'analytics-node');
    // RudderStack sends originalTimestamp and a per-message sentAt; the stored timestamp is corrected from them.
    for (const m of messages) expect(m.originalTimestamp).toEqual(expect.any(String));
  });
});
