import { describe, expect, it } from 'vitest';
import { openingPeriod, todayIn } from './opening-period.js';

describe('the period the overview opens on', () => {
  it('is the latest 12 months against the 12 before when the data ended in the past', () => {
    expect(openingPeriod({ start: '2024-01-01', end: '2026-01-01' }, '2026-12-01')).toEqual({ from: '2025-01-01', to: '2026-01-01' });
  });

  it('leaves out the month in progress of data that runs to today', () => {
    expect(openingPeriod({ start: '2024-03-01', end: '2027-01-01' }, '2026-12-15')).toEqual({ from: '2025-12-01', to: '2026-12-01' });
  });

  it('is shorter when the data is: 6, 3, then 1 months against as many before', () => {
    expect(openingPeriod({ start: '2025-12-01', end: '2026-12-01' }, '2027-02-01')).toEqual({ from: '2026-06-01', to: '2026-12-01' });
    expect(openingPeriod({ start: '2026-01-01', end: '2026-12-01' }, '2027-02-01')).toEqual({ from: '2026-09-01', to: '2026-12-01' });
    expect(openingPeriod({ start: '2026-06-01', end: '2027-01-01' }, '2026-12-15')).toEqual({ from: '2026-09-01', to: '2026-12-01' });
    expect(openingPeriod({ start: '2026-10-01', end: '2026-12-01' }, '2027-01-01')).toEqual({ from: '2026-11-01', to: '2026-12-01' });
  });

  it('is none when there is not one complete month before another', () => {
    expect(openingPeriod({ start: '2026-11-01', end: '2027-01-01' }, '2026-12-10')).toBeNull();
    expect(openingPeriod({ start: '2026-12-01', end: '2027-01-01' }, '2026-12-10')).toBeNull();
  });

  it("knows today in the reporting zone, which may be another day than UTC's", () => {
    const utcEvening = new Date('2026-12-01T03:00:00Z');
    expect(todayIn('UTC', utcEvening)).toBe('2026-12-01');
    expect(todayIn('America/New_York', utcEvening)).toBe('2026-11-30');
  });
});
