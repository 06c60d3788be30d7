// The DuckDB store under concurrent use: a server answers many requests at once, and a DuckDB
// connection must never run two queries at the same time (it can corrupt memory and crash the
// process), so the store queues queries per reader connection.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDbStore, sql, type Store } from '../src/store/index.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await makeTempDir('tessera-store-');
  store = await openDuckDbStore({ dataDir: dir, memoryLimit: '512MB', threads: 2 });
  await store.run(sql`CREATE TABLE numbers AS SELECT range AS n FROM range(200000)`);
});

afterAll(async () => {
  await store.close();
  await removeDir(dir);
});

describe('the DuckDB store', () => {
  it('answers hundreds of concurrent reads, each with its own result, while writes go on', async () => {
    const reads = Array.from({ length: 300 }, (_, i) => store.query<{ s: bigint | number; k: number }>(sql`SELECT sum(n) AS s, ${i} AS k FROM numbers WHERE n % 7 = ${i % 7}`));
    const writes = Array.from({ length: 20 }, (_, i) => store.run(sql`INSERT INTO numbers VALUES (${1_000_000 + i})`));
    const [answers] = await Promise.all([Promise.all(reads), Promise.all(writes)]);
    expect(answers.map((rows) => rows[0]?.k)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // The sums of the first 200,000 numbers by residue mod 7 are fixed; a later insert may or may not be seen.
    for (const [i, rows] of answers.entries()) {
      let expected = 0;
      for (let n = i % 7; n < 200_000; n += 7) expected += n;
      expect(Number(rows[0]?.s)).toBeGreaterThanOrEqual(expected);
    }
  });

  it('keeps answering after a failed query on the same connection', async () => {
    const results = await Promise.allSettled([store.query(sql`SELECT * FROM no_such_table`), store.query(sql`SELECT 41 + 1 AS x`), store.query(sql`SELECT 2 AS x`)]);
    expect(results[0]?.status).toBe('rejected');
    expect(results.slice(1).map((r) => (r.status === 'fulfilled' ? Number((r.value[0] as { x: number }).x) : null))).toEqual([42, 2]);
  });
});

describe('reading the DuckDB store as columns', () => {
  it('gives the same values as the row stream, in the same order, whatever the chunk size', async () => {
    const query = sql`SELECT n AS seq, 'id-' || n AS message_id, CASE WHEN n % 3 = 0 THEN NULL ELSE 'v' || (n % 11) END AS maybe,
        n * 1000000000 AS big, TIMESTAMP '2024-01-01' + to_seconds(n) AS at, (n / 7)::DOUBLE AS ratio, n % 2 = 0 AS even,
        (n % 100)::INTEGER AS small, (n / 4)::DECIMAL(10, 2) AS money
      FROM range(5000) t(n) ORDER BY n DESC`;
    const rows: Record<string, unknown>[] = [];
    for await (const chunk of store.stream(query, 700)) rows.push(...chunk);
    for (const chunkRows of [1, 2048, 3000, 100_000]) {
      const fromColumns: Record<string, unknown>[] = [];
      for await (const chunk of store.streamColumns<Record<string, unknown>>(query, chunkRows)) {
        const names = Object.keys(chunk.columns);
        expect(names).toEqual(['seq', 'message_id', 'maybe', 'big', 'at', 'ratio', 'even', 'small', 'money']);
        for (const name of names) expect(chunk.columns[name]).toHaveLength(chunk.length);
        for (let i = 0; i < chunk.length; i++) fromColumns.push(Object.fromEntries(names.map((name) => [name, chunk.columns[name]![i]])));
      }
      expect(fromColumns).toEqual(rows);
    }
    expect(rows).toHaveLength(5000);
    expect(rows[0]).toMatchObject({ seq: 4999, message_id: 'id-4999', maybe: 'v5', big: 4_999_000_000_000 });
    expect(rows[1]).toMatchObject({ maybe: null });
  });
});

describe('closing the DuckDB store', () => {
  it('finishes the statements and the stream already under way, then refuses new ones with shutting_down', async () => {
    const own = await makeTempDir('tessera-store-close-');
    const s = await openDuckDbStore({ dataDir: own, memoryLimit: '256MB', threads: 2 });
    try {
      await s.run(sql`CREATE TABLE t AS SELECT range AS n FROM range(300000)`);
      const stream = s.stream<{ n: number }>(sql`SELECT n FROM t ORDER BY n`, 1000)[Symbol.asyncIterator]();
      const first = await stream.next();
      expect(first.value?.[0]?.n).toBe(0);
      // Reads and a write queued before close, while a stream is open: none is cut off mid-statement.
      const reads = Array.from({ length: 20 }, () => s.query<{ c: number }>(sql`SELECT count(*) AS c FROM t`));
      const write = s.run(sql`INSERT INTO t VALUES (-1)`);
      const closing = s.close();
      const counts = await Promise.all(reads);
      expect(counts.every((rows) => Number(rows[0]?.c) >= 300_000)).toBe(true);
      expect(await write).toBe(1);
      await expect(stream.next()).rejects.toMatchObject({ code: 'shutting_down' });
      await closing;
      await expect(s.query(sql`SELECT 1`)).rejects.toMatchObject({ code: 'shutting_down' });
      await expect(s.run(sql`SELECT 1`)).rejects.toMatchObject({ code: 'shutting_down' });
      // The write queued before close was committed and survives a reopen.
      const reopened = await openDuckDbStore({ dataDir: own, memoryLimit: '256MB', threads: 2 });
      const min = await reopened.query<{ m: number }>(sql`SELECT min(n) AS m FROM t`);
      await reopened.close();
      expect(Number(min[0]?.m)).toBe(-1);
    } finally {
      await s.close();
      await removeDir(own);
    }
  });
});
