import { DateTime, FixedOffsetZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseInstant } from './parse-instant.js';

const iso = (text: string, zone = 'UTC'): string | undefined => parseInstant(text, zone)?.toISOString();

describe('parseInstant', () => {
  it('refuses a day the calendar does not have, with an offset as without one', () => {
    for (const text of ['2023-02-29T10:00:00Z', '2024-04-31T12:00:00+05:45', '2023-02-29T10:00:00', '2024-13-01T00:00:00Z', '2024-06-00T00:00:00Z']) {
      expect(iso(text), text).toBeUndefined();
    }
  });

  it('refuses text that only ends like an offset, and dates that are not ISO-8601', () => {
    for (const text of ['5Z', 'Tuesday 2024 Z', 'Sat, 01 Jun 2024 10:00:00 GMT', '2024-06-01T10:00:00+0545 GMT', 'June 1, 2024 UTC', '2024-6-1T10:00:00Z', '']) {
      expect(iso(text), text).toBeUndefined();
    }
  });

  it('refuses an hour, minute, second or offset out of range', () => {
    for (const text of ['2024-06-01T24:00:00Z', '2024-06-01T10:60:00Z', '2024-06-01T10:00:60Z', '2024-06-01T10:00:00+24:00', '2024-06-01T10:00:00+05:60']) {
      expect(iso(text), text).toBeUndefined();
    }
  });

  it('keeps what ISO-8601 allows: a leap day, any offset form, fractions, a space, and a zone named in words', () => {
    expect(iso('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
    expect(iso('2000-02-29T00:00:00Z')).toBe('2000-02-29T00:00:00.000Z');
    expect(iso('2024-04-30T12:00:00+05:45')).toBe('2024-04-30T06:15:00.000Z');
    expect(iso('2024-06-01T10:00:00-0500')).toBe('2024-06-01T15:00:00.000Z');
    expect(iso('2024-06-01T10:00:00+02')).toBe('2024-06-01T08:00:00.000Z');
    expect(iso('2024-06-01T10:00:00.123456Z')).toBe('2024-06-01T10:00:00.123Z');
    expect(iso('2024-06-01T10:00:00.5z')).toBe('2024-06-01T10:00:00.500Z');
    expect(iso('2024-06-01T10:00Z')).toBe('2024-06-01T10:00:00.000Z');
    expect(iso('2024-06-01 10:00:00 UTC', 'Asia/Tokyo')).toBe('2024-06-01T10:00:00.000Z');
    expect(iso('2024-06-01T10:00:00 gmt', 'Asia/Tokyo')).toBe('2024-06-01T10:00:00.000Z');
    expect(iso('2024-06-01 10:00:00 +0100')).toBe('2024-06-01T09:00:00.000Z');
  });

  it('reads a time without an offset in the zone given, DST-correct, and a date alone as its midnight', () => {
    expect(iso('2024-06-01 10:00:00', 'America/New_York')).toBe('2024-06-01T14:00:00.000Z');
    expect(iso('2024-01-05T10:00:00.250', 'America/New_York')).toBe('2024-01-05T15:00:00.250Z');
    expect(iso('2024-02-29', 'Europe/Paris')).toBe('2024-02-28T23:00:00.000Z');
    expect(iso('2024-06-01T10:00:00', 'Not/AZone')).toBeUndefined();
  });

  it('gives the instant luxon gives for any calendar time at an offset, valid or not, early years included', () => {
    // Deterministic pseudo-random fields, some out of range; luxon (which checks the calendar) is the reference.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pad = (n: number, width: number): string => String(n).padStart(width, '0');
    for (let k = 0; k < 5000; k++) {
      const year = [0, 1, 99, 100, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999][next(12)]!;
      const [month, day, hour, minute, second, ms] = [next(14), next(33), next(25), next(61), next(61), next(1000)];
      const hours = next(24);
      const minutes = next(60);
      const sign = next(2) === 0 ? '-' : '+';
      const offset = next(3) === 0 ? 'Z' : `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`;
      const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}${offset}`;
      const zone = offset === 'Z' ? FixedOffsetZone.utcInstance : FixedOffsetZone.instance((sign === '-' ? -1 : 1) * (hours * 60 + minutes));
      const expected = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond: ms }, { zone });
      expect(iso(text), text).toBe(hour > 23 || !expected.isValid ? undefined : expected.toJSDate().toISOString());
    }
  });
});
