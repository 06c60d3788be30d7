// Accuracy of identity resolution on the demo shop, which knows the real person behind every
// identifier (truth.csv): the shop is generated, imported like a user's files, resolved, and the
// customer_map compared with the truth pair by pair.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraConfig } from '../src/contract/index.js';
import { generateShop, writeShop, type Shop } from '../src/demo/index.js';
import { importFile, importRates, importSegmentFile } from '../src/ingest/index.js';
import { openWorkspace, type Workspace } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

const CUSTOMERS = 2000;
const SEED = 4;

let dir: string;
let ws: Workspace;
let shop: Shop;
let truth: { key: string; person: string }[];
let map: Map<string, string>;
/** Identifiers that never appeared in a message beside another usable identifier: no evidence can link them. */
let isolated: Set<string>;

const pairs = (n: number): number => (n * (n - 1)) / 2;

function countBy(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

const sum = (counts: Map<string, number>): number => [...counts.values()].reduce((s, n) => s + pairs(n), 0);

/** Pairwise precision and recall over the truth's identifiers (one missing from the map is its own customer). */
function pairwise(rows: { key: string; person: string }[]): { precision: number; recall: number; truePairs: number; predictedPairs: number } {
  const customer = (key: string) => map.get(key) ?? `unresolved ${key}`;
  const both = sum(countBy(rows.map((r) => `${r.person}\u0000${customer(r.key)}`)));
  const predictedPairs = sum(countBy(rows.map((r) => customer(r.key))));
  const truePairs = sum(countBy(rows.map((r) => r.person)));
  return { precision: predictedPairs === 0 ? 1 : both / predictedPairs, recall: truePairs === 0 ? 1 : both / truePairs, truePairs, predictedPairs };
}

/** Identifiers of the event file that only ever appear alone (a one-page visit on a browser never logged in). */
function isolatedIdentifiers(lines: string[], blocked: Set<string>): Set<string> {
  const withOthers = new Set<string>();
  const seen = new Set<string>();
  for (const line of lines) {
    const m = JSON.parse(line) as { anonymousId?: string; userId?: string; previousId?: string; traits?: { email?: string; phone?: string } };
    const keys = [m.anonymousId && `anon:${m.anonymousId}`, m.userId && `user:${m.userId}`, m.previousId && `anon:${m.previousId}`].filter(
      (k): k is string => typeof k === 'string' && !blocked.has(k),
    );
    const usable = keys.length + (m.traits?.email || m.traits?.phone ? 1 : 0);
    for (const k of keys) {
      seen.add(k);
      if (usable > 1) withOthers.add(k);
    }
  }
  return new Set([...seen].filter((k) => !withOthers.has(k)));
}

beforeAll(async () => {
  dir = await makeTempDir('tessera-accuracy-');
  const source = join(dir, 'shop');
  shop = generateShop({ customers: CUSTOMERS, seed: SEED });
  await writeShop(shop, source);
  const blockedValues = shop.traps.blockedValues.map((t) => t.identifier_value);
  ws = await openWorkspace(
    TesseraConfig.parse({ dataDir: join(dir, 'data'), logLevel: 'silent', identity: { blocked: { values: blockedValues } } }),
    pino({ level: 'silent' }),
  );
  await importRates(ws.store, join(source, 'rates.csv'), ws.config.workspace);
  await importSegmentFile(ws.store, ws.ingestor, join(source, 'events.ndjson'), { source: 'web', tmpDir: join(dir, 'tmp') });
  for (const format of ['orders', 'customers'] as const) {
    await importFile(ws.store, ws.ingestor, join(source, `${format}.csv`), { format, timezone: shop.timeZone, workspace: ws.config.workspace });
  }
  await ws.identity.refresh();
  const rows = await ws.store.query<{ type: string; value: string; customer_id: string }>(sql`SELECT type, value, customer_id FROM customer_map`);
  map = new Map(rows.map((r) => [`${r.type}:${r.value}`, r.customer_id]));
  const [header, ...lines] = (await readFile(join(source, 'truth.csv'), 'utf8')).trim().split('\n');
  expect(header).toBe('identifier_type,identifier_value,person_id');
  truth = lines.map((line) => {
    const [type, value, person] = line.split(',');
    return { key: `${type}:${value}`, person: String(person) };
  });
  const blockedKeys = new Set(shop.traps.blockedValues.map((t) => `${t.identifier_type}:${t.identifier_value}`));
  isolated = isolatedIdentifiers((await readFile(join(source, 'events.ndjson'), 'utf8')).trim().split('\n'), blockedKeys);
}, 300_000);

afterAll(async () => {
  await ws?.close();
  if (dir) await removeDir(dir);
});

describe(`identity resolution on the demo shop (${CUSTOMERS} people, seed ${SEED})`, () => {
  it('finds the real people: pairwise precision and recall of at least 0.99 over the identifiers that evidence links', () => {
    const all = pairwise(truth);
    const linkable = pairwise(truth.filter((r) => !isolated.has(r.key)));
    const unresolved = truth.filter((r) => !map.has(r.key)).length;
    console.log(
      `identity accuracy, ${truth.length} identifiers of ${CUSTOMERS} people: ` +
        `precision ${all.precision.toFixed(4)}, recall ${all.recall.toFixed(4)} over all ${all.truePairs} true pairs; ` +
        `over the ${truth.length - isolated.size} identifiers seen beside another: precision ${linkable.precision.toFixed(4)}, recall ${linkable.recall.toFixed(4)}; ` +
        `${isolated.size} isolated identifiers, ${unresolved} absent from customer_map`,
    );
    expect(unresolved).toBe(0);
    expect(all.precision).toBeGreaterThanOrEqual(0.99);
    expect(linkable.precision).toBeGreaterThanOrEqual(0.99);
    expect(linkable.recall).toBeGreaterThanOrEqual(0.99);
  });

  it('never merges two user ids', () => {
    const users = countBy([...map].filter(([key]) => key.startsWith('user:')).map(([, customer]) => customer));
    const merged = sum(users);
    console.log(`identity accuracy: ${users.size} customers with a user id, ${merged} pairs of distinct user ids merged`);
    expect(merged).toBe(0);
  });

  it('keeps the planted traps apart: shared devices stay with their owner, placeholders link nobody', () => {
    expect(shop.traps.sharedDevices.length).toBeGreaterThan(0);
    expect(shop.traps.blockedValues.length).toBeGreaterThan(0);
    const personOf = new Map(truth.map((r) => [r.key, r.person]));
    const customersOf = (person: string) => new Set(truth.filter((r) => r.person === person).map((r) => map.get(r.key)));
    for (const trap of shop.traps.sharedDevices) {
      const device = map.get(`anon:${trap.anonymousId}`);
      expect(personOf.get(`anon:${trap.anonymousId}`)).toBe(trap.owner);
      expect(customersOf(trap.owner).has(device)).toBe(true);
      expect(customersOf(trap.alsoUsedBy).has(device)).toBe(false);
    }
    for (const trap of shop.traps.blockedValues) expect(map.has(`${trap.identifier_type}:${trap.identifier_value}`)).toBe(false);
  });
});
