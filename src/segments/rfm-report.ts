import type { MatrixCell, Movement, MovementCell, RfmCustomer, RfmReport, RfmSegmentSummary, WorkspaceConfig } from '../contract/index.js';
import { dataDays, refreshFacts } from '../metrics/index.js';
import { raw, sql, type Store } from '../store/index.js';
import { asOfDay, shiftDay, today, type AsOf } from './as-of.js';
import { customerMeasures } from './customer-measures.js';
import { FREQUENCY_BANDS, RECENCY_BANDS, frequencyBandSql, matrixCells, recencyBandSql, type FrequencyBand, type RecencyBand } from './rf-matrix.js';
import { rfmRelation } from './rfm-query.js';
import { rfmSummaryQuery, type EarlierPoint, type SummaryRow } from './rfm-summary-query.js';
import { RFM_SEGMENT_NAMES } from './rfm-score.js';
import { segmentFunctions } from './segment-sql.js';

// The documents' shapes live in contract/ (the dashboard reads them).
export type { RfmCustomer, RfmSegmentSummary, MatrixCell, MovementCell, Movement, RfmReport };

const money = (v: unknown): number => Math.round(Number(v ?? 0) * 1e4) / 1e4;

/** The last day with data in the reporting zone (the facts' last event day no later than tomorrow: dataDays), else today. */
export async function lastDataDay(store: Store, workspace: WorkspaceConfig): Promise<string> {
  return (await dataDays(store, workspace.reportingTimezone))?.last ?? today(workspace.reportingTimezone);
}

const cellOrder = (r: RecencyBand | 'new', q: FrequencyBand | null) => (r === 'new' ? -1 : RECENCY_BANDS.indexOf(r) * 3 + FREQUENCY_BANDS.indexOf(q ?? '1'));

/** Movement cells in report order: from `new`, then from each cell in matrix order; then by destination. */
function sortMovement(cells: MovementCell[]): MovementCell[] {
  return cells.sort(
    (a, b) => cellOrder(a.from_recency, a.from_frequency) - cellOrder(b.from_recency, b.from_frequency) || cellOrder(a.to_recency, a.to_frequency) - cellOrder(b.to_recency, b.to_frequency),
  );
}

/** Where each customer of D's matrix was at `from` (or `new`), and how many of `from`'s customers are gone. */
export async function readMovement(store: Store, asOf: AsOf, from: AsOf): Promise<Movement> {
  const f = segmentFunctions(store.dialect);
  const cell = (alias: 'b' | 'n') => recencyBandSql(raw(`${alias}.recency`));
  const band = (alias: 'b' | 'n') => frequencyBandSql(raw(`${alias}.frequency`));
  const rows = await store.query<{ from_recency: RecencyBand | null; from_frequency: FrequencyBand | null; to_recency: RecencyBand; to_frequency: FrequencyBand; customers: number }>(
    sql`SELECT CASE WHEN b.customer_key IS NULL THEN NULL ELSE ${cell('b')} END AS from_recency,
        CASE WHEN b.customer_key IS NULL THEN NULL ELSE ${band('b')} END AS from_frequency,
        ${cell('n')} AS to_recency, ${band('n')} AS to_frequency, count(*) AS customers
      FROM ${customerMeasures(asOf, f)} n LEFT JOIN ${customerMeasures(from, f)} b ON b.customer_key = n.customer_key
      GROUP BY 1, 2, 3, 4`,
  );
  const departed = await store.query<{ n: number }>(
    sql`SELECT count(*) AS n FROM ${customerMeasures(from, f)} b WHERE b.customer_key NOT IN (SELECT customer_key FROM ${customerMeasures(asOf, f)} n)`,
  );
  const cells = sortMovement(
    rows.map((r) => ({
      from_recency: r.from_recency ?? ('new' as const),
      from_frequency: r.from_frequency,
      to_recency: r.to_recency,
      to_frequency: r.to_frequency,
      customers: Number(r.customers),
    })),
  );
  return { from_as_of: from.day, population: cells.reduce((s, c) => s + c.customers, 0), departed: Number(departed[0]?.n ?? 0), cells };
}

export interface RfmOptions {
  /** YYYY-MM-DD in the reporting zone (default: the last day with data). */
  asOf?: string;
  /** Leave out the per-customer list (the summaries stay). */
  withoutCustomers?: boolean;
}

/** RFM scores and named segments, the recency-frequency matrix and its movement, as of a day (facts refreshed first). */
export async function computeRfm(store: Store, workspace: WorkspaceConfig, options: RfmOptions = {}): Promise<RfmReport> {
  await refreshFacts(store, workspace);
  return readRfm(store, workspace, options);
}

