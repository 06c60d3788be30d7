// Files as spreadsheets save them: Excel in much of Europe writes `;` and decimal commas, leaves rows
// whose contents were deleted as `,,,,`, and exports of orders leave the order-level cells of an
// order's later lines empty.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openImportWorkspace, rowsAccountedFor, type ImportWorkspace } from './helpers/imports.js';

const header = 'order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price';

describe('files saved by a spreadsheet', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  const write = (name: string, text: string): string => w.write(name, text);
  const totals = async () => Object.fromEntries((await w.events()).map((e) => [e.order_id, [e.amount, e.message.properties?.['products']]]));

  it('reads the decimal commas of a semicolon file (European Excel), thousands points included', async () => {
    const path = write(
      'eu.csv',
      '\uFEFF' +
        [
          header.replaceAll(',', ';'),
          'E1;a@example.com;;2024-03-05 10:00:00;USD;12,50;completed;S1;Sock;C;1;12,50',
          'E2;b@example.com;;2024-03-05 11:00:00;USD;1.234,50;completed;S1;Sock;C;2;617,25',
          // A tool that writes points into a semicolon file is read as it means.
          'E3;c@example.com;;2024-03-05 12:00:00;USD;0.125;completed;S1;Sock;C;1;0.125',
          'E4;d@example.com;;2024-03-05 12:00:00;USD;12,5x;completed;S1;Sock;C;1;1',
          // A thousand and 234 as a formatted cell saves it, or 1.234 from a tool writing points: neither is safe to guess.
          'E5;e@example.com;;2024-03-05 12:00:00;USD;1.234;completed;S1;Sock;C;1;1',
          'E6;e@example.com;;2024-03-05 12:00:00;USD;€ 2.500.000;completed;S1;Sock;C;1;1',
        ].join('\r\n') +
        '\r\n',
    );
    const summary = await w.import(path, { format: 'orders' });
    expect(summary).toMatchObject({ rowsRead: 6, written: 3, quarantined: { invalid_value: 3 } });
    expect(await totals()).toEqual({
      E1: [12.5, [{ sku: 'S1', name: 'Sock', category: 'C', price: 12.5, quantity: 1 }]],
      E2: [1234.5, [{ sku: 'S1', name: 'Sock', category: 'C', price: 617.25, quantity: 2 }]],
      E3: [0.125, [{ sku: 'S1', name: 'Sock', category: 'C', price: 0.125, quantity: 1 }]],
    });
    expect((await w.quarantine()).map((q) => [q.location, q.reason])).toEqual([
      ['eu.csv:5', 'total is not a number: 12,5x'],
      ['eu.csv:6', 'total is not a number: 1.234'],
      ['eu.csv:7', 'total is not a number: € 2.500.000'],
    ]);
  });

  it('reads amounts saved from cells formatted as currency or with grouped digits, and leaves 1,234 (a thousand, or one and a bit) to quarantine', async () => {
    const row = (id: string, total: string, d = ',') => [id, 'a@example.com', '', '2024-03-05 10:00:00', 'USD', total, 'completed', 'S1', 'Sock', 'C', '1', '1'].join(d);
    const us = write('us.csv', [header, row('U1', '$30.00'), row('U2', '"$1,234.50"'), row('U3', '30.00 $'), row('U4', '"1,234"'), row('U5', '"1,234.50 x"')].join('\n') + '\n');
    expect(await w.import(us, { format: 'orders' })).toMatchObject({ written: 3, quarantined: { invalid_value: 2 } });
    const eu = write('eu.csv', [header.replaceAll(',', ';'), row('F1', '12,50 €', ';'), row('F2', '1 234,50', ';'), row('F3', '1\u00a0234,50', ';'), row('F4', '€ 7,25', ';')].join('\n') + '\n');
    expect(await w.import(eu, { format: 'orders' })).toMatchObject({ written: 4, quarantined: {} });
    expect(Object.fromEntries((await w.events()).map((e) => [e.order_id, e.amount]))).toEqual({ U1: 30, U2: 1234.5, U3: 30, F1: 12.5, F2: 1234.5, F3: 1234.5, F4: 7.25 });
    expect((await w.quarantine()).map((q) => q.reason)).toEqual(['total is not a number: 1,234', 'total is not a number: 1,234.50 x']);
  });

  it('reads decimal commas where a mapping says so, and only there', async () => {
    const rows = ['InvoiceNo\tEmail\tDate\tAmount', 'I1\ta@example.com\t2024-03-05 10:00:00\t1.234,50', 'I2\tb@example.com\t2024-03-05 10:00:00\t7,5'];
    const path = write('sales.tsv', rows.join('\n') + '\n');
    const mapping = (decimal?: string) =>
      write(
        `m${decimal === undefined ? '' : '-comma'}.yaml`,
        [
          'source: shop',
          'file:',
          '  delimiter: "\\t"',
          ...(decimal === undefined ? [] : [`  decimal: '${decimal}'`]),
          'identity: { email: Email }',
          'time: Date',
          'order: { order_id: InvoiceNo, currency: { value: USD }, total: Amount }',
        ].join('\n'),
      );
    // Tab-delimited files also come from tools that write points: without the setting, a comma is no decimal separator.
    expect(await w.import(path, { format: 'csv', mapping: mapping() })).toMatchObject({ written: 0, quarantined: { invalid_value: 2 } });
    expect(await w.import(path, { format: 'csv', mapping: mapping(',') })).toMatchObject({ written: 2, quarantined: {} });
    expect(Object.fromEntries((await w.events()).map((e) => [e.order_id, e.amount]))).toEqual({ I1: 1234.5, I2: 7.5 });
  });

  it('leaves out rows whose cells are all empty, counting them, instead of quarantining them', async () => {
    const orders = write('orders.csv', [header, 'X1,a@example.com,,2024-01-05 10:00:00,USD,10,completed,S,Sock,C,1,10', ',,,,,,,,,,,', ' , ,,,,,,,,,,'].join('\r\n') + '\r\n');
    const o = await w.import(orders, { format: 'orders' });
    expect(o).toMatchObject({ rowsRead: 3, written: 1, quarantined: {}, skipped: { empty_row: 2 } });
    expect(rowsAccountedFor(o)).toBe(3);
    const customers = write('customers.csv', ['customer_id,email,first_name', 'C1,a@example.com,Ann', ',,', 'C2,,'].join('\n') + '\n');
    const c = await w.import(customers, { format: 'customers' });
    expect(c).toMatchObject({ rowsRead: 3, written: 2, quarantined: {}, skipped: { empty_row: 1 } });
    expect(rowsAccountedFor(c)).toBe(3);
    expect(await w.quarantine()).toEqual([]);
  });

  it("takes an order's status from its first line when later lines leave the order-level cells empty", async () => {
    const path = write(
      'items.csv',
      [
        header,
        'Y1,a@example.com,,2024-01-05 10:00:00,USD,30,refunded,S,Sock,C,1,10',
        'Y1,,,,,,,T,Tee,C,1,20',
        'Y2,b@example.com,,2024-01-06 10:00:00,USD,5,completed,S,Sock,C,1,5',
        'Y2,,,,,,shipped,T,Tee,C,1,0',
      ].join('\n') + '\n',
    );
    const summary = await w.import(path, { format: 'orders' });
    expect(summary).toMatchObject({ rowsRead: 4, written: 2, messages: { 'Order Completed': 1, 'Order Refunded': 1 }, quarantined: { rejected_by_mapping: 1, incomplete_order: 1 } });
    const events = await w.events();
    expect(events.map((e) => [e.event, e.order_id, e.amount])).toEqual([
      ['Order Completed', 'Y1', 30],
      ['Order Refunded', 'Y1', 30],
    ]);
    expect((events[0]?.message.properties?.['products'] as { sku: string }[]).map((p) => p.sku)).toEqual(['S', 'T']);
    // A status that says something else is still this line's error.
    expect((await w.quarantine()).map((q) => [q.location, q.code])).toEqual([
      ['items.csv:4', 'incomplete_order'],
      ['items.csv:5', 'rejected_by_mapping'],
    ]);
  });
  it('reads a status whatever its case (a spreadsheet capitalizes it), and a mapping test with ignore_case', async () => {
    const path = write(
      'caps.csv',
      [
        header,
        'K1,a@example.com,,2024-01-05 10:00:00,USD,30,Completed,S,Sock,C,1,30',
        'K2,b@example.com,,2024-01-06 10:00:00,USD,5,REFUNDED,S,Sock,C,1,5',
        'K3,c@example.com,,2024-01-07 10:00:00,USD,7,Cancelled,S,Sock,C,1,7',
        'K4,d@example.com,,2024-01-08 10:00:00,USD,9,Shipped,S,Sock,C,1,9',
      ].join('\n') + '\n',
    );
    expect(await w.import(path, { format: 'orders' })).toMatchObject({
      rowsRead: 4,
      messages: { 'Order Completed': 3, 'Order Refunded': 1, 'Order Cancelled': 1 },
      quarantined: { rejected_by_mapping: 1 },
    });
    expect((await w.events()).filter((e) => e.event !== 'Order Completed').map((e) => [e.event, e.order_id])).toEqual([
      ['Order Refunded', 'K2'],
      ['Order Cancelled', 'K3'],
    ]);
    const sales = write('sales.csv', ['Invoice,Email,Date,Amount,Kind', 'I1,a@example.com,2024-03-05 10:00:00,10,Return', 'I2,b@example.com,2024-03-05 10:00:00,12,sale'].join('\n') + '\n');
    const mapping = (ignoreCase: boolean) =>
      write(
        `m-${String(ignoreCase)}.yaml`,
        [
          'source: till',
          'identity: { email: Email }',
          'time: Date',
          'order: { order_id: Invoice, currency: { value: USD }, total: Amount }',
          `skip: [{ reason: returns, where: { column: Kind, equals: RETURN${ignoreCase ? ', ignore_case: true' : ''} } }]`,
        ].join('\n'),
      );
    expect(await w.import(sales, { format: 'csv', mapping: mapping(false) })).toMatchObject({ rowsRead: 2, skipped: {} });
    const other = write('sales2.csv', ['Invoice,Email,Date,Amount,Kind', 'J1,a@example.com,2024-03-05 10:00:00,10,Return', 'J2,b@example.com,2024-03-05 10:00:00,12,sale'].join('\n') + '\n');
    expect(await w.import(other, { format: 'csv', mapping: mapping(true) })).toMatchObject({ rowsRead: 2, skipped: { returns: 1 } });
  });
});

