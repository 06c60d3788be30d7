import { describe, expect, it } from 'vitest';
import { TesseraError } from '../contract/index.js';
import { findAlsoBought, mineAssociationRules, suggestNextItems } from './association-rules.js';

// The market-basket example of Tan, Steinbach & Kumar, "Introduction to Data Mining", ch. 6.
// Item counts over 5 baskets: bread 4, milk 4, diapers 4, beer 3, cola 2, eggs 1.
// Pair counts: {diapers, beer} 3 (baskets 2, 3, 4); {milk, diapers} 3; {bread, milk} 3;
// {bread, diapers} 3; {bread, beer} 2; {milk, beer} 2; {milk, cola} 2; {diapers, cola} 2;
// every other pair 1 or 0.
const baskets = [
  ['bread', 'milk'],
  ['bread', 'diapers', 'beer', 'eggs'],
  ['milk', 'diapers', 'beer', 'cola'],
  ['bread', 'milk', 'diapers', 'beer'],
  ['bread', 'milk', 'diapers', 'cola'],
];

describe('mineAssociationRules', () => {
  const model = mineAssociationRules(baskets, { minSupport: 0.4, minConfidence: 0.6 });
  const rule = (from: string, to: string) => model.rules.find((r) => r.antecedent === from && r.consequent === to);

  it('computes support, confidence and lift as worked by hand', () => {
    // beer → diapers: support 3/5 = 0.6; confidence 3/3 = 1; lift 1 / (4/5) = 1.25.
    expect(rule('beer', 'diapers')).toMatchObject({ count: 3, support: 0.6, confidence: 1, lift: 1.25 });
    // diapers → beer: confidence 3/4 = 0.75; lift 0.75 / (3/5) = 1.25.
    expect(rule('diapers', 'beer')).toMatchObject({ count: 3, support: 0.6, confidence: 0.75 });
    expect(rule('diapers', 'beer')?.lift).toBeCloseTo(1.25, 14);
    // milk → diapers: confidence 3/4; lift 0.75 / 0.8 = 0.9375 (milk buyers are slightly less likely to buy diapers).
    expect(rule('milk', 'diapers')?.lift).toBeCloseTo(0.9375, 14);
    // beer → bread: support 2/5; confidence 2/3; lift (2/3) / (4/5) = 5/6.
    expect(rule('beer', 'bread')?.support).toBeCloseTo(0.4, 14);
    expect(rule('beer', 'bread')?.confidence).toBeCloseTo(2 / 3, 14);
    expect(rule('beer', 'bread')?.lift).toBeCloseTo(5 / 6, 14);
  });

  it('keeps exactly the 12 rules meeting support 0.4 and confidence 0.6', () => {
    // Both directions of the four pairs counted 3 (confidence ≥ 0.75), plus beer → bread,
    // beer → milk, cola → milk, cola → diapers; the reverse of those four has confidence 0.5.
    // Eggs, in one basket, never qualifies.
    expect(model.rules).toHaveLength(12);
    expect(rule('bread', 'beer')).toBeUndefined();
    expect(rule('milk', 'cola')).toBeUndefined();
    expect(model.rules.some((r) => r.antecedent === 'eggs' || r.consequent === 'eggs')).toBe(false);
    expect(model.itemCounts.get('eggs')).toBe(1);
    expect(model.baskets).toBe(5);
  });

  it('drops pairs below the minimum support', () => {
    const strict = mineAssociationRules(baskets, { minSupport: 0.6, minConfidence: 0 });
    // Only the four pairs in 3 of 5 baskets, both directions.
    expect(strict.rules).toHaveLength(8);
  });

  it('counts an item listed twice in a basket once', () => {
    const m = mineAssociationRules([['a', 'a', 'b'], ['a']], { minSupport: 0, minConfidence: 0 });
    expect(m.itemCounts.get('a')).toBe(2);
    // a → b: 1 of the 2 baskets with a; lift 0.5 / (1/2) = 1.
    expect(m.rules.find((r) => r.antecedent === 'a')).toMatchObject({ count: 1, confidence: 0.5, lift: 1 });
  });

  it('rejects thresholds outside [0, 1]', () => {
    expect(() => mineAssociationRules(baskets, { minSupport: 2 })).toThrow(TesseraError);
  });

  it('lists what beer buyers also bought, strongest first', () => {
    // diapers (confidence 1), then bread and milk (2/3 each, equal lift and count: by name).
    expect(findAlsoBought(model, 'beer').map((r) => r.consequent)).toEqual(['diapers', 'bread', 'milk']);
    expect(findAlsoBought(model, 'beer', 1)).toHaveLength(1);
    expect(findAlsoBought(model, 'caviar')).toEqual([]);
  });

  it('suggests next items from everything a customer bought, never one they have', () => {
    // From beer: diapers 1, bread 2/3, milk 2/3; from cola: milk 1, diapers 1. Each item keeps its
    // strongest rule: diapers via beer (count 3 beats cola's 2), milk via cola, bread via beer.
    const suggestions = suggestNextItems(model, ['beer', 'cola']);
    expect(suggestions.map((s) => s.item)).toEqual(['diapers', 'milk', 'bread']);
    expect(suggestions[0]?.because.antecedent).toBe('beer');
    expect(suggestions[1]?.because.antecedent).toBe('cola');
    expect(suggestNextItems(model, ['bread', 'milk', 'diapers', 'beer'])).toEqual([]);
  });
});
