// Identity resolution through the real parts (issue 4): messages go through the ingestor into DuckDB,
// files through the importers, and IdentityService keeps customer_map current; the assertions read
// customer_map, profiles and explanations as the CLI and API do.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TesseraConfig, type MergeRulesInput } from '../src/contract/index.js';
import { customerOf as customerOfGraph, explainProfile, findCustomerId, IdentityService, listAssignments, readMergeLog, readProfile } from '../src/identity/index.js';
import { GraphFileReader } from '../src/identity/graph-file.js';
import { eventTimeSpans } from '../src/identity/observations-query.js';
import { importFile } from '../src/ingest/index.js';
import { openWorkspace, type Workspace } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { identify, page, track, type Message } from './helpers/messages.js';
import { makeTempDir, removeDir, sendAndResolve, temporaryWorkspaces } from './helpers/workspace.js';

const workspaces = temporaryWorkspaces();
const opened = workspaces.opened;

const openWs = (identity: MergeRulesInput = {}): Promise<Workspace> => workspaces.open('tessera-identity-', { identity });
afterEach(() => workspaces.closeAll());

const send = sendAndResolve;

const at = (minute: number): string => new Date(Date.UTC(2025, 0, 1, 12, minute)).toISOString();
const customerOf = (ws: Workspace, key: string): Promise<string | undefined> => findCustomerId(ws.store, key);
/** The customer of an identifier that must be in the map: comparing two unmapped identifiers proves nothing. */
async function mapped(ws: Workspace, key: string): Promise<string | undefined> {
  const customer = await customerOf(ws, key);
  expect(customer, `${key} is in the customer map`).toBeDefined();
  return customer;
}

async function customerMap(ws: Workspace): Promise<string[]> {
  const rows = await ws.store.query<{ type: string; value: string; customer_id: string }>(sql`SELECT type, value, customer_id FROM customer_map ORDER BY type, value`);
  return rows.map((r) => `${r.type}:${r.value} → ${r.customer_id}`);
}

async function identifiersOf(ws: Workspace, key: string): Promise<string[]> {
  const profile = await readProfile(ws.store, ws.identity, key);
  return profile.identifiers.map((i) => `${i.type}:${i.value}`).sort();
}

