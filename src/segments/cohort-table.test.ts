import { describe, expect, it } from 'vitest';
import { buildCohortTable, monthsBetween } from './cohort-table.js';

describe('buildCohortTable', () => {
  it('fills months without orders with 0 and months not yet lived with null', () => {
    const sizes = new Map([
      ['2023-11', 4],
      ['2024-01', 2],
    ]);
    const cells = [
      { cohort: '2023-11', offset: 0, customers: 4, revenue: 100 },
      { cohort: '2023-11', offset: 2, customers: 1, revenue: 30.005 },
      { cohort: '2024-01', offset: 0, customers: 2, revenue: 50 },
    ];
    const table = buildCohortTable(sizes, cells, '2024-01');
    expect(table).toEqual([
      { cohort: '2023-11', size: 4, customers: [4, 0, 1], retention: [100, 0, 25], revenue: [100, 0, 30.01] },
      { cohort: '2024-01', size: 2, customers: [2, null, null], retention: [100, null, null], revenue: [50, null, null] },
    ]);
  });

  it('counts months across a year boundary', () => {
    expect(monthsBetween('2023-11', '2024-02')).toBe(3);
    expect(monthsBetween('2024-02', '2024-02')).toBe(0);
  });

  it('is empty without cohorts', () => {
    expect(buildCohortTable(new Map(), [], '2024-01')).toEqual([]);
  });
});
