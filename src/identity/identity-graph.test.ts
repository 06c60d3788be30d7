import { describe, expect, it } from 'vitest';
import { customerIdFor } from './customer-id.js';
import { parseIdentifierKey } from './identifier.js';
import { applyObservations, createIdentityState, rebuild } from './identity-graph.js';
import type { Observation } from './identity-state.js';
import { assignmentRows, customerOf, listCustomers, readMergeLog } from './read-graph.js';

const T0 = Date.UTC(2024, 0, 1);

/** An observation at minute `minute`, of identifiers written as keys. */
function seen(messageId: string, minute: number, ...keys: string[]): Observation {
  return { messageId, timestamp: T0 + minute * 60_000, identifiers: keys.map(parseIdentifierKey) };
}

describe('identity graph', () => {
  it('joins anonymous browsing to the user once the visitor identifies', () => {
    const state = rebuild([seen('m1', 1, 'anon:a1'), seen('m2', 2, 'anon:a1'), seen('m3', 30, 'anon:a1', 'user:u1')]);
    expect(customerOf(state, 'anon:a1')).toBe(customerOf(state, 'user:u1'));
    // The user id names the customer (the highest-priority type), so the person's id survives a device split
    // away or an older visit arriving late; the id the visitor had while browsing is retired.
    expect(customerOf(state, 'user:u1')).toBe(customerIdFor('user:u1'));
    expect(customerOf(state, 'user:u1')).toMatch(/^c_[0-9a-hjkmnp-tv-z]{13}$/);
  });

  it('makes one customer of two devices identified as the same user', () => {
    const state = rebuild([seen('m1', 1, 'anon:phone', 'user:u1'), seen('m2', 9, 'anon:laptop', 'user:u1'), seen('m3', 10, 'anon:other')]);
    expect(customerOf(state, 'anon:phone')).toBe(customerOf(state, 'anon:laptop'));
    expect(customerOf(state, 'anon:other')).not.toBe(customerOf(state, 'anon:phone'));
    expect([...listCustomers(state)]).toHaveLength(2);
  });

  it('matches emails that differ only in case and spacing', () => {
    const state = rebuild([seen('m1', 1, 'user:u1', 'email: Ann.Lee@Example.com '), seen('m2', 2, 'anon:a9', 'email:ann.lee@example.COM')]);
    expect(customerOf(state, 'anon:a9')).toBe(customerOf(state, 'user:u1'));
    expect(customerOf(state, 'email:ANN.LEE@example.com')).toBe(customerOf(state, 'user:u1'));
  });

  it('joins a guest order known only by its email to the customer who identified with that email', () => {
    const state = rebuild([
      seen('order-17', 5, 'email:ann@example.com', 'shopify:9001'),
      seen('m2', 60, 'anon:a1', 'user:u1'),
      seen('m3', 61, 'user:u1', 'email:Ann@example.com'),
    ]);
    expect(customerOf(state, 'shopify:9001')).toBe(customerOf(state, 'user:u1'));
    expect(customerOf(state, 'email:ann@example.com')).toBe(customerOf(state, 'anon:a1'));
  });

  it("blocks an import's anonymous id made from a blocked value, so rows sharing that value stay apart", () => {
    // An orders import names each row's anonymous id after its source and first identifier: customer id 0 here.
    const state = rebuild([
      seen('o40', 1, 'shop:0', 'email:kim@shop.test', 'anon:orders:0'),
      seen('o41', 2, 'shop:0', 'email:lou@shop.test', 'anon:orders:0'),
      seen('o42', 3, 'shop:C7', 'email:max@shop.test', 'anon:orders:C7'),
      seen('o43', 4, 'shop:C7', 'anon:orders:C7'),
    ]);
    expect(customerOf(state, 'email:kim@shop.test')).not.toBe(customerOf(state, 'email:lou@shop.test'));
    expect(customerOf(state, 'anon:orders:0')).toBeUndefined();
    expect(customerOf(state, 'anon:orders:C7')).toBe(customerOf(state, 'email:max@shop.test'));
    expect(readMergeLog(state, { kind: 'refusal' }).map((r) => [r.messageId, r.rule, r.identifiers[1]])).toEqual([
      ['o40', 'blocked-value', 'shop:0'],
      ['o40', 'blocked-value', 'anon:orders:0'],
      ['o41', 'blocked-value', 'shop:0'],
      ['o41', 'blocked-value', 'anon:orders:0'],
    ]);
  });

  it('keeps two user ids apart when they share a device, and logs the refusal with its reason', () => {
    const state = rebuild([seen('m1', 1, 'anon:tablet', 'user:u1'), seen('m2', 2, 'anon:tablet', 'user:u2')]);
    expect(customerOf(state, 'user:u1')).not.toBe(customerOf(state, 'user:u2'));
    expect(customerOf(state, 'anon:tablet')).toBe(customerOf(state, 'user:u1'));
    expect(readMergeLog(state, { kind: 'refusal' })).toEqual([
      { kind: 'refusal', rule: 'limit:user', messageId: 'm2', timestamp: T0 + 120_000, identifiers: ['user:u2', 'anon:tablet'] },
    ]);
  });

  it('links nothing through blocked values from a buggy client', () => {
    const rules = { blocked: { values: ['test@test.com'] } };
    const state = rebuild(
      [
        seen('m1', 1, 'anon:a1', 'user:undefined'),
        seen('m2', 2, 'anon:a2', 'user:undefined'),
        seen('m3', 3, 'anon:a3', 'email:test@test.com'),
        seen('m4', 4, 'anon:a4', 'email: TEST@test.com'),
        seen('m5', 5, 'anon:a5', 'user:null', 'email:[object Object]'),
      ],
      { rules },
    );
    const customers = ['anon:a1', 'anon:a2', 'anon:a3', 'anon:a4', 'anon:a5'].map((k) => customerOf(state, k));
    expect(new Set(customers).size).toBe(5);
    expect(customerOf(state, 'user:undefined')).toBeUndefined();
    const refusals = readMergeLog(state, { kind: 'refusal' });
    expect(refusals.map((r) => [r.messageId, r.rule, r.identifiers[1]])).toEqual([
      ['m1', 'blocked-value', 'user:undefined'],
      ['m2', 'blocked-value', 'user:undefined'],
      ['m3', 'blocked-value', 'email:test@test.com'],
      ['m4', 'blocked-value', 'email:test@test.com'],
      ['m5', 'blocked-value', 'user:null'],
      ['m5', 'blocked-value', 'email:[object Object]'],
    ]);
  });

  it('merges an alias previousId into the userId', () => {
    const state = rebuild([seen('m1', 1, 'anon:before-signup'), seen('alias-1', 2, 'anon:before-signup', 'user:u7'), seen('m3', 3, 'user:u7', 'anon:a2')]);
    expect(customerOf(state, 'anon:before-signup')).toBe(customerOf(state, 'anon:a2'));
    expect(readMergeLog(state, { kind: 'merge' })[0]).toMatchObject({ messageId: 'alias-1', rule: 'same-message', identifiers: ['user:u7', 'anon:before-signup'] });
  });

  it('refuses an alias of one user id into another under the default limit of one user id, and makes it when the limit allows', () => {
    const observations = [seen('alias-1', 1, 'user:old-id', 'user:new-id')];
    const strict = rebuild(observations);
    expect(customerOf(strict, 'user:old-id')).not.toBe(customerOf(strict, 'user:new-id'));
    expect(readMergeLog(strict)[0]?.rule).toBe('limit:user');
    const lenient = rebuild(observations, { rules: { limits: { user: 2 } } });
    expect(customerOf(lenient, 'user:old-id')).toBe(customerOf(lenient, 'user:new-id'));
  });

  it('refuses a merge that would exceed the email limit and leaves that email its own customer', () => {
    const emails = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `email:${x}@example.com`);
    const state = rebuild(emails.map((email, k) => seen(`m${k}`, k, 'user:u1', email)));
    expect(new Set(emails.slice(0, 5).map((e) => customerOf(state, e)))).toEqual(new Set([customerOf(state, 'user:u1')]));
    expect(customerOf(state, 'email:f@example.com')).not.toBe(customerOf(state, 'user:u1'));
    expect(readMergeLog(state, { kind: 'refusal' })).toMatchObject([{ rule: 'limit:email', messageId: 'm5', identifiers: ['user:u1', 'email:f@example.com'] }]);
  });

  it('refuses a merge of two components whose emails together exceed a configured limit', () => {
    const state = rebuild(
      [seen('m1', 1, 'anon:a1', 'email:x@example.com'), seen('m2', 2, 'anon:a2', 'email:y@example.com'), seen('m3', 3, 'anon:a1', 'anon:a2')],
      { rules: { limits: { email: 1 } } },
    );
    expect(customerOf(state, 'anon:a1')).not.toBe(customerOf(state, 'anon:a2'));
    expect(readMergeLog(state, { kind: 'refusal' })[0]).toMatchObject({ rule: 'limit:email', messageId: 'm3' });
  });

  it('lets the highest-priority identifier of a message absorb the others one by one, each against the limits', () => {
    const state = rebuild([
      seen('m1', 1, 'anon:a1', 'user:u1'),
      seen('m2', 2, 'anon:a2', 'email:e2@example.com'),
      seen('m3', 3, 'anon:a3', 'user:u3'),
      // One message whose ids span three customers: the user id anchors; a2's customer joins, a3's (another user) cannot.
      seen('m4', 4, 'anon:a3', 'anon:a2', 'user:u1'),
    ]);
    expect(customerOf(state, 'email:e2@example.com')).toBe(customerOf(state, 'user:u1'));
    expect(customerOf(state, 'anon:a3')).toBe(customerOf(state, 'user:u3'));
    const m4 = readMergeLog(state).filter((e) => e.messageId === 'm4');
    expect(m4.map((e) => [e.kind, e.rule, ...e.identifiers])).toEqual([
      ['merge', 'same-message', 'user:u1', 'anon:a2'],
      ['refusal', 'limit:user', 'user:u1', 'anon:a3'],
    ]);
  });

  it('counts a message delivered twice once', () => {
    const twice = [seen('m1', 1, 'anon:t', 'user:u1'), seen('m2', 2, 'anon:t', 'user:u2'), seen('m2', 2, 'user:u2', 'anon:t')];
    expect(readMergeLog(rebuild(twice), { kind: 'refusal' })).toHaveLength(1);
  });

  it('rejects an observation without a usable timestamp or message id', () => {
    expect(() => rebuild([{ messageId: 'm1', timestamp: Number.NaN, identifiers: [] }])).toThrow(/timestamp/);
    expect(() => rebuild([{ messageId: '', timestamp: 1, identifiers: [] }])).toThrow(/messageId/);
    expect(() => rebuild([seen('m1', 1, 'anon:a', 'user:u')].map((o) => ({ ...o, identifiers: [{ type: 'User ID', value: 'u' }] })))).toThrow(
      /identifier type/,
    );
  });
});

