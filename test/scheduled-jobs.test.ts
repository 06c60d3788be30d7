// The jobs `tessera serve` repeats (real DuckDB): a job with nothing to evaluate leaves the facts as they
// are, so it never holds the writer during heavy ingestion for nothing; given a saved segment or an alert
// rule, it brings them up to date and does its work.

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TesseraConfig } from '../src/contract/index.js';
import { saveSegment } from '../src/segments/index.js';
import { openWorkspace, type Workspace } from '../src/server/index.js';
import { scheduledJobs } from '../src/server/scheduled-jobs.js';
import { sql } from '../src/store/index.js';
import { identify, track } from './helpers/messages.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

const opened: { ws: Workspace; dir: string }[] = [];

afterEach(async () => {
  for (const { ws, dir } of opened.splice(0)) {
    await ws.close();
    await removeDir(dir);
  }
});

async function shop(alerts: Record<string, unknown> = {}): Promise<Workspace> {
  const dir = await makeTempDir('tessera-jobs-');
  const ws = await openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent', alerts }), pino({ level: 'silent' }));
  opened.push({ ws, dir });
  const at = new Date(Date.UTC(2025, 0, 10, 12)).toISOString();
  const result = await ws.ingestor.accept(
    [identify({ anonymousId: 'a1', userId: 'u-1', timestamp: at }), track({ anonymousId: 'a1', userId: 'u-1', event: 'Product Viewed', properties: { sku: 'S1' }, timestamp: at })],
    { source: 'web', location: 'test' },
  );
  expect(result.rejections).toEqual([]);
  await ws.ingestor.flush();
  return ws;
}

const factRows = async (ws: Workspace): Promise<number> => Number((await ws.store.query<{ n: number }>(sql`SELECT count(*) AS n FROM event_facts`))[0]?.n);

function job(ws: Workspace, name: string) {
  const found = scheduledJobs(ws).find((j) => j.name === name);
  if (!found) throw new Error(`no job ${name}`);
  return found;
}

describe('the scheduled jobs of tessera serve', () => {
  it('leave the facts as they are when no segment is saved and no alert rule is set', async () => {
    // The default config has alert rules: none here.
    const ws = await shop({ rules: [] });
    await job(ws, 'alerts').run();
    expect(await job(ws, 'segments').run()).toEqual([]);
    expect(await factRows(ws)).toBe(0);
  });

  it('refresh the facts and snapshot each saved segment', async () => {
    const ws = await shop();
    await saveSegment(ws.store, { id: 'viewers', name: 'Viewed a product', rule: { event: 'Product Viewed' } });
    const changes = (await job(ws, 'segments').run()) as { segment: string; members: number }[];
    expect(changes).toMatchObject([{ segment: 'viewers', members: 1 }]);
    expect(await factRows(ws)).toBe(2);
  });

  it('refresh the facts to evaluate the alert rules', async () => {
    const ws = await shop({ rules: [{ id: 'busy', metric: 'revenue', grain: 'day', when: { above: 1000 } }] });
    const check = (await job(ws, 'alerts').run()) as { fired: unknown[]; errors: unknown[] };
    expect(check.errors).toEqual([]);
    expect(await factRows(ws)).toBe(2);
  });
});
