import { describe, expect, it } from 'vitest';
import { RFM_SEGMENT_NAMES, cutPoints, quantileLinear, rfmSegmentCells, rfmSegmentOf, scoreHigherIsBetter, scoreRecency, scoreRfm, type Score } from './rfm-score.js';

describe('quantileLinear', () => {
  it('interpolates between order statistics at (n − 1)·p, as NumPy does', () => {
    // numpy.quantile([1, 2, 3, 4, 10], [0.2, 0.4, 0.6, 0.8]) == [1.8, 2.6, 3.4, 5.2]
    const cuts = cutPoints([10, 1, 4, 3, 2]);
    expect(cuts.map((c) => Math.round(c * 1e9) / 1e9)).toEqual([1.8, 2.6, 3.4, 5.2]);
  });

  it('returns the only value of a single customer', () => {
    expect(quantileLinear([7], 0.8)).toBe(7);
  });
});

describe('RFM scores', () => {
  it('scores F and M as 1 + cut points strictly below, so equal values share a score', () => {
    const cuts = [1, 2, 2, 5];
    expect(scoreHigherIsBetter(cuts, 1)).toBe(1);
    expect(scoreHigherIsBetter(cuts, 2)).toBe(2);
    expect(scoreHigherIsBetter(cuts, 3)).toBe(4);
    expect(scoreHigherIsBetter(cuts, 5)).toBe(4);
    expect(scoreHigherIsBetter(cuts, 6)).toBe(5);
  });

  it('scores R as 5 − cut points strictly below the recency, the most recent scoring 5', () => {
    const cuts = [10, 20, 30, 40];
    expect(scoreRecency(cuts, 0)).toBe(5);
    expect(scoreRecency(cuts, 10)).toBe(5);
    expect(scoreRecency(cuts, 11)).toBe(4);
    expect(scoreRecency(cuts, 40)).toBe(2);
    expect(scoreRecency(cuts, 400)).toBe(1);
  });

  it('gives every customer F = 1 when most bought once', () => {
    const base = [1, 1, 1, 1, 1, 1, 1, 1, 2, 3].map((frequency, i) => ({ recency: i, frequency, monetary: 10 }));
    const scored = scoreRfm(base);
    // cut points of F: 1, 1, 1, 1.2 — only the customers above 1.2 leave score 1.
    expect(scored.map((c) => c.f)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 5, 5]);
    // identical monetary values: every cut point equals the value, none is strictly below
    expect(new Set(scored.map((c) => c.m))).toEqual(new Set([1]));
  });

  it('scores a hand-checked base of five customers', () => {
    const base = [
      { id: 'a', recency: 0, frequency: 5, monetary: 500 },
      { id: 'b', recency: 10, frequency: 3, monetary: 120 },
      { id: 'c', recency: 10, frequency: 1, monetary: 40 },
      { id: 'd', recency: 200, frequency: 2, monetary: 80 },
      { id: 'e', recency: 400, frequency: 1, monetary: 20 },
    ];
    // recency cuts over [0,10,10,200,400]: 8, 10, 86, 240; frequency over [1,1,2,3,5]: 1, 1.6, 2.4, 3.4;
    // monetary over [20,40,80,120,500]: 36, 64, 96, 196
    const scored = scoreRfm(base);
    expect(scored.map((c) => [c.id, c.r, c.f, c.m, c.segment])).toEqual([
      ['a', 5, 5, 5, 'Champions'],
      ['b', 4, 4, 4, 'Loyal'],
      ['c', 4, 1, 2, 'Promising'],
      ['d', 2, 3, 3, 'At risk'],
      ['e', 1, 1, 1, 'Hibernating'],
    ]);
  });
});

describe('named RFM segments', () => {
  it('names every one of the 25 (R, F) cells with one of the ten names, each used', () => {
    const cells = rfmSegmentCells();
    expect(cells).toHaveLength(25);
    expect(new Set(cells.map((c) => `${c.r}${c.f}`)).size).toBe(25);
    expect(new Set(cells.map((c) => c.segment))).toEqual(new Set(RFM_SEGMENT_NAMES));
  });

  it('follows the table of metrics.md cell by cell', () => {
    const grid = (r: Score) => ([1, 2, 3, 4, 5] as Score[]).map((f) => rfmSegmentOf(r, f));
    expect(grid(5)).toEqual(['New', 'Potential loyalists', 'Potential loyalists', 'Champions', 'Champions']);
    expect(grid(4)).toEqual(['Promising', 'Potential loyalists', 'Potential loyalists', 'Loyal', 'Loyal']);
    expect(grid(3)).toEqual(['About to sleep', 'About to sleep', 'Need attention', 'Loyal', 'Loyal']);
    for (const r of [1, 2] as Score[]) expect(grid(r)).toEqual(['Hibernating', 'Hibernating', 'At risk', 'At risk', "Can't lose them"]);
  });
});
