import { TesseraError } from '../../contract/index.js';
import type { Grain } from '../../store/index.js';
import { compareModes, type CompareMode } from './metric-result.js';
import { grains, isDay } from './periods.js';
import type { MetricQuery } from './run-metric.js';
import { dimensions, type Dimension } from './sources.js';

/** A KPI question as a user types it (CLI flags, HTTP query parameters): every value a string. */
export interface MetricQueryText {
  metric: string;
  from?: string | undefined;
  to?: string | undefined;
  grain?: string | undefined;
  compare?: string | undefined;
  breakdown?: string | undefined;
  /** A baseline period for `compare baseline`, overriding the benchmark's. */
  baselineFrom?: string | undefined;
  baselineTo?: string | undefined;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new TesseraError('invalid_argument', `${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

function day(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isDay(value)) throw new TesseraError('invalid_argument', `${name} must be a date such as 2024-01-31, not "${value}"`);
  return value;
}

/** Checks and types a KPI question; each mistake is a user error naming the setting and what it accepts. */
export function parseMetricQuery(text: MetricQueryText): MetricQuery {
  const from = day('from', text.from);
  const to = day('to', text.to);
  const grain = oneOf<Grain>('grain', text.grain, grains);
  const compare = oneOf<CompareMode>('compare', text.compare, compareModes);
  const breakdown = oneOf<Dimension>('breakdown', text.breakdown, dimensions);
  const baselineFrom = day('baseline-from', text.baselineFrom);
  const baselineTo = day('baseline-to', text.baselineTo);
  if ((baselineFrom === undefined) !== (baselineTo === undefined)) throw new TesseraError('invalid_argument', 'give both baseline-from and baseline-to, or neither');
  if (baselineFrom !== undefined && baselineTo !== undefined && baselineFrom >= baselineTo) {
    throw new TesseraError('invalid_argument', `baseline-from (${baselineFrom}) must be before baseline-to (${baselineTo})`);
  }
  return {
    metric: text.metric,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(grain ? { grain } : {}),
    ...(compare ? { compare } : {}),
    ...(breakdown ? { breakdown } : {}),
    ...(baselineFrom && baselineTo ? { baseline: { from: baselineFrom, to: baselineTo } } : {}),
  };
}
