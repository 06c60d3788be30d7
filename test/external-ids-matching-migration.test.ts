// Migration 13: events stored before ingestion standardized external ids of type email or phone hold them as
// sent. The graph matched them standardized all along (customer_map holds that form) while SQL joined them as
// sent, so the event went to nobody; the migration stores them in the graph's form, and so does the loader for
// a log line an older release wrote.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProfile, readTimeline } from '../src/identity/index.js';
import { DuckDbStore } from '../src/store/duckdb/duckdb-store.js';
import { migrate, sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const ids = (type: string, id: unknown) => [{ id, type, collection: 'users', encoding: 'none' }];

beforeAll(async () => {
  dir = await makeTempDir('tessera-migration-13-');
  const old = await DuckDbStore.open({ dataDir: join(dir, 'data'), memoryLimit: '256MB', threads: 1 });
  await migrate(old, 12);
  // Ann's identify, then two server-side calls that know her only by an external id, their anonymous id a placeholder.
  const rows = [
    { id: 'ann', type: 'identify', user: 'u-ann', anon: null, email: 'ann@x.com', phone: '+12125550100', x: null },
    { id: 'by-email', type: 'track', user: null, anon: 'anonymous', email: null, phone: null, x: ids('Email', ' Ann@X.COM ') },
    { id: 'by-phone', type: 'track', user: null, anon: 'anonymous', email: null, phone: null, x: ids('phone', 2125550100) },
    { id: 'by-shop', type: 'track', user: null, anon: 'anonymous', email: null, phone: null, x: ids('shop', ' Keep As Sent ') },
  ];
  for (const [i, r] of rows.entries()) {
    const message = { type: r.type, messageId: r.id, userId: r.user, anonymousId: r.anon, ...(r.x ? { context: { externalIds: r.x } } : {}) };
    await old.run(sql`INSERT INTO events (seq, message_id, type, user_id, anonymous_id, email, phone, ts, received_at, source, message, message_key, external_ids)
      VALUES (${i + 1}, ${r.id}, ${r.type}, ${r.user}, ${r.anon}, ${r.email}, ${r.phone}, ${at(i)}, ${at(i)}, 'http', ${JSON.stringify(message)}, md5_number(${r.id}),
        ${r.x === null ? null : JSON.stringify(r.x)})`);
  }
  await old.close();
  // A line the old release logged but had not loaded: its `x` holds the address as sent.
  const logged = { type: 'track', event: 'Product Viewed', messageId: 'logged', anonymousId: 'anonymous', timestamp: at(9).toISOString(), receivedAt: at(9).toISOString(), context: { externalIds: ids('email', 'ANN@x.com') } };
  mkdirSync(join(dir, 'data', 'log'), { recursive: true });
  writeFileSync(
    join(dir, 'data', 'log', 'seg-001767226200000-000000001-0a0b0c.ndjson'),
    `{"s":"http","id":"logged","t":"track","e":"Product Viewed","u":null,"a":"anonymous","ts":"${logged.timestamp}","r":"${logged.receivedAt}","ch":"","x":${JSON.stringify(JSON.stringify(logged.context.externalIds))},"m":${JSON.stringify(logged)}}\n`,
  );
});

afterAll(async () => {
  if (dir) await removeDir(dir);
});

describe('migration 13: external ids of type email or phone in the form identity matches them', () => {
  it('rewrites the stored ids of those types only, and the loader writes an old line the same way', async () => {
    const ws = await openTestWorkspace(join(dir, 'data'));
    try {
      const stored = await ws.store.query<{ message_id: string; external_ids: string }>(sql`SELECT message_id, external_ids FROM events WHERE external_ids IS NOT NULL ORDER BY seq`);
      expect(stored.map((r) => [r.message_id, JSON.parse(r.external_ids)])).toEqual([
        ['by-email', [{ id: 'ann@x.com', type: 'Email', collection: 'users', encoding: 'none' }]],
        // The graph's form of a phone: its digits (the region that E.164 needs is not the store's to know).
        ['by-phone', [{ id: '2125550100', type: 'phone', collection: 'users', encoding: 'none' }]],
        ['by-shop', ids('shop', ' Keep As Sent ')],
        ['logged', [{ id: 'ann@x.com', type: 'email', collection: 'users', encoding: 'none' }]],
      ]);
    } finally {
      await ws.close();
    }
  });

  it("puts the events known by Ann's address on her customer", async () => {
    const ws = await openTestWorkspace(join(dir, 'data'));
    try {
      await ws.identity.refresh();
      const timeline = await readTimeline(ws.store, ws.identity, 'user:u-ann');
      expect(timeline.events.map((e) => (e.message as { messageId: string }).messageId).sort()).toEqual(['ann', 'by-email', 'logged']);
      expect((await readProfile(ws.store, ws.identity, 'user:u-ann')).computed.events).toBe(3);
    } finally {
      await ws.close();
    }
  });
});
