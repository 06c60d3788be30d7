import { DateTime } from 'luxon';

/**
 * ISO-8601 as Segment's timestamps are written: a date, then optionally `T` (or a space) and a time with optional
 * seconds and fraction, then optionally `Z`, an offset (`±HH:MM`, `±HHMM`, `±HH`), or ` UTC` / ` GMT` (BigQuery's and
 * many databases' text form, which file imports read too; a space before an offset is Ruby's and others' text form,
 * which the CSV path reads as well). `Date.parse` took anything V8 could guess at once a string ended like an offset
 * (`5Z` was 2001-05-01, 2023-02-29 rolled over into March, RFC 2822 passed), so the grammar is checked here, and
 * luxon checks the calendar.
 */
const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:\s*(?:(Z|UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?))?)?$/i;

/**
 * An ISO-8601 date-time to a UTC instant; a time without an offset is read in `zone` (IANA), DST-correct.
 * Returns undefined for text that is not one, or that names no real moment (February 30th, 25:00, +24:00).
 */
export function parseInstant(text: string, zone: string): Date | undefined {
  const m = isoPattern.exec(text.trim());
  if (!m) return undefined;
  const fields = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    // Milliseconds are what an instant holds: further digits are cut, as Date.parse cut them.
    millisecond: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
  };
  // Luxon reads 24:00 as the next day's midnight, which ISO-8601 allows but Segment never writes.
  if (fields.hour > 23) return undefined;
  let offsetMinutes: number | undefined;
  if (m[8] !== undefined) offsetMinutes = 0;
  else if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11] ?? 0);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  // With an offset, the calendar and the clock are checked here and the instant is plain arithmetic: luxon's
  // object path cost ~2 µs a message, a tenth of what preparing one costs on the tracking API's main thread.
  if (offsetMinutes !== undefined) return fixedOffsetInstant(fields, offsetMinutes);
  // Without one, the zone's rules (DST) decide; luxon also refuses an unknown zone.
  const local = DateTime.fromObject(fields, { zone });
  return local.isValid ? local.toJSDate() : undefined;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The instant of a calendar time at a fixed offset from UTC (minutes east); undefined for a day or time that does not exist. */
function fixedOffsetInstant(f: Fields, offsetMinutes: number): Date | undefined {
  if (f.month < 1 || f.month > 12 || f.day < 1) return undefined;
  if (f.day > (f.month === 2 && isLeap(f.year) ? 29 : monthDays[f.month - 1]!)) return undefined;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute - offsetMinutes, f.second, f.millisecond);
  return date;
}
