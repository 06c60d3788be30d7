import { DateTime } from 'luxon';

/**
 * ISO-8601 as Segment's timestamps are written: a date, then optionally `T` (or a space) and a time with optional
 * seconds and fraction, then optionally `Z`, an offset (`±HH:MM`, `±HHMM`, `±HH`), or ` UTC` / ` GMT` (BigQuery's and
 * many databases' text form, which file imports read too; a space before an offset is Ruby's and others' text form,
 * which the CSV path reads as well). `Date.parse` took anything V8 could guess at once a string ended like an offset
 * (`5Z` was 2001-05-01, 2023-02-29 rolled over into March, RFC 2822 passed), so the grammar is checked here and the
 * calendar below, before any library reads a number.
 */
const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:\s*(?:(Z|UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?))?)?$/i;

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number): number => (month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Epoch ms of a UTC wall time; through setUTCFullYear, as Date.UTC reads years 0-99 as 1900-1999. */
function utcMs(f: Fields): number {
  const d = new Date(Date.UTC(2000, f.month - 1, f.day, f.hour, f.minute, f.second, f.millisecond));
  d.setUTCFullYear(f.year);
  return d.getTime();
}

/**
 * An ISO-8601 date-time to a UTC instant; a time without an offset is read in `zone` (IANA), DST-correct.
 * Returns undefined for text that is not one, or that names no real moment (February 30th, 25:00, +24:00).
 */
export function parseInstant(text: string, zone: string): Date | undefined {
  const m = isoPattern.exec(text.trim());
  if (!m) return undefined;
  const f: Fields = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    // Milliseconds are what an instant holds: further digits are cut, as Date.parse cut them.
    millisecond: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
  };
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysIn(f.year, f.month) || f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  if (m[8] !== undefined) return new Date(utcMs(f));
  if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11] ?? 0);
    if (hours > 23 || minutes > 59) return undefined;
    return new Date(utcMs(f) - (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000);
  }
  const local = DateTime.fromObject(f, { zone });
  return local.isValid ? local.toJSDate() : undefined;
}
