import type { RetentionWindow, RetentionWindowName } from '../contract/index.js';
import { shiftDay } from './as-of.js';

// The retention view's three windows (pure): month to date, and the same days of last month and
// of the same month last year.

/** The window names in report order, with how far back each one's last day lies. */
export const RETENTION_WINDOWS: readonly { name: RetentionWindowName; back: { months?: number; years?: number } }[] = [
  { name: 'current', back: {} },
  { name: 'last_month', back: { months: 1 } },
  { name: 'last_year', back: { years: 1 } },
];

const daysFrom = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** The first of a day's month up to that day, both included. */
export function monthToDate(day: string): RetentionWindow {
  const from = `${day.slice(0, 8)}01`;
  return { from, to: day, days: daysFrom(from, day) };
}

/**
 * The windows as of day D. An earlier window ends on D's day of its month, clamped to that month's
 * last day (luxon's month arithmetic): as of 03-31 last month is 02-01..02-28, and as of 2024-02-29
 * last year is 2023-02-01..2023-02-28.
 */
export function retentionWindows(day: string): Record<RetentionWindowName, RetentionWindow> {
  const entries = RETENTION_WINDOWS.map((w) => [w.name, monthToDate(w.name === 'current' ? day : shiftDay(day, w.back))] as const);
  return Object.fromEntries(entries) as Record<RetentionWindowName, RetentionWindow>;
}
