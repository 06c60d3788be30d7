// KPI alerts on the hand-computed KPI shop: rules from config fire once per rule and period, resolve
// when their condition stops holding, reach the live feed's notifier, and read the same over the
// API and the CLI. Data ends on 2024-03-16, so "complete" months end with February.

import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertCheck } from '../src/activation/index.js';
import { AlertsConfig, TesseraConfig, type Alert } from '../src/contract/index.js';
import { createApp, openWorkspace, type Workspace } from '../src/server/index.js';
import { loadKpiShop } from './fixtures/metrics/kpi-shop.js';
import { runCli } from './helpers/cli.js';
import { uniqueId } from './helpers/messages.js';
import { createTestKeys, makeTempDir, removeDir, testConfig } from './helpers/workspace.js';

const rules = [
  // February 94 against January 194: -51.5%.
  { id: 'revenue-drop', metric: 'revenue', grain: 'month', when: { change_below: -40 } },
  { id: 'orders-high', metric: 'orders', grain: 'month', when: { above: 100 } },
  // March so far: O9, 70.
  { id: 'march-low', metric: 'revenue', grain: 'month', period: 'current', when: { below: 100 } },
  { id: 'vip-drop', metric: 'revenue', grain: 'month', segment: 'no-such-segment', when: { change_below: -40 } },
];

let root: string;
let ws: Workspace;
let app: FastifyInstance;
let token: string;
const notices: AlertCheck[] = [];

beforeAll(async () => {
  root = await makeTempDir('tessera-alerts-');
  const config = TesseraConfig.parse({ ...testConfig(`${root}/data`), alerts: { rules } });
  ws = await openWorkspace(config, pino({ level: 'silent' }));
  await loadKpiShop(ws, root);
  token = (await createTestKeys(ws)).readKey;
  ws.notifier.on((n) => notices.push(n.check));
  app = await createApp({ store: ws.store, ingestor: ws.ingestor, keys: ws.keys, config, logger: ws.logger, localToken: 'local', notifier: ws.notifier });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await ws?.close();
  await removeDir(root);
});

const auth = () => ({ authorization: `Bearer ${token}` });
const check = async () => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/alerts/check', headers: auth() });
  expect(res.statusCode).toBe(200);
  return res.json<AlertCheck>();
};

describe('KPI alerts', () => {
  it('fire for the rules whose condition holds, saying what and why', async () => {
    const first = await check();
    expect(first.cutoff).toBe('2024-03-17');
    expect(first.fired.map((a) => a.id).sort()).toEqual(['march-low@2024-03', 'revenue-drop@2024-02']);
    const drop = first.fired.find((a) => a.rule === 'revenue-drop') as Alert;
    expect(drop).toMatchObject({ metric: 'revenue', label: 'Revenue', period: '2024-02', start: '2024-02-01', end: '2024-03-01', value: 94, previous: 194, status: 'open' });
    expect(drop.change).toBeCloseTo(-51.5464, 3);
    expect(drop.message).toBe('Revenue: 94.00 in 2024-02, down 51.55% on the month before (194.00). Alert when change below -40%.');
    expect(first.fired.find((a) => a.rule === 'march-low')).toMatchObject({ value: 70, start: '2024-03-01', end: '2024-03-17' });
    // One rule failing does not stop the others.
    expect(first.errors).toEqual([{ rule: 'vip-drop', error: expect.stringContaining('no-such-segment') }]);
    expect(notices.at(-1)?.fired).toHaveLength(2);
  });

  it('fire once per rule and period however often they are checked', async () => {
    const before = notices.length;
    const again = await check();
    expect(again.fired).toEqual([]);
    expect(again.resolved).toEqual([]);
    expect(notices.length).toBe(before);
  });

  it('resolve when new data makes the condition stop holding', async () => {
    await ws.ingestor.accept(
      [{ type: 'track', messageId: uniqueId('o10'), userId: 'bob', event: 'Order Completed', timestamp: '2024-03-10T10:00:00Z', context: { channel: 'import' }, properties: { order_id: 'O10', total: 50, currency: 'USD' } }],
      { source: 'test', location: 'alerts-test' },
    );
    await ws.ingestor.flush();
    await ws.identity.refresh();
    const after = await check();
    expect(after.fired).toEqual([]);
    expect(after.resolved.map((a) => [a.id, a.status])).toEqual([['march-low@2024-03', 'resolved']]);
    const open = await app.inject({ method: 'GET', url: '/api/v1/alerts?status=open', headers: auth() });
    expect(open.json<{ alerts: Alert[] }>().alerts.map((a) => a.id)).toEqual(['revenue-drop@2024-02']);
    const all = await app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth() });
    expect(all.json<{ alerts: Alert[] }>().alerts.map((a) => [a.id, a.status]).sort()).toEqual([
      ['march-low@2024-03', 'resolved'],
      ['revenue-drop@2024-02', 'open'],
    ]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(401);
  });

  it('list the rules in force', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/alerts/rules', headers: auth() });
    expect(res.json()).toEqual({ interval_seconds: 60, rules: AlertsConfig.parse({ rules }).rules });
  });

  it('refuse to start on a rule watching an unknown or table KPI, naming it', async () => {
    for (const [metric, says] of [
      ['no_such_kpi', 'alerts.rules[0].metric: unknown metric "no_such_kpi"'],
      ['top_traffic_sources', 'no single value'],
    ] as const) {
      const config = TesseraConfig.parse({ ...testConfig(`${root}/data`), alerts: { rules: [{ id: 'x', metric, when: { above: 1 } }] } });
      await expect(createApp({ store: ws.store, ingestor: ws.ingestor, keys: ws.keys, config, logger: ws.logger, localToken: 'local' })).rejects.toThrow(says);
    }
  });
});

describe('tessera alerts', () => {
  it('lists the alerts as JSON, the same as the API', async () => {
    const api = (await app.inject({ method: 'GET', url: '/api/v1/alerts?status=open', headers: auth() })).json<unknown>();
    await app.close();
    await ws.close();
    const cwd = root;
    const { writeFile } = await import('node:fs/promises');
    const { stringify } = await import('yaml');
    await writeFile(`${root}/tessera.config.yaml`, stringify({ alerts: { rules } }));
    const r = await runCli(['alerts', 'list', '--status', 'open', '--json'], { cwd, dataDir: `${root}/data` });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(api);
    const checked = await runCli(['alerts', 'check', '--json'], { cwd, dataDir: `${root}/data` });
    expect(checked.exitCode).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ cutoff: '2024-03-17', fired: [], resolved: [] });
  });
});
