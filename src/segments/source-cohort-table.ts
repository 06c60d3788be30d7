// Cohorts by acquisition source (pure): a source's customers start in different months, so at month
// offset k only those whose first order is at least k months before the last month with data count
// (`eligible`); a cell no customer of the source has lived yet is null.
import type { SourceCohort } from '../contract/index.js';
import { monthsBetween, type CohortCellRow } from './cohort-table.js';

/** Customers of a source whose first order fell in a month. */
export interface SourceStartRow {
  source: string;
  /** YYYY-MM of the first order. */
  month: string;
  customers: number;
}

/** A cohort of customers sharing an acquisition source (`cohort` is the source). */
export type { SourceCohort };

/**
 * Lays out one row per source (largest first, then by name), with one column per month offset up to
 * the longest any customer has lived: retention at k is the share of the eligible customers with an
 * order in their month first order + k.
 */
export function buildSourceCohortTable(starts: readonly SourceStartRow[], cells: readonly CohortCellRow[], lastMonth: string): SourceCohort[] {
  const lived = (month: string) => monthsBetween(month, lastMonth);
  const width = starts.reduce((w, s) => Math.max(w, lived(s.month) + 1), 0);
  const bySource = new Map<string, SourceStartRow[]>();
  for (const s of starts) bySource.set(s.source, [...(bySource.get(s.source) ?? []), s]);
  const byKey = new Map(cells.map((c) => [`${c.cohort}|${c.offset}`, c]));
  const rows = [...bySource].map(([source, groups]) => {
    const size = groups.reduce((n, g) => n + g.customers, 0);
    const ks = Array.from({ length: width }, (_, k) => k);
    const eligible = ks.map((k) => groups.reduce((n, g) => n + (lived(g.month) >= k ? g.customers : 0), 0));
    const at = (k: number) => ((eligible[k] ?? 0) === 0 ? undefined : (byKey.get(`${source}|${k}`) ?? { customers: 0, revenue: 0 }));
    return {
      cohort: source,
      size,
      customers: ks.map((k) => at(k)?.customers ?? null),
      retention: ks.map((k) => {
        const cell = at(k);
        return cell === undefined ? null : Math.round((10000 * cell.customers) / (eligible[k] ?? 1)) / 100;
      }),
      revenue: ks.map((k) => {
        const cell = at(k);
        return cell === undefined ? null : Math.round(cell.revenue * 100) / 100;
      }),
      eligible: eligible.map((n) => (n === 0 ? null : n)),
    };
  });
  return rows.sort((a, b) => b.size - a.size || (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
}
