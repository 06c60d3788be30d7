// Migration 6 rebuilds the event log of an existing data directory without its primary-key index:
// the events already stored stay, and a message replayed with a stored messageId is still kept once.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../src/store/duckdb/duckdb-store.js';
import { migrate, sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('tessera-migration-');
  // A data directory as the release before migration 6 left it.
  const old = await DuckDbStore.open({ dataDir: join(dir, 'data'), memoryLimit: '256MB', threads: 1 });
  await migrate(old, 5);
  for (const [seq, id] of [
    [1, 'old-1'],
    [2, 'old-2'],
  ] as const) {
    await old.run(sql`INSERT INTO events (seq, message_id, type, event, anonymous_id, ts, received_at, source, message)
      VALUES (${seq}, ${id}, 'track', 'Product Viewed', 'a-1', ${new Date('2026-01-01T00:00:00Z')}, ${new Date('2026-01-01T00:00:01Z')}, 'http',
        ${JSON.stringify({ type: 'track', event: 'Product Viewed', messageId: id, anonymousId: 'a-1' })})`);
  }
  await expect(old.run(sql`INSERT INTO events (seq, message_id, type, ts, received_at, source, message) VALUES (3, 'old-1', 'track', now(), now(), 'http', '{}')`)).rejects.toThrow(/primary key|Duplicate/i);
  await old.close();
});

afterAll(async () => {
  await removeDir(dir);
});

describe('migration 6: the event log without its primary-key index', () => {
  it('keeps the stored events, keys them by the hash of message_id, and still stores a replayed messageId once', async () => {
    const ws = await openTestWorkspace(join(dir, 'data'));
    try {
      const rows = await ws.store.query<{ seq: number; message_id: string; same: boolean }>(
        sql`SELECT seq, message_id, message_key = md5_number(message_id) AS same FROM events ORDER BY seq`,
      );
      expect(rows).toEqual([
        { seq: 1, message_id: 'old-1', same: true },
        { seq: 2, message_id: 'old-2', same: true },
      ]);
      const batch = [
        { type: 'track', event: 'Product Viewed', messageId: 'old-1', anonymousId: 'a-1' },
        { type: 'track', event: 'Order Completed', messageId: 'new-1', anonymousId: 'a-1', properties: { order_id: 'o-1', total: 10, currency: 'USD' } },
        { type: 'track', event: 'Order Completed', messageId: 'new-1', anonymousId: 'a-1', properties: { order_id: 'o-1', total: 10, currency: 'USD' } },
      ];
      const accepted = await ws.ingestor.accept(batch, { source: 'http', location: 'test' });
      expect(accepted.accepted).toBe(3);
      await ws.ingestor.flush();
      const ids = await ws.store.query<{ message_id: string; n: number }>(sql`SELECT message_id, count(*) AS n FROM events GROUP BY message_id ORDER BY message_id`);
      expect(ids).toEqual([
        { message_id: 'new-1', n: 1 },
        { message_id: 'old-1', n: 1 },
        { message_id: 'old-2', n: 1 },
      ]);
    } finally {
      await ws.close();
    }
  });
});
