// `clv fit` and `clv predict` on a small shop whose purchase histories are worked out by hand:
// same-day orders, a cancelled order, a partial refund, a holdout, and the read API over them.

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../src/contract/index.js';
import { bgNbdConditionalExpectedPurchases, bgNbdProbabilityAlive } from '../src/models/index.js';
import { fitClv, predictClv, readPrediction, type ClvFitReport, type ClvPredictReport } from '../src/predict/index.js';
import { createApp } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import type { Message } from './helpers/messages.js';
import { createTestKeys, type TestKeys } from './helpers/workspace.js';
import { openFixture, type Fixture } from './segments-fixture.js';

let n = 0;
const order = (userId: string, day: string, orderId: string, total: number, hour = 12): Message => ({
  type: 'track',
  event: 'Order Completed',
  messageId: `clv-${++n}`,
  userId,
  timestamp: `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`,
  properties: { order_id: orderId, total, currency: 'USD' },
});
const refund = (userId: string, day: string, orderId: string, total?: number): Message => ({
  type: 'track',
  event: 'Order Refunded',
  messageId: `clv-${++n}`,
  userId,
  timestamp: `${day}T18:00:00.000Z`,
  properties: { order_id: orderId, ...(total === undefined ? {} : { total, currency: 'USD' }) },
});

/** Calibration through 2024-03-31; the last order is on 2024-04-20. */
const messages: Message[] = [
  // u1: two orders on Jan 1 are one purchase day (15); repeats Jan 15 (20), Feb 1 (30): x 2, t_x 31, m 25
  order('u1', '2024-01-01', 'a1', 10, 9),
  order('u1', '2024-01-01', 'a2', 5, 15),
  order('u1', '2024-01-15', 'a3', 20),
  order('u1', '2024-02-01', 'a4', 30),
  // u2: the Mar 1 order is refunded in full, so no repeat: x 0
  order('u2', '2024-01-10', 'b1', 40),
  order('u2', '2024-03-01', 'b2', 60),
  refund('u2', '2024-03-02', 'b2'),
  // u3: x 2 in the calibration, then two purchase days in the holdout
  order('u3', '2024-01-05', 'c1', 12),
  order('u3', '2024-02-05', 'c2', 18),
  order('u3', '2024-03-05', 'c3', 24),
  order('u3', '2024-04-10', 'c4', 30),
  order('u3', '2024-04-20', 'c5', 10),
  // u4: one order
  order('u4', '2024-02-20', 'd1', 50),
  // u5: 6 of the Jan 20 order's 16 refunded: repeat days 10 and 22
  order('u5', '2024-01-02', 'e1', 8),
  order('u5', '2024-01-20', 'e2', 16),
  refund('u5', '2024-01-25', 'e2', 6),
  order('u5', '2024-03-10', 'e3', 22),
  // u6: first order after the calibration end
  order('u6', '2024-04-05', 'f1', 70),
  // u7 and u8: more repeat buyers for the spend model
  order('u7', '2024-01-03', 'g1', 25),
  order('u7', '2024-01-31', 'g2', 35),
  order('u7', '2024-02-28', 'g3', 30),
  order('u7', '2024-03-27', 'g4', 40),
  order('u8', '2024-02-01', 'h1', 100),
  order('u8', '2024-03-15', 'h2', 120),
  // Emails for the read API's lists: u8 has two, listed by the first in order.
  { type: 'identify', userId: 'u8', traits: { email: 'zoe@example.com' }, timestamp: '2024-02-01T10:00:00.000Z', messageId: 'id-u8-a' },
  { type: 'identify', userId: 'u8', traits: { email: 'anna@example.com' }, timestamp: '2024-03-01T10:00:00.000Z', messageId: 'id-u8-b' },
  { type: 'identify', userId: 'u7', traits: { email: 'ben@example.com' }, timestamp: '2024-01-03T10:00:00.000Z', messageId: 'id-u7' },
  // u9 signed up and never ordered: a customer the model does not score.
  { type: 'identify', userId: 'u9', traits: { email: 'cleo@example.com' }, timestamp: '2024-02-03T10:00:00.000Z', messageId: 'id-u9' },
];

let fx: Fixture;
let fit: ClvFitReport;
const ids: Record<string, string> = {};

