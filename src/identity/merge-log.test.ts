import { describe, expect, it } from 'vitest';
import { MergeLog, RULE_LIMIT } from './merge-log.js';

describe('merge log', () => {
  it('keeps every entry\'s rule past the point where its int32 columns leap to their large room', () => {
    // The rule column holds 16-bit codes and the others 32-bit numbers: grown each by its own bytes, the
    // rule column fell behind past ~6.3M entries and dropped codes without a word.
    const log = new MergeLog();
    const n = 6_000_000;
    for (let i = 0; i < n; i++) log.append(i >> 1, i, i + 1, i % 7 === 0 ? RULE_LIMIT : i % 5);
    expect(log.count).toBe(n);
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) {
      if (log.rule[i] !== (i % 7 === 0 ? RULE_LIMIT : i % 5) || log.obs[i] !== i >> 1 || log.b[i] !== i + 1) wrong.push(i);
      if (wrong.length > 3) break;
    }
    expect(wrong).toEqual([]);
  });
});
