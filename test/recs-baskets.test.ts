// Recommendations on a basket fixture small enough to check by hand, read from the store's orders
// (a cancelled order included, which must not count), through the functions and the read API.
//
// Orders that count: O1 ann {A, B}, O2 bob {A, B, C}, O3 cat {A, C}, O4 dan {B}, O5 ann {C};
// O6 eve {A, B} is cancelled. Five baskets: A, B and C in 3 each; A+B in 2, A+C in 2, B+C in 1.
// Customers' products: ann {A, B, C}, bob {A, B, C}, cat {A, C}, dan {B}: A 3, B 3, C 3 of 4;
// A+B 2, A+C 3, B+C 2. The minimum count is 2, so B+C is no order rule.

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdFor, resolveCustomer } from '../src/identity/index.js';
import { recommendCustomer, recommendProduct } from '../src/predict/index.js';
import { createApp } from '../src/server/index.js';
import type { Message } from './helpers/messages.js';
import { createTestKeys, type TestKeys } from './helpers/workspace.js';
import { openFixture, type Fixture } from './segments-fixture.js';

let n = 0;
const order = (userId: string, day: string, orderId: string, items: string[]): Message => ({
  type: 'track',
  event: 'Order Completed',
  messageId: `recs-${++n}`,
  userId,
  timestamp: `${day}T12:00:00.000Z`,
  properties: { order_id: orderId, total: 10 * items.length, currency: 'USD', products: items.map((id) => ({ product_id: id, price: 10, quantity: 1 })) },
});

const messages: Message[] = [
  order('ann', '2024-01-01', 'O1', ['A', 'B']),
  order('bob', '2024-01-02', 'O2', ['A', 'B', 'C']),
  order('cat', '2024-01-03', 'O3', ['A', 'C']),
  order('dan', '2024-01-04', 'O4', ['B']),
  order('ann', '2024-01-05', 'O5', ['C']),
  order('eve', '2024-01-06', 'O6', ['A', 'B']),
  { type: 'track', event: 'Order Cancelled', messageId: 'recs-cancel', userId: 'eve', timestamp: '2024-01-07T12:00:00.000Z', properties: { order_id: 'O6' } },
  // Cat browsed on her phone before she signed in there: the phone's own customer id is retired by the merge.
  { type: 'page', messageId: 'recs-cat-phone', anonymousId: 'cat-phone', timestamp: '2023-12-30T12:00:00.000Z', properties: { path: '/' } },
  { type: 'identify', messageId: 'recs-cat-signs-in', anonymousId: 'cat-phone', userId: 'cat', timestamp: '2024-01-08T12:00:00.000Z', traits: {} },
];

