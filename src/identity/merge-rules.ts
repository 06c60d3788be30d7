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

/**
 * The entry of the rules that blocks a value: `empty` (blocked whatever the config says), a `built-in` junk
 * value (`identity.blocked.defaults`), or a configured `value` or `pattern` of `identity.blocked`, as written.
 */
export type BlockingRule =
  | { readonly kind: 'empty' }
  | { readonly kind: 'built-in' | 'value' | 'pattern'; readonly entry: string };

/** Merge rules turned into the lookups the resolver runs per identifier. */
export interface CompiledMergeRules {
  readonly rules: MergeRules;
  readonly limits: readonly TypeLimit[];
  /** Position in the priority order; lower wins. */
  rankOf(type: string): number;
  isBlocked(value: string): boolean;
  /**
   * The entry that makes isBlocked true for `value`, undefined when it does not. Asked only to explain a refusal:
   * isBlocked stays the hot path, so the two are written apart and tested to agree.
   */
  blockingRule(value: string): BlockingRule | undefined;
}

/** Validates merge rules (filling defaults) and precomputes their lookups. */
export function compileMergeRules(input: MergeRulesInput | MergeRules = {}): CompiledMergeRules {
  const rules = MergeRules.parse(input);
  const blocked = new Set<string>();
  for (const value of rules.blocked.defaults ? DEFAULT_BLOCKED_VALUES : []) blocked.add(value);
  // The configured values as the user wrote them, by the form they are matched in, to name the entry that matched.
  const configured = new Map<string, string>();
  for (const value of rules.blocked.values) {
    const key = value.trim().toLowerCase();
    blocked.add(key);
    if (!configured.has(key)) configured.set(key, value);
  }
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

  const builtIn = new Set<string>(rules.blocked.defaults ? DEFAULT_BLOCKED_VALUES : []);
  const blockingRule = (value: string): BlockingRule | undefined => {
    const v = hasOuterSpace(value) ? value.trim() : value;
    if (v.length === 0) return { kind: 'empty' };
    const lower = v.toLowerCase();
    // A value both built in and configured is named as built in: removing the configured entry would not unblock it.
    if (builtIn.has(lower)) return { kind: 'built-in', entry: lower };
    const entry = configured.get(lower);
    if (entry !== undefined) return { kind: 'value', entry };
    const at = patterns.findIndex((pattern) => pattern.test(v));
    return at >= 0 ? { kind: 'pattern', entry: rules.blocked.patterns[at]! } : undefined;
  };

  const limits = Object.entries(rules.limits)
    .map(([type, limit]) => ({ type, limit }))
    .sort((a, b) => rankOf(a.type) - rankOf(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));

  return { rules, limits, rankOf, isBlocked, blockingRule };
}
