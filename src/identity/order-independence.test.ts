import { describe, expect, it } from 'vitest';
import { applyObservations, createIdentityState, rebuild } from './identity-graph.js';
import type { IdentityState, Observation } from './identity-state.js';
import { listAssignments, readMergeLog } from './read-graph.js';
import { removeSplit, splitIdentifier } from './split.js';

/** mulberry32: a seeded PRNG, so a failing permutation can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A small shop's messages with every conflict the rules handle: shared devices, too many emails, blocked
 * values, aliases, guest orders, email case variants, ties in time, and messages delivered twice.
 */
function shopMessages(seed: number, people: number): Observation[] {
  const random = prng(seed);
  const out: Observation[] = [];
  let n = 0;
  // Coarse times make many messages share a timestamp, so the message-id tie-break is exercised.
  const at = (): number => 1_700_000_000_000 + Math.floor(random() * 500) * 1000;
  const add = (...identifiers: Array<[string, string]>): void => {
    out.push({ messageId: `m${(n++).toString(36)}`, timestamp: at(), identifiers: identifiers.map(([type, value]) => ({ type, value })) });
  };
  for (let p = 0; p < people; p++) {
    const user = `u${p}`;
    const anons = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, k) => `a${p}-${k}`);
    const emails = Array.from({ length: random() < 0.1 ? 7 : 1 + Math.floor(random() * 2) }, (_, k) => `p${p}.${k}@example.com`);
    for (const anon of anons) {
      add(['anon', anon]);
      add(['anon', anon], ['user', user]);
    }
    for (const email of emails) add(['user', user], ['email', random() < 0.5 ? email : `  ${email.toUpperCase()} `]);
    if (random() < 0.3) add(['email', emails[0]!], ['shopify', `s${p}`]);
    if (random() < 0.15) add(['anon', anons[0]!], ['user', `u${(p + 1) % people}`]);
    if (random() < 0.1) add(['anon', anons[0]!], ['user', random() < 0.5 ? 'undefined' : '0']);
    if (random() < 0.1) add(['anon', `pre-${p}`], ['user', user]);
    if (random() < 0.1) add(['anon', anons[0]!], ['anon', `a${(p + 2) % people}-0`], ['email', `p${(p + 3) % people}.0@example.com`]);
    if (random() < 0.05) out.push({ ...out[out.length - 1]! });
  }
  return out;
}

/** Everything a resolution produces, in a form that compares equal whatever the arrival order. */
function snapshot(state: IdentityState): { assignments: string[]; log: string[] } {
  const assignments = [...listAssignments(state)].map((a) => `${a.type}:${a.value} ${a.customerId} ${a.firstSeen}`).sort();
  return { assignments, log: readMergeLog(state).map((e) => JSON.stringify(e)) };
}

function inBatches(observations: readonly Observation[], random: () => number): IdentityState {
  const state = createIdentityState();
  for (let i = 0; i < observations.length; ) {
    const size = 1 + Math.floor(random() * 40);
    applyObservations(state, observations.slice(i, i + size));
    i += size;
  }
  return state;
}

describe('order independence', () => {
  const messages = shopMessages(7, 300);
  const expected = snapshot(rebuild(messages));

  it('exercises refusals of every kind', () => {
    const rules = new Set(readMergeLog(rebuild(messages), { kind: 'refusal' }).map((e) => e.rule));
    expect(rules).toEqual(new Set(['limit:user', 'limit:email', 'blocked-value']));
  });

  it('gives the identical graph, customer ids and merge log for shuffled arrival orders', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(snapshot(rebuild(shuffle(messages, prng(seed))))).toEqual(expected);
    }
  });

  it('gives the same answer applied incrementally in random batches as a full rebuild, late arrivals included', () => {
    for (const seed of [11, 12, 13]) {
      const random = prng(seed);
      expect(snapshot(inBatches(shuffle(messages, random), random))).toEqual(expected);
    }
  });

  it('takes the append-only fast path for messages in time order and still equals the rebuild', () => {
    const sorted = [...messages].sort((a, b) => a.timestamp - b.timestamp || (a.messageId < b.messageId ? -1 : 1));
    expect(snapshot(inBatches(sorted, prng(21)))).toEqual(expected);
  });

  it('holds at a size where the canonical order comes from the radix sort rather than a comparator', () => {
    const many = shopMessages(9, 2000);
    const reference = snapshot(rebuild(many));
    expect(snapshot(rebuild(shuffle(many, prng(41))))).toEqual(reference);
    const random = prng(42);
    const shuffled = shuffle(many, random);
    const state = createIdentityState();
    for (let i = 0; i < shuffled.length; i += 6000) applyObservations(state, shuffled.slice(i, i + 6000));
    expect(snapshot(state)).toEqual(reference);
  });

  it('gives the same answer for time-ordered input taken in chunks, a message repeated across a chunk boundary, and early messages after later chunks', () => {
    const many = shopMessages(9, 2000);
    const reference = snapshot(rebuild(many));
    const sorted = [...many].sort((a, b) => a.timestamp - b.timestamp || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    expect(sorted.length).toBeGreaterThan(4 * 512);
    expect(snapshot(rebuild(sorted))).toEqual(reference);
    // A message with a refusal delivered twice, its copies either side of a chunk boundary (input is taken
    // 512 at a time): processed once, so its refusal is logged once. Single-identifier messages of the same
    // time (kept for first sightings only, never stored) move it to the end of a chunk.
    const refused = new Set(readMergeLog(rebuild(many), { kind: 'refusal' }).map((e) => e.messageId));
    const r = sorted.findIndex((o, i) => i > 600 && refused.has(o.messageId));
    const twice = sorted[r]!;
    const pad = (512 - ((r + 1) % 512)) % 512;
    const fillers = Array.from({ length: pad }, (_, k) => ({ messageId: `zz-filler-${k}`, timestamp: twice.timestamp, identifiers: [twice.identifiers[0]!] }));
    const straddling = [...sorted.slice(0, r), ...fillers, twice, { ...twice }, ...sorted.slice(r + 1)];
    expect((r + pad + 1) % 512).toBe(0);
    expect(snapshot(rebuild(straddling))).toEqual(reference);
    // Early messages arriving after two chunks, as chunks in order of their own: replayed where they belong.
    const lateOnes = new Set(sorted.slice(0, 1500).filter((o) => o.identifiers.length > 1).slice(0, 400));
    const rest = sorted.filter((o) => !lateOnes.has(o));
    const arrivingLate = [...rest.slice(0, 1024), ...lateOnes, ...rest.slice(1024)];
    expect(snapshot(rebuild(arrivingLate))).toEqual(reference);
  });

  it('equals the rebuild with the same rules after a split and its removal, applied between batches', () => {
    const random = prng(31);
    const shuffled = shuffle(messages, random);
    const state = inBatches(shuffled.slice(0, 600), random);
    splitIdentifier(state, 'user:u5', { from: 'anon:a5-0' });
    splitIdentifier(state, 'anon:a7-0');
    for (let i = 600; i < shuffled.length; i += 50) applyObservations(state, shuffled.slice(i, i + 50));
    expect(snapshot(state)).toEqual(snapshot(rebuild(messages, { rules: state.rules })));
    removeSplit(state, 'user:u5', { from: 'anon:a5-0' });
    removeSplit(state, 'anon:a7-0');
    expect(snapshot(state)).toEqual(expected);
  });
});
