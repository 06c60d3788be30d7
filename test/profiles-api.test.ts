// The single customer view over HTTP (a real server on a socket, read-token auth) and from the built
// CLI: both print the same JSON for the same customer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { identify, page, track } from './helpers/messages.js';
import { warmReadSettings } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers/workspace.js';

let server: TestServer;
const at = (day: number, minute = 0): string => new Date(Date.UTC(2025, 2, day, 10, minute)).toISOString();

async function get(path: string, token: string | null = server.readKey): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, { headers: token !== null ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  server = await startTestServer();
  const ws = server.workspace;
  const messages = [
    page({ messageId: 'p1', anonymousId: 'grace-laptop', timestamp: at(1) }),
    page({ messageId: 'p2', anonymousId: 'grace-laptop', timestamp: at(1, 10) }),
    identify({ messageId: 'i1', anonymousId: 'grace-laptop', userId: 'grace', traits: { email: 'Grace@Example.com', first_name: 'Grace', last_name: 'Hopper', phone: '+1 415 555 0199' }, timestamp: at(1, 11) }),
    identify({ messageId: 'i2', anonymousId: 'grace-phone', userId: 'grace', traits: { last_name: 'Murray Hopper' }, timestamp: at(3) }),
    track({ messageId: 'o1', anonymousId: 'grace-phone', userId: 'grace', event: 'Order Completed', properties: { order_id: 'A-1', total: 120, currency: 'USD', products: [{ category: 'boots', quantity: 1, price: 120 }] }, timestamp: at(3, 5) }),
    track({ messageId: 'o2', userId: 'grace', event: 'Order Completed', properties: { order_id: 'A-2', total: 30, currency: 'USD', products: [{ category: 'socks', quantity: 3, price: 10 }] }, timestamp: at(9) }),
    track({ messageId: 'e1', userId: 'grace', event: 'Email Opened', properties: { email_id: 'm1' }, timestamp: at(10) }),
    track({ messageId: 's1', userId: 'grace', event: 'Survey Responded', properties: { survey_type: 'nps', score: 6 }, timestamp: at(11) }),
    track({ messageId: 's2', userId: 'grace', event: 'Survey Responded', properties: { survey_type: 'nps', score: 9 }, timestamp: at(12) }),
    track({ messageId: 'u1', userId: 'grace', event: 'Unsubscribed', properties: { email_id: 'm1' }, timestamp: at(13) }),
    identify({ messageId: 'i3', anonymousId: 'alan-desk', userId: 'alan', traits: { email: 'alan@example.com', name: 'Alan Turing' }, timestamp: at(2) }),
  ];
  await ws.ingestor.accept(messages, { source: 'web', location: 'test' });
  await ws.ingestor.flush();
  await ws.identity.refresh();
});

afterAll(async () => {
  await server.cleanup();
});

