import { z } from 'zod';

// The words of the rule language: the kinds of condition, the facts, predictions and item fields a
// condition may name, and which operators and values each takes. The schemas (rule-definition.ts)
// and the messages that explain a wrong rule (rule-messages.ts) both read them from here.

export const ValueOp = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_contains', 'starts_with', 'ends_with', 'in', 'not_in', 'exists', 'not_exists']);
export type ValueOp = z.infer<typeof ValueOp>;

export const CountOp = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']);
export type CountOp = z.infer<typeof CountOp>;

/** The key that names each kind of condition, in the order messages list them. */
export const CONDITION_KINDS = ['trait', 'fact', 'event', 'bought', 'rfm', 'prediction', 'all', 'any', 'not'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export const FACTS = ['orders', 'revenue', 'aov', 'first_order', 'last_order', 'days_since_first_order', 'days_since_last_order'] as const;
export type FactName = (typeof FACTS)[number];

/** Columns of `clv_predictions` (written by `tessera clv predict`) a rule may test. */
export const PREDICTIONS = ['expected_purchases', 'p_alive', 'churn_risk', 'expected_spend', 'clv', 'clv_decile', 'high_value', 'high_value_at_risk'] as const;
export type PredictionName = (typeof PREDICTIONS)[number];

export const ITEM_FIELDS = ['product_id', 'sku', 'name', 'category'] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

/** What a comparison's constants must be: numbers, YYYY-MM-DD dates, true/false, or any scalar. */
export type ValueType = 'number' | 'date' | 'flag' | 'scalar';

export const FACT_TYPES: Record<FactName, ValueType> = {
  orders: 'number',
  revenue: 'number',
  aov: 'number',
  first_order: 'date',
  last_order: 'date',
  days_since_first_order: 'number',
  days_since_last_order: 'number',
};

export const PREDICTION_TYPES: Record<PredictionName, ValueType> = {
  expected_purchases: 'number',
  p_alive: 'number',
  churn_risk: 'number',
  expected_spend: 'number',
  clv: 'number',
  clv_decile: 'number',
  high_value: 'flag',
  high_value_at_risk: 'flag',
};

const TEXT_OPS: readonly ValueOp[] = ['contains', 'not_contains', 'starts_with', 'ends_with'];

/** The operators a value of this type takes: text matching only where the value may be text. */
export function opsFor(type: ValueType): readonly ValueOp[] {
  return type === 'scalar' ? ValueOp.options : ValueOp.options.filter((op) => !TEXT_OPS.includes(op));
}

/** What a comparison compares, as messages name it (`fact revenue`), and the values it takes. */
export interface Subject {
  label: string;
  type: ValueType;
}

/**
 * The subject of a comparison object (a fact, prediction, trait, event property or item field),
 * or undefined when the object is no comparison or names no subject this language knows.
 */
export function subjectOf(condition: unknown): Subject | undefined {
  if (!isRecord(condition)) return undefined;
  const { fact, prediction, trait, property, field } = condition;
  if (isOneOf(FACTS, fact)) return { label: `fact ${fact}`, type: FACT_TYPES[fact] };
  if (isOneOf(PREDICTIONS, prediction)) return { label: `prediction ${prediction}`, type: PREDICTION_TYPES[prediction] };
  if (isOneOf(ITEM_FIELDS, field)) return { label: `item field ${field}`, type: 'scalar' };
  if (trait !== undefined) return { label: `trait ${keyLabel(trait)}`, type: 'scalar' };
  if (property !== undefined) return { label: `property ${keyLabel(property)}`, type: 'scalar' };
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(names: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (names as readonly string[]).includes(value);
}

const keyLabel = (key: unknown): string => (Array.isArray(key) ? key.map(String).join('.') : String(key));
