// `importRates` into a real workspace: a file it cannot read whole is refused with its line and
// nothing imported; a corrected rate converts the stored orders again, and the revenue derived from them.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRates } from '../src/ingest/index.js';
import { answerMetric, openMetrics } from '../src/metrics/index.js';
import { sql } from '../src/store/index.js';
import { openImportWorkspace, type ImportWorkspace } from './helpers/imports.js';
import { uniqueId, type Message } from './helpers/messages.js';

const order = (orderId: string, at: string, currency: string, total: number): Message => ({
  type: 'track', messageId: uniqueId(orderId), userId: `buyer-${orderId}`, event: 'Order Completed', timestamp: at, context: { channel: 'import' },
  properties: { order_id: orderId, total, currency },
});
const refund = (orderId: string, at: string, total: number, currency: string): Message => ({
  type: 'track', messageId: uniqueId('refund'), userId: `buyer-${orderId}`, event: 'Order Refunded', timestamp: at, context: { channel: 'import' },
  properties: { order_id: orderId, total, currency },
});

describe('rates import', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    // Berlin, so an order's rate is the one of its local day, not of its UTC day.
    w = await openImportWorkspace({ reportingTimezone: 'Europe/Berlin' });
  });
  afterEach(async () => {
    await w.close();
  });

  async function ratesFile(name: string, lines: string[]): Promise<string> {
    const path = join(w.dir, name);
    await writeFile(path, lines.join('\n') + '\n');
    return path;
  }
  const importFile = (path: string) => importRates(w.ws.store, path, w.ws.config.workspace);
  const storedRates = () => w.ws.store.query<{ date: string; currency: string; rate: number }>(
    sql`SELECT CAST(date AS VARCHAR) AS date, currency, rate_to_base AS rate FROM rates ORDER BY date, currency`,
  );

  async function send(messages: Message[]): Promise<void> {
    const result = await w.ws.ingestor.accept(messages, { source: 'test', location: 'rates-import' });
    expect(result.rejections).toEqual([]);
    await w.ws.ingestor.flush();
    await w.ws.identity.refresh();
  }
  async function juneRevenue(): Promise<number | null> {
    const r = await answerMetric(openMetrics(w.ws.store, w.ws.config), { metric: 'revenue', grain: 'month', from: '2024-06-01', to: '2024-07-01' });
    if (!('series' in r) || 'by' in r) throw new Error('revenue is not a series');
    return r.series[0]?.value ?? null;
  }

  it('refuses a file without a header line, saying what it found and what it expects', async () => {
    const path = await ratesFile('no-header.csv', ['2024-06-01,EUR,1.08', '2024-06-02,EUR,1.09']);
    await expect(importFile(path)).rejects.toMatchObject({
      code: 'import_failed',
      message: `${path}:1: the header is "2024-06-01,EUR,1.08"; expected the column names date,currency,rate_to_base (in any order) on the first line`,
    });
    expect(await storedRates()).toEqual([]);
  });

  it('reads a header whatever its case and spaces, and its columns in any order', async () => {
    const path = await ratesFile('loose-header.csv', [' Currency , Rate To Base,DATE ', 'eur, 1.08 ,2024-06-01']);
    expect(await importFile(path)).toMatchObject({ rows: 1, corrected: 0, reconverted: 0, currencies: ['EUR'], from: '2024-06-01', to: '2024-06-01' });
    expect(await storedRates()).toEqual([{ date: '2024-06-01', currency: 'EUR', rate: 1.08 }]);
  });

  it('refuses two different rates for the same date and currency, naming both lines', async () => {
    const path = await ratesFile('twice.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.08', '2024-06-01,GBP,1.25', '2024-06-01,eur,1.10']);
    await expect(importFile(path)).rejects.toMatchObject({
      code: 'import_failed',
      message: `${path}:2 and ${path}:4 give EUR on 2024-06-01 two rates (1.08 and 1.10); keep one; nothing was imported`,
    });
    expect(await storedRates()).toEqual([]);
  });

  it('takes the same rate given twice once', async () => {
    const path = await ratesFile('repeated.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.08', '2024-06-01,EUR,1.080']);
    expect(await importFile(path)).toMatchObject({ rows: 1 });
    expect(await storedRates()).toEqual([{ date: '2024-06-01', currency: 'EUR', rate: 1.08 }]);
  });

  it('names the date column and its format when a date is not YYYY-MM-DD', async () => {
    const path = await ratesFile('us-date.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.08', '01/10/2024,EUR,1.10']);
    await expect(importFile(path)).rejects.toMatchObject({
      code: 'import_failed',
      message: `${path}:3: column date is not a date in the format YYYY-MM-DD ("01/10/2024"); nothing was imported`,
    });
    const feb30 = await ratesFile('feb-30.csv', ['date,currency,rate_to_base', '2024-02-30,EUR,1.08']);
    await expect(importFile(feb30)).rejects.toThrow(`${feb30}:2: column date is not a date in the format YYYY-MM-DD ("2024-02-30")`);
    const rate = await ratesFile('bad-rate.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,-1']);
    await expect(importFile(rate)).rejects.toThrow(`${rate}:2: column rate_to_base is not a positive number ("-1")`);
    expect(await storedRates()).toEqual([]);
  });

  it('names the line with a field too many or too few', async () => {
    const path = await ratesFile('extra-field.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.08', '2024-06-02,EUR,1.10,x']);
    await expect(importFile(path)).rejects.toMatchObject({
      code: 'import_failed',
      message: `${path}:3: 4 fields where the header has 3 (date,currency,rate_to_base): "2024-06-02,EUR,1.10,x"; nothing was imported`,
    });
    const short = await ratesFile('short.csv', ['date,currency,rate_to_base', '', '2024-06-01,EUR']);
    await expect(importFile(short)).rejects.toThrow(`${short}:3: 2 fields where the header has 3`);
    expect(await storedRates()).toEqual([]);
  });

  it('converts the stored orders of a corrected rate again, and the revenue with them', async () => {
    await importFile(await ratesFile('rates.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.10', '2024-06-02,EUR,1.10']));
    await send([
      order('E1', '2024-06-01T10:00:00Z', 'EUR', 100), // June 1st in Berlin
      order('E2', '2024-06-01T23:30:00Z', 'EUR', 100), // June 2nd in Berlin
      order('U1', '2024-06-01T10:00:00Z', 'USD', 100),
    ]);
    const events = () => w.events().then((all) => new Map(all.map((e) => [e.order_id, e])));
    const before = await events();
    expect(before.get('E1')).toMatchObject({ rate: 1.1, amount_base: 110 });
    // 110 + 110 + 100
    expect(await juneRevenue()).toBe(320);

    const corrected = await importFile(await ratesFile('corrected.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.20', '2024-06-02,EUR,1.10']));
    const after = await events();
    expect(after.get('E1')).toMatchObject({ currency: 'EUR', amount: 100, rate: 1.2, amount_base: 120 });
    expect(after.get('E2')).toMatchObject({ rate: 1.1, amount_base: 110 });
    expect(after.get('U1')).toMatchObject({ rate: 1, amount_base: 100 });
    // The message keeps what was sent; the converted money lives in the columns alone.
    expect(after.get('E1')?.message).toEqual(before.get('E1')?.message);
    // 120 + 110 + 100
    expect(await juneRevenue()).toBe(330);
    expect(corrected).toMatchObject({ rows: 2, corrected: 1, reconverted: 1 });

    // The same file again changes nothing.
    expect(await importFile(join(w.dir, 'corrected.csv'))).toMatchObject({ corrected: 0, reconverted: 0 });
    expect(await juneRevenue()).toBe(330);
  });

  it('recomputes a refund in a third currency when the rate of the order day changes', async () => {
    await importFile(await ratesFile('rates.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.10']));
    await send([order('U1', '2024-06-01T10:00:00Z', 'USD', 100), refund('U1', '2024-06-05T10:00:00Z', 10, 'EUR')]);
    // 100 less 10 EUR at the order day's 1.10
    expect(await juneRevenue()).toBe(89);
    const corrected = await importFile(await ratesFile('corrected.csv', ['date,currency,rate_to_base', '2024-06-01,EUR,1.20']));
    // 100 less 10 EUR at 1.20; the order itself, in USD, needed no new conversion
    expect(await juneRevenue()).toBe(88);
    expect(corrected).toMatchObject({ corrected: 1, reconverted: 0 });
  });
});
