import { describe, expect, it } from 'vitest';
import { addPeriods, coveringRange, daysOf, lastYearWindow, periodLabel, periodStart, periodsOf, shiftWindow, spanBefore } from './periods.js';

describe('periods', () => {
  it('labels each grain as the CLI prints it', () => {
    expect(periodLabel('2024-01-05', 'day')).toBe('2024-01-05');
    expect(periodLabel('2024-01-01', 'week')).toBe('2024-W01');
    expect(periodLabel('2024-01-01', 'month')).toBe('2024-01');
    expect(periodLabel('2024-01-01', 'quarter')).toBe('2024-Q1');
    expect(periodLabel('2024-10-01', 'quarter')).toBe('2024-Q4');
    expect(periodLabel('2024-01-01', 'year')).toBe('2024');
  });

  it('starts ISO weeks on Monday and gives the days around new year to the right ISO year', () => {
    expect(periodStart('2024-12-31', 'week')).toBe('2024-12-30');
    expect(periodLabel('2024-12-30', 'week')).toBe('2025-W01');
    expect(periodStart('2021-01-03', 'week')).toBe('2020-12-28');
    expect(periodLabel('2020-12-28', 'week')).toBe('2020-W53');
  });

  it('cuts months, quarters and years on calendar boundaries', () => {
    expect(periodStart('2024-02-29', 'month')).toBe('2024-02-01');
    expect(periodStart('2024-05-17', 'quarter')).toBe('2024-04-01');
    expect(periodStart('2024-05-17', 'year')).toBe('2024-01-01');
    expect(addPeriods('2024-01-31', 'month', 1)).toBe('2024-02-29');
  });

  it('clips the first and last period to the range and keeps every period in between', () => {
    expect(periodsOf('2024-01-15', '2024-03-10', 'month')).toEqual([
      { label: '2024-01', start: '2024-01-15', end: '2024-02-01' },
      { label: '2024-02', start: '2024-02-01', end: '2024-03-01' },
      { label: '2024-03', start: '2024-03-01', end: '2024-03-10' },
    ]);
    expect(periodsOf('2024-01-01', '2024-01-01', 'day')).toEqual([]);
  });

  it('compares weeks with the same ISO week a year earlier and other grains with the same dates', () => {
    expect(lastYearWindow({ start: '2024-03-04', end: '2024-03-11' }, 'week')).toEqual({ start: '2023-03-06', end: '2023-03-13' });
    expect(lastYearWindow({ start: '2024-03-01', end: '2024-04-01' }, 'month')).toEqual({ start: '2023-03-01', end: '2023-04-01' });
    expect(shiftWindow({ start: '2024-03-01', end: '2024-04-01' }, 'month', -1)).toEqual({ start: '2024-02-01', end: '2024-03-01' });
  });

  it('compares a whole range with the span of its own length just before it, whatever the grain', () => {
    // Whole quarters: so many quarters back.
    expect(spanBefore({ start: '2025-01-01', end: '2025-07-01' }, 'quarter', 2)).toEqual({ start: '2024-07-01', end: '2025-01-01' });
    // December to December at grain quarter touches five quarters; the year before is twelve months back, not fifteen.
    expect(spanBefore({ start: '2025-12-01', end: '2026-12-01' }, 'quarter', 5)).toEqual({ start: '2024-12-01', end: '2025-12-01' });
    expect(spanBefore({ start: '2025-03-10', end: '2025-03-24' }, 'week', 2)).toEqual({ start: '2025-02-24', end: '2025-03-10' });
    // Neither whole periods nor whole months: as many days back.
    expect(spanBefore({ start: '2025-03-12', end: '2025-03-26' }, 'week', 3)).toEqual({ start: '2025-02-26', end: '2025-03-12' });
    expect(spanBefore({ start: '2025-03-10', end: '2025-04-10' }, 'month', 2)).toEqual({ start: '2025-02-07', end: '2025-03-10' });
  });

  it('covers a data range with whole periods and lists the days of a window', () => {
    expect(coveringRange('2024-01-15', '2024-02-03', 'month')).toEqual({ start: '2024-01-01', end: '2024-03-01' });
    expect(daysOf({ start: '2024-02-28', end: '2024-03-02' })).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });
});
