import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateShop, writeShop, type ShopSummary } from '../src/demo/index.js';
import { parseCsvLine } from './helpers/csv.js';

const files = ['events.ndjson', 'orders.csv', 'customers.csv', 'rates.csv', 'truth.csv'] as const;
const options = { customers: 200, seed: 2024 };

function parseCsv(text: string): { header: string; rows: Record<string, string>[] } {
  const [header = '', ...lines] = text.split('\n').filter((l) => l !== '');
  const columns = header.split(',');
  const rows = lines.map((line) => {
    const values = parseCsvLine(line);
    expect(values.length, line).toBe(columns.length);
    return Object.fromEntries(columns.map((c, i) => [c, values[i] ?? '']));
  });
  return { header, rows };
}

function normalizePhone(text: string): string {
  const digits = text.replace(/\D/g, '');
  if (text.trim().startsWith('+')) return `+${digits}`;
  return digits.length === 10 ? `+1${digits}` : `+${digits}`;
}

let root: string;
let dirA: string;
let summary: ShopSummary;
const read = (dir: string, file: string): Promise<string> => readFile(join(dir, file), 'utf8');
let events: Record<string, unknown>[];
let orders: Record<string, string>[];
let customers: Record<string, string>[];
let truth: Record<string, string>[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tessera-demo-'));
  dirA = join(root, 'a');
  summary = await writeShop(generateShop(options), dirA);
  events = (await read(dirA, 'events.ndjson')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  orders = parseCsv(await read(dirA, 'orders.csv')).rows;
  customers = parseCsv(await read(dirA, 'customers.csv')).rows;
  truth = parseCsv(await read(dirA, 'truth.csv')).rows;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the demo shop files', () => {
  it('are byte-identical for the same seed, also when the writer spills to temporary files', async () => {
    const again = join(root, 'again');
    await writeShop(generateShop(options), again, { memoryBudgetChars: 50_000 });
    for (const file of files) expect(await read(again, file), file).toBe(await read(dirA, file));
  });

  it("remove a killed writer's sorting directory, and leave a running writer's alone", async () => {
    const dir = join(root, 'leftovers');
    const deadPid = spawnSync('true').pid;
    const killed = join(dir, `.demo-tmp-${deadPid}-aB3dEf`);
    const running = join(dir, `.demo-tmp-${process.pid}-xY7zQw`);
    for (const d of [killed, running]) {
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'events-0003.spill'), 'spilled lines\n');
    }
    await writeShop(generateShop({ customers: 20, seed: 7 }), dir);
    expect((await readdir(dir)).filter((name) => name.startsWith('.demo-tmp-'))).toEqual([`.demo-tmp-${process.pid}-xY7zQw`]);
  });

  it('differ for a different seed', async () => {
    const other = join(root, 'other');
    await writeShop(generateShop({ ...options, seed: 2025 }), other);
    for (const file of ['events.ndjson', 'orders.csv', 'customers.csv', 'truth.csv', 'rates.csv']) expect(await read(other, file), file).not.toBe(await read(dirA, file));
  });

  it('have exactly the documented headers', async () => {
    expect((await read(dirA, 'orders.csv')).split('\n')[0]).toBe('order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price');
    expect((await read(dirA, 'customers.csv')).split('\n')[0]).toBe('customer_id,email,phone,first_name,last_name,city,country,created_at');
    expect((await read(dirA, 'rates.csv')).split('\n')[0]).toBe('date,currency,rate_to_base');
    expect((await read(dirA, 'truth.csv')).split('\n')[0]).toBe('identifier_type,identifier_value,person_id');
  });

  it('count in the summary what the files hold', () => {
    const rows = Object.fromEntries(summary.files.map((f) => [f.file, f.rows]));
    expect(rows).toEqual({ 'events.ndjson': events.length, 'orders.csv': orders.length, 'customers.csv': customers.length, 'rates.csv': 731 * 2, 'truth.csv': truth.length });
    expect(summary.people).toBe(200);
    expect(summary.orders).toBe(new Set(orders.map((o) => o.order_id)).size);
    expect(summary.events).toBe(events.length);
  });

  it('give every event a messageId, a type, a userId or anonymousId and an in-range timestamp, in time order', () => {
    let previous = '';
    const bad = events.filter((e) => {
      const ts = String(e.timestamp);
      const ok =
        typeof e.messageId === 'string' &&
        ['page', 'identify', 'track', 'alias'].includes(String(e.type)) &&
        Boolean(e.userId ?? e.anonymousId) &&
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(ts) &&
        ts >= '2024-01-01' &&
        ts < '2026-01-01' &&
        ts >= previous;
      previous = ts;
      return !ok;
    });
    expect(bad).toEqual([]);
    expect(new Set(events.map((e) => e.messageId)).size).toBe(events.length);
  });

  it('write order rows whose total is the sum of price × quantity minus the discount of the tracked order', () => {
    const byOrder = new Map<string, Record<string, string>[]>();
    for (const row of orders) byOrder.set(row.order_id ?? '', [...(byOrder.get(row.order_id ?? '') ?? []), row]);
    const discounts = new Map(events.filter((e) => e.event === 'Order Completed').map((e) => {
      const p = e.properties as { order_id: string; discount: number };
      return [p.order_id, Math.round(p.discount * 100)] as const;
    }));
    for (const [orderId, rows] of byOrder) {
      const first = rows[0] ?? {};
      const total = Math.round(Number(first.total) * 100);
      const sum = rows.reduce((s, r) => s + Math.round(Number(r.price) * 100) * Number(r.quantity), 0);
      for (const r of rows) {
        expect(r.total, orderId).toBe(first.total);
        expect(r.created_at).toBe(first.created_at);
        const createdAt = r.created_at ?? '';
        expect(createdAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(createdAt >= '2024-01-01' && createdAt < '2026-01-01').toBe(true);
        expect(['completed', 'refunded', 'cancelled']).toContain(r.status);
        expect(['USD', 'EUR', 'GBP']).toContain(r.currency);
        expect(Number(r.quantity)).toBeGreaterThan(0);
      }
      expect(total).toBeLessThanOrEqual(sum);
      expect(total).toBeGreaterThanOrEqual(Math.floor(sum * 0.75));
      const discount = discounts.get(orderId);
      if (discount !== undefined) expect(sum - total).toBe(discount);
    }
  });

  it('hold many one-time buyers and some who order five times or more', () => {
    const personOfEmail = new Map(truth.filter((t) => t.identifier_type === 'email').map((t) => [t.identifier_value, t.person_id]));
    const ordersOf = new Map<string, Set<string>>();
    for (const row of orders) {
      const person = personOfEmail.get((row.email ?? '').trim().toLowerCase());
      expect(person, row.email).toBeDefined();
      ordersOf.set(person ?? '', (ordersOf.get(person ?? '') ?? new Set()).add(row.order_id ?? ''));
    }
    const counts = [...ordersOf.values()].map((s) => s.size);
    expect(counts.filter((c) => c === 1).length / counts.length).toBeGreaterThan(0.4);
    expect(counts.some((c) => c >= 5)).toBe(true);
  });

  it('put guest checkouts only in orders.csv, and some orders both there and in the events', () => {
    const tracked = new Set(events.filter((e) => e.event === 'Order Completed').map((e) => (e.properties as { order_id: string }).order_id));
    const guests = new Set(orders.filter((o) => o.customer_id === '').map((o) => o.order_id));
    expect(guests.size).toBeGreaterThan(0);
    for (const id of guests) expect(tracked.has(id ?? '')).toBe(false);
    const exported = new Set(orders.map((o) => o.order_id));
    for (const id of tracked) expect(exported.has(id)).toBe(true);
    expect(tracked.size).toBeGreaterThan(0);
    expect(exported.size).toBeGreaterThan(tracked.size);
  });

  it('cover in truth.csv every identifier of the events and the exports, except the blocked placeholders', () => {
    const known = new Set(truth.map((t) => `${t.identifier_type}:${t.identifier_value}`));
    const want = new Set<string>();
    for (const e of events) {
      if (typeof e.anonymousId === 'string') want.add(`anon:${e.anonymousId}`);
      if (typeof e.userId === 'string' && e.userId !== 'undefined') want.add(`user:${e.userId}`);
      const traits = (e.traits ?? {}) as Record<string, unknown>;
      if (typeof traits.email === 'string' && traits.email !== 'test@test.com') want.add(`email:${traits.email.trim().toLowerCase()}`);
      if (typeof traits.phone === 'string') want.add(`phone:${normalizePhone(traits.phone)}`);
    }
    for (const c of customers) {
      want.add(`shop:${c.customer_id}`);
      want.add(`email:${(c.email ?? '').trim().toLowerCase()}`);
      if (c.phone) want.add(`phone:${normalizePhone(c.phone)}`);
    }
    for (const o of orders) if (o.customer_id) want.add(`shop:${o.customer_id}`);
    const missing = [...want].filter((k) => !known.has(k));
    expect(missing).toEqual([]);
    expect(known.has('user:undefined') || known.has('email:test@test.com')).toBe(false);
    const people = new Map<string, string>();
    for (const t of truth) {
      const key = `${t.identifier_type}:${t.identifier_value}`;
      expect(people.get(key) ?? t.person_id, `${key} belongs to one person`).toBe(t.person_id);
      people.set(key, t.person_id ?? '');
    }
  });

  it('give customers.csv messy emails and phones that still normalize', () => {
    expect(customers.length).toBeGreaterThan(50);
    expect(customers.some((c) => c.email !== (c.email ?? '').trim().toLowerCase())).toBe(true);
    expect(customers.some((c) => c.phone !== '' && !(c.phone ?? '').startsWith('+'))).toBe(true);
    for (const c of customers) expect(c.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('give a plausible USD rate for EUR and GBP on every day', async () => {
    const rates = parseCsv(await read(dirA, 'rates.csv')).rows;
    expect(new Set(rates.map((r) => r.date)).size).toBe(731);
    for (const r of rates) {
      expect(['EUR', 'GBP']).toContain(r.currency);
      expect(Number(r.rate_to_base)).toBeGreaterThan(0.9);
      expect(Number(r.rate_to_base)).toBeLessThan(1.6);
    }
  });
});
