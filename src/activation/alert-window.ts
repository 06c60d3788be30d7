import type { AlertRule } from '../contract/index.js';
import { addDays, addPeriods, periodLabel, periodStart } from '../metrics/index.js';

/** The period an alert rule looks at. */
export interface AlertWindow {
  label: string;
  start: string;
  /** Exclusive. */
  end: string;
}

/**
 * The period to evaluate. A `complete` rule takes the last whole period ending on or before
 * `cutoff`, the local day after the last day whose data is complete (today for a shop sending live
 * data, the day after its last data for a historical one). A `current` rule takes the period
 * holding the last day with data (today, for a live shop), up to that day.
 */
export function alertWindow(rule: Pick<AlertRule, 'grain' | 'period'>, cutoff: string, lastDataDay: string): AlertWindow {
  if (rule.period === 'current') {
    const start = periodStart(lastDataDay, rule.grain);
    return { label: periodLabel(start, rule.grain), start, end: addDays(lastDataDay, 1) };
  }
  const holding = periodStart(addDays(cutoff, -1), rule.grain);
  const holdingEnd = addPeriods(holding, rule.grain, 1);
  const start = holdingEnd <= cutoff ? holding : addPeriods(holding, rule.grain, -1);
  return { label: periodLabel(start, rule.grain), start, end: addPeriods(start, rule.grain, 1) };
}

/** The cutoff day: today in the reporting zone, or the day after the last data if that is earlier. */
export function alertCutoff(today: string, lastDataDay: string | null): string {
  if (lastDataDay === null) return today;
  const afterData = addDays(lastDataDay, 1);
  return afterData < today ? afterData : today;
}
