// Rule segments on the hand-checked fixture (real DuckDB): every operator and kind of condition,
// and hostile names and values that must match literally and never alter the query.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../src/contract/index.js';
import {
  Rule,
  asOfDay,
  compileRule,
  countMembers,
  getSegment,
  listMembers,
  listSegments,
  parseOrThrow,
  saveSegment,
  type AsOf,
} from '../src/segments/index.js';
import { duckdbDialect, renderSql, sql } from '../src/store/index.js';
import { hostile, openFixture, type Fixture } from './segments-fixture.js';

let fx: Fixture;
let asOf: AsOf;
const userOf = new Map<string, string>();
const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'];

beforeAll(async () => {
  fx = await openFixture();
  for (const u of users) userOf.set(await fx.customerOf(u), u);
  asOf = asOfDay('2024-06-30', fx.ws.config.workspace.reportingTimezone);
}, 60_000);

afterAll(async () => {
  await fx.close();
});

/** The fixture users a rule holds, sorted. */
async function members(input: unknown): Promise<string[]> {
  const rule = parseOrThrow(Rule, input, 'rule');
  const rows = await listMembers(fx.ws.store, rule, asOf);
  expect(await countMembers(fx.ws.store, rule, asOf)).toBe(rows.length);
  return rows.map((r) => userOf.get(r.customer_id) ?? r.customer_id).sort();
}

describe('trait conditions (latest identify value)', () => {
  it('compares with eq and neq, the latest value winning', async () => {
    expect(await members({ trait: 'plan', op: 'eq', value: 'pro' })).toEqual(['u1', 'u3']);
    expect(await members({ trait: 'plan', op: 'neq', value: 'pro' })).toEqual(['u2', 'u8']);
  });

  it('compares numbers as numbers with gt, gte, lt and lte', async () => {
    expect(await members({ trait: 'age', op: 'gt', value: 29 })).toEqual(['u1', 'u2']);
    expect(await members({ trait: 'age', op: 'gte', value: 45 })).toEqual(['u2']);
    expect(await members({ trait: 'age', op: 'lt', value: 30 })).toEqual(['u3']);
    expect(await members({ trait: 'age', op: 'lte', value: 30 })).toEqual(['u1', 'u3']);
  });

  it('tests text with contains, not_contains, starts_with and ends_with, wildcards taken literally', async () => {
    expect(await members({ trait: 'name', op: 'contains', value: '%' })).toEqual(['u3']);
    expect(await members({ trait: 'name', op: 'contains', value: '_' })).toEqual(['u3']);
    expect(await members({ trait: 'coupon', op: 'contains', value: '100%off' })).toEqual([]);
    expect(await members({ trait: 'name', op: 'not_contains', value: "O'Brien" })).toEqual(['u2', 'u3']);
    expect(await members({ trait: 'name', op: 'starts_with', value: "O'Brien\")" })).toEqual(['u1', 'u8']);
    expect(await members({ trait: 'name', op: 'ends_with', value: '--' })).toEqual(['u1']);
  });

  it('matches lists with in and not_in, and presence with exists and not_exists', async () => {
    expect(await members({ trait: 'plan', op: 'in', value: ['basic', 'free'] })).toEqual(['u2', 'u8']);
    expect(await members({ trait: 'plan', op: 'not_in', value: ['pro'] })).toEqual(['u2', 'u8']);
    expect(await members({ trait: 'age', op: 'in', value: [22, 45] })).toEqual(['u2', 'u3']);
    expect(await members({ trait: 'vip', op: 'exists' })).toEqual(['u1']);
    expect(await members({ trait: 'vip', op: 'eq', value: true })).toEqual(['u1']);
    expect(await members({ trait: 'plan', op: 'not_exists' })).toEqual(['u4', 'u5', 'u6', 'u7']);
  });

  it('reads a nested trait by a key path, and a key with a dot as one key', async () => {
    expect(await members({ trait: ['address', 'city'], op: 'eq', value: 'Oslo' })).toEqual(['u2']);
    expect(await members({ trait: hostile.dotted, op: 'eq', value: 'Bergen' })).toEqual(['u2']);
    expect(await members({ trait: hostile.dotted, op: 'eq', value: 'Oslo' })).toEqual([]);
  });
});

