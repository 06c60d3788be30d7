import { z } from 'zod';
import { Filter } from './filter.js';

/** The fact tables a measure can read (query/sources.ts says what each holds). */
export const SourceName = z.enum(['orders', 'order_items', 'sessions', 'visitors', 'customers', 'events', 'email_sends', 'survey_responses']);
export type SourceName = z.infer<typeof SourceName>;

/**
 * Which rows of a period P a measure reads: those dated in P, in P−1 (the period of the same grain
 * just before), or everything up to the end of P.
 */
export const MeasureWindow = z.enum(['period', 'previous_period', 'to_date']);
export type MeasureWindow = z.infer<typeof MeasureWindow>;

/**
 * One aggregate over one source: `count` of rows, `count_distinct` of a field, or `sum` of a field,
 * over the rows that pass `where`. A numerator or denominator is one measure or a signed sum of
 * several (NPS: promoters minus detractors).
 */
export const Measure = z
  .object({
    source: SourceName,
    aggregate: z.enum(['count', 'count_distinct', 'sum']),
    field: z.string().optional(),
    where: z.array(Filter).default([]),
    window: MeasureWindow.default('period'),
    sign: z.union([z.literal(1), z.literal(-1)]).default(1),
  })
  .strict()
  .refine((m) => m.aggregate === 'count' || m.field !== undefined, { message: 'count_distinct and sum need a field' });
export type Measure = z.infer<typeof Measure>;
export type MeasureInput = z.input<typeof Measure>;

/** A numerator or denominator: one measure, or the signed sum of several. */
export const Expression = z.union([Measure.transform((m) => [m]), z.array(Measure).min(1)]);
export type Expression = Measure[];
