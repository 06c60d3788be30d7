import { z } from 'zod';
import { MetricDefinition } from '../catalog/metric-definition.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2024-01-31');

/** A period [from, to) of local dates that a KPI is compared with. */
export const BaselinePeriod = z
  .object({ from: day, to: day })
  .strict()
  .refine((p) => p.from < p.to, { message: 'from must be before to' });
export type BaselinePeriod = z.infer<typeof BaselinePeriod>;

/** A KPI's benchmark: a target value, a baseline period, or both. */
export const Benchmark = z
  .object({
    target: z.number().optional(),
    baseline: BaselinePeriod.optional(),
    /** Overrides the catalog's `better` for this workspace. */
    better: z.enum(['higher', 'lower']).optional(),
  })
  .strict();
export type Benchmark = z.infer<typeof Benchmark>;

/** The activation KPI's settings (metrics.md: "the event and the window are settings"). */
export const ActivationSettings = z
  .object({
    event: z.string().min(1).default('Signed Up'),
    windowDays: z.number().int().positive().default(30),
  })
  .strict();
export type ActivationSettings = z.infer<typeof ActivationSettings>;

/**
 * The `metrics:` section of the config: custom KPIs in the catalog's own form, per-KPI
 * benchmarks, and the settings of built-in KPIs.
 */
export const MetricsConfig = z
  .object({
    custom: z.array(MetricDefinition).default([]),
    benchmarks: z.record(z.string(), Benchmark).default({}),
    activation: ActivationSettings.default(ActivationSettings.parse({})),
  })
  .strict();
export type MetricsConfig = z.infer<typeof MetricsConfig>;
export type MetricsConfigInput = z.input<typeof MetricsConfig>;

/**
 * The metrics section of a parsed config. TesseraConfig does not declare `metrics` yet; until it
 * does, a config object that carries one (tests, embedders) is still honoured.
 */
export function metricsConfigOf(config: object): MetricsConfig {
  const section = (config as { metrics?: unknown }).metrics;
  return section instanceof Object && 'custom' in section && 'benchmarks' in section && 'activation' in section
    ? (section as MetricsConfig)
    : MetricsConfig.parse(section ?? {});
}