describe('files in Windows-1252 (Excel on Windows saving plain CSV)', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  // José, Köln, 10 € “ok” as Windows-1252 bytes: é, ö and û are Latin-1's; €, “ and ” are in 0x80–0x9F, where the two differ.
  const cp1252 = Buffer.concat([
    Buffer.from('customer_id,email,first_name,city,note\r\n', 'latin1'),
    Buffer.from('C1,jos\xe9@example.com,Jos\xe9,K\xf6ln,co\xfbt 10 \x80 \x93ok\x94\r\n', 'latin1'),
    Buffer.from('C2,bo@example.com,Bo,Paris,\r\n', 'latin1'),
  ]);
  const traits = async () => (await w.events()).map((e) => e.message.traits);

  it('says how to read a row that is not UTF-8 as the Windows-1252 Excel wrote', async () => {
    const path = join(w.dir, 'customers.csv');
    writeFileSync(path, cp1252);
    expect(await w.import(path, { format: 'customers' })).toMatchObject({ written: 1, quarantined: { invalid_encoding: 1 } });
    const [q] = await w.quarantine();
    expect(q).toMatchObject({ location: 'customers.csv:2', code: 'invalid_encoding' });
    expect(q?.reason).toContain('import it with --encoding windows-1252, or file.encoding: windows-1252 in the mapping');
  });

  it('reads a Windows-1252 file, gzip or not, with every character Excel wrote, € and curly quotes too', async () => {
    const path = join(w.dir, 'customers.csv');
    writeFileSync(path, cp1252);
    const gz = join(w.dir, 'customers-copy.csv.gz');
    writeFileSync(gz, gzipSync(cp1252));
    expect(await w.import(path, { format: 'customers', encoding: 'windows-1252' })).toMatchObject({ rowsRead: 2, written: 2, quarantined: {} });
    expect(await w.import(gz, { format: 'customers', encoding: 'windows-1252' })).toMatchObject({ rowsRead: 2, written: 0, duplicates: 2 });
    expect(await traits()).toEqual([
      { email: 'josé@example.com', first_name: 'José', address: { city: 'Köln' }, note: 'coût 10 € “ok”' },
      { email: 'bo@example.com', first_name: 'Bo', address: { city: 'Paris' } },
    ]);
  });

  it("reads a mapping's file.encoding, header names included", async () => {
    const path = join(w.dir, 'kunden.csv');
    writeFileSync(path, Buffer.from('Kundennr;E-Mail;Straße\nK1;a@example.com;Hauptstra\xdfe 1\n', 'latin1'));
    const mapping = join(w.dir, 'kunden.yaml');
    writeFileSync(mapping, ['source: crm', 'kind: identify', 'file: { delimiter: ";", encoding: windows-1252 }', 'identity: { customer_id: Kundennr, email: E-Mail }', 'traits: { street: Straße }'].join('\n'));
    expect(await w.import(path, { format: 'csv', mapping })).toMatchObject({ written: 1, quarantined: {} });
    expect((await traits())[0]).toMatchObject({ street: 'Hauptstraße 1' });
  });
});
