// The server side of the dashboard over a real socket: the page and its cache headers, the OpenAPI document, the live feed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/workspace.js';
import { basicAuth } from './helpers/workspace.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.cleanup();
});

describe('the dashboard routes', () => {
  it('serves the dashboard page, never cached, at / and at any page path, and JSON 404s under the APIs', async () => {
    for (const path of ['/', '/kpi/revenue?grain=week', '/customers/c_1']) {
      const r = await fetch(`${server.url}${path}`);
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(await r.text()).toMatch(/Tessera/);
    }
    const api = await fetch(`${server.url}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${server.readKey}` } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('describes /api/v1 in an OpenAPI 3.1 document behind the read token', async () => {
    expect((await fetch(`${server.url}/api/v1/openapi.json`)).status).toBe(401);
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${server.readKey}` } })).json()) as { openapi: string; paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/events', '/api/v1/metrics/{name}', '/api/v1/live', '/api/v1/profiles/{id}']));
    expect(doc.paths['/api/v1/events']?.get?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['after', 'limit', 'event']));
  });

  it('refuses the live feed without a read token and streams a tracked event to a client holding one in the query', async () => {
    expect((await fetch(`${server.url}/api/v1/live`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/live?token=wrong`)).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/live?token=${server.readKey}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: hello')) text += (await reader.read()).value ?? '';
    const track = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basicAuth(server.writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u-live', event: 'Signed Up', messageId: 'live-test-1' }),
    });
    expect(track.status).toBe(200);
    while (!text.includes('live-test-1')) text += (await reader.read()).value ?? '';
    const frame = text.slice(text.lastIndexOf('event: events'));
    const data = JSON.parse(/data: (.*)\n/.exec(frame)![1]!) as { events: { seq: number; message: { messageId: string; event: string } }[] };
    expect(data.events.map((e) => e.message.messageId)).toContain('live-test-1');
    // The id lets a reconnecting EventSource resume after the last event it saw (Last-Event-ID).
    expect(text).toContain(`id: ${data.events.at(-1)!.seq}\nevent: events\n`);
    controller.abort();
  });
});
