// The read API of RFM, cohorts and segments (in-process app, real DuckDB): read-token auth, and the
// same documents as the module functions the CLI prints.

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../src/server/routes/openapi.js';
import { computeCohorts, computeRfm, readSegmentHistory, refreshMemberships, saveSegment } from '../src/segments/index.js';
import { openFixtureApp, type Fixture, type FixtureApp } from './segments-fixture.js';

let t: FixtureApp;
let fx: Fixture;
let app: FastifyInstance;
let token: string;

beforeAll(async () => {
  t = await openFixtureApp();
  ({ fx, app, token } = t);
  await saveSegment(fx.ws.store, { id: 'boot-lookers', name: 'Viewed boots', rule: { event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'boots' }] } });
}, 60_000);

afterAll(async () => {
  await t.close();
});

const get = (url: string, auth = true) => app.inject({ method: 'GET', url, headers: auth ? { authorization: `Bearer ${token}` } : {} });

describe('the segments read API', () => {
  it('answers 401 without a read token', async () => {
    for (const url of ['/api/v1/rfm', '/api/v1/cohorts', '/api/v1/segments', '/api/v1/segments/boot-lookers/members']) {
      const res = await get(url, false);
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    const preview = await app.inject({ method: 'POST', url: '/api/v1/segments/preview', payload: { trait: 'plan', op: 'exists' } });
    expect(preview.statusCode).toBe(401);
  });

  it('returns the same RFM document as tessera rfm --json', async () => {
    const res = await get('/api/v1/rfm?as_of=2024-06-30');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(await computeRfm(fx.ws.store, fx.ws.config.workspace, { asOf: '2024-06-30' }));
  });

  it('returns the cohort table of tessera cohorts --json', async () => {
    const res = await get('/api/v1/cohorts');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ cohorts: { cohort: string; size: number }[] }>();
    expect(body).toEqual(await computeCohorts(fx.ws.store, fx.ws.config.workspace));
    expect(body.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['2023-03', 1],
      ['2023-05', 1],
      ['2023-07', 1],
      ['2023-12', 1],
      ['2024-06', 1],
      ['2024-07', 1],
    ]);
  });

  it('returns cohorts by acquisition source, and refuses an unknown grouping', async () => {
    const res = await get('/api/v1/cohorts?by=source');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(await computeCohorts(fx.ws.store, fx.ws.config.workspace, { by: 'source' }));
    expect((await get('/api/v1/cohorts?by=first_order_month')).json()).toEqual(await computeCohorts(fx.ws.store, fx.ws.config.workspace));
    const bad = await get('/api/v1/cohorts?by=country');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_argument' } });
  });

  it('returns a segment\'s recorded history, and 404 for an unknown segment', async () => {
    await refreshMemberships(fx.ws.store, fx.ws.config.workspace, { id: 'boot-lookers', now: new Date('2026-02-01T08:00:00Z') });
    const res = await get('/api/v1/segments/boot-lookers/history');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(await readSegmentHistory(fx.ws.store, fx.ws.config.workspace, 'boot-lookers'));
    expect(res.json()).toMatchObject({ segment: 'boot-lookers', snapshots: [{ day: '2026-02-01' }] });
    expect((await get('/api/v1/segments/nope/history')).statusCode).toBe(404);
    expect((await get('/api/v1/segments/boot-lookers/history', false)).statusCode).toBe(401);
  });

  it('describes the retention, history and cohort routes in the OpenAPI document', () => {
    const paths = (buildOpenApi() as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> }).paths;
    expect(paths['/api/v1/segments/retention']?.get?.parameters?.map((p) => p.name)).toEqual(['as_of']);
    expect(paths['/api/v1/segments/{id}/history']?.get).toBeDefined();
    expect(paths['/api/v1/cohorts']?.get?.parameters?.map((p) => p.name)).toEqual(['by']);
  });

  it('answers a bad as_of with a 400 that says what to send', async () => {
    const res = await get('/api/v1/rfm?as_of=June');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/YYYY-MM-DD/);
  });

  it('lists, shows and exports a stored segment', async () => {
    expect((await get('/api/v1/segments')).json()).toMatchObject({ segments: [{ id: 'boot-lookers', name: 'Viewed boots' }] });
    const shown = (await get('/api/v1/segments/boot-lookers?as_of=2024-06-30')).json();
    expect(shown).toMatchObject({ id: 'boot-lookers', as_of: '2024-06-30', customers: 3 });
    const members = (await get('/api/v1/segments/boot-lookers/members?as_of=2024-06-30&limit=2')).json<{ customers: number; members: unknown[] }>();
    expect(members.customers).toBe(3);
    expect(members.members).toHaveLength(2);
    const csv = await get('/api/v1/segments/boot-lookers/members?as_of=2024-06-30&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.trim().split('\n')).toHaveLength(4);
    expect((await get('/api/v1/segments/nope')).statusCode).toBe(404);
    expect((await get('/api/v1/segments/..%2F..%2Fetc/members')).statusCode).toBe(404);
  });

  it('counts a definition that is not stored (the live preview) and refuses an invalid one', async () => {
    const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/v1/segments/preview?as_of=2024-06-30', headers: { authorization: `Bearer ${token}` }, payload: payload as object });
    const ok = await post({ rule: { fact: 'orders', op: 'gte', value: 3 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ as_of: '2024-06-30', customers: 2 });
    const bare = await post({ trait: 'plan', op: 'eq', value: 'pro' });
    expect(bare.json()).toMatchObject({ customers: 2 });
    const bad = await post({ rule: { trait: 'plan', op: 'matches', value: '.*' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });
});
