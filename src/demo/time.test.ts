import { describe, expect, it } from 'vitest';
import { formatShopTime, isoTimestamp, monthsEndingBefore, newYorkOffsetMinutes, parseDay } from './time.js';

const newYork = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function viaIntl(ms: number): string {
  const parts = Object.fromEntries(newYork.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

describe('shop time', () => {
  it('writes New York wall-clock time as the tz database does, across daylight-saving changes', () => {
    const instants = [
      Date.UTC(2024, 2, 10, 6, 59, 59),
      Date.UTC(2024, 2, 10, 7, 0, 0),
      Date.UTC(2024, 10, 3, 5, 59, 59),
      Date.UTC(2024, 10, 3, 6, 0, 0),
      Date.UTC(2025, 2, 9, 7, 0, 0),
      Date.UTC(2025, 10, 2, 6, 0, 0),
      Date.UTC(2024, 0, 1, 3, 0, 0),
    ];
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2026, 0, 1); ms += 7 * 3600_000 + 1234) instants.push(ms);
    for (const ms of instants) expect(formatShopTime(ms)).toBe(viaIntl(ms));
    expect(newYorkOffsetMinutes(Date.UTC(2024, 6, 1))).toBe(-240);
    expect(newYorkOffsetMinutes(Date.UTC(2024, 0, 1))).toBe(-300);
  });

  it('formats ISO timestamps exactly like Date.toISOString', () => {
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2024, 1, 1); ms += 3_600_000 * 5 + 7_777) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('rejects a start that is not a real calendar day', () => {
    expect(() => parseDay('2024-02-30')).toThrow(/start must be a date/);
    expect(() => parseDay('yesterday')).toThrow(/start must be a date/);
    expect(parseDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('monthsEndingBefore', () => {
  it('starts the window so that it ends where the current month begins', () => {
    expect(monthsEndingBefore(Date.parse('2026-12-01T00:00:00Z'), 24)).toBe('2024-12-01');
    expect(monthsEndingBefore(Date.parse('2026-12-31T23:59:59.999Z'), 24)).toBe('2024-12-01');
    expect(monthsEndingBefore(Date.parse('2026-03-15T12:00:00Z'), 3)).toBe('2025-12-01');
    expect(monthsEndingBefore(Date.parse('2026-01-01T00:00:00Z'), 1)).toBe('2025-12-01');
  });
});
