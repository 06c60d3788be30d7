import { describe, expect, it } from 'vitest';
import { ValueIndex } from './value-index.js';

/** A table of plain values for the index to confirm matches against. */
function valuesTable(values: string[]): { matches(x: number, typeId: number, value: string): boolean } {
  return { matches: (x, typeId, value) => typeId === 0 && values[x] === value };
}

describe('ValueIndex', () => {
  it('finds every value it holds, and no other, as it doubles in place', () => {
    const values: string[] = [];
    const table = valuesTable(values);
    const index = new ValueIndex();
    for (let x = 0; x < 50_000; x++) {
      const value = `v${(x * 7919) % 100_003}`;
      values.push(value);
      expect(index.find(0, value, ValueIndex.hash(0, value), table)).toBe(-1);
      index.insert(x, ValueIndex.hash(0, value));
    }
    for (let x = 0; x < values.length; x++) expect(index.find(0, values[x]!, ValueIndex.hash(0, values[x]!), table)).toBe(x);
    expect(index.find(0, 'absent', ValueIndex.hash(0, 'absent'), table)).toBe(-1);
    expect(index.find(1, values[0]!, ValueIndex.hash(1, values[0]!), table)).toBe(-1);
  });

  it('keeps long runs of colliding hashes findable, including runs past the last home slot', () => {
    const values: string[] = [];
    const table = valuesTable(values);
    const index = new ValueIndex();
    // Few distinct hashes, many near the top of the home range: runs pile up and spill into the tail.
    const hashOf = (x: number): number => (x % 3 === 0 ? -1 : x % 3 === 1 ? 0x3ff : (x % 37) * 0x10001);
    for (let x = 0; x < 5_000; x++) {
      values.push(`c${x}`);
      index.insert(x, hashOf(x));
    }
    for (let x = 0; x < values.length; x++) expect(index.find(0, values[x]!, hashOf(x), table)).toBe(x);
    expect(index.find(0, 'c-missing', -1, table)).toBe(-1);
  });
});
