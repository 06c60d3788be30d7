import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { generateShop, SHOP_TIME_ZONE, writeShop, type ShopSummary } from '../demo/index.js';
import { importFile, importRates, importSegmentFile, retryNoRate } from '../ingest/index.js';
import { refreshFacts } from '../metrics/index.js';
import { fitClv, predictClv } from '../predict/index.js';
import { refreshMemberships, saveSegment } from '../segments/index.js';
import { sql } from '../store/index.js';
import type { Workspace } from './workspace.js';

export interface DemoOptions {
  customers: number;
  seed: number;
  /** The shop's first day, YYYY-MM-DD (default 2024-01-01); it runs for 24 months. */
  start?: string;
  /** Where the shop's source files are written (default DATA/demo-source). */
  sourceDir?: string;
  /** Called with a line of progress for the person waiting. */
  progress?: (line: string) => void;
}

export interface DemoLoad {
  /** False when the data directory already held this demo shop and nothing was imported. */
  loaded: boolean;
  customers: number;
  seed: number;
  /** The shop's first day and the day after its last (YYYY-MM-DD). */
  start: string;
  end: string;
  sourceDir: string;
  events: number;
  orders: number;
  profiles: number;
  seconds: number;
}

/** The last day of the month six months before `day` (YYYY-MM-DD): 2026-01-01 gives 2025-06-30. */
function sixMonthsBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 6, 0)).toISOString().slice(0, 10);
}

/** examples/segments/, two folders up from both src/server (tsx) and dist/server (built). */
const examplesDir = fileURLToPath(new URL('../../examples/segments/', import.meta.url));

/** The segments a user is shown in examples/segments/, as `tessera segments create FILE` would read them. */
function exampleSegments(): { file: string; definition: unknown }[] {
  if (!existsSync(examplesDir)) return [];
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, definition: parseYaml(readFileSync(join(examplesDir, file), 'utf8')) as unknown }));
}

/** Marks a data directory as holding the demo shop of a seed and size, so `tessera demo` starts at once the next time. */
const markerFile = (dataDir: string): string => join(dataDir, 'demo.json');

/**
 * Generates the demo shop and imports it the way a user would import their own shop's files: rates
 * first, then the site's Segment events, the orders export and the CRM export (their local times in
 * the shop's zone), then identity resolution, the metric facts, the customer-value model with its
 * predictions (the dashboard's value page has nothing to show without them), and the segments of
 * examples/segments/ with their first membership. Imports are idempotent, so an
 * interrupted load is finished by running it again.
 */
export async function loadDemo(ws: Workspace, options: DemoOptions): Promise<DemoLoad> {
  const started = performance.now();
  // Each line says how long the load has run, so a slow step shows where it is.
  const say = (line: string) => options.progress?.(`${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line}`);
  const sourceDir = options.sourceDir ?? join(ws.config.dataDir, 'demo-source');
  const marker = markerFile(ws.config.dataDir);
  if (existsSync(marker)) {
    const previous = JSON.parse(readFileSync(marker, 'utf8')) as DemoLoad;
    // The shop stays as it was loaded, even when a later month would start it later: a second shop
    // with the same ids on other days would be skipped as duplicates, message by message.
    if (previous.customers === options.customers && previous.seed === options.seed) return { ...previous, loaded: false, seconds: 0 };
  }
  const start = options.start ?? '2024-01-01';
  say(`generating the demo shop: ${options.customers} people, seed ${options.seed}, 24 months from ${start} → ${sourceDir}`);
  const shop: ShopSummary = await writeShop(generateShop({ customers: options.customers, seed: options.seed, start }), sourceDir);
  const file = (name: string) => join(sourceDir, name);
  say('importing rates.csv');
  await importRates(ws.store, file('rates.csv'), ws.config.workspace);
  await retryNoRate(ws.store, ws.ingestor);
  say(`importing events.ndjson (${shop.events} Segment messages)`);
  await importSegmentFile(ws.store, ws.ingestor, file('events.ndjson'), { source: 'web', tmpDir: join(ws.config.dataDir, 'tmp') });
  say('importing orders.csv and customers.csv');
  await importFile(ws.store, ws.ingestor, file('orders.csv'), { format: 'orders', timezone: SHOP_TIME_ZONE, workspace: ws.config.workspace });
  await importFile(ws.store, ws.ingestor, file('customers.csv'), { format: 'customers', timezone: SHOP_TIME_ZONE, workspace: ws.config.workspace });
  say('resolving identities and computing the facts');
  await ws.identity.refresh();
  await refreshFacts(ws.store, ws.config.workspace);
  // The last six months are the model's holdout, so the value page shows how well it predicted them.
  say('fitting the customer-value model and scoring every customer');
  try {
    await fitClv(ws.store, ws.config.workspace, { calibrationEnd: sixMonthsBefore(shop.end) });
    await predictClv(ws.store, ws.config.workspace, ws.config.models);
  } catch (err) {
    // A shop of a few dozen people may hold too few repeat buyers to fit; the rest of the demo stands without it.
    say(`the customer-value model was not fitted: ${(err as Error).message}`);
  }
  const examples = exampleSegments();
  if (examples.length > 0) {
    say(`creating the example segments (${examples.map((e) => e.file).join(', ')})`);
    for (const { definition } of examples) await saveSegment(ws.store, definition, { replace: true });
    await refreshMemberships(ws.store, ws.config.workspace);
  }
  const profiles = await ws.store.query<{ n: number }>(sql`SELECT count(DISTINCT customer_id) AS n FROM customer_map`);
  const result: DemoLoad = {
    loaded: true,
    customers: options.customers,
    seed: options.seed,
    start: shop.start,
    end: shop.end,
    sourceDir,
    events: shop.events,
    orders: shop.orders,
    profiles: Number(profiles[0]?.n ?? 0),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  writeFileSync(marker, JSON.stringify(result));
  return result;
}