describe('hostile names and values', () => {
  it('match literally: quotes, SQL fragments and unicode in trait names and values', async () => {
    expect(await members({ trait: hostile.traitName, op: 'eq', value: 'gold' })).toEqual(['u1']);
    expect(await members({ trait: 'name', op: 'eq', value: hostile.value })).toEqual(['u1']);
    expect(await members({ trait: 'name', op: 'eq', value: hostile.unicode })).toEqual(['u2']);
    expect(await members({ event: 'Product Viewed', where: [{ property: hostile.traitName, op: 'eq', value: hostile.value }] })).toEqual([]);
    expect(await members({ event: `Order Completed' OR 1=1 --` })).toEqual([]);
  });

  it('never reach the SQL text: every one is a bound parameter', () => {
    const rule = parseOrThrow(
      Rule,
      {
        all: [
          { trait: hostile.traitName, op: 'eq', value: hostile.value },
          { trait: hostile.unicode, op: 'in', value: [hostile.value, hostile.percent] },
          { event: hostile.value, where: [{ property: hostile.traitName, op: 'contains', value: hostile.unicode }], within_days: 7 },
        ],
      },
      'rule',
    );
    const rendered = renderSql(compileRule(rule, { dialect: duckdbDialect, asOf }), duckdbDialect);
    for (const text of [hostile.value, hostile.traitName, hostile.unicode, hostile.percent, 'DROP TABLE', 'DELETE FROM', "O'Brien"]) {
      expect(rendered.text).not.toContain(text);
    }
    const params = rendered.params.map((p) => p.value);
    expect(params).toContain(hostile.value);
    expect(params).toContain(hostile.unicode);
    expect(params).toContain('/traits/' + hostile.traitName);
  });

  it('leave the tables as they were', async () => {
    const rows = await fx.ws.store.query<{ orders: number; events: number }>(sql`SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM events) AS events`);
    // the fixture's 14 orders and 26 messages
    expect(rows[0]).toEqual({ orders: 14, events: 26 });
  });
});

describe('computed facts', () => {
  it('counts orders as of the evaluation day, customers with none counting 0', async () => {
    expect(await members({ fact: 'orders', op: 'gte', value: 3 })).toEqual(['u1', 'u2']);
    expect(await members({ fact: 'orders', op: 'eq', value: 0 })).toEqual(['u6', 'u7', 'u8']);
    expect(await members({ fact: 'orders', op: 'lt', value: 2 })).toEqual(['u3', 'u5', 'u6', 'u7', 'u8']);
    expect(await members({ fact: 'orders', op: 'exists' })).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
  });

  it('compares revenue, aov, days since the last order, and first and last order dates', async () => {
    expect(await members({ fact: 'revenue', op: 'gt', value: 100 })).toEqual(['u1', 'u2']);
    expect(await members({ fact: 'aov', op: 'gte', value: 100 })).toEqual(['u1']);
    expect(await members({ fact: 'days_since_last_order', op: 'gt', value: 365 })).toEqual(['u5']);
    expect(await members({ fact: 'first_order', op: 'lt', value: '2023-06-01' })).toEqual(['u1', 'u5']);
    expect(await members({ fact: 'last_order', op: 'gte', value: '2024-06-20' })).toEqual(['u1', 'u2', 'u3']);
  });

  it('refuses a text operator on a fact', async () => {
    await expect(members({ fact: 'orders', op: 'contains', value: '1' })).rejects.toThrow(/does not take contains/);
  });
});

describe('event conditions', () => {
  it('matches an event with a property, a count and a window', async () => {
    expect(await members({ event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'boots' }] })).toEqual(['u1', 'u3', 'u8']);
    expect(await members({ event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'boots' }], count: { op: 'gte', value: 2 } })).toEqual(['u3']);
    expect(await members({ event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'boots' }], within_days: 30 })).toEqual(['u3']);
  });

  it('finds "placed at least 2 orders in the last 90 days"', async () => {
    expect(await members({ event: 'Order Completed', count: { op: 'gte', value: 2 }, within_days: 90 })).toEqual(['u1']);
  });

  it('includes customers without the event when the count filter passes 0', async () => {
    expect(await members({ event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'boots' }], count: { op: 'lt', value: 1 } })).toEqual([
      'u2',
      'u4',
      'u5',
      'u6',
      'u7',
    ]);
  });
});

