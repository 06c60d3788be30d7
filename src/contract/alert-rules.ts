import { z } from 'zod';

// Alerts are config (`alerts:` in tessera.config.yaml) like merge rules and benchmarks: what to
// watch is data, never code. src/activation evaluates them; the server's scheduler runs them.

/** What makes a KPI alert fire for a period. `change_*` are in percent against the comparison period. */
export const AlertCondition = z.union([
  z.literal('off_track').describe("the KPI's benchmark status is off track"),
  z.object({ below: z.number() }).strict(),
  z.object({ above: z.number() }).strict(),
  z.object({ change_below: z.number() }).strict(),
  z.object({ change_above: z.number() }).strict(),
]);
export type AlertCondition = z.infer<typeof AlertCondition>;

/** One watched KPI. */
export const AlertRule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "_" or "-"'),
    metric: z.string().min(1),
    /** Period the KPI is measured over. */
    grain: z.enum(['day', 'week', 'month', 'quarter', 'year']).default('day'),
    /** `complete`: the last whole period (yesterday for `day`); `current`: the period in progress, so far. */
    period: z.enum(['complete', 'current']).default('complete'),
    compare: z.enum(['previous', 'last-year']).default('previous'),
    when: AlertCondition,
    /** Only this segment's customers (a segment id). */
    segment: z.string().min(1).optional(),
  })
  .strict();
export type AlertRule = z.infer<typeof AlertRule>;
export type AlertRuleInput = z.input<typeof AlertRule>;

/**
 * The rules a workspace watches unless its config lists its own: the two drops an operator wants to
 * hear about the same day rather than at month end.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRuleInput[] = [
  { id: 'revenue-weekly-drop', metric: 'revenue', grain: 'week', when: { change_below: -20 } },
  { id: 'conversion-weekly-drop', metric: 'conversion_rate', grain: 'week', when: { change_below: -20 } },
];

export const AlertsConfig = z
  .object({
    /** How often `tessera serve` evaluates the rules. */
    intervalSeconds: z.number().int().min(1).max(86_400).default(60),
    rules: z
      .array(AlertRule)
      .default(DEFAULT_ALERT_RULES.map((r) => AlertRule.parse(r)))
      .superRefine((rules, ctx) => {
        const seen = new Set<string>();
        rules.forEach((r, i) => {
          if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate alert id "${r.id}"` });
          seen.add(r.id);
        });
      }),
  })
  .strict();
export type AlertsConfig = z.infer<typeof AlertsConfig>;

/** An alert as `tessera alerts list --json`, `GET /api/v1/alerts` and the live feed show it. */
export interface Alert {
  id: string;
  rule: string;
  metric: string;
  label: string;
  unit: string;
  grain: string;
  period: string;
  start: string;
  end: string;
  segment: string | null;
  value: number | null;
  previous: number | null;
  change: number | null;
  /** The condition in words, such as "change below -20%". */
  condition: string;
  message: string;
  status: 'open' | 'resolved';
  fired_at: string;
  resolved_at: string | null;
}
