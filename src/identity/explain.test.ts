import { describe, expect, it } from 'vitest';
import { parseIdentifierKey } from './identifier.js';
import { rebuild } from './identity-graph.js';
import type { Observation } from './identity-state.js';
import { explainIdentifier } from './explain.js';
import { readMergeLog } from './read-graph.js';

function seen(messageId: string, minute: number, ...keys: string[]): Observation {
  return { messageId, timestamp: minute * 60_000, identifiers: keys.map(parseIdentifierKey) };
}

const rules = { blocked: { values: ['Test@Test.com'], patterns: ['@example\\.invalid$'] } };

// One signed-in person whose messages also carried a placeholder a client sent, an address the shop blocks by
// pattern, one it blocks by value, an import's anonymous id made from a junk customer id, and an empty address.
const history = [
  seen('m1', 1, 'user:u1', 'anon:undefined'),
  seen('m2', 2, 'user:u1', 'email:ann@example.invalid'),
  seen('m3', 3, 'user:u1', 'email: TEST@test.com '),
  seen('m4', 4, 'user:u1', 'anon:orders:0'),
  seen('m5', 5, 'user:u1', 'email:'),
  seen('m6', 6, 'user:u1', 'email:ann@example.com'),
];

describe('identity explain: blocked values', () => {
  it('names, for each link refused for a blocked value, the value and the entry of the rules that blocks it', () => {
    const explanation = explainIdentifier(rebuild(history, { rules }), 'user:u1');
    expect(explanation?.refusals.map((r) => [r.messageId, r.rule, r.identifiers[1], r.blocked])).toEqual([
      ['m1', 'blocked-value', 'anon:undefined', { identifier: 'anon:undefined', value: 'undefined', by: 'built-in', entry: 'undefined', setting: 'identity.blocked.defaults', reason: 'a placeholder value ("undefined"), blocked by default (identity.blocked.defaults)' }],
      ['m2', 'blocked-value', 'email:ann@example.invalid', { identifier: 'email:ann@example.invalid', value: 'ann@example.invalid', by: 'pattern', entry: '@example\\.invalid$', setting: 'identity.blocked.patterns', reason: 'blocked by the pattern "@example\\\\.invalid$" in identity.blocked.patterns' }],
      ['m3', 'blocked-value', 'email:test@test.com', { identifier: 'email:test@test.com', value: 'test@test.com', by: 'value', entry: 'Test@Test.com', setting: 'identity.blocked.values', reason: 'blocked by the value "Test@Test.com" in identity.blocked.values' }],
      ['m4', 'blocked-value', 'anon:orders:0', { identifier: 'anon:orders:0', value: '0', by: 'built-in', entry: '0', setting: 'identity.blocked.defaults', reason: 'made from "0", a placeholder value ("0"), blocked by default (identity.blocked.defaults)' }],
      ['m5', 'blocked-value', 'email:', { identifier: 'email:', value: '', by: 'empty', entry: null, setting: null, reason: 'an empty value, always blocked' }],
    ]);
    expect(explanation?.identifiers.map((i) => i.key)).toEqual(['user:u1', 'email:ann@example.com']);
  });

  it('says why an identifier explained on its own is blocked, and leaves every other refusal and identifier without it', () => {
    const state = rebuild([...history, seen('m7', 7, 'anon:a2', 'user:u1'), seen('m8', 8, 'anon:a2', 'user:u2')], { rules });
    expect(explainIdentifier(state, 'email:Ann@Example.Invalid')).toMatchObject({ status: 'blocked', customerId: undefined, blocked: { by: 'pattern', entry: '@example\\.invalid$' } });
    const linked = explainIdentifier(state, 'user:u2');
    expect(linked?.status).toBe('linked');
    expect(linked).not.toHaveProperty('blocked');
    expect(linked?.refusals.map((r) => r.rule)).toEqual(['limit:user']);
    expect(linked?.refusals[0]).not.toHaveProperty('blocked');
    expect(readMergeLog(state, { kind: 'merge' }).every((m) => !('blocked' in m))).toBe(true);
  });

  it('names a configured value that is also built in as built in: removing the configured entry would not unblock it', () => {
    const state = rebuild([seen('m1', 1, 'user:u1', 'anon:NULL')], { rules: { blocked: { values: ['null'] } } });
    expect(explainIdentifier(state, 'user:u1')?.refusals[0]?.blocked).toMatchObject({ by: 'built-in', entry: 'null' });
    const without = rebuild([seen('m1', 1, 'user:u1', 'anon:NULL')], { rules: { blocked: { defaults: false, values: ['null'] } } });
    expect(explainIdentifier(without, 'user:u1')?.refusals[0]?.blocked).toMatchObject({ by: 'value', entry: 'null', setting: 'identity.blocked.values' });
  });
});
