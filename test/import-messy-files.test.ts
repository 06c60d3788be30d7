// Messy real-world order files: one bad cell costs its own row, never the file, and a time that
// names its zone in words keeps it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openImportWorkspace, rowsAccountedFor, type ImportWorkspace } from './helpers/imports.js';

const header = 'order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price';

describe('messy order files', () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  const write = (name: string, lines: string[]): string => {
    const path = join(w.dir, name);
    writeFileSync(path, [header, ...lines].join('\n') + '\n');
    return path;
  };

  it('quarantines a total too large to store and imports the rest of the file', async () => {
    const path = write('big-total.csv', [
      'A1,a@example.com,,2024-01-05T10:00:00Z,USD,10,completed,S1,Sock,C,1,10',
      'A2,b@example.com,,2024-01-05T10:00:00Z,USD,4111111111111111,completed,S1,Sock,C,1,10',
      'A3,c@example.com,,2024-01-05T10:00:00Z,USD,,completed,S1,Sock,C,1,1e15',
    ]);
    const summary = await w.import(path, { format: 'orders' });
    expect(summary).toMatchObject({ rowsRead: 3, written: 1, quarantined: { invalid_value: 2 } });
    expect(rowsAccountedFor(summary)).toBe(3);
    expect((await w.events()).map((e) => e.order_id)).toEqual(['A1']);
    const q = await w.quarantine();
    expect(q.map((r) => [r.location, r.code, r.field])).toEqual([
      ['big-total.csv:3', 'invalid_value', 'total'],
      ['big-total.csv:4', 'invalid_value', 'total'],
    ]);
    expect(q[0]?.reason).toBe('total is out of range: 4111111111111111');
  });

  it('reads a time that ends in UTC, GMT or a lower-case z as UTC, whatever --timezone says', async () => {
    const path = write('utc-words.csv', [
      'U1,a@example.com,,2024-01-05 10:00:00 UTC,USD,10,completed,S1,Sock,C,1,10',
      'U2,a@example.com,,2024-01-05 10:00:00 GMT,USD,10,completed,S1,Sock,C,1,10',
      'U3,a@example.com,,2024-01-05T10:00:00z,USD,10,completed,S1,Sock,C,1,10',
      'U4,a@example.com,,2024-01-05 10:00:00,USD,10,completed,S1,Sock,C,1,10',
    ]);
    const summary = await w.import(path, { format: 'orders', timezone: 'America/New_York' });
    expect(summary).toMatchObject({ rowsRead: 4, written: 4, quarantined: {} });
    const ts = Object.fromEntries((await w.events()).map((e) => [e.order_id, e.ts]));
    expect(ts).toEqual({
      U1: '2024-01-05T10:00:00.000Z',
      U2: '2024-01-05T10:00:00.000Z',
      U3: '2024-01-05T10:00:00.000Z',
      U4: '2024-01-05T15:00:00.000Z',
    });
  });

  it('quarantines every line of an order with a rejected line, so the corrected file imports the order whole', async () => {
    const bad = write('part.csv', [
      'P1,a@example.com,,2024-01-05T10:00:00Z,USD,30,completed,S1,Sock,C,1,10',
      'P1,a@example.com,,2024-01-05T10:00:00Z,USD,30,completed,S2,Hat,C,1,-20',
      'P2,b@example.com,,2024-01-05T10:00:00Z,USD,10,completed,S1,Sock,C,1,10',
    ]);
    const first = await w.import(bad, { format: 'orders' });
    expect(first).toMatchObject({ rowsRead: 3, written: 1, quarantined: { invalid_value: 1, incomplete_order: 1 } });
    expect(rowsAccountedFor(first)).toBe(3);
    expect((await w.events()).map((e) => e.order_id)).toEqual(['P2']);
    const q = await w.quarantine();
    expect(q.map((r) => [r.location, r.code])).toEqual([
      ['part.csv:2', 'incomplete_order'],
      ['part.csv:3', 'invalid_value'],
    ]);
    expect(q[0]?.reason).toBe('line 3 of the order was rejected: correct it and import the file again (order P1)');

    const fixed = write('part-fixed.csv', [
      'P1,a@example.com,,2024-01-05T10:00:00Z,USD,30,completed,S1,Sock,C,1,10',
      'P1,a@example.com,,2024-01-05T10:00:00Z,USD,30,completed,S2,Hat,C,1,20',
      'P2,b@example.com,,2024-01-05T10:00:00Z,USD,10,completed,S1,Sock,C,1,10',
    ]);
    expect(await w.import(fixed, { format: 'orders' })).toMatchObject({ written: 1, duplicates: 1 });
    const p1 = (await w.events()).find((e) => e.order_id === 'P1');
    expect(p1).toMatchObject({ amount: 30 });
    expect((p1?.message.properties?.['products'] as { sku: string }[]).map((p) => p.sku)).toEqual(['S1', 'S2']);
  });

  it('refuses a negative order total, which no completed order has', async () => {
    const path = write('negative.csv', ['N1,a@example.com,,2024-01-05T10:00:00Z,USD,-10,completed,S1,Sock,C,1,10']);
    expect(await w.import(path, { format: 'orders' })).toMatchObject({ written: 0, quarantined: { invalid_value: 1 } });
    expect((await w.quarantine())[0]).toMatchObject({ field: 'total', reason: 'total is negative: -10' });
  });

  it("adds only the new part of a Shopify order's refunds when a later export shows more refunded", async () => {
    const shopify = (name: string, status: string, refunded: string): string => {
      const path = join(w.dir, name);
      writeFileSync(
        path,
        [
          'Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Refunded Amount,Id',
          `#1003,ann@example.com,${status},USD,40.00,2024-01-05 10:15:00 -0500,2,Mug,20.00,MUG,${refunded},5003`,
        ].join('\n') + '\n',
      );
      return path;
    };
    const refunds = async () =>
      (await w.events()).filter((e) => e.event === 'Order Refunded').map((e) => [e.message_id, e.amount]);
    const partial = shopify('export-1.csv', 'partially_refunded', '15.00');
    const whole = shopify('export-2.csv', 'refunded', '40.00');

    expect(await w.import(partial, { format: 'shopify-orders' })).toMatchObject({ written: 2 });
    expect(await refunds()).toEqual([['shopify:5003:refunded', 15]]);
    expect(await w.import(whole, { format: 'shopify-orders' })).toMatchObject({ written: 1, duplicates: 1 });
    expect(await refunds()).toEqual([
      ['shopify:5003:refunded', 15],
      ['shopify:5003:refunded:40.0', 25],
    ]);
    // Either export again, in any order, adds nothing: the refunds stored already cover it.
    for (const again of [partial, whole]) expect(await w.import(again, { format: 'shopify-orders' })).toMatchObject({ written: 0, duplicates: 2 });
    expect(await refunds()).toHaveLength(2);
  });

  it('cancels a Shopify order whose payment authorization expired, and counts a pending one', async () => {
    const path = join(w.dir, 'statuses.csv');
    writeFileSync(
      path,
      [
        'Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Id',
        '#1,a@example.com,expired,USD,10.00,2024-01-05 10:15:00 -0500,1,Mug,10.00,MUG,7001',
        '#2,b@example.com,pending,USD,10.00,2024-01-05 10:15:00 -0500,1,Mug,10.00,MUG,7002',
      ].join('\n') + '\n',
    );
    await w.import(path, { format: 'shopify-orders' });
    expect((await w.events()).map((e) => e.message_id)).toEqual(['shopify:7001:cancelled', 'shopify:7001:completed', 'shopify:7002:completed']);
  });
});
