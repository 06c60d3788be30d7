import { z } from 'zod';
import { TesseraError } from '../contract/index.js';
import { RFM_SEGMENT_NAMES } from './rfm-score.js';

// Rule segments as data (conventions: definitions are validated JSON/YAML, never code). The
// compiler (compile-rule.ts) turns a rule into SQL whose every value is a bound parameter.

const Scalar = z.union([z.string(), z.number().finite(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

export const ValueOp = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_contains', 'starts_with', 'ends_with', 'in', 'not_in', 'exists', 'not_exists']);
export type ValueOp = z.infer<typeof ValueOp>;

export const CountOp = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']);
export type CountOp = z.infer<typeof CountOp>;

const comparisonShape = { op: ValueOp, value: z.union([Scalar, z.array(Scalar).min(1).max(10_000)]).optional() };

/** Which constants an operator takes: none for exists, a list for in, one value otherwise. */
function checkComparison(c: { op: ValueOp; value?: Scalar | Scalar[] | undefined }, ctx: z.RefinementCtx): void {
  const list = Array.isArray(c.value);
  if (c.op === 'exists' || c.op === 'not_exists') {
    if (c.value !== undefined) ctx.addIssue({ code: 'custom', message: `${c.op} takes no value`, path: ['value'] });
  } else if (c.op === 'in' || c.op === 'not_in') {
    if (!list) ctx.addIssue({ code: 'custom', message: `${c.op} takes a list of values`, path: ['value'] });
  } else if (c.value === undefined || list) {
    ctx.addIssue({ code: 'custom', message: `${c.op} takes one value`, path: ['value'] });
  }
}

/** A comparison of a value with a constant. */
export interface Comparison {
  op: ValueOp;
  value?: Scalar | Scalar[] | undefined;
}


const Name = z.string().min(1).max(500);
/** A key, or a path of keys into nested JSON (`["address", "city"]`); any text is taken literally. */
const KeyPath = z.union([Name, z.array(Name).min(1).max(16)]);

export const CountFilter = z.object({ op: CountOp, value: z.number().int().min(0) }).strict();
export type CountFilter = z.infer<typeof CountFilter>;
const ScoreFilter = z.object({ op: CountOp, value: z.number().int().min(1).max(5) }).strict();
export type ScoreFilter = z.infer<typeof ScoreFilter>;
const WithinDays = z.number().int().min(1).max(36_500);

export const FACTS = ['orders', 'revenue', 'aov', 'first_order', 'last_order', 'days_since_first_order', 'days_since_last_order'] as const;
export type FactName = (typeof FACTS)[number];
export const ITEM_FIELDS = ['product_id', 'sku', 'name', 'category'] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

const TraitCondition = z.object({ trait: KeyPath, ...comparisonShape }).strict().superRefine(checkComparison);
const FactCondition = z.object({ fact: z.enum(FACTS), ...comparisonShape }).strict().superRefine(checkComparison);
const PropertyCondition = z.object({ property: KeyPath, ...comparisonShape }).strict().superRefine(checkComparison);
const ItemCondition = z.object({ field: z.enum(ITEM_FIELDS), ...comparisonShape }).strict().superRefine(checkComparison);
const EventCondition = z
  .object({ event: Name, where: z.array(PropertyCondition).max(50).optional(), count: CountFilter.optional(), within_days: WithinDays.optional() })
  .strict();
const BoughtCondition = z
  .object({ bought: z.object({ where: z.array(ItemCondition).max(50).optional(), count: CountFilter.optional(), within_days: WithinDays.optional() }).strict() })
  .strict();
const RfmCondition = z
  .object({
    rfm: z
      .object({ segment: z.array(z.enum(RFM_SEGMENT_NAMES)).min(1).optional(), r: ScoreFilter.optional(), f: ScoreFilter.optional(), m: ScoreFilter.optional() })
      .strict()
      .refine((x) => x.segment !== undefined || x.r !== undefined || x.f !== undefined || x.m !== undefined, 'give a segment list or an r, f or m filter'),
  })
  .strict();

/** Columns of `clv_predictions` (written by `tessera clv predict`) a rule may test. */
export const PREDICTIONS = ['expected_purchases', 'p_alive', 'churn_risk', 'expected_spend', 'clv', 'clv_decile', 'high_value', 'high_value_at_risk'] as const;
export type PredictionName = (typeof PREDICTIONS)[number];
const PredictionCondition = z.object({ prediction: z.enum(PREDICTIONS), ...comparisonShape }).strict().superRefine(checkComparison);

export type TraitCondition = z.infer<typeof TraitCondition>;
export type PredictionCondition = z.infer<typeof PredictionCondition>;
export type FactCondition = z.infer<typeof FactCondition>;
export type PropertyCondition = z.infer<typeof PropertyCondition>;
export type ItemCondition = z.infer<typeof ItemCondition>;
export type EventCondition = z.infer<typeof EventCondition>;
export type BoughtCondition = z.infer<typeof BoughtCondition>;
export type RfmCondition = z.infer<typeof RfmCondition>;

export type Rule =
  | TraitCondition
  | FactCondition
  | EventCondition
  | BoughtCondition
  | RfmCondition
  | PredictionCondition
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule };

export const Rule: z.ZodType<Rule> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(Rule).min(1).max(100) }).strict(),
    z.object({ any: z.array(Rule).min(1).max(100) }).strict(),
    z.object({ not: Rule }).strict(),
    TraitCondition,
    FactCondition,
    EventCondition,
    BoughtCondition,
    RfmCondition,
    PredictionCondition,
  ]),
);

export const SegmentId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, _ and -, at most 64');

/** A rule segment as a user writes it (YAML or JSON). */
export const SegmentDefinition = z
  .object({ id: SegmentId, name: z.string().min(1).max(200), description: z.string().max(2000).optional(), rule: Rule })
  .strict();
export type SegmentDefinition = z.infer<typeof SegmentDefinition>;

/** Parses outside data as T or throws a validation_failed error naming the first problem's path. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const best = issue ? mostSpecific(issue, []) : undefined;
  const path = best?.path.length ? ` at ${best.path.join('.')}` : '';
  throw new TesseraError('validation_failed', `${what}${path}: ${best?.message ?? 'invalid'}`, { issues: parsed.error.issues.slice(0, 20) });
}

interface Located {
  path: PropertyKey[];
  message: string;
}

/**
 * A rule that fits no kind fails every branch of the union; the branch that got furthest (its first
 * issue deepest) is the kind the user meant, so its message is the one worth printing.
 */
function mostSpecific(issue: z.core.$ZodIssue, prefix: PropertyKey[]): Located {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path, message: issue.message };
  const candidates = issue.errors.flatMap((branch) => (branch[0] ? [mostSpecific(branch[0], path)] : []));
  const score = (l: Located, i: number) => l.path.length * 2 + (issue.errors[i]?.[0]?.code === 'unrecognized_keys' ? 0 : 1);
  let best = candidates[0] ?? { path, message: issue.message };
  candidates.forEach((c, i) => {
    if (score(c, i) > score(best, candidates.indexOf(best))) best = c;
  });
  return best;
}
