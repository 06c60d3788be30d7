import type { WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import { sql, type Store } from '../store/index.js';
import { buildCohortTable, type Cohort, type CohortCellRow } from './cohort-table.js';
import { lastDataDay } from './rfm-report.js';
import { segmentFunctions } from './segment-sql.js';

/** `tessera cohorts --json` and `GET /api/v1/cohorts`. */
export interface CohortReport {
  /** The last day with data: its month is the last column that is not null. */
  as_of: string;
  cohort_by: 'first_order_month';
  cohorts: Cohort[];
}

/**
 * Cohorts by the month of the first order that counts (orders not removed, net of partial refunds):
 * per cohort and month offset, the customers with an order and the cohort's revenue.
 */
export async function computeCohorts(store: Store, workspace: WorkspaceConfig): Promise<CohortReport> {
  await refreshFacts(store, workspace);
  const f = segmentFunctions(store.dialect);
  const asOf = await lastDataDay(store, workspace);
  const rows = await store.query<CohortCellRow & { size: number }>(
    sql`WITH o AS (SELECT customer_key, ${f.monthStart(sql`local_day`)} AS m, revenue FROM orders WHERE removed_at IS NULL),
      firsts AS (SELECT customer_key, min(m) AS cohort FROM o GROUP BY customer_key),
      sizes AS (SELECT cohort, count(*) AS size FROM firsts GROUP BY cohort)
    SELECT ${f.monthLabel(sql`c.cohort`)} AS cohort, CAST(${f.monthsBetween(sql`c.cohort`, sql`o.m`)} AS INTEGER) AS "offset",
      count(DISTINCT o.customer_key) AS customers, CAST(sum(o.revenue) AS DOUBLE) AS revenue, any_value(s.size) AS size
    FROM o JOIN firsts c ON c.customer_key = o.customer_key JOIN sizes s ON s.cohort = c.cohort
    GROUP BY 1, 2`,
  );
  const sizes = new Map(rows.map((r) => [r.cohort, Number(r.size)]));
  const cells = rows.map((r) => ({ cohort: r.cohort, offset: Number(r.offset), customers: Number(r.customers), revenue: Number(r.revenue) }));
  return { as_of: asOf, cohort_by: 'first_order_month', cohorts: buildCohortTable(sizes, cells, asOf.slice(0, 7)) };
}
