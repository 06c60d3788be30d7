// The speed trick of the customer-base fits: their likelihoods depend on a customer only through
// (x, t_x, T), and real calendars make those repeat massively (day-resolution times take a few
// hundred values), so a million customers collapse to far fewer weighted rows.

import { TesseraError } from '../contract/index.js';

/** What the purchase models need of a customer: x, t_x and T. */
export interface PurchaseHistory {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
}

/** The same data as columns, the cheap layout for millions of customers. */
export interface PurchaseHistoryColumns {
  readonly frequency: ArrayLike<number>;
  readonly recency: ArrayLike<number>;
  readonly T: ArrayLike<number>;
}

/** Distinct (x, t_x, T) rows, each with the number of customers that share it. */
export interface GroupedHistories {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
  /** Total weight: the number of customers. */
  readonly customers: number;
}

/** Collapses customers with identical (x, t_x, T) into weighted rows, validating each. */
export function groupHistories(input: readonly PurchaseHistory[] | PurchaseHistoryColumns): GroupedHistories {
  const columns = Array.isArray(input) ? toColumns(input as readonly PurchaseHistory[]) : (input as PurchaseHistoryColumns);
  const n = columns.frequency.length;
  if (columns.recency.length !== n || columns.T.length !== n) {
    throw new TesseraError('invalid_argument', 'frequency, recency and T columns differ in length');
  }

  // Open addressing on the three doubles' bit patterns; a Map keyed by strings costs ~10x more.
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const bits = new Float64Array(3);
  const words = new Uint32Array(bits.buffer);

  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  const weight = new Float64Array(n);
  let groups = 0;

  for (let i = 0; i < n; i++) {
    // `+ 0` folds −0 into +0 so the two land in one group.
    const x = (columns.frequency[i] as number) + 0;
    const tx = (columns.recency[i] as number) + 0;
    const t = (columns.T[i] as number) + 0;
    validate(x, tx, t, i);
    bits[0] = x;
    bits[1] = tx;
    bits[2] = t;
    let hash = 0x9e3779b9;
    for (let w = 0; w < 6; w++) {
      hash = Math.imul(hash ^ (words[w] as number), 0x85ebca6b);
      hash ^= hash >>> 13;
    }
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    let slot = hash & mask;
    for (;;) {
      const g = slots[slot] as number;
      if (g === -1) {
        slots[slot] = groups;
        frequency[groups] = x;
        recency[groups] = tx;
        T[groups] = t;
        weight[groups] = 1;
        groups++;
        break;
      }
      if (frequency[g] === x && recency[g] === tx && T[g] === t) {
        weight[g] = (weight[g] as number) + 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return {
    frequency: frequency.slice(0, groups),
    recency: recency.slice(0, groups),
    T: T.slice(0, groups),
    weight: weight.slice(0, groups),
    customers: n,
  };
}

function toColumns(rows: readonly PurchaseHistory[]): PurchaseHistoryColumns {
  const frequency = new Float64Array(rows.length);
  const recency = new Float64Array(rows.length);
  const T = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    frequency[i] = row.frequency;
    recency[i] = row.recency;
    T[i] = row.T;
  });
  return { frequency, recency, T };
}

function validate(x: number, tx: number, t: number, index: number): void {
  if (!(Number.isInteger(x) && x >= 0)) {
    throw new TesseraError('invalid_argument', `customer ${index}: frequency must be a whole number ≥ 0, got ${x}`);
  }
  if (!(Number.isFinite(t) && tx >= 0 && tx <= t)) {
    throw new TesseraError('invalid_argument', `customer ${index}: need 0 ≤ recency ≤ T, got recency ${tx} and T ${t}`);
  }
}

/** Histories with lookup tables so each likelihood evaluation touches each distinct value once. */
export interface PreparedHistories {
  readonly grouped: GroupedHistories;
  /** Distinct frequencies and their total weights. */
  readonly xs: Float64Array;
  readonly xWeights: Float64Array;
  readonly xIndex: Int32Array;
  /** Distinct time values (both t_x and T), and each group's index into them. */
  readonly times: Float64Array;
  readonly recencyIndex: Int32Array;
  readonly tIndex: Int32Array;
}

/** Builds the lookup tables the kernel needs. */
export function prepareHistories(grouped: GroupedHistories): PreparedHistories {
  const g = grouped.frequency.length;
  const xMap = new Map<number, number>();
  const timeMap = new Map<number, number>();
  const xList: number[] = [];
  const xWeightList: number[] = [];
  const timeList: number[] = [];
  const xIndex = new Int32Array(g);
  const recencyIndex = new Int32Array(g);
  const tIndex = new Int32Array(g);
  const indexOf = (v: number): number => {
    let i = timeMap.get(v);
    if (i === undefined) {
      i = timeList.length;
      timeMap.set(v, i);
      timeList.push(v);
    }
    return i;
  };
  for (let i = 0; i < g; i++) {
    const x = grouped.frequency[i] as number;
    let xi = xMap.get(x);
    if (xi === undefined) {
      xi = xList.length;
      xMap.set(x, xi);
      xList.push(x);
      xWeightList.push(0);
    }
    xIndex[i] = xi;
    xWeightList[xi] = (xWeightList[xi] as number) + (grouped.weight[i] as number);
    recencyIndex[i] = indexOf(grouped.recency[i] as number);
    tIndex[i] = indexOf(grouped.T[i] as number);
  }
  return {
    grouped,
    xs: Float64Array.from(xList),
    xWeights: Float64Array.from(xWeightList),
    xIndex,
    times: Float64Array.from(timeList),
    recencyIndex,
    tIndex,
  };
}
