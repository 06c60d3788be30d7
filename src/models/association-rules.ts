// Item-pair association rules ("customers who bought X also bought Y"). Pairs only, not the
// full Apriori lattice: pair rules are what a shop recommends from, and counting them is one
// pass over the baskets with integer keys.

import { TesseraError } from '../contract/index.js';

/** X → Y over a set of baskets. */
export interface AssociationRule {
  readonly antecedent: string;
  readonly consequent: string;
  /** Baskets containing both items. */
  readonly count: number;
  /** Share of baskets containing both: P(X ∧ Y). */
  readonly support: number;
  /** Share of baskets with X that also hold Y: P(Y | X). */
  readonly confidence: number;
  /** Confidence relative to Y's own share: P(Y | X) / P(Y); above 1 means X makes Y likelier. */
  readonly lift: number;
}

export interface AssociationOptions {
  /** Least support of a pair, as a share of baskets (default 0.01). */
  readonly minSupport?: number;
  /** Least confidence of a rule (default 0.1). */
  readonly minConfidence?: number;
  /** Least number of baskets holding a pair (default 1); guards small data where a share is one basket. */
  readonly minCount?: number;
}

export interface AssociationRules {
  /** Baskets counted (empty ones included: they dilute support as they do in the shop). */
  readonly baskets: number;
  /** Baskets containing each item. */
  readonly itemCounts: ReadonlyMap<string, number>;
  /** Every rule passing the thresholds, strongest first (confidence, then lift, then count). */
  readonly rules: readonly AssociationRule[];
  /** The same rules by antecedent, each list strongest first. */
  readonly byAntecedent: ReadonlyMap<string, readonly AssociationRule[]>;
}

/** Counts item pairs over baskets (duplicates within a basket count once) and keeps the rules passing the thresholds. */
export function mineAssociationRules(baskets: Iterable<readonly string[]>, options: AssociationOptions = {}): AssociationRules {
  const minSupport = options.minSupport ?? 0.01;
  const minConfidence = options.minConfidence ?? 0.1;
  const minCount = options.minCount ?? 1;
  if (!(minSupport >= 0 && minSupport <= 1 && minConfidence >= 0 && minConfidence <= 1 && minCount >= 0)) {
    throw new TesseraError('invalid_argument', 'minSupport and minConfidence must lie in [0, 1] and minCount be ≥ 0');
  }

  // Items become small integers so a pair is one number key: i * items + j.
  const ids = new Map<string, number>();
  const names: string[] = [];
  const encoded: Int32Array[] = [];
  const itemCount: number[] = [];
  for (const basket of baskets) {
    const seen = new Set<number>();
    for (const item of basket) {
      let id = ids.get(item);
      if (id === undefined) {
        id = names.length;
        ids.set(item, id);
        names.push(item);
        itemCount.push(0);
      }
      seen.add(id);
    }
    const unique = Int32Array.from(seen).sort();
    for (const id of unique) itemCount[id] = (itemCount[id] as number) + 1;
    encoded.push(unique);
  }
  const total = encoded.length;
  const itemCounts = new Map<string, number>(names.map((name, id) => [name, itemCount[id] as number]));
  if (total === 0) return { baskets: 0, itemCounts, rules: [], byAntecedent: new Map() };

  // A pair is never more frequent than either item (the Apriori property), so items below the
  // thresholds cannot be in a kept pair and are skipped before the quadratic step.
  const threshold = Math.max(minCount, minSupport * total);
  const frequent = itemCount.map((c) => c >= threshold && c > 0);
  const items = names.length;
  const pairCounts = new Map<number, number>();
  for (const basket of encoded) {
    const kept = basket.filter((id) => frequent[id] === true);
    for (let i = 0; i < kept.length; i++) {
      const base = (kept[i] as number) * items;
      for (let j = i + 1; j < kept.length; j++) {
        const key = base + (kept[j] as number);
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
      }
    }
  }

  const rules: AssociationRule[] = [];
  for (const [key, count] of pairCounts) {
    if (count < threshold) continue;
    const first = Math.floor(key / items);
    const second = key - first * items;
    const support = count / total;
    for (const [x, y] of [
      [first, second],
      [second, first],
    ] as const) {
      const confidence = count / (itemCount[x] as number);
      if (confidence < minConfidence) continue;
      rules.push({
        antecedent: names[x] as string,
        consequent: names[y] as string,
        count,
        support,
        confidence,
        lift: confidence / ((itemCount[y] as number) / total),
      });
    }
  }
  rules.sort(compareRules);
  const byAntecedent = new Map<string, AssociationRule[]>();
  for (const rule of rules) {
    const list = byAntecedent.get(rule.antecedent);
    if (list === undefined) byAntecedent.set(rule.antecedent, [rule]);
    else list.push(rule);
  }
  return { baskets: total, itemCounts, rules, byAntecedent };
}

function compareRules(p: AssociationRule, q: AssociationRule): number {
  return (
    q.confidence - p.confidence ||
    q.lift - p.lift ||
    q.count - p.count ||
    (p.antecedent < q.antecedent ? -1 : p.antecedent > q.antecedent ? 1 : 0) ||
    (p.consequent < q.consequent ? -1 : p.consequent > q.consequent ? 1 : 0)
  );
}

/** "Customers who bought X also bought": the strongest rules from `item`, at most `limit`. */
export function findAlsoBought(model: AssociationRules, item: string, limit = 10): readonly AssociationRule[] {
  return (model.byAntecedent.get(item) ?? []).slice(0, limit);
}

export interface ItemSuggestion {
  readonly item: string;
  /** The strongest rule leading to the item from something the customer bought. */
  readonly because: AssociationRule;
}

/**
 * Next items for a customer from what they bought, never an item they already have. Each
 * candidate is scored by its single strongest rule rather than a sum over rules, because
 * antecedents bought together are correlated and summing would count the same evidence twice.
 */
export function suggestNextItems(model: AssociationRules, bought: Iterable<string>, limit = 5): ItemSuggestion[] {
  const owned = new Set(bought);
  const best = new Map<string, AssociationRule>();
  for (const item of owned) {
    for (const rule of model.byAntecedent.get(item) ?? []) {
      if (owned.has(rule.consequent)) continue;
      const current = best.get(rule.consequent);
      if (current === undefined || compareRules(rule, current) < 0) best.set(rule.consequent, rule);
    }
  }
  return [...best.values()]
    .sort(compareRules)
    .slice(0, limit)
    .map((rule) => ({ item: rule.consequent, because: rule }));
}
