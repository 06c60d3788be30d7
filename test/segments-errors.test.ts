// What a wrong segment definition is told: where it is wrong and why, in the words the user wrote,
// rather than whichever kind of condition zod happened to try last.

import { describe, expect, it } from 'vitest';
import { TesseraError } from '../src/contract/index.js';
import { FACTS, Rule, SegmentDefinition, parseOrThrow } from '../src/segments/index.js';

/** The validation error a definition with this rule gets, as `segments create` prints it. */
function errorOf(rule: unknown): TesseraError {
  try {
    parseOrThrow(SegmentDefinition, { id: 'big-spenders', name: 'Big spenders', rule }, 'segment definition');
  } catch (err) {
    if (err instanceof TesseraError) return err;
    throw err;
  }
  throw new Error('the definition was accepted');
}

const messageOf = (rule: unknown): string => errorOf(rule).message;

describe('a condition that fails says why', () => {
  it('names a misspelt fact and lists the known facts', () => {
    const err = errorOf({ all: [{ fact: 'revnue', op: 'gte', value: 5 }] });
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe(`segment definition at rule.all.0.fact: unknown fact "revnue" (known facts: ${FACTS.join(', ')})`);
  });

  it('names an unknown op and the ops the fact takes', () => {
    expect(messageOf({ all: [{ fact: 'revenue', op: 'gt=', value: 5 }] })).toBe(
      'segment definition at rule.all.0.op: unknown op "gt=" for fact revenue; use one of eq, neq, gt, gte, lt, lte, in, not_in, exists, not_exists',
    );
  });

  it('refuses a text op on a fact, and names the op a count filter lacks', () => {
    expect(messageOf({ fact: 'orders', op: 'contains', value: 1 })).toMatch(/^segment definition at rule\.op: fact orders does not take contains; use one of eq, /);
    expect(messageOf({ prediction: 'clv', op: 'starts_with', value: 'x' })).toMatch(/at rule\.op: prediction clv does not take starts_with/);
    expect(messageOf({ event: 'Order Completed', count: { op: '>=', value: 2 } })).toBe(
      'segment definition at rule.count.op: unknown op ">=" for count; use one of eq, neq, gt, gte, lt, lte',
    );
    expect(messageOf({ event: 'Product Viewed', where: [{ property: 'category', op: 'like', value: 'boots' }] })).toMatch(
      /at rule\.where\.0\.op: unknown op "like" for property category; use one of eq, .*contains/,
    );
  });

  it('names an unknown kind of condition and lists the kinds', () => {
    expect(messageOf({ all: [{ fcat: 'revenue', op: 'gte', value: 5 }] })).toBe(
      'segment definition at rule.all.0: unknown condition kind (keys fcat, op, value): a condition is an object with one key of trait, fact, event, bought, rfm, prediction, all, any or not',
    );
    expect(messageOf({ any: [{ fact: 'orders', event: 'Signed Up', op: 'gte', value: 1 }] })).toMatch(/at rule\.any\.0: a condition is of one kind, this one names fact, event/);
    expect(messageOf({ field: 'category', op: 'eq', value: 'boots' })).toMatch(/at rule: unknown condition kind: item conditions \(field: …\) go in bought/);
    expect(messageOf('revenue')).toMatch(/at rule: a condition is an object with one key of trait, fact, .* not "revenue"$/);
  });

  it('names a value of the wrong type for its fact or prediction', () => {
    expect(messageOf({ all: [{ fact: 'revenue', op: 'gte', value: 'lots' }] })).toBe('segment definition at rule.all.0.value: fact revenue compares with numbers');
    expect(messageOf({ fact: 'last_order', op: 'lt', value: '1/6/2024' })).toBe('segment definition at rule.value: fact last_order compares with dates written YYYY-MM-DD');
    expect(messageOf({ not: { prediction: 'high_value', op: 'eq', value: 1 } })).toBe('segment definition at rule.not.value: prediction high_value compares with true or false');
    expect(messageOf({ trait: 'plan', op: 'eq', value: { tier: 'pro' } })).toBe('segment definition at rule.value: value must be text, a number, true or false, or a list of them');
  });

  it('names an unknown item field or RFM segment where it is nested', () => {
    expect(messageOf({ bought: { where: [{ field: 'colour', op: 'eq', value: 'red' }] } })).toBe(
      'segment definition at rule.bought.where.0.field: unknown item field "colour" (known item fields: product_id, sku, name, category)',
    );
    expect(messageOf({ all: [{ rfm: { segment: ['Whales'] } }] })).toMatch(/at rule\.all\.0\.rfm\.segment\.0: unknown RFM segment "Whales" \(known segments: Champions, /);
  });

  it('keeps the errors of valid kinds as they were, and accepts good rules', () => {
    expect(messageOf({ trait: 'plan', op: 'in', value: 'pro' })).toBe('segment definition at rule.value: in takes a list of values');
    expect(messageOf({ all: [] })).toMatch(/at rule\.all: Too small/);
    expect(messageOf({ fact: 'orders', op: 'gte', value: 2, within_days: 30 })).toMatch(/at rule: Unrecognized key: "within_days"/);
    const rule = { all: [{ fact: 'revenue', op: 'gte', value: 500 }, { fact: 'first_order', op: 'gte', value: '2024-01-01' }, { not: { event: 'Unsubscribed' } }] };
    expect(parseOrThrow(Rule, rule, 'rule')).toEqual(rule);
  });

  it('lists every issue in the details, the first one in the message', () => {
    const err = errorOf({ all: [{ fact: 'revnue', op: 'gte', value: 5 }, { fact: 'orders', op: 'gt=', value: 1 }] });
    const issues = (err.details as { issues: { path: (string | number)[]; message: string }[] }).issues;
    expect(issues.map((i) => i.path.join('.'))).toEqual(['rule.all.0.fact', 'rule.all.1.op']);
  });
});
