// `events export` is how a user takes every message out again (product.md): a shop's export imported into an
// empty workspace must be that shop, not a near copy. Every message, every KPI and every profile come back the same.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportProfiles, readProfile } from '../src/identity/index.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { importDemoShop } from './helpers/demo-shop.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

function ok(result: CliResult): string {
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout;
}

describe('a shop exported and imported into an empty workspace', () => {
  let dir: string;
  let shop: string;
  let copy: string;
  const cli = (dataDir: string, ...args: string[]) => runCli(args, { dataDir, timeoutMs: 120_000 });
  const sortedLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').sort();

  beforeAll(async () => {
    dir = await makeTempDir('tessera-round-trip-');
    shop = (await importDemoShop(dir, 150)).dataDir;
    copy = join(dir, 'copy');
    ok(await cli(shop, 'events', 'export', '--out', join(dir, 'shop.ndjson')));
    // Rates are the workspace's table, not events: the copy is given the same table, as a user moving a shop would.
    ok(await cli(copy, 'rates', 'import', join(dir, 'files', 'rates.csv')));
    const imported = await cli(copy, 'import', join(dir, 'shop.ndjson'));
    ok(imported);
    // The summary is a diagnostic: stderr (product.md).
    expect(imported.stderr).toMatch(/ 0 duplicates skipped, 0 quarantined/);
    ok(await cli(copy, 'events', 'export', '--out', join(dir, 'copy.ndjson')));
  }, 300_000);
  afterAll(async () => {
    await removeDir(dir);
  });

  it('holds every message as it was exported, times, ids and standardized fields included', () => {
    const before = sortedLines(join(dir, 'shop.ndjson'));
    expect(before.length).toBeGreaterThan(5_000);
    expect(sortedLines(join(dir, 'copy.ndjson'))).toEqual(before);
  });

  it('gives every KPI of the catalog the same series', async () => {
    const catalog = JSON.parse(ok(await cli(shop, 'metrics', '--list', '--json'))) as { metrics: { id: string; kind: string }[] };
    const ids = catalog.metrics.filter((k) => k.kind === 'series').map((k) => k.id);
    expect(ids.length).toBeGreaterThan(10);
    const report = async (dataDir: string) => JSON.parse(ok(await cli(dataDir, 'report', '--metrics', ids.join(','), '--json'))) as unknown;
    const original = await report(shop);
    expect(JSON.stringify(original)).toMatch(/"value":[1-9]/);
    expect(await report(copy)).toEqual(original);
  });

  it('resolves the same customers with the same profiles', async () => {
    ok(await cli(shop, 'profiles', 'export', '--format', 'ndjson', '--out', join(dir, 'p1.ndjson')));
    ok(await cli(copy, 'profiles', 'export', '--format', 'ndjson', '--out', join(dir, 'p2.ndjson')));
    const before = sortedLines(join(dir, 'p1.ndjson'));
    expect(before.length).toBeGreaterThan(100);
    expect(sortedLines(join(dir, 'p2.ndjson'))).toEqual(before);
    // The anonymous ids the shop's imports made up stay hidden in the copy too, whose events came from one NDJSON file.
    const madeUp = before.filter((line) => /"type":"anon","value":"(orders|customers):/.test(line));
    expect(madeUp).toEqual([]);
  });

  // A profile reads one customer's events by a narrower path than the export's set queries over every event: they
  // must find the same events (orders refunded under another identity, guest orders, import-made ids) for everyone.
  it("shows on every customer's profile what the export says of them", async () => {
    const ws = await openTestWorkspace(shop);
    try {
      const exported = [];
      for await (const chunk of exportProfiles(ws.store)) exported.push(...chunk);
      expect(exported.filter((p) => Number(p.computed['orders']) > 0).length).toBeGreaterThan(50);
      for (const line of exported) {
        const profile = await readProfile(ws.store, ws.identity, line.customer_id);
        expect({ id: profile.customer_id, traits: profile.traits, computed: profile.computed }).toEqual({ id: line.customer_id, traits: line.traits, computed: line.computed });
        expect(profile.identifiers.map(({ type, value }) => `${type}:${value}`).sort()).toEqual(line.identifiers.map(({ type, value }) => `${type}:${value}`).sort());
      }
    } finally {
      await ws.close();
    }
  }, 300_000);
});
