// The Segment HTTP Tracking API and the read API, driven in-process with `app.inject` (product.md, "HTTP"),
// plus a raw HTTP client over a real socket for the edge cases a socket changes (early 413, gzip).

import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countByMessageId, httpEventReader, injectEventReader, waitFor, waitForMessageIds, type StoredEvent } from './helpers/events.js';
import { batch, identify, page, track, trackOfSize, uniqueId, type Message } from './helpers/messages.js';
import { storedKeyFilterBuild, storedKeyFilterBytes, storedKeyFilterHooks, storedKeyFilterSettings } from '../src/ingest/index.js';
import { basicAuth, createTestApp, removeDir, startTestServer, testConfig, type TestApp, type TestServer } from './helpers/workspace.js';

interface PostOptions {
  /** Basic auth with this write key; `null` sends no Authorization header. */
  writeKey?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
  /** The peer's address as the socket would give it (inject's default: 127.0.0.1). */
  remoteAddress?: string;
}

/** POSTs a body (an object is sent as JSON; a string or Buffer as is). */
function post(app: FastifyInstance, path: string, body: unknown, options: PostOptions & { defaultKey: string }) {
  const key = options.writeKey === undefined ? options.defaultKey : options.writeKey;
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return app.inject({
    method: 'POST',
    url: path,
    payload,
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(key === null ? {} : { authorization: basicAuth(key) }),
      ...options.headers,
    },
  });
}

/** Asserts the one error shape of the product: `{ error: { code, message, details? } }`, no stack trace. */
function expectErrorBody(body: unknown, code: string, message: RegExp): void {
  expect(body).toMatchObject({ error: { code, message: expect.stringMatching(message) } });
  const error = (body as { error: Record<string, unknown> }).error;
  expect(Object.keys(body as object)).toEqual(['error']);
  expect(Object.keys(error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
}

/** POSTs a body to a real server's tracking route with its write key (extra headers win). */
function postToServer(s: TestServer, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${s.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: basicAuth(s.writeKey), ...headers } });
}

const stored = (events: readonly StoredEvent[], messageId: string): StoredEvent | undefined => events.find((e) => e.message.messageId === messageId);

