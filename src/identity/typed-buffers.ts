type NumericArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

/**
 * Returns `array` if it already holds `needed` elements, else a copy with room to spare. Growth is by half
 * rather than doubling: at five million identifiers the slack of doubling alone would cost hundreds of MB.
 */
export function ensureCapacity<T extends NumericArray>(array: T, needed: number, fill = 0): T {
  if (needed <= array.length) return array;
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(Math.max(needed, Math.ceil(array.length * 1.5), 64));
  next.set(array);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}