describe('identity resolution through the store', () => {
  it('joins anonymous browsing to the customer once the visitor identifies', async () => {
    const ws = await openWs();
    await send(ws, [page({ anonymousId: 'anon-a', userId: undefined, timestamp: at(0) }), page({ anonymousId: 'anon-a', timestamp: at(2) })]);
    expect(await customerOf(ws, 'anon:anon-a')).toBeDefined();
    await send(ws, [identify({ anonymousId: 'anon-a', userId: 'u-1', traits: { email: 'ada@example.com' }, timestamp: at(5) })]);
    const customer = await customerOf(ws, 'email:ada@example.com');
    expect(await customerOf(ws, 'anon:anon-a')).toBe(customer);
    const profile = await readProfile(ws.store, ws.identity, 'anon:anon-a');
    expect(profile.computed['events']).toBe(3);
    expect(profile.computed['first_seen']).toBe(at(0));
  });

  it('merges two devices of one user into one customer', async () => {
    const ws = await openWs();
    await send(ws, [identify({ anonymousId: 'laptop', userId: 'u-1', timestamp: at(0) })]);
    await send(ws, [page({ anonymousId: 'phone-browser', timestamp: at(10) }), identify({ anonymousId: 'phone-browser', userId: 'u-1', traits: {}, timestamp: at(11) })]);
    expect(await identifiersOf(ws, 'user:u-1')).toEqual(['anon:laptop', 'anon:phone-browser', 'email:ada@example.com', 'user:u-1']);
  });

  it('reads an identifier holding a NUL character as it is, following the log and in a rebuild', async () => {
    const ws = await openWs();
    // Identifier texts cross from DuckDB packed into one NUL-separated text per event; this one cannot be.
    await send(ws, [identify({ anonymousId: 'anon-nul', userId: 'u\u0000nul', traits: { email: 'nul@example.com' }, timestamp: at(0) }), page({ anonymousId: 'anon-plain', userId: 'u-plain', timestamp: at(1) })]);
    const customer = await customerOf(ws, 'anon:anon-nul');
    expect(customer).toBeDefined();
    expect(await customerOf(ws, 'user:u\u0000nul')).toBe(customer);
    expect(await customerOf(ws, 'email:nul@example.com')).toBe(customer);
    expect(await customerOf(ws, 'user:u')).toBeUndefined();
    const before = await customerMap(ws);
    await ws.identity.rebuild();
    expect(await customerMap(ws)).toEqual(before);
    expect(before).toContain(`user:u-plain → ${await customerOf(ws, 'anon:anon-plain')}`);
  });

  it('keeps identifiers in any script as they are, following the log and in a rebuild', async () => {
    const ws = await openWs();
    // Values past ASCII cross from DuckDB packed with the event's other texts, and the graph keeps them as
    // one byte a character (é, ë) or two (CJK, emoji).
    await send(ws, [
      identify({ anonymousId: 'anon-é', userId: 'josé', traits: { email: 'Zoë@Example.com' }, timestamp: at(0) }),
      identify({ anonymousId: '设备-1', userId: '用户-1', traits: {}, timestamp: at(1) }),
      page({ anonymousId: '😀-browser', userId: '用户-1', timestamp: at(2) }),
    ]);
    const before = await customerMap(ws);
    expect(await customerOf(ws, 'email:zoë@example.com')).toBe(await customerOf(ws, 'user:josé'));
    expect(await customerOf(ws, 'anon:😀-browser')).toBe(await customerOf(ws, 'anon:设备-1'));
    expect(before.map((row) => row.split(' → ')[0])).toEqual(['anon:anon-é', 'anon:设备-1', 'anon:😀-browser', 'email:zoë@example.com', 'user:josé', 'user:用户-1'].sort());
    await ws.identity.rebuild();
    expect(await customerMap(ws)).toEqual(before);
  });

  it('matches emails whatever their case and surrounding spaces', async () => {
    const ws = await openWs();
    await send(ws, [identify({ anonymousId: 'a1', userId: undefined, traits: { email: '  Ada.Lovelace@Example.COM ' }, timestamp: at(0) })]);
    await send(ws, [identify({ anonymousId: 'a2', userId: 'u-7', traits: { email: 'ada.lovelace@example.com' }, timestamp: at(1) })]);
    const customer = await customerOf(ws, 'email:ADA.LOVELACE@example.com ');
    expect(customer).toBeDefined();
    expect(await customerOf(ws, 'anon:a1')).toBe(customer);
    expect(await customerOf(ws, 'user:u-7')).toBe(customer);
  });

  it('gives a guest order known only by its email to the customer with that email', async () => {
    const ws = await openWs();
    await send(ws, [identify({ anonymousId: 'a1', userId: 'u-1', traits: { email: 'Guest@Example.com' }, timestamp: at(0) })]);
    const csv = join(ws.config.dataDir, 'orders.csv');
    await writeFile(
      csv,
      'order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price\n' +
        'G-1,guest@example.com,,2025-01-02 10:00:00,USD,50.00,completed,SKU-1,Tent,camping,1,50.00\n' +
        'G-2, GUEST@example.com ,,2025-01-03 10:00:00,USD,30.00,completed,SKU-2,Socks,socks,3,10.00\n' +
        'G-3,guest@example.com,,2025-01-04 10:00:00,USD,20.00,cancelled,SKU-2,Socks,socks,2,10.00\n',
    );
    const summary = await importFile(ws.store, ws.ingestor, csv, { format: 'orders', timezone: 'America/New_York', workspace: ws.config.workspace });
    expect(summary.written).toBe(4);
    await ws.identity.refresh();
    const profile = await readProfile(ws.store, ws.identity, 'user:u-1');
    expect(profile.computed).toMatchObject({ orders: 2, revenue: 80, aov: 40, favourite_category: 'socks', first_order_at: '2025-01-02T15:00:00.000Z', last_order_at: '2025-01-03T15:00:00.000Z' });
  });

  it("links a shop's customer id from its CRM export and its orders export to the customer with that email", async () => {
    const ws = await openWs();
    await send(ws, [identify({ anonymousId: 'd1', userId: 'u-7', traits: { email: 'dana@example.com' }, timestamp: at(0) })]);
    const crm = join(ws.config.dataDir, 'customers.csv');
    await writeFile(crm, 'customer_id,email,first_name\nC7, Dana@Example.com ,Dana\n');
    await importFile(ws.store, ws.ingestor, crm, { format: 'customers', workspace: ws.config.workspace });
    // The orders export knows the buyer by the shop's id alone.
    const orders = join(ws.config.dataDir, 'orders.csv');
    await writeFile(
      orders,
      'order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price\n' +
        'S-1,,C7,2025-01-02 10:00:00,USD,40.00,completed,SKU-1,Tent,camping,1,40.00\n',
    );
    await importFile(ws.store, ws.ingestor, orders, { format: 'orders', timezone: 'UTC', workspace: ws.config.workspace });
    await ws.identity.refresh();
    expect(await customerOf(ws, 'shop:C7')).toBe(await customerOf(ws, 'user:u-7'));
    const profile = await readProfile(ws.store, ws.identity, 'user:u-7');
    expect(profile.computed).toMatchObject({ orders: 1, revenue: 40 });
  });

  it('keeps two user ids on one shared device as two customers, and logs the refusal', async () => {
    const ws = await openWs();
    await send(ws, [identify({ anonymousId: 'family-tablet', userId: 'mum', traits: { email: 'mum@example.com' }, timestamp: at(0) })]);
    await send(ws, [identify({ anonymousId: 'family-tablet', userId: 'son', traits: { email: 'son@example.com' }, timestamp: at(30) })]);
    const mum = await customerOf(ws, 'user:mum');
    const son = await mapped(ws, 'user:son');
    expect(mum).toBeDefined();
    expect(son).not.toBe(mum);
    expect(await customerOf(ws, 'anon:family-tablet')).toBe(mum);
    const explanation = await explainProfile(ws.store, ws.identity, 'user:son');
    expect(explanation.refusals.map((r) => r.rule)).toContain('limit:user');
  });

  it('never links on the placeholder values of a buggy client, built in or from config', async () => {
    const ws = await openWs({ blocked: { values: ['test@test.com'] } });
    await send(ws, [
      identify({ anonymousId: 'x1', userId: 'undefined', traits: { email: 'test@test.com' }, timestamp: at(0) }),
      identify({ anonymousId: 'x2', userId: 'undefined', traits: { email: 'TEST@test.com' }, timestamp: at(1) }),
      identify({ anonymousId: 'x3', userId: 'null', traits: { email: 'test@test.com' }, timestamp: at(2) }),
    ]);
    const customers = new Set(await Promise.all(['anon:x1', 'anon:x2', 'anon:x3'].map((k) => customerOf(ws, k))));
    expect(customers.size).toBe(3);
    expect(await customerOf(ws, 'user:undefined')).toBeUndefined();
    expect(await customerOf(ws, 'email:test@test.com')).toBeUndefined();
    const explanation = await explainProfile(ws.store, ws.identity, 'anon:x1');
    expect(explanation.refusals.map((r) => r.rule).sort()).toEqual(['blocked-value', 'blocked-value']);
  });

  it('follows an alias from the previous anonymous id to the user id', async () => {
    const ws = await openWs();
    await send(ws, [page({ anonymousId: 'before-login', timestamp: at(0) })]);
    await send(ws, [{ type: 'alias', messageId: 'alias-1', previousId: 'before-login', userId: 'u-9', timestamp: at(1) }]);
    expect(await customerOf(ws, 'anon:before-login')).toBe(await customerOf(ws, 'user:u-9'));
  });

  it('links a plus-addressed email to its plain address, unless the rules turn it off', async () => {
    const messages = () => [
      identify({ anonymousId: 'a1', userId: 'u-1', traits: { email: 'ann@example.com' }, timestamp: at(0) }),
      identify({ anonymousId: 'a2', userId: undefined, traits: { email: 'Ann+Shop@example.com' }, timestamp: at(1) }),
    ];
    const on = await openWs();
    await send(on, messages());
    expect(await customerOf(on, 'email:ann+shop@example.com')).toBe(await customerOf(on, 'user:u-1'));
    const off = await openWs({ subaddress: false });
    await send(off, messages());
    expect(await mapped(off, 'email:ann+shop@example.com')).not.toBe(await mapped(off, 'user:u-1'));
  });

  it('refuses a merge that would exceed a per-type limit and says why', async () => {
    const ws = await openWs({ limits: { email: 2 } });
    await send(ws, [
      identify({ anonymousId: 'a1', userId: 'u-1', traits: { email: 'one@example.com' }, timestamp: at(0) }),
      identify({ anonymousId: 'a1', userId: 'u-1', traits: { email: 'two@example.com' }, timestamp: at(1) }),
      identify({ anonymousId: 'a1', userId: 'u-1', traits: { email: 'three@example.com' }, timestamp: at(2), messageId: 'third-email' }),
    ]);
    expect(await identifiersOf(ws, 'user:u-1')).toEqual(['anon:a1', 'email:one@example.com', 'email:two@example.com', 'user:u-1']);
    expect(await mapped(ws, 'email:three@example.com')).not.toBe(await mapped(ws, 'user:u-1'));
    const explanation = await explainProfile(ws.store, ws.identity, 'user:u-1');
    expect(explanation.refusals).toContainEqual(expect.objectContaining({ rule: 'limit:email', messageId: 'third-email', identifiers: ['user:u-1', 'email:three@example.com'] }));
    expect((await readProfile(ws.store, ws.identity, 'user:u-1')).refused_merges).toBe(1);
  });

  it('leaves customer_map as it is at a start that resolves the same events with the same rules, and rewrites it otherwise', async () => {
    const dir = await makeTempDir('tessera-identity-restart-');
    const open = (identity: MergeRulesInput = {}) => openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent', identity }), pino({ level: 'silent' }));
    // A row no resolution makes: it survives a start that leaves the map, and goes with a rewrite.
    const mark = (w: Workspace) => w.store.run(sql`INSERT INTO customer_map VALUES ('marker', 'left-alone', 'c_marker')`);
    const marked = async (w: Workspace) => (await w.store.query(sql`SELECT 1 FROM customer_map WHERE type = 'marker'`)).length === 1;
    let ws = await open();
    try {
      await send(ws, [identify({ anonymousId: 'a1', userId: 'u-1', traits: { email: 'ann@example.com' }, timestamp: at(0) }), identify({ anonymousId: 'a2', traits: { email: 'ann@example.com' }, timestamp: at(1) })]);
      await ws.identity.split('anon:a2', 'email:ann@example.com');
      const map = await customerMap(ws);
      await mark(ws);
      await ws.close();

      // Same events, rules and splits: the start leaves the stored map, and builds no graph to do so.
      ws = await open();
      expect(await ws.identity.refresh()).toMatchObject({ events: 0, rebuilt: false });
      expect(ws.identity.hasGraph).toBe(false);
      expect(await marked(ws)).toBe(true);
      // A process that follows the log builds the graph at once; the map still stays as it is.
      await ws.identity.refresh({ keepGraph: true });
      expect(ws.identity.hasGraph).toBe(true);
      expect(await marked(ws)).toBe(true);
      expect(await customerOf(ws, 'anon:a1')).toBe(map.find((row) => row.startsWith('anon:a1 '))?.split(' → ')[1]);
      // An explicit rebuild always writes, and writes the same map.
      await ws.identity.rebuild();
      expect(await marked(ws)).toBe(false);
      expect(await customerMap(ws)).toEqual(map);
      await mark(ws);
      await ws.close();

      // Other rules: the start rewrites the map, and the email no longer links anyone.
      ws = await open({ blocked: { values: ['ann@example.com'] } });
      await ws.identity.refresh();
      expect(await marked(ws)).toBe(false);
      expect(await customerOf(ws, 'email:ann@example.com')).toBeUndefined();
      expect(await customerOf(ws, 'anon:a1')).toBe(await customerOf(ws, 'user:u-1'));
      expect(await customerOf(ws, 'anon:a2')).not.toBe(await customerOf(ws, 'user:u-1'));
      // A split removed after the map was written changes the inputs too.
      await ws.identity.unsplit('anon:a2', 'email:ann@example.com');
      await mark(ws);
      await ws.close();
      ws = await open({ blocked: { values: ['ann@example.com'] } });
      await ws.identity.refresh();
      expect(await marked(ws)).toBe(true);
      await ws.close();

      // Events stored after the map was last written: the next start rewrites it, and resolves them.
      ws = await open({ blocked: { values: ['ann@example.com'] } });
      await ws.store.run(sql`DELETE FROM identity_map_state`);
      await ws.close();
      ws = await open({ blocked: { values: ['ann@example.com'] } });
      await ws.identity.refresh();
      expect(await marked(ws)).toBe(false);
      await ws.close();

      // New events after a start that built no graph: the next refresh builds it and resolves them.
      ws = await open({ blocked: { values: ['ann@example.com'] } });
      expect(await ws.identity.refresh()).toMatchObject({ rebuilt: false });
      expect(ws.identity.hasGraph).toBe(false);
      await send(ws, [identify({ anonymousId: 'a3', userId: 'u-1', timestamp: at(9) })]);
      expect(ws.identity.hasGraph).toBe(true);
      expect(await customerOf(ws, 'anon:a3')).toBe(await customerOf(ws, 'user:u-1'));
    } finally {
      await ws.close();
      await removeDir(dir);
    }
  });

  it('splits a wrong merge, keeps it split across a rebuild, and merges again when the split is removed', async () => {
    const ws = await openWs();
    await send(ws, [identify({ anonymousId: 'a1', userId: 'u-1', traits: { email: 'ann@example.com' }, timestamp: at(0) }), page({ anonymousId: 'a1', timestamp: at(1) })]);
    const before = await customerMap(ws);
    await ws.identity.split('anon:a1', 'user:u-1');
    expect(await customerOf(ws, 'anon:a1')).not.toBe(await customerOf(ws, 'user:u-1'));
    const split = await customerMap(ws);
    await ws.identity.rebuild();
    expect(await customerMap(ws)).toEqual(split);
    // Later events cannot undo a split either.
    await send(ws, [page({ anonymousId: 'a1', userId: 'u-1', timestamp: at(5) })]);
    expect(await customerOf(ws, 'anon:a1')).not.toBe(await customerOf(ws, 'user:u-1'));
    await ws.identity.unsplit('anon:a1', 'user:u-1');
    expect(await customerMap(ws)).toEqual(before);
  });
});

