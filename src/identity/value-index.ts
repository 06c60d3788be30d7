import { ensureCapacity } from './typed-buffers.js';

/** What the index needs of the identifier table to confirm a match. */
export interface IndexedValues {
  matches(x: number, typeId: number, value: string): boolean;
}

const INITIAL_HOMES = 1 << 10;

/**
 * Identifier lookup by (type, value): open addressing with linear probing over one Int32Array of
 * (hash, id + 1) pairs. A JS Map of five million strings costs seconds of garbage-collector tracing and
 * rehashing at this size; this table is off the JS heap, and a probe usually touches one cache line.
 * The caller keeps the values and types; the index stores only numbers.
 *
 * Probes never wrap around: a run that passes the last home slot continues into a tail past it. That lets
 * the table double in place, inside an array that leaps to its final room (typed-buffers.ts), instead of
 * rehashing into a fresh array each time: on this kind of machine each page first written costs more than
 * the probing, and the copies wrote the final table's size again. In place, each entry moves from slot i to
 * i or i + capacity, so the rehash walks memory nearly in order.
 */
export class ValueIndex {
  private slots = new Int32Array(2 * (INITIAL_HOMES + 1));
  /** Home slots are `hash & mask`; occupied slots may run past them, up to `end`. */
  private mask = INITIAL_HOMES - 1;
  private end = 0;
  private used = 0;

  /** FNV-1a over UTF-16 code units, seeded with the type, finished with a murmur-style mix for the low bits. */
  static hash(typeId: number, value: string): number {
    let h = (0x811c9dc5 ^ Math.imul(typeId + 1, 0x9e3779b1)) | 0;
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h | 0;
  }

  /** The id holding (typeId, value), or -1. */
  find(typeId: number, value: string, h: number, table: IndexedValues): number {
    const slots = this.slots;
    // The slot after the last occupied one is always within the array and empty, so the loop ends.
    for (let i = h & this.mask; ; i++) {
      const stored = slots[2 * i + 1]!;
      if (stored === 0) return -1;
      if (slots[2 * i] === h) {
        const id = stored - 1;
        if (table.matches(id, typeId, value)) return id;
      }
    }
  }

  /** Adds an id known to be absent. */
  insert(id: number, h: number): void {
    if ((this.used + 1) * 10 > (this.mask + 1) * 7) this.grow();
    this.place(h, id + 1, h & this.mask);
    this.used++;
  }

  /** Writes the pair in the first empty slot from `from`, keeping an empty slot after the last occupied one. */
  private place(h: number, stored: number, from: number): number {
    let i = from;
    while (this.slots[2 * i + 1] !== 0) i++;
    if (2 * (i + 2) > this.slots.length) this.slots = ensureCapacity(this.slots, 2 * (i + 2));
    this.slots[2 * i] = h;
    this.slots[2 * i + 1] = stored;
    if (i >= this.end) this.end = i + 1;
    return i;
  }

  /**
   * Doubles the home slots in place. Entries in the tail are set aside first; then every other entry, in
   * slot order, is lifted and placed again from its new home (its old slot, or capacity past it). Going in
   * order, a placement only ever passes entries already placed, so no run is broken by a later move; the
   * entries set aside are then inserted as new.
   */
  private grow(): void {
    const capacity = this.mask + 1;
    const mask = 2 * capacity - 1;
    this.slots = ensureCapacity(this.slots, 2 * (2 * capacity + 1));
    const slots = this.slots;
    const aside: number[] = [];
    for (let i = capacity; i < this.end; i++) {
      if (slots[2 * i + 1] === 0) continue;
      aside.push(slots[2 * i]!, slots[2 * i + 1]!);
      slots[2 * i] = 0;
      slots[2 * i + 1] = 0;
    }
    this.end = Math.min(this.end, capacity);
    this.mask = mask;
    for (let i = 0; i < capacity; i++) {
      const stored = slots[2 * i + 1]!;
      if (stored === 0) continue;
      const h = slots[2 * i]!;
      slots[2 * i] = 0;
      slots[2 * i + 1] = 0;
      this.place(h, stored, h & mask);
    }
    for (let k = 0; k < aside.length; k += 2) this.place(aside[k]!, aside[k + 1]!, aside[k]! & mask);
  }
}
