import { z } from 'zod';
import { TesseraError } from '../../contract/index.js';
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

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
}

/**
 * The issues worth showing: a union (a custom KPI is a series or a table) reports the branch that
 * came closest, so the user reads "numerator: required", not "invalid input".
 */
function leafIssues(issue: Issue, prefix: PropertyKey[]): Issue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
    if (closest.length > 0) return closest.flatMap((i) => leafIssues(i, path));
  }
  return [{ path, message: issue.message }];
}

/**
 * The `metrics` section of a parsed config, validated with the catalog's schema. TesseraConfig
 * (contract/) cannot import this schema, so it carries the section unparsed and it is validated
 * here, listing every invalid setting the way the config loader does.
 */
export function metricsConfigOf(config: object): MetricsConfig {
  const section = (config as { metrics?: unknown }).metrics;
  const parsed = MetricsConfig.safeParse(section ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.flatMap((i) => leafIssues(i, [])).map((i) => `  metrics${i.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('')}: ${i.message}`);
  throw new TesseraError('invalid_config', `invalid configuration:\n${lines.join('\n')}`);
}
