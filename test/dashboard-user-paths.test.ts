// The dashboard as a new user meets it: controls that must do what they say, every KPI reachable, a
// customer's whole history, a phone screen, a refused token. Real `tessera serve`, real headless chromium.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import { importDemoShop } from './helpers/demo-shop.js';
import { basicAuth, makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
let dataDir: string;
let readKey: string;
let server: ServeProcess;
let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
  dir = await makeTempDir('tessera-dashboard-paths-');
  ({ dataDir, readKey } = await importDemoShop(dir, 300));
  server = await startServe(dataDir, { timeoutMs: 60_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await removeDir(dir);
});

async function open(path: string, options: { token?: string; width?: number } = {}): Promise<{ page: Page; consoleErrors: string[] }> {
  const { page, consoleErrors } = await browser.newPage();
  if (options.width) await page.setViewportSize({ width: options.width, height: 844 });
  await page.goto(`${server.url}${path}#token=${options.token ?? readKey}`);
  return { page, consoleErrors };
}

/** Waits until no part of the page says it is loading. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction("!document.body.innerText.includes('Loading') && !document.body.innerText.includes('Counting…') && !document.body.innerText.includes('Finding the latest')", undefined, {
    timeout: 30_000,
  });
}

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${readKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  expect(response.status, `${init.method ?? 'GET'} ${path}`).toBeLessThan(300);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await runCli([...args, '--json'], { dataDir, timeoutMs: 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** The customer with the most events in the shop's event file, as `tessera profile` gives them. */
async function busiestCustomer(): Promise<{ customer_id: string; computed: { events: number } }> {
  const counts = new Map<string, number>();
  for (const line of (await readFile(join(dir, 'files', 'events.ndjson'), 'utf8')).split('\n')) {
    const userId = /"userId":"([^"]+)"/.exec(line)?.[1];
    if (userId) counts.set(userId, (counts.get(userId) ?? 0) + 1);
  }
  const [userId] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  expect(userId).toBeTruthy();
  return cliJson(['profile', `user:${userId!}`]);
}

/** The live count's number once it is for `rule`. */
async function countFor(page: Page, rule: unknown): Promise<number> {
  await page.waitForSelector(`[data-testid=preview-count][data-rule='${JSON.stringify(rule)}']`, { timeout: 30_000 });
  return Number((await page.locator('[data-testid=preview-count] strong').innerText()).replace(/[^0-9]/g, ''));
}

