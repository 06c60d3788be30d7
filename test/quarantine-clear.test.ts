// Dealing with the quarantine: listing one source's or one reason's rejections, and clearing those dealt with, while
// orders waiting for a rate (not rejections, but orders the next rates import stores) stay unless named. Needs the build.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
let dataDir: string;
const cli = (...args: string[]) => runCli(args, { dataDir });
const codes = async (...filter: string[]): Promise<string[]> => {
  const listed = await cli('quarantine', 'list', '--json', ...filter);
  expect(listed.exitCode, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { rejected: { code: string }[] }).rejected.map((r) => r.code).sort();
};

beforeAll(async () => {
  dir = await makeTempDir('tessera-quarantine-clear-');
  dataDir = join(dir, 'data');
  const file = join(dir, 'shop.ndjson');
  await writeFile(
    file,
    [
      '{"type":"track","userId":"u1","messageId":"m1",',
      JSON.stringify({ type: 'track', userId: 'u1', messageId: 'm2' }),
      JSON.stringify({ type: 'track', event: 'Order Completed', userId: 'u1', messageId: 'm3', timestamp: '2025-01-02T10:00:00Z', properties: { order_id: 'E1', total: 20, currency: 'EUR' } }),
      JSON.stringify({ type: 'track', event: 'Product Viewed', userId: 'u1', messageId: 'm4', timestamp: '2025-01-02T10:00:00Z' }),
    ].join('\n') + '\n',
  );
  expect((await cli('import', file, '--source', 'shop')).exitCode).toBe(0);
});

afterAll(async () => {
  await removeDir(dir);
});

describe('tessera quarantine', () => {
  it('lists the rejections of one reason code or one source', async () => {
    expect(await codes()).toEqual(['invalid_json', 'no_rate', 'validation_failed']);
    expect(await codes('--code', 'invalid_json')).toEqual(['invalid_json']);
    expect(await codes('--source', 'shop')).toHaveLength(3);
    expect(await codes('--source', 'web')).toEqual([]);
  });

  it('clears only what it is told to, and keeps orders waiting for a rate unless their code is named', async () => {
    const bare = await cli('quarantine', 'clear');
    expect(bare.exitCode).toBe(1);
    expect(bare.stderr).toMatch(/say what to clear: --code, --source, --before, or --all/);
    expect(await codes()).toHaveLength(3);

    const one = await cli('quarantine', 'clear', '--code', 'invalid_json', '--json');
    expect(JSON.parse(one.stdout)).toEqual({ cleared: 1, keptNoRate: 0 });
    expect(await codes()).toEqual(['no_rate', 'validation_failed']);

    // Received today: nothing came before 2000.
    expect(JSON.parse((await cli('quarantine', 'clear', '--before', '2000-01-01', '--json')).stdout)).toEqual({ cleared: 0, keptNoRate: 0 });
    const all = await cli('quarantine', 'clear', '--all');
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stderr).toBe('cleared 1 rejected record\nkept 1 order waiting for a rate (no_rate), which the next rates import stores: --code no_rate clears them\n');
    expect(await codes()).toEqual(['no_rate']);

    expect(JSON.parse((await cli('quarantine', 'clear', '--code', 'no_rate', '--json')).stdout)).toEqual({ cleared: 1, keptNoRate: 0 });
    expect(await codes()).toEqual([]);
  });
});