/** A small history with every kind of link and refusal: devices, alias, shared device, blocked and late values. */
function history(): Message[] {
  return [
    page({ messageId: 'h01', anonymousId: 'd1', timestamp: at(0) }),
    identify({ messageId: 'h02', anonymousId: 'd1', userId: 'u-1', traits: { email: 'ann@example.com' }, timestamp: at(1) }),
    identify({ messageId: 'h03', anonymousId: 'd2', userId: undefined, traits: { email: ' ANN@example.com', phone: '+1 415 555 0101' }, timestamp: at(2) }),
    { type: 'alias', messageId: 'h04', previousId: 'd3', userId: 'u-1', timestamp: at(3) },
    identify({ messageId: 'h05', anonymousId: 'tablet', userId: 'u-1', traits: {}, timestamp: at(4) }),
    identify({ messageId: 'h06', anonymousId: 'tablet', userId: 'u-2', traits: { email: 'bob@example.com' }, timestamp: at(5) }),
    identify({ messageId: 'h07', anonymousId: 'd4', userId: 'u-2', traits: { phone: '+1 (415) 555-0101' }, timestamp: at(6) }),
    identify({ messageId: 'h08', anonymousId: 'd5', userId: 'undefined', traits: { email: 'carol@example.com' }, timestamp: at(7) }),
    track({ messageId: 'h09', anonymousId: 'd6', userId: 'undefined', event: 'Product Viewed', timestamp: at(8) }),
    identify({ messageId: 'h10', anonymousId: 'd6', userId: 'u-3', traits: { email: 'carol@example.com' }, timestamp: at(9) }),
  ];
}

