// Quarantine names the line of the file an editor shows (issue 3: errors name file, line and column),
// whatever blank lines, quoted line breaks, CRLF or gzip come before the rejected row, and an order
// waiting for a rate from an NDJSON file names its line too.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRates, retryNoRate } from '../src/ingest/index.js';
import { fixture, openImportWorkspace, type ImportWorkspace } from './helpers/imports.js';

const header = 'order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price';
const order = (id: string, cells: { time?: string; total?: string; name?: string; price?: string; currency?: string } = {}) =>
  `${id},${id.toLowerCase()}@example.com,,${cells.time ?? '2024-06-01T10:00:00Z'},${cells.currency ?? 'USD'},${cells.total ?? '10'},completed,S1,${cells.name ?? 'Mug'},C,1,${cells.price ?? '10'}`;

/** Physical lines of the file, `eol` between them (a quoted field's line break too). */
const messyOrders = (eol: string): string =>
  [
    header, //                                                          1
    order('A1'), //                                                     2
    '', //                                                              3
    order('A2', { name: `"Mug${eol}large"` }), //                       4-5
    order('A3', { total: 'abc' }), //                                   6: invalid_value
    'A4,broken', //                                                     7: the reader's wrong_column_count
    order('A5', { time: '2024-02-30 10:00:00' }), //                    8: invalid_date
    '', //                                                              9
    order('A6', { name: `"Hat${eol}""wide"""` }), //                   10-11
    order('B1'), //                                                     12: incomplete_order
    order('B1', { price: '-5' }), //                                    13: invalid_value
    order('A7'), //                                                     14
  ].join(eol) + eol;

const expectedQuarantine = [
  ['messy.csv:6', 'invalid_value', 'total is not a number: abc'],
  ['messy.csv:7', 'wrong_column_count', expect.stringMatching(/missing columns/)],
  ['messy.csv:8', 'invalid_date', 'created_at is not a date: 2024-02-30 10:00:00'],
  ['messy.csv:12', 'incomplete_order', 'line 13 of the order was rejected: correct it and import the file again (order B1)'],
  ['messy.csv:13', 'invalid_value', 'price is negative: -5'],
];

describe('file lines in quarantine', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  const bySeq = async () => (await w.quarantine()).sort((a, b) => a.seq - b.seq);

  it.each([
    { file: 'LF', eol: '\n', gzip: false, chunkRows: undefined },
    { file: 'CRLF', eol: '\r\n', gzip: false, chunkRows: undefined },
    { file: 'gzip', eol: '\n', gzip: true, chunkRows: undefined },
    { file: 'LF, two rows a chunk', eol: '\n', gzip: false, chunkRows: 2 },
  ])('names the line an editor shows after blank lines and quoted line breaks ($file)', async ({ eol, gzip, chunkRows }) => {
    const path = join(w.dir, 'messy.csv');
    writeFileSync(path, gzip ? gzipSync(messyOrders(eol)) : messyOrders(eol));
    const summary = await w.import(path, { format: 'orders', ...(chunkRows ? { chunkRows } : {}) });
    expect(summary).toMatchObject({ rowsRead: 9, rowsImported: 4, quarantined: { invalid_value: 2, wrong_column_count: 1, invalid_date: 1, incomplete_order: 1 } });
    // In seq order, which follows the file's.
    expect((await bySeq()).map((r) => [r.location, r.code, r.reason])).toEqual(expectedQuarantine);
    expect((await w.events()).map((e) => e.order_id).sort()).toEqual(['A1', 'A2', 'A6', 'A7']);

    // The same file again adds nothing to the quarantine.
    const before = (await bySeq()).map((r) => r.seq);
    await w.import(path, { format: 'orders' });
    expect((await bySeq()).map((r) => r.seq)).toEqual(before);
  });

  it('numbers a row set aside by the reader after blank lines in its place, before the rows after it', async () => {
    const path = join(w.dir, 'blank-top.csv');
    writeFileSync(path, [header, '', '', order('C1'), 'C2,broken', order('C3', { total: 'x' }), order('C4')].join('\n') + '\n');
    await w.import(path, { format: 'orders' });
    expect((await bySeq()).map((r) => [r.location, r.code])).toEqual([
      ['blank-top.csv:5', 'wrong_column_count'],
      ['blank-top.csv:6', 'invalid_value'],
    ]);
  });

  it('names the line of a CSV order waiting for a rate, and keeps it once', async () => {
    const path = join(w.dir, 'rates-later.csv');
    writeFileSync(path, [header, '', order('E1', { name: '"Mug\nlarge"', currency: 'EUR' }), '', order('E2', { currency: 'EUR' })].join('\n') + '\n');
    expect(await w.import(path, { format: 'orders' })).toMatchObject({ quarantined: { no_rate: 2 } });
    expect(await w.import(path, { format: 'orders' })).toMatchObject({ quarantined: { no_rate: 2 } });
    expect((await bySeq()).map((r) => [r.location, r.code])).toEqual([
      ['rates-later.csv:3', 'no_rate'],
      ['rates-later.csv:6', 'no_rate'],
    ]);
  });

  it('names the NDJSON line of an order waiting for a rate, through re-imports and retries', async () => {
    const path = join(w.dir, 'orders.ndjson');
    const message = (id: string, currency: string) =>
      JSON.stringify({ type: 'track', event: 'Order Completed', messageId: id, userId: 'u1', timestamp: '2024-06-01T10:00:00Z', properties: { order_id: id, total: 10, currency } });
    writeFileSync(path, [message('n1', 'USD'), '', message('n2', 'EUR'), 'not json', message('n3', 'CHF')].join('\n') + '\n');
    const expected = [
      ['orders.ndjson:3', 'no_rate'],
      ['orders.ndjson:4', 'invalid_json'],
      ['orders.ndjson:5', 'no_rate'],
    ];
    expect(await w.importSegment(path)).toMatchObject({ written: 1, quarantined: { no_rate: 2, invalid_json: 1 } });
    expect((await bySeq()).map((r) => [r.location, r.code])).toEqual(expected);

    await w.importSegment(path);
    expect((await bySeq()).map((r) => [r.location, r.code])).toEqual(expected);
    // A retry that finds no rate quarantines the orders again, still at their lines.
    expect(await retryNoRate(w.ws.store, w.ws.ingestor)).toEqual({ retried: 2, stillQuarantined: 2 });
    await w.importSegment(path);
    expect((await w.quarantine()).map((r) => [r.location, r.code])).toEqual(expected);

    await importRates(w.ws.store, fixture('rates.csv'), w.ws.config.workspace);
    expect(await retryNoRate(w.ws.store, w.ws.ingestor)).toEqual({ retried: 2, stillQuarantined: 1 });
    expect((await w.quarantine()).filter((r) => r.code === 'no_rate').map((r) => r.location)).toEqual(['orders.ndjson:5']);
  });

  it('names the source of an order from HTTP waiting for a rate', async () => {
    const order = { type: 'track', event: 'Order Completed', messageId: 'h1', userId: 'u1', timestamp: '2024-06-01T10:00:00Z', properties: { order_id: 'H1', total: 10, currency: 'CHF' } };
    await w.ws.ingestor.accept([order], { source: 'web', location: 'http:/v1/batch' });
    await w.ws.ingestor.flush();
    expect((await w.quarantine()).map((r) => [r.location, r.code])).toEqual([['web', 'no_rate']]);
  });
});
