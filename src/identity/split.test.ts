import { describe, expect, it } from 'vitest';
import { TesseraError } from '../contract/index.js';
import { parseIdentifierKey } from './identifier.js';
import { applyObservations, createIdentityState, rebuild } from './identity-graph.js';
import type { Observation } from './identity-state.js';
import { customerIdFor } from './customer-id.js';
import { explainIdentifier } from './explain.js';
import { customerOf, readMergeLog } from './read-graph.js';
import { removeSplit, splitIdentifier } from './split.js';

function seen(messageId: string, minute: number, ...keys: string[]): Observation {
  return { messageId, timestamp: minute * 60_000, identifiers: keys.map(parseIdentifierKey) };
}

// A support agent typed their own email into two customers' records: it wrongly links both to the agent.
const history = [
  seen('m1', 1, 'anon:a1', 'user:u1'),
  seen('m2', 2, 'user:u1', 'email:agent@shop.example'),
  seen('m3', 3, 'anon:a3', 'email:agent@shop.example'),
  seen('m4', 4, 'anon:a3', 'anon:a4'),
];

describe('split', () => {
  it("keeps the person's customer id with the person, never with the device split away", () => {
    // Ann browsed on a shared tablet before she signed in: the tablet is her earliest identifier.
    const ann = [seen('m1', 1, 'anon:tablet'), seen('m2', 2, 'anon:tablet', 'user:ann', 'email:ann@example.com')];
    const state = rebuild(ann);
    const annId = customerOf(state, 'user:ann');
    expect(annId).toBe(customerIdFor('user:ann'));
    splitIdentifier(state, 'anon:tablet', { from: 'user:ann' });
    // Dan signs in on the tablet afterwards.
    applyObservations(state, [seen('m3', 3, 'anon:tablet', 'user:dan')]);
    expect(customerOf(state, 'user:ann')).toBe(annId);
    expect(customerOf(state, 'email:ann@example.com')).toBe(annId);
    expect(customerOf(state, 'user:dan')).not.toBe(annId);
    expect(customerOf(state, 'anon:tablet')).toBe(customerIdFor('user:dan'));
  });


  it('splits a wrong link, records it as a rule, and re-merges when the split is removed', () => {
    const state = rebuild(history);
    const merged = customerOf(state, 'user:u1');
    expect(customerOf(state, 'email:agent@shop.example')).toBe(merged);

    const result = splitIdentifier(state, 'email:Agent@shop.example', { from: 'user:u1' });
    expect(state.rules.forbidden.links).toEqual([['email:agent@shop.example', 'user:u1']]);
    expect(customerOf(state, 'email:agent@shop.example')).not.toBe(customerOf(state, 'user:u1'));
    expect(customerOf(state, 'anon:a4')).toBe(customerOf(state, 'email:agent@shop.example'));
    expect(result.removedCustomers).toEqual([]);
    expect(result.touchedCustomers).toHaveLength(2);
    expect(readMergeLog(state, { kind: 'refusal' })).toMatchObject([{ rule: 'forbidden-link', messageId: 'm2' }]);
    // The rule is data: a rebuild with the graph's rules gives the same answer.
    const rebuilt = rebuild(history, { rules: state.rules });
    expect(readMergeLog(rebuilt)).toEqual(readMergeLog(state));

    const undone = removeSplit(state, 'email:agent@shop.example', { from: 'user:u1' });
    expect(state.rules.forbidden.links).toEqual([]);
    expect(customerOf(state, 'anon:a4')).toBe(merged);
    expect(undone.touchedCustomers).toEqual([merged]);
    expect(readMergeLog(state)).toEqual(readMergeLog(rebuild(history)));
  });

  it('keeps a split identifier from linking to anything, including later observations', () => {
    const state = rebuild(history);
    splitIdentifier(state, 'email:agent@shop.example');
    expect(new Set(['anon:a1', 'email:agent@shop.example', 'anon:a3'].map((k) => customerOf(state, k))).size).toBe(3);
    applyObservations(state, [seen('m9', 9, 'user:u9', 'email:agent@shop.example')]);
    expect(customerOf(state, 'user:u9')).not.toBe(customerOf(state, 'email:agent@shop.example'));
    expect(explainIdentifier(state, 'email:agent@shop.example')?.status).toBe('forbidden');
    removeSplit(state, 'email:agent@shop.example');
    expect(customerOf(state, 'anon:a4')).toBe(customerOf(state, 'user:u1'));
  });

  it('keeps a split in force for identifiers that appear only after it is recorded', () => {
    const state = createIdentityState({ rules: { forbidden: { identifiers: ['anon:kiosk'], links: [['user:u1', 'email: X@Y.z']] } } });
    applyObservations(state, [seen('m1', 1, 'anon:kiosk', 'user:u1'), seen('m2', 2, 'user:u1', 'email:X@y.z')]);
    expect(customerOf(state, 'anon:kiosk')).not.toBe(customerOf(state, 'user:u1'));
    expect(customerOf(state, 'email:x@y.z')).not.toBe(customerOf(state, 'user:u1'));
  });

  it('lifts every split naming the identifier when no other end is given, and refuses when none does', () => {
    const state = rebuild(history);
    const merged = customerOf(state, 'user:u1');
    splitIdentifier(state, 'email:agent@shop.example', { from: 'user:u1' });
    splitIdentifier(state, 'anon:a4', { from: 'email:agent@shop.example' });
    expect(customerOf(state, 'anon:a4')).not.toBe(merged);
    const undone = removeSplit(state, 'email:agent@shop.example');
    expect(state.rules.forbidden.links).toEqual([]);
    expect(customerOf(state, 'anon:a4')).toBe(merged);
    expect(undone.touchedCustomers).toContain(merged);
    expect(readMergeLog(state)).toEqual(readMergeLog(rebuild(history)));
    expect(() => removeSplit(state, 'email:agent@shop.example')).toThrow(/no split names email:agent@shop\.example: there is nothing to undo/);
    expect(() => removeSplit(state, 'anon:a1', { from: 'user:u1' })).toThrow(/no split names anon:a1 and user:u1/);
  });

  it('refuses to split an identifier it has never seen', () => {
    expect(() => splitIdentifier(rebuild(history), 'user:nobody')).toThrow(TesseraError);
    expect(() => splitIdentifier(rebuild(history), 'user:u1', { from: 'user:u1' })).toThrow(/two different/);
  });
});

