/**
 * A split-block Bloom filter over message keys (the layout Parquet's bloom filters use): each key sets one bit in
 * each of the eight 32-bit words of one 256-bit block, so adding or testing a key touches one cache line. It never
 * answers "absent" for a key that was added; it answers "maybe" for an absent key with a small probability (at 32
 * bits a key, measured on random keys: 1 in 28,000 when full, 1 in 94,000 at four fifths of its capacity), so a "maybe" must be confirmed against the event log.
 *
 * Keys are md5 hashes (`Dialect.messageKey`), already uniform: their top two 32-bit words pick the block and the
 * bits, with no hashing of our own.
 */

/** Odd multipliers, one per word of a block, that spread the second word's bits (Parquet's SBBF salts). */
const SALT = new Uint32Array([0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31]);

/** Bits of filter per key at capacity: a load of 2,000 new keys into a filter 80–100% full is confirmed 2–7% of the time. */
export const KEY_FILTER_BITS_PER_KEY = 32;

const SORT_SHIFT = 20;
const SORT_BUCKETS = 1 << (32 - SORT_SHIFT);
const SORTED_ADD_FROM = 1 << 16;

export class KeyFilter {
  private readonly words: Uint32Array;
  private readonly blocks: number;
  private added = 0;

  /** Room for `capacity` keys at KEY_FILTER_BITS_PER_KEY; past it the filter still answers, with more false positives. */
  constructor(readonly capacity: number) {
    this.blocks = Math.max(1, Math.ceil((capacity * KEY_FILTER_BITS_PER_KEY) / 256));
    this.words = new Uint32Array(this.blocks * 8);
  }

  /** Keys added (a key added twice counts twice). */
  get count(): number {
    return this.added;
  }

  /** Memory the filter holds. */
  get bytes(): number {
    return this.words.byteLength;
  }

  private block(a: number): number {
    // The top word scaled to the block count: uniform keys fill blocks evenly without a power-of-two size.
    return Math.min(this.blocks - 1, Math.floor((a / 4294967296) * this.blocks)) * 8;
  }

  add(a: number, b: number): void {
    const base = this.block(a);
    for (let i = 0; i < 8; i++) this.words[base + i]! |= 1 << (Math.imul(b, SALT[i]!) >>> 27);
    this.added++;
  }

  addAll(a: Uint32Array, b: Uint32Array): void {
    if (a.length < SORTED_ADD_FROM) {
      for (let k = 0; k < a.length; k++) this.add(a[k]!, b[k]!);
      return;
    }
    // Many keys at random blocks of a large filter miss the cache (and the TLB) once each: ~430 ns a key at 160 MB,
    // where keys grouped by their top bits (which pick the block) land in one small region at a time.
    const starts = new Uint32Array(SORT_BUCKETS + 1);
    for (let k = 0; k < a.length; k++) starts[(a[k]! >>> SORT_SHIFT) + 1]!++;
    for (let i = 1; i <= SORT_BUCKETS; i++) starts[i]! += starts[i - 1]!;
    const sa = new Uint32Array(a.length);
    const sb = new Uint32Array(a.length);
    for (let k = 0; k < a.length; k++) {
      const at = starts[a[k]! >>> SORT_SHIFT]!++;
      sa[at] = a[k]!;
      sb[at] = b[k]!;
    }
    for (let k = 0; k < sa.length; k++) this.add(sa[k]!, sb[k]!);
  }

  mightHave(a: number, b: number): boolean {
    const base = this.block(a);
    for (let i = 0; i < 8; i++) if ((this.words[base + i]! & (1 << (Math.imul(b, SALT[i]!) >>> 27))) === 0) return false;
    return true;
  }

  /** Whether any of the keys (word pairs) might have been added. */
  mightHaveAny(a: Uint32Array, b: Uint32Array): boolean {
    for (let k = 0; k < a.length; k++) if (this.mightHave(a[k]!, b[k]!)) return true;
    return false;
  }
}
