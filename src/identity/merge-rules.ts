import { z } from 'zod';
import { hasOuterSpace, isIdentifierType } from './identifier.js';

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

/** Stands for every identifier type the priority list does not name (source-declared ids such as `shopify`). */
export const EXTERNAL_PRIORITY = 'external';

/** Counts are kept in 16 bits per component, so a limit above this could not be enforced. */
export const MAX_TYPE_LIMIT = 65_535;

const TypeName = z.string().refine(isIdentifierType, 'an identifier type: lower-case letters, digits, "_" or "-"');
const Limit = z.number().int().min(1).max(MAX_TYPE_LIMIT);
const IdentifierKey = z.string().regex(/^[a-z][a-z0-9_-]{0,31}:/, 'an identifier written type:value');

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

const BlockedRules = z
  .object({
    /** Whether DEFAULT_BLOCKED_VALUES apply; empty and whitespace-only values are blocked regardless. */
    defaults: z.boolean().default(true),
    /** Further values that link nothing, matched whole, ignoring case and surrounding spaces (e.g. `test@test.com`). */
    values: z.array(z.string()).default([]),
    /** Regular expressions (matched case-insensitively) whose matching values link nothing. */
    patterns: z.array(z.string().refine(compiles, 'a valid regular expression')).default([]),
  })
  .strict();

const TypeLimits = z
  .object({ user: Limit.default(1), email: Limit.default(5), phone: Limit.default(3), anon: Limit.default(50) })
  .catchall(Limit)
  .superRefine((limits, ctx) => {
    for (const type of Object.keys(limits)) {
      if (!isIdentifierType(type)) ctx.addIssue({ code: 'custom', message: `"${type}" is not an identifier type`, path: [type] });
    }
  });

const ForbiddenRules = z
  .object({
    /** Identifiers that may not link to anything (a shared tablet's anonymous id, a call-centre email). */
    identifiers: z.array(IdentifierKey).default([]),
    /** Pairs that may never end up in one customer: the record of a split. */
    links: z.array(z.tuple([IdentifierKey, IdentifierKey])).default([]),
  })
  .strict();

/** Merge rules are data (conventions habit 6): validated from config, never code to evaluate. */
export const MergeRules = z
  .object({
    blocked: BlockedRules.prefault({}),
    /** The most identifiers of each type one customer may hold; types without a limit are unbounded. */
    limits: TypeLimits.prefault({}),
    /** Highest first; when one message's identifiers span several customers, the highest one's customer absorbs the rest. */
    priority: z
      .array(z.union([TypeName, z.literal(EXTERNAL_PRIORITY)]))
      .min(1)
      .refine((types) => new Set(types).size === types.length, 'each type listed once')
      .default(['user', 'email', 'phone', EXTERNAL_PRIORITY, 'anon']),
    forbidden: ForbiddenRules.prefault({}),
  })
  .strict();
export type MergeRules = z.infer<typeof MergeRules>;
/** Merge rules as written in config, before defaults are filled in. */
export type MergeRulesInput = z.input<typeof MergeRules>;

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
