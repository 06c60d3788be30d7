// Dashboard speed on the demo shop: the overview's time to interactive in headless chromium, and
// each chart's API call; references measured in the same run (GET /health, the bare page load).
// Run: npm run bench:dashboard [-- --customers N]

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchBrowser } from '../test/helpers/browser.js';
import { importDemoShop } from '../test/helpers/demo-shop.js';
import { median, startServe } from './lib/harness.js';

const arg = process.argv.indexOf('--customers');
const customers = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
const RUNS = 5;

async function timeGet(url: string, token: string): Promise<{ ms: number; status: number }> {
  const t = performance.now();
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await r.arrayBuffer();
  return { ms: performance.now() - t, status: r.status };
}

const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-dashboard-'));
const { dataDir, readKey } = await importDemoShop(dir, customers);
const { url, child } = await startServe(dataDir);
const browser = await launchBrowser();
try {
  // Warm up (the server catches identity up on start), then take the reference one call at a time.
  await timeGet(`${url}/api/v1/metrics/orders`, readKey);
  const healthRuns: number[] = [];
  for (let i = 0; i < RUNS * 2; i++) healthRuns.push((await timeGet(`${url}/health`, readKey)).ms);
  const health = median(healthRuns);
  const calls = [
    '/api/v1/metrics',
    '/api/v1/metrics/revenue?grain=month&compare=previous',
    '/api/v1/metrics/conversion_rate?grain=month&compare=previous',
    '/api/v1/metrics/retention_rate?grain=month&compare=previous',
    '/api/v1/metrics/revenue?grain=month&breakdown=source',
    '/api/v1/report?grain=month&compare=previous&metrics=sessions,visitors,bounce_rate,conversion_rate,orders,revenue,aov,customers,new_customers,repeat_purchase_rate,retention_rate,historical_clv',
    '/api/v1/alerts?status=open&limit=20',
    '/api/v1/segments/retention',
    '/api/v1/rfm',
    '/api/v1/cohorts',
    '/api/v1/segments',
    '/api/v1/profiles?q=green',
    '/api/v1/events?limit=50',
    '/api/v1/quarantine?limit=100',
  ];
  console.log(`demo shop: ${customers} customers; GET /health median ${health.toFixed(1)} ms (reference)`);
  console.log('API call                                                   median ms  ×health  status');
  for (const path of calls) {
    const runs: { ms: number; status: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await timeGet(`${url}${path}`, readKey));
    const ms = median(runs.map((r) => r.ms));
    console.log(`${path.padEnd(58)} ${ms.toFixed(1).padStart(9)} ${(ms / health).toFixed(0).padStart(8)}  ${runs[0]?.status ?? ''}`);
  }

  const tti: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { page, context } = await browser.newPage();
    // Reference: the same page up to DOMContentLoaded, without waiting for any data.
    let t = performance.now();
    await page.goto(`${url}/#token=${readKey}`, { waitUntil: 'domcontentloaded' });
    bare.push(performance.now() - t);
    await context.close();
    const second = await browser.newPage();
    t = performance.now();
    await second.page.goto(`${url}/#token=${readKey}`);
    await second.page.waitForFunction("document.querySelectorAll('[data-testid=kpi-tile]').length > 0 && [...document.querySelectorAll('[data-testid=kpi-tile]')].every((e) => e.getAttribute('aria-busy') === 'false')", undefined, { timeout: 60_000 });
    tti.push(performance.now() - t);
    await second.context.close();
  }
  console.log(`overview interactive (every KPI tile filled): median ${median(tti).toFixed(0)} ms; bare page load ${median(bare).toFixed(0)} ms (reference); ratio ${(median(tti) / median(bare)).toFixed(1)}`);
} finally {
  await browser.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
