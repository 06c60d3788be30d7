/** A bucket holding more than this many observations is radix sorted; smaller ones by insertion. */
const SMALL_BUCKET = 32;
/** Observations per bucket when times are spread evenly: a short insertion sort, and a quarter of the counts. */
const PER_BUCKET = 4;

/** Observation numbers in time order, with each one's time alongside. */
export interface TimeOrder {
  readonly order: Int32Array;
  /** times[k] is the time of order[k]: later passes read it in order instead of looking each one up at random. */
  readonly times: Float64Array;
}

/**
 * Orders observation numbers by their time. Times are spread over one bucket per few observations by their
 * position between the earliest and the latest (a counting sort), then each bucket is sorted on its own:
 * by insertion when small, the usual case, and by radix sort when many observations share a stretch of time.
 * Two passes and one array of counts: a radix sort over all of them needs six scratch arrays the size of the
 * input, and on this kind of machine writing fresh memory costs more than the sorting. Each time is read at
 * random once, in the scatter, and travels with its observation from then on. Returns new arrays; ties keep
 * no particular order, the caller orders runs of equal times itself.
 */
export function sortByTime(order: Int32Array, time: Float64Array): TimeOrder {
  const n = order.length;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const t = time[order[k]!]!;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const range = max - min;
  if (n < 2 || range === 0) return withTimes(Int32Array.from(order), time);
  // Spans too wide for a double to scale (near ±1e308) go to the radix sort, which takes any finite time.
  if (!Number.isFinite(range)) return withTimes(radixSortByTime(order, time), time);
  const buckets = Math.ceil(n / PER_BUCKET);
  const scale = (buckets - 1) / range;
  const starts = new Int32Array(buckets + 1);
  for (let k = 0; k < n; k++) {
    const b = Math.floor((time[order[k]!]! - min) * scale);
    starts[b + 1] = starts[b + 1]! + 1;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1] = starts[b + 1]! + starts[b]!;
  const out = new Int32Array(n);
  const times = new Float64Array(n);
  // Scatter with a moving cursor per bucket, which leaves each bucket's start where the next one begins.
  for (let k = 0; k < n; k++) {
    const o = order[k]!;
    const t = time[o]!;
    const b = Math.floor((t - min) * scale);
    const to = starts[b]!;
    starts[b] = to + 1;
    out[to] = o;
    times[to] = t;
  }
  let from = 0;
  for (let b = 0; b < buckets; b++) {
    const end = starts[b]!;
    if (end - from > SMALL_BUCKET) {
      const sorted = radixSortByTime(out.subarray(from, end), time);
      out.set(sorted, from);
      for (let k = 0; k < sorted.length; k++) times[from + k] = time[sorted[k]!]!;
    } else {
      for (let i = from + 1; i < end; i++) {
        const o = out[i]!;
        const t = times[i]!;
        let j = i - 1;
        while (j >= from && times[j]! > t) {
          out[j + 1] = out[j]!;
          times[j + 1] = times[j]!;
          j--;
        }
        out[j + 1] = o;
        times[j + 1] = t;
      }
    }
    from = end;
  }
  return { order: out, times };
}

/** Pairs an order with its times, for the paths that sort without carrying them. */
export function withTimes(order: Int32Array, time: Float64Array): TimeOrder {
  const times = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) times[k] = time[order[k]!]!;
  return { order, times };
}

/**
 * The same with an LSD radix sort on the IEEE-754 bits (16-bit digits, skipping digits every key shares): a
 * comparator sort over millions of observations spends seconds calling back into JS; this is a few linear
 * passes, for buckets where many observations fall together.
 */
function radixSortByTime(order: Int32Array, time: Float64Array): Int32Array {
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
