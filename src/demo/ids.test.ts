import { describe, expect, it } from 'vitest';
import { permute, uuidFrom } from './ids.js';

describe('demo identifiers', () => {
  it('permutes every value of a small domain exactly once', () => {
    const images = new Set(Array.from({ length: 1024 }, (_, i) => permute(i, 10, 99)));
    expect(images.size).toBe(1024);
    expect(Math.max(...images)).toBe(1023);
  });

  it('mints distinct UUID-shaped ids for distinct (high, low) pairs, even with equal random bits', () => {
    const ids = new Set<string>();
    for (let high = 0; high < 100; high++) for (let low = 0; low < 100; low++) ids.add(uuidFrom(high, low, 0, 0));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 50)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('shares no visible groups between the ids of one person', () => {
    const a = uuidFrom(12345, 0, 1, 2);
    const b = uuidFrom(12345, 1, 1, 2);
    expect(a.slice(0, 8)).not.toBe(b.slice(0, 8));
    expect(a.slice(9, 13)).not.toBe(b.slice(9, 13));
  });
});
