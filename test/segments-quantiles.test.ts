// The RFM cut points are read from histograms for speed (src/segments/exact-quantiles.ts): they must
// be the very numbers DuckDB's quantile_cont and the pure scoring give, ties and all (real DuckDB).

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutPoints, exactQuantiles } from '../src/segments/index.js';
import { openDuckDbStore, sql, type Store } from '../src/store/index.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await makeTempDir('tessera-quantiles-');
  store = await openDuckDbStore({ dataDir: join(dir, 'data'), memoryLimit: '512MB', threads: 2 });
});

afterAll(async () => {
  await store.close();
  await removeDir(dir);
});

/** A small deterministic generator, so a failure names its case. */
function values(seed: number, n: number, kind: 'days' | 'orders' | 'money'): number[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () =>
    kind === 'days' ? Math.floor(next() * 1100) : kind === 'orders' ? 1 + Math.floor(-Math.log(1 - next()) * 1.5) : Math.round((20 + next() * 1800) * 100) / 100,
  );
}

const PS = [0.2, 0.4, 0.6, 0.8] as const;

describe('exact quantiles from a histogram', () => {
  it('equal quantile_cont to the last bit on whole numbers and money, with ties and tiny bases', async () => {
    const cases: { seed: number; n: number; kind: 'days' | 'orders' | 'money' }[] = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7, 10, 11, 97, 1000, 4999]) for (const kind of ['days', 'orders', 'money'] as const) cases.push({ seed: n * 7 + kind.length, n, kind });
    for (const c of cases) {
      const vs = values(c.seed, c.n, c.kind);
      const column = c.kind === 'money' ? 'DOUBLE' : 'BIGINT';
      const list = `[${vs.join(', ')}]`;
      const rel = sql`(SELECT CAST(unnest(CAST(${list} AS ${c.kind === 'money' ? sql`DOUBLE[]` : sql`BIGINT[]`})) AS ${column === 'DOUBLE' ? sql`DOUBLE` : sql`BIGINT`}) AS value)`;
      const [ours] = await store.query<{ q1: number; q2: number; q3: number; q4: number }>(sql`SELECT * FROM ${exactQuantiles(rel, 'value', PS)} q`);
      const [theirs] = await store.query<{ qs: number[] }>(sql`SELECT quantile_cont(value, [0.2, 0.4, 0.6, 0.8]) AS qs FROM ${rel} r`);
      const got = [ours?.q1, ours?.q2, ours?.q3, ours?.q4];
      const label = `${c.kind} n=${c.n}`;
      expect(got, label).toEqual([...(theirs?.qs ?? [])].map(Number));
      // The pure scoring interpolates as lo + (hi − lo)·d: the same number but for the last bit.
      cutPoints(vs).forEach((cut, i) => expect(got[i], label).toBeCloseTo(cut, 9));
    }
  });

  it('is NULL over no rows', async () => {
    const [row] = await store.query<{ q1: number | null }>(sql`SELECT * FROM ${exactQuantiles(sql`(SELECT 1 AS value WHERE false)`, 'value', PS)} q`);
    expect(row?.q1).toBeNull();
  });
});
