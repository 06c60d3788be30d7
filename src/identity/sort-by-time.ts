/**
 * Orders observation numbers by their time with an LSD radix sort on the IEEE-754 bits (16-bit digits,
 * skipping digits every key shares). A comparator sort over millions of observations spends seconds calling
 * back into JS; this is a few linear passes. Returns a new array; ties keep no particular order, the caller
 * orders runs of equal times itself.
 */
export function sortByTime(order: Int32Array, time: Float64Array): Int32Array {
  const n = order.length;
  let idx = Int32Array.from(order);
  // Doubles as unsigned 64-bit keys that sort like the numbers: flip negatives entirely, set the sign bit of the rest.
  const bits = new Float64Array(n);
  for (let k = 0; k < n; k++) bits[k] = time[idx[k]!]!;
  const words = new Uint32Array(bits.buffer);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const h = words[2 * k + 1]!;
    const l = words[2 * k]!;
    const negative = h >>> 31 === 1;
    hi[k] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[k] = negative ? ~l >>> 0 : l;
  }
  let idx2 = new Int32Array(n);
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  const counts = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const keys = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let k = 0; k < n; k++) {
      const d = (keys[k]! >>> shift) & 0xffff;
      counts[d] = counts[d]! + 1;
    }
    if (counts[(keys[0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const d = (keys[k]! >>> shift) & 0xffff;
      const to = counts[d]!;
      counts[d] = to + 1;
      idx2[to] = idx[k]!;
      lo2[to] = lo[k]!;
      hi2[to] = hi[k]!;
    }
    [idx, idx2] = [idx2, idx];
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  return idx;
}