/** Deterministic permutations of a list (a seeded shuffle), so the test is the same on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('order independence', () => {
  it('gives the same customer_map whatever order and batches late events arrive in', async () => {
    const reference = await openWs();
    await send(reference, history());
    const expected = await customerMap(reference);
    expect(new Set(expected.map((l) => l.split(' → ')[1])).size).toBeGreaterThan(2);
    for (const seed of [1, 7, 42]) {
      const ws = await openWs();
      const messages = shuffled(history(), seed);
      // Three batches, each loaded and resolved before the next arrives: the later ones hold earlier events.
      for (const part of [messages.slice(0, 3), messages.slice(3, 7), messages.slice(7)]) await send(ws, part);
      expect(await customerMap(ws), `seed ${seed}`).toEqual(expected);
    }
  });

  it('gives the same graph, map and merge log when a rebuild reads the log in time spans', async () => {
    const ws = await openWs();
    // Sets seen again later, so they fall in later spans than their first sighting: a refused link (the
    // shared tablet's second user id), a merge, and a lone page view.
    const repeats = [
      identify({ messageId: 'r1', anonymousId: 'tablet', userId: 'u-2', traits: { email: 'bob@example.com' }, timestamp: at(20) }),
      identify({ messageId: 'r2', anonymousId: 'd1', userId: 'u-1', traits: { email: 'ann@example.com' }, timestamp: at(25) }),
      page({ messageId: 'r3', anonymousId: 'd1', timestamp: at(30) }),
      identify({ messageId: 'r4', anonymousId: 'tablet', userId: 'u-2', traits: { email: 'bob@example.com' }, timestamp: at(40) }),
    ];
    await send(ws, [...history(), ...repeats]);
    const [last] = await ws.store.query<{ seq: number }>(sql`SELECT max(seq) AS seq FROM events`);
    const spans = await eventTimeSpans(ws.store, Number(last?.seq), 3);
    expect(spans).toHaveLength(3);
    expect(spans[0]?.fromMs).toBeUndefined();
    expect(spans[2]?.toMs).toBeUndefined();
    expect(spans[1]?.fromMs).toBe(spans[0]?.toMs);
    const whole = new IdentityService(ws.store, {}, { rebuildSpans: 1 });
    await whole.rebuild();
    const map = await customerMap(ws);
    const graph = await whole.graph();
    const inSpans = new IdentityService(ws.store, {}, { rebuildSpans: 3 });
    await inSpans.rebuild();
    expect(await customerMap(ws)).toEqual(map);
    const spanned = await inSpans.graph();
    expect(readMergeLog(spanned)).toEqual(readMergeLog(graph));
    expect(spanned.observations.count).toBe(graph.observations.count);
    expect([...listAssignments(spanned)].sort((a, b) => a.value.localeCompare(b.value))).toEqual([...listAssignments(graph)].sort((a, b) => a.value.localeCompare(b.value)));
  });

  it('gives after incremental refreshes the same customer_map as a full rebuild', async () => {
    const ws = await openWs();
    for (const message of shuffled(history(), 3)) await send(ws, [message]);
    const incremental = await customerMap(ws);
    await ws.identity.rebuild();
    expect(await customerMap(ws)).toEqual(incremental);
    // The rebuild swapped in a new table; later refreshes write into it, still one row per identifier.
    await send(ws, [identify({ messageId: 'h99', anonymousId: 'd9', userId: 'u-1', traits: {}, timestamp: at(30) })]);
    expect(await customerOf(ws, 'anon:d9')).toBe(await customerOf(ws, 'user:u-1'));
    const [counts] = await ws.store.query<{ rows: number; keys: number }>(sql`SELECT count(*) AS rows, count(DISTINCT (type, value)) AS keys FROM customer_map`);
    expect(counts!.rows).toBe(counts!.keys);
    expect(counts!.rows).toBe(incremental.length + 1);
  });
});

describe('a full rebuild writes the map through a file', () => {
  it('writes every identifier as the graph holds it, whatever characters its value holds', async () => {
    const ws = await openWs();
    const odd = ['a,b', 'say "hi"', '""', 'line\nbreak', 'cr\rhere', ' padded ', 'café', 'ÿ', '例え', '🙂 ok', 'nul\u0000x', ',', '"'];
    await send(
      ws,
      odd.map((userId, i) => identify({ messageId: `odd-${i}`, anonymousId: `dev-${i}`, userId, traits: {}, timestamp: at(i) })),
    );
    await ws.identity.rebuild();
    const graph = await ws.identity.graph();
    const expected = [...listAssignments(graph)].map((a) => `${a.type}|${a.value}|${a.customerId}`).sort();
    const rows = await ws.store.query<{ type: string; value: string; customer_id: string }>(sql`SELECT type, value, customer_id FROM customer_map`);
    expect(rows.map((r) => `${r.type}|${r.value}|${r.customer_id}`).sort()).toEqual(expected);
    // Every odd value is there as sent (user ids are not normalized), each with its device.
    const users = rows.filter((r) => r.type === 'user').map((r) => r.value);
    expect(users.sort()).toEqual([...odd].sort());
    expect(await customerOf(ws, 'anon:dev-3')).toBe(rows.find((r) => r.type === 'user' && r.value === 'line\nbreak')?.customer_id);
    // In part files of 5 rows (25 rows go through files, the NUL one apart), each read while the next is
    // written, the last one left empty: the map is the same.
    const inParts = new IdentityService(ws.store, {}, { mapPartRows: 5 });
    await ws.store.run(sql`DELETE FROM customer_map`);
    await inParts.rebuild();
    const again = await ws.store.query<{ type: string; value: string; customer_id: string }>(sql`SELECT type, value, customer_id FROM customer_map`);
    expect(again.map((r) => `${r.type}|${r.value}|${r.customer_id}`).sort()).toEqual(expected);
  });
});

describe('following the log in rounds', () => {
  it('gives, in rounds of a few events each written on its own, the map a full rebuild gives', async () => {
    const dir = await makeTempDir('tessera-identity-rounds-');
    const ws = await openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent' }), pino({ level: 'silent' }));
    opened.push({ ws, dir });
    const byRounds = new IdentityService(ws.store, {}, { roundEvents: 3 });
    // Built before the events arrive, so all of them are followed in rounds.
    await byRounds.graph();
    const result = await ws.ingestor.accept(shuffled(history(), 5), { source: 'web', location: 'test' });
    expect(result.rejections).toEqual([]);
    await ws.ingestor.flush();
    const followed = await byRounds.refresh();
    expect(followed.events).toBe(history().length);
    const inRounds = await customerMap(ws);
    await ws.identity.rebuild();
    expect(await customerMap(ws)).toEqual(inRounds);
    expect(inRounds.length).toBeGreaterThan(5);
  });
});

describe('a rebuild reads each set of identifiers once', () => {
  /** The history, then the same identifiers again on later days (new messages), as a shop's repeat visits are. */
  function repeatedHistory(): Message[] {
    const later = history().map((m, i) => ({ ...m, messageId: `r${i}`, timestamp: new Date(Date.parse(String(m.timestamp)) + 86_400_000).toISOString() }));
    const views = Array.from({ length: 20 }, (_, i) => page({ messageId: `v${i}`, anonymousId: 'd1', timestamp: at(20 + i) }));
    return [...history(), ...later, ...views];
  }

  it('gives the map, first sightings and merge reasons that following every event gives', async () => {
    const ws = await openWs();
    // One at a time, shuffled: late repeats of a set must not move what its first event decided.
    for (const message of shuffled(repeatedHistory(), 7)) await send(ws, [message]);
    const incremental = await customerMap(ws);
    const explained = async () => JSON.stringify(await explainProfile(ws.store, ws.identity, 'user:u-1'));
    const before = await explained();
    const storedBefore = (await ws.identity.graph()).observations.count;
    const [events] = await ws.store.query<{ n: number }>(sql`SELECT count(*) AS n FROM events`);
    const rebuilt = await ws.identity.rebuild();
    expect(rebuilt.events).toBe(Number(events!.n));
    // The repeats were not read: the rebuilt graph keeps one linking observation per set, the first day's
    // (nine in the history). Following the log keeps a repeat only when it arrived before its first.
    const storedAfter = (await ws.identity.graph()).observations.count;
    expect(storedAfter).toBe(9);
    expect(storedBefore).toBeGreaterThanOrEqual(storedAfter);
    expect(storedBefore).toBeLessThan(18);
    expect(await customerMap(ws)).toEqual(incremental);
    // Merges, refusals and first sightings name the first events (h…), never a repeat; a refusal is listed once.
    expect(await explained()).toBe(before);
    expect(before).toContain('"merge"');
    expect(before.match(/"refusal"/g)).toHaveLength(2);
    expect(before).not.toMatch(/"r\d|"v\d/);
  });
});

