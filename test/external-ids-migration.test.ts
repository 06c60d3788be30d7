// Migration 9 gives the event log an `external_ids` column: events stored before it get theirs from their
// message (or, for a log line written before the column, from the line's message), and identity resolution,
// which now reads only the column, still links a customer's shop id.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../src/store/duckdb/duckdb-store.js';
import { migrate, sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;

/** The column as read: its JSON parsed, or null. */
const parsed = (rows: { message_id: string; external_ids: string | null }[]) => rows.map((r) => [r.message_id, r.external_ids === null ? null : JSON.parse(r.external_ids)]);

const shopIds = [{ id: 'C-77', type: 'shop', collection: 'users', encoding: 'none' }];

beforeAll(async () => {
  dir = await makeTempDir('tessera-migration-');
  // A data directory as the release before migration 9 left it: a guest order known by its shop id and
  // email, then a visit by a device whose only tie to it is the shop id.
  const old = await DuckDbStore.open({ dataDir: join(dir, 'data'), memoryLimit: '256MB', threads: 1 });
  await migrate(old, 8);
  const rows = [
    { seq: 1, id: 'old-1', anon: null, email: 'ann@example.com', message: { type: 'track', event: 'Order Completed', messageId: 'old-1', userId: null, context: { externalIds: shopIds } } },
    { seq: 2, id: 'old-2', anon: 'device-9', email: null, message: { type: 'identify', messageId: 'old-2', anonymousId: 'device-9', context: { externalIds: shopIds } } },
    { seq: 3, id: 'old-3', anon: 'device-3', email: null, message: { type: 'page', messageId: 'old-3', anonymousId: 'device-3', properties: { note: 'no "externalIds" in context' } } },
  ];
  for (const r of rows) {
    await old.run(sql`INSERT INTO events (seq, message_id, type, anonymous_id, email, ts, received_at, source, message, message_key)
      VALUES (${r.seq}, ${r.id}, ${r.message.type}, ${r.anon}, ${r.email}, ${new Date(Date.UTC(2026, 0, 1, 0, r.seq))}, ${new Date(Date.UTC(2026, 0, 1, 0, r.seq))}, 'import',
        ${JSON.stringify(r.message)}, md5_number(${r.id}))`);
  }
  await old.close();
  // A log segment the old release acknowledged but had not loaded when it stopped: its lines carry
  // neither `ch` nor `x`, so the loader reads both from the message.
  const message = { type: 'identify', messageId: 'logged-1', anonymousId: 'device-4', timestamp: '2026-01-01T00:10:00.000Z', receivedAt: '2026-01-01T00:10:00.000Z', context: { externalIds: shopIds } };
  mkdirSync(join(dir, 'data', 'log'), { recursive: true });
  writeFileSync(
    join(dir, 'data', 'log', 'seg-001767226200000-000000001-0a0b0c.ndjson'),
    `{"s":"http","id":"logged-1","t":"identify","e":null,"u":null,"a":"device-4","ts":"${message.timestamp}","r":"${message.receivedAt}","m":${JSON.stringify(message)}}\n`,
  );
});

afterAll(async () => {
  await removeDir(dir);
});

describe('migration 9: external ids in a column of their own', () => {
  it('fills the column from each stored message, and resolution links through it', async () => {
    const ws = await openTestWorkspace(join(dir, 'data'));
    try {
      const stored = await ws.store.query<{ message_id: string; external_ids: string | null }>(sql`SELECT message_id, external_ids FROM events ORDER BY seq`);
      expect(parsed(stored)).toEqual([
        ['old-1', shopIds],
        ['old-2', shopIds],
        ['old-3', null],
        ['logged-1', shopIds],
      ]);
      await ws.identity.rebuild();
      const map = await ws.store.query<{ type: string; value: string; customer_id: string }>(sql`SELECT type, value, customer_id FROM customer_map ORDER BY type, value`);
      const customerOf = (type: string, value: string) => map.find((m) => m.type === type && m.value === value)?.customer_id;
      expect(customerOf('shop', 'C-77')).toBeDefined();
      expect(customerOf('email', 'ann@example.com')).toBe(customerOf('shop', 'C-77'));
      expect(customerOf('anon', 'device-9')).toBe(customerOf('shop', 'C-77'));
      expect(customerOf('anon', 'device-4')).toBe(customerOf('shop', 'C-77'));
      expect(customerOf('anon', 'device-3')).toBeDefined();
      expect(customerOf('anon', 'device-3')).not.toBe(customerOf('shop', 'C-77'));
    } finally {
      await ws.close();
    }
  });

  it('writes the column for events that arrive after it', async () => {
    const ws = await openTestWorkspace(join(dir, 'data'));
    try {
      await ws.ingestor.accept(
        [
          { type: 'identify', messageId: 'new-1', userId: 'u-5', context: { externalIds: [{ id: 'C-5', type: 'shop', collection: 'users', encoding: 'none' }] } },
          { type: 'track', event: 'Product Viewed', messageId: 'new-2', anonymousId: 'device-5' },
        ],
        { source: 'http', location: 'test' },
      );
      await ws.ingestor.flush();
      const rows = await ws.store.query<{ message_id: string; external_ids: string | null }>(sql`SELECT message_id, external_ids FROM events WHERE seq > 4 ORDER BY seq`);
      expect(parsed(rows)).toEqual([
        ['new-1', [{ id: 'C-5', type: 'shop', collection: 'users', encoding: 'none' }]],
        ['new-2', null],
      ]);
    } finally {
      await ws.close();
    }
  });
});