describe('GET /api/v1/profiles', () => {
  it('needs a read token', async () => {
    expect((await get('/api/v1/profiles?identifier=email:grace@example.com', null)).status).toBe(401);
    expect((await get('/api/v1/profiles/c_x/timeline', server.writeKey)).status).toBe(401);
  });

  it('finds a customer by any identifier and by its customer id, with the whole single customer view', async () => {
    const byEmail = await get('/api/v1/profiles?identifier=email:%20GRACE@example.com');
    expect(byEmail.status).toBe(200);
    const profile = byEmail.body;
    expect(Object.keys(profile)).toEqual(expect.arrayContaining(['customer_id', 'identifiers', 'traits', 'trait_sources', 'computed', 'merges', 'timeline']));
    expect(profile['identifiers']).toEqual([
      { type: 'anon', value: 'grace-laptop', first_seen: at(1) },
      { type: 'email', value: 'grace@example.com', first_seen: at(1, 11) },
      { type: 'phone', value: '+14155550199', first_seen: at(1, 11) },
      { type: 'user', value: 'grace', first_seen: at(1, 11) },
      { type: 'anon', value: 'grace-phone', first_seen: at(3) },
    ]);
    // Latest value by event time, with where it came from.
    expect(profile['traits']).toMatchObject({ first_name: 'Grace', last_name: 'Murray Hopper', email: 'grace@example.com' });
    expect(profile['trait_sources']).toMatchObject({ last_name: { source: 'web', message_id: 'i2', at: at(3) } });
    expect(profile['computed']).toMatchObject({
      orders: 2,
      revenue: 150,
      aov: 75,
      first_order_at: at(3, 5),
      last_order_at: at(9),
      favourite_category: 'socks',
      email_opens: 1,
      latest_nps: 9,
      sessions: 7,
      first_seen: at(1),
      last_seen: at(13),
      consent: { email: 'unsubscribed', unsubscribed_at: at(13), preferences: null },
    });
    expect(profile['merges']).toBe(4);
    expect(profile['timeline']).toBe(`/api/v1/profiles/${String(profile['customer_id'])}/timeline`);
    for (const other of ['user:grace', 'anon:grace-phone', 'phone:+1 (415) 555-0199', String(profile['customer_id'])]) {
      const again = await get(`/api/v1/profiles/${encodeURIComponent(other)}`);
      expect(again.body, other).toEqual(profile);
    }
  });

  it('answers 404 with the one error shape for an unknown identifier', async () => {
    const missing = await get('/api/v1/profiles?identifier=email:nobody@example.com');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: expect.stringContaining('email:nobody@example.com') } });
    expect((await get('/api/v1/profiles')).status).toBe(400);
  });

  it('searches by name, email and phone', async () => {
    const names = async (q: string) => ((await get(`/api/v1/profiles?q=${encodeURIComponent(q)}`)).body['profiles'] as { name: string }[]).map((p) => p.name);
    expect(await names('hopper')).toEqual(['Grace Murray Hopper']);
    expect(await names('ALAN@')).toEqual(['Alan Turing']);
    expect(await names('415 555 0199')).toEqual(['Grace Murray Hopper']);
    expect((await names('example.com')).sort()).toEqual(['Alan Turing', 'Grace Murray Hopper']);
    expect(await names('%_')).toEqual([]);
    expect((await get('/api/v1/profiles?q=a')).status).toBe(400);
  });

  it('pages through the timeline, newest first, without losing or repeating an event', async () => {
    const first = await get('/api/v1/profiles?identifier=user:grace');
    const path = String(first.body['timeline']);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: { status: number; body: Record<string, unknown> } = await get(`${path}?limit=4${next ? `&before=${next}` : ''}`);
      expect(page.status).toBe(200);
      for (const e of page.body['events'] as { message: { messageId: string } }[]) seen.push(e.message.messageId);
      next = page.body['next'] as string | null;
    } while (next);
    expect(seen).toEqual(['u1', 's2', 's1', 'e1', 'o2', 'o1', 'i2', 'i1', 'p2', 'p1']);
    expect((await get(`${path}?before=yesterday`)).status).toBe(400);
  });

  it('explains a customer by identifier or by customer id', async () => {
    const byUser = await get('/api/v1/profiles/user:grace/explain');
    expect(byUser.status).toBe(200);
    expect(byUser.body['merges']).toHaveLength(4);
    const byId = await get(`/api/v1/profiles/${String(byUser.body['customerId'])}/explain`);
    expect(byId.body['customerId']).toBe(byUser.body['customerId']);
  });
});

describe('a server starting on a long log', () => {
  it("reads one known customer's profile once its graph is ready, and on a shorter log none", async () => {
    // The shared server started on an empty log, under the default 1M events: it read nothing.
    expect(await server.warmed).toBeUndefined();
    const [log] = await server.workspace.store.query<{ n: number }>(sql`SELECT CAST(max(seq) AS INTEGER) AS n FROM events`);
    const events = Number(log?.n);
    const settings = { ...warmReadSettings };
    await server.stop();
    try {
      Object.assign(warmReadSettings, { fromEvents: events + 1 });
      const short = await startTestServer({ dataDir: server.dataDir });
      const skipped = await short.warmed;
      await short.stop();
      expect(skipped).toBeUndefined();

      Object.assign(warmReadSettings, { fromEvents: events });
      server = await startTestServer({ dataDir: server.dataDir });
      const read = await server.warmed;
      expect(read?.ms).toBeGreaterThanOrEqual(0);
      const known = await server.workspace.store.query<{ key: string }>(sql`SELECT type || ':' || value AS key FROM customer_map`);
      expect(known.map((r) => r.key)).toContain(read?.identifier);
      expect((await get(`/api/v1/profiles/${encodeURIComponent(read!.identifier)}`)).status).toBe(200);
    } finally {
      Object.assign(warmReadSettings, settings);
    }
  });
});

describe('search after new identify calls', () => {
  it("finds a customer by the name a later identify gives, shown as the profile shows it", async () => {
    const ws = server.workspace;
    await ws.ingestor.accept([identify({ messageId: 'i4', userId: 'alan', traits: { name: 'Alan M. Turing' }, timestamp: at(14) })], { source: 'web', location: 'test' });
    await ws.ingestor.flush();
    await ws.identity.refresh();
    const search = (await get('/api/v1/profiles?q=alan%20m.')).body['profiles'] as { customer_id: string; name: string }[];
    expect(search.map((p) => p.name)).toEqual(['Alan M. Turing']);
    const profile = (await get('/api/v1/profiles?identifier=user:alan')).body as { customer_id: string; traits: { name: string } };
    expect(search[0]?.customer_id).toBe(profile.customer_id);
    expect(profile.traits.name).toBe('Alan M. Turing');
    // The name it no longer has finds nobody by name (the email still matches "alan").
    expect(((await get('/api/v1/profiles?q=n%20turing')).body['profiles'] as unknown[]).length).toBe(0);
  });
});

