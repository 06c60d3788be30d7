// Shopify's orders export as shops have it: sales at the till (POS) and checkouts that left no email
// or phone are sales all the same, as Shopify's own reports count them.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openImportWorkspace, rowsAccountedFor, type ImportWorkspace } from './helpers/imports.js';

const header = 'Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Phone,Cancelled at,Refunded Amount,Id,Source,Phone';

describe("Shopify's orders export", () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  it('keeps an order with no email or phone (a sale at the till) as a guest order, its revenue counted', async () => {
    const path = join(w.dir, 'orders_export.csv');
    writeFileSync(
      path,
      [
        header,
        '#2001,ann@example.com,paid,USD,30.00,0.00,0.00,30.00,,0.00,2024-04-01 09:59:00 -0400,1,Mug,30.00,MUG,,,0.00,6001,web,',
        '#2002,,paid,USD,25.00,0.00,0.00,25.00,,0.00,2024-04-03 12:00:00 -0400,1,Pen,10.00,PEN,,,0.00,6002,pos,',
        '#2002,,,,,,,,,,,1,Pad,15.00,PAD,,,,,,',
        '#2003,,paid,USD,15.00,0.00,0.00,15.00,,0.00,2024-04-07 12:00:00 -0400,1,Pad,15.00,PAD,+1 617 555 0199,,0.00,6003,web,',
      ].join('\n') + '\n',
    );
    const summary = await w.import(path, { format: 'shopify-orders' });
    expect(summary).toMatchObject({ rowsRead: 4, ordersRead: 3, written: 3, quarantined: {} });
    expect(rowsAccountedFor(summary)).toBe(4);
    const events = await w.events();
    expect(events.map((e) => [e.order_id, e.amount, e.anonymous_id])).toEqual([
      ['6001', 30, 'shopify:ann@example.com'],
      ['6002', 25, 'shopify:guest:6002'],
      ['6003', 15, 'shopify:+16175550199'],
    ]);
    expect((events[1]?.message.properties?.['products'] as { sku: string }[]).map((p) => p.sku)).toEqual(['PEN', 'PAD']);
  });
});

describe("Shopify's orders export: refunds", () => {
  let w: ImportWorkspace;
  beforeEach(async () => {
    w = await openImportWorkspace();
  });
  afterEach(async () => {
    await w.close();
  });

  it('dates the refund of an order cancelled with its refund when it was cancelled, in the next month here, not when it was placed', async () => {
    const path = join(w.dir, 'orders_export.csv');
    writeFileSync(
      path,
      [
        header,
        '#3001,cy@example.com,refunded,USD,50.00,0.00,0.00,50.00,,0.00,2024-03-31 12:00:00 -0400,1,Lamp,50.00,LAMP,,2024-04-02 08:00:00 -0400,50.00,7001,web,',
        // Refunded without being cancelled: the export says nothing of when, so the order's own time stands.
        '#3002,di@example.com,refunded,USD,20.00,0.00,0.00,20.00,,0.00,2024-03-30 12:00:00 -0400,1,Pen,20.00,PEN,,,20.00,7002,web,',
      ].join('\n') + '\n',
    );
    expect(await w.import(path, { format: 'shopify-orders' })).toMatchObject({ written: 5, quarantined: {} });
    const at = Object.fromEntries((await w.events()).map((e) => [e.message_id, e.ts]));
    expect(at).toEqual({
      'shopify:7001:completed': '2024-03-31T16:00:00.000Z',
      'shopify:7001:refunded': '2024-04-02T12:00:00.000Z',
      'shopify:7001:cancelled': '2024-04-02T12:00:00.000Z',
      'shopify:7002:completed': '2024-03-30T16:00:00.000Z',
      'shopify:7002:refunded': '2024-03-30T16:00:00.000Z',
    });
  });
});