describe('the dashboard as a new user meets it', () => {
  it('shows no change anywhere when Compare to is nothing: tiles, KPI headline, table and breakdown', async () => {
    const overview = await open('/?compare=none&from=2025-01-01&to=2026-01-01');
    await overview.page.waitForSelector('[data-testid=kpi-tile] [data-testid=kpi-value]');
    await settled(overview.page);
    await expect(overview.page.locator('.tile-change').count()).resolves.toBe(0);
    await expect(overview.page.locator('main').innerText()).resolves.not.toMatch(/vs the period before|no comparison/);
    const kpi = await open('/kpi/revenue?compare=none&breakdown=currency&from=2025-01-01&to=2026-01-01');
    await kpi.page.waitForSelector('[data-testid=kpi-total]');
    await kpi.page.waitForSelector('section[aria-label=Breakdown] table');
    await settled(kpi.page);
    await expect(kpi.page.locator('.headline-figure').innerText()).resolves.not.toMatch(/comparison|compare/);
    await expect(kpi.page.locator('section[aria-label=Table] thead th').allInnerTexts()).resolves.toEqual(['Period', 'Value', 'Numerator', 'Denominator']);
    await expect(kpi.page.locator('section[aria-label=Breakdown] thead th').allInnerTexts()).resolves.toEqual(['currency', 'Whole range']);
    // The same page with a comparison chosen still shows it.
    const compared = await open('/kpi/revenue?from=2025-01-01&to=2026-01-01');
    await compared.page.waitForSelector('[data-testid=kpi-total]');
    await expect(compared.page.locator('section[aria-label=Table] thead th').allInnerTexts()).resolves.toContain('Change');
  });

  it('keeps All data chosen on the overview through a reload and a visit to a KPI page, the tiles over all of the data', async () => {
    const whole = await api<{ total: { value: number } }>('/metrics/orders?grain=month');
    const { page } = await open('/');
    await page.waitForURL(/from=/);
    await page.getByRole('button', { name: 'All data' }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === 'all' && !url.searchParams.has('from'));
    await page.reload();
    await page.waitForSelector('[data-metric=orders] [data-testid=kpi-value]');
    await settled(page);
    expect(new URL(page.url()).searchParams.has('from')).toBe(false);
    await expect(page.locator('[data-metric=orders]').getAttribute('data-value')).resolves.toBe(String(whole.total.value));
    await page.locator('[data-metric=orders]').click();
    await page.waitForSelector('[data-testid=kpi-total]');
    await page.locator('.crumbs a').click();
    await page.waitForSelector('[data-metric=orders] [data-testid=kpi-value]');
    await settled(page);
    expect(new URL(page.url()).searchParams.has('from')).toBe(false);
    await expect(page.locator('[data-metric=orders]').getAttribute('data-value')).resolves.toBe(String(whole.total.value));
  });

  it('links every KPI of the catalog from the overview, those without a tile under More KPIs', async () => {
    const catalog = await api<{ metrics: { id: string }[] } | { id: string }[]>('/metrics');
    const ids = (Array.isArray(catalog) ? catalog : catalog.metrics).map((m) => m.id);
    const { page } = await open('/');
    await page.waitForSelector('[data-testid=other-kpis] a');
    await settled(page);
    const linked = await page.$$eval('[data-testid=kpi-tile], [data-testid=other-kpis] a', (els) =>
      els.map((e) => e.getAttribute('data-metric') ?? (e.getAttribute('href') ?? '').replace(/^\/kpi\/([^?]+).*$/, '$1')),
    );
    expect([...linked].sort()).toEqual([...ids].sort());
  });

  it("shows a table KPI's rows, one per source, as the API answers them", async () => {
    const answer = await api<{ total: { rows: { group: string; sessions: number }[] } }>('/metrics/top_traffic_sources?grain=month');
    expect(answer.total.rows.length).toBeGreaterThan(0);
    const { page } = await open('/kpi/top_traffic_sources');
    await page.waitForSelector('[data-testid=kpi-table] tbody tr');
    await settled(page);
    await expect(page.locator('[data-testid=kpi-table] tbody th').allInnerTexts()).resolves.toEqual(answer.total.rows.map((r) => r.group));
    await expect(page.locator('[data-testid=kpi-table] tbody tr').first().locator('td').first().innerText()).resolves.toBe(answer.total.rows[0]!.sessions.toLocaleString('en-US'));
  });

  it("pages a customer's timeline back to their first event", async () => {
    const profile = await busiestCustomer();
    expect(profile.computed.events).toBeGreaterThan(100);
    const { page } = await open(`/customers/${encodeURIComponent(profile.customer_id)}`);
    await page.waitForSelector('[data-testid=timeline] li');
    await settled(page);
    const older = page.getByRole('button', { name: 'Older events' });
    while ((await older.count()) > 0) {
      const shown = await page.locator('[data-testid=timeline] li').count();
      await older.click();
      await page.waitForFunction(`document.querySelectorAll('[data-testid=timeline] li').length > ${shown}`);
    }
    const seqs = await page.$$eval('[data-testid=timeline] li', (lis) => lis.map((li) => li.getAttribute('data-seq')));
    expect(new Set(seqs).size).toBe(profile.computed.events);
    await expect(page.locator('main').innerText()).resolves.toContain('back to the first');
    // An order both the web stream and the orders export sent is said to be one, on the event that repeats it.
    const repeats: string[] = [];
    let next: string | null = null;
    do {
      const body: { events: { seq: number; repeat_of?: number }[]; next: string | null } = await api(
        `/profiles/${encodeURIComponent(profile.customer_id)}/timeline?limit=1000${next ? `&before=${next}` : ''}`,
      );
      repeats.push(...body.events.filter((e) => e.repeat_of !== undefined).map((e) => String(e.seq)));
      next = body.next;
    } while (next);
    expect(repeats.length).toBeGreaterThan(0);
    const marked = await page.$$eval('[data-testid=timeline] li:has([data-testid=repeat])', (lis) => lis.map((li) => li.getAttribute('data-seq')));
    expect(marked.sort()).toEqual(repeats.sort());
  });

  it("counts an RFM segment's != as every other customer of the rule", async () => {
    const { page } = await open('/segments');
    const base = { fact: 'orders', op: 'gte', value: 2 };
    const all = await countFor(page, { all: [base] });
    await page.getByRole('button', { name: 'Add a condition' }).click();
    await page.getByLabel('Field of condition 2').selectOption('rfm:segment');
    await expect(page.getByLabel('Operator of condition 2').locator('option').allInnerTexts()).resolves.toEqual(['=', '!=']);
    await page.getByLabel('Value of condition 2').fill('Champions');
    const champions = await countFor(page, { all: [base, { rfm: { segment: ['Champions'] } }] });
    await page.getByLabel('Operator of condition 2').selectOption('!=');
    const others = await countFor(page, { all: [base, { not: { rfm: { segment: ['Champions'] } } }] });
    expect(champions + others).toBe(all);
  });

  it('tells a search for an email nobody has that no customer matches, not that the search failed', async () => {
    const { page } = await open(`/customers?q=${encodeURIComponent('nobody@nowhere.example')}`);
    await page.waitForSelector('#page-title');
    await settled(page);
    await expect(page.locator('main').innerText()).resolves.toContain('No customer matches “nobody@nowhere.example”.');
    await expect(page.locator('[role=alert]').count()).resolves.toBe(0);
  });

  it('says a refused token was refused, then goes live with the right one without a reload', async () => {
    const { page } = await open('/kpi/revenue', { token: 'tsk_r_not-a-token' });
    await page.waitForSelector('[data-testid=token-refused]');
    await expect(page.locator('[data-testid=token-refused]').innerText()).resolves.toMatch(/refused that token/);
    await page.fill('#token', readKey);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.waitForSelector('header .live-open', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=kpi-total]');
  });

  it('keeps every page within a 390 px phone screen: no page scrolls sideways', async () => {
    const profile = await busiestCustomer();
    for (const path of ['/', '/kpi/revenue', '/retention', '/segments', '/data', `/customers/${encodeURIComponent(profile.customer_id)}`]) {
      const { page } = await open(path, { width: 390 });
      await page.waitForSelector('#page-title');
      await settled(page);
      const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
      expect(scrollWidth, path).toBeLessThanOrEqual(clientWidth);
      await page.context().close();
    }
  });

  it('adds a new source to the sources table as its first events arrive, without a reload', async () => {
    const { page } = await open('/data');
    await page.waitForSelector('[data-testid=live-status]:has-text("live")');
    await page.waitForSelector('[data-testid=sources]');
    const created = await runCli(['keys', 'create', '--name', 'pos-terminal'], { dataDir });
    expect(created.exitCode, created.stderr).toBe(0);
    const response = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basicAuth(created.stdout.trim()), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'pos-buyer', event: 'Store Visited' }),
    });
    expect(response.status).toBe(200);
    await page.waitForSelector('[data-testid=sources] th:text-is("pos-terminal")', { timeout: 20_000 });
  });

  it('says a tile is off or on track against its baseline when the KPI has a baseline and no target', async () => {
    await api('/metrics/aov/benchmark', { method: 'PUT', body: { baseline: { from: '2024-01-01', to: '2024-07-01' } } });
    try {
      const { page } = await open('/');
      await page.waitForSelector('[data-metric=aov] .tile-target');
      await expect(page.locator('[data-metric=aov] .tile-target').innerText()).resolves.toMatch(/^(On|Off) track against baseline$/);
    } finally {
      await api('/metrics/aov/benchmark', { method: 'DELETE' });
    }
  });

  it('says the month in progress is so far, in the table and on the chart axis, and the month before it is not', async () => {
    const now = new Date();
    const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
    const { page } = await open(`/kpi/orders?grain=month&from=${month(-1)}&to=${month(1)}`);
    await page.waitForSelector('[data-testid=kpi-total]');
    await expect(page.locator('section[aria-label=Table] tbody th').allInnerTexts()).resolves.toEqual([month(-1).slice(0, 7), `${month(0).slice(0, 7)} (so far)`]);
  });
});
