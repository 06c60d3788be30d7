import { describe, expect, it } from 'vitest';
import { KeyedCursor } from './keyed-cursor.js';

interface Row {
  k: string;
  n: number;
}

async function* chunks(...parts: Row[][]): AsyncIterable<Row[]> {
  for (const part of parts) yield part;
}

const cursorOf = (...parts: Row[][]) => KeyedCursor.open(chunks(...parts), (r: Row) => r.k);

describe('KeyedCursor', () => {
  it("takes a key's rows across chunk boundaries, in stream order", async () => {
    const c = await cursorOf([{ k: 'a', n: 1 }, { k: 'b', n: 2 }], [{ k: 'b', n: 3 }], [], [{ k: 'b', n: 4 }, { k: 'c', n: 5 }]);
    expect(await c.take('a')).toEqual([{ k: 'a', n: 1 }]);
    expect((await c.take('b')).map((r) => r.n)).toEqual([2, 3, 4]);
    expect(await c.peekKey()).toBe('c');
  });

  it('passes over keys before the one asked for, and gives nothing for a key it does not hold', async () => {
    const c = await cursorOf([{ k: 'a', n: 1 }, { k: 'c', n: 2 }, { k: 'e', n: 3 }]);
    expect(await c.take('b')).toEqual([]);
    expect(await c.peekKey()).toBe('c');
    expect((await c.take('d')).length).toBe(0);
    expect(await c.take('e')).toEqual([{ k: 'e', n: 3 }]);
    expect(await c.peekKey()).toBeUndefined();
    expect(await c.take('z')).toEqual([]);
  });

  it('ends its source when closed early', async () => {
    let ended = false;
    async function* source(): AsyncIterable<Row[]> {
      try {
        yield [{ k: 'a', n: 1 }];
        yield [{ k: 'b', n: 2 }];
      } finally {
        ended = true;
      }
    }
    const c = await KeyedCursor.open(source(), (r: Row) => r.k);
    await c.close();
    expect(ended).toBe(true);
  });
});
