// Migration 7 drops customer_map's primary key, so a full identity rebuild can write a new table and
// swap it in: the rows of an existing data directory stay.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../src/store/duckdb/duckdb-store.js';
import { migrate, sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('tessera-migration-7-');
  // A data directory as the release before migration 7 left it: a map of two customers under a primary key.
  const old = await DuckDbStore.open({ dataDir: join(dir, 'data'), memoryLimit: '256MB', threads: 1 });
  await migrate(old, 6);
  await old.run(sql`INSERT INTO customer_map VALUES ('anon', 'a-1', 'c_one'), ('user', 'u-1', 'c_one'), ('email', 'bob@example.com', 'c_two')`);
  await old.close();
});

afterAll(async () => {
  await removeDir(dir);
});

describe('migration 7: customer_map without its primary key', () => {
  it('keeps the stored map, and a rebuild replaces it whole', async () => {
    const ws = await openTestWorkspace(join(dir, 'data'));
    try {
      const map = () => ws.store.query<{ type: string; value: string; customer_id: string }>(sql`SELECT * FROM customer_map ORDER BY type, value`);
      expect(await map()).toEqual([
        { type: 'anon', value: 'a-1', customer_id: 'c_one' },
        { type: 'email', value: 'bob@example.com', customer_id: 'c_two' },
        { type: 'user', value: 'u-1', customer_id: 'c_one' },
      ]);
      const constraints = await ws.store.query(sql`SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'customer_map' AND constraint_type = 'PRIMARY KEY'`);
      expect(constraints).toEqual([]);
      // No events in this directory: a rebuild resolves nothing, so the map it swaps in is empty.
      await ws.identity.rebuild();
      expect(await map()).toEqual([]);
    } finally {
      await ws.close();
    }
  });
});
