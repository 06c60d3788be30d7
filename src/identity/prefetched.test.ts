import { describe, expect, it } from 'vitest';
import { prefetched } from './prefetched.js';

/** A source of `items` that records when it is started and when it is closed. */
function source(name: string, items: number[], log: string[]): AsyncIterable<number> {
  return {
    async *[Symbol.asyncIterator]() {
      log.push(`start ${name}`);
      try {
        for (const item of items) {
          await Promise.resolve();
          yield item;
        }
      } finally {
        log.push(`close ${name}`);
      }
    },
  };
}

describe('prefetched', () => {
  it('yields every source in order, starting each as soon as the one before gives its first item', async () => {
    const log: string[] = [];
    const out: number[] = [];
    for await (const item of prefetched([source('a', [1, 2], log), source('b', [3], log), source('c', [], log), source('d', [4, 5], log)])) {
      log.push(`item ${item}`);
      out.push(item);
    }
    expect(out).toEqual([1, 2, 3, 4, 5]);
    // b starts before a's first item is used; c (empty) before b's item; d before c is found empty.
    expect(log.slice(0, 3)).toEqual(['start a', 'start b', 'item 1']);
    expect(log.indexOf('start c')).toBeLessThan(log.indexOf('item 3'));
    expect(log.indexOf('start d')).toBeLessThan(log.indexOf('item 4'));
  });

  it('closes the source it is in and the one started ahead when left early', async () => {
    const log: string[] = [];
    for await (const item of prefetched([source('a', [1, 2, 3], log), source('b', [4], log), source('c', [5], log)])) {
      if (item === 2) break;
    }
    expect(log).toContain('close a');
    expect(log).toContain('close b');
    expect(log).not.toContain('start c');
  });

  it('closes the source started ahead when the current one fails', async () => {
    const log: string[] = [];
    const failing: AsyncIterable<number> = {
      async *[Symbol.asyncIterator]() {
        yield 1;
        throw new Error('read failed');
      },
    };
    const read = async () => {
      for await (const item of prefetched([failing, source('b', [2], log)])) log.push(`item ${item}`);
    };
    await expect(read()).rejects.toThrow('read failed');
    expect(log).toEqual(['start b', 'item 1', 'close b']);
  });
});
