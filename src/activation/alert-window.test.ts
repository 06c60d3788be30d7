import { describe, expect, it } from 'vitest';
import { alertCutoff, alertWindow } from './alert-window.js';

describe('the period an alert rule looks at', () => {
  it('takes yesterday for a daily rule on live data, and today so far when asked for the current day', () => {
    expect(alertWindow({ grain: 'day', period: 'complete' }, '2024-03-13', '2024-03-13')).toEqual({ label: '2024-03-12', start: '2024-03-12', end: '2024-03-13' });
    expect(alertWindow({ grain: 'day', period: 'current' }, '2024-03-13', '2024-03-13')).toEqual({ label: '2024-03-13', start: '2024-03-13', end: '2024-03-14' });
  });

  it('takes the last whole ISO week, not the week in progress', () => {
    // 2024-03-13 is a Wednesday: the week of Monday 03-11 is not over, the one of 03-04 is.
    expect(alertWindow({ grain: 'week', period: 'complete' }, '2024-03-13', '2024-03-13')).toEqual({ label: '2024-W10', start: '2024-03-04', end: '2024-03-11' });
    // On Monday 03-11 the week of 03-04 has just ended.
    expect(alertWindow({ grain: 'week', period: 'complete' }, '2024-03-11', '2024-03-11')).toEqual({ label: '2024-W10', start: '2024-03-04', end: '2024-03-11' });
    expect(alertWindow({ grain: 'week', period: 'current' }, '2024-03-13', '2024-03-13')).toEqual({ label: '2024-W11', start: '2024-03-11', end: '2024-03-14' });
  });

  it('takes a month that the data covers to its last day as complete', () => {
    expect(alertWindow({ grain: 'month', period: 'complete' }, '2024-03-01', '2024-02-29')).toEqual({ label: '2024-02', start: '2024-02-01', end: '2024-03-01' });
    expect(alertWindow({ grain: 'month', period: 'complete' }, '2024-02-29', '2024-02-28')).toEqual({ label: '2024-01', start: '2024-01-01', end: '2024-02-01' });
    expect(alertWindow({ grain: 'quarter', period: 'current' }, '2024-02-29', '2024-02-28')).toEqual({ label: '2024-Q1', start: '2024-01-01', end: '2024-02-29' });
  });

  it('counts data as complete up to today, or up to its last day when that is earlier', () => {
    expect(alertCutoff('2026-11-29', '2026-11-29')).toBe('2026-11-29');
    expect(alertCutoff('2026-11-29', '2025-12-31')).toBe('2026-01-01');
    expect(alertCutoff('2026-11-29', null)).toBe('2026-11-29');
    // Clock skew: data dated tomorrow does not make today complete.
    expect(alertCutoff('2026-11-29', '2026-11-30')).toBe('2026-11-29');
  });
});
