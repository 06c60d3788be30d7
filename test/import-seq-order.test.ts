// seq is the arrival order (issue 2, issue 3): inside one load or one import, events (and the
// rejections among them) take seq in the order their lines were logged or read, whatever order
// DuckDB happens to work in.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../src/store/index.js';
import { openImportWorkspace, type ImportWorkspace } from './helpers/imports.js';

/** Ids that sort differently from their order, so no accidental sort passes for arrival order. */
const scrambled = (i: number) => `id-${String((i * 7919) % 1000).padStart(3, '0')}-${i}`;

describe('seq follows arrival inside a load', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  /** Message ids and quarantine locations, in seq order across both tables. */
  const bySeq = async (): Promise<string[]> => {
    const rows = await w.ws.store.query<{ key: string }>(
      sql`SELECT key FROM (SELECT seq, message_id AS key FROM events UNION ALL SELECT seq, 'q:' || location AS key FROM quarantine) ORDER BY seq`,
    );
    return rows.map((r) => r.key);
  };

  it('numbers the messages of one HTTP load in the order they were logged, rejections in their place', async () => {
    const messages: unknown[] = [];
    for (let i = 0; i < 6000; i++) {
      messages.push(i === 150 ? { type: 'track', messageId: 'bad', event: 'No one' } : { type: 'track', messageId: scrambled(i), anonymousId: `a${i % 7}`, event: 'Viewed' });
    }
    // Requests logged one after the other, then loaded together (enough rows for DuckDB to work in parallel).
    for (let i = 0; i < messages.length; i += 2000) await w.ws.ingestor.accept(messages.slice(i, i + 2000), { source: 'http', location: 'http:/v1/batch' });
    await w.ws.ingestor.flush();
    const expected = messages.map((m, i) => (i === 150 ? 'q:http:/v1/batch[150]' : (m as { messageId: string }).messageId));
    expect((await bySeq()).filter((k) => !k.startsWith('q:'))).toEqual(expected.filter((k) => !k.startsWith('q:')));
    expect(await bySeq()).toEqual(expected);
  });

  it.each([
    ['in one write', {}],
    // Small buffers and writes: lines cross staging buffers, and the two staging files take turns.
    ['in many writes through small buffers', { writeRows: 700, bufferBytes: 16 * 1024 }],
  ])('numbers the messages of an NDJSON import in file line order, %s', async (_, options) => {
    const path = join(w.dir, 'events.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) {
      lines.push(i === 100 ? '{not json' : JSON.stringify({ type: 'track', messageId: scrambled(i), userId: `u${i % 11}`, event: 'Opened', timestamp: '2024-05-01T10:00:00Z' }));
    }
    writeFileSync(path, lines.join('\n') + '\n');
    const summary = await w.importSegment(path, options);
    expect(summary).toMatchObject({ rowsRead: 6000, accepted: 5999, written: 5999, quarantined: { invalid_json: 1 } });
    const ids = (await bySeq()).filter((k) => !k.startsWith('q:'));
    expect(ids).toEqual(lines.filter((_, i) => i !== 100).map((l) => (JSON.parse(l) as { messageId: string }).messageId));
    expect(await bySeq()).toEqual(lines.map((l, i) => (i === 100 ? 'q:events.ndjson:101' : (JSON.parse(l) as { messageId: string }).messageId)));
  });

  it('numbers the messages of an orders CSV in file line order, chunked or not, malformed lines in their place', async () => {
    const path = join(w.dir, 'orders.csv');
    const header = 'order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price';
    const rows: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 120; i++) {
      const id = scrambled(i);
      if (i === 60) {
        rows.push('broken,line');
        expected.push(`q:orders.csv:${rows.length + 1}`);
      }
      const status = i % 10 === 3 ? 'refunded' : 'completed';
      rows.push(`${id},c${i}@example.com,,2024-05-01 10:${String(i % 60).padStart(2, '0')}:00,USD,20,${status},S1,Mug,Kitchen,1,20`);
      if (i % 4 === 0) rows.push(`${id},c${i}@example.com,,2024-05-01 10:00:00,USD,20,${status},S2,Cup,Kitchen,1,0`);
      expected.push(`orders:${id}:completed`);
      if (status === 'refunded') expected.push(`orders:${id}:refunded`);
    }
    writeFileSync(path, [header, ...rows].join('\n') + '\n');
    await w.import(path, { format: 'orders', timezone: 'UTC', chunkRows: 37 });
    expect(await bySeq()).toEqual(expected);
  });
});