describe('purchases, RFM and combinations', () => {
  it('matches bought items by category, counts of orders and a window', async () => {
    expect(await members({ bought: { where: [{ field: 'category', op: 'eq', value: 'boots' }] } })).toEqual(['u1']);
    expect(await members({ bought: { count: { op: 'gte', value: 3 } } })).toEqual(['u1', 'u2']);
    expect(await members({ bought: { within_days: 30 } })).toEqual(['u1', 'u2', 'u3']);
  });

  it('finds "viewed category boots but never bought it"', async () => {
    const rule = {
      all: [
        { event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'boots' }] },
        { not: { bought: { where: [{ field: 'category', op: 'eq', value: 'boots' }] } } },
      ],
    };
    expect(await members(rule)).toEqual(['u3', 'u8']);
  });

  it('matches RFM segments and scores as of the evaluation day', async () => {
    expect(await members({ rfm: { segment: ['Champions', 'Loyal'] } })).toEqual(['u1', 'u2']);
    expect(await members({ rfm: { r: { op: 'gte', value: 4 } } })).toEqual(['u1', 'u2', 'u3']);
    expect(await members({ rfm: { m: { op: 'eq', value: 1 } } })).toEqual(['u5']);
  });

  it('combines with any and not', async () => {
    expect(await members({ any: [{ trait: 'plan', op: 'eq', value: 'free' }, { rfm: { segment: ['Champions'] } }] })).toEqual(['u1', 'u8']);
    expect(await members({ not: { trait: 'plan', op: 'exists' } })).toEqual(['u4', 'u5', 'u6', 'u7']);
  });
});

describe('model scores', () => {
  it('matches the predictions of clv predict: churn risk, CLV deciles and the high-value flags', async () => {
    // Three scored customers, as `tessera clv predict` writes them; the others have no prediction.
    const scored: [string, number, number, boolean, boolean][] = [
      // user, churn risk, decile, high value, high value at risk
      ['u1', 0.1, 10, true, false],
      ['u2', 0.7, 9, true, true],
      ['u3', 0.8, 2, false, false],
    ];
    for (const [user, risk, decile, hv, hvar] of scored) {
      await fx.ws.store.run(sql`INSERT INTO clv_predictions (customer_id, fit_id, as_of, horizon_days, frequency, recency, age, monetary,
          expected_purchases, p_alive, churn_risk, expected_spend, clv, clv_decile, high_value, high_value_at_risk)
        VALUES (${await fx.customerOf(user)}, ${'fit-test'}, CAST(${'2024-06-30'} AS DATE), 365, 1, 1, 10, 50, 1, ${1 - risk}, ${risk}, 50, 100, ${decile}, ${hv}, ${hvar})`);
    }
    expect(await members({ prediction: 'high_value_at_risk', op: 'eq', value: true })).toEqual(['u2']);
    expect(await members({ all: [{ prediction: 'clv_decile', op: 'gte', value: 9 }, { prediction: 'churn_risk', op: 'gt', value: 0.5 }] })).toEqual(['u2']);
    expect(await members({ prediction: 'high_value', op: 'eq', value: false })).toEqual(['u3']);
    expect(await members({ prediction: 'churn_risk', op: 'not_exists' })).toEqual(['u4', 'u5', 'u6', 'u7', 'u8']);
    expect(() => parseOrThrow(Rule, { prediction: 'lifetime', op: 'gt', value: 1 }, 'rule')).toThrow(TesseraError);
    await expect(members({ prediction: 'high_value', op: 'eq', value: 1 })).rejects.toThrow(/true or false/);
    await fx.ws.store.run(sql`DELETE FROM clv_predictions`);
  });
});

describe('definitions', () => {
  it('refuses an invalid definition, naming where it is wrong', () => {
    const bad = (input: unknown) => () => parseOrThrow(Rule, input, 'rule');
    expect(bad({ trait: 'plan', op: 'in', value: 'pro' })).toThrow(/value: in takes a list of values/);
    expect(bad({ trait: 'plan', op: 'like', value: 'pro' })).toThrow(TesseraError);
    expect(bad({ all: [{ rfm: { segment: ['Whales'] } }] })).toThrow(/all\.0\.rfm\.segment/);
  });

  it('stores a definition, lists it, and refuses the same id without replace', async () => {
    const def = { id: 'boot-lookers', name: 'Viewed boots, never bought', rule: { event: 'Product Viewed', where: [{ property: 'category', op: 'eq', value: 'boots' }] } };
    const { segment } = await saveSegment(fx.ws.store, def);
    expect(segment).toMatchObject(def);
    await expect(saveSegment(fx.ws.store, def)).rejects.toThrow(/exists/);
    const again = await saveSegment(fx.ws.store, { ...def, name: 'renamed' }, { replace: true });
    expect(again.replaced).toBe(true);
    expect((await listSegments(fx.ws.store)).map((s) => [s.id, s.name])).toEqual([['boot-lookers', 'renamed']]);
    expect((await getSegment(fx.ws.store, 'boot-lookers')).created_at).toBe(segment.created_at);
    await expect(getSegment(fx.ws.store, 'nope')).rejects.toThrow(/no segment nope/);
  });
});
