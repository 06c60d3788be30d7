import { DateTime, FixedOffsetZone, type Zone } from 'luxon';

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
  let at: string | Zone = zone;
  if (m[8] !== undefined) at = FixedOffsetZone.utcInstance;
  else if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11] ?? 0);
    if (hours > 23 || minutes > 59) return undefined;
    at = FixedOffsetZone.instance((m[9] === '-' ? -1 : 1) * (hours * 60 + minutes));
  }
  // Luxon checks the calendar and the clock: February 30th, 25:00 or an unknown zone is invalid.
  const local = DateTime.fromObject(fields, { zone: at });
  return local.isValid ? local.toJSDate() : undefined;
}
