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
});
