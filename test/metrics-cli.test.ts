// The KPI engine from the outside: `tessera metrics` and `tessera report` as a user runs them (a
// custom KPI and a benchmark declared in tessera.config.yaml, no code), and the same answers over
// the read API. Needs `npm run build`.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/server/index.js';
import { loadKpiShop } from './fixtures/metrics/kpi-shop.js';
import { runCli } from './helpers/cli.js';
import { createTestKeys, makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

const config = `
metrics:
  custom:
    - id: eur_revenue
      label: Revenue in euros
      unit: currency
      tag: lagging
      description: Base-currency revenue of the orders placed in EUR.
      counts: orders placed in EUR, net of refunds
      numerator: { source: orders, aggregate: sum, field: revenue, where: [{ field: currency, op: eq, value: EUR }] }
    - id: eur_share
      label: Share of orders in euros
      unit: percent
      tag: lagging
      description: Orders placed in EUR / orders.
      counts: orders in EUR
      scale: 100
      numerator: { source: orders, aggregate: count, where: [{ field: currency, op: eq, value: EUR }] }
      denominator: { source: orders, aggregate: count }
  benchmarks:
    revenue: { target: 300 }
`;

let root: string;
let dataDir: string;
let cwd: string;
let readKey: string;

beforeAll(async () => {
  root = await makeTempDir('tessera-kpi-cli-');
  dataDir = join(root, 'data');
  cwd = join(root, 'project');
  await mkdir(cwd);
  await writeFile(join(cwd, 'tessera.config.yaml'), config);
  const ws = await openTestWorkspace(dataDir);
  await loadKpiShop(ws, root);
  readKey = (await createTestKeys(ws)).readKey;
  await ws.close();
});

afterAll(async () => {
  await removeDir(root);
});

const months = ['--grain', 'month', '--from', '2024-01-01', '--to', '2024-04-01'];

describe('tessera metrics', () => {
  it('answers a custom KPI declared in the config, without code', async () => {
    const r = await runCli(['metrics', 'eur_revenue', ...months, '--json'], { cwd, dataDir });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { metric: string; series: { period: string; value: number }[] };
    // O2 (55 less the 11 refunded) in January, O7 (24) in February.
    expect(j.series.map((p) => [p.period, p.value])).toEqual([
      ['2024-01', 44],
      ['2024-02', 24],
      ['2024-03', 0],
    ]);
    const share = JSON.parse((await runCli(['metrics', 'eur_share', ...months, '--json'], { cwd, dataDir })).stdout) as { series: { value: number }[] };
    // 1 of 3, 1 of 3, 0 of 1.
    expect(share.series.map((p) => p.value)).toEqual([33.3333, 33.3333, 0]);
  });

  it('exits 1 with one line on stderr and nothing on stdout for an unknown metric', async () => {
    const r = await runCli(['metrics', 'no_such_kpi', '--json'], { cwd, dataDir });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('tessera metrics --list');
  });

  it('refuses an invalid custom KPI, naming what to fix', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad, { recursive: true });
    await writeFile(
      join(bad, 'tessera.config.yaml'),
      'metrics:\n  custom:\n    - { id: broken, label: B, unit: count, tag: lagging, description: d, counts: c, numerator: { source: orders, aggregate: sum, field: no_such_field } }\n',
    );
    const r = await runCli(['metrics', 'orders', '--json'], { cwd: bad, dataDir });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no_such_field');
  });
});

describe('tessera report', () => {
  it('prints several KPIs over the same months as CSV', async () => {
    const r = await runCli(['report', '--metrics', 'orders,revenue,eur_revenue', ...months, '--format', 'csv'], { cwd, dataDir });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('metric,label,unit,group,period,start,end,value,numerator,denominator,previous,change');
    expect(lines).toContain('revenue,Revenue,currency,,2024-02,2024-02-01,2024-03-01,94,94,,194,-51.5464');
    expect(lines).toContain('eur_revenue,Revenue in euros,currency,,total,2024-01-01,2024-04-01,68,68,,0,');
    // Three KPIs of three months and a total each, and the header.
    expect(lines).toHaveLength(1 + 3 * 4);
  });
});

