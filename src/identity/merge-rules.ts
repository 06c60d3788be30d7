import { EXTERNAL_PRIORITY, MergeRules, type MergeRulesInput } from '../contract/index.js';
import { hasOuterSpace } from './identifier.js';

export { EXTERNAL_PRIORITY, MAX_TYPE_LIMIT, MergeRules, type MergeRulesInput } from '../contract/index.js';

/** Values buggy clients send in place of a real id; linking on them would fuse thousands of strangers. */
export const DEFAULT_BLOCKED_VALUES: readonly string[] = [
  'null',
  'undefined',
  '0',
  'anonymous',
  '[object object]',
  'nan',
  'none',
  '-',
  'nil',
  'n/a',
  'unknown',
];

/** One per-type limit, in the order limits are checked (the priority order, so the reported rule is deterministic). */
export interface TypeLimit {
  readonly type: string;
  readonly limit: number;
}

/** Merge rules turned into the lookups the resolver runs per identifier. */
export interface CompiledMergeRules {
  readonly rules: MergeRules;
  readonly limits: readonly TypeLimit[];
  /** Position in the priority order; lower wins. */
  rankOf(type: string): number;
  isBlocked(value: string): boolean;
}

/** Validates merge rules (filling defaults) and precomputes their lookups. */
export function compileMergeRules(input: MergeRulesInput | MergeRules = {}): CompiledMergeRules {
  const rules = MergeRules.parse(input);
  const blocked = new Set<string>();
  for (const value of rules.blocked.defaults ? DEFAULT_BLOCKED_VALUES : []) blocked.add(value);
  for (const value of rules.blocked.values) blocked.add(value.trim().toLowerCase());
  blocked.delete('');
  let longest = 0;
  for (const value of blocked) longest = Math.max(longest, value.length);
  const patterns = rules.blocked.patterns.map((p) => new RegExp(p, 'i'));

  const externalRank = rules.priority.indexOf(EXTERNAL_PRIORITY);
  const rankOf = (type: string): number => {
    const rank = rules.priority.indexOf(type);
    if (rank >= 0) return rank;
    return externalRank >= 0 ? externalRank : rules.priority.length;
  };

  const isBlocked = (value: string): boolean => {
    const v = hasOuterSpace(value) ? value.trim() : value;
    if (v.length === 0) return true;
    // Only short values can equal a blocked one; skipping the rest avoids a lower-cased copy of every id.
    if (v.length <= longest && blocked.has(v.toLowerCase())) return true;
    for (const pattern of patterns) if (pattern.test(v)) return true;
    return false;
  };

  const limits = Object.entries(rules.limits)
    .map(([type, limit]) => ({ type, limit }))
    .sort((a, b) => rankOf(a.type) - rankOf(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));

  return { rules, limits, rankOf, isBlocked };
}
