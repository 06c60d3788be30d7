import { describe, expect, it } from 'vitest';
import { ByteStrings, StringArena } from './string-arena.js';

const samples = [
  '',
  'a',
  'ann@example.com',
  'Zoë',
  '名前',
  'x'.repeat(63),
  'y'.repeat(64),
  'é'.repeat(200),
  '😀 wide',
  'z'.repeat(20_000),
  'b',
  // Lower-case UUIDs are packed; upper-case ones, near misses and UUID-length strings are not.
  '0f8e2a4c-9b1d-4e7f-a0c3-5d6b7e8f9a0b',
  '0f8e2a4c-9b1d-4e7f-a0c3-5d6b7e8f9a0c',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-0000-0000-000000000000',
  '0F8E2A4C-9B1D-4E7F-A0C3-5D6B7E8F9A0B',
  '0f8e2a4c-9b1d-4e7f-a0c3-5d6b7e8f9a0g',
  '0f8e2a4c-9b1d-4e7f-a0c3_5d6b7e8f9a0b',
  '0f8e2a4c-9b1d-4e7f-a0c3-5d6b7e8f9a0',
  'x'.repeat(36),
];

describe('ByteStrings', () => {
  it('gives back each string as stored, one- and two-byte, short and long', () => {
    const strings = new ByteStrings();
    const at = samples.map((s) => strings.append(s));
    samples.forEach((s, k) => {
      expect(strings.get(at[k]!)).toBe(s);
      expect(strings.length(at[k]!)).toBe(s.length);
      expect(strings.equals(at[k]!, s)).toBe(true);
      expect(strings.equals(at[k]!, `${s}!`)).toBe(false);
    });
  });

  it('orders stored strings like < on JS strings', () => {
    const strings = new ByteStrings();
    const at = samples.map((s) => strings.append(s));
    const sign = (n: number): number => Math.sign(n);
    for (let i = 0; i < samples.length; i++) {
      for (let j = 0; j < samples.length; j++) {
        const a = samples[i]!;
        const b = samples[j]!;
        const expected = a < b ? -1 : a > b ? 1 : 0;
        expect(sign(strings.compare(at[i]!, at[j]!))).toBe(expected);
        expect(sign(strings.compareWith(at[i]!, b))).toBe(expected);
      }
    }
  });
});

describe('StringArena', () => {
  it('numbers strings in the order they were added', () => {
    const arena = new StringArena();
    for (const s of samples) arena.add(s);
    expect(samples.map((_, i) => arena.get(i))).toEqual(samples);
    expect(arena.compare(2, 10)).toBeLessThan(0);
  });
});
