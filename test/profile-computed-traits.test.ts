// Computed traits of the single customer view agree with the KPIs (events.md): an order is one order by
// order_id whichever identity sent each of its events, a refund of no amount removes it, and a session is a
// run of the person's own calls, not of the emails a back end sends them.

import { afterEach, describe, expect, it } from 'vitest';
import { readProfile, readTimeline } from '../src/identity/index.js';
import type { Workspace } from '../src/server/index.js';
import { identify, page, track, type Message } from './helpers/messages.js';
import { sendAndResolve, temporaryWorkspaces } from './helpers/workspace.js';

const workspaces = temporaryWorkspaces();
const at = (day: number, minute = 0): string => new Date(Date.UTC(2025, 2, day, 10, minute)).toISOString();

const openWs = (): Promise<Workspace> => workspaces.open('tessera-computed-');
afterEach(() => workspaces.closeAll());

const send = sendAndResolve;

const order = (id: string, total: number, who: Message, day: number, category = 'boots'): Message =>
  track({ ...who, messageId: `oc-${id}-${JSON.stringify(who)}`, event: 'Order Completed', properties: { order_id: id, total, currency: 'USD', products: [{ category, quantity: 1, price: total }] }, timestamp: at(day) });

describe('computed traits', () => {
  it('drops an order refunded with no amount, as the order KPIs do', async () => {
    const ws = await openWs();
    await send(ws, [
      order('R-1', 100, { userId: 'ann' }, 1, 'jackets'),
      order('R-2', 30, { userId: 'ann' }, 2, 'socks'),
      track({ messageId: 'rf-2', userId: 'ann', event: 'Order Refunded', properties: { order_id: 'R-2' }, timestamp: at(3) }),
    ]);
    const computed = (await readProfile(ws.store, ws.identity, 'user:ann')).computed;
    expect(computed).toMatchObject({ orders: 1, revenue: 100, aov: 100, favourite_category: 'jackets' });
  });

  it('sums revenue exactly, in decimals, so a profile shows the same cents whatever order the orders are added in', async () => {
    const ws = await openWs();
    // As binary floating point 0.1 + 0.2 is 0.30000000000000004, and a sum landing on a half cent rounded either
    // way depending on which thread added which order first.
    await send(ws, [order('D-1', 1.005, { userId: 'dee' }, 1), order('D-2', 0.2, { userId: 'dee' }, 2)]);
    const computed = (await readProfile(ws.store, ws.identity, 'user:dee')).computed;
    // 1.205 to the cent, half up; in floating point the sum is 1.2049999999999998.
    expect(computed).toMatchObject({ orders: 2, revenue: 1.21 });
  });

  it('rounds revenue on a half cent half up, as the decimal says, not down as its double would (0.285, 10.075)', async () => {
    const ws = await openWs();
    await send(ws, [order('H-1', 0.085, { userId: 'hai' }, 1), order('H-2', 0.2, { userId: 'hai' }, 2), order('H-3', 10.075, { userId: 'ho' }, 1)]);
    expect((await readProfile(ws.store, ws.identity, 'user:hai')).computed).toMatchObject({ orders: 2, revenue: 0.29 });
    expect((await readProfile(ws.store, ws.identity, 'user:ho')).computed).toMatchObject({ orders: 1, revenue: 10.08 });
  });

  it('counts an order once, for the customer of its first Order Completed, and applies a refund sent under another identity', async () => {
    const ws = await openWs();
    await send(ws, [
      // The web sends the order under the user id; the back office re-sends it and refunds it under the email only.
      order('W-1', 90, { userId: 'hal' }, 2),
      order('W-1', 90, { anonymousId: 'backoffice', context: { traits: { email: 'hal-other@example.com' } } }, 3),
      order('W-2', 40, { userId: 'hal' }, 4),
      order('W-2', 40, { anonymousId: 'backoffice-2', context: { traits: { email: 'jo@example.com' } } }, 5),
      track({ messageId: 'rf-w1', anonymousId: 'backoffice', context: { traits: { email: 'hal-other@example.com' } }, event: 'Order Refunded', properties: { order_id: 'W-1', total: 90 }, timestamp: at(6) }),
    ]);
    expect((await readProfile(ws.store, ws.identity, 'user:hal')).computed).toMatchObject({ orders: 1, revenue: 40 });
    expect((await readProfile(ws.store, ws.identity, 'email:jo@example.com')).computed).toMatchObject({ orders: 0, revenue: 0 });
    expect((await readProfile(ws.store, ws.identity, 'email:hal-other@example.com')).computed).toMatchObject({ orders: 0, revenue: 0 });
  });

  it("marks in the timeline an Order Completed that repeats an earlier one of the same order, and counts the order once", async () => {
    const ws = await openWs();
    await send(ws, [
      // The web stream and the shop's back office both send order K-1, and each sends a refund; K-2 comes once.
      order('K-1', 50, { userId: 'kim' }, 1),
      order('K-1', 50, { userId: 'kim', context: { library: { name: 'backoffice' } } }, 2),
      track({ messageId: 'rf-k1-web', userId: 'kim', event: 'Order Refunded', properties: { order_id: 'K-1', total: 10 }, timestamp: at(3) }),
      track({ messageId: 'rf-k1-office', userId: 'kim', event: 'Order Refunded', properties: { order_id: 'K-1', total: 10 }, timestamp: at(3, 5) }),
      order('K-2', 20, { userId: 'kim' }, 4),
    ]);
    const timeline = await readTimeline(ws.store, ws.identity, 'user:kim');
    const shown = timeline.events.map((e) => ({ id: (e.message as { messageId: string }).messageId, seq: e.seq, repeat_of: e.repeat_of }));
    const seqOf = (test: (id: string) => boolean) => shown.find((e) => test(e.id))!.seq;
    const web = seqOf((id) => id.startsWith('oc-K-1-') && !id.includes('backoffice'));
    const office = seqOf((id) => id.startsWith('oc-K-1-') && id.includes('backoffice'));
    expect(shown).toHaveLength(5);
    expect(shown.filter((e) => e.repeat_of !== undefined).map((e) => [e.seq, e.repeat_of])).toEqual([[office, web]]);
    // A page that ends between the order's two events still marks the later one.
    const page = await readTimeline(ws.store, ws.identity, 'user:kim', { limit: 4 });
    expect(page.events.find((e) => e.seq === office)?.repeat_of).toBe(web);
    // The order counts once; each refund sent counts, as the order KPIs count them.
    expect((await readProfile(ws.store, ws.identity, 'user:kim')).computed).toMatchObject({ orders: 2, revenue: 50 });
  });

  it('makes no session of the emails and surveys a back end sends', async () => {
    const ws = await openWs();
    const server = { library: { name: 'analytics-node', version: '2.0.0' } };
    await send(ws, [
      page({ messageId: 'p1', anonymousId: 'dev', userId: 'eve', timestamp: at(1) }),
      identify({ messageId: 'i1', userId: 'eve', traits: { email: 'eve@example.com' }, timestamp: at(1, 1) }),
      track({ messageId: 'd1', userId: 'eve', event: 'Email Delivered', properties: { email_id: 'e1' }, context: server, timestamp: at(5) }),
      track({ messageId: 'd2', userId: 'eve', event: 'Email Delivered', properties: { email_id: 'e2' }, context: server, timestamp: at(8) }),
      track({ messageId: 'n1', userId: 'eve', event: 'Survey Responded', properties: { survey_type: 'nps', score: 7 }, context: server, timestamp: at(9) }),
    ]);
    expect((await readProfile(ws.store, ws.identity, 'user:eve')).computed).toMatchObject({ sessions: 1, latest_nps: 7 });
  });

  it('reads the survey type as the NPS, CSAT and CES KPIs do, whatever its case', async () => {
    const ws = await openWs();
    await send(ws, [
      track({ messageId: 's1', userId: 'sam', event: 'Survey Responded', properties: { survey_type: 'NPS', score: 10 }, timestamp: at(1) }),
      track({ messageId: 's2', userId: 'sam', event: 'Survey Responded', properties: { survey_type: 'Csat', score: 4 }, timestamp: at(2) }),
    ]);
    expect((await readProfile(ws.store, ws.identity, 'user:sam')).computed).toMatchObject({ latest_nps: 10, latest_csat: 4 });
  });
});
