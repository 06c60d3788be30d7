import { describe, expect, it } from 'vitest';
import { buildSourceCohortTable } from './source-cohort-table.js';

describe('buildSourceCohortTable', () => {
  it('shares retention over the customers who have lived each offset, and nulls offsets none has', () => {
    const starts = [
      { source: 'google', month: '2024-01', customers: 2 },
      { source: 'google', month: '2024-03', customers: 2 },
      { source: '(none)', month: '2024-03', customers: 1 },
    ];
    const cells = [
      { cohort: 'google', offset: 0, customers: 4, revenue: 100 },
      { cohort: 'google', offset: 1, customers: 1, revenue: 10.005 },
      { cohort: 'google', offset: 2, customers: 1, revenue: 20 },
      { cohort: '(none)', offset: 0, customers: 1, revenue: 5 },
    ];
    expect(buildSourceCohortTable(starts, cells, '2024-03')).toEqual([
      { cohort: 'google', size: 4, customers: [4, 1, 1], retention: [100, 50, 50], revenue: [100, 10.01, 20], eligible: [4, 2, 2] },
      { cohort: '(none)', size: 1, customers: [1, null, null], retention: [100, null, null], revenue: [5, null, null], eligible: [1, null, null] },
    ]);
  });

  it('is empty without customers', () => {
    expect(buildSourceCohortTable([], [], '2024-03')).toEqual([]);
  });
});
