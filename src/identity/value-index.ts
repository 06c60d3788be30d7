import type { GraphSink, GraphSource } from './graph-file.js';

/** What the index needs of the identifier table to confirm a match. */
export interface IndexedValues {
  matches(x: number, typeId: number, value: string): boolean;
}

/**
 * Identifier lookup by (type, value): open addressing with linear probing over one Int32Array of
 * (hash, id + 1) pairs. A JS Map of five million strings costs seconds of garbage-collector tracing and
 * rehashing at this size; this table is off the JS heap, and a probe usually touches one cache line.
 * The caller keeps the values and types; the index stores only numbers.
 */
export class ValueIndex {
  private slots = new Int32Array(2 << 10);
  private mask = (1 << 10) - 1;
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
    let i = h & this.mask;
    for (;;) {
      const stored = slots[2 * i + 1]!;
      if (stored === 0) return -1;
      if (slots[2 * i] === h) {
        const id = stored - 1;
        if (table.matches(id, typeId, value)) return id;
      }
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Reads the home slot of each hash, leaving in `candidates` the id stored there when its hash matches (else
   * -1), so the caller can read those records ahead too. Loads whose addresses do not depend on one another
   * overlap in the processor; issued one lookup at a time, each waits out its own cache miss.
   */
  readAhead(hashes: Int32Array, n: number, candidates: Int32Array): number {
    const slots = this.slots;
    const mask = this.mask;
    let sink = 0;
    for (let k = 0; k < n; k++) {
      const h = hashes[k]!;
      const i = h & mask;
      const stored = slots[2 * i]!;
      candidates[k] = stored === h ? slots[2 * i + 1]! - 1 : -1;
      sink ^= stored;
    }
    return sink;
  }

  /** Adds an id known to be absent. */
  insert(id: number, h: number): void {
    if ((this.used + 1) * 10 > (this.mask + 1) * 7) this.grow();
    this.place(this.slots, this.mask, h, id);
    this.used++;
  }

  private place(slots: Int32Array, mask: number, h: number, id: number): void {
    let i = h & mask;
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    slots[2 * i] = h;
    slots[2 * i + 1] = id + 1;
  }

  save(sink: GraphSink, name: string): void {
    sink.number(`${name}.used`, this.used);
    sink.array(`${name}.slots`, this.slots, this.slots.length);
  }

  restore(source: GraphSource, name: string): void {
    const length = source.length(`${name}.slots`);
    const capacity = length / 2;
    // Slots are placed by hash & mask, so the table comes back at exactly its size.
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new Error(`graph file: ${name} has ${length} slots`);
    this.slots = new Int32Array(length);
    source.readInto(`${name}.slots`, this.slots);
    this.mask = capacity - 1;
    this.used = source.number(`${name}.used`);
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) {
      const stored = old[i + 1]!;
      if (stored !== 0) this.place(slots, mask, old[i]!, stored - 1);
    }
    this.slots = slots;
    this.mask = mask;
  }
}
