// What a shop moving from Segment or RudderStack sends that Segment's HTTP API takes, over a real socket: messages
// with lone UTF-16 surrogates, null objects, times at the edge of what the store holds, URLs built from a host
// that ends in a slash, keys read with a line break. Each is stored as Segment would (or refused with a reason),
// and none stops what comes after it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpEventReader, waitFor, waitForMessageIds, type StoredEvent, type StoredMessage } from './helpers/events.js';
import { batch, track, uniqueId, type Message } from './helpers/messages.js';
import { startTestServer, type TestServer } from './helpers/workspace.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.cleanup();
});

interface Answer {
  status: number;
  body: { success?: boolean; error?: { code: string; message: string; details?: { field?: string } }; errors?: { index: number }[] };
}

/** Posts a JSON body with the write key as the Basic user name (every server SDK's way), or the given headers. */
async function post(path: string, body: unknown, headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${s.writeKey}:`).toString('base64')}` }): Promise<Answer> {
  const response = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const stored = async (ids: string[]): Promise<Map<string, StoredMessage>> => {
  const events = await waitForMessageIds(httpEventReader(s.url, s.readKey), ids);
  return new Map(events.map((e: StoredEvent) => [e.message.messageId, e.message]));
};

async function quarantined(): Promise<{ reason: string; raw: string | null }[]> {
  const response = await fetch(`${s.url}/api/v1/quarantine?limit=10000`, { headers: { authorization: `Bearer ${s.readKey}` } });
  return ((await response.json()) as { rejected: { reason: string; raw: string | null }[] }).rejected;
}

describe('text with a lone UTF-16 surrogate (a string cut inside an emoji)', () => {
  it('stores the message with U+FFFD in the half pair’s place, as Segment does, instead of losing it after its 200', async () => {
    const inProperties = track({ properties: { title: 'Sale 😀 ends\ud83d' } });
    const inKeyAndEvent = track({ event: 'Viewed \ude00', properties: { ['k\ud800']: 1 } });
    const inIds = track({ userId: 'user-\udfff' });
    const inEmail: Message = { type: 'identify', messageId: uniqueId('identify'), userId: 'u-lone', traits: { email: 'Ada\ud800@Example.com' } };
    expect(await post('/v1/track', inProperties)).toMatchObject({ status: 200 });
    expect(await post('/v1/batch', batch([inKeyAndEvent, inIds, inEmail]))).toMatchObject({ status: 200, body: { success: true } });

    const byId = await stored([inProperties, inKeyAndEvent, inIds, inEmail].map((m) => m['messageId'] as string));
    expect(byId.get(inProperties['messageId'] as string)?.properties).toEqual({ title: 'Sale 😀 ends\ufffd' });
    expect(byId.get(inKeyAndEvent['messageId'] as string)).toMatchObject({ event: 'Viewed \ufffd', properties: { 'k\ufffd': 1 } });
    expect(byId.get(inIds['messageId'] as string)?.userId).toBe('user-\ufffd');
    expect(byId.get(inEmail['messageId'] as string)?.traits).toEqual({ email: 'ada\ufffd@example.com' });
  });

  it('keeps the quarantine row of a rejection whose reason quotes the message cut inside a pair', async () => {
    const order = track({ event: 'Order Completed', properties: { order_id: uniqueId('o'), total: '😀'.repeat(30) } });
    const answer = await post('/v1/track', order);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: { field: 'properties.total' } } } });
    const row = await waitFor(async () => (await quarantined()).find((r) => r.raw?.includes(order['messageId'] as string)), 'the rejection in quarantine');
    expect(row.reason).toMatch(/^properties\.total is not a number: "(😀)+\ufffd$/);
  });
});

describe('null properties, traits, context and integrations', () => {
  it('takes each as none, as Segment does, and a batch’s context and integrations then apply', async () => {
    const single = track({ properties: null, context: null, integrations: null });
    const identify: Message = { type: 'identify', messageId: uniqueId('identify'), userId: 'u-null', traits: null };
    const inBatch = track({ context: null, integrations: null });
    expect(await post('/v1/track', single)).toMatchObject({ status: 200, body: { success: true } });
    expect(await post('/v1/identify', identify)).toMatchObject({ status: 200, body: { success: true } });
    const answer = await post('/v1/batch', batch([inBatch], { context: { library: { name: 'analytics-go' } }, integrations: { All: true } }));
    expect(answer).toEqual({ status: 200, body: { success: true } });

    const byId = await stored([single, identify, inBatch].map((m) => m['messageId'] as string));
    const one = byId.get(single['messageId'] as string);
    expect(one).not.toHaveProperty('properties');
    expect(one).not.toHaveProperty('integrations');
    expect(one?.context).toEqual({ ip: '127.0.0.1' });
    expect(byId.get(identify['messageId'] as string)).not.toHaveProperty('traits');
    expect(byId.get(inBatch['messageId'] as string)).toMatchObject({ context: { library: { name: 'analytics-go' }, ip: '127.0.0.1' }, integrations: { All: true } });
  });
});

