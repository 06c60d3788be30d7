import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyFilter } from './key-filter.js';

/** The top two words of md5(id), as DuckDB's md5_number >> 96 and >> 64 give them for a stored key. */
function words(ids: string[]): { a: Uint32Array; b: Uint32Array } {
  const a = new Uint32Array(ids.length);
  const b = new Uint32Array(ids.length);
  ids.forEach((id, i) => {
    const digest = createHash('md5').update(id).digest();
    a[i] = digest.readUInt32LE(12);
    b[i] = digest.readUInt32LE(8);
  });
  return { a, b };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('KeyFilter', () => {
  const added = words(ids('stored', 200_000));
  const filter = new KeyFilter(200_000);
  filter.addAll(added.a, added.b);

  it('never calls an added key absent', () => {
    let missed = 0;
    for (let k = 0; k < added.a.length; k++) if (!filter.mightHave(added.a[k]!, added.b[k]!)) missed++;
    expect(missed).toBe(0);
    expect(filter.mightHaveAny(added.a.subarray(5, 6), added.b.subarray(5, 6))).toBe(true);
  });

  it('calls almost every other key absent when full (about 1 in 30,000 false positives)', () => {
    const absent = words(ids('new', 500_000));
    let maybe = 0;
    for (let k = 0; k < absent.a.length; k++) if (filter.mightHave(absent.a[k]!, absent.b[k]!)) maybe++;
    expect(maybe / absent.a.length).toBeLessThan(1e-4);
    const batch = words(ids('load', 2_000));
    expect(filter.mightHaveAny(batch.a, batch.b)).toBe(false);
  });

  it('counts its keys against the room it was sized for, and still holds them past it', () => {
    const small = new KeyFilter(3);
    const few = words(ids('x', 4));
    small.addAll(few.a.subarray(0, 3), few.b.subarray(0, 3));
    expect([small.count, small.capacity]).toEqual([3, 3]);
    small.add(few.a[3]!, few.b[3]!);
    expect([small.count, small.capacity]).toEqual([4, 3]);
    for (let k = 0; k < 4; k++) expect(small.mightHave(few.a[k]!, few.b[k]!)).toBe(true);
  });
});
