// The dashboard end to end: real `tessera serve` on a small imported demo shop, real headless chromium.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import { importDemoShop } from './helpers/demo-shop.js';
import { basicAuth, makeTempDir, removeDir } from './helpers/workspace.js';

const artifacts = join(process.cwd(), 'test-artifacts');

let dir: string;
let dataDir: string;
let readKey: string;
let writeKey: string;
let server: ServeProcess;
let browser: TestBrowser;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  // Chromium first: a machine without it fails here, in a second, not after the import.
  browser = await launchBrowser();
  dir = await makeTempDir('tessera-dashboard-');
  ({ dataDir, readKey, writeKey } = await importDemoShop(dir, 300));
  // Alerts every second, and a rule that an order sent now makes fire: today's orders above none.
  const config = join(dir, 'tessera.config.yaml');
  await writeFile(
    config,
    ['alerts:', '  intervalSeconds: 1', '  rules:', '    - { id: live-orders, metric: orders, grain: day, period: current, when: { above: 0 } }', '    - { id: revenue-weekly-drop, metric: revenue, grain: week, when: { change_below: -20 } }', ''].join('\n'),
  );
  server = await startServe(dataDir, { timeoutMs: 60_000, command: ['--config', config, 'serve'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await removeDir(dir);
});

interface Visit {
  page: Page;
  consoleErrors: string[];
  /** API answers of 5xx: an internal error is never an acceptable page state. */
  serverErrors: string[];
  /** API paths that answered 4xx (an endpoint not built yet, a parameter it does not take): the page must say so in words. */
  missing: string[];
}

async function visit(path: string): Promise<Visit> {
  const { page, consoleErrors } = await browser.newPage();
  const serverErrors: string[] = [];
  const missing: string[] = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/api/v1/')) return;
    if (r.status() >= 500) serverErrors.push(`${r.status()} ${url.pathname}`);
    if (r.status() >= 400 && r.status() < 500) missing.push(`${r.status()} ${url.pathname}`);
  });
  await page.goto(`${server.url}${path}#token=${readKey}`);
  await page.waitForSelector('#page-title');
  return { page, consoleErrors, serverErrors, missing };
}

/** Waits until no part of the page says it is loading. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction("!document.body.innerText.includes('Loading') && !document.body.innerText.includes('Counting…')", undefined, { timeout: 30_000 });
}

/**
 * No uncaught error and no failed API answer, unless the test expects one (`expected.answers`, such as the
 * 404 of a model not fitted yet), and then the page must say so in words (`expected.told`).
 */
async function expectCleanPage(v: Visit, expected?: { answers: RegExp; told: RegExp }): Promise<void> {
  expect(v.serverErrors).toEqual([]);
  expect(v.missing.filter((m) => !expected?.answers.test(m)), 'API answers of 4xx that the page did not expect').toEqual([]);
  const unexplained = v.consoleErrors.filter((e) => !(v.missing.length > 0 && /Failed to load resource.*status of 4\d\d/.test(e)));
  expect(unexplained).toEqual([]);
  if (expected && v.missing.length > 0) await expect(v.page.locator('body').innerText()).resolves.toMatch(expected.told);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `dashboard-${name}.png`), fullPage: true });
}

function cliJson(args: string[]): Promise<unknown> {
  return runCli([...args, '--json'], { dataDir, timeoutMs: 60_000 }).then((r) => {
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as unknown;
  });
}