describe('a timestamp the store cannot hold', () => {
  it('refuses one past 9999 in UTC, or corrected there or before 0000 by sentAt, and goes on storing what follows', async () => {
    // Each would have been acknowledged and then failed every load of the log, this one's and all after it.
    const pastUtc = await post('/v1/track', track({ timestamp: '9999-12-31T23:00:00-05:00' }));
    expect(pastUtc).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: { field: 'timestamp' } } } });
    expect(pastUtc.body.error?.message).toContain('0000-9999');
    const skewedLate = await post('/v1/track', track({ timestamp: '9999-01-01T00:00:00Z', sentAt: '0001-01-01T00:00:00Z' }));
    expect(skewedLate).toMatchObject({ status: 400, body: { error: { details: { field: 'sentAt' } } } });
    const skewedEarly = track({ timestamp: '2024-01-01T00:00:00Z', sentAt: '9999-01-01T00:00:00Z' });
    const edge = track({ timestamp: '9999-12-31T23:59:59.999Z' });
    const after = track();
    const answer = await post('/v1/batch', batch([skewedEarly, edge, after]));
    expect(answer).toMatchObject({ status: 200, body: { accepted: 2, rejected: 1, errors: [{ index: 0 }] } });

    const byId = await stored([edge['messageId'] as string, after['messageId'] as string]);
    expect(byId.get(edge['messageId'] as string)?.timestamp).toBe('9999-12-31T23:59:59.999Z');
  });
});

describe('the URL and the key as an SDK builds them', () => {
  it('routes a tracking path with a trailing slash or doubled slashes (a host configured as https://host/)', async () => {
    const messages = [track(), track(), track()];
    expect(await post('//v1/batch', batch([messages[0] as Message]))).toMatchObject({ status: 200, body: { success: true } });
    expect(await post('/v1/track/', messages[1])).toMatchObject({ status: 200, body: { success: true } });
    // analytics.js's form: text/plain, the key in the body.
    const beacon = await fetch(`${s.url}//v1//t/`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ ...messages[2], writeKey: s.writeKey }) });
    expect(beacon.status).toBe(200);
    await stored(messages.map((m) => m['messageId'] as string));
  });

  it('still asks for the read token on a read path with doubled or trailing slashes', async () => {
    for (const path of ['//api/v1/events', '/api//v1/events', '/api/v1/events/']) {
      const response = await fetch(`${s.url}${path}`);
      expect(response.status, path).toBe(401);
      expect(await response.json(), path).toMatchObject({ error: { code: 'unauthorized' } });
    }
    const response = await fetch(`${s.url}/api/v1/events/?limit=1`, { headers: { authorization: `Bearer ${s.readKey}` } });
    expect(response.status).toBe(200);
  });

  it('takes a write key with white space around it (read from a file or a variable with its line break)', async () => {
    const messages = [track(), track()];
    const basic = await post('/v1/track', messages[0], { authorization: `Basic ${Buffer.from(`${s.writeKey}\n:`).toString('base64')}` });
    expect(basic).toMatchObject({ status: 200, body: { success: true } });
    const inBody = await post('/v1/batch', { ...batch([messages[1] as Message]), writeKey: ` ${s.writeKey}\n` }, {});
    expect(inBody).toMatchObject({ status: 200, body: { success: true } });
    await stored(messages.map((m) => m['messageId'] as string));
    // Blank is still no key.
    expect(await post('/v1/track', track(), { authorization: `Basic ${Buffer.from(' \n:').toString('base64')}` })).toMatchObject({ status: 401 });
  });
});

describe('a single call whose body names another type', () => {
  it('is the call its endpoint names, as RudderStack’s gateway makes it', async () => {
    const asIdentify = track({ type: 'identify' });
    const unknownType = track({ type: 'Track' });
    expect(await post('/v1/track', asIdentify)).toMatchObject({ status: 200, body: { success: true } });
    expect(await post('/v1/t', unknownType)).toMatchObject({ status: 200, body: { success: true } });
    // A page body sent to /v1/track is a track without its event.
    const pageBody: Message = { type: 'page', messageId: uniqueId('page'), userId: 'u-page', name: 'Home' };
    expect(await post('/v1/track', pageBody)).toMatchObject({ status: 400, body: { error: { details: { field: 'event' } } } });

    const byId = await stored([asIdentify['messageId'] as string, unknownType['messageId'] as string]);
    expect(byId.get(asIdentify['messageId'] as string)).toMatchObject({ type: 'track', event: 'Product Viewed' });
    expect(byId.get(unknownType['messageId'] as string)?.type).toBe('track');
  });
});
