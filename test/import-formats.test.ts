// File imports of every format into a real store (issue 3): the rows that land in `events` and
// `quarantine`, standardization on the way, and a summary that accounts for every row.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRates, retryNoRate } from '../src/ingest/index.js';
import { raw, sql } from '../src/store/index.js';
import { fixture, openImportWorkspace, rowsAccountedFor, type EventRow, type ImportWorkspace } from './helpers/imports.js';

/** Writes a variant of a fixture into `dir` (another name, header, delimiter or compression). */
function variant(dir: string, name: string, fixtureName: string, change: (text: string) => string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, change(readFileSync(fixture(fixtureName), 'utf8')));
  return path;
}

/** Writes `select` (over `{csv}`, the fixture read as text) to a Parquet file, with DuckDB itself. */
async function writeParquet(path: string, csv: string, select: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (${select.replace('{csv}', `read_csv('${csv}', header = true, all_varchar = true)`)}) TO '${path}' (FORMAT parquet)`);
  conn.closeSync();
}

const ordersSummary = { rowsRead: 4, rowsImported: 4, written: 5, duplicates: 0, quarantined: {}, messages: { 'Order Completed': 3, 'Order Refunded': 1, 'Order Cancelled': 1 } };

const byId = (events: EventRow[]) => new Map(events.map((e) => [e.message_id, e]));
const get = <T>(map: Map<string, T>, key: string): T => {
  const value = map.get(key);
  if (value === undefined) throw new Error(`no ${key} among ${[...map.keys()].join(', ')}`);
  return value;
};

describe('file imports', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  it('turns the lines of each order into one Order Completed with products, plus its refund or cancellation', async () => {
    const summary = await w.import(fixture('orders.csv'), { format: 'orders', timezone: 'America/New_York' });
    expect(summary).toMatchObject({ rowsRead: 4, rowsImported: 4, written: 5, duplicates: 0, quarantined: {} });
    expect(summary.messages).toEqual({ 'Order Completed': 3, 'Order Refunded': 1, 'Order Cancelled': 1 });
    const events = byId(await w.events());
    expect([...events.keys()].sort()).toEqual(['orders:1001:completed', 'orders:1002:completed', 'orders:1002:refunded', 'orders:1003:cancelled', 'orders:1003:completed']);

    const first = get(events, 'orders:1001:completed');
    expect(first).toMatchObject({ event: 'Order Completed', order_id: '1001', currency: 'USD', amount: 30, amount_base: 30, channel: 'import' });
    // Email trimmed and lower-cased, phone in E.164 with the workspace's region (US).
    expect(first).toMatchObject({ email: 'alice@example.com', phone: '+12125550101', ts: '2024-05-02T13:30:00.000Z' });
    expect(first.message.properties?.['products']).toEqual([
      { sku: 'MUG', name: 'Mug', category: 'Kitchen', price: 10, quantity: 2 },
      { sku: 'CUP', name: 'Cup', category: 'Kitchen', price: 10, quantity: 1 },
    ]);
    expect(get(events, 'orders:1002:refunded')).toMatchObject({ event: 'Order Refunded', order_id: '1002', amount: 20 });
    // A customer id becomes an external id; a time with an offset keeps it whatever --timezone says.
    const cancelled = get(events, 'orders:1003:completed');
    expect(cancelled).toMatchObject({ ts: '2024-05-04T12:00:00.000Z', phone: '+442079460958', email: null });
    expect(cancelled.message.context?.['externalIds']).toEqual([{ id: 'C3', type: 'shop', collection: 'users', encoding: 'none' }]);
    expect(get(events, 'orders:1003:cancelled')).toMatchObject({ event: 'Order Cancelled', order_id: '1003' });
  });

  it("reads Shopify's orders export, whose order-level fields sit on the first line-item row only", async () => {
    const summary = await w.import(fixture('shopify-orders.csv'), { format: 'shopify-orders' });
    expect(summary).toMatchObject({ rowsRead: 5, rowsImported: 5 });
    expect(summary.quarantined).toEqual({ no_rate: 1 }); // the EUR order: the workspace has no EUR rate yet
    const events = byId(await w.events());

    const two = get(events, 'shopify:5001:completed');
    expect(two).toMatchObject({ order_id: '5001', amount: 40, currency: 'USD', email: 'ann@example.com', ts: '2024-01-05T15:15:00.000Z' });
    // Phone is empty, so Billing Phone stands in.
    expect(two.phone).toBe('+16175550100');
    expect(two.message.properties).toMatchObject({ order_number: '#1001', subtotal: 35, shipping: 5, financial_status: 'paid', fulfillment_status: 'fulfilled' });
    expect(two.message.properties?.['products']).toEqual([
      { sku: 'MUG-B', name: 'Mug, blue', price: 10, quantity: 2 },
      { sku: 'TEA-1', name: 'Tea', price: 15, quantity: 1 },
    ]);
    // refunded: the refund is an event of its own, at the order's time (the export has no refund date).
    expect(get(events, 'shopify:5002:refunded')).toMatchObject({ event: 'Order Refunded', amount: 20, currency: 'EUR', ts: '2024-01-07T10:59:00.000Z' });
    // partially_refunded: the order stands, and the refunded amount leaves it.
    expect(get(events, 'shopify:5003:completed')).toMatchObject({ amount: 30 });
    expect(get(events, 'shopify:5003:refunded')).toMatchObject({ amount: 10 });
    // voided with a Cancelled at: cancelled at that time.
    expect(get(events, 'shopify:5004:cancelled')).toMatchObject({ event: 'Order Cancelled', ts: '2024-02-02T14:00:00.000Z' });
    const noRate = await w.quarantine();
    expect(noRate).toEqual([expect.objectContaining({ code: 'no_rate', location: 'shopify-orders.csv:4', field: 'properties.currency' })]);
    expect(JSON.parse(noRate[0]?.raw ?? '{}')).toMatchObject({ messageId: 'shopify:5002:completed' });
  });

  it('makes one identify per CRM row, with every other column as a trait', async () => {
    const summary = await w.import(fixture('customers.csv'), { format: 'customers', timezone: 'America/New_York' });
    expect(summary).toMatchObject({ rowsRead: 3, rowsImported: 3, written: 3, messages: { identify: 3 } });
    const events = await w.events();
    const ann = events.find((e) => e.message.traits?.['first_name'] === 'Ann');
    expect(ann).toMatchObject({ type: 'identify', email: 'ann.lee@example.com', phone: '+16175550100', ts: '2023-01-15T14:00:00.000Z' });
    expect(ann?.message.traits).toEqual({
      email: 'ann.lee@example.com',
      phone: '+16175550100',
      first_name: 'Ann',
      last_name: 'Lee',
      loyalty_tier: 'gold',
      address: { city: 'Boston', country: 'US' },
      created_at: '2023-01-15T14:00:00.000Z',
    });
    const bo = events.find((e) => e.message.traits?.['first_name'] === 'Bo');
    expect(bo).toMatchObject({ phone: '+33142685300', email: null });
    expect(bo?.message.context?.['externalIds']).toEqual([{ id: 'C2', type: 'shop', collection: 'users', encoding: 'none' }]);
  });

  it('imports a CSV and the same rows as Parquet through one mapping, skipping what the mapping says and counting it', async () => {
    const csv = await w.import(fixture('email-events.csv'), { format: 'csv', mapping: fixture('email-events.yaml') });
    expect(csv).toMatchObject({ rowsRead: 4, rowsImported: 3, written: 3, skipped: { internal_address: 1 }, quarantined: {} });
    expect(rowsAccountedFor(csv)).toBe(csv.rowsRead);
    const events = await w.events();
    expect(events.map((e) => [e.event, e.email, e.ts, e.source])).toEqual(
      expect.arrayContaining([
        ['opened', 'ann.lee@example.com', '2024-04-02T06:00:00.000Z', 'mailer'],
        ['clicked', 'ann.lee@example.com', '2024-04-02T06:05:00.000Z', 'mailer'],
        ['bounced', 'bob@example.com', '2024-04-02T06:00:00.000Z', 'mailer'],
      ]),
    );
    expect(events.find((e) => e.event === 'clicked')?.message.properties).toEqual({ campaign_id: 'spring-sale', link_url: 'https://shop.example/sale' });

    // Parquet of the same rows (written by DuckDB itself): the same messages, so nothing new.
    const parquet = join(w.dir, 'email-events.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`COPY (SELECT * FROM read_csv('${fixture('email-events.csv')}', delim = ';', header = true, all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
    conn.closeSync();
    const pq = await w.import(parquet, { format: 'parquet', mapping: fixture('email-events.yaml') });
    expect(pq).toMatchObject({ rowsRead: 4, rowsImported: 3, written: 0, duplicates: 3, skipped: { internal_address: 1 } });
    expect(await w.events()).toHaveLength(3);
  });

  it('reads times without an offset in --timezone across both DST changes, on the CSV and the NDJSON path alike', async () => {
    await w.import(fixture('orders-dst.csv'), { format: 'orders', timezone: 'America/New_York' });
    const ts = new Map((await w.events()).map((e) => [e.order_id, e.ts]));
    expect(Object.fromEntries(ts)).toEqual({
      D1: '2024-03-10T06:59:00.000Z', // 01:59 EST
      D2: '2024-03-10T07:30:00.000Z', // 02:30 does not exist: moved forward to 03:30 EDT
      D3: '2024-03-10T07:00:00.000Z', // 03:00 EDT
      D4: '2024-11-03T04:59:00.000Z', // 00:59 EDT
      D5: '2024-11-03T06:30:00.000Z', // 01:30 happens twice: read as standard time (EST)
      D6: '2024-11-03T07:00:00.000Z', // 02:00 EST
      D7: '2024-11-03T05:30:00.000Z', // the first 01:30, said with its offset
    });

    await w.importSegment(fixture('events-local-time.ndjson'), { timezone: 'America/New_York' });
    const http = new Map((await w.events()).map((e) => [e.order_id, e.ts]));
    expect(http.get('N1')).toBe(ts.get('D2'));
    expect(http.get('N2')).toBe(ts.get('D5'));
  });

  it('quarantines an order with no rate for its day and currency, and imports it once the rate arrives', async () => {
    const first = await w.import(fixture('orders-rates.csv'), { format: 'orders' });
    expect(first).toMatchObject({ rowsRead: 2, written: 1, quarantined: { no_rate: 1 } });
    expect(await w.quarantine()).toEqual([
      expect.objectContaining({ code: 'no_rate', location: 'orders-rates.csv:2', reason: expect.stringMatching(/no rate for EUR on 2024-06-01/) }),
    ]);
    expect((await w.events()).map((e) => e.order_id)).toEqual(['R2']);

    await importRates(w.ws.store, fixture('rates.csv'), w.ws.config.workspace);
    expect(await retryNoRate(w.ws.store, w.ws.ingestor)).toEqual({ retried: 1, stillQuarantined: 0 });
    expect(await w.quarantine()).toEqual([]);
    const r1 = (await w.events()).find((e) => e.order_id === 'R1');
    expect(r1).toMatchObject({ currency: 'EUR', amount: 100, rate: 1.08, amount_base: 108 });
  });

  it('retries every order waiting for a rate once, page by page, and leaves each one still without a rate in quarantine once', async () => {
    // Orders in a currency no rate will ever cover, in pages larger than the retry's (5,000 rows).
    const path = join(w.dir, 'orders-no-rate.ndjson');
    const order = (i: number) => ({ type: 'track', event: 'Order Completed', messageId: `nr-${i}`, userId: `u${i}`, timestamp: '2024-06-01T10:00:00Z', properties: { order_id: `NR${i}`, total: 10, currency: 'CHF' } });
    writeFileSync(path, Array.from({ length: 12_000 }, (_, i) => JSON.stringify(order(i))).join('\n') + '\n');
    expect(await w.importSegment(path)).toMatchObject({ written: 0, quarantined: { no_rate: 12_000 } });
    expect(await retryNoRate(w.ws.store, w.ws.ingestor)).toEqual({ retried: 12_000, stillQuarantined: 12_000 });
    const [n] = await w.ws.store.query<{ n: number; ids: number }>(sql`SELECT count(*) AS n, count(DISTINCT ${w.ws.store.dialect.jsonText(raw('raw'), ['messageId'])}) AS ids FROM quarantine`);
    expect(n).toEqual({ n: 12_000, ids: 12_000 });
  });

  it('quarantines malformed rows with their file, line and column, and imports the rest of the file', async () => {
    const summary = await w.import(fixture('orders-malformed.csv'), { format: 'orders' });
    expect(summary.rowsRead).toBe(8);
    expect(summary.rowsImported).toBe(2);
    expect(summary.quarantined).toEqual({ wrong_column_count: 2, invalid_date: 1, invalid_value: 1, invalid_encoding: 1, rejected_by_mapping: 1 });
    expect(rowsAccountedFor(summary)).toBe(summary.rowsRead);
    expect((await w.events()).map((e) => e.order_id)).toEqual(['M1', 'M8']);

    const q = await w.quarantine();
    const at = (line: number) => q.find((r) => r.location === `orders-malformed.csv:${line}`);
    expect(q).toHaveLength(6);
    expect(at(3)).toMatchObject({ code: 'wrong_column_count', reason: expect.stringMatching(/expected number of columns: 12 found: 8/i) });
    expect(at(4)).toMatchObject({ code: 'invalid_date', field: 'created_at', reason: 'created_at is not a date: 2024-02-30 10:00:00' });
    expect(at(5)).toMatchObject({ code: 'invalid_value', field: 'quantity', reason: 'quantity is negative: -2' });
    expect(at(6)).toMatchObject({ code: 'invalid_encoding', field: 'email', reason: expect.stringMatching(/utf-8/i) });
    expect(at(7)).toMatchObject({ code: 'wrong_column_count', reason: expect.stringMatching(/too many columns/i) });
    expect(at(8)).toMatchObject({ code: 'rejected_by_mapping', field: 'status', reason: 'status must be completed, refunded or cancelled' });
    // The quarantined row keeps its cells, so it can be fixed and imported again.
    expect(JSON.parse(at(5)?.raw ?? '{}')).toMatchObject({ order_id: 'M4', quantity: '-2' });
  });

  it('gives the same events, quarantine and counts when orders straddle the chunks of a big file', async () => {
    const whole = await w.import(fixture('shopify-orders.csv'), { format: 'shopify-orders' });
    const malformed = await w.import(fixture('orders-malformed.csv'), { format: 'orders' });
    const events = (await w.events()).map((e) => ({ ...e, message: { ...e.message, receivedAt: undefined } }));
    const quarantine = (await w.quarantine()).map(({ seq: _seq, raw: _raw, ...r }) => r);

    const chunked = await openImportWorkspace();
    try {
      // One row a chunk: order #1001's second line lies in the next chunk.
      const a = await chunked.import(fixture('shopify-orders.csv'), { format: 'shopify-orders', chunkRows: 1 });
      const b = await chunked.import(fixture('orders-malformed.csv'), { format: 'orders', chunkRows: 1 });
      for (const [x, y] of [[a, whole], [b, malformed]] as const) {
        expect({ ...x, importId: '', seconds: 0 }).toEqual({ ...y, importId: '', seconds: 0 });
      }
      expect((await chunked.events()).map((e) => ({ ...e, message: { ...e.message, receivedAt: undefined } }))).toEqual(events);
      expect((await chunked.quarantine()).map(({ seq: _seq, raw: _raw, ...r }) => r)).toEqual(quarantine);
    } finally {
      await chunked.close();
    }
  });

  it('stops before its next chunk once its caller is gone, keeping the chunks written, and a re-import adds the rest', async () => {
    const gone = new AbortController();
    const stopped = w.import(fixture('customers.csv'), {
      format: 'customers',
      chunkRows: 1,
      signal: gone.signal,
      // The caller leaves once the first chunk (one CRM row) is in.
      progress: (p) => {
        if (p.phase === 'write' && p.rows >= 1) gone.abort();
      },
    });
    await expect(stopped).rejects.toThrow(/^customers\.csv: stopped, as the command's caller went away \(Ctrl-C\): its rows before row 2 are in; importing the file again adds only the rest$/);
    expect(await w.events()).toHaveLength(1);
    const rest = await w.import(fixture('customers.csv'), { format: 'customers' });
    expect([rest.written, rest.duplicates]).toEqual([2, 1]);
  });

  it('adds nothing, to events or quarantine, when the same file is imported again', async () => {
    const first = await w.import(fixture('orders-malformed.csv'), { format: 'orders' });
    await w.import(fixture('orders-rates.csv'), { format: 'orders' });
    const events = await w.events();
    const quarantine = await w.quarantine();

    const again = await w.import(fixture('orders-malformed.csv'), { format: 'orders' });
    expect(again).toMatchObject({ rowsRead: first.rowsRead, written: 0, duplicates: first.written, quarantined: first.quarantined });
    const ratesAgain = await w.import(fixture('orders-rates.csv'), { format: 'orders' });
    expect(ratesAgain).toMatchObject({ written: 0, duplicates: 1, quarantined: { no_rate: 1 } });
    expect(await w.events()).toEqual(events);
    expect((await w.quarantine()).map((r) => r.seq)).toEqual(quarantine.map((r) => r.seq));
  });

  it('quarantines NDJSON lines that are not UTF-8, not JSON or not valid messages, standardizing the rest', async () => {
    const summary = await w.importSegment(fixture('events-local-time.ndjson'), { timezone: 'UTC' });
    expect(summary).toMatchObject({ rowsRead: 6, accepted: 3, written: 3 });
    expect(summary.quarantined).toMatchObject({ invalid_json: 1, invalid_encoding: 1 });
    expect(Object.values(summary.quarantined).reduce((a, b) => a + b, 0)).toBe(3);
    const identify = (await w.events()).find((e) => e.type === 'identify');
    expect(identify).toMatchObject({ email: 'u1@example.com', phone: '+12125550199' });
    const q = await w.quarantine();
    expect(q.map((r) => r.location)).toEqual(['events-local-time.ndjson:4', 'events-local-time.ndjson:5', 'events-local-time.ndjson:6']);
    expect(q[0]?.code).toBe('invalid_json');
    // Latin-1 "é" is not UTF-8: the line is kept aside with the byte column, not imported with a replacement character.
    expect(q[2]).toMatchObject({ code: 'invalid_encoding', reason: 'line 6, column 72: bytes that are not UTF-8' });
  });
  it('matches the orders header whatever its case, spaces or hyphens', async () => {
    const path = variant(w.dir, 'orders-excel.csv', 'orders.csv', (t) =>
      t.replace(/^.*/, 'Order ID,EMAIL, Customer-ID ,Created_At,Currency,Total,Status,SKU,Product Name,Category,Quantity,Price,Phone'),
    );
    const summary = await w.import(path, { format: 'orders', timezone: 'America/New_York' });
    expect(summary).toMatchObject(ordersSummary);
    const first = get(byId(await w.events()), 'orders:1001:completed');
    expect(first).toMatchObject({ email: 'alice@example.com', phone: '+12125550101', ts: '2024-05-02T13:30:00.000Z', amount: 30 });
    expect(first.message.properties?.['products']).toEqual([
      { sku: 'MUG', name: 'Mug', category: 'Kitchen', price: 10, quantity: 2 },
      { sku: 'CUP', name: 'Cup', category: 'Kitchen', price: 10, quantity: 1 },
    ]);
  });

  it('reads a CRM header as people write it: E-mail, Phone Number, First Name become the customer and its traits', async () => {
    const path = join(w.dir, 'crm.csv');
    writeFileSync(path, 'Customer ID,E-mail,Phone Number,First Name,Last Name,City,Loyalty Tier\nC1, Ann@Example.com ,617-555-0100,Ann,Lee,Boston,gold\n');
    const mobile = join(w.dir, 'crm-mobile.csv');
    writeFileSync(mobile, 'Email Address,Mobile,Surname\nbo@example.com,+33 1 42 68 53 00,Martin\n');
    expect(await w.import(path, { format: 'customers' })).toMatchObject({ rowsRead: 1, rowsImported: 1, written: 1, quarantined: {} });
    expect(await w.import(mobile, { format: 'customers' })).toMatchObject({ rowsRead: 1, rowsImported: 1, written: 1, quarantined: {} });
    const events = await w.events();
    const ann = events.find((e) => e.email === 'ann@example.com');
    expect(ann).toMatchObject({ type: 'identify', phone: '+16175550100' });
    expect(ann?.message.traits).toEqual({
      email: 'ann@example.com',
      phone: '+16175550100',
      first_name: 'Ann',
      last_name: 'Lee',
      address: { city: 'Boston' },
      'Loyalty Tier': 'gold',
    });
    expect(ann?.message.context?.['externalIds']).toEqual([{ id: 'C1', type: 'shop', collection: 'users', encoding: 'none' }]);
    expect(events.find((e) => e.email === 'bo@example.com')).toMatchObject({ phone: '+33142685300', message: { traits: { last_name: 'Martin' } } });
  });

  it('refuses a customers file with no identifier column, naming the columns it needs and those it has, and imports nothing', async () => {
    const path = join(w.dir, 'names.csv');
    writeFileSync(path, 'First Name,City\nAnn,Boston\n');
    await expect(w.import(path, { format: 'customers' })).rejects.toThrow(
      /^the customers format on names\.csv: the file needs a customer_id, email, phone or user_id column .*\(columns: First Name, City\)$/,
    );
    expect(await w.events()).toEqual([]);
    expect(await w.quarantine()).toEqual([]);
  });

  it('reads a gzip file by its bytes, whatever its name', async () => {
    const path = variant(w.dir, 'orders-export', 'orders.csv', (t) => gzipSync(t));
    expect(await w.import(path, { format: 'orders', timezone: 'America/New_York' })).toMatchObject(ordersSummary);
    expect(get(byId(await w.events()), 'orders:1001:completed')).toMatchObject({ email: 'alice@example.com', amount: 30 });
  });

  it('reads a file delimited by semicolons or tabs (Excel in much of Europe) with the built-in formats', async () => {
    const semi = variant(w.dir, 'orders-semi.csv', 'orders.csv', (t) => t.replaceAll(',', ';'));
    expect(await w.import(semi, { format: 'orders', timezone: 'America/New_York' })).toMatchObject(ordersSummary);
    expect(get(byId(await w.events()), 'orders:1002:refunded')).toMatchObject({ email: 'bob@example.com', amount: 20 });

    const tabs = variant(w.dir, 'customers.tsv', 'customers.csv', (t) => t.replaceAll(',', '\t'));
    expect(await w.import(tabs, { format: 'customers', timezone: 'America/New_York' })).toMatchObject({ rowsRead: 3, rowsImported: 3, written: 3, quarantined: {} });
    const ann = (await w.events()).find((e) => e.message.traits?.['first_name'] === 'Ann');
    expect(ann?.message.traits).toMatchObject({ last_name: 'Lee', loyalty_tier: 'gold', address: { city: 'Boston', country: 'US' } });
  });

  it('says which delimiter to set when a mapping reads a semicolon file with commas', async () => {
    const mapping = join(w.dir, 'no-delimiter.yaml');
    writeFileSync(mapping, 'kind: events\nidentity: { email: Subscriber }\ntime: Time\nevent: { name: Event }\n');
    await expect(w.import(fixture('email-events.csv'), { format: 'csv', mapping })).rejects.toThrow(
      /the file has no column "Time" \(columns: Subscriber;Campaign;Event;Time;Link\); the header looks delimited by ';': set file\.delimiter: ';' in the mapping$/,
    );
  });

  it('reads a Parquet file given to a built-in format as Parquet, and names its real columns when one is missing', async () => {
    const parquet = join(w.dir, 'orders.parquet');
    await writeParquet(parquet, fixture('orders.csv'), 'SELECT * FROM {csv}');
    expect(await w.import(parquet, { format: 'orders', timezone: 'America/New_York' })).toMatchObject(ordersSummary);
    expect(get(byId(await w.events()), 'orders:1001:completed')).toMatchObject({ email: 'alice@example.com', ts: '2024-05-02T13:30:00.000Z', amount: 30 });

    const lacking = join(w.dir, 'no-time.parquet');
    await writeParquet(lacking, fixture('orders.csv'), 'SELECT * EXCLUDE (created_at) FROM {csv}');
    await expect(w.import(lacking, { format: 'orders' })).rejects.toThrow(
      /^the orders format on no-time\.parquet: time: the file has no column "created_at" \(columns: order_id, email, customer_id, currency, total, status,/,
    );
    // A mapping that says CSV gets told what the file is, not its bytes as column names.
    await expect(w.import(lacking, { format: 'csv', mapping: fixture('email-events.yaml') })).rejects.toThrow(/no-time\.parquet: is a Parquet file, not CSV: import it with --format parquet/);
  });
});