describe('tessera benchmarks', () => {
  it("sets a target over the config's, and clearing it brings the config's back", async () => {
    const revenue = async () => (JSON.parse((await runCli(['metrics', 'revenue', ...months, '--json'], { cwd, dataDir })).stdout) as { total: { benchmark: unknown } }).total.benchmark;
    expect(await revenue()).toMatchObject({ target: 300, status: 'on_track' });
    const set = await runCli(['benchmarks', 'set', 'revenue', '--target', '400', '--json'], { cwd, dataDir });
    expect(set.exitCode).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ metric: 'revenue', target: 400, better: 'higher', baseline: null, source: 'stored' });
    // 358 over the three months is short of 400.
    expect(await revenue()).toMatchObject({ target: 400, status: 'off_track' });
    const list = JSON.parse((await runCli(['benchmarks', 'list', '--json'], { cwd, dataDir })).stdout) as { benchmarks: { metric: string; source: string }[] };
    expect(list.benchmarks).toContainEqual(expect.objectContaining({ metric: 'revenue', source: 'stored' }));
    expect((await runCli(['benchmarks', 'clear', 'revenue'], { cwd, dataDir })).exitCode).toBe(0);
    expect(await revenue()).toMatchObject({ target: 300, status: 'on_track' });
  });

  it('exits 1 naming the flag when a target is not a number', async () => {
    const r = await runCli(['benchmarks', 'set', 'revenue', '--target', 'lots'], { cwd, dataDir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('--target must be a number');
  });
});

describe('the read API', () => {
  it('returns what the CLI prints, behind a read token, with the catalog and benchmarks of the config', async () => {
    const cli = JSON.parse((await runCli(['metrics', 'repeat_purchase_rate', ...months, '--json'], { cwd, dataDir })).stdout) as unknown;
    const { TesseraConfig } = await import('../src/contract/index.js');
    const { openWorkspace } = await import('../src/server/index.js');
    const { parse } = await import('yaml');
    const { pino } = await import('pino');
    const ws = await openWorkspace(TesseraConfig.parse({ dataDir, logLevel: 'silent', ...(parse(config) as object) }), pino({ level: 'silent' }));
    const app = await createApp({ store: ws.store, ingestor: ws.ingestor, keys: ws.keys, config: ws.config, logger: ws.logger, localToken: 'local-test-token' });
    try {
      const auth = { authorization: `Bearer ${readKey}` };
      const url = '/api/v1/metrics/repeat_purchase_rate?grain=month&from=2024-01-01&to=2024-04-01';
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
      const api = await app.inject({ method: 'GET', url, headers: auth });
      expect(api.statusCode).toBe(200);
      expect(api.json()).toEqual(cli);

      const list = (await app.inject({ method: 'GET', url: '/api/v1/metrics', headers: auth })).json() as { metrics: { id: string; custom: boolean }[] };
      expect(list.metrics.find((m) => m.id === 'eur_share')?.custom).toBe(true);
      expect(list.metrics.find((m) => m.id === 'repeat_purchase_rate')?.custom).toBe(false);

      // 358 over the three months against the config's target of 300.
      const revenue = await app.inject({ method: 'GET', url: '/api/v1/metrics/revenue?from=2024-01-01&to=2024-04-01', headers: auth });
      expect((revenue.json() as { total: unknown }).total).toMatchObject({ value: 358, benchmark: { target: 300, status: 'on_track' } });
      const unknown = await app.inject({ method: 'GET', url: '/api/v1/metrics/no_such_kpi', headers: auth });
      expect(unknown.statusCode).toBe(404);
      const badGrain = await app.inject({ method: 'GET', url: '/api/v1/metrics/orders?grain=fortnight', headers: auth });
      expect(badGrain.statusCode).toBe(400);
      expect((badGrain.json() as { error: { message: string } }).error.message).toContain('grain must be one of');

      const report = await app.inject({ method: 'GET', url: '/api/v1/report?metrics=orders,aov&grain=quarter&from=2024-01-01&to=2024-04-01&format=csv', headers: auth });
      expect(report.headers['content-type']).toContain('text/csv');
      // 7 orders, 358 / 7 in Q1.
      expect(report.body).toContain('orders,Orders,count,,2024-Q1,2024-01-01,2024-04-01,7,7,,0,');
      expect(report.body).toContain('aov,Average order value,currency,,2024-Q1,2024-01-01,2024-04-01,51.1429,358,7,,');
    } finally {
      await app.close();
      await ws.close();
    }
  });
});
