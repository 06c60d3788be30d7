import { describe, expect, it } from 'vitest';
import { surveyScore } from './after-sales.js';
import { createRng } from './random.js';

describe('survey scores', () => {
  it('keeps nearly all scores on their scale and lets a few fall outside it', () => {
    const rng = createRng(4, 'surveys');
    const scales = { nps: [0, 10], csat: [1, 5], ces: [1, 7] } as const;
    for (const [type, [min, max]] of Object.entries(scales) as [keyof typeof scales, readonly [number, number]][]) {
      const scores = Array.from({ length: 5000 }, () => surveyScore(rng, type, rng.next()));
      const outside = scores.filter((s) => s < min || s > max || !Number.isInteger(s)).length;
      expect(outside).toBeGreaterThan(5);
      expect(outside / scores.length).toBeLessThan(0.02);
    }
  });

  it('scores happier people higher', () => {
    const rng = createRng(5, 'mood');
    const meanFor = (mood: number): number => Array.from({ length: 3000 }, () => surveyScore(rng, 'nps', mood)).filter((s) => s >= 0 && s <= 10).reduce((a, b) => a + b, 0) / 3000;
    expect(meanFor(0.9)).toBeGreaterThan(meanFor(0.2) + 2);
  });
});
