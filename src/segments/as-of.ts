import { DateTime } from 'luxon';
import { TesseraError } from '../contract/index.js';

/** A reporting day and the instant it ends: facts "as of D" are what was known at the end of D. */
export interface AsOf {
  /** YYYY-MM-DD in the reporting time zone. */
  day: string;
  /** The first instant after D (midnight starting D + 1 in the reporting zone), in UTC. */
  end: Date;
}

/** Parses a --as-of value (YYYY-MM-DD), answering a user error that says what to type. */
export function parseDay(text: string, what = '--as-of'): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new TesseraError('invalid_argument', `${what} ${text}: give a date as YYYY-MM-DD`);
  if (!DateTime.fromISO(text, { zone: 'UTC' }).isValid) throw new TesseraError('invalid_argument', `${what} ${text}: there is no such day`);
  return text;
}

/** The end instant of a reporting day in a time zone. */
export function asOfDay(day: string, timezone: string): AsOf {
  const start = DateTime.fromISO(day, { zone: timezone });
  if (!start.isValid) throw new TesseraError('invalid_argument', `${day} is not a date in time zone ${timezone}`);
  return { day, end: start.plus({ days: 1 }).toUTC().toJSDate() };
}

/** The same date a year or a month earlier (29 February and the 31st fall back to the month's last day). */
export function shiftDay(day: string, by: { years?: number; months?: number; days?: number }): string {
  const shifted = DateTime.fromISO(day, { zone: 'UTC' }).minus(by).toISODate();
  if (shifted === null) throw new TesseraError('invalid_argument', `${day} is not a date`);
  return shifted;
}

/** Today in a time zone, for an empty workspace with no last day of data. */
export function today(timezone: string, now = new Date()): string {
  return DateTime.fromJSDate(now, { zone: timezone }).toISODate() ?? now.toISOString().slice(0, 10);
}
