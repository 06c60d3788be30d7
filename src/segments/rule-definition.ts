import { z } from 'zod';
import { TesseraError } from '../contract/index.js';
import { RFM_SEGMENT_NAMES } from './rfm-score.js';
import { arityMessage, conditionErrorMap, kindMessage, opMessage, valueTypeMessage } from './rule-messages.js';
import { CONDITION_KINDS, CountOp, FACTS, ITEM_FIELDS, PREDICTIONS, ValueOp, isRecord, opsFor, subjectOf, type ConditionKind, type ValueType } from './rule-vocabulary.js';

// Rule segments as data (conventions: definitions are validated JSON/YAML, never code). The
// compiler (compile-rule.ts) turns a rule into SQL whose every value is a bound parameter.

const Scalar = z.union([z.string(), z.number().finite(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

export { ValueOp, CountOp, FACTS, ITEM_FIELDS, PREDICTIONS, type FactName, type ItemField, type PredictionName } from './rule-vocabulary.js';

const comparisonShape = { op: ValueOp, value: z.union([Scalar, z.array(Scalar).min(1).max(10_000)]).optional() };

const matchesType: Record<ValueType, (v: Scalar) => boolean> = {
  number: (v) => typeof v === 'number',
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
  flag: (v) => typeof v === 'boolean',
  scalar: () => true,
};

/**
 * Whether the subject takes the operator, and whether the constants fit both: none for exists, a
 * list for in, one value otherwise, each of the subject's type (numbers for revenue, …).
 */
function checkComparison(c: Comparison, ctx: z.RefinementCtx): void {
  const subject = subjectOf(c);
  if (subject && !opsFor(subject.type).includes(c.op)) {
    ctx.addIssue({ code: 'custom', message: opMessage(subject, c.op), path: ['op'] });
    return;
  }
  const takes = c.op === 'exists' || c.op === 'not_exists' ? 'none' : c.op === 'in' || c.op === 'not_in' ? 'list' : 'one';
  const wrote = c.value === undefined ? 'none' : Array.isArray(c.value) ? 'list' : 'one';
  if (takes !== wrote) {
    ctx.addIssue({ code: 'custom', message: arityMessage(c.op), path: ['value'] });
    return;
  }
  const values = c.value === undefined ? [] : Array.isArray(c.value) ? c.value : [c.value];
  if (subject && !values.every(matchesType[subject.type])) ctx.addIssue({ code: 'custom', message: valueTypeMessage(subject), path: ['value'] });
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

/**
 * A rule is read by the one key that names its kind, then by that kind's schema alone. A union of
 * the kinds would try them all and report whichever failed last (`all: expected array` for a
 * misspelt fact); choosing the kind first lets the issue be about what the user wrote.
 */
export const Rule: z.ZodType<Rule> = z.unknown().transform((input, ctx): Rule => {
  const kind = kindOf(input);
  if (kind === undefined) {
    ctx.addIssue({ code: 'custom', message: kindMessage(input) });
    return z.NEVER;
  }
  const parsed = conditionSchemas[kind].safeParse(input, { error: conditionErrorMap(input) });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});

const Rules = z.array(Rule).min(1).max(100);
const conditionSchemas: Record<ConditionKind, z.ZodType<Rule>> = {
  trait: TraitCondition,
  fact: FactCondition,
  event: EventCondition,
  bought: BoughtCondition,
  rfm: RfmCondition,
  prediction: PredictionCondition,
  all: z.object({ all: Rules }).strict(),
  any: z.object({ any: Rules }).strict(),
  not: z.object({ not: Rule }).strict(),
};

/** The kind of condition an object names by its keys, when it names exactly one. */
function kindOf(input: unknown): ConditionKind | undefined {
  if (!isRecord(input)) return undefined;
  const kinds = CONDITION_KINDS.filter((kind) => Object.hasOwn(input, kind));
  return kinds.length === 1 ? kinds[0] : undefined;
}

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
  const path = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new TesseraError('validation_failed', `${what}${path}: ${issue?.message ?? 'invalid'}`, { issues: parsed.error.issues.slice(0, 20) });
}
