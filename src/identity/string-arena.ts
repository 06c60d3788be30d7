import { ensureCapacity } from './typed-buffers.js';

const CHUNK = 8192;

/**
 * Strings stored back to back in one byte buffer: one byte per character when every character fits (ids,
 * emails and message ids almost always do), two otherwise. Millions of JS strings held for the life of a
 * graph cost the garbage collector a full trace of each at every major collection; bytes in an ArrayBuffer
 * cost it nothing. Each string starts with a varint header (its length times two, plus one for the two-byte
 * form, which is then aligned to an even offset), so a string is addressed by one number: the header is one
 * byte for anything under 64 characters, where a separate length column cost four bytes per string, and on
 * this kind of machine every byte first written costs a page fault. A lower-case UUID (the anonymous id of
 * analytics.js and the mobile SDKs) is kept as its 16 bytes behind the header 1, which no other string has
 * (the empty string is one-byte), instead of 36. Strings are decoded only to be shown.
 */
export class ByteStrings {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  /** The buffer the string most recently opened is read from: `bytes`, or a scratch holding a decoded UUID. */
  private source = this.bytes;
  /** Where its payload starts in `source`. */
  private payload = 0;
  /** Its length in characters, as ~length (negative) for the two-byte form. */
  private span = 0;
  /** Decoded UUIDs, two so that two stored strings can be compared. */
  private readonly scratch = [new Uint8Array(UUID_LENGTH), new Uint8Array(UUID_LENGTH)];

  /** Appends `s` and returns its address. */
  append(s: string): number {
    const n = s.length;
    const at = this.used;
    // Room for the header, a padding byte and the wide form, so the narrow attempt can be abandoned midway.
    if (at + 2 * n + 7 > this.bytes.length) this.bytes = ensureCapacity(this.bytes, at + 2 * n + 7);
    const bytes = this.bytes;
    if (n === UUID_LENGTH && packUuid(s, bytes, at + 1)) {
      bytes[at] = PACKED_UUID;
      this.used = at + 1 + UUID_BYTES;
      return at;
    }
    let p = this.writeHeader(at, n * 2);
    let k = 0;
    for (; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c > 255) break;
      bytes[p + k] = c;
    }
    if (k === n) {
      this.used = p + n;
      return at;
    }
    p = this.writeHeader(at, n * 2 + 1);
    p += p & 1;
    const wide = new Uint16Array(bytes.buffer, bytes.byteOffset + p, n);
    for (let j = 0; j < n; j++) wide[j] = s.charCodeAt(j);
    this.used = p + 2 * n;
    return at;
  }

  /** Writes a varint at `at`; returns where it ends. */
  private writeHeader(at: number, header: number): number {
    const bytes = this.bytes;
    while (header >= 128) {
      bytes[at++] = (header & 127) | 128;
      header = Math.floor(header / 128);
    }
    bytes[at++] = header;
    return at;
  }

  /** Decodes the header at `at` into `source`, `payload` and `span`; a UUID is unpacked into scratch `slot`. */
  private open(at: number, slot = 0): void {
    const bytes = this.bytes;
    this.source = bytes;
    let b = bytes[at++]!;
    if (b === PACKED_UUID) {
      const out = this.scratch[slot]!;
      unpackUuid(bytes, at, out);
      this.source = out;
      this.payload = 0;
      this.span = UUID_LENGTH;
      return;
    }
    let header = b & 127;
    for (let scale = 128; b >= 128; scale *= 128) {
      b = bytes[at++]!;
      header += (b & 127) * scale;
    }
    const n = Math.floor(header / 2);
    if ((header & 1) === 0) {
      this.payload = at;
      this.span = n;
    } else {
      this.payload = at + (at & 1);
      this.span = ~n;
    }
  }

  /** Compares the stored string with `s` by UTF-16 code units, like `<` on JS strings. */
  compareWith(at: number, s: string): number {
    this.open(at);
    const start = this.payload;
    const len = this.span;
    const n = len >= 0 ? len : ~len;
    const m = Math.min(n, s.length);
    if (len >= 0) {
      const bytes = this.source;
      for (let k = 0; k < m; k++) {
        const d = bytes[start + k]! - s.charCodeAt(k);
        if (d !== 0) return d;
      }
    } else {
      const wide = new Uint16Array(this.bytes.buffer, this.bytes.byteOffset + start, n);
      for (let k = 0; k < m; k++) {
        const d = wide[k]! - s.charCodeAt(k);
        if (d !== 0) return d;
      }
    }
    return n - s.length;
  }

  equals(at: number, s: string): boolean {
    // The one-byte header of a short narrow string is its length times two: most mismatches end here.
    const b = this.bytes[at]!;
    if (b < 128 && (b & 1) === 0 && b !== s.length * 2) return false;
    return this.compareWith(at, s) === 0;
  }

  /**
   * Where the payload of the string at `at` starts in `narrowBytes`, for reading a one-byte string in place
   * (a view would be an allocation); -1 for a two-byte string or a packed UUID, which `units` gives instead.
   */
  narrowStart(at: number): number {
    this.open(at);
    return this.span >= 0 && this.source === this.bytes ? this.payload : -1;
  }

  /** The buffer one-byte strings live in. */
  get narrowBytes(): Uint8Array {
    return this.bytes;
  }

  /** The string's length in characters. */
  length(at: number): number {
    this.open(at);
    return this.span >= 0 ? this.span : ~this.span;
  }

  /** Compares two stored strings by UTF-16 code units. */
  compare(i: number, j: number): number {
    this.open(i, 0);
    const bi = this.source;
    const ai = this.payload;
    const li = this.span;
    this.open(j, 1);
    const bj = this.source;
    const aj = this.payload;
    const lj = this.span;
    if (li >= 0 && lj >= 0) {
      const m = Math.min(li, lj);
      for (let k = 0; k < m; k++) {
        const d = bi[ai + k]! - bj[aj + k]!;
        if (d !== 0) return d;
      }
      return li - lj;
    }
    // A two-byte string is rare enough that decoding it to compare is the simple, correct choice.
    const a = this.get(i);
    const b = this.get(j);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** The code units of a string: a view into the buffer (or the scratch of a UUID), valid until the next call. */
  units(at: number): Uint8Array | Uint16Array {
    this.open(at);
    const start = this.payload;
    const len = this.span;
    return len >= 0 ? this.source.subarray(start, start + len) : new Uint16Array(this.bytes.buffer, this.bytes.byteOffset + start, ~len);
  }

  get(at: number): string {
    const units = this.units(at);
    const n = units.length;
    if (n <= CHUNK) return String.fromCharCode.apply(null, units as unknown as number[]);
    let out = '';
    for (let k = 0; k < n; k += CHUNK) out += String.fromCharCode.apply(null, units.subarray(k, k + CHUNK) as unknown as number[]);
    return out;
  }
}

