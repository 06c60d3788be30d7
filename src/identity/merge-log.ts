import type { GraphSink, GraphSource } from './graph-file.js';
import { ensureCapacity, grownCapacity, withLength } from './typed-buffers.js';

/** Rule codes as stored in the log; `limit:<type>` codes follow RULE_LIMIT in the order of the compiled limits. */
export const RULE_MERGE = 0;
export const RULE_BLOCKED = 1;
export const RULE_INVALID = 2;
export const RULE_FORBIDDEN_IDENTIFIER = 3;
export const RULE_FORBIDDEN_LINK = 4;
export const RULE_LIMIT = 5;

const FIXED_RULE_NAMES = ['same-message', 'blocked-value', 'invalid-value', 'forbidden-identifier', 'forbidden-link'];

/** The rule's name as users see it in the merge log: `same-message` for merges, else the reason for a refusal. */
export function ruleName(code: number, limitTypes: readonly string[]): string {
  return code < RULE_LIMIT ? (FIXED_RULE_NAMES[code] ?? 'unknown') : `limit:${limitTypes[code - RULE_LIMIT] ?? 'unknown'}`;
}

/**
 * Every merge made and refused, as columns of integers: millions of entries as objects would cost more memory
 * than the graph itself. Entries of one observation are contiguous, so replaying an observation can retract
 * exactly its entries before writing them anew. Entries are in processing order, which after a replay is not
 * canonical order; readers sort by observation.
 */
export class MergeLog {
  count = 0;
  dead = 0;
  obs = new Int32Array(0);
  a = new Int32Array(0);
  b = new Int32Array(0);
  rule = new Uint16Array(0);
  /**
   * Per observation, the index of its first entry. Filled in lazily, up to `indexed`, when a replay first
   * needs it: writing it during a rebuild would cost a cache miss per observation for an index most graphs
   * never use.
   */
  private firstOf = new Int32Array(0);
  private indexed = 0;

  /** Room for `entries` (the four columns share one capacity) and for `observations` in the index. */
  reserve(entries: number, observations: number): void {
    if (entries > this.obs.length) {
      const capacity = grownCapacity(this.obs.length, entries, Int32Array.BYTES_PER_ELEMENT);
      this.obs = withLength(this.obs, capacity);
      this.a = withLength(this.a, capacity);
      this.b = withLength(this.b, capacity);
      this.rule = withLength(this.rule, capacity);
    }
    this.firstOf = ensureCapacity(this.firstOf, observations, -1);
  }

  append(observation: number, a: number, b: number, rule: number): void {
    const i = this.count;
    if (i === this.obs.length) this.reserve(i + 1, 0);
    this.obs[i] = observation;
    this.a[i] = a;
    this.b[i] = b;
    this.rule[i] = rule;
    this.count = i + 1;
  }

  save(sink: GraphSink): void {
    sink.number('log.count', this.count);
    sink.number('log.dead', this.dead);
    sink.array('log.obs', this.obs, this.count);
    sink.array('log.a', this.a, this.count);
    sink.array('log.b', this.b, this.count);
    sink.array('log.rule', this.rule, this.count);
  }

  /** Reads the entries back; the per-observation index is left to be rebuilt lazily, as after a rebuild. */
  restore(source: GraphSource): void {
    const count = source.number('log.count');
    this.reserve(count + 1, 0);
    source.readInto('log.obs', this.obs);
    source.readInto('log.a', this.a);
    source.readInto('log.b', this.b);
    source.readInto('log.rule', this.rule);
    this.count = count;
    this.dead = source.number('log.dead');
    this.firstOf = new Int32Array(0);
    this.indexed = 0;
  }

  private catchUp(): void {
    for (let i = this.indexed; i < this.count; i++) {
      const o = this.obs[i]!;
      if (o < 0 || (i > 0 && this.obs[i - 1] === o)) continue;
      if (o >= this.firstOf.length) this.firstOf = ensureCapacity(this.firstOf, o + 1, -1);
      this.firstOf[o] = i;
    }
    this.indexed = this.count;
  }

  /** Retracts an observation's entries before it is replayed. */
  retract(observation: number): void {
    this.catchUp();
    if (observation >= this.firstOf.length) return;
    let i = this.firstOf[observation]!;
    if (i < 0) return;
    while (i < this.count && this.obs[i] === observation) {
      this.obs[i] = -1;
      this.dead++;
      i++;
    }
    this.firstOf[observation] = -1;
  }

  /** Drops retracted entries once they are most of the log, so repeated replays cannot grow it without bound. */
  compactIfSparse(): void {
    if (this.dead < 4096 || this.dead * 2 < this.count) return;
    this.catchUp();
    this.firstOf.fill(-1);
    let w = 0;
    let previous = -1;
    for (let i = 0; i < this.count; i++) {
      const o = this.obs[i]!;
      if (o < 0) continue;
      if (o !== previous) this.firstOf[o] = w;
      previous = o;
      this.obs[w] = o;
      this.a[w] = this.a[i]!;
      this.b[w] = this.b[i]!;
      this.rule[w] = this.rule[i]!;
      w++;
    }
    this.count = w;
    this.indexed = w;
    this.dead = 0;
  }
}
