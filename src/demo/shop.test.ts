import { describe, expect, it } from 'vitest';
import type { DemoMessage, PersonRecords, TrackMessage } from './records.js';
import { generateShop } from './shop.js';

const options = { customers: 200, seed: 7 };
const people: PersonRecords[] = [...generateShop(options).people()];
const events: DemoMessage[] = people.flatMap((p) => p.events);
const tracks = (name: string): TrackMessage[] => events.filter((e): e is TrackMessage => e.type === 'track' && e.event === name);

function cents(value: unknown): number {
  return Math.round(Number(value) * 100);
}

describe('the demo shop', () => {
  it('produces the same records for the same seed and different ones for another seed', () => {
    const again = [...generateShop(options).people()];
    expect(JSON.stringify(again)).toBe(JSON.stringify(people));
    const other = [...generateShop({ ...options, seed: 8 }).people()];
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(people));
  });

  it('gives every message a unique messageId, a timestamp in range and a userId or anonymousId', () => {
    const ids = new Set(events.map((e) => e.messageId));
    expect(ids.size).toBe(events.length);
    const bad = events.filter((e) => !(e.userId ?? e.anonymousId) || e.timestamp < '2024-01-01T00:00:00.000Z' || e.timestamp >= '2026-01-01T00:00:00.000Z');
    expect(bad).toEqual([]);
  });

  it('keeps each person’s messages in time order', () => {
    const unordered = people.filter((p) => p.events.some((e, i) => i > 0 && e.timestamp < (p.events[i - 1]?.timestamp ?? '')));
    expect(unordered.map((p) => p.person_id)).toEqual([]);
  });

  it('sends userId only once the person has signed up or logged in on that device', () => {
    for (const p of people) {
      const known = new Set<string>();
      for (const e of p.events) {
        if (e.type === 'identify' && e.anonymousId && e.userId) known.add(e.anonymousId);
        if (e.type === 'alias') known.add(e.previousId);
        if (e.anonymousId && e.userId && e.userId !== 'undefined' && e.type !== 'identify' && e.type !== 'alias') {
          expect(known.has(e.anonymousId), `${p.person_id} ${e.type}`).toBe(true);
        }
      }
    }
  });

  it('makes every order total the sum of price × quantity minus the discount', () => {
    const completed = tracks('Order Completed');
    expect(completed.length).toBeGreaterThan(50);
    for (const e of completed) {
      const products = e.properties.products as { price: number; quantity: number }[];
      const sum = products.reduce((s, p) => s + cents(p.price) * p.quantity, 0);
      expect(cents(e.properties.subtotal)).toBe(sum);
      expect(cents(e.properties.total)).toBe(sum - cents(e.properties.discount));
      expect(['USD', 'EUR', 'GBP']).toContain(e.properties.currency);
    }
    expect(completed.some((e) => cents(e.properties.discount) > 0 && typeof e.properties.coupon === 'string')).toBe(true);
  });

  it('tracks browsing, abandoned carts, email engagement, surveys, tickets, refunds and the experiment', () => {
    for (const name of ['Product Viewed', 'Product Added', 'Cart Viewed', 'Checkout Started', 'Signed Up', 'Email Delivered', 'Email Opened', 'Email Link Clicked', 'Survey Responded', 'Ticket Created', 'Ticket Resolved', 'Experiment Viewed']) {
      expect(tracks(name).length, name).toBeGreaterThan(0);
    }
    expect(tracks('Order Refunded').length + tracks('Order Cancelled').length).toBeGreaterThan(0);
    expect(tracks('Checkout Started').length).toBeGreaterThan(tracks('Order Completed').length);
    const variations = new Set(tracks('Experiment Viewed').map((e) => e.properties.variation_id));
    expect([...variations].sort()).toEqual(['control', 'offer_15']);
    expect(new Set(tracks('Survey Responded').map((e) => e.properties.survey_type))).toEqual(new Set(['nps', 'csat', 'ces']));
  });

  it('sends identify traits with messy emails, phones, names and addresses', () => {
    const traits = events.filter((e) => e.type === 'identify').map((e) => e.traits);
    expect(traits.some((t) => typeof t.email === 'string' && t.email !== t.email.trim().toLowerCase())).toBe(true);
    expect(traits.some((t) => typeof t.phone === 'string')).toBe(true);
    expect(traits.some((t) => typeof t.first_name === 'string' && typeof t.last_name === 'string')).toBe(true);
    expect(traits.some((t) => typeof t.address === 'object')).toBe(true);
  });

  it('gives people several devices and traffic from several sources', () => {
    const devicesPerMember = people.filter((p) => p.kind === 'member').map((p) => p.truth.filter((t) => t.identifier_type === 'anon').length);
    expect(devicesPerMember.some((n) => n >= 2)).toBe(true);
    const sources = new Set(events.map((e) => e.context.campaign?.source ?? (e.context.referrer ? new URL(e.context.referrer.url).host : undefined)).filter(Boolean));
    for (const source of ['google', 'facebook', 'newsletter', 'www.google.com']) expect(sources).toContain(source);
  });

  it('converts visits from email at least at the site’s rate, and never all of them', () => {
    // A person's browser calls, cut into visits at the 30-minute gap (the generator keeps visits further apart).
    const visits: { source: string | undefined; converted: boolean }[] = [];
    for (const p of people) {
      let last = -Infinity;
      for (const e of p.events) {
        if (e.context.library?.name !== 'analytics.js') continue;
        const ms = Date.parse(e.timestamp);
        if (ms - last > 30 * 60_000) visits.push({ source: e.context.campaign?.source, converted: false });
        last = ms;
        const visit = visits[visits.length - 1];
        if (visit && e.type === 'track' && e.event === 'Order Completed') visit.converted = true;
      }
    }
    const rate = (vs: typeof visits) => vs.filter((v) => v.converted).length / vs.length;
    const email = visits.filter((v) => v.source === 'newsletter');
    expect(email.length).toBeGreaterThan(30);
    expect(rate(email)).toBeGreaterThanOrEqual(rate(visits));
    expect(rate(email)).toBeLessThan(3 * rate(visits));
  });

  it('plants a shared household tablet and placeholder ids from a buggy client', () => {
    const shop = generateShop(options);
    const tablet = shop.traps.sharedDevices[0];
    expect(tablet).toBeDefined();
    const users = new Set(events.filter((e) => e.anonymousId === tablet?.anonymousId && e.userId).map((e) => e.userId));
    expect(users.size).toBe(2);
    const truthOwners = people.flatMap((p) => p.truth).filter((t) => t.identifier_value === tablet?.anonymousId);
    expect(truthOwners).toEqual([{ identifier_type: 'anon', identifier_value: tablet?.anonymousId, person_id: tablet?.owner }]);
    expect(events.some((e) => e.userId === 'undefined')).toBe(true);
    expect(events.some((e) => e.type === 'identify' && e.traits.email === 'test@test.com')).toBe(true);
    expect(people.flatMap((p) => p.truth).some((t) => t.identifier_value === 'undefined' || t.identifier_value === 'test@test.com')).toBe(false);
  });
});