let fx: Fixture;
beforeAll(async () => {
  fx = await openFixture(messages);
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

const models = () => fx.ws.config.models;
const rounded = (rules: readonly { product_id: string; count: number; support: number; confidence: number; lift: number }[]) =>
  rules.map((r) => [r.product_id, r.count, +r.support.toFixed(4), +r.confidence.toFixed(4), +r.lift.toFixed(4)]);

describe('recommendations from order baskets', () => {
  it('lists what is bought together with A in one order, with support, confidence and lift', async () => {
    const recs = await recommendProduct(fx.ws.store, fx.ws.config.workspace, models(), 'A');
    expect(recs.orders).toBe(3);
    expect(recs.settings.orders).toBe(5);
    // A→B and A→C: 2 of 5 baskets, 2 of A's 3, lift (2/3) / (3/5).
    expect(rounded(recs.frequently_bought_together)).toEqual([
      ['B', 2, 0.4, 0.6667, 1.1111],
      ['C', 2, 0.4, 0.6667, 1.1111],
    ]);
  });

  it('lists what customers who bought A bought in any order', async () => {
    const recs = await recommendProduct(fx.ws.store, fx.ws.config.workspace, models(), 'A');
    expect(recs.customers).toBe(3);
    // A→C: 3 of 4 customers, all 3 of A's, lift 1 / (3/4); A→B: 2 of A's 3, lift (2/3) / (3/4).
    expect(rounded(recs.also_bought)).toEqual([
      ['C', 3, 0.75, 1, 1.3333],
      ['B', 2, 0.5, 0.6667, 0.8889],
    ]);
  });

  it('keeps a pair seen in fewer baskets than the minimum count out of the rules', async () => {
    const recs = await recommendProduct(fx.ws.store, fx.ws.config.workspace, models(), 'B');
    expect(recs.frequently_bought_together.map((r) => r.product_id)).toEqual(['A']);
    const looser = await recommendProduct(fx.ws.store, fx.ws.config.workspace, { ...models(), recommendations: { ...models().recommendations, minCount: 1 } }, 'B');
    expect(looser.frequently_bought_together.map((r) => r.product_id)).toEqual(['A', 'C']);
  });

  it('suggests to a customer only products they have not bought, with the rule behind each', async () => {
    const cat = await recommendCustomer(fx.ws.store, fx.ws.config.workspace, models(), 'user:cat');
    expect(cat.bought).toEqual(['A', 'C']);
    // A→B and C→B tie (2 customers, confidence 2/3, lift 8/9): the first antecedent by name wins.
    expect(cat.next_products.map((p) => [p.product_id, p.because_of, +p.confidence.toFixed(4)])).toEqual([['B', 'A', 0.6667]]);
    const ann = await recommendCustomer(fx.ws.store, fx.ws.config.workspace, models(), 'user:ann');
    expect(ann.bought).toEqual(['A', 'B', 'C']);
    expect(ann.next_products).toEqual([]);
  });

  it('leads a customer id that a merge retired to the customer it became, where the identity graph is at hand', async () => {
    const retired = customerIdFor('anon:cat-phone');
    await expect(recommendCustomer(fx.ws.store, fx.ws.config.workspace, models(), retired)).rejects.toThrow(/no customer c_/);
    const resolve = async (id: string) => (await resolveCustomer(fx.ws.store, fx.ws.identity, id)).customerId;
    const cat = await recommendCustomer(fx.ws.store, fx.ws.config.workspace, models(), retired, 5, resolve);
    expect(cat.customer_id).toBe(customerIdFor('user:cat'));
    expect(cat.bought).toEqual(['A', 'C']);
  });

  it('says which product or customer it does not know', async () => {
    await expect(recommendProduct(fx.ws.store, fx.ws.config.workspace, models(), 'Z')).rejects.toThrow(/no order holds the product Z/);
    await expect(recommendCustomer(fx.ws.store, fx.ws.config.workspace, models(), 'user:nobody')).rejects.toThrow(/no customer has the identifier user:nobody/);
  });
});

describe('the recommendations read API', () => {
  let app: FastifyInstance;
  let keys: TestKeys;
  beforeAll(async () => {
    keys = await createTestKeys(fx.ws, 'recs');
    app = await createApp({ store: fx.ws.store, ingestor: fx.ws.ingestor, keys: fx.ws.keys, config: fx.ws.config, logger: fx.ws.logger, identity: fx.ws.identity, localToken: 'local-recs-token' });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });
  const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('needs a read token', async () => {
    expect((await get('/api/v1/recommendations/products/A')).statusCode).toBe(401);
  });

  it('answers a product and a customer as the functions do, and 404 for an unknown product', async () => {
    const product = await get('/api/v1/recommendations/products/A?limit=1', keys.readKey);
    expect(product.statusCode).toBe(200);
    expect(product.json()).toMatchObject({ product_id: 'A', frequently_bought_together: [{ product_id: 'B', count: 2 }], also_bought: [{ product_id: 'C', count: 3 }] });
    const customer = await get('/api/v1/recommendations/customers/user:cat', keys.readKey);
    expect(customer.json()).toMatchObject({ bought: ['A', 'C'], next_products: [{ product_id: 'B', because_of: 'A' }] });
    const retired = await get(`/api/v1/recommendations/customers/${customerIdFor('anon:cat-phone')}`, keys.readKey);
    expect(retired.json()).toMatchObject({ customer_id: customerIdFor('user:cat'), bought: ['A', 'C'] });
    const missing = await get('/api/v1/recommendations/products/Z', keys.readKey);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
