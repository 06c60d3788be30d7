// The shipped example mappings on the real data sets (../shared/datasets, read in place): the counts
// of ../shared/datasets/README.md, and a summary that says what happened to every row.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileImportSummary } from '../src/ingest/index.js';
import { sql } from '../src/store/index.js';
import { dataset, openImportWorkspace, rowsAccountedFor, type ImportWorkspace } from './helpers/imports.js';

const mapping = (name: string) => fileURLToPath(new URL(`../examples/mappings/${name}`, import.meta.url));
const cdnow = dataset('cdnow/CDNOW_master.txt');
const retail = dataset('online-retail/online_retail.csv.gz');

// The data sets ship beside the project (../shared/datasets); a missing one is a failure, not a skip.
it('finds both data sets in ../shared/datasets', () => {
  expect(existsSync(cdnow), cdnow).toBe(true);
  expect(existsSync(retail), retail).toBe(true);
});

async function scalar(w: ImportWorkspace, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await w.ws.store.query<{ n: number | bigint | null }>(query);
  return Number(row?.n ?? 0);
}

describe('CDNOW master through examples/mappings/cdnow-master.yaml', () => {
  let w: ImportWorkspace;
  let summary: FileImportSummary;
  beforeAll(async () => {
    w = await openImportWorkspace();
    summary = await w.import(cdnow, { format: 'csv', mapping: mapping('cdnow-master.yaml') });
  }, 180_000);
  afterAll(async () => {
    await w.close();
  });

  it('imports all 69,659 purchases as orders of 23,570 customers between 1997-01-01 and 1998-06-30', async () => {
    expect(summary).toMatchObject({ rowsRead: 69_659, rowsImported: 69_659, written: 69_659, ordersRead: 69_659, quarantined: {}, skipped: {} });
    expect(summary.messages).toEqual({ 'Order Completed': 69_659 });
    expect(await scalar(w, sql`SELECT count(*) AS n FROM events WHERE event = 'Order Completed' AND currency = 'USD'`)).toBe(69_659);
    expect(await scalar(w, sql`SELECT count(DISTINCT json_extract_string(message, '$.context.externalIds[0].id')) AS n FROM events`)).toBe(23_570);
    const [range] = await w.ws.store.query<{ lo: Date; hi: Date }>(sql`SELECT min(ts) AS lo, max(ts) AS hi FROM events`);
    expect([range?.lo.toISOString(), range?.hi.toISOString()]).toEqual(['1997-01-01T00:00:00.000Z', '1998-06-30T00:00:00.000Z']);
  });
});

describe('Online Retail through examples/mappings/online-retail.yaml', () => {
  let w: ImportWorkspace;
  let summary: FileImportSummary;
  beforeAll(async () => {
    // The shop's own currency as the base: every amount converts at 1, no rates table needed.
    w = await openImportWorkspace({ baseCurrency: 'GBP' });
    summary = await w.import(retail, { format: 'csv', mapping: mapping('online-retail.yaml') });
  }, 180_000);
  afterAll(async () => {
    await w.close();
  });

  it('reads 541,909 rows of 25,900 invoices and says what became of every row', () => {
    expect(summary).toMatchObject({ rowsRead: 541_909, ordersRead: 25_900, quarantined: {} });
    expect(Object.keys(summary.skipped).sort()).toEqual(['bad_debt_adjustment', 'stock_adjustment', 'stock_note']);
    expect(rowsAccountedFor(summary)).toBe(541_909);
    expect(summary.written).toBe(summary.messages['Order Completed']! + summary.messages['Order Refunded']!);
  });

  it('makes every imported row a line of one stored order, the 9,288 cancellation rows lines of refunds', async () => {
    const lines = (event: string) =>
      scalar(w, sql`SELECT sum(json_array_length(message, '$.properties.products')) AS n FROM events WHERE event = ${event}`);
    expect(await lines('Order Refunded')).toBe(9_288);
    expect((await lines('Order Completed')) + 9_288).toBe(summary.rowsImported);
    expect(await scalar(w, sql`SELECT count(*) AS n FROM events WHERE event = 'Order Refunded' AND NOT starts_with(order_id, 'C')`)).toBe(0);
    expect(await scalar(w, sql`SELECT count(*) AS n FROM events WHERE amount < 0`)).toBe(0);
  });

  it('knows the 4,372 customers by their id, and keeps guest orders under anonymous ids', async () => {
    expect(await scalar(w, sql`SELECT count(DISTINCT json_extract_string(message, '$.context.externalIds[0].id')) AS n FROM events`)).toBe(4_372);
    const guests = await scalar(w, sql`SELECT count(*) AS n FROM events WHERE starts_with(anonymous_id, 'online-retail:guest:')`);
    expect(guests).toBeGreaterThan(0);
    expect(await scalar(w, sql`SELECT count(*) AS n FROM events WHERE anonymous_id IS NULL`)).toBe(0);
  });
});