describe('explain', () => {
  it('shows the customer, its identifiers earliest first, the merges that built it and the refusals touching it', () => {
    const state = rebuild([...history, seen('m5', 5, 'anon:a1', 'user:u2')]);
    const explained = explainIdentifier(state, 'anon:a4');
    expect(explained?.customerId).toBe(customerOf(state, 'user:u1'));
    expect(explained?.identifiers.map((i) => i.key)).toEqual(['user:u1', 'anon:a1', 'email:agent@shop.example', 'anon:a3', 'anon:a4']);
    expect(explained?.merges.map((m) => m.messageId)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(explained?.refusals).toMatchObject([{ messageId: 'm5', rule: 'limit:user', identifiers: ['user:u2', 'anon:a1'] }]);
    expect(explainIdentifier(state, 'user:u2')?.refusals).toHaveLength(1);
    expect(explainIdentifier(state, 'user:u2')?.merges).toEqual([]);
  });

  it('explains a blocked value as belonging to no customer', () => {
    const state = rebuild([seen('m1', 1, 'anon:a1', 'user:undefined')]);
    expect(explainIdentifier(state, 'user:undefined')).toMatchObject({ status: 'blocked', customerId: undefined, refusals: [{ rule: 'blocked-value' }] });
    expect(explainIdentifier(state, 'user:never-seen')).toBeUndefined();
  });
});
