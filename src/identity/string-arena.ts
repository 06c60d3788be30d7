import type { GraphSink, GraphSource } from './graph-file.js';
import { ensureCapacity, grownCapacity, withLength } from './typed-buffers.js';

const CHUNK = 8192;

/**
 * Strings stored back to back in one byte buffer: one byte per character when every character fits (ids,
 * emails and message ids almost always do), two otherwise. Millions of JS strings held for the life of a
 * graph cost the garbage collector a full trace of each at every major collection; bytes in an ArrayBuffer
 * cost it nothing. A string is addressed by its start and its length, the length stored as ~length
 * (negative) for the two-byte form; strings are decoded only to be shown.
 */
export class ByteStrings {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  /** A Buffer over `bytes`, for decoding; remade when `bytes` grows. */
  private latin1: Buffer | undefined;
  /** Encoded length of the string most recently appended. */
  lastLength = 0;

  /** Appends `s` and returns its start; its encoded length is left in `lastLength`. */
  append(s: string): number {
    const n = s.length;
    let at = this.used;
    // Room for the wide form, so the narrow attempt can be abandoned midway without a second check.
    if (at + 2 * n + 1 > this.bytes.length) this.bytes = ensureCapacity(this.bytes, at + 2 * n + 1);
    const bytes = this.bytes;
    let k = 0;
    for (; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c > 255) break;
      bytes[at + k] = c;
    }
    if (k === n) {
      this.used = at + n;
      this.lastLength = n;
      return at;
    }
    at += at & 1;
    const wide = new Uint16Array(bytes.buffer, bytes.byteOffset + at, n);
    for (let j = 0; j < n; j++) wide[j] = s.charCodeAt(j);
    this.used = at + 2 * n;
    this.lastLength = ~n;
    return at;
  }

  /** Compares the stored string with `s` by UTF-16 code units, like `<` on JS strings. */
  compareWith(at: number, len: number, s: string): number {
    const n = len >= 0 ? len : ~len;
    const m = Math.min(n, s.length);
    if (len >= 0) {
      const bytes = this.bytes;
      for (let k = 0; k < m; k++) {
        const d = bytes[at + k]! - s.charCodeAt(k);
        if (d !== 0) return d;
      }
    } else {
      const wide = new Uint16Array(this.bytes.buffer, this.bytes.byteOffset + at, n);
      for (let k = 0; k < m; k++) {
        const d = wide[k]! - s.charCodeAt(k);
        if (d !== 0) return d;
      }
    }
    return n - s.length;
  }

  equals(at: number, len: number, s: string): boolean {
    return (len >= 0 ? len : ~len) === s.length && this.compareWith(at, len, s) === 0;
  }

  /** Compares two stored strings by UTF-16 code units. */
  compare(ai: number, li: number, aj: number, lj: number): number {
    if (li >= 0 && lj >= 0) {
      const bytes = this.bytes;
      const m = Math.min(li, lj);
      for (let k = 0; k < m; k++) {
        const d = bytes[ai + k]! - bytes[aj + k]!;
        if (d !== 0) return d;
      }
      return li - lj;
    }
    // A two-byte string is rare enough that decoding it to compare is the simple, correct choice.
    const a = this.get(ai, li);
    const b = this.get(aj, lj);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** The buffer one-byte strings live in, to read one in place from its start (a view would be an allocation). */
  get narrowBytes(): Uint8Array {
    return this.bytes;
  }

  /** The stored code units of a string: a view into the buffer, valid until the next append. */
  units(at: number, len: number): Uint8Array | Uint16Array {
    return len >= 0 ? this.bytes.subarray(at, at + len) : new Uint16Array(this.bytes.buffer, this.bytes.byteOffset + at, ~len);
  }

  save(sink: GraphSink, name: string): void {
    sink.array(`${name}.bytes`, this.bytes, this.used);
  }

  restore(source: GraphSource, name: string): void {
    const used = source.length(`${name}.bytes`);
    this.bytes = new Uint8Array(Math.max(this.bytes.length, grownCapacity(0, used + 1, 1)));
    source.readInto(`${name}.bytes`, this.bytes);
    this.used = used;
    this.latin1 = undefined;
  }

  get(at: number, len: number): string {
    // One-byte strings are ISO-8859-1 (every code unit below 256): Node decodes that natively, where
    // String.fromCharCode over a fresh subarray costs twice as much per identifier listed.
    if (len >= 0) {
      if (this.latin1?.buffer !== this.bytes.buffer) this.latin1 = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
      return this.latin1.toString('latin1', at, at + len);
    }
    const n = ~len;
    const units = new Uint16Array(this.bytes.buffer, this.bytes.byteOffset + at, n);
    if (n <= CHUNK) return String.fromCharCode.apply(null, units as unknown as number[]);
    let out = '';
    for (let k = 0; k < n; k += CHUNK) out += String.fromCharCode.apply(null, units.subarray(k, k + CHUNK) as unknown as number[]);
    return out;
  }
}

/** ByteStrings numbered in the order they were added. */
export class StringArena {
  count = 0;
  private readonly strings = new ByteStrings();
  private start = new Uint32Array(0);
  private length = new Int32Array(0);

  /** Stores `s` and returns its number. */
  add(s: string): number {
    const i = this.count;
    if (i === this.start.length) {
      this.start = ensureCapacity(this.start, i + 1);
      this.length = withLength(this.length, this.start.length);
    }
    this.start[i] = this.strings.append(s);
    this.length[i] = this.strings.lastLength;
    this.count = i + 1;
    return i;
  }

  /** Compares string `i` with `s` by UTF-16 code units, like `<` on JS strings. */
  compareWith(i: number, s: string): number {
    return this.strings.compareWith(this.start[i]!, this.length[i]!, s);
  }

  /** Compares strings `i` and `j` by UTF-16 code units. */
  compare(i: number, j: number): number {
    if (i === j) return 0;
    return this.strings.compare(this.start[i]!, this.length[i]!, this.start[j]!, this.length[j]!);
  }

  get(i: number): string {
    return this.strings.get(this.start[i]!, this.length[i]!);
  }

  save(sink: GraphSink, name: string): void {
    sink.number(`${name}.count`, this.count);
    sink.array(`${name}.start`, this.start, this.count);
    sink.array(`${name}.length`, this.length, this.count);
    this.strings.save(sink, name);
  }

  restore(source: GraphSource, name: string): void {
    const count = source.number(`${name}.count`);
    this.start = new Uint32Array(grownCapacity(0, count + 1, Uint32Array.BYTES_PER_ELEMENT));
    this.length = new Int32Array(this.start.length);
    source.readInto(`${name}.start`, this.start);
    source.readInto(`${name}.length`, this.length);
    this.strings.restore(source, name);
    this.count = count;
  }
}
