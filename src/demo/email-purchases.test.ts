import { describe, expect, it } from 'vitest';
import { EMAIL_PULL_WINDOW_MS, emailVisitSessions } from './email-purchases.js';
import type { PlannedOrder } from './orders.js';
import { createRng } from './random.js';
import type { SessionPlan } from './session-render.js';
import { DAY_MS } from './time.js';
import { emailTouch } from './traffic.js';

const t0 = Date.UTC(2025, 4, 6, 15);
const click = { ms: t0, touch: emailTouch('2025_05_newsletter', 'https://shop.example.com/collections/new?utm_source=newsletter') };
const webOrder = (id: string) => ({ order_id: id, channel: 'web', coupon: null }) as unknown as PlannedOrder;
const purchase = (id: string, startMs: number): SessionPlan => ({ startMs, kind: 'purchase', touch: { landing: 'home' }, device: null, order: webOrder(id) });

describe('email visits', () => {
  it('brings a purchase planned in the weeks after a click into the click’s visit, with the email’s campaign', () => {
    const order = purchase('o1', t0 + 10 * DAY_MS);
    const visits = emailVisitSessions(createRng(1, 'email'), [order], [click], () => true);
    expect(visits).toEqual([]);
    expect(order.startMs).toBe(t0);
    expect(order.touch.campaign?.source).toBe('newsletter');
  });

  it('leaves a purchase outside the window, or one that could not be placed then, and browses instead', () => {
    const far = purchase('o1', t0 + EMAIL_PULL_WINDOW_MS + DAY_MS);
    const before = purchase('o2', t0 - DAY_MS);
    const blocked = purchase('o3', t0 + DAY_MS);
    const visits = emailVisitSessions(createRng(1, 'email'), [far, before, blocked], [click], (o) => o.order_id !== 'o3');
    expect(visits).toHaveLength(1);
    expect(visits[0]?.kind).not.toBe('purchase');
    expect(visits[0]?.touch.campaign?.source).toBe('newsletter');
    expect([far.startMs, before.startMs, blocked.startMs]).toEqual([t0 + EMAIL_PULL_WINDOW_MS + DAY_MS, t0 - DAY_MS, t0 + DAY_MS]);
  });

  it('moves each order once, to the first click before it', () => {
    const order = purchase('o1', t0 + 20 * DAY_MS);
    const second = { ...click, ms: t0 + 5 * DAY_MS };
    const visits = emailVisitSessions(createRng(1, 'email'), [order], [click, second], () => true);
    expect(order.startMs).toBe(t0);
    expect(visits.map((v) => v.startMs)).toEqual([second.ms]);
  });
});