describe('the identity graph kept between processes', () => {
  const dirs: string[] = [];
  // Runs before the file's own afterEach: closeAll also removes the directories of workspaces opened with openWs,
  // which splicing them out here left behind in /tmp (a reopened one's directory is in `dirs`).
  afterEach(async () => {
    await workspaces.closeAll();
    for (const dir of dirs.splice(0)) await removeDir(dir);
  });

  async function newDir(): Promise<string> {
    const dir = await makeTempDir('tessera-identity-file-');
    dirs.push(dir);
    return dir;
  }

  /** Opens a workspace on `dir` as a new process would (its own store, service and graph file). */
  async function reopen(dir: string, identity: MergeRulesInput = {}): Promise<Workspace> {
    const ws = await openWorkspace(TesseraConfig.parse({ dataDir: dir, logLevel: 'silent', identity }), pino({ level: 'silent' }));
    opened.push({ ws, dir: '' });
    return ws;
  }

  /** Ends a workspace as a process's exit does: `close` saves the graph; a crash (`saving: false`) does not. */
  async function stop(ws: Workspace, options: { saving?: boolean } = {}): Promise<void> {
    opened.splice(opened.findIndex((o) => o.ws === ws), 1);
    if (options.saving === false) {
      await ws.ingestor.close();
      await ws.store.close();
    } else {
      await ws.close();
    }
  }

  async function explained(ws: Workspace): Promise<string> {
    return JSON.stringify(await explainProfile(ws.store, ws.identity, 'user:u-1'));
  }

  it('reads the saved graph at the next start instead of resolving every event, then follows the log from it', async () => {
    const dir = await newDir();
    const first = await reopen(dir);
    await send(first, history().slice(0, 7));
    await first.identity.graph();
    const before = await explained(first);
    await stop(first);

    const second = await reopen(dir);
    const started = await second.identity.refresh({ keepGraph: true });
    expect(started).toMatchObject({ restored: true, rebuilt: false, events: 0 });
    expect(await explained(second)).toBe(before);
    // Events after the save are followed from the restored graph, and give what a full rebuild gives.
    await send(second, history().slice(7));
    const followed = await customerMap(second);
    expect(await customerOf(second, 'email:carol@example.com')).toBe(await customerOf(second, 'user:u-3'));
    await second.identity.rebuild();
    expect(await customerMap(second)).toEqual(followed);
    await stop(second);
  });

  it('follows the events a process acknowledged after its last save, when it stopped without saving', async () => {
    const dir = await newDir();
    const first = await reopen(dir);
    await send(first, history().slice(0, 5));
    await first.identity.graph();
    await stop(first);
    // A second process follows more events and writes the map, then dies before saving its graph.
    const crashed = await reopen(dir);
    await send(crashed, history().slice(5));
    const expected = await customerMap(crashed);
    await stop(crashed, { saving: false });

    const third = await reopen(dir);
    const started = await third.identity.refresh({ keepGraph: true });
    expect(started).toMatchObject({ restored: true, events: history().length - 5 });
    expect(await customerMap(third)).toEqual(expected);
    await stop(third);
  });

  it('resolves every event again when the file is damaged or was saved under other rules', async () => {
    const dir = await newDir();
    const first = await reopen(dir);
    await send(first, history());
    const expected = await customerMap(first);
    await first.identity.graph();
    await stop(first);
    const file = join(dir, 'identity-graph.bin');
    const whole = await readFile(file);

    const damaged = Buffer.from(whole);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
    await writeFile(file, damaged);
    const second = await reopen(dir);
    expect(await second.identity.refresh({ keepGraph: true })).toMatchObject({ restored: false, rebuilt: true });
    expect(await customerMap(second)).toEqual(expected);
    await stop(second);

    // Saved again by that close; now the rules change (tablets may hold two user ids), so the file is stale.
    const stricter = await reopen(dir, { limits: { user: 2 } });
    expect(await stricter.identity.refresh({ keepGraph: true })).toMatchObject({ restored: false, rebuilt: true });
    expect(await mapped(stricter, 'user:u-2')).toBe(await mapped(stricter, 'user:u-1'));
    await stop(stricter);
  });

  it('reads back a graph saved after a split, with the split in force, and follows the log from it', async () => {
    const dir = await newDir();
    const first = await reopen(dir);
    await send(first, history());
    // d3 came to u-1 by an alias; split off, it belongs to nobody else.
    await first.identity.split('anon:d3', 'user:u-1');
    expect(await customerOf(first, 'anon:d3')).not.toBe(await customerOf(first, 'user:u-1'));
    const split = await customerMap(first);
    await stop(first);

    const second = await reopen(dir);
    expect(await second.identity.refresh({ keepGraph: true })).toMatchObject({ restored: true });
    expect(await customerMap(second)).toEqual(split);
    // A later event linking the split's two sides again (with a new email, so it is no repeat of a stored
    // set) is refused by the restored graph too.
    await send(second, [identify({ messageId: 'h20', anonymousId: 'd3', userId: 'u-1', traits: { email: 'ann.new@example.com' }, timestamp: at(20) })]);
    expect(await customerOf(second, 'email:ann.new@example.com')).toBe(await customerOf(second, 'user:u-1'));
    expect(await customerOf(second, 'anon:d3')).not.toBe(await customerOf(second, 'user:u-1'));
    const followed = await customerMap(second);
    await second.identity.rebuild();
    expect(await customerMap(second)).toEqual(followed);
  });

  it('saves the graph again once it has followed enough events, so a start after a crash has little to follow', async () => {
    const ws = await openWs();
    await send(ws, history().slice(0, 4));
    const file = join(ws.config.dataDir, 'often.bin');
    const service = new IdentityService(ws.store, ws.config.identity, { graphFile: file, graphFileEvents: 3, graphFileIntervalMs: 0 });
    await service.refresh({ keepGraph: true });
    const savedSeq = (): number => {
      const reader = new GraphFileReader(file);
      try {
        return reader.number('service.lastSeq');
      } finally {
        reader.close();
      }
    };
    const [first] = await ws.store.query<{ seq: number }>(sql`SELECT max(seq) AS seq FROM events`);
    expect(savedSeq()).toBe(Number(first!.seq));
    await send(ws, history().slice(4, 6));
    await service.refresh();
    // Two events followed: fewer than graphFileEvents, so the file stays as it was.
    expect(savedSeq()).toBe(Number(first!.seq));
    await send(ws, history().slice(6));
    await service.refresh();
    const [last] = await ws.store.query<{ seq: number }>(sql`SELECT max(seq) AS seq FROM events`);
    expect(savedSeq()).toBe(Number(last!.seq));
  });

  it('reports a graph file it cannot write, and resolves all the same', async () => {
    const ws = await openWs();
    await send(ws, history());
    const warnings: string[] = [];
    const service = new IdentityService(ws.store, {}, { graphFile: join(ws.config.dataDir, 'missing-dir', 'graph.bin'), graphFileEvents: 5, warn: (_d, m) => warnings.push(m) });
    const result = await service.refresh({ keepGraph: true });
    expect(result).toMatchObject({ rebuilt: true, restored: false });
    expect(warnings).toEqual([expect.stringContaining('could not save the identity graph')]);
    expect(customerOfGraph(await service.graph(), 'email:bob@example.com')).toBe(await mapped(ws, 'user:u-2'));
    // A failing disk is tried again only after graphFileEvents more events, not at every refresh.
    await send(ws, [page({ messageId: 'h11', anonymousId: 'd7', timestamp: at(11) })]);
    await service.refresh();
    expect(warnings).toHaveLength(1);
  });
});