describe('the tracking API, in-process', () => {
  let t: TestApp;
  const send = (path: string, body: unknown, options: PostOptions = {}) => post(t.app, path, body, { ...options, defaultKey: t.writeKey });
  const read = () => injectEventReader(t.app, t.readKey);

  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
    await removeDir(t.dataDir);
  });

  interface BadInput {
    name: string;
    path: string;
    body: () => unknown;
    options?: PostOptions;
    status: number;
    code: string;
    message: RegExp;
  }

  const noAuth = { writeKey: null };
  const badInputs: BadInput[] = [
    { name: 'malformed JSON', path: '/v1/track', body: () => '{"type":"track","event":', status: 400, code: 'invalid_json', message: /JSON/ },
    {
      name: 'a wrong content type',
      path: '/v1/track',
      body: () => '<track event="x"/>',
      options: { contentType: 'application/xml' },
      status: 415,
      code: 'unsupported_media_type',
      message: /content.type/i,
    },
    { name: 'a missing write key', path: '/v1/track', body: () => track(), options: noAuth, status: 401, code: 'unauthorized', message: /write key/ },
    { name: 'an unknown write key', path: '/v1/track', body: () => track(), options: { writeKey: 'tsk_w_not-a-key' }, status: 401, code: 'unauthorized', message: /unknown write key/ },
    {
      name: 'a single message over 32 KB',
      path: '/v1/track',
      body: () => trackOfSize(40 * 1024),
      status: 413,
      code: 'body_too_large',
      message: /32\s?KB|32,?768/i,
    },
    {
      name: 'a batch body over 500 KB',
      path: '/v1/batch',
      body: () => batch(Array.from({ length: 20 }, () => trackOfSize(30 * 1024))),
      status: 413,
      code: 'body_too_large',
      message: /500\s?KB|512,?000/i,
    },
    {
      name: 'a batch of 2,501 messages',
      path: '/v1/batch',
      body: () => batch(Array.from({ length: 2501 }, (_, i) => ({ type: 'track', event: 'e', userId: `u${i}` }))),
      status: 400,
      code: 'batch_too_many_messages',
      message: /2,?500/,
    },
    {
      name: 'a message without userId or anonymousId',
      path: '/v1/track',
      body: () => track({ userId: undefined }),
      status: 400,
      code: 'validation_failed',
      message: /userId.*anonymousId/,
    },
    { name: 'a track without event', path: '/v1/track', body: () => track({ event: undefined }), status: 400, code: 'validation_failed', message: /\bevent\b/ },
    { name: 'properties that are not an object', path: '/v1/track', body: () => track({ properties: 'x' }), status: 400, code: 'validation_failed', message: /properties/ },
    { name: 'a timestamp that is not a date', path: '/v1/track', body: () => track({ timestamp: 'yesterday-ish' }), status: 400, code: 'validation_failed', message: /timestamp/ },
    { name: 'a blank event name', path: '/v1/track', body: () => track({ event: '   ' }), status: 400, code: 'validation_failed', message: /\bevent\b/ },
    // The key comes before the body: without one, nothing in the body is judged (product.md: a missing key gets 401).
    { name: 'a body without batch and no write key', path: '/v1/batch', body: () => ({ nobatch: 1 }), options: noAuth, status: 401, code: 'unauthorized', message: /write key/ },
    { name: 'malformed JSON and no write key', path: '/v1/batch', body: () => '{"batch":', options: noAuth, status: 401, code: 'unauthorized', message: /write key/ },
    {
      name: 'a batch of 2,501 messages and no write key',
      path: '/v1/batch',
      body: () => batch(Array.from({ length: 2501 }, (_, i) => ({ type: 'track', event: 'e', userId: `u${i}` }))),
      options: noAuth,
      status: 401,
      code: 'unauthorized',
      message: /write key/,
    },
    { name: 'an invalid message and an unknown write key in the body', path: '/v1/track', body: () => ({ writeKey: 'tsk_w_not-a-key', type: 'track' }), options: noAuth, status: 401, code: 'unauthorized', message: /unknown write key/ },
    {
      name: 'a body in a content encoding the server cannot undo',
      path: '/v1/track',
      body: () => JSON.stringify(track()),
      options: { headers: { 'content-encoding': 'br' } },
      status: 415,
      code: 'unsupported_media_type',
      message: /encoding "br"/,
    },
    {
      name: 'a plain body labelled GZIP (codings match in any case)',
      path: '/v1/track',
      body: () => JSON.stringify(track()),
      options: { headers: { 'content-encoding': 'GZIP' } },
      status: 400,
      code: 'bad_request',
      message: /not GZIP-encoded/,
    },
    {
      name: 'a 10 MB body',
      path: '/v1/batch',
      body: () => batch([trackOfSize(10 * 1024 * 1024)]),
      status: 413,
      code: 'body_too_large',
      message: /500\s?KB|512,?000/i,
    },
  ];

  it.each(badInputs)('answers $name with $status $code naming the problem, and keeps serving', async ({ path, body, options, status, code, message }) => {
    const response = await send(path, body(), options);
    expect(response.statusCode).toBe(status);
    expectErrorBody(response.json(), code, message);

    const next = track();
    const ok = await send('/v1/track', next);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ success: true });
    await waitForMessageIds(read(), [next['messageId'] as string]);
  });

  it('stores none of the messages of a request it refuses', async () => {
    const refused = Array.from({ length: 2501 }, () => track());
    expect((await send('/v1/batch', batch(refused))).statusCode).toBe(400);
    const unauthenticated = track();
    expect((await send('/v1/track', unauthenticated, { writeKey: null })).statusCode).toBe(401);
    const marker = track();
    expect((await send('/v1/track', marker)).statusCode).toBe(200);
    const events = await waitForMessageIds(read(), [marker['messageId'] as string]);
    expect(events.map((e) => e.message.messageId)).toEqual([marker['messageId']]);
  });

  it('stores the valid messages of a batch, lists each invalid one with its index, and quarantines it with its raw body and reason', async () => {
    const good = [track(), identify(), page()];
    const missingEvent = track({ event: undefined });
    const noIds = identify({ userId: undefined });
    const badProperties = track({ properties: 'x' });
    const oversize = trackOfSize(40 * 1024);
    const messages = [good[0], missingEvent, noIds, good[1], badProperties, oversize, good[2]] as Message[];

    const response = await send('/v1/batch', batch(messages));
    expect(response.statusCode).toBe(200);
    const body = response.json<{ success: boolean; errors: { index: number; error: { code: string; message: string } }[] }>();
    expect(body).toMatchObject({ success: true });
    expect(body.errors.map((e) => e.index)).toEqual([1, 2, 4, 5]);
    const byIndex = new Map(body.errors.map((e) => [e.index, e.error]));
    expect(byIndex.get(1)).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/\bevent\b/) });
    expect(byIndex.get(2)).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/userId.*anonymousId/) });
    expect(byIndex.get(4)).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/properties/) });
    expect(byIndex.get(5)).toMatchObject({ code: 'message_too_large', message: expect.stringMatching(/32\s?KB|32,?768/i) });

    const events = await waitForMessageIds(
      read(),
      good.map((m) => m['messageId'] as string),
    );
    for (const bad of [missingEvent, noIds, badProperties, oversize]) expect(stored(events, bad['messageId'] as string)).toBeUndefined();

    const quarantine = await t.app.inject({ method: 'GET', url: '/api/v1/quarantine', headers: { authorization: `Bearer ${t.readKey}` } });
    expect(quarantine.statusCode).toBe(200);
    const rows = quarantine.json<{ rejected: { code: string; reason: string; location: string | null; raw: string | null }[] }>().rejected;
    const rowFor = (m: Message) => rows.find((r) => r.raw !== null && (JSON.parse(r.raw) as Message)['messageId'] === m['messageId']);
    const expectations: [Message, number, RegExp][] = [
      [missingEvent, 1, /\bevent\b/],
      [noIds, 2, /userId.*anonymousId/],
      [badProperties, 4, /properties/],
      [oversize, 5, /32\s?KB|32,?768/i],
    ];
    for (const [message, index, reason] of expectations) {
      const row = rowFor(message);
      expect(row, `quarantine row of batch[${index}]`).toBeDefined();
      expect(row?.reason).toMatch(reason);
      expect(row?.location).toContain(`[${index}]`);
      expect(JSON.parse(row?.raw ?? 'null')).toMatchObject(JSON.parse(JSON.stringify(message)) as Message);
    }
  });

  it('answers 400 listing every rejection when no message of a batch is valid', async () => {
    const response = await send('/v1/batch', batch([track({ event: undefined }), page({ anonymousId: undefined })]));
    expect(response.statusCode).toBe(400);
    expectErrorBody(response.json(), 'validation_failed', /index 0/);
  });

  it('judges the body of a request whose write key is in the body once the key is checked', async () => {
    const tooMany = batch(Array.from({ length: 2501 }, (_, i) => ({ type: 'track', event: 'e', userId: `u${i}` })), { writeKey: t.writeKey });
    const response = await send('/v1/batch', tooMany, { writeKey: null });
    expect(response.statusCode).toBe(400);
    expectErrorBody(response.json(), 'batch_too_many_messages', /2,?500/);
    const malformed = await send(`/beacon/v1/batch?writeKey=${t.writeKey}`, '{"batch":', { writeKey: null, contentType: 'text/plain' });
    expect(malformed.statusCode).toBe(400);
    expectErrorBody(malformed.json(), 'invalid_json', /JSON/);
    const anonymous = await send('/beacon/v1/batch', '{"batch":', { writeKey: null, contentType: 'text/plain' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('reads the Basic scheme in any case (RFC 9110)', async () => {
    const message = track();
    const response = await send('/v1/track', message, { writeKey: null, headers: { authorization: basicAuth(t.writeKey).replace('Basic', 'basic') } });
    expect(response.statusCode, response.body).toBe(200);
    await waitForMessageIds(read(), [message['messageId'] as string]);
  });

  it('measures a message as its sender sent it: what the server adds does not push one within the limit over it', async () => {
    const limit = 32 * 1024;
    /** A track of exactly `bytes` bytes of JSON, without the type, messageId and times the server adds. */
    const ofBytes = (bytes: number, overrides: Message = {}): Message => {
      const base = { userId: 'user-1', event: 'Big', context: { locale: 'en-US' }, properties: { padding: '' }, ...overrides };
      return { ...base, properties: { padding: 'x'.repeat(bytes - JSON.stringify(base).length) } };
    };
    const single = ofBytes(limit);
    expect(Buffer.byteLength(JSON.stringify(single))).toBe(limit);
    const response = await send('/v1/track', single);
    expect(response.statusCode, response.body).toBe(200);

    const inBatch = ofBytes(limit, { type: 'track', messageId: uniqueId('at-limit') });
    const over = ofBytes(limit + 1, { type: 'track', messageId: uniqueId('over-limit') });
    const batchResponse = await send('/v1/batch', batch([inBatch, over]));
    expect(batchResponse.statusCode).toBe(200);
    expect(batchResponse.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ index: 1, error: { code: 'message_too_large', message: expect.stringMatching(/32769 bytes.*32768/) } }] });
    const [event] = await waitForMessageIds(read(), [inBatch['messageId'] as string]);
    expect(event?.message).toMatchObject({ context: { locale: 'en-US', ip: '127.0.0.1' } }); // the client's own context, the address added
  });

  it('accepts writeKey in the body instead of Basic auth, and does not store the key', async () => {
    const single = track();
    const inBatch = track();
    expect((await send('/v1/track', { ...single, writeKey: t.writeKey }, { writeKey: null })).statusCode).toBe(200);
    expect((await send('/v1/batch', batch([inBatch], { writeKey: t.writeKey }), { writeKey: null })).statusCode).toBe(200);
    const events = await waitForMessageIds(read(), [single['messageId'] as string, inBatch['messageId'] as string]);
    expect(JSON.stringify(events)).not.toContain(t.writeKey);
  });

  it('keeps no write key sent in the body in quarantine when it rejects the message', async () => {
    const rejected = track({ event: undefined, writeKey: t.writeKey });
    expect((await send('/v1/track', rejected, { writeKey: null })).statusCode).toBe(400);
    const marker = track();
    expect((await send('/v1/track', marker)).statusCode).toBe(200);
    await waitForMessageIds(read(), [marker['messageId'] as string]);
    const quarantine = await t.app.inject({ method: 'GET', url: '/api/v1/quarantine', headers: { authorization: `Bearer ${t.readKey}` } });
    const rows = quarantine.json<{ rejected: { raw: string | null }[] }>().rejected;
    expect(rows.some((r) => r.raw?.includes(rejected['messageId'] as string))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(t.writeKey);
  });

  it("applies a batch's context and integrations to every message, a message's own keys winning", async () => {
    const own = track({ context: { library: { name: 'sdk' }, locale: 'de-DE' }, integrations: { Mixpanel: true } });
    const bare = track();
    const body = batch([own, bare], { context: { device: { type: 'phone' }, locale: 'en-US' }, integrations: { All: false } });
    expect((await send('/v1/batch', body)).statusCode).toBe(200);
    const events = await waitForMessageIds(read(), [own['messageId'] as string, bare['messageId'] as string]);
    expect(stored(events, own['messageId'] as string)?.message).toMatchObject({
      context: { library: { name: 'sdk' }, device: { type: 'phone' }, locale: 'de-DE' },
      integrations: { All: false, Mixpanel: true },
    });
    expect(stored(events, bare['messageId'] as string)?.message).toMatchObject({ context: { device: { type: 'phone' }, locale: 'en-US' }, integrations: { All: false } });
  });

  it('quarantines the raw message of a batch, without what the server added to its neighbours', async () => {
    const good = track();
    const bad = track({ type: 'nope' });
    expect((await send('/v1/batch', batch([good, bad], { context: { locale: 'en-US' } }))).statusCode).toBe(200);
    await waitForMessageIds(read(), [good['messageId'] as string]);
    const quarantine = await t.app.inject({ method: 'GET', url: '/api/v1/quarantine', headers: { authorization: `Bearer ${t.readKey}` } });
    const row = quarantine.json<{ rejected: { raw: string | null }[] }>().rejected.find((r) => r.raw?.includes(bad['messageId'] as string));
    expect(JSON.parse(row?.raw ?? 'null')).toMatchObject({ context: { locale: 'en-US' } });
    expect((JSON.parse(row?.raw ?? 'null') as { context: Record<string, unknown> }).context['ip']).toBeUndefined();
  });

  it('takes a null timestamp, originalTimestamp or sentAt as none', async () => {
    const message = track({ timestamp: null, originalTimestamp: '2024-03-05T10:20:30Z', sentAt: null });
    const response = await send('/v1/track', message);
    expect(response.statusCode, response.body).toBe(200);
    const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
    expect(event?.message.timestamp).toBe('2024-03-05T10:20:30.000Z');
  });

  it('names the batch limit when a batch body over it comes to /v1/b or /beacon/v1/batch', async () => {
    const big = batch(Array.from({ length: 40 }, () => trackOfSize(16 * 1024)));
    for (const path of ['/v1/b', `/beacon/v1/batch?writeKey=${t.writeKey}`]) {
      const response = await send(path, big);
      expect(response.statusCode).toBe(413);
      expectErrorBody(response.json(), 'body_too_large', /batch request/);
    }
  });

  it('refuses a read token in place of a write key', async () => {
    const response = await send('/v1/track', track(), { writeKey: t.readKey });
    expect(response.statusCode).toBe(401);
    expectErrorBody(response.json(), 'unauthorized', /write key/);
  });

  it('takes a JSON body sent as text/plain, as browser SDKs send it', async () => {
    const message = track();
    expect((await send('/v1/track', message, { contentType: 'text/plain' })).statusCode).toBe(200);
    await waitForMessageIds(read(), [message['messageId'] as string]);
  });

  it('accepts a gzip-compressed batch, as the RudderStack SDK sends it', async () => {
    const message = track();
    const response = await send('/v1/batch', gzipSync(JSON.stringify(batch([message]))), { headers: { 'content-encoding': 'gzip' } });
    expect(response.json()).toEqual({ success: true });
    expect(response.statusCode).toBe(200);
    await waitForMessageIds(read(), [message['messageId'] as string]);
  });

  it('reads the content coding in any case: a batch gzip-compressed and labelled GZIP', async () => {
    const message = track();
    const response = await send('/v1/batch', gzipSync(JSON.stringify(batch([message]))), { headers: { 'content-encoding': 'GZIP' } });
    expect(response.statusCode, response.body).toBe(200);
    await waitForMessageIds(read(), [message['messageId'] as string]);
  });

  it('accepts a gzip-compressed batch labelled application/x-www-form-urlencoded, exactly as the RudderStack SDK sends it', async () => {
    const message = track();
    const response = await send('/v1/batch', gzipSync(JSON.stringify(batch([message]))), {
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(response.json()).toEqual({ success: true });
    await waitForMessageIds(read(), [message['messageId'] as string]);
  });

  it('takes every call type on its own endpoint, the type implied by the path', async () => {
    const calls: [string, Message][] = [
      ['/v1/identify', { userId: 'u1', traits: { email: 'a@example.com' } }],
      ['/v1/track', { userId: 'u1', event: 'Order Completed', properties: { order_id: 'o1', total: 10 } }],
      ['/v1/page', { anonymousId: 'a1', name: 'Home' }],
      ['/v1/screen', { anonymousId: 'a1', name: 'Cart' }],
      ['/v1/group', { userId: 'u1', groupId: 'g1', traits: { name: 'Acme' } }],
      ['/v1/alias', { userId: 'u1', previousId: 'a1' }],
    ];
    const ids: string[] = [];
    for (const [path, body] of calls) {
      const messageId = uniqueId(path.slice(4));
      ids.push(messageId);
      const response = await send(path, { ...body, messageId });
      expect(response.statusCode, path).toBe(200);
    }
    const events = await waitForMessageIds(read(), ids);
    expect(ids.map((id) => stored(events, id)?.message.type)).toEqual(['identify', 'track', 'page', 'screen', 'group', 'alias']);
  });

  it("takes every call type on the one-letter path Segment's browser SDK posts to, and its batches on /v1/b", async () => {
    const calls: [string, Message][] = [
      ['/v1/i', { userId: 'u1', traits: { email: 'a@example.com' } }],
      ['/v1/t', { userId: 'u1', event: 'Product Viewed' }],
      ['/v1/p', { anonymousId: 'a1', name: 'Home' }],
      ['/v1/s', { anonymousId: 'a1', name: 'Cart' }],
      ['/v1/g', { userId: 'u1', groupId: 'g1' }],
      ['/v1/a', { userId: 'u1', previousId: 'a1' }],
    ];
    const ids: string[] = [];
    // As analytics.js sends them: text/plain (no CORS preflight), the write key in the body.
    for (const [path, body] of calls) {
      const messageId = uniqueId(path.slice(4));
      ids.push(messageId);
      const response = await send(path, { ...body, messageId, writeKey: t.writeKey }, { writeKey: null, contentType: 'text/plain' });
      expect(response.statusCode, path).toBe(200);
    }
    const inBatch = track();
    expect((await send('/v1/b', batch([inBatch], { writeKey: t.writeKey }), { writeKey: null, contentType: 'text/plain' })).statusCode).toBe(200);
    const events = await waitForMessageIds(read(), [...ids, inBatch['messageId'] as string]);
    expect(ids.map((id) => stored(events, id)?.message.type)).toEqual(['identify', 'track', 'page', 'screen', 'group', 'alias']);
    // The type comes from the path, so a track sent to /v1/t without `type` is a track; a rejection names the path.
    const bad = await send('/v1/t', { userId: 'u1' });
    expect(bad.statusCode).toBe(400);
    expectErrorBody(bad.json(), 'validation_failed', /event/);
  });

  describe('from a web page on another origin (CORS)', () => {
    const origin = 'https://shop.example.com';

    it('answers the preflight of a JSON request with a Basic header, as RudderStack\'s browser SDK makes it', async () => {
      const response = await t.app.inject({
        method: 'OPTIONS',
        url: '/v1/track',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,anonymousid' },
      });
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-methods']).toBe('POST');
      expect(String(response.headers['access-control-allow-headers'])).toBe('authorization,content-type,anonymousid');
      expect(response.headers['access-control-max-age']).toBe('86400');
    });

    it('takes the JSON with a charset that RudderStack\'s browser SDK sends after its preflight', async () => {
      const message = track({ userId: '', anonymousId: 'visitor-3' });
      const response = await send('/v1/track', message, { contentType: 'application/json;charset=UTF-8', headers: { origin, anonymousid: 'dmlzaXRvci0z' } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      await waitForMessageIds(read(), [message['messageId'] as string]);
    });

    it('takes RudderStack\'s beacons: a batch as text/plain to /beacon/v1/batch, the write key in the query string there only', async () => {
      const message = track({ userId: '', anonymousId: 'visitor-4' });
      const body = { batch: [message], sentAt: new Date().toISOString() };
      const beacon = await send(`/beacon/v1/batch?writeKey=${encodeURIComponent(t.writeKey)}`, body, { writeKey: null, contentType: 'text/plain', headers: { origin } });
      expect(beacon.statusCode).toBe(200);
      expect(beacon.headers['access-control-allow-origin']).toBe('*');
      await waitForMessageIds(read(), [message['messageId'] as string]);
      const keyless = await send('/beacon/v1/batch', body, { writeKey: null, contentType: 'text/plain' });
      expect(keyless.statusCode).toBe(401);
      // Elsewhere a key in the URL (where proxies log it) is not taken.
      const elsewhere = await send(`/v1/batch?writeKey=${encodeURIComponent(t.writeKey)}`, { batch: [track()] }, { writeKey: null });
      expect(elsewhere.statusCode).toBe(401);
    });

    it('gives analytics.js settings that send to this server, by the scheme the browser used', async () => {
      const settings = async (headers: Record<string, string>) =>
        t.app.inject({ method: 'GET', url: `/v1/projects/${t.writeKey}/settings`, headers: { origin, host: 'tessera.shop.example.com', ...headers } });
      const plain = await settings({});
      expect(plain.statusCode).toBe(200);
      expect(plain.headers['access-control-allow-origin']).toBe('*');
      expect(plain.json()).toMatchObject({ integrations: { 'Segment.io': { apiKey: t.writeKey, apiHost: 'tessera.shop.example.com/v1', protocol: 'http' } } });
      // Behind a proxy that ends TLS.
      const proxied = await settings({ 'x-forwarded-proto': 'https' });
      expect(proxied.json()).toMatchObject({ integrations: { 'Segment.io': { protocol: 'https' } } });
      expect((await t.app.inject({ method: 'GET', url: `/v1/projects/${t.readKey}/settings` })).statusCode).toBe(404);
    });

    it('lets the page read every answer, a refusal included', async () => {
      const ok = await send('/v1/t', { ...track(), writeKey: t.writeKey }, { writeKey: null, contentType: 'text/plain', headers: { origin } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe('*');
      // analytics.js waits a 429's Retry-After before it sends again, if the page may read it.
      expect(ok.headers['access-control-expose-headers']).toBe('Retry-After');
      const refused = await send('/v1/track', track(), { writeKey: 'wk_unknown', headers: { origin } });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe('*');
    });

    it('leaves the read API to its own origin', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/events?limit=1', headers: { origin, authorization: `Bearer ${t.readKey}` } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('takes a null or empty userId as no userId, as the browser SDKs send it for every anonymous visitor', async () => {
    const message = track({ userId: null, anonymousId: 'visitor-1' });
    expect((await send('/v1/t', message)).statusCode).toBe(200);
    const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
    expect(event?.message.anonymousId).toBe('visitor-1');
    expect(event?.message).not.toHaveProperty('userId');
    // RudderStack's browser SDK sends an empty string instead.
    const rudder = track({ userId: '', anonymousId: 'visitor-2' });
    expect((await send('/v1/track', rudder)).statusCode).toBe(200);
    const [fromRudder] = await waitForMessageIds(read(), [rudder['messageId'] as string]);
    expect(fromRudder?.message).not.toHaveProperty('userId');
    // null ids are no ids: a message with nothing else still needs one.
    const none = await send('/v1/track', track({ userId: null, anonymousId: null }));
    expect(none.statusCode).toBe(400);
    expectErrorBody(none.json(), 'validation_failed', /needs userId or anonymousId/);
    const alias = await send('/v1/alias', { userId: 'u1', previousId: null });
    expect(alias.statusCode).toBe(400);
    expectErrorBody(alias.json(), 'validation_failed', /needs previousId/);
  });

  it('stores numeric userId and anonymousId as strings, as Segment does', async () => {
    const message = track({ userId: 42, anonymousId: 7 });
    expect((await send('/v1/track', message)).statusCode).toBe(200);
    const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
    expect(event?.message).toMatchObject({ userId: '42', anonymousId: '7' });
  });

  it("records the sender's address as context.ip, keeps one the message names, and ignores X-Forwarded-For from an untrusted peer", async () => {
    const bare = track();
    const hidden = track({ context: { ip: '0.0.0.0', library: { name: 'analytics-node' } } });
    const withContext = track({ context: { locale: 'de-DE' } });
    const viaHeader = track();
    const dualStack = track();
    expect((await send('/v1/track', bare, { remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
    expect((await send('/v1/batch', batch([hidden, withContext]), { remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
    expect((await send('/v1/track', viaHeader, { remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': '198.51.100.7' } })).statusCode).toBe(200);
    expect((await send('/v1/track', dualStack, { remoteAddress: '::ffff:192.0.2.44' })).statusCode).toBe(200);
    const events = await waitForMessageIds(read(), [bare, hidden, withContext, viaHeader, dualStack].map((m) => m['messageId'] as string));
    const contextOf = (m: Message) => stored(events, m['messageId'] as string)?.message['context'];
    expect(contextOf(bare)).toEqual({ ip: '203.0.113.9' });
    expect(contextOf(hidden)).toEqual({ ip: '0.0.0.0', library: { name: 'analytics-node' } });
    expect(contextOf(withContext)).toEqual({ locale: 'de-DE', ip: '203.0.113.9' });
    expect(contextOf(viaHeader)).toEqual({ ip: '203.0.113.9' });
    expect(contextOf(dualStack)).toEqual({ ip: '192.0.2.44' });
  });

  it('answers a group without groupId and an alias without previousId with 400 naming the field', async () => {
    const group = await send('/v1/group', { userId: 'u1' });
    expect(group.statusCode).toBe(400);
    expectErrorBody(group.json(), 'validation_failed', /groupId/);
    const alias = await send('/v1/alias', { userId: 'u1' });
    expect(alias.statusCode).toBe(400);
    expectErrorBody(alias.json(), 'validation_failed', /previousId/);
  });

  describe('messageId', () => {
    it('stores a message replayed with the same messageId once', async () => {
      const message = track();
      expect((await send('/v1/track', message)).statusCode).toBe(200);
      expect((await send('/v1/track', message)).statusCode).toBe(200);
      expect((await send('/v1/batch', batch([message, message]))).statusCode).toBe(200);
      const marker = track();
      expect((await send('/v1/track', marker)).statusCode).toBe(200);
      const events = await waitForMessageIds(read(), [marker['messageId'] as string]);
      expect(countByMessageId(events).get(message['messageId'] as string)).toBe(1);
      expect(events).toHaveLength(2);
    });

    it('assigns a messageId to a message that has none, a different one each time', async () => {
      const userId = uniqueId('no-id');
      const { messageId: _drop, ...withoutId } = track({ userId });
      expect((await send('/v1/track', withoutId)).statusCode).toBe(200);
      expect((await send('/v1/track', withoutId)).statusCode).toBe(200);
      const events = await waitFor(async () => {
        const mine = (await read()()).filter((e) => e.message.userId === userId);
        return mine.length >= 2 ? mine : undefined;
      }, 'two messages of the user');
      const ids = events.map((e) => e.message.messageId);
      expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
      expect(new Set(ids).size).toBe(2);
    });
  });

  describe('timestamps', () => {
    const at = (iso: string) => Date.parse(iso);

    it('removes the device clock skew when sentAt is sent: timestamp = receivedAt − (sentAt − timestamp)', async () => {
      // A device whose clock runs an hour fast sends, now, an event it recorded three days ago.
      const deviceNow = Date.now() + 3_600_000;
      const sentTimestamp = new Date(deviceNow - 3 * 86_400_000).toISOString();
      const message = track({ timestamp: sentTimestamp, sentAt: new Date(deviceNow).toISOString() });
      expect((await send('/v1/track', message)).statusCode).toBe(200);
      const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
      const m = event?.message;
      expect(m?.originalTimestamp).toBe(sentTimestamp);
      expect(m?.timestamp).toBe(new Date(at(m?.receivedAt ?? '') - 3 * 86_400_000).toISOString());
    });

    it('applies the same correction to a message that carries originalTimestamp and sentAt (RudderStack style)', async () => {
      const deviceNow = Date.now() - 7_200_000;
      const original = new Date(deviceNow - 60_000).toISOString();
      const message = track({ originalTimestamp: original, sentAt: new Date(deviceNow).toISOString() });
      expect((await send('/v1/track', message)).statusCode).toBe(200);
      const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
      expect(event?.message.originalTimestamp).toBe(original);
      expect(event?.message.timestamp).toBe(new Date(at(event?.message.receivedAt ?? '') - 60_000).toISOString());
    });

    it('applies the batch-level sentAt of a batch (Segment SDK style) to its messages', async () => {
      const deviceNow = Date.now() + 3_600_000;
      const sentTimestamp = new Date(deviceNow - 5 * 60_000).toISOString();
      const message = track({ timestamp: sentTimestamp });
      expect((await send('/v1/batch', batch([message], { sentAt: new Date(deviceNow).toISOString() }))).statusCode).toBe(200);
      const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
      expect(event?.message.originalTimestamp).toBe(sentTimestamp);
      expect(event?.message.timestamp).toBe(new Date(at(event?.message.receivedAt ?? '') - 5 * 60_000).toISOString());
    });

    it('keeps the sent timestamp, in UTC, when there is no sentAt', async () => {
      const message = track({ timestamp: '2024-03-05T12:20:30+02:00' });
      expect((await send('/v1/track', message)).statusCode).toBe(200);
      const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
      expect(event?.message.timestamp).toBe('2024-03-05T10:20:30.000Z');
      expect(event?.message.originalTimestamp).toBe('2024-03-05T12:20:30+02:00');
    });

    it('uses receivedAt, the server clock, when neither timestamp nor sentAt is sent', async () => {
      const before = Date.now();
      const message = track();
      expect((await send('/v1/track', message)).statusCode).toBe(200);
      const [event] = await waitForMessageIds(read(), [message['messageId'] as string]);
      const m = event?.message;
      expect(m?.timestamp).toBe(m?.receivedAt);
      expect(at(m?.receivedAt ?? '')).toBeGreaterThanOrEqual(before - 1);
      expect(at(m?.receivedAt ?? '')).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('the read API', () => {
    const get = (authorization?: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/events', headers: authorization ? { authorization } : {} });

    it('answers 401 without a Bearer read token', async () => {
      const response = await get();
      expect(response.statusCode).toBe(401);
      expectErrorBody(response.json(), 'unauthorized', /read token/);
    });

    it('answers with the stored events for a read token', async () => {
      const message = identify();
      expect((await send('/v1/identify', message)).statusCode).toBe(200);
      await waitForMessageIds(read(), [message['messageId'] as string]);
      const response = await get(`Bearer ${t.readKey}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ events: [{ message: { messageId: message['messageId'], type: 'identify', traits: message['traits'] } }] });
    });

    it('reads the Bearer scheme in any case (RFC 9110)', async () => {
      expect((await get(`bearer ${t.readKey}`)).statusCode).toBe(200);
      expect((await get(`BEARER ${t.readKey}`)).statusCode).toBe(200);
    });

    it('answers 400 naming the message types for a type that is none of them', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/events?type=bogus', headers: { authorization: `Bearer ${t.readKey}` } });
      expect(response.statusCode).toBe(400);
      expectErrorBody(response.json(), 'invalid_argument', /type.*identify.*track.*page.*screen.*group.*alias/);
      const known = await t.app.inject({ method: 'GET', url: '/api/v1/events?type=track', headers: { authorization: `Bearer ${t.readKey}` } });
      expect(known.statusCode).toBe(200);
    });

    it('does not take a write key as a read token', async () => {
      expect((await get(`Bearer ${t.writeKey}`)).statusCode).toBe(401);
      expect((await get(basicAuth(t.readKey))).statusCode).toBe(401);
      expect((await get('Bearer tsk_r_unknown')).statusCode).toBe(401);
    });
  });
});

describe('messageId dedup across loads and restarts', () => {
  it('stores a message replayed after the workspace was closed and reopened once', async () => {
    const first = await createTestApp();
    const { dataDir, writeKey, readKey } = first;
    const message = track();
    try {
      expect((await post(first.app, '/v1/track', message, { defaultKey: writeKey })).statusCode).toBe(200);
      await waitForMessageIds(injectEventReader(first.app, readKey), [message['messageId'] as string]);
      await first.close();

      const second = await createTestApp({ dataDir, keys: { writeKey, readKey } });
      try {
        const marker = track();
        expect((await post(second.app, '/v1/track', message, { defaultKey: writeKey })).statusCode).toBe(200);
        expect((await post(second.app, '/v1/batch', batch([message, marker]), { defaultKey: writeKey })).statusCode).toBe(200);
        const events = await waitForMessageIds(injectEventReader(second.app, readKey), [marker['messageId'] as string]);
        expect(countByMessageId(events).get(message['messageId'] as string)).toBe(1);
        expect(events).toHaveLength(2);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      await removeDir(dataDir);
    }
  });

  it('finds replays after a restart through a filter of stored keys rebuilt from the log, slice by slice, as it grows', async () => {
    const sizes = { ...storedKeyFilterSettings };
    const first = await createTestApp();
    const { dataDir, writeKey, readKey } = first;
    const sent: Message[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const fresh = [track(), track()];
        expect((await post(first.app, '/v1/batch', batch(fresh), { defaultKey: writeKey })).statusCode).toBe(200);
        sent.push(...fresh);
        await waitForMessageIds(injectEventReader(first.app, readKey), sent.map((m) => m['messageId'] as string));
      }
      await first.close();

      // Builds read two seqs a query, and the filter has room for few keys beyond the log's, so it is outgrown and
      // rebuilt every few writes.
      Object.assign(storedKeyFilterSettings, { fromEvents: 0, minCapacity: 8, buildSlice: 2 });
      const second = await createTestApp({ dataDir, keys: { writeKey, readKey } });
      try {
        const reader = injectEventReader(second.app, readKey);
        const markers: Message[] = [];
        for (const old of [...sent, ...sent.slice(0, 2)]) {
          // Once the filter is built, a stored message sent again beside one new message: a key the build lost would
          // be stored twice, since nothing else in its write sends it to the log.
          await storedKeyFilterBuild(second.workspace.store);
          const marker = track();
          markers.push(marker);
          expect((await post(second.app, '/v1/batch', batch([old, marker]), { defaultKey: writeKey })).statusCode).toBe(200);
          await waitForMessageIds(reader, [marker['messageId'] as string]);
        }
        const counts = countByMessageId(await reader());
        expect([...sent, ...markers].map((m) => counts.get(m['messageId'] as string))).toEqual([...sent, ...markers].map(() => 1));
        expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(14);
      } finally {
        await second.close();
      }
    } finally {
      Object.assign(storedKeyFilterSettings, sizes);
      await first.close();
      await removeDir(dataDir);
    }
  });

  it('keeps the keys of writes made while its filter was being built', async () => {
    const settings = { ...storedKeyFilterSettings };
    Object.assign(storedKeyFilterSettings, { fromEvents: 0 });
    let reached!: () => void;
    let release!: () => void;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    storedKeyFilterHooks.beforeInstall = async () => {
      reached();
      await gate;
    };
    const t = await createTestApp();
    try {
      const reader = injectEventReader(t.app, t.readKey);
      const [first, during, marker] = [track(), track(), track()];
      // The first write starts the build, which reads the log and then waits; the next write lands before it is installed.
      expect((await post(t.app, '/v1/track', first, { defaultKey: t.writeKey })).statusCode).toBe(200);
      await waitForMessageIds(reader, [first['messageId'] as string]);
      await atGate;
      expect((await post(t.app, '/v1/track', during, { defaultKey: t.writeKey })).statusCode).toBe(200);
      await waitForMessageIds(reader, [during['messageId'] as string]);
      release();
      await storedKeyFilterBuild(t.workspace.store);
      // Sent again beside a new message: only the pending keys tell the filter that it is stored.
      expect((await post(t.app, '/v1/batch', batch([during, marker]), { defaultKey: t.writeKey })).statusCode).toBe(200);
      const counts = countByMessageId(await waitForMessageIds(reader, [marker['messageId'] as string]));
      expect([first, during, marker].map((m) => counts.get(m['messageId'] as string))).toEqual([1, 1, 1]);
    } finally {
      release();
      delete storedKeyFilterHooks.beforeInstall;
      Object.assign(storedKeyFilterSettings, settings);
      await t.close();
      await removeDir(t.dataDir);
    }
  });

  it('builds no filter for a write of more keys than a filter could clear, and asks the log instead', async () => {
    const settings = { ...storedKeyFilterSettings };
    Object.assign(storedKeyFilterSettings, { fromEvents: 0, largeWrite: 2 });
    const t = await createTestApp();
    try {
      const reader = injectEventReader(t.app, t.readKey);
      const sent = [track(), track(), track()];
      expect((await post(t.app, '/v1/batch', batch(sent), { defaultKey: t.writeKey })).statusCode).toBe(200);
      await waitForMessageIds(reader, sent.map((m) => m['messageId'] as string));
      expect([storedKeyFilterBuild(t.workspace.store), storedKeyFilterBytes(t.workspace.store)]).toEqual([undefined, undefined]);
      const again = [...sent, track()];
      expect((await post(t.app, '/v1/batch', batch(again), { defaultKey: t.writeKey })).statusCode).toBe(200);
      const counts = countByMessageId(await waitForMessageIds(reader, again.map((m) => m['messageId'] as string)));
      expect(again.map((m) => counts.get(m['messageId'] as string))).toEqual([1, 1, 1, 1]);
      // A small write starts one, and the keys of the large writes are in it once it is built from the log.
      const small = [sent[0]!, track()];
      expect((await post(t.app, '/v1/batch', batch(small), { defaultKey: t.writeKey })).statusCode).toBe(200);
      await waitForMessageIds(reader, [small[1]!['messageId'] as string]);
      await storedKeyFilterBuild(t.workspace.store);
      expect(storedKeyFilterBytes(t.workspace.store)).toBeGreaterThan(0);
      const last = [sent[1]!, track()];
      expect((await post(t.app, '/v1/batch', batch(last), { defaultKey: t.writeKey })).statusCode).toBe(200);
      const final = countByMessageId(await waitForMessageIds(reader, [last[1]!['messageId'] as string]));
      expect([...final.values()].every((n) => n === 1)).toBe(true);
      expect(final.size).toBe(6);
    } finally {
      Object.assign(storedKeyFilterSettings, settings);
      await t.close();
      await removeDir(t.dataDir);
    }
  });

  it('has a server starting on a long log build its filter of stored keys before any write, and a short log none', async () => {
    const settings = { ...storedKeyFilterSettings };
    const first = await startTestServer();
    const { dataDir } = first;
    const send = (s: TestServer, messages: Message[]) => postToServer(s, '/v1/batch', JSON.stringify(batch(messages)));
    try {
      const sent = [track(), track(), track()];
      expect((await send(first, sent)).status).toBe(200);
      await waitForMessageIds(httpEventReader(first.url, first.readKey), sent.map((m) => m['messageId'] as string));
      await first.stop();

      // Three stored events: below four, a start builds nothing, and its writes ask the log as before.
      Object.assign(storedKeyFilterSettings, { serverFromEvents: 4 });
      const short = await startTestServer({ dataDir });
      await new Promise((r) => setTimeout(r, 300));
      expect(storedKeyFilterBytes(short.workspace.store)).toBeUndefined();
      await short.stop();

      Object.assign(storedKeyFilterSettings, { serverFromEvents: 3 });
      const second = await startTestServer({ dataDir });
      try {
        await waitFor(async () => storedKeyFilterBytes(second.workspace.store), 'the filter built at the start');
        // The stored messages sent again beside a new one: the filter built from the log at the start knows them.
        const marker = track();
        expect((await send(second, [...sent, marker])).status).toBe(200);
        const counts = countByMessageId(await waitForMessageIds(httpEventReader(second.url, second.readKey), [marker['messageId'] as string]));
        expect([...sent, marker].map((m) => counts.get(m['messageId'] as string))).toEqual([1, 1, 1, 1]);
      } finally {
        await second.stop();
      }
    } finally {
      Object.assign(storedKeyFilterSettings, settings);
      await first.stop();
      await removeDir(dataDir);
    }
  });

  it('stores a message acknowledged just before close, then replayed after reopening, once', async () => {
    const first = await createTestApp();
    const { dataDir, writeKey, readKey } = first;
    const message = track();
    try {
      // No wait for the loader: close must carry the acknowledged message into the store.
      expect((await post(first.app, '/v1/track', message, { defaultKey: writeKey })).statusCode).toBe(200);
      await first.close();
      const second = await createTestApp({ dataDir, keys: { writeKey, readKey } });
      try {
        expect((await post(second.app, '/v1/track', message, { defaultKey: writeKey })).statusCode).toBe(200);
        const marker = track();
        expect((await post(second.app, '/v1/track', marker, { defaultKey: writeKey })).statusCode).toBe(200);
        const events = await waitForMessageIds(injectEventReader(second.app, readKey), [marker['messageId'] as string, message['messageId'] as string]);
        expect(countByMessageId(events).get(message['messageId'] as string)).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      await removeDir(dataDir);
    }
  });
});

describe('the tracking API over a real socket (raw HTTP client)', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => {
    await s.cleanup();
  });

  const postRaw = (path: string, body: string | Buffer, headers: Record<string, string> = {}) => postToServer(s, path, body, headers);

  it('answers a 10 MB body with 413 in the error shape, and the next request succeeds', async () => {
    const response = await postRaw('/v1/batch', JSON.stringify(batch([trackOfSize(10 * 1024 * 1024)])));
    expect(response.status).toBe(413);
    expectErrorBody(await response.json(), 'body_too_large', /500\s?KB|512,?000/i);
    const next = track();
    expect((await postRaw('/v1/track', JSON.stringify(next))).status).toBe(200);
    await waitForMessageIds(httpEventReader(s.url, s.readKey), [next['messageId'] as string]);
  });

  it('answers malformed JSON with 400 invalid_json, and the next request succeeds', async () => {
    const response = await postRaw('/v1/batch', '{"batch": [');
    expect(response.status).toBe(400);
    expectErrorBody(await response.json(), 'invalid_json', /JSON/);
    const next = track();
    expect((await postRaw('/v1/track', JSON.stringify(next))).status).toBe(200);
    await waitForMessageIds(httpEventReader(s.url, s.readKey), [next['messageId'] as string]);
  });

  it('accepts a gzip-compressed batch with its Content-Length', async () => {
    const messages = [track(), identify(), page()];
    const response = await postRaw('/v1/batch', gzipSync(JSON.stringify(batch(messages))), { 'content-encoding': 'gzip' });
    expect(await response.json()).toEqual({ success: true });
    await waitForMessageIds(
      httpEventReader(s.url, s.readKey),
      messages.map((m) => m['messageId'] as string),
    );
  });

  it('answers 200 with keep-alive to many concurrent batches and stores each message once', async () => {
    const batches = Array.from({ length: 20 }, () => Array.from({ length: 25 }, () => track()));
    const responses = await Promise.all(batches.map((b) => postRaw('/v1/batch', JSON.stringify(batch(b)))));
    expect(responses.map((r) => r.status)).toEqual(batches.map(() => 200));
    const ids = batches.flat().map((m) => m['messageId'] as string);
    const events = await waitForMessageIds(httpEventReader(s.url, s.readKey), ids);
    expect(events).toHaveLength(ids.length);
    expect([...countByMessageId(events).values()].every((n) => n === 1)).toBe(true);
  });
});

describe('the tracking API holding too many bodies at once (ingest.maxInFlightBytes)', () => {
  let s: TestServer;
  const sockets: Socket[] = [];
  beforeEach(async () => {
    // Room for one 600-byte message in progress, not two.
    s = await startTestServer({ ingest: { maxInFlightBytes: 1000 } });
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await s.cleanup();
  });

  const postTrack = (message: Message) => postToServer(s, '/v1/track', JSON.stringify(message));

  /** A request whose headers are sent and whose body stops after 10 bytes: the server holds it in progress. */
  async function holdRequest(message: Message): Promise<{ socket: Socket; finish: () => Promise<string> }> {
    const body = JSON.stringify(message);
    const url = new URL(s.url);
    const socket = connect(Number(url.port), url.hostname);
    sockets.push(socket);
    await once(socket, 'connect');
    const head = `POST /v1/track HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nAuthorization: ${basicAuth(s.writeKey)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    socket.write(head + body.slice(0, 10));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    return {
      socket,
      finish: async () => {
        socket.write(body.slice(10));
        return waitFor(async () => (answer.includes('\r\n\r\n') && answer.includes('}') ? answer : undefined), 'the held request\'s answer');
      },
    };
  }

  /** Sends messages until one is refused (the held request's headers may reach the server after the first tries). */
  async function untilRefused(accepted: string[]): Promise<Response> {
    return waitFor(async () => {
      const m = trackOfSize(600);
      const r = await postTrack(m);
      if (r.status === 503) return r;
      expect(r.status).toBe(200);
      accepted.push(m['messageId'] as string);
      return undefined;
    }, 'a 503');
  }

  it('answers 503 with Retry-After while the bodies held would pass the limit, and takes requests again once they are answered', async () => {
    const heldMessage = trackOfSize(600);
    const held = await holdRequest(heldMessage);
    const accepted: string[] = [];
    const refused = await untilRefused(accepted);
    expect(refused.headers.get('retry-after')).toBe('1');
    expectErrorBody(await refused.json(), 'overloaded', /maxInFlightBytes/);
    // The held request completes normally, and frees its room.
    expect(await held.finish()).toMatch(/^HTTP\/1\.1 200/);
    const after = trackOfSize(600);
    expect((await postTrack(after)).status).toBe(200);
    await waitForMessageIds(httpEventReader(s.url, s.readKey), [heldMessage['messageId'] as string, after['messageId'] as string, ...accepted]);
  });

  it('takes one body larger than the limit when no other is held', async () => {
    const large = trackOfSize(1500);
    expect((await postTrack(large)).status).toBe(200);
    await waitForMessageIds(httpEventReader(s.url, s.readKey), [large['messageId'] as string]);
  });

  it('answers a body over the route limit 413, not 503, while others are held', async () => {
    await holdRequest(trackOfSize(600));
    await untilRefused([]);
    const response = await postTrack(trackOfSize(40 * 1024));
    expect(response.status).toBe(413);
    expectErrorBody(await response.json(), 'body_too_large', /32 KB/);
  });

  it('frees the room of a request whose sender went away before its body ended', async () => {
    const held = await holdRequest(trackOfSize(600));
    await untilRefused([]);
    held.socket.destroy();
    const after = trackOfSize(600);
    await waitFor(async () => ((await postTrack(after)).status === 200 ? true : undefined), 'a request taken after the sender went away');
    await waitForMessageIds(httpEventReader(s.url, s.readKey), [after['messageId'] as string]);
  });
});

describe('the tracking API with preparation workers (ingest.workers)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ ingest: { workers: 2 } });
  });
  afterEach(async () => {
    await t.close();
    await removeDir(t.dataDir);
  });

  it('prepares a large batch in a worker thread: the same answer and stored events, and invalid JSON still gets invalid_json', async () => {
    // A single message is prepared on the main thread: no worker starts for it.
    expect((await post(t.app, '/v1/track', track(), { defaultKey: t.writeKey })).statusCode).toBe(200);
    expect(t.workspace.ingestor.preparingThreads).toBe(0);
    const good = Array.from({ length: 60 }, () => trackOfSize(600));
    const missingEvent = track({ event: undefined });
    const messages = [...good.slice(0, 30), missingEvent, ...good.slice(30)];
    const body = batch(messages, { context: { channel: 'server' } });
    expect(JSON.stringify(body).length).toBeGreaterThan(16 * 1024); // large enough to go to a worker
    const response = await post(t.app, '/v1/batch', body, { defaultKey: t.writeKey });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ success: true, accepted: 60, rejected: 1, errors: [{ index: 30, error: { code: 'validation_failed' } }] });
    expect(t.workspace.ingestor.preparingThreads).toBe(2);
    const events = await waitForMessageIds(
      injectEventReader(t.app, t.readKey),
      good.map((m) => m['messageId'] as string),
    );
    const first = stored(events, good[0]?.['messageId'] as string);
    expect(first?.message).toMatchObject({ context: { channel: 'server' } }); // the batch's context, copied on
    const malformed = await post(t.app, '/v1/batch', `{"batch":[${'{"type":"track"},'.repeat(2000)}`, { defaultKey: t.writeKey });
    expect(malformed.statusCode).toBe(400);
    expectErrorBody(malformed.json(), 'invalid_json', /JSON/);
  });
});

describe('the tracking API with ingest.corsOrigins', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ ingest: { corsOrigins: ['https://shop.example.com'] } });
  });
  afterEach(async () => {
    await t.close();
    await removeDir(t.dataDir);
  });

  it('lets only the listed origins read the answers', async () => {
    const from = (origin: string) => post(t.app, '/v1/track', track(), { defaultKey: t.writeKey, headers: { origin } });
    const listed = await from('https://shop.example.com');
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    const other = await from('https://elsewhere.example.org');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a setting that is not an origin, naming what one looks like', () => {
    expect(() => testConfig(t.dataDir, { corsOrigins: ['shop.example.com/'] })).toThrow(/an origin such as https:\/\/shop\.example\.com/);
  });
});

describe('the sender address behind a proxy (server.trustProxy) and without it (ingest.recordIp)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    if (!t) return;
    await t.close();
    await removeDir(t.dataDir);
    t = undefined;
  });
  const contextAfter = async (app: TestApp, remoteAddress: string, forwardedFor: string) => {
    const message = track();
    const response = await post(app.app, '/v1/track', message, { defaultKey: app.writeKey, remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });
    expect(response.statusCode).toBe(200);
    const events = await waitForMessageIds(injectEventReader(app.app, app.readKey), [message['messageId'] as string]);
    return stored(events, message['messageId'] as string)?.message['context'];
  };

  it('takes the client from X-Forwarded-For when the peer is a trusted proxy, and only then', async () => {
    t = await createTestApp({ sections: { server: { trustProxy: ['10.0.0.0/8'] } } });
    expect(await contextAfter(t, '10.1.2.3', '198.51.100.7, 10.9.9.9')).toEqual({ ip: '198.51.100.7' });
    expect(await contextAfter(t, '203.0.113.9', '198.51.100.7')).toEqual({ ip: '203.0.113.9' });
  });

  it('trusts a count of hops', async () => {
    t = await createTestApp({ sections: { server: { trustProxy: 1 } } });
    expect(await contextAfter(t, '10.1.2.3', '198.51.100.7, 192.0.2.1')).toEqual({ ip: '192.0.2.1' });
  });

  it('records no address with recordIp off', async () => {
    t = await createTestApp({ ingest: { recordIp: false } });
    expect(await contextAfter(t, '203.0.113.9', '198.51.100.7')).toBeUndefined();
  });

  it('takes addresses, ranges of both families and proxy-addr names', () => {
    expect(testConfig('/tmp/unused', {}, { server: { trustProxy: ['loopback', '2001:db8::/32', '192.0.2.1'] } }).server.trustProxy).toHaveLength(3);
  });
});
