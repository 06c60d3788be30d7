// The data page's sources and import history over the read API: every source with its event count
// and dates, and each file import with the counts its summary reported.

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, ImportRecord } from '../src/contract/index.js';
import { writeFile } from 'node:fs/promises';
import { importFile, importSegmentFile, type FileImportSummary, type ImportSummary } from '../src/ingest/index.js';
import { createApp, type Workspace } from '../src/server/index.js';
import { fixture } from './helpers/imports.js';
import { toNdjson, track } from './helpers/messages.js';
import { createTestKeys, makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;
let ws: Workspace;
let app: FastifyInstance;
let token: string;
let summary: FileImportSummary;
let ndjson: ImportSummary;

beforeAll(async () => {
  dir = await makeTempDir('tessera-sources-');
  ws = await openTestWorkspace(`${dir}/data`);
  token = (await createTestKeys(ws)).readKey;
  summary = await importFile(ws.store, ws.ingestor, fixture('customers.csv'), { format: 'customers', workspace: ws.config.workspace });
  await ws.ingestor.accept([track({ userId: 'w1' }), track({ userId: 'w2' })], { source: 'web', location: 'test' });
  await ws.ingestor.flush();
  // A Segment NDJSON file: two messages, one of them twice, and a line that is not JSON.
  const a = track({ userId: 'n1' });
  await writeFile(`${dir}/app.ndjson`, `${toNdjson([a, track({ userId: 'n2' }), a])}{"type":\n`);
  ndjson = await importSegmentFile(ws.store, ws.ingestor, `${dir}/app.ndjson`, { source: 'app', tmpDir: `${dir}/tmp` });
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
      ['app', 2],
      ['web', 2],
      [summary.source, summary.written],
    ]);
    for (const s of sources) expect(s.first_received <= s.last_received).toBe(true);
  });

  it("lists each file import with its summary's counts, the newest first, Segment NDJSON files included", async () => {
    const { imports } = (await get('/api/v1/imports')).json<{ imports: ImportRecord[] }>();
    expect(imports).toHaveLength(2);
    expect(imports[1]).toMatchObject({ id: summary.importId, format: 'customers', rows_read: summary.rowsRead, events_written: summary.written, duplicates: summary.duplicates });
    expect(imports[1]?.file).toContain('customers.csv');
    expect(imports[1]?.finished_at).not.toBeNull();
    expect(ndjson).toMatchObject({ rowsRead: 4, written: 2, duplicates: 1, quarantined: { invalid_json: 1 } });
    expect(imports[0]).toMatchObject({ format: 'segment', source: 'app', rows_read: 4, events_written: 2, duplicates: 1, quarantined: 1 });
    expect(imports[0]?.file).toContain('app.ndjson');
    expect(imports[0]?.finished_at).not.toBeNull();
    expect((await get('/api/v1/imports?limit=0')).statusCode).toBe(400);
  });
});