const UUID_LENGTH = 36;
const UUID_BYTES = 16;
/** The header of a packed UUID: a wide string of length 0, which is never written (the empty string is narrow). */
const PACKED_UUID = 1;
const HEX = '0123456789abcdef';

function isUuidDash(k: number): boolean {
  return k === 8 || k === 13 || k === 18 || k === 23;
}

/** Writes the 16 bytes of `s` at `to` if it is a lower-case UUID (8-4-4-4-12 hex digits); false, leaving junk, if not. */
function packUuid(s: string, bytes: Uint8Array, to: number): boolean {
  let nibble = 0;
  for (let k = 0; k < UUID_LENGTH; k++) {
    const c = s.charCodeAt(k);
    if (isUuidDash(k)) {
      if (c !== 45) return false;
      continue;
    }
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (v < 0) return false;
    const i = to + (nibble >> 1);
    bytes[i] = (nibble & 1) === 0 ? v << 4 : bytes[i]! | v;
    nibble++;
  }
  return true;
}

/** The 36 characters of the UUID packed at `from`, as char codes in `out`. */
function unpackUuid(bytes: Uint8Array, from: number, out: Uint8Array): void {
  let nibble = 0;
  for (let k = 0; k < UUID_LENGTH; k++) {
    if (isUuidDash(k)) {
      out[k] = 45;
      continue;
    }
    const b = bytes[from + (nibble >> 1)]!;
    out[k] = HEX.charCodeAt((nibble & 1) === 0 ? b >> 4 : b & 15);
    nibble++;
  }
}

/** ByteStrings numbered in the order they were added. */
export class StringArena {
  count = 0;
  private readonly strings = new ByteStrings();
  private start = new Uint32Array(0);

  /** Stores `s` and returns its number. */
  add(s: string): number {
    const i = this.count;
    if (i === this.start.length) this.start = ensureCapacity(this.start, i + 1);
    this.start[i] = this.strings.append(s);
    this.count = i + 1;
    return i;
  }

  /** Compares string `i` with `s` by UTF-16 code units, like `<` on JS strings. */
  compareWith(i: number, s: string): number {
    return this.strings.compareWith(this.start[i]!, s);
  }

  /** Compares strings `i` and `j` by UTF-16 code units. */
  compare(i: number, j: number): number {
    if (i === j) return 0;
    return this.strings.compare(this.start[i]!, this.start[j]!);
  }

  get(i: number): string {
    return this.strings.get(this.start[i]!);
  }
}