// Set by the retired-id test, read by the CLI's: the id a merge took from Linus's tablet.
let retiredId = '';

describe('a customer id that a merge retired', () => {
  it('still finds the customer it became, and says so', async () => {
    const ws = server.workspace;
    await ws.ingestor.accept([page({ messageId: 'l1', anonymousId: 'linus-tablet', timestamp: at(20) })], { source: 'web', location: 'test' });
    await ws.ingestor.accept([identify({ messageId: 'l2', anonymousId: 'linus-phone', userId: 'linus', traits: { name: 'Linus' }, timestamp: at(21) })], { source: 'web', location: 'test' });
    await ws.ingestor.flush();
    await ws.identity.refresh();
    const linus = (await get('/api/v1/profiles?identifier=user:linus')).body;
    const tablet = (await get('/api/v1/profiles?identifier=anon:linus-tablet')).body;
    expect(linus['customer_id']).not.toBe(tablet['customer_id']);
    retiredId = String(tablet['customer_id']);
    // Linus signs in on the tablet: the two customers merge under his user id's customer id, the tablet's is retired.
    await ws.ingestor.accept([identify({ messageId: 'l3', anonymousId: 'linus-tablet', userId: 'linus', traits: {}, timestamp: at(22) })], { source: 'web', location: 'test' });
    await ws.ingestor.flush();
    await ws.identity.refresh();
    const merged = await get(`/api/v1/profiles/${retiredId}`);
    expect(merged.status).toBe(200);
    expect(merged.body['customer_id']).toBe(linus['customer_id']);
    expect(merged.body['redirected_from']).toBe(retiredId);
    expect((merged.body['identifiers'] as { value: string }[]).map((i) => i.value).sort()).toEqual(['linus', 'linus-phone', 'linus-tablet']);
    // The current id answers without a redirect.
    expect((await get(`/api/v1/profiles/${String(linus['customer_id'])}`)).body).not.toHaveProperty('redirected_from');
    const timeline = await get(`/api/v1/profiles/${retiredId}/timeline`);
    expect(timeline.body['customer_id']).toBe(linus['customer_id']);
    expect((timeline.body['events'] as unknown[]).length).toBe(3);
    expect((await get(`/api/v1/profiles/${retiredId}/segments`)).body['customer_id']).toBe(linus['customer_id']);
    expect((await get(`/api/v1/profiles/${retiredId}/explain`)).status).toBe(200);
    // An id of the same shape that no identifier hashes to is still unknown.
    expect((await get('/api/v1/profiles/c_0000000000000')).status).toBe(404);
  });
});

describe('an email with a +tag in a query string', () => {
  it('finds the customer when the + came unencoded and the query string read it as a space', async () => {
    const ws = server.workspace;
    await ws.ingestor.accept([identify({ messageId: 'i-ada', userId: 'ada', traits: { email: 'ada+news@example.com', name: 'Ada Lovelace' }, timestamp: at(14) })], { source: 'web', location: 'test' });
    await ws.ingestor.flush();
    await ws.identity.refresh();
    // `+` in a query string means a space (curl and browsers send it as typed); an address holds no space.
    const raw = await get('/api/v1/profiles?identifier=email:ada+news@example.com');
    expect(raw.status, JSON.stringify(raw.body)).toBe(200);
    expect(raw.body['identifiers']).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'email', value: 'ada+news@example.com' })]));
    const encoded = await get(`/api/v1/profiles?identifier=${encodeURIComponent('email:ada+news@example.com')}`);
    expect(encoded.body).toEqual(raw.body);
  });
});

describe('the CLI and the API', () => {
  it('print the same profile JSON', async () => {
    const api = (await get('/api/v1/profiles?identifier=user:grace')).body;
    const search = (await get('/api/v1/profiles?q=hopper')).body;
    await server.stop();
    const profile = await runCli(['profile', 'email:grace@example.com', '--json'], { dataDir: server.dataDir });
    expect(profile.exitCode, profile.stderr).toBe(0);
    expect(JSON.parse(profile.stdout)).toEqual(api);
    const found = await runCli(['profiles', 'search', 'hopper', '--json'], { dataDir: server.dataDir });
    expect(JSON.parse(found.stdout)).toEqual(search);
    const unknown = await runCli(['profile', 'email:nobody@example.com', '--json'], { dataDir: server.dataDir });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stdout).toBe('');
  });

  it('profile with a retired customer id prints the customer it became', async () => {
    const shown = await runCli(['profile', retiredId], { dataDir: server.dataDir });
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stderr).toContain(`${retiredId} is now`);
    expect(shown.stdout).toContain('linus-tablet');
  });
});
