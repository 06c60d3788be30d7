// The facts follow the log incrementally: events arriving in several loads, a late event that
// bridges two sessions, and an identity merge after the fact must give the same KPIs as a full
// rebuild from the whole log.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { TesseraConfig } from '../src/contract/index.js';
import { answerMetric, listCatalog, openMetrics, refreshFacts, type MetricsDeps } from '../src/metrics/index.js';
import { openWorkspace, type Workspace } from '../src/server/index.js';
import { kpiShopMessages, loadKpiShop } from './fixtures/metrics/kpi-shop.js';
import { uniqueId } from './helpers/messages.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';
import { sql } from '../src/store/index.js';

let dir: string;
let ws: Workspace;
let deps: MetricsDeps;

beforeAll(async () => {
  dir = await makeTempDir('tessera-kpi-refresh-');
  ws = await openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent' }), pino({ level: 'silent' }));
  deps = openMetrics(ws.store, ws.config);
});

afterAll(async () => {
  await ws.close();
  await removeDir(dir);
});

/** Every series KPI, monthly over the fixture's months, as one comparable value. */
async function everyKpi(): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  for (const m of listCatalog(deps)) all[m.id] = await answerMetric(deps, { metric: m.id, grain: 'month', from: '2024-01-01', to: '2024-04-01' });
  return all;
}

describe('incremental fact refresh', () => {
  it('gives the same KPIs as a full rebuild after loads in pieces, a bridging event and an identity merge', async () => {
    const messages = kpiShopMessages();
    const half = Math.floor(messages.length / 2);
    await loadKpiShop(ws, dir, messages.slice(0, half));
    expect((await refreshFacts(ws.store, ws.config.workspace)).full).toBe(true);
    await loadKpiShop(ws, dir, messages.slice(half));
    const second = await refreshFacts(ws.store, ws.config.workspace);
    expect(second).toMatchObject({ full: false, upToDate: false });

    // anon-1's S2 (10:45) and S3 (11:20) are 35 minutes apart; a call at 11:00 makes them one session.
    // Then anon-1 identifies as alice: their sessions and visitors merge into alice's.
    await loadKpiShop(ws, dir, [
      { type: 'page', messageId: uniqueId('late'), anonymousId: 'anon-1', timestamp: '2024-02-01T11:00:00Z', name: 'Page', properties: { path: '/x' } },
      { type: 'identify', messageId: uniqueId('merge'), anonymousId: 'anon-1', userId: 'alice', timestamp: '2024-02-15T00:00:00Z', traits: {} },
    ]);
    const third = await refreshFacts(ws.store, ws.config.workspace);
    expect(third.full).toBe(false);
    expect(third.rekeyedEvents).toBeGreaterThan(0);
    const incremental = await everyKpi();

    // S2 and S3 are one session now: 7 in February; anon-1 is alice, so 5 visitors.
    expect((incremental['sessions'] as { series: { value: number }[] }).series[1]?.value).toBe(7);
    expect((incremental['visitors'] as { series: { value: number }[] }).series[1]?.value).toBe(5);

    expect((await refreshFacts(ws.store, ws.config.workspace, { full: true })).full).toBe(true);
    expect(await everyKpi()).toEqual(incremental);
  });
});

describe('incremental sessions', () => {
  const view = (id: string, time: string) => ({ type: 'page' as const, messageId: uniqueId(id), anonymousId: 'anon-bridge', timestamp: `2024-03-05T${time}:00Z`, name: 'Page', properties: { path: '/b' } });
  const sessionsOfVisitor = async (): Promise<string[]> => {
    const rows = await ws.store.query<{ start_ts: Date; end_ts: Date; calls: number }>(
      sql`SELECT s.start_ts, s.end_ts, s.calls FROM sessions s JOIN customer_keys k ON k.key = s.visitor_key
        JOIN customer_map m ON m.customer_id = k.id WHERE m.type = 'anon' AND m.value = 'anon-bridge' ORDER BY s.start_ts`,
    );
    return rows.map((r) => `${r.start_ts.toISOString().slice(11, 16)}–${r.end_ts.toISOString().slice(11, 16)} ×${r.calls}`);
  };

  it('redoes a visitor from the first session a late call can join, and gives what a full rebuild gives', async () => {
    // 10:00–10:20, then 11:00 (40 minutes later: a new session), then 13:00 and 13:10.
    await loadKpiShop(ws, dir, [view('b1', '10:00'), view('b2', '10:20'), view('b3', '11:00'), view('b4', '13:00'), view('b5', '13:10')]);
    await refreshFacts(ws.store, ws.config.workspace);
    expect(await sessionsOfVisitor()).toEqual(['10:00–10:20 ×2', '11:00–11:00 ×1', '13:00–13:10 ×2']);
    // 10:45 is within 30 minutes of 10:20 and of 11:00: the first two become one; 13:00 stays apart.
    await loadKpiShop(ws, dir, [view('b6', '10:45')]);
    const late = await refreshFacts(ws.store, ws.config.workspace);
    expect(late).toMatchObject({ full: false, rekeyedEvents: 0 });
    const incremental = await sessionsOfVisitor();
    expect(incremental).toEqual(['10:00–11:00 ×4', '13:00–13:10 ×2']);
    // A call long after joins nothing; one just after the last session extends it.
    await loadKpiShop(ws, dir, [view('b7', '13:35'), view('b8', '18:00')]);
    await refreshFacts(ws.store, ws.config.workspace);
    const extended = await sessionsOfVisitor();
    expect(extended).toEqual(['10:00–11:00 ×4', '13:00–13:35 ×3', '18:00–18:00 ×1']);
    const kpis = await everyKpi();
    await refreshFacts(ws.store, ws.config.workspace, { full: true });
    expect(await sessionsOfVisitor()).toEqual(extended);
    expect(await everyKpi()).toEqual(kpis);
  });
});
