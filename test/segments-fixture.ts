// A small shop checked by hand for the segments tests: five customers whose RFM as of 2024-06-30 is
// worked out in src/segments/rfm-score.test.ts, plus a refunded order, a late partial refund, an
// order after the as-of date, traits (some with hostile names and values) and product views.

import { writeFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { importSegmentFile } from '../src/ingest/index.js';
import { refreshFacts } from '../src/metrics/index.js';
import type { TesseraConfig } from '../src/contract/index.js';
import { createApp, type Workspace } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { toNdjson, type Message } from './helpers/messages.js';
import { createTestKeys, makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let n = 0;
const id = () => `seg-fixture-${++n}`;
const at = (day: string) => `${day}T12:00:00.000Z`;

export function order(userId: string, day: string, orderId: string, total: number, products: { category: string; sku: string }[] = [{ category: 'tents', sku: 'T-1' }]): Message {
  return {
    type: 'track',
    event: 'Order Completed',
    messageId: id(),
    userId,
    timestamp: at(day),
    properties: { order_id: orderId, total, currency: 'USD', products: products.map((p) => ({ ...p, product_id: p.sku, price: total / products.length, quantity: 1 })) },
  };
}

function refund(userId: string, day: string, orderId: string, total?: number): Message {
  return { type: 'track', event: 'Order Refunded', messageId: id(), userId, timestamp: at(day), properties: { order_id: orderId, ...(total === undefined ? {} : { total, currency: 'USD' }) } };
}

function identify(userId: string, day: string, traits: Record<string, unknown>): Message {
  return { type: 'identify', messageId: id(), userId, timestamp: at(day), traits };
}

function viewed(userId: string, day: string, category: string): Message {
  return { type: 'track', event: 'Product Viewed', messageId: id(), userId, timestamp: at(day), properties: { category, product_id: `${category}-1` } };
}

/** Names and values a rule must match literally, never as SQL. */
export const hostile = {
  traitName: `it's "plan"; DROP TABLE events; --`,
  value: `O'Brien"); DELETE FROM orders; --`,
  unicode: 'Zoë 名前 🚀',
  percent: '100%_off',
  dotted: 'address.city',
} as const;

/** The fixture's messages, in no particular order. */
export function fixtureMessages(): Message[] {
  n = 0;
  return [
    // u1: 5 orders, last on D: recency 0, monetary 500
    order('u1', '2023-03-01', 'o1-1', 100),
    order('u1', '2023-06-01', 'o1-2', 50),
    order('u1', '2024-01-10', 'o1-3', 50),
    order('u1', '2024-05-01', 'o1-4', 200, [{ category: 'boots', sku: 'B-1' }]),
    order('u1', '2024-06-30', 'o1-5', 100),
    // u2: 3 orders, recency 10, monetary 120 (a partial refund of 10 comes after D); 90 days before 2024-05-30
    order('u2', '2023-07-01', 'o2-1', 30),
    order('u2', '2024-03-01', 'o2-2', 30),
    order('u2', '2024-06-20', 'o2-3', 60),
    refund('u2', '2024-07-05', 'o2-3', 10),
    // u3: one order, recency 10, monetary 40
    order('u3', '2024-06-20', 'o3-1', 40),
    // u4: 2 orders, recency 200, monetary 80
    order('u4', '2023-12-01', 'o4-1', 30),
    order('u4', '2023-12-13', 'o4-2', 50),
    // u5: one order, recency 400, monetary 20
    order('u5', '2023-05-27', 'o5-1', 20),
    // u6: an order fully refunded before D: no customer as of D (but one as of 2024-06-26)
    order('u6', '2024-06-25', 'o6-1', 999),
    refund('u6', '2024-06-28', 'o6-1'),
    // u7: first order after D
    order('u7', '2024-07-02', 'o7-1', 70),
    // traits: latest value wins
    identify('u1', '2024-01-01', { plan: 'basic', age: 30, vip: true, [hostile.traitName]: 'gold', name: hostile.value }),
    identify('u1', '2024-06-01', { plan: 'pro' }),
    identify('u2', '2024-01-01', { plan: 'basic', age: 45, [hostile.traitName]: 'silver', name: hostile.unicode, address: { city: 'Oslo' }, [hostile.dotted]: 'Bergen' }),
    identify('u3', '2024-01-01', { plan: 'pro', age: 22, name: hostile.percent, coupon: '100XoffY' }),
    identify('u8', '2024-01-01', { plan: 'free', name: `${hostile.value}x` }),
    // product views: u3 and u8 viewed boots, u1 viewed and bought boots
    viewed('u1', '2024-04-30', 'boots'),
    viewed('u3', '2024-06-10', 'boots'),
    viewed('u3', '2024-06-11', 'boots'),
    viewed('u8', '2024-02-01', 'boots'),
    viewed('u8', '2024-06-15', 'tents'),
  ];
}

export interface Fixture {
  ws: Workspace;
  dir: string;
  /** The resolved customer id of a fixture userId. */
  customerOf(userId: string): Promise<string>;
  close(): Promise<void>;
}

/** A workspace holding the fixture, identities resolved and facts refreshed. */
export async function openFixture(messages: Message[] = fixtureMessages()): Promise<Fixture> {
  const dir = await makeTempDir('tessera-segments-');
  const ws = await openTestWorkspace(join(dir, 'data'));
  const file = join(dir, 'fixture.ndjson');
  await writeFile(file, toNdjson(messages));
  await importSegmentFile(ws.store, ws.ingestor, file, { source: 'fixture', tmpDir: join(dir, 'tmp') });
  await ws.identity.refresh();
  await refreshFacts(ws.store, ws.config.workspace);
  return {
    ws,
    dir,
    async customerOf(userId) {
      const rows = await ws.store.query<{ customer_id: string }>(sql`SELECT customer_id FROM customer_map WHERE type = ${'user'} AND value = ${userId}`);
      const found = rows[0]?.customer_id;
      if (!found) throw new Error(`no customer for user ${userId}`);
      return found;
    },
    async close() {
      await ws.close();
      await removeDir(dir);
    },
  };
}

/** The fixture behind the HTTP app in-process (`app.inject`), with a read token. */
export interface FixtureApp {
  fx: Fixture;
  app: FastifyInstance;
  /** A read token of the fixture's workspace. */
  token: string;
  close(): Promise<void>;
}

/** Opens the fixture and the app over it; `config` replaces parts of the workspace's config (alerts, metrics). */
export async function openFixtureApp(options: { messages?: Message[]; config?: Partial<TesseraConfig> } = {}): Promise<FixtureApp> {
  const fx = await openFixture(options.messages);
  const token = (await createTestKeys(fx.ws)).readKey;
  const config = { ...fx.ws.config, ...options.config };
  const app = await createApp({ store: fx.ws.store, ingestor: fx.ws.ingestor, keys: fx.ws.keys, config, logger: fx.ws.logger, localToken: 'local-test-token' });
  await app.ready();
  return {
    fx,
    app,
    token,
    async close() {
      await app.close();
      await fx.close();
    },
  };
}
