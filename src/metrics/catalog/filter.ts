import { z } from 'zod';

/**
 * A condition on the rows a measure reads. Filters are data, compiled to SQL with bound values;
 * fields are names from the source's whitelist (query/sources.ts), never SQL.
 */
export type Filter =
  | { field: string; op: 'eq' | 'neq'; value: string | number | boolean }
  | { field: string; op: 'in' | 'not_in'; values: (string | number)[] }
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number | string | PeriodBound }
  | { field: string; op: 'between'; min: number; max: number }
  | { field: string; op: 'is_null' | 'not_null' | 'is_true' | 'is_false' }
  | { field: string; op: 'within_days_after'; days: number }
  | { op: 'customer_ordered'; in: 'period' | 'previous_period'; negate?: boolean }
  | { op: 'any'; filters: Filter[] };

/** A bound of the period being computed, for filters such as "first order before the period". */
export const PeriodBound = z.object({ period: z.enum(['start', 'end']) }).strict();
export type PeriodBound = z.infer<typeof PeriodBound>;

const field = z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, 'a field name such as revenue or customer.first_order_day');

export const Filter: z.ZodType<Filter> = z.lazy(() =>
  z.union([
    z.object({ field, op: z.enum(['eq', 'neq']), value: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
    z.object({ field, op: z.enum(['in', 'not_in']), values: z.array(z.union([z.string(), z.number()])).min(1) }).strict(),
    z.object({ field, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.union([z.number(), z.string(), PeriodBound]) }).strict(),
    z.object({ field, op: z.literal('between'), min: z.number(), max: z.number() }).strict(),
    z.object({ field, op: z.enum(['is_null', 'not_null', 'is_true', 'is_false']) }).strict(),
    z.object({ field, op: z.literal('within_days_after'), days: z.number().int().positive() }).strict(),
    z.object({ op: z.literal('customer_ordered'), in: z.enum(['period', 'previous_period']), negate: z.boolean().optional() }).strict(),
    z.object({ op: z.literal('any'), filters: z.array(Filter).min(1) }).strict(),
  ]),
);

/** True when a filter needs to know which period it is evaluated for (it cannot be pre-aggregated by day). */
export function dependsOnPeriod(filter: Filter): boolean {
  if (filter.op === 'customer_ordered') return true;
  if (filter.op === 'any') return filter.filters.some(dependsOnPeriod);
  if ('value' in filter && typeof filter.value === 'object') return true;
  return false;
}

/** Every field a filter names (for validation against a source). */
export function filterFields(filter: Filter): string[] {
  if (filter.op === 'customer_ordered') return [];
  if (filter.op === 'any') return filter.filters.flatMap(filterFields);
  return [filter.field];
}

/** True when a filter compares against customer presence in a period (needs the orders presence table). */
export function usesPresence(filter: Filter): boolean {
  if (filter.op === 'customer_ordered') return true;
  if (filter.op === 'any') return filter.filters.some(usesPresence);
  return false;
}
