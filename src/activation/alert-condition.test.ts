import { describe, expect, it } from 'vitest';
import { conditionHolds, describeCondition } from './alert-condition.js';

const figures = { value: 80, change: -25, status: 'off_track' as const };

describe('alert conditions', () => {
  it('compare the value, the change in percent, or the benchmark status', () => {
    expect(conditionHolds({ below: 100 }, figures)).toBe(true);
    expect(conditionHolds({ below: 80 }, figures)).toBe(false);
    expect(conditionHolds({ above: 79.5 }, figures)).toBe(true);
    expect(conditionHolds({ change_below: -20 }, figures)).toBe(true);
    expect(conditionHolds({ change_below: -30 }, figures)).toBe(false);
    expect(conditionHolds({ change_above: 10 }, figures)).toBe(false);
    expect(conditionHolds('off_track', figures)).toBe(true);
    expect(conditionHolds('off_track', { ...figures, status: 'on_track' })).toBe(false);
  });

  it('never fire on a missing figure', () => {
    const none = { value: null, change: null, status: null };
    for (const when of [{ below: 1 }, { above: -1 }, { change_below: 0 }, { change_above: 0 }, 'off_track' as const]) expect(conditionHolds(when, none)).toBe(false);
  });

  it('read as words in the unit of the KPI', () => {
    expect(describeCondition({ change_below: -20 }, 'currency')).toBe('change below -20%');
    expect(describeCondition({ below: 2.5 }, 'percent')).toBe('below 2.5%');
    expect(describeCondition({ above: 1000 }, 'count')).toBe('above 1,000');
    expect(describeCondition({ below: 1500.5 }, 'currency')).toBe('below 1,500.50');
    expect(describeCondition('off_track', 'count')).toBe('off track against its benchmark');
  });
});
