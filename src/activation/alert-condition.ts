import type { AlertCondition } from '../contract/index.js';
import { formatNumber } from '../metrics/index.js';

/** What a condition reads of a KPI answer's total. */
export interface AlertFigures {
  value: number | null;
  change: number | null;
  status: 'on_track' | 'off_track' | null;
}

/** Whether the condition holds; a missing figure (no data, no comparison) never fires an alert. */
export function conditionHolds(when: AlertCondition, f: AlertFigures): boolean {
  if (when === 'off_track') return f.status === 'off_track';
  if ('below' in when) return f.value !== null && f.value < when.below;
  if ('above' in when) return f.value !== null && f.value > when.above;
  if ('change_below' in when) return f.change !== null && f.change < when.change_below;
  return f.change !== null && f.change > when.change_above;
}

/** The condition in words, such as "change below -20%". */
export function describeCondition(when: AlertCondition, unit: string): string {
  if (when === 'off_track') return 'off track against its benchmark';
  if ('below' in when) return `below ${formatNumber(when.below, unit)}`;
  if ('above' in when) return `above ${formatNumber(when.above, unit)}`;
  if ('change_below' in when) return `change below ${formatNumber(when.change_below)}%`;
  return `change above ${formatNumber(when.change_above)}%`;
}