describe('the dashboard in a browser', () => {
  it('opens on the latest 12 months against the 12 before, each headline KPI tile with the total and change that tessera metrics --json gives', async () => {
    const v = await visit('/');
    await v.page.waitForSelector('[data-testid=kpi-tile]');
    await settled(v.page);
    await shoot(v.page, 'overview');
    // The shop's data spans 2024 and 2025 (months [2024-01-01, 2026-01-01)): the overview opens on 2025, in its URL and its inputs.
    const url = new URL(v.page.url());
    expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual(['2025-01-01', '2026-01-01']);
    await expect(v.page.locator('input[type=date]').first().inputValue()).resolves.toBe('2025-01-01');
    const tiles = await v.page.$$eval('[data-testid=kpi-tile]', (els) => els.map((e) => ({ metric: e.getAttribute('data-metric') ?? '', value: e.getAttribute('data-value'), text: e.textContent ?? '' })));
    expect(tiles.length).toBeGreaterThanOrEqual(4);
    const valued = tiles.filter((t) => t.value !== null);
    expect(valued.length).toBeGreaterThanOrEqual(3);
    for (const tile of valued.slice(0, 3)) {
      const cli = (await cliJson(['metrics', tile.metric, '--grain', 'month', '--from', '2025-01-01', '--to', '2026-01-01'])) as { total: { value: number | null; change: number | null } };
      expect(tile.value, tile.metric).toBe(String(cli.total.value));
      // Compared with 2024, which the opening period exists to allow.
      expect(cli.total.change, tile.metric).not.toBeNull();
      expect(tile.text, tile.metric).not.toMatch(/no comparison/);
    }
    await expect(v.page.getByRole('heading', { name: /Leading indicators/ }).count()).resolves.toBe(1);
    await expect(v.page.getByRole('heading', { name: /Lagging results/ }).count()).resolves.toBe(1);
    await expectCleanPage(v);
  });

  it('opens a KPI page with its chart, table, CSV download and catalog definition', async () => {
    const v = await visit('/kpi/revenue?grain=month&breakdown=currency');
    await v.page.waitForSelector('canvas');
    await settled(v.page);
    await shoot(v.page, 'kpi');
    const cli = (await cliJson(['metrics', 'revenue', '--grain', 'month'])) as { series: unknown[] };
    await expect(v.page.locator('section[aria-label=Table] tbody tr').count()).resolves.toBe(cli.series.length);
    await expect(v.page.getByText('Definition', { exact: true }).count()).resolves.toBeGreaterThan(0);
    const [download] = await Promise.all([v.page.waitForEvent('download'), v.page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('period,start,end,value,numerator,denominator,previous,change');
    expect(csv.trim().split('\r\n')).toHaveLength(cli.series.length + 1);
    await expectCleanPage(v);
  });

  it('says in words that no model is fitted yet, then shows the fit, its holdout and the customers it values most against clv fit and clv predict --json', async () => {
    const before = await visit('/value');
    await settled(before.page);
    // Not a failure: a step not taken yet, told as what to run.
    await expect(before.page.locator('body').innerText()).resolves.toMatch(/No customer-value model is fitted yet\. Fit one with tessera clv fit/);
    await expect(before.page.locator('[role=alert]').count()).resolves.toBe(0);
    await expectCleanPage(before, { answers: /^404 \/api\/v1\/clv(\/predictions)?$/, told: /No customer-value model is fitted yet/ });
    const fit = (await cliJson(['clv', 'fit', '--calibration-end', '2025-06-30'])) as { holdout: { overall: { actual: number }; by_frequency: unknown[] } };
    const predicted = (await cliJson(['clv', 'predict'])) as { customers: { customer_id: string; high_value_at_risk: boolean }[] };
    const v = await visit('/value');
    await settled(v.page);
    await shoot(v.page, 'value');
    await expect(v.page.locator('[data-testid=clv-params] tbody tr').count()).resolves.toBe(2);
    // One row per calibration-frequency bucket, then the overall row, whose actual count is the CLI's.
    const rows = v.page.locator('[data-testid=clv-holdout] tbody tr');
    await expect(rows.count()).resolves.toBe(fit.holdout.by_frequency.length + 1);
    await expect(rows.last().locator('td').nth(2).innerText()).resolves.toBe(fit.holdout.overall.actual.toLocaleString('en-US'));
    // The ten customers of highest predicted value, in the CLI's order (highest CLV first), each a link to their page.
    const linked = (testId: string) => v.page.$$eval(`[data-testid=${testId}] tbody tr a`, (as) => as.map((a) => a.getAttribute('href') ?? ''));
    const pages = (customers: { customer_id: string }[]) => customers.map((c) => `/customers/${encodeURIComponent(c.customer_id)}`);
    expect(await linked('clv-top')).toEqual(pages(predicted.customers.slice(0, 10)));
    const atRisk = predicted.customers.filter((c) => c.high_value_at_risk).slice(0, 10);
    if (atRisk.length > 0) expect(await linked('clv-at-risk')).toEqual(pages(atRisk));
    else await expect(v.page.locator('body').innerText()).resolves.toMatch(/No high-value customer is at risk/);
    await expectCleanPage(v);
  });

  it('lists the most valuable customers on the customers page before any search, each a link to their page', async () => {
    await cliJson(['clv', 'fit', '--calibration-end', '2025-06-30']);
    const predicted = (await cliJson(['clv', 'predict'])) as { customers: { customer_id: string }[] };
    const v = await visit('/customers');
    await v.page.waitForSelector('[data-testid=customers-top] tbody tr');
    await settled(v.page);
    await shoot(v.page, 'customers-start');
    const links = await v.page.$$eval('[data-testid=customers-top] tbody tr a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(links).toEqual(predicted.customers.slice(0, 10).map((c) => `/customers/${encodeURIComponent(c.customer_id)}`));
    await v.page.locator('[data-testid=customers-top] tbody tr a').first().click();
    await v.page.waitForURL(`**${links[0] ?? ''}`);
    await expectCleanPage(v);
  });

  it.each([
    // What each page shows of the shop: cohorts and RFM, the saved segments (none yet at this point) or the words
    // saying so, the customers matching the search, the sources.
    ['retention', '/retention', 'table tbody tr'],
    ['segments', '/segments', 'table[data-testid=segments] tbody tr, p:has-text("No segments yet")'],
    ['customers', '/customers?q=green', 'table tbody tr'],
    ['data', '/data', 'table tbody tr'],
  ])('loads the %s page with its data, never an error or a crash', async (name, path, content) => {
    const v = await visit(path);
    await settled(v.page);
    await shoot(v.page, name);
    await expectCleanPage(v);
    await expect(v.page.locator(content).count()).resolves.toBeGreaterThan(0);
  });

  it('shows an event sent over HTTP in the live stream without a reload', async () => {
    const v = await visit('/data');
    await v.page.waitForSelector('[data-testid=live-status]:has-text("live")');
    await settled(v.page);
    const messageId = `dashboard-live-${Date.now()}`;
    const response = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'live-tester', event: 'Product Viewed', messageId, properties: { product_id: 'p1' } }),
    });
    expect(response.status).toBe(200);
    await v.page.waitForSelector(`tr[data-message-id="${messageId}"]`, { timeout: 20_000 });
    await shoot(v.page, 'data-live');
    await expectCleanPage(v);
  });

  it('builds a segment in the UI whose count is the one the CLI gives', async () => {
    const v = await visit('/segments');
    await settled(v.page);
    // The builder starts at "orders (all time) >= 2"; make it 3 or more.
    await v.page.getByLabel('Value of condition 1').fill('3');
    const rule = JSON.stringify({ all: [{ fact: 'orders', op: 'gte', value: 3 }] });
    await v.page.waitForSelector(`[data-testid=preview-count][data-rule='${rule}']`, { timeout: 30_000 });
    const preview = Number((await v.page.locator('[data-testid=preview-count] strong').innerText()).replace(/[^0-9]/g, ''));
    await v.page.getByLabel('Segment name').fill('Three-time buyers');
    await v.page.getByRole('button', { name: 'Save segment' }).click();
    await v.page.waitForSelector('[data-testid=save-result]');
    await expect(v.page.locator('[data-testid=save-result]').innerText()).resolves.toContain('Saved as three-time-buyers');
    const cli = (await cliJson(['segments', 'show', 'three-time-buyers'])) as { customers: number; rule: unknown };
    expect(cli.rule).toEqual({ all: [{ fact: 'orders', op: 'gte', value: 3 }] });
    expect(cli.customers).toBeGreaterThan(0);
    expect(preview).toBe(cli.customers);
    // The list shows it with its first snapshot.
    await v.page.waitForSelector('tr[data-segment="three-time-buyers"] [data-testid=segment-size]');
    await expect(v.page.locator('tr[data-segment="three-time-buyers"] [data-testid=segment-size]').getAttribute('data-customers')).resolves.toBe(String(cli.customers));
    await shoot(v.page, 'segments-saved');
    await expectCleanPage(v);
  });

  it("opens a saved segment's page with its members, paged, and every member as CSV, as tessera segments members gives them", async () => {
    const cli = (await cliJson(['segments', 'members', 'three-time-buyers'])) as { customers: number; members: { customer_id: string; email: string | null }[] };
    expect(cli.customers).toBeGreaterThan(0);
    const list = await visit('/segments');
    await settled(list.page);
    await list.page.locator('tr[data-segment="three-time-buyers"] th a').click();
    await list.page.waitForSelector('[data-testid=segment-members] tbody tr');
    await settled(list.page);
    await shoot(list.page, 'segment');
    expect(new URL(list.page.url()).pathname).toBe('/segments/three-time-buyers');
    await expect(list.page.locator('[data-testid=segment-customers]').innerText()).resolves.toBe(cli.customers.toLocaleString('en-US'));
    const shown = await list.page.$$eval('[data-testid=segment-members] tbody tr td.mono', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(shown).toEqual(cli.members.slice(0, 100).map((m) => m.customer_id));
    const [download] = await Promise.all([list.page.waitForEvent('download'), list.page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
    expect(csv[0]).toBe('customer_id,email');
    expect(csv.slice(1)).toEqual(cli.members.map((m) => `${m.customer_id},${m.email ?? ''}`));
    await expectCleanPage(list);
  });

  it('pages through a segment of more than 100 members', async () => {
    const file = join(dir, 'buyers.yaml');
    await writeFile(file, 'id: buyers\nname: Buyers\nrule: { fact: orders, op: gte, value: 1 }\n');
    expect((await runCli(['segments', 'create', file], { dataDir })).exitCode).toBe(0);
    const cli = (await cliJson(['segments', 'members', 'buyers'])) as { customers: number; members: { customer_id: string }[] };
    expect(cli.customers).toBeGreaterThan(100);
    const v = await visit('/segments/buyers');
    await v.page.waitForSelector('[data-testid=segment-members] tbody tr');
    const ids = () => v.page.$$eval('[data-testid=segment-members] tbody tr td.mono', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(await ids()).toEqual(cli.members.slice(0, 100).map((m) => m.customer_id));
    await v.page.getByRole('button', { name: 'Next 100' }).click();
    await v.page.waitForURL('**/segments/buyers?offset=100');
    await settled(v.page);
    await v.page.waitForSelector('[data-testid=segment-members] tbody tr');
    expect(await ids()).toEqual(cli.members.slice(100, 200).map((m) => m.customer_id));
    expect(new URL(v.page.url()).searchParams.get('offset')).toBe('100');
    await expectCleanPage(v);
  });

  it("saves a KPI's target from its page, as tessera benchmarks list then shows it", async () => {
    const v = await visit('/kpi/aov');
    await v.page.waitForSelector('[data-testid=benchmark-target]');
    await settled(v.page);
    await v.page.getByTestId('benchmark-target').fill('1000000');
    await v.page.getByRole('button', { name: 'Save target' }).click();
    // An average order of a million is out of reach: the page says off track once it re-reads the KPI.
    await v.page.waitForFunction("document.body.innerText.includes('Off track against the target')", undefined, { timeout: 30_000 });
    const cli = (await cliJson(['benchmarks', 'list'])) as { benchmarks: { metric: string; target: number | null; source: string }[] };
    expect(cli.benchmarks).toContainEqual(expect.objectContaining({ metric: 'aov', target: 1_000_000, source: 'stored' }));
    await v.page.getByRole('button', { name: 'Clear' }).click();
    await v.page.waitForFunction("document.body.innerText.includes('No target or baseline yet')", undefined, { timeout: 30_000 });
    await expectCleanPage(v);
  });

  it("breaks a KPI down by saved segment with the CLI's --segment answer", async () => {
    const v = await visit('/kpi/orders?breakdown=segment');
    await v.page.waitForSelector('[data-testid=segment-breakdown]', { timeout: 30_000 });
    await settled(v.page);
    const row = v.page.locator('[data-testid=segment-breakdown] tbody tr', { hasText: 'Three-time buyers' });
    const cli = (await cliJson(['metrics', 'orders', '--segment', 'three-time-buyers'])) as { total: { value: number } };
    await expect(row.locator('td').first().innerText()).resolves.toBe(cli.total.value.toLocaleString('en-US'));
    await expectCleanPage(v);
  });

  it('shows a new alert on the overview within seconds, without a reload', async () => {
    const v = await visit('/');
    await v.page.waitForSelector('header .live-open');
    await settled(v.page);
    const today = new Date().toISOString().slice(0, 10);
    await expect(v.page.locator(`[data-alert-id="live-orders@${today}"]`).count()).resolves.toBe(0);
    const response = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alert-buyer', event: 'Order Completed', messageId: `alert-order-${Date.now()}`, properties: { order_id: `alert-${Date.now()}`, total: 25, currency: 'USD' } }),
    });
    expect(response.status).toBe(200);
    const alert = v.page.locator(`[data-alert-id="live-orders@${today}"]`);
    await alert.waitFor({ timeout: 30_000 });
    await expect(alert.innerText()).resolves.toContain(`Orders: 1 in ${today}`);
    await expect(v.page.locator('[data-testid=alerts-badge]').count()).resolves.toBe(1);
    await shoot(v.page, 'overview-alert');
    const cli = (await cliJson(['alerts', 'list', '--status', 'open'])) as { alerts: { id: string }[] };
    expect(cli.alerts.map((a) => a.id)).toContain(`live-orders@${today}`);
    await expectCleanPage(v);
  });

  it('lists every identifier of a merged customer on its page, titled by their name', async () => {
    const events = await readFile(join(dir, 'files', 'events.ndjson'), 'utf8');
    const email = /"email":"([^"]+)"/.exec(events)?.[1];
    expect(email).toBeTruthy();
    const profile = (await cliJson(['profile', `email:${email!.toLowerCase()}`])) as { customer_id: string; identifiers: { type: string; value: string }[]; traits: Record<string, unknown> };
    expect(profile.identifiers.length).toBeGreaterThan(1);
    const v = await visit(`/customers/${encodeURIComponent(profile.customer_id)}`);
    await settled(v.page);
    await shoot(v.page, 'customer');
    const shown = await v.page.$$eval('[data-testid=identifiers] tr[data-identifier]', (rows) => rows.map((r) => r.getAttribute('data-identifier')));
    expect(shown.sort()).toEqual(profile.identifiers.map((i) => `${i.type}:${i.value}`).sort());
    const { first_name: first, last_name: last, email: traitEmail } = profile.traits;
    const title = first || last ? [first, last].filter(Boolean).join(' ') : String(traitEmail ?? profile.identifiers.find((i) => i.type === 'email')?.value);
    await expect(v.page.locator('#page-title').innerText()).resolves.toBe(title);
    // A customer the model has not scored (no purchase yet, or no model) is told so in the scores' place.
    await expectCleanPage(v, { answers: /^404 \/api\/v1\/clv\/predictions$/, told: /Scores unavailable/ });
  });
});