describe('incremental updates', () => {
  it('resolves the observations before a bad one in a batch and leaves the graph usable', () => {
    const state = createIdentityState();
    const bad = { messageId: 'm3', timestamp: T0, identifiers: [{ type: 'anon', value: 'a9' }, { type: 'user', value: 42 as unknown as string }] };
    expect(() => applyObservations(state, [seen('m1', 1, 'anon:a1', 'user:u1'), seen('m2', 2, 'anon:a2', 'user:u1'), bad])).toThrow(/must be a string/);
    expect(customerOf(state, 'anon:a9')).toBeUndefined();
    applyObservations(state, [seen('m0', 0, 'anon:a0', 'user:u1')]);
    const good = [seen('m0', 0, 'anon:a0', 'user:u1'), seen('m1', 1, 'anon:a1', 'user:u1'), seen('m2', 2, 'anon:a2', 'user:u1')];
    expect(readMergeLog(state)).toEqual(readMergeLog(rebuild(good)));
    expect(customerOf(state, 'anon:a2')).toBe(customerOf(rebuild(good), 'anon:a2'));
  });


  it('reports the customers a batch touched and the ids a merge retired', () => {
    const state = createIdentityState();
    applyObservations(state, [seen('m1', 1, 'anon:a1'), seen('m2', 2, 'anon:a2', 'user:u1')]);
    const a1 = customerOf(state, 'anon:a1')!;
    const u1 = customerOf(state, 'user:u1')!;
    const result = applyObservations(state, [seen('m3', 3, 'anon:a1', 'user:u1')]);
    // The user's customer keeps its id, though a1 was seen first: the user id names the customer.
    expect(result).toMatchObject({ stored: 1, replayed: 0, touchedCustomers: [u1], removedCustomers: [a1] });
    expect(customerOf(state, 'anon:a1')).toBe(u1);
    // The rows that change are those of the retired customer; u1's own rows stay as they are.
    const changes = result.changedIdentifiers();
    expect(assignmentRows(state, changes.identifiers).map(([type, value, customerId]) => `${type}:${value} ${customerId}`).sort()).toEqual([`anon:a1 ${u1}`]);
    expect(changes.moved).toBe(true);
  });

  it('reports nothing for events that repeat what the graph knows, and only what changed otherwise', () => {
    const state = createIdentityState();
    applyObservations(state, [seen('m1', 1, 'anon:a1', 'user:u1'), seen('m2', 2, 'anon:a2', 'user:u2'), seen('m3', 3, 'anon:a3')]);
    const before = [...listCustomers(state)];
    // Later sightings of known identifiers, alone or as a set already stored: nothing to rewrite, nothing kept.
    const repeat = applyObservations(state, [seen('m4', 4, 'anon:a1'), seen('m5', 5, 'anon:a1', 'user:u1'), seen('m6', 6, 'user:u2', 'anon:a2')]);
    expect(repeat).toMatchObject({ stored: 0, touchedCustomers: [], removedCustomers: [] });
    expect(state.observations.count).toBe(2);
    expect(repeat.changedIdentifiers()).toEqual({ identifiers: [], moved: false });
    expect([...listCustomers(state)]).toEqual(before);
    // A new identifier of u1 touches u1 alone; a link between u2 and a3 touches their merged customer alone.
    const u1 = customerOf(state, 'user:u1')!;
    const changed = applyObservations(state, [seen('m7', 7, 'user:u1', 'email:x@example.com'), seen('m8', 8, 'anon:a3', 'user:u2')]);
    const u2 = customerOf(state, 'user:u2')!;
    expect(changed.touchedCustomers.sort()).toEqual([u1, u2].sort());
    // Rows that change: the new email (u1 keeps its other rows), and a3, whose customer u2's absorbed.
    const changes = changed.changedIdentifiers();
    expect(assignmentRows(state, changes.identifiers).map(([type, value, customerId]) => `${type}:${value} ${customerId}`).sort()).toEqual([`anon:a3 ${u2}`, `email:x@example.com ${u1}`]);
    expect(changes.moved).toBe(true);
    // A new identifier alone needs no delete: it has no row yet.
    const added = applyObservations(state, [seen('m9', 9, 'user:u1', 'anon:a9')]);
    expect(assignmentRows(state, added.changedIdentifiers().identifiers)).toEqual([['anon', 'a9', u1]]);
    expect(added.changedIdentifiers().moved).toBe(false);
    // An earlier sighting that arrives late can rename a customer: it is reported, never skipped.
    const late = applyObservations(state, [seen('m0', 0, 'anon:a3')]);
    expect(late.touchedCustomers).toEqual([customerOf(state, 'anon:a3')]);
  });

  it('replays the affected customers when an earlier observation arrives late', () => {    const state = createIdentityState();
    applyObservations(state, [seen('m2', 2, 'anon:tablet', 'user:u2'), seen('m3', 3, 'anon:x', 'user:u3')]);
    expect(customerOf(state, 'anon:tablet')).toBe(customerOf(state, 'user:u2'));
    // u1 used the tablet first: in event time the tablet is u1's and u2 is the one refused.
    const result = applyObservations(state, [seen('m1', 1, 'anon:tablet', 'user:u1')]);
    expect(result.replayed).toBe(1);
    expect(customerOf(state, 'anon:tablet')).toBe(customerOf(state, 'user:u1'));
    expect(customerOf(state, 'user:u2')).not.toBe(customerOf(state, 'user:u1'));
    expect(readMergeLog(state, { kind: 'refusal' })).toMatchObject([{ messageId: 'm2', rule: 'limit:user' }]);
    const all = [seen('m1', 1, 'anon:tablet', 'user:u1'), seen('m2', 2, 'anon:tablet', 'user:u2'), seen('m3', 3, 'anon:x', 'user:u3')];
    expect(readMergeLog(state)).toEqual(readMergeLog(rebuild(all)));
  });

  it('keeps every stored observation\'s time and message however its columns grew', () => {
    // The log's per-observation and per-occurrence columns run out of room at moments that depend on how many
    // identifiers each observation holds: sweep the mix (the first `wide` observations carry three, the rest
    // two) so that one of the sweeps has the occurrences run out just before the observations do. Input
    // streamed from a generator, as a rebuild reads it, so nothing is reserved ahead.
    for (let wide = 0; wide <= 60; wide++) {
      const observations = Array.from({ length: 300 }, (_, i) =>
        seen(`m${i}`, i, ...[`user:u${i}`, `anon:a${i}`, `email:e${i}@example.com`].slice(0, i < wide ? 3 : 2)),
      );
      const merges = readMergeLog(rebuild(observations.values()), { kind: 'merge' });
      expect(merges).toHaveLength(300 + wide);
      const misnamed = merges.filter((m) => m.messageId !== `m${m.identifiers[0].slice('user:u'.length)}` || m.timestamp !== T0 + Number(m.messageId.slice(1)) * 60_000);
      expect(misnamed, `with ${wide} three-identifier observations`).toEqual([]);
    }
  });
});
