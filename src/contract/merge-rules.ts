import { z } from 'zod';
import { similarName } from './similar-name.js';

// Identity's merge rules are config (`identity:` in tessera.config.yaml), so their schema lives with the
// other config schemas; src/identity compiles them into the lookups the resolver runs.

/** Lower-case, starts with a letter, no colon: `type:value` then splits unambiguously at its first colon. */
export const IDENTIFIER_TYPE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/** Stands for every identifier type the priority list does not name (source-declared ids such as `shopify`). */
export const EXTERNAL_PRIORITY = 'external';

/** Counts are kept in 16 bits per component, so a limit above this could not be enforced. */
export const MAX_TYPE_LIMIT = 65_535;

const isType = (type: string): boolean => IDENTIFIER_TYPE_PATTERN.test(type);

/** The types every workspace has; a declared type one slip away from one of them is refused as a typo. */
const BUILT_IN_TYPES = ['user', 'email', 'phone', 'anon', EXTERNAL_PRIORITY] as const;

/** Adds an issue for each type that reads like a misspelt built-in one (`emial`), at `path` + its index or key. */
function refuseTypos(types: readonly string[], ctx: z.RefinementCtx, pathOf: (type: string, i: number) => (string | number)[]): void {
  types.forEach((type, i) => {
    const meant = similarName(type, BUILT_IN_TYPES);
    if (meant !== undefined) ctx.addIssue({ code: 'custom', message: `"${type}" is not a type Tessera knows: did you mean "${meant}"?`, path: pathOf(type, i) });
  });
}
const TypeName = z.string().refine(isType, 'an identifier type: lower-case letters, digits, "_" or "-"');
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
    /** Whether the built-in junk values (`null`, `undefined`, `0`, …) apply; empty and whitespace-only values are blocked regardless. */
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
      if (!isType(type)) ctx.addIssue({ code: 'custom', message: `"${type}" is not an identifier type`, path: [type] });
    }
    refuseTypos(Object.keys(limits), ctx, (type) => [type]);
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
      .superRefine((types, ctx) => {
        // Named at the repeat's place, so the one error listing every problem says which type to remove.
        types.forEach((type, i) => {
          if (types.indexOf(type) < i) ctx.addIssue({ code: 'custom', message: `"${type}" is listed twice: each type once`, path: [i] });
        });
        refuseTypos(types, ctx, (_, i) => [i]);
      })
      .default(['user', 'email', 'phone', EXTERNAL_PRIORITY, 'anon']),
    forbidden: ForbiddenRules.prefault({}),
    /**
     * An email with a `+tag` (ann+shop@example.com) also links to the address without it (ann@example.com):
     * one mailbox, so one person. Shops see it as the usual way one person opens a second account.
     */
    subaddress: z.boolean().default(true),
  })
  .strict();
export type MergeRules = z.infer<typeof MergeRules>;
/** Merge rules as written in config, before defaults are filled in. */
export type MergeRulesInput = z.input<typeof MergeRules>;
