// The embedded engine runs with the settings the config gives, never DuckDB's defaults (80% of RAM for
// memory, a checkpoint every 16 MB of write-ahead log): a server shares its machine and its disk.

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TesseraConfig } from '../src/contract/index.js';
import { openWorkspace, type Workspace } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string | undefined;
let ws: Workspace | undefined;

afterEach(async () => {
  await ws?.close();
  if (dir) await removeDir(dir);
  ws = undefined;
  dir = undefined;
});

async function settings(duckdb: Record<string, unknown>): Promise<Record<string, string>> {
  dir = await makeTempDir('tessera-settings-');
  ws = await openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent', duckdb }), pino({ level: 'silent' }));
  const rows = await ws.store.query<{ name: string; value: string }>(
    sql`SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads', 'checkpoint_threshold', 'temp_directory')`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

describe('DuckDB settings', () => {
  it('takes memory, threads, checkpoint threshold and temp directory from the config, with our defaults', async () => {
    const s = await settings({});
    expect(s['memory_limit']).toBe('1.8 GiB');
    expect(s['threads']).toBe('2');
    expect(s['checkpoint_threshold']).toBe('244.1 MiB');
    expect(s['temp_directory']).toContain(dir);
  });

  it('applies a configured value', async () => {
    const s = await settings({ memoryLimit: '512MB', threads: 1, checkpointThreshold: '64MB' });
    expect(s['threads']).toBe('1');
    expect(s['checkpoint_threshold']).toBe('61.0 MiB');
    expect(s['memory_limit']).toBe('488.2 MiB');
  });
});
