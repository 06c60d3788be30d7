// Saving rule segments over HTTP (the dashboard's builder): validated like `segments create`,
// evaluated at once so the size history starts, replaced only when asked, and removable.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSegmentHistory, segmentShowReport } from '../src/segments/index.js';
import { openFixtureApp, type FixtureApp } from './segments-fixture.js';

let t: FixtureApp;

beforeAll(async () => {
  t = await openFixtureApp();
}, 60_000);

afterAll(async () => {
  await t.close();
});

const send = (method: 'POST' | 'DELETE', url: string, payload?: unknown, auth = true) =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: auth ? { authorization: `Bearer ${t.token}` } : {} });

const repeaters = { id: 'repeaters', name: 'Repeat buyers', rule: { fact: 'orders', op: 'gte', value: 2 } };

describe('saving a segment over HTTP', () => {
  it('stores it, counts it as the CLI does, and starts its size history', async () => {
    const res = await send('POST', '/api/v1/segments', repeaters);
    expect(res.statusCode).toBe(201);
    const body = res.json<{ segment: { id: string; name: string }; replaced: boolean; customers: number }>();
    expect(body).toMatchObject({ segment: { id: 'repeaters', name: 'Repeat buyers' }, replaced: false });
    const shown = await segmentShowReport(t.fx.ws.store, t.fx.ws.config.workspace, 'repeaters');
    expect(body.customers).toBe(shown.customers);
    // u1 (5 orders), u2 (3) and u4 (2) have two orders or more.
    expect(body.customers).toBe(3);
    const history = await readSegmentHistory(t.fx.ws.store, t.fx.ws.config.workspace, 'repeaters');
    expect(history.snapshots.map((s) => s.customers)).toEqual([3]);
  });

  it('refuses to overwrite unless asked, then replaces', async () => {
    const again = await send('POST', '/api/v1/segments', { ...repeaters, name: 'Loyal' });
    expect(again.statusCode).toBe(400);
    // Said as an API client (and the dashboard's user) can act on it: no CLI flag.
    expect(again.json<{ error: { message: string } }>().error.message).toBe('a segment with the id repeaters exists already: choose another name, or send replace=true to overwrite it');
    const replaced = await send('POST', '/api/v1/segments?replace=true', { ...repeaters, name: 'Loyal', rule: { fact: 'orders', op: 'gte', value: 5 } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ segment: { name: 'Loyal' }, replaced: true, customers: 1 });
  });

  it('says what is wrong with an invalid definition, and needs the token', async () => {
    const bad = await send('POST', '/api/v1/segments', { id: 'Bad Id!', name: 'x', rule: { fact: 'orders', op: 'near', value: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/id|op/);
    expect((await send('POST', '/api/v1/segments', repeaters, false)).statusCode).toBe(401);
  });

  it('removes a segment', async () => {
    expect((await send('DELETE', '/api/v1/segments/repeaters')).json()).toEqual({ deleted: 'repeaters' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/segments/repeaters', headers: { authorization: `Bearer ${t.token}` } })).statusCode).toBe(404);
    expect((await send('DELETE', '/api/v1/segments/repeaters')).statusCode).toBe(404);
  });
});