beforeAll(async () => {
  fx = await openFixture(messages);
  for (const u of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']) ids[u] = await fx.customerOf(u);
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('clv fit on the store', () => {
  it('refuses to predict before any fit, naming the command to run', async () => {
    await expect(predictClv(fx.ws.store, fx.ws.config.workspace, fx.ws.config.models)).rejects.toThrow(/run tessera clv fit first/);
  });

  it('rejects a calibration end that is not a date, or before the first order', async () => {
    const err = await fitClv(fx.ws.store, fx.ws.config.workspace, { calibrationEnd: '2024-02-30' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('invalid_argument');
    await expect(fitClv(fx.ws.store, fx.ws.config.workspace, { calibrationEnd: '2023-12-31' })).rejects.toThrow(/before the first order \(2024-01-01\)/);
  });

  it('fits the customers who bought by the calibration end and prints product.md\'s shape', async () => {
    fit = await fitClv(fx.ws.store, fx.ws.config.workspace, { calibrationEnd: '2024-03-31', timeUnit: 'day' });
    expect(fit.time_unit).toBe('day');
    expect(fit.calibration_end).toBe('2024-03-31');
    expect(fit.customers).toBe(7);
    for (const k of ['r', 'alpha', 'a', 'b', 'log_likelihood'] as const) expect(Number.isFinite(fit.bgnbd[k])).toBe(true);
    for (const k of ['p', 'q', 'v', 'log_likelihood'] as const) expect(Number.isFinite(fit.gamma_gamma[k])).toBe(true);
    // u1, u3, u5, u7, u8 repeated in the calibration
    expect(fit.gamma_gamma.customers).toBe(5);
  });

  it('reports the holdout by calibration frequency: u3 made the only two holdout purchases, from bucket 2', () => {
    const h = fit.holdout;
    expect(h).not.toBeNull();
    expect(h?.start).toBe('2024-04-01');
    expect(h?.end).toBe('2024-04-20');
    expect(h?.length).toBe(20);
    expect(h?.overall.customers).toBe(7);
    expect(h?.overall.actual).toBe(2);
    const buckets = Object.fromEntries((h?.by_frequency ?? []).map((b) => [b.frequency, [b.customers, b.actual]]));
    expect(buckets).toEqual({ '0': [2, 0], '1': [1, 0], '2': [3, 2], '3': [1, 0], '4': [0, 0], '5': [0, 0], '6': [0, 0], '7+': [0, 0] });
    const predicted = (h?.by_frequency ?? []).reduce((s, b) => s + b.predicted, 0);
    expect(predicted).toBeCloseTo(h?.overall.predicted ?? Number.NaN, 9);
  });

  it('has no holdout when the calibration runs to the last day of data', async () => {
    const full = await fitClv(fx.ws.store, fx.ws.config.workspace, { timeUnit: 'week' });
    expect(full.calibration_end).toBe('2024-04-20');
    expect(full.holdout).toBeNull();
    expect(full.customers).toBe(8);
  });

  it('fits the same parameters every time on the same orders', async () => {
    // Spend is summed as decimals: summed as doubles, DuckDB's threads could add in another order each run.
    const fits = [];
    for (let i = 0; i < 4; i++) fits.push(await fitClv(fx.ws.store, fx.ws.config.workspace, { calibrationEnd: '2024-03-31', timeUnit: 'day' }));
    const parameters = fits.map((f) => JSON.stringify([f.bgnbd, f.gamma_gamma]));
    expect(new Set(parameters).size).toBe(1);
  });
});

describe('clv predict on the store', () => {
  let report: ClvPredictReport;
  beforeAll(async () => {
    fit = await fitClv(fx.ws.store, fx.ws.config.workspace, { calibrationEnd: '2024-03-31', timeUnit: 'day' });
    report = await predictClv(fx.ws.store, fx.ws.config.workspace, fx.ws.config.models, { horizonDays: 90 });
  }, 60_000);

  const byUser = (u: string) => report.customers.find((c) => c.customer_id === ids[u]);

  it('reads each customer\'s whole history up to the last day of data, one purchase per day', () => {
    expect(report.as_of).toBe('2024-04-20');
    expect(report.summary.customers).toBe(8);
    const rows = ['u1', 'u2', 'u3', 'u5', 'u6'].map((u) => {
      const c = byUser(u);
      return [u, c?.frequency, c?.recency, c?.age, c?.monetary];
    });
    expect(rows).toEqual([
      ['u1', 2, 31, 110, 25],
      ['u2', 0, 0, 101, 0],
      ['u3', 4, 106, 106, 20.5],
      ['u5', 2, 68, 109, 16],
      ['u6', 0, 0, 15, 0],
    ]);
  });

  it('predicts with the latest fit: expected purchases and P(alive) as the model gives them, churn risk their complement', () => {
    const params = { r: fit.bgnbd.r, alpha: fit.bgnbd.alpha, a: fit.bgnbd.a, b: fit.bgnbd.b };
    expect(report.fit_id).toBe(fit.fit_id);
    for (const c of report.customers) {
      const history = { frequency: c.frequency, recency: c.recency, T: c.age };
      expect(c.expected_purchases).toBeCloseTo(bgNbdConditionalExpectedPurchases(params, history, 90), 9);
      expect(c.p_alive).toBeCloseTo(bgNbdProbabilityAlive(params, history), 12);
      expect(c.churn_risk).toBeCloseTo(1 - c.p_alive, 12);
    }
  });

  it('flags the top CLV fifth as high value, and those of them with P(alive) below 0.5 as at risk', () => {
    for (const c of report.customers) {
      expect(c.high_value).toBe((c.clv_decile ?? 0) >= 9);
      expect(c.high_value_at_risk).toBe(c.high_value && c.p_alive < 0.5);
    }
    const clvs = report.customers.map((c) => c.clv ?? Number.NaN);
    expect([...clvs].sort((p, q) => q - p)).toEqual(clvs);
    expect(report.summary.high_value).toBe(report.customers.filter((c) => c.high_value).length);
  });

  it('keeps the predictions by customer id for profiles and segments to read', async () => {
    const stored = await readPrediction(fx.ws.store, ids['u3'] as string);
    expect(stored).toMatchObject({ ...byUser('u3'), fit_id: fit.fit_id, as_of: '2024-04-20', horizon_days: 90 });
  });
});

describe('the customer-value read API', () => {
  let app: FastifyInstance;
  let keys: TestKeys;
  beforeAll(async () => {
    keys = await createTestKeys(fx.ws, 'clv');
    app = await createApp({ store: fx.ws.store, ingestor: fx.ws.ingestor, keys: fx.ws.keys, config: fx.ws.config, logger: fx.ws.logger, localToken: 'local-clv-token' });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });
  const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers 401 without a read token and 401 for a write key', async () => {
    expect((await get('/api/v1/clv')).statusCode).toBe(401);
    expect((await get('/api/v1/clv/predictions', keys.writeKey)).statusCode).toBe(401);
  });

  it('returns the latest fit as clv fit --json printed it', async () => {
    const latest = await fitClv(fx.ws.store, fx.ws.config.workspace, { calibrationEnd: '2024-03-31' });
    const res = await get('/api/v1/clv', keys.readKey);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(latest)));
  });

  it('returns one customer\'s prediction by customer id or identifier, and 404 for an unknown one', async () => {
    const byId = await get(`/api/v1/clv/predictions?customer_id=${encodeURIComponent(ids['u1'] as string)}`, keys.readKey);
    expect(byId.statusCode).toBe(200);
    const byIdentifier = await get('/api/v1/clv/predictions?customer_id=user:u1', keys.readKey);
    expect(byIdentifier.json()).toEqual(byId.json());
    expect(byId.json()).toMatchObject({ customer_id: ids['u1'], frequency: 2, recency: 31, age: 110, monetary: 25 });
    const missing = await get('/api/v1/clv/predictions?customer_id=user:nobody', keys.readKey);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found', message: 'no customer user:nobody: check the id or identifier' } });
    // A customer who never ordered is told apart from a missing run or a wrong id.
    const unscored = await get('/api/v1/clv/predictions?customer_id=user:u9', keys.readKey);
    expect(unscored.statusCode).toBe(404);
    expect(unscored.json()).toMatchObject({ error: { message: expect.stringMatching(/not scored: the model scores customers with an order, and they had none by 2024-04-20/) } });
  });

  it('pages through predictions by CLV and rejects unknown query parameters', async () => {
    const top = (await get('/api/v1/clv/predictions?limit=100', keys.readKey)).json() as { customers: { customer_id: string; email: string | null }[] };
    expect(top.customers.find((c) => c.customer_id === ids['u8'])?.email).toBe('anna@example.com');
    expect(top.customers.find((c) => c.customer_id === ids['u7'])?.email).toBe('ben@example.com');
    const page = await get('/api/v1/clv/predictions?limit=3&offset=1', keys.readKey);
    const body = page.json() as { customers: { customer_id: string; clv: number; email: string | null }[]; as_of: string; horizon_days: number };
    expect(body.customers).toHaveLength(3);
    expect(body).toMatchObject({ as_of: '2024-04-20', horizon_days: 90, limit: 3, offset: 1 });
    expect(body.customers.map((c) => c.clv)).toEqual([...body.customers.map((c) => c.clv)].sort((p, q) => q - p));
    // Each row names the customer by an email of theirs (the first in order), so a list reads as people.
    const emails = await fx.ws.store.query<{ customer_id: string; value: string }>(sql`SELECT customer_id, value FROM customer_map WHERE type = 'email' ORDER BY value DESC`);
    const first = new Map(emails.map((r) => [r.customer_id, r.value]));
    expect(body.customers.map((c) => c.email)).toEqual(body.customers.map((c) => first.get(c.customer_id) ?? null));
    const bad = await get('/api/v1/clv/predictions?sort=clv', keys.readKey);
    expect(bad.statusCode).toBe(400);
  });
});
