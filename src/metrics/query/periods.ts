import { DateTime } from 'luxon';
import type { Grain } from '../../store/index.js';

/**
 * Calendar arithmetic on local dates (`YYYY-MM-DD` in the reporting zone). Events were given their
 * local day when the facts were built, so periods here are pure dates: a DST day is simply a day.
 */

/** A span of local days [start, end). */
export interface DayWindow {
  start: string;
  end: string;
}

/** One period of a series: its label, and the part of it inside the queried range. */
export interface Period extends DayWindow {
  label: string;
}

export const grains: readonly Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

const unit = { day: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year' } as const;

const parse = (day: string): DateTime => DateTime.fromISO(day, { zone: 'utc' });
const format = (dt: DateTime): string => dt.toISODate() ?? '';

/** True for a real calendar date written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && parse(text).isValid;
}

/** The first day of the period of `grain` holding `day` (weeks are ISO weeks, starting Monday). */
export function periodStart(day: string, grain: Grain): string {
  return format(parse(day).startOf(unit[grain], { useLocaleWeeks: false }));
}

/** `day` moved by `n` periods of `grain` (a month from the 31st lands on the month's last day). */
export function addPeriods(day: string, grain: Grain, n: number): string {
  return format(parse(day).plus({ [`${unit[grain]}s`]: n }));
}

/** Adds days to a local date. */
export function addDays(day: string, n: number): string {
  return format(parse(day).plus({ days: n }));
}

/** The label of the period starting on `start`: 2024-01-05, 2024-W01, 2024-01, 2024-Q1, 2024. */
export function periodLabel(start: string, grain: Grain): string {
  const dt = parse(start);
  switch (grain) {
    case 'day':
      return start;
    case 'week':
      return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
    case 'month':
      return start.slice(0, 7);
    case 'quarter':
      return `${dt.year}-Q${dt.quarter}`;
    case 'year':
      return String(dt.year);
  }
}

/** The periods of `grain` that meet [from, to), each clipped to the range. */
export function periodsOf(from: string, to: string, grain: Grain): Period[] {
  const periods: Period[] = [];
  for (let start = periodStart(from, grain); start < to; start = addPeriods(start, grain, 1)) {
    const end = addPeriods(start, grain, 1);
    periods.push({ label: periodLabel(start, grain), start: start < from ? from : start, end: end > to ? to : end });
  }
  return periods;
}

/** A window moved by `n` periods of `grain`. */
export function shiftWindow(w: DayWindow, grain: Grain, n: number): DayWindow {
  return { start: addPeriods(w.start, grain, n), end: addPeriods(w.end, grain, n) };
}

/**
 * The span of the same length just before `w`, for the whole range's comparison: `periods` periods of `grain` earlier
 * when `w` is made of whole ones; else as many whole months when it runs from a month's first day to another's; else
 * as many days. A year from December to December at grain quarter touches five quarters: five quarters back would
 * compare it with a year ending three months before it starts.
 */
export function spanBefore(w: DayWindow, grain: Grain, periods: number): DayWindow {
  if (periodStart(w.start, grain) === w.start && periodStart(w.end, grain) === w.end) return shiftWindow(w, grain, -periods);
  const start = parse(w.start);
  const end = parse(w.end);
  if (start.day === 1 && end.day === 1) return shiftWindow(w, 'month', -Math.round(end.diff(start, 'months').months));
  const days = Math.round(end.diff(start, 'days').days);
  return { start: addDays(w.start, -days), end: w.start };
}

/**
 * The same window a year earlier: the same ISO week of the previous year for weeks (52 weeks back,
 * so Mondays stay Mondays), the same dates otherwise.
 */
export function lastYearWindow(w: DayWindow, grain: Grain): DayWindow {
  return grain === 'week' ? shiftWindow(w, 'week', -52) : shiftWindow(w, 'year', -1);
}

/** Whole periods of `grain` covering the days from `first` to `last` (inclusive). */
export function coveringRange(first: string, last: string, grain: Grain): DayWindow {
  return { start: periodStart(first, grain), end: addPeriods(periodStart(last, grain), grain, 1) };
}

const dayMs = 86_400_000;

/** Every day of a window, in order (plain UTC arithmetic: this runs for every day of every query). */
export function daysOf(w: DayWindow): string[] {
  const days: string[] = [];
  const end = Date.parse(`${w.end}T00:00:00Z`);
  for (let t = Date.parse(`${w.start}T00:00:00Z`); t < end; t += dayMs) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
