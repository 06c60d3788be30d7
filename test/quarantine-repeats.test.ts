// The quarantine keeps a rejected message once, as it was sent: a request sent again (an SDK's retry, with a new
// sentAt), a file imported again, and an order retried while its rate is still missing add no second row.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRates, retryNoRate } from '../src/ingest/index.js';
import { sql } from '../src/store/index.js';
import { openImportWorkspace, type ImportWorkspace } from './helpers/imports.js';
import { batch, track, type Message } from './helpers/messages.js';
import { basicAuth, createTestApp, removeDir, type TestApp } from './helpers/workspace.js';

interface Row {
  seq: number;
  code: string;
  raw: string;
}

describe('the quarantine and a request sent again', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
    await removeDir(t.dataDir);
  });

  const send = async (body: Message) => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: basicAuth(t.writeKey) } });
    expect(response.statusCode, response.body).toBe(200);
    await t.workspace.ingestor.flush();
  };
  const quarantine = () => t.workspace.store.query<Row>(sql`SELECT seq, code, raw FROM quarantine ORDER BY seq`);

  it('stores each rejected message of a batch sent again once, kept as it was sent', async () => {
    // An order without order_id is rejected after the server stamped it; one with an SDK's id, one without any.
    const withId = track({ event: 'Order Completed', properties: { total: 10 } });
    const withoutId: Message = { type: 'track', userId: 'u2', event: 'Order Completed', timestamp: '2024-06-01T10:00:00Z', properties: { total: 5 } };
    const good = () => track();
    await send(batch([good(), withId, withoutId], { sentAt: '2024-06-01T10:00:01Z' }));
    const first = await quarantine();
    expect(first.map((r) => r.code)).toEqual(['validation_failed', 'validation_failed']);
    expect(JSON.parse(first[1]?.raw ?? 'null')).toEqual({ ...withoutId, sentAt: '2024-06-01T10:00:01Z' });

    // analytics-node sends a failed batch again with a new sentAt, and may batch the message with others.
    await send(batch([withId, good(), withoutId], { sentAt: '2024-06-01T10:00:01Z' }));
    await send(batch([good(), withId], { sentAt: '2024-06-01T10:00:09Z' }));
    expect(await quarantine()).toEqual(first);
  });

  it('keeps an order waiting for a rate once, and stores it once when retries bring the rate', async () => {
    const order = track({ event: 'Order Completed', timestamp: '2024-06-01T10:00:00Z', properties: { order_id: 'o-chf', total: 10, currency: 'CHF' } });
    await send(batch([order]));
    await send(batch([order]));
    const ws = t.workspace;
    const waiting = await quarantine();
    expect(waiting.map((r) => r.code)).toEqual(['no_rate']);
    // Still no rate: the order comes back to the quarantine once, not twice, and not zero times.
    expect(await retryNoRate(ws.store, ws.ingestor)).toEqual({ retried: 1, stillQuarantined: 1 });
    expect(await retryNoRate(ws.store, ws.ingestor)).toEqual({ retried: 1, stillQuarantined: 1 });

    const rates = join(t.dataDir, 'rates.csv');
    writeFileSync(rates, 'date,currency,rate_to_base\n2024-06-01,CHF,1.1\n');
    await importRates(ws.store, rates, ws.config.workspace);
    await retryNoRate(ws.store, ws.ingestor);
    await retryNoRate(ws.store, ws.ingestor);
    const stored = await ws.store.query<{ message_id: string }>(sql`SELECT message_id FROM events WHERE order_id = 'o-chf'`);
    expect(stored).toEqual([{ message_id: order['messageId'] }]);
    expect(await quarantine()).toEqual([]);
  });
});

describe('an NDJSON file imported again', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  it('adds no rejection to the quarantine, even for lines without messageId rejected after stamping, and keeps each as read', async () => {
    const messages: Message[] = [
      { type: 'track', userId: 'u1', event: 'Order Completed', timestamp: '2024-06-01T10:00:00Z', properties: { total: 10 } },
      { type: 'track', userId: 'u1', event: 'Order Completed', timestamp: '2024-06-01T10:00:00Z', properties: { order_id: 'o1', total: 10, currency: 'CHF' } },
      { type: 'track', userId: 'u1', event: 'Signed Up', timestamp: '2023-02-29T10:00:00Z' },
      { type: 'track', userId: 'u1', event: 'Signed Up', timestamp: '2024-06-01T10:00:00Z' },
    ];
    const path = join(w.dir, 'events.ndjson');
    writeFileSync(path, messages.map((m) => JSON.stringify(m)).join('\n') + '\n{"type":\n');
    const first = await w.importSegment(path);
    expect(first).toMatchObject({ rowsRead: 5, written: 1, quarantined: { validation_failed: 2, no_rate: 1, invalid_json: 1 } });
    const quarantine = await w.quarantine();
    expect(quarantine).toHaveLength(4);
    expect(JSON.parse(quarantine.find((r) => r.location === 'events.ndjson:1')?.raw ?? 'null')).toEqual(messages[0]);

    expect(await w.importSegment(path)).toMatchObject({ ...first, written: 0, duplicates: 1 });
    expect(await w.quarantine()).toEqual(quarantine);
  });

  const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ type: 'track', anonymousId: `a${i % 7}`, event: 'Product Viewed', timestamp: `2024-06-01T10:00:${String(i).padStart(2, '0')}Z` }));
  const count = async () => (await w.events()).length;

  it('adds no event for lines without messageId', async () => {
    const path = join(w.dir, 'no-ids.ndjson');
    writeFileSync(path, lines.join('\n') + '\n');
    expect(await w.importSegment(path)).toMatchObject({ written: 50 });
    expect(await count()).toBe(50);
    expect(await w.importSegment(path)).toMatchObject({ written: 0, duplicates: 50 });
    expect(await count()).toBe(50);
  });

  it('adds only the rest of the lines without messageId when the import was stopped halfway and run again', async () => {
    // What a process killed mid-import had written: the file's first lines.
    const half = join(w.dir, 'half', 'no-ids.ndjson');
    const whole = join(w.dir, 'no-ids.ndjson');
    mkdirSync(join(w.dir, 'half'));
    writeFileSync(half, lines.slice(0, 23).join('\n') + '\n');
    writeFileSync(whole, lines.join('\n') + '\n');
    await w.importSegment(half);
    expect(await w.importSegment(whole)).toMatchObject({ written: 27, duplicates: 23 });
    expect(await count()).toBe(50);
  });

  it('stores a line without messageId repeated in one file once: its content is all that tells it apart', async () => {
    const path = join(w.dir, 'twice.ndjson');
    writeFileSync(path, `${lines[0]}\n${lines[0]}\n${lines[1]}\n`);
    expect(await w.importSegment(path)).toMatchObject({ rowsRead: 3, written: 2, duplicates: 1 });
  });
});
