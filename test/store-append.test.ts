// Store.appendRows: JavaScript values go into DuckDB columns as the columns' types hold them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDbStore, sql, type Store } from '../src/store/index.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await makeTempDir('tessera-append-');
  store = await openDuckDbStore({ dataDir: dir, memoryLimit: '256MB', threads: 1 });
  await store.run(sql`CREATE TABLE measured (label VARCHAR, count BIGINT, amount DOUBLE)`);
});

afterAll(async () => {
  await store?.close();
  if (dir) await removeDir(dir);
});

describe('appendRows', () => {
  it('keeps a double too large for a BIGINT, even one with no fraction, instead of failing the whole write', async () => {
    // A model's prediction on a degenerate fit reached such values; the append took 1e30 for an integer and threw.
    const written = await store.appendRows('measured', [
      ['small', 3, 2.5],
      ['huge', 4, 1e30],
      ['exact', 9_007_199_254_740_991, 42],
    ]);
    expect(written).toBe(3);
    const rows = await store.query<{ label: string; count: number | string; amount: number }>(sql`SELECT label, count, amount FROM measured ORDER BY label`);
    expect(rows).toEqual([
      { label: 'exact', count: 9_007_199_254_740_991, amount: 42 },
      { label: 'huge', count: 4, amount: 1e30 },
      { label: 'small', count: 3, amount: 2.5 },
    ]);
  });
});
