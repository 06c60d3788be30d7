// The data page's sources and import history over the read API: every source with its event count
// and dates, and each file import with the counts its summary reported.

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, ImportRecord } from '../src/contract/index.js';
import { importFile, type FileImportSummary } from '../src/ingest/index.js';
import { createApp, type Workspace } from '../src/server/index.js';
import { fixture } from './helpers/imports.js';
import { track } from './helpers/messages.js';
import { createTestKeys, makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;
let ws: Workspace;
let app: FastifyInstance;
let token: string;
let summary: FileImportSummary;

beforeAll(async () => {
  dir = await makeTempDir('tessera-sources-');
  ws = await openTestWorkspace(`${dir}/data`);
  token = (await createTestKeys(ws)).readKey;
  summary = await importFile(ws.store, ws.ingestor, fixture('customers.csv'), { format: 'customers', workspace: ws.config.workspace });
  await ws.ingestor.accept([track({ userId: 'w1' }), track({ userId: 'w2' })], { source: 'web', location: 'test' });
  await ws.ingestor.flush();
  app = await createApp({ store: ws.store, ingestor: ws.ingestor, keys: ws.keys, config: ws.config, logger: ws.logger, localToken: 'local' });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app.close();
  await ws.close();
  await removeDir(dir);
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

describe('sources and imports', () => {
  it('lists each source with its event count, the newest first', async () => {
    const { sources } = (await get('/api/v1/sources')).json<{ sources: DataSource[] }>();
    expect(sources.map((s) => [s.source, s.events])).toEqual([
      ['web', 2],
      [summary.source, summary.written],
    ]);
    for (const s of sources) expect(s.first_received <= s.last_received).toBe(true);
  });

  it("lists each file import with its summary's counts", async () => {
    const { imports } = (await get('/api/v1/imports')).json<{ imports: ImportRecord[] }>();
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatchObject({ id: summary.importId, format: 'customers', rows_read: summary.rowsRead, events_written: summary.written, duplicates: summary.duplicates });
    expect(imports[0]?.file).toContain('customers.csv');
    expect(imports[0]?.finished_at).not.toBeNull();
    expect((await get('/api/v1/imports?limit=0')).statusCode).toBe(400);
  });
});
