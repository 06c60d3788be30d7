// `tessera rfm`, `cohorts` and `segments` as a user runs them (the built CLI in its own process).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/server/index.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { toNdjson, type Message } from './helpers/messages.js';
import { createTestKeys, makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';
import { fixtureMessages } from './segments-fixture.js';

let dir: string;
let dataDir: string;
const cli = (...args: string[]) => runCli(args, { dataDir, cwd: dir });

function jsonOf(result: CliResult): unknown {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

beforeAll(async () => {
  dir = await makeTempDir('tessera-segments-cli-');
  dataDir = join(dir, 'data');
  // Beside the fixture: u3 first visits from a newsletter, and u10's only order comes from a server
  // library (no visit, so no acquisition source), for cohorts by source.
  const extra: Message[] = [
    { type: 'page', messageId: 'cli-page-u3', userId: 'u3', timestamp: '2024-06-01T12:00:00.000Z', properties: { path: '/' }, context: { campaign: { source: 'newsletter' } } },
    {
      type: 'track',
      event: 'Order Completed',
      messageId: 'cli-order-u10',
      userId: 'u10',
      timestamp: '2024-07-03T12:00:00.000Z',
      properties: { order_id: 'o10-1', total: 15, currency: 'USD' },
      context: { library: { name: 'analytics-node' } },
    },
  ];
  await writeFile(join(dir, 'events.ndjson'), toNdjson([...fixtureMessages(), ...extra]));
  await writeFile(
    join(dir, 'boots.yaml'),
    ['id: boot-lookers', 'name: Viewed boots, never bought them', 'rule:', '  all:', '    - event: Product Viewed', '      where: [{ property: category, op: eq, value: boots }]', '    - not: { bought: { where: [{ field: category, op: eq, value: boots }] } }', ''].join('\n'),
  );
  expect((await cli('import', 'events.ndjson', '--format', 'segment')).exitCode).toBe(0);
}, 60_000);

afterAll(async () => {
  await removeDir(dir);
});

describe('tessera rfm', () => {
  it('prints the RFM document as of a date', async () => {
    const doc = jsonOf(await cli('rfm', '--as-of', '2024-06-30', '--json')) as { as_of: string; customers: { r: number; segment: string }[]; matrix: unknown[] };
    expect(doc.as_of).toBe('2024-06-30');
    expect(doc.customers.map((c) => c.segment).sort()).toEqual(['At risk', 'Champions', 'Hibernating', 'Loyal', 'Promising']);
    expect(doc.matrix).toHaveLength(9);
  });

  it('answers a bad date with exit 1 and one line on stderr', async () => {
    const result = await cli('rfm', '--as-of', '30/06/2024', '--json');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/YYYY-MM-DD/);
  });
});

describe('tessera segments and cohorts', () => {
  it('creates a segment from YAML, lists it and exports its members as CSV', async () => {
    expect((await cli('segments', 'create', 'boots.yaml')).exitCode).toBe(0);
    const list = jsonOf(await cli('segments', 'list', '--json')) as { segments: { id: string }[] };
    expect(list.segments.map((s) => s.id)).toEqual(['boot-lookers']);
    const csv = await cli('segments', 'members', 'boot-lookers', '--format', 'csv', '--as-of', '2024-06-30');
    expect(csv.exitCode, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('customer_id,email');
    expect(lines).toHaveLength(3);
    const again = await cli('segments', 'create', 'boots.yaml');
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/--replace/);
  });

  it('names a misspelt fact in a segment file, with exit 1 and one line on stderr', async () => {
    await writeFile(join(dir, 'bad.yaml'), ['id: big-spenders', 'name: Big spenders', 'rule:', '  all:', '    - { fact: revnue, op: gte, value: 5 }', ''].join('\n'));
    const result = await cli('segments', 'create', 'bad.yaml');
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: segment definition at rule\.all\.0\.fact: unknown fact "revnue" \(known facts: orders, revenue, /);
  });

  it('prints the cohort table as one JSON document', async () => {
    const doc = jsonOf(await cli('cohorts', '--json')) as { cohorts: { cohort: string; retention: (number | null)[] }[] };
    expect(doc.cohorts[0]?.cohort).toBe('2023-03');
    expect(doc.cohorts.at(-1)?.retention.slice(0, 2)).toEqual([100, null]);
  });
});

describe('tessera segments retention, history and cohorts --by source against the API', () => {
  /** GET a read-API path on the same data directory, in-process, once the CLI has exited. */
  async function apiGet(url: string): Promise<unknown> {
    const ws = await openTestWorkspace(dataDir);
    try {
      const token = (await createTestKeys(ws, `cli-${Date.now()}`)).readKey;
      const app = await createApp({ store: ws.store, ingestor: ws.ingestor, keys: ws.keys, config: ws.config, logger: ws.logger, localToken: 'local-test-token' });
      try {
        await app.ready();
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      } finally {
        await app.close();
      }
    } finally {
      await ws.close();
    }
  }

  it('prints the retention view that GET /api/v1/segments/retention returns', async () => {
    const doc = jsonOf(await cli('segments', 'retention', '--as-of', '2024-07-31', '--json')) as { as_of: string; segments: { kind: string; id: string }[]; movement: { population: number } };
    expect(doc.as_of).toBe('2024-07-31');
    expect(doc.segments.filter((s) => s.kind === 'rfm')).toHaveLength(10);
    expect(doc.movement.population).toBe(3);
    expect(await apiGet('/api/v1/segments/retention?as_of=2024-07-31')).toEqual(doc);
    const text = await cli('segments', 'retention', '--as-of', '2024-07-31');
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Champions/);
  });

  it('prints the history that GET /api/v1/segments/:id/history returns', async () => {
    expect((await cli('segments', 'create', 'boots.yaml', '--replace')).exitCode).toBe(0);
    expect((await cli('segments', 'refresh', 'boot-lookers')).exitCode).toBe(0);
    const doc = jsonOf(await cli('segments', 'history', 'boot-lookers', '--json')) as { segment: string; snapshots: unknown[]; changes: unknown[] };
    expect(doc.segment).toBe('boot-lookers');
    expect(doc.snapshots).toHaveLength(1);
    expect(await apiGet('/api/v1/segments/boot-lookers/history')).toEqual(doc);
  });

  it('prints cohorts by acquisition source as GET /api/v1/cohorts?by=source does', async () => {
    const doc = jsonOf(await cli('cohorts', '--by', 'source', '--json')) as { cohort_by: string; cohorts: { cohort: string; size: number }[] };
    expect(doc.cohort_by).toBe('source');
    // Orders sent from a browser make sessions of their own (direct); u3's first session is the newsletter visit.
    expect(doc.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['direct', 5],
      ['(none)', 1],
      ['newsletter', 1],
    ]);
    expect(await apiGet('/api/v1/cohorts?by=source')).toEqual(doc);
    expect((await cli('cohorts', '--by', 'referrer')).exitCode).toBe(1);
  });
});
