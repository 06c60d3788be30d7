// `tessera rfm`, `cohorts` and `segments` as a user runs them (the built CLI in its own process).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli.js';
import { toNdjson } from './helpers/messages.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';
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
  await writeFile(join(dir, 'events.ndjson'), toNdjson(fixtureMessages()));
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

  it('prints the cohort table as one JSON document', async () => {
    const doc = jsonOf(await cli('cohorts', '--json')) as { cohorts: { cohort: string; retention: (number | null)[] }[] };
    expect(doc.cohorts[0]?.cohort).toBe('2023-03');
    expect(doc.cohorts.at(-1)?.retention.slice(0, 2)).toEqual([100, null]);
  });
});
