import { z } from 'zod';
import { metricUnits } from '../../contract/index.js';
import { Filter } from './filter.js';
import { Expression } from './measure.js';

/** Units of the catalog (metrics.md): what a value is measured in. */
export const Unit = z.enum(metricUnits);
export type Unit = z.infer<typeof Unit>;

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case id such as repeat_purchase_rate');

const common = {
  id,
  label: z.string().min(1),
  unit: Unit,
  /** Leading indicators move before results; lagging ones are the results. */
  tag: z.enum(['leading', 'lagging']),
  description: z.string().min(1),
  /** What one unit of the numerator is, in words ("distinct order_id, net of refunds"). */
  counts: z.string().min(1),
  /** Whether a higher value is better; decides on track / off track against a target. */
  better: z.enum(['higher', 'lower']).default('higher'),
  /** One of the overview's headline KPIs. */
  headline: z.boolean().default(false),
};

/**
 * A KPI as data: `value = scale × numerator / denominator` per period (no denominator: the
 * numerator itself). `filters` apply to every measure; rows that pass `filters` but fail `valid`
 * are not counted and are reported as dropped (survey scores outside their scale).
 */
export const SeriesMetric = z
  .object({
    ...common,
    kind: z.literal('series').default('series'),
    filters: z.array(Filter).default([]),
    valid: z.array(Filter).default([]),
    /** Why rows failing `valid` are dropped, in words. */
    dropReason: z.string().optional(),
    numerator: Expression,
    denominator: Expression.optional(),
    scale: z.number().default(1),
  })
  .strict();
export type SeriesMetric = z.infer<typeof SeriesMetric>;

/** A column of a table metric: a small series metric of its own. */
export const TableColumn = z
  .object({
    id,
    label: z.string().min(1),
    unit: Unit,
    numerator: Expression,
    denominator: Expression.optional(),
    scale: z.number().default(1),
  })
  .strict();
export type TableColumn = z.infer<typeof TableColumn>;

/** A breakdown table (top traffic sources): per value of `by`, one value per column, rows sorted by `sortBy`. */
export const TableMetric = z
  .object({
    ...common,
    kind: z.literal('table'),
    by: z.enum(['source', 'country', 'currency']),
    columns: z.array(TableColumn).min(1),
    sortBy: z.string(),
  })
  .strict()
  .refine((t) => t.columns.some((c) => c.id === t.sortBy), { message: 'sortBy must name a column' });
export type TableMetric = z.infer<typeof TableMetric>;

export const MetricDefinition = z.union([TableMetric, SeriesMetric]);
export type MetricDefinition = z.infer<typeof MetricDefinition>;
export type MetricDefinitionInput = z.input<typeof MetricDefinition>;
