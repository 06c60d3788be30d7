import { describe, expect, it } from 'vitest';
import { compileMergeRules, MergeRules } from './merge-rules.js';

describe('merge rules', () => {
  it('fills in the default limits, priority and blocked list', () => {
    const rules = MergeRules.parse({});
    expect(rules.limits).toEqual({ user: 1, email: 5, phone: 3, anon: 50 });
    expect(rules.priority).toEqual(['user', 'email', 'phone', 'external', 'anon']);
    expect(rules.blocked).toEqual({ defaults: true, values: [], patterns: [] });
    expect(rules.forbidden).toEqual({ identifiers: [], links: [] });
  });

  it('keeps the default limits when config sets only some, and accepts limits for external types', () => {
    const rules = MergeRules.parse({ limits: { email: 2, shopify: 1 } });
    expect(rules.limits).toEqual({ user: 1, email: 2, phone: 3, anon: 50, shopify: 1 });
  });

  it('rejects a bad regular expression, a duplicated priority, an unknown key and a limit under 1', () => {
    expect(MergeRules.safeParse({ blocked: { patterns: ['('] } }).success).toBe(false);
    expect(MergeRules.safeParse({ priority: ['user', 'user'] }).success).toBe(false);
    expect(MergeRules.safeParse({ limit: {} }).success).toBe(false);
    expect(MergeRules.safeParse({ limits: { email: 0 } }).success).toBe(false);
    expect(MergeRules.safeParse({ limits: { 'Bad Type': 1 } }).success).toBe(false);
  });

  it('refuses a type that reads like a misspelt built-in one, naming the one meant, and accepts real declared types', () => {
    const priority = MergeRules.safeParse({ priority: ['emial', 'user', 'anon'] });
    expect(priority.success).toBe(false);
    expect(priority.error?.issues).toMatchObject([{ path: ['priority', 0], message: '"emial" is not a type Tessera knows: did you mean "email"?' }]);
    const limits = MergeRules.safeParse({ limits: { phones: 2 } });
    expect(limits.error?.issues).toMatchObject([{ path: ['limits', 'phones'], message: expect.stringContaining('did you mean "phone"?') }]);
    expect(MergeRules.safeParse({ priority: ['user', 'shopify', 'email', 'hubspot_id', 'external', 'anon'], limits: { shopify: 1 } }).success).toBe(true);
  });

  it('blocks the junk values buggy clients send, whatever their case or padding', () => {
    const { isBlocked } = compileMergeRules();
    for (const junk of ['null', 'undefined', 'Undefined', '0', 'anonymous', '[object Object]', '', '   ', 'NaN', 'None', '-', ' null ']) {
      expect(isBlocked(junk), junk).toBe(true);
    }
    for (const real of ['u-1', '00', 'nullable', 'ann@example.com']) expect(isBlocked(real), real).toBe(false);
  });

  it('blocks user-supplied values and patterns, and can drop the defaults', () => {
    const { isBlocked } = compileMergeRules({ blocked: { defaults: false, values: ['test@test.com'], patterns: ['@example\\.invalid$'] } });
    expect(isBlocked('TEST@test.com')).toBe(true);
    expect(isBlocked('ann@example.invalid')).toBe(true);
    expect(isBlocked('null')).toBe(false);
    expect(isBlocked('  ')).toBe(true);
  });

  it('names the entry that blocks a value exactly when isBlocked says it is blocked', () => {
    const { isBlocked, blockingRule } = compileMergeRules({ blocked: { values: [' Test@Test.com ', 'NULL'], patterns: ['^x+$', '@example\\.invalid$'] } });
    expect(blockingRule(' Undefined ')).toEqual({ kind: 'built-in', entry: 'undefined' });
    expect(blockingRule('test@test.COM')).toEqual({ kind: 'value', entry: ' Test@Test.com ' });
    expect(blockingRule('XXX')).toEqual({ kind: 'pattern', entry: '^x+$' });
    expect(blockingRule('\u00a0')).toEqual({ kind: 'empty' });
    expect(blockingRule('null')).toEqual({ kind: 'built-in', entry: 'null' });
    for (const v of ['', ' ', 'null', 'NaN', '[object Object]', 'test@test.com', 'ann@example.invalid', 'x', 'xy', 'u-1', 'ann@example.com', '00', 'undefinedx']) {
      expect(blockingRule(v) !== undefined, v).toBe(isBlocked(v));
    }
  });

  it('ranks types by priority, external types at the external slot', () => {
    const { rankOf } = compileMergeRules();
    expect(rankOf('user')).toBeLessThan(rankOf('email'));
    expect(rankOf('phone')).toBeLessThan(rankOf('shopify'));
    expect(rankOf('shopify')).toBe(rankOf('hubspot'));
    expect(rankOf('shopify')).toBeLessThan(rankOf('anon'));
  });

  it('checks limits in priority order so the reported rule does not depend on object key order', () => {
    const { limits } = compileMergeRules({ limits: { anon: 10, shopify: 1 } });
    expect(limits.map((l) => l.type)).toEqual(['user', 'email', 'phone', 'shopify', 'anon']);
  });
});
