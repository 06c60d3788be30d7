// Cohort table assembly (pure): counts per (cohort, month offset) in, the table with future cells null out.

import type { Cohort } from '../contract/index.js';

/** One aggregate row from the store: customers of a cohort active at a month offset, and their revenue. */
export interface CohortCellRow {
  cohort: string;
  offset: number;
  customers: number;
  revenue: number;
}

export type { Cohort };

/** Whole months from one YYYY-MM to another. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

/**
 * Lays out cohorts (oldest first) with one column per month offset up to the last month with data:
 * a month with no order is 0, a month not yet lived is null.
 */
export function buildCohortTable(sizes: ReadonlyMap<string, number>, cells: readonly CohortCellRow[], lastMonth: string): Cohort[] {
  const byKey = new Map(cells.map((c) => [`${c.cohort}|${c.offset}`, c]));
  const cohorts = [...sizes.keys()].sort();
  const first = cohorts[0];
  const width = first === undefined ? 0 : monthsBetween(first, lastMonth) + 1;
  return cohorts.map((cohort) => {
    const size = sizes.get(cohort) ?? 0;
    const lived = monthsBetween(cohort, lastMonth);
    const at = (k: number) => (k > lived ? undefined : (byKey.get(`${cohort}|${k}`) ?? { customers: 0, revenue: 0 }));
    const ks = Array.from({ length: width }, (_, k) => k);
    return {
      cohort,
      size,
      customers: ks.map((k) => at(k)?.customers ?? null),
      retention: ks.map((k) => {
        const cell = at(k);
        return cell === undefined ? null : size === 0 ? null : Math.round((10000 * cell.customers) / size) / 100;
      }),
      revenue: ks.map((k) => {
        const cell = at(k);
        return cell === undefined ? null : Math.round(cell.revenue * 100) / 100;
      }),
    };
  });
}
