// The built `tessera` CLI's answers to paths it cannot use and the readability of its tables (product.md,
// "Commands"): a user error is exit 1, one line on stderr naming what to fix, nothing on stdout.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, runCli } from './helpers/cli.js';
import { importDemoShop } from './helpers/demo-shop.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';


/** The cells of a text table's body rows (after the line of dashes), split on the two-space gaps. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const dashes = lines.findIndex((l) => /^-+( {2}-+)+$/.test(l));
  expect(dashes, text).toBeGreaterThan(0);
  const body = lines.slice(dashes + 1);
  const end = body.findIndex((l) => l.trim() === '');
  return (end === -1 ? body : body.slice(0, end)).map((l) => l.trim().split(/ {2,}/));
}

const decimals = (cell: string): number => /\.(\d+)/.exec(cell)?.[1]?.length ?? 0;

describe('tessera commands given paths they cannot use', () => {
  let dir: string;
  let dataDir: string;
  const cli = (...args: string[]) => runCli(args, { dataDir, timeoutMs: 60_000 });

  beforeAll(async () => {
    dir = await makeTempDir('tessera-cli-errors-');
    ({ dataDir } = await importDemoShop(dir, 200));
    await writeFile(join(dir, 'a-file'), 'x');
  }, 180_000);
  afterAll(async () => {
    await removeDir(dir);
  });

  const outCommands: [string, string[]][] = [
    ['events export', ['events', 'export']],
    ['events export --format parquet', ['events', 'export', '--format', 'parquet']],
    ['profiles export', ['profiles', 'export']],
    ['report', ['report', '--metrics', 'orders', '--format', 'csv']],
  ];

  it.each(outCommands)('%s --out in a missing directory is a user error naming the path', async (_name, args) => {
    const out = join(dir, 'missing', 'out.file');
    expectUserError(await cli(...args, '--out', out), new RegExp(`cannot write ${out}: no such directory`));
  });

  it.each(outCommands)('%s --out naming a directory is a user error naming the path', async (_name, args) => {
    expectUserError(await cli(...args, '--out', dir), new RegExp(`cannot write ${dir}: it is a directory`));
  });

  it.each(outCommands)('%s --out under a file is a user error naming the path', async (_name, args) => {
    const out = join(dir, 'a-file', 'out.file');
    expectUserError(await cli(...args, '--out', out), new RegExp(`cannot write ${out}: .*not a directory`));
  });

  // root writes anywhere, so only another user can see the refusal.

  it('generate --out where a file stands is a user error naming the path', async () => {
    const out = join(dir, 'a-file');
    expectUserError(await runCli(['generate', '--customers', '5', '--out', out]), new RegExp(`cannot write ${out}:`));
  });

  it('import of a directory is a user error saying it is not a file', async () => {
    expectUserError(await cli('import', dir, '--format', 'orders'), new RegExp(`^error: ${dir} is a directory, not a file$`));
  });

  it('import with a directory as the mapping file is a user error saying it is not a file', async () => {
    expectUserError(await cli('import', join(dir, 'a-file'), '--format', 'csv', '--mapping', dir), new RegExp(`^error: ${dir} is a directory, not a file$`));
  });

  it('tells a day that does not exist from one written in another form', async () => {
    expectUserError(await cli('segments', 'retention', '--as-of', '2026-02-30'), /--as-of 2026-02-30: there is no such day/);
    expectUserError(await cli('rfm', '--as-of', '30/01/2026'), /--as-of 30\/01\/2026: give a date as YYYY-MM-DD/);
  });

  it('answers for a day after the data, saying on stderr what that means', async () => {
    const rfm = await cli('rfm', '--as-of', '2030-01-01', '--json');
    expect(rfm.exitCode, rfm.stderr).toBe(0);
    expect((JSON.parse(rfm.stdout) as { as_of: string }).as_of).toBe('2030-01-01');
    expect(rfm.stderr).toMatch(/^note: the data ends on \d{4}-\d{2}-\d{2}; as of 2030-01-01 every customer's recency also counts the \d+ days after it\n$/);
    expect((await cli('rfm', '--json')).stderr).not.toMatch(/note:/);
    const fit = await cli('clv', 'fit', '--calibration-end', '2030-01-01', '--json');
    expect(fit.exitCode, fit.stderr).toBe(0);
    expect((JSON.parse(fit.stdout) as { holdout: unknown }).holdout).toBeNull();
    expect(fit.stderr).toMatch(/note: no order comes after 2030-01-01, so there is no holdout/);
  });

  it('still writes --out files that it can', async () => {
    const out = join(dir, 'report.csv');
    const result = await cli('report', '--metrics', 'orders', '--out', out);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/wrote 1 metrics to/);
  });

  it('says when a profile search was cut at --limit, and keeps the JSON list at the limit', async () => {
    const cut = await cli('profiles', 'search', 'example', '--limit', '5');
    expect(cut.exitCode, cut.stderr).toBe(0);
    expect(cut.stdout.trim().split('\n')).toHaveLength(5);
    expect(cut.stderr).toMatch(/showing the first 5 profiles that match "example"; --limit N \(up to 100\) for more/);
    const json = await cli('profiles', 'search', 'example', '--limit', '5', '--json');
    expect((JSON.parse(json.stdout) as { profiles: unknown[] }).profiles).toHaveLength(5);
    const all = await cli('profiles', 'search', 'example', '--limit', '100');
    expect(all.stderr).toMatch(/showing the first 100 profiles .*the most a search shows/);
  });

  it('counts the matches of a profile search that were not cut', async () => {
    const few = await cli('profiles', 'search', 'example', '--limit', '100', '--json');
    const n = (JSON.parse(few.stdout) as { profiles: unknown[] }).profiles.length;
    const email = (JSON.parse(few.stdout) as { profiles: { emails: string[] }[] }).profiles[0]?.emails[0] ?? '';
    const one = await cli('profiles', 'search', email);
    expect(n).toBeGreaterThan(0);
    expect(one.exitCode, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/^\d+ profiles match "/);
    expect(one.stderr).not.toMatch(/showing the first/);
  });

  it('heads every column of the KPI catalog', async () => {
    const result = await cli('metrics', '--list');
    expect(result.exitCode, result.stderr).toBe(0);
    const [header, dashes] = result.stdout.split('\n');
    expect(header?.trim().split(/ {2,}/)).toEqual(['id', 'label', 'unit', 'tag', 'flags']);
    expect(dashes?.trim().split(/ {2,}/)).toHaveLength(5);
  });

  it.each(['revenue', 'aov', 'orders', 'repeat_purchase_rate'])('prints every number column of the %s table with the same decimals', async (metric) => {
    const result = await cli('metrics', metric, '--grain', 'month');
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = tableRows(result.stdout);
    expect(rows.length).toBeGreaterThan(2);
    for (let c = 1; c < (rows[0]?.length ?? 0); c++) {
      const cells = rows.map((r) => r[c] ?? '').filter((cell) => cell !== '—');
      expect(new Set(cells.map(decimals)), `column ${c}: ${cells.join(' | ')}`).toHaveProperty('size', Math.min(cells.length, 1));
    }
  });

  it('prints the numerator of a money KPI as money, with two decimals', async () => {
    const rows = tableRows((await cli('metrics', 'aov', '--grain', 'month')).stdout);
    for (const r of rows) if (r[2] !== '—') expect(r[2]).toMatch(/\.\d\d$/);
  });
});
