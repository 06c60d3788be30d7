import type { CohortReport, WorkspaceConfig } from '../contract/index.js';
import { NO_SOURCE, refreshFacts } from '../metrics/index.js';
import { sql, type Sql, type Store } from '../store/index.js';
import { buildCohortTable, type CohortCellRow } from './cohort-table.js';
import { lastDataDay } from './rfm-report.js';
import { segmentFunctions, type SegmentFunctions } from './segment-sql.js';
import { buildSourceCohortTable, type SourceCohort, type SourceStartRow } from './source-cohort-table.js';

/** What customers are grouped by: the month of their first order, or the traffic source of their first session. */
export const COHORT_BY = ['first_order_month', 'source'] as const;
export type CohortBy = (typeof COHORT_BY)[number];

// The bucket of customers with no session at all (orders imported or sent by a server, never a visit):
// the metrics engine's label, so a cohort by source and a KPI broken down by source name it alike.
export { NO_SOURCE };

export type { CohortReport };

/** The orders that count now (not removed, net of partial refunds), with their month. */
const countedOrders = (f: SegmentFunctions): Sql => sql`(SELECT customer_key, ${f.monthStart(sql`local_day`)} AS m, revenue FROM orders WHERE removed_at IS NULL)`;

/**
 * Cohorts by the month of the first order that counts (orders not removed, net of partial refunds),
 * or by acquisition source: per cohort and month offset, the customers with an order and the
 * cohort's revenue.
 */
export async function computeCohorts(store: Store, workspace: WorkspaceConfig, options: { by?: CohortBy } = {}): Promise<CohortReport> {
  await refreshFacts(store, workspace);
  const f = segmentFunctions(store.dialect);
  const asOf = await lastDataDay(store, workspace);
  if (options.by === 'source') return { as_of: asOf, cohort_by: 'source', cohorts: await readSourceCohorts(store, f, asOf) };
  const rows = await store.query<CohortCellRow & { size: number }>(
    sql`WITH o AS ${countedOrders(f)},
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

/**
 * Cohorts by acquisition source: the source of the customer's first session as the sessions fact
 * defines it (campaign source, else referrer host, else direct), NO_SOURCE without any session.
 */
async function readSourceCohorts(store: Store, f: SegmentFunctions, asOf: string): Promise<SourceCohort[]> {
  const customers = sql`(SELECT fo.customer_key, fo.first, coalesce(a.source, ${NO_SOURCE}) AS source
    FROM (SELECT customer_key, min(m) AS first FROM ${countedOrders(f)} o0 GROUP BY customer_key) fo
    LEFT JOIN (SELECT visitor_key, ${f.argMin(sql`source`, sql`start_ts`)} AS source FROM sessions GROUP BY visitor_key) a ON a.visitor_key = fo.customer_key)`;
  const [starts, cells] = await Promise.all([
    store.query<SourceStartRow>(sql`SELECT c.source, ${f.monthLabel(sql`c.first`)} AS month, count(*) AS customers FROM ${customers} c GROUP BY 1, 2`),
    store.query<CohortCellRow>(sql`SELECT c.source AS cohort, CAST(${f.monthsBetween(sql`c.first`, sql`o.m`)} AS INTEGER) AS "offset",
        count(DISTINCT o.customer_key) AS customers, CAST(sum(o.revenue) AS DOUBLE) AS revenue
      FROM ${countedOrders(f)} o JOIN ${customers} c ON c.customer_key = o.customer_key GROUP BY 1, 2`),
  ]);
  return buildSourceCohortTable(
    starts.map((s) => ({ source: s.source, month: s.month, customers: Number(s.customers) })),
    cells.map((c) => ({ cohort: c.cohort, offset: Number(c.offset), customers: Number(c.customers), revenue: Number(c.revenue) })),
    asOf.slice(0, 7),
  );
}
