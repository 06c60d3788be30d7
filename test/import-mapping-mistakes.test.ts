// Mistakes people make in a mapping, and what the import tells them: the quarantine reason should
// send them to what is wrong (the mapping, not the data).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openImportWorkspace, type ImportWorkspace } from './helpers/imports.js';

describe('mapping mistakes', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  const write = (name: string, text: string): string => w.write(name, text);

  it("says a time cell does not match the mapping's date format, rather than that it is no date", async () => {
    const file = write('sales.csv', 'id,email,when,refunded,amount\n1,a@example.com,2024-01-05,,10\n2,b@example.com,05/01/2024,2024-01-09,10\n3,c@example.com,,,10\n');
    const mapping = write(
      'sales.yaml',
      [
        'source: sales',
        'identity: { email: email }',
        "time: { column: when, format: '%d/%m/%Y', optional: true }",
        'order:',
        '  order_id: id',
        '  currency: { value: USD }',
        '  total: amount',
        '  refunded_when: { column: refunded, is_not_empty: true }',
        "  refunded_at: { column: refunded, format: '%d/%m/%Y' }",
      ].join('\n'),
    );
    const summary = await w.import(file, { format: 'csv', mapping });
    expect(summary).toMatchObject({ rowsRead: 3, written: 0 });
    expect((await w.quarantine()).map((q) => [q.location, q.code, q.field, q.reason])).toEqual([
      ['sales.csv:2', 'invalid_date', 'when', "when does not match the mapping's format %d/%m/%Y: 2024-01-05"],
      ['sales.csv:3', 'invalid_date', 'refunded', "refunded does not match the mapping's format %d/%m/%Y: 2024-01-09"],
      ['sales.csv:4', 'missing_field', 'when', 'the order has no when (order 3)'],
    ]);
  });

  it('names the line of a misspelt key or a bad value in the mapping file, as an editor shows it', async () => {
    const file = write('sales.csv', 'id,email,when,amount\n1,a@example.com,2024-01-05,10\n');
    const lines = ['source: sales', '# the shop writes local time', 'timezone: Europe/Berlin', 'identity: { email: email }', 'time: when', 'order:', '  order_id: id', '  totl: amount'];
    const misspelt = write('misspelt.yaml', lines.join('\n'));
    await expect(w.import(file, { format: 'csv', mapping: misspelt })).rejects.toThrow(
      `${misspelt}:3: (top level): Unrecognized key: "timezone"; ${misspelt}:8: order: Unrecognized key: "totl"`,
    );
    const badZone = write('zone.yaml', ['source: sales', 'identity: { email: email }', 'time_zone: Europe/Berln', 'time: when', 'order: { order_id: id }'].join('\n'));
    await expect(w.import(file, { format: 'csv', mapping: badZone })).rejects.toThrow(`${badZone}:3: time_zone: unknown IANA time zone "Europe/Berln"`);
  });

  it('still says a cell is not a date where the mapping gives no format', async () => {
    const file = write('events.csv', 'email,event,when\na@example.com,Signed Up,soon\n');
    const mapping = write('events.yaml', ['source: ev', 'kind: events', 'identity: { email: email }', 'time: when', 'event: { name: event }'].join('\n'));
    await w.import(file, { format: 'csv', mapping });
    expect((await w.quarantine()).map((q) => q.reason)).toEqual(['when is not a date: soon']);
  });
});
