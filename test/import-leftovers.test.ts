// An import killed halfway (kill -9) leaves its staging file in DATA/tmp and its `imports` row unfinished: the next
// process to open the data directory removes the one and marks the other as stopped.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listImports } from '../src/ingest/index.js';
import { sql } from '../src/store/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

describe('opening a data directory after an import was killed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('removes the staging files left in its tmp directory and marks the unfinished import as stopped', async () => {
    const first = await openTestWorkspace(dir);
    const started = new Date('2024-06-01T10:00:00Z');
    await first.store.run(sql`INSERT INTO imports (id, file, format, source, started_at) VALUES ('killed', 'events.ndjson', 'segment', 'import', ${started})`);
    await first.close();
    const staging = join(dir, 'tmp', 'import-0b6c1f0e-killed.ndjson');
    const other = join(dir, 'tmp', 'kept.csv');
    writeFileSync(staging, '{"s":"import"}\n');
    writeFileSync(other, 'not an import\n');

    const ws = await openTestWorkspace(dir);
    try {
      expect(existsSync(staging)).toBe(false);
      expect(existsSync(other)).toBe(true);
      const [row] = await listImports(ws.store);
      expect(row).toMatchObject({ id: 'killed', finished_at: expect.any(String) });
      const [summary] = await ws.store.query<{ error: string }>(sql`SELECT json_extract_string(summary, '$.error') AS error FROM imports WHERE id = 'killed'`);
      expect(summary?.error).toMatch(/import the file again/);
    } finally {
      await ws.close();
    }
  });
});
