import type { GraphSink, GraphSource } from './graph-file.js';
import { OUTSIDE_GRAPH, type IdentifierTable } from './identifier-table.js';
import { sortByTime } from './sort-by-time.js';
import type { StringArena } from './string-arena.js';
import { ensureCapacity, grownCapacity, withLength } from './typed-buffers.js';

/**
 * The observations that can link something (two or more identifiers), kept compactly so any part of the
 * graph can be replayed: a time column, message ids, and the identifier numbers of all observations end to
 * end (CSR: observation o holds ids[start[o]] .. ids[start[o + 1] - 1], in identifier priority order).
 * Each occurrence of an identifier also points to its previous occurrence, so "every observation that
 * touches identifier x" is a walk from the identifier's latest occurrence without any per-identifier array.
 */
export class ObservationLog {
  constructor(readonly messages: StringArena) {}

  count = 0;
  time = new Float64Array(0);
  /** Message id of each observation, as a number in `messages`. */
  message = new Int32Array(0);
  start = new Int32Array(1);
  occurrences = 0;
  ids = new Int32Array(0);
  /** Previous occurrence of the same identifier, -1 at the end of the chain. */
  previous = new Int32Array(0);

  /** Room for `observations` and `occurrences`; the per-observation columns share one capacity (start has one more). */
  reserve(observations: number, occurrences: number): void {
    if (observations > this.time.length) {
      const capacity = grownCapacity(this.time.length, observations, Float64Array.BYTES_PER_ELEMENT);
      this.time = withLength(this.time, capacity);
      this.message = withLength(this.message, capacity);
      this.start = withLength(this.start, capacity + 1);
    }
    if (occurrences > this.ids.length) {
      this.ids = ensureCapacity(this.ids, occurrences);
      this.previous = withLength(this.previous, this.ids.length);
    }
  }

  save(sink: GraphSink): void {
    sink.number('observations.count', this.count);
    sink.number('observations.occurrences', this.occurrences);
    sink.array('observations.time', this.time, this.count);
    sink.array('observations.message', this.message, this.count);
    sink.array('observations.start', this.start, this.count + 1);
    sink.array('observations.ids', this.ids, this.occurrences);
    sink.array('observations.previous', this.previous, this.occurrences);
  }

  restore(source: GraphSource): void {
    const count = source.number('observations.count');
    const occurrences = source.number('observations.occurrences');
    this.reserve(count + 1, occurrences + 1);
    source.readInto('observations.time', this.time);
    source.readInto('observations.message', this.message);
    source.readInto('observations.start', this.start);
    source.readInto('observations.ids', this.ids);
    source.readInto('observations.previous', this.previous);
    this.count = count;
    this.occurrences = occurrences;
  }

  /** Stores an observation whose identifiers are already deduplicated and in priority order. */
  append(time: number, message: number, ids: readonly number[], n: number, table: IdentifierTable): number {
    const o = this.count;
    const begin = this.occurrences;
    const end = begin + n;
    if (o >= this.time.length || end > this.ids.length) this.reserve(o + 1, end);
    this.time[o] = time;
    this.message[o] = message;
    for (let k = 0; k < n; k++) {
      const x = ids[k]!;
      const p = begin + k;
      this.ids[p] = x;
      // Blocked and invalid values are left out of the chains: walking the thousands of messages that share
      // `userId: "undefined"` would drag unrelated customers into every replay.
      if ((table.flagsOf(x) & OUTSIDE_GRAPH) === 0) {
        this.previous[p] = table.headOf(x);
        table.setHead(x, p);
      } else {
        this.previous[p] = -1;
      }
    }
    this.occurrences = end;
    this.start[o + 1] = end;
    this.count = o + 1;
    return o;
  }

  /** The observation holding occurrence `p`: a binary search, as only replays ask. */
  ownerOf(p: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.start[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The canonical order: time, then message id, then content. The result depends only on the set of
   * observations, never on the order they arrived in. Returns 0 only for the same message seen twice.
   */
  compare(i: number, j: number, table: IdentifierTable): number {
    if (i === j) return 0;
    const ti = this.time[i]!;
    const tj = this.time[j]!;
    if (ti !== tj) return ti < tj ? -1 : 1;
    const m = this.messages.compare(this.message[i]!, this.message[j]!);
    if (m !== 0) return m;
    const si = this.start[i]!;
    const sj = this.start[j]!;
    const ni = this.start[i + 1]! - si;
    const nj = this.start[j + 1]! - sj;
    for (let k = 0; k < ni && k < nj; k++) {
      const c = table.compareIdentifiers(this.ids[si + k]!, this.ids[sj + k]!);
      if (c !== 0) return c;
    }
    return ni - nj;
  }

  /** Puts observation numbers in canonical order, skipping the sort when they already are (the usual case). */
  sortCanonical(order: Int32Array, table: IdentifierTable): Int32Array {
    let sorted = true;
    for (let k = 1; k < order.length; k++) {
      if (this.compare(order[k - 1]!, order[k]!, table) > 0) {
        sorted = false;
        break;
      }
    }
    if (sorted) return order;
    const canonical = (a: number, b: number): number => this.compare(a, b, table);
    if (order.length < 4096) return Int32Array.from(order).sort(canonical);
    const out = sortByTime(order, this.time);
    // Runs of equal times (several events in one millisecond) are put in full canonical order.
    for (let k = 0; k < out.length; ) {
      const t = this.time[out[k]!]!;
      let end = k + 1;
      while (end < out.length && this.time[out[end]!] === t) end++;
      if (end - k > 1) out.subarray(k, end).sort(canonical);
      k = end;
    }
    return out;
  }
}
