import { describe, expect, it } from 'vitest';
import { StringArena } from './string-arena.js';

describe('string arena', () => {
  it('gives back every string as stored, one-byte or two-byte, before and after its buffer grows', () => {
    const arena = new StringArena();
    // \u0085 and \u0080 are where windows-1252 (what TextDecoder calls latin1) and ISO-8859-1 differ.
    const samples = ['ann@example.com', 'josé@exemple.fr', '\u0085\u0080\u00ff\u00a0', 'Ωmega', 'smile 😀', '', 'x'.repeat(20_000), `${'é'.repeat(9000)}Ω`];
    const first = samples.map((s) => arena.add(s));
    expect(first.map((i) => arena.get(i))).toEqual(samples);
    // Enough strings to grow the buffer several times over; the early ones must still read back.
    const many: string[] = [];
    for (let k = 0; k < 50_000; k++) many.push(`anon-${k}-${'\u00e9'.repeat(k % 7)}`);
    const numbers = many.map((s) => arena.add(s));
    expect(first.map((i) => arena.get(i))).toEqual(samples);
    expect(numbers.map((i) => arena.get(i))).toEqual(many);
  });
});
