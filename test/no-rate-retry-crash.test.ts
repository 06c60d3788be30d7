// A process killed while retrying the orders that waited for a rate (`tessera rates import`, directly or through a
// server): each order is logged durably before its quarantine row is deleted, so a kill between the two must
// neither lose the order nor leave its `no_rate` row asking for a rate that was given.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SegmentMessage } from '../src/contract/index.js';
import { importRates, importSegmentFile } from '../src/ingest/index.js';
import { sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

const order = (n: number) => ({
  type: 'track', messageId: `jpy-order-${n}`, userId: `buyer-${n}`, event: 'Order Completed', timestamp: '2024-05-01T10:00:00Z',
  properties: { order_id: `JP-${n}`, total: 1000 + n, currency: 'JPY' },
});

describe('a rates import killed while it retried the orders waiting for a rate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('tessera-no-rate-crash-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('stores each logged order once and drops its no_rate row when the next process opens the data directory', async () => {
    const events = join(dir, 'orders.ndjson');
    await writeFile(events, [order(1), order(2)].map((m) => JSON.stringify(m)).join('\n') + '\n');
    const rates = join(dir, 'rates.csv');
    await writeFile(rates, 'date,currency,rate_to_base\n2024-05-01,JPY,0.0065\n');

    // No load while the first process lives: what it logs stays in the log, as a kill leaves it.
    const first = await openTestWorkspace(dir, { loadIntervalMs: 3_600_000 });
    await importSegmentFile(first.store, first.ingestor, events, { source: 'shop', tmpDir: join(dir, 'tmp') });
    await importRates(first.store, rates, first.config.workspace);
    const waiting = await first.store.query<{ source: string; location: string | null; raw: string }>(
      sql`SELECT source, location, raw FROM quarantine WHERE code = 'no_rate' ORDER BY seq`,
    );
    expect(waiting).toHaveLength(2);
    // The retry's first step for the first order (retry-quarantine.ts): logged durably; the kill comes before its row is deleted.
    const [killed] = waiting;
    if (!killed) throw new Error('no order waiting');
    const logged = new Map([[killed.source, [{ message: JSON.parse(killed.raw) as SegmentMessage, ...(killed.location !== null ? { location: killed.location } : {}) }]]]);
    await first.ingestor.requeue(logged, () => Promise.resolve());
    // The store closes (its writes are committed, as DuckDB's WAL keeps them); the log is left as it is.
    await first.store.close();

    const second = await openTestWorkspace(dir);
    try {
      const stored = await second.store.query<{ id: string; n: number }>(
        sql`SELECT message_id AS id, count(*) AS n FROM events GROUP BY 1 ORDER BY 1`,
      );
      expect(stored).toEqual([{ id: 'jpy-order-1', n: 1 }]);
      const left = await second.store.query<{ id: string | null }>(
        sql`SELECT json_extract_string(raw, '$.messageId') AS id FROM quarantine WHERE code = 'no_rate' ORDER BY seq`,
      );
      // The order not yet retried still waits (the next rates import retries it); the stored one no longer does.
      expect(left).toEqual([{ id: 'jpy-order-2' }]);
    } finally {
      await second.close();
    }
  });
});