/** computeRfm on the facts as they stand, without refreshing them. */
export async function readRfm(store: Store, workspace: WorkspaceConfig, options: RfmOptions = {}): Promise<RfmReport> {
  const f = segmentFunctions(store.dialect);
  const day = options.asOf ?? (await lastDataDay(store, workspace));
  const tz = workspace.reportingTimezone;
  const asOf = asOfDay(day, tz);
  const earlier: EarlierPoint[] = [
    { name: 'year', asOf: asOfDay(shiftDay(day, { years: 1 }), tz) },
    { name: 'month', asOf: asOfDay(shiftDay(day, { months: 1 }), tz) },
  ];
  const [customers, rows] = await Promise.all([
    options.withoutCustomers
      ? Promise.resolve([])
      : store.query<RfmCustomer>(sql`SELECT ck.id AS customer_id, CAST(x.recency AS INTEGER) AS recency, CAST(x.frequency AS INTEGER) AS frequency,
            x.monetary, CAST(x.r AS INTEGER) AS r, CAST(x.f AS INTEGER) AS f, CAST(x.m AS INTEGER) AS m, x.segment
          FROM ${rfmRelation(asOf, f)} x JOIN customer_keys ck ON ck.key = x.customer_key ORDER BY ck.id`),
    store.query<SummaryRow>(rfmSummaryQuery(asOf, earlier, f)),
  ]);
  const scored = rows.filter((r) => r.kind === 'scored');
  const add = <K>(m: Map<K, { customers: number; units: number }>, k: K, r: SummaryRow) => {
    const cell = m.get(k) ?? { customers: 0, units: 0 };
    cell.customers += Number(r.customers);
    cell.units += Number(r.units ?? 0);
    m.set(k, cell);
  };
  const bySegment = new Map<string | null, { customers: number; units: number }>();
  const byCell = new Map<string, { customers: number; units: number }>();
  for (const r of scored) {
    add(bySegment, r.segment, r);
    add(byCell, `${RECENCY_BANDS[Number(r.b)]}|${FREQUENCY_BANDS[Number(r.q)]}`, r);
  }
  // Revenue is summed exactly in ten-thousandths, then rounded as money.
  const revenueOf = (cell: { units: number } | undefined) => money((cell?.units ?? 0) / 1e4);
  const total = scored.reduce((s, r) => s + Number(r.customers), 0);
  const segments = RFM_SEGMENT_NAMES.map((name) => {
    const n = bySegment.get(name)?.customers ?? 0;
    return { name, customers: n, revenue: revenueOf(bySegment.get(name)), share: total === 0 ? null : Math.round((10000 * n) / total) / 100 };
  });
  const matrix = matrixCells().map((c) => {
    const cell = byCell.get(`${c.recency}|${c.frequency}`);
    return { ...c, customers: cell?.customers ?? 0, revenue: revenueOf(cell) };
  });
  const movement = (p: EarlierPoint): Movement => {
    const moves = new Map<string, MovementCell>();
    for (const r of scored) {
      const b = r[`b_${p.name}`];
      const q = r[`q_${p.name}`];
      const from = b === null || b === undefined ? null : { recency: RECENCY_BANDS[Number(b)] as RecencyBand, frequency: FREQUENCY_BANDS[Number(q)] as FrequencyBand };
      const to = { recency: RECENCY_BANDS[Number(r.b)] as RecencyBand, frequency: FREQUENCY_BANDS[Number(r.q)] as FrequencyBand };
      const key = `${from?.recency ?? 'new'}|${from?.frequency ?? ''}|${to.recency}|${to.frequency}`;
      const cell = moves.get(key) ?? { from_recency: from?.recency ?? 'new', from_frequency: from?.frequency ?? null, to_recency: to.recency, to_frequency: to.frequency, customers: 0 };
      cell.customers += Number(r.customers);
      moves.set(key, cell);
    }
    const cells = sortMovement([...moves.values()]);
    const departed = rows.filter((r) => r.kind === 'departed' && r[`b_${p.name}`] !== null && r[`b_${p.name}`] !== undefined).reduce((s, r) => s + Number(r.customers), 0);
    return { from_as_of: p.asOf.day, population: cells.reduce((s, c) => s + c.customers, 0), departed, cells };
  };
  const [year, month] = earlier.map(movement) as [Movement, Movement];
  return { as_of: day, customers: customers.map((c) => ({ ...c, monetary: money(c.monetary) })), segments, matrix, movement: { year, month } };
}
