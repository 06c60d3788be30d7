type NumericArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

/** Below this size an array grows by half, so small graphs (tests, a demo) stay small. */
const STEP_BYTES = 16 * 1024 * 1024;
/** Past STEP_BYTES an array jumps to this much room at once: 1 GiB holds 16M identifier records. */
const LEAP_BYTES = 2 ** 30;

/**
 * How many elements to allocate for an array of `have` that must hold `needed`. On this kind of machine (a
 * small VM) the first write to a fresh page is the dominant cost of building a large graph, and growing by
 * copying writes each byte two or three times over. Past STEP_BYTES, an array therefore leaps to a large
 * capacity in one move: a zeroed ArrayBuffer is mapped lazily, so room never written costs address space,
 * not memory (peak RSS counts only pages written; under strict overcommit, vm.overcommit_memory = 2, it
 * would count against the commit limit). Resizable ArrayBuffers would avoid even that one copy, but
 * V8 11 (Node 20) reads and writes typed arrays over them about three times slower.
 */
export function grownCapacity(have: number, needed: number, bytesPerElement: number): number {
  const stepped = Math.max(needed, Math.ceil(have * 1.5), 64);
  if (stepped * bytesPerElement <= STEP_BYTES) return stepped;
  // Beyond the leap, back to growing by half: never to exactly `needed`, which would copy on every append.
  return Math.max(stepped, Math.floor(LEAP_BYTES / bytesPerElement));
}

/**
 * Returns `array` if it holds `length` elements, else a copy of exactly that length. For parallel columns
 * (one entry per observation, say) that must grow together: each grown alone by ensureCapacity, columns of
 * different element sizes leap at different lengths, and an append checking one column's room would write
 * past the end of another, where a typed array drops the write without a word.
 */
export function withLength<T extends NumericArray>(array: T, length: number): T {
  if (length <= array.length) return array;
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(length);
  next.set(array);
  return next;
}

/**
 * Returns `array` if it already holds `needed` elements, else a copy with room to spare (see grownCapacity).
 * With a `fill`, the new room is written, so such an array grows by half only.
 */
export function ensureCapacity<T extends NumericArray>(array: T, needed: number, fill = 0): T {
  if (needed <= array.length) return array;
  const length = fill === 0 ? grownCapacity(array.length, needed, array.BYTES_PER_ELEMENT) : Math.max(needed, Math.ceil(array.length * 1.5), 64);
  const next = withLength(array, length);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}
