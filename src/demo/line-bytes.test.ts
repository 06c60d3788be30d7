import { describe, expect, it } from 'vitest';
import { LineBytes } from './line-bytes.js';

describe('LineBytes', () => {
  it('gives back every line as it was put, across chunks, longer than a chunk and beyond ASCII', () => {
    const store = new LineBytes(16);
    const lines = ['{"a":1}', 'ünïcödé ✓ 𝄞', 'x'.repeat(40), '', 'short', 'José,"quoted, field"'];
    const numbers = lines.map((l) => store.put(l));
    expect(numbers).toEqual([0, 1, 2, 3, 4, 5]);
    expect(numbers.map((n) => store.text(n))).toEqual(lines);
    expect(store.bytes(1)).toEqual(Buffer.from(lines[1] ?? '', 'utf8'));
  });

  it('forgets its lines when cleared and numbers new ones from zero', () => {
    const store = new LineBytes(16);
    store.put('first');
    store.clear();
    expect(() => store.bytes(0)).toThrow(/no line 0/);
    expect(store.put('second')).toBe(0);
    expect(store.text(0)).toBe('second');
  });
});
