// Segment membership over time (real DuckDB): entering and leaving recorded with time as data
// arrives, and a size snapshot per day.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSegmentFile } from '../src/ingest/index.js';
import { readSegmentHistory, refreshMemberships, saveSegment } from '../src/segments/index.js';
import { sql } from '../src/store/index.js';
import { toNdjson, type Message } from './helpers/messages.js';
import { openFixture, type Fixture } from './segments-fixture.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await openFixture();
  await saveSegment(fx.ws.store, { id: 'regulars', name: 'Three orders or more', rule: { fact: 'orders', op: 'gte', value: 3 } });
}, 60_000);

afterAll(async () => {
  await fx.close();
});

async function importMore(messages: Message[]): Promise<void> {
  const file = join(fx.dir, `more-${Date.now()}.ndjson`);
  await writeFile(file, toNdjson(messages));
  await importSegmentFile(fx.ws.store, fx.ws.ingestor, file, { source: 'fixture', tmpDir: join(fx.dir, 'tmp') });
  await fx.ws.identity.refresh();
}

const track = (userId: string, event: string, day: string, properties: Record<string, unknown>): Message => ({ type: 'track', event, userId, messageId: `more-${userId}-${event}-${day}`, timestamp: `${day}T12:00:00.000Z`, properties });

describe('segment membership over time', () => {
  it('records who entered and left between refreshes, and the size per day', async () => {
    const first = await refreshMemberships(fx.ws.store, fx.ws.config.workspace, { now: new Date('2026-01-10T10:00:00Z') });
    expect(first).toEqual([{ segment: 'regulars', members: 2, entered: 2, left: 0 }]);

    // u3 reaches three orders; u2's first order is cancelled, leaving two.
    await importMore([
      track('u3', 'Order Completed', '2025-12-01', { order_id: 'o3-2', total: 10, currency: 'USD' }),
      track('u3', 'Order Completed', '2025-12-02', { order_id: 'o3-3', total: 10, currency: 'USD' }),
      track('u2', 'Order Cancelled', '2025-12-03', { order_id: 'o2-1' }),
    ]);
    const second = await refreshMemberships(fx.ws.store, fx.ws.config.workspace, { now: new Date('2026-01-11T10:00:00Z') });
    expect(second).toEqual([{ segment: 'regulars', members: 2, entered: 1, left: 1 }]);
    const again = await refreshMemberships(fx.ws.store, fx.ws.config.workspace, { now: new Date('2026-01-11T18:00:00Z') });
    expect(again).toEqual([{ segment: 'regulars', members: 2, entered: 0, left: 0 }]);

    const history = await readSegmentHistory(fx.ws.store, fx.ws.config.workspace, 'regulars');
    expect(history.snapshots).toEqual([
      { day: '2026-01-10', customers: 2 },
      { day: '2026-01-11', customers: 2 },
    ]);
    expect(history.changes).toEqual([
      { day: '2026-01-10', entered: 2, left: 0 },
      { day: '2026-01-11', entered: 1, left: 1 },
    ]);
    const u2 = await fx.customerOf('u2');
    const spells = await fx.ws.store.query<{ left_at: Date | null }>(sql`SELECT left_at FROM segment_membership WHERE customer_id = ${u2}`);
    expect(spells.map((s) => s.left_at?.toISOString())).toEqual(['2026-01-11T10:00:00.000Z']);
  });
});
