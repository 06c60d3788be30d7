import type {
  RetentionChange,
  RetentionMovement,
  RetentionProduct,
  RetentionRfmSegment,
  RetentionSegment,
  RetentionWindowName,
  RetentionWindowSales,
  SegmentRetentionReport,
  WorkspaceConfig,
} from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import { asOfDay } from './as-of.js';
import { retentionQuery, type RetentionRow } from './retention-query.js';
import { retentionWindows } from './retention-windows.js';
import { lastDataDay } from './rfm-report.js';
import { RFM_SEGMENT_NAMES } from './rfm-score.js';
import { listSegments } from './segment-store.js';

// The contract spells the names again (it imports nothing of ours): this line fails to compile if they drift.
const RFM_NAMES: readonly RetentionRfmSegment[] = RFM_SEGMENT_NAMES;

const money = (v: unknown): number => Math.round(Number(v ?? 0) * 100) / 100;
const count = (v: unknown): number => Number(v ?? 0);

/** Relative change in percent (two decimals); null when the earlier value is 0. */
function changeOf(now: number, before: number): number | null {
  return before === 0 ? null : Math.round(((now - before) / before) * 10_000) / 100;
}

const noSales: RetentionWindowSales = { members: 0, customers: 0, orders: 0, revenue: 0 };

/**
 * The retention view as of a day (default: the last day with data), facts refreshed first: per RFM
 * named segment and per stored rule segment, month-to-date sales and buying customers against the
 * same days of last month and last year, the top products, and year-over-year movement.
 */
export async function computeSegmentRetention(store: Store, workspace: WorkspaceConfig, day?: string): Promise<SegmentRetentionReport> {
  await refreshFacts(store, workspace);
  return readSegmentRetention(store, workspace, day);
}

/** computeSegmentRetention on the facts as they stand, without refreshing them. */
export async function readSegmentRetention(store: Store, workspace: WorkspaceConfig, day?: string): Promise<SegmentRetentionReport> {
  const asOfText = day ?? (await lastDataDay(store, workspace));
  const tz = workspace.reportingTimezone;
  const asOf = asOfDay(asOfText, tz);
  const windows = retentionWindows(asOfText);
  const stored = await listSegments(store);
  const rows = await store.query<RetentionRow>(retentionQuery(store.dialect, asOf, tz, windows, stored.map((s) => ({ id: s.id, rule: s.rule }))));

  const key = (kind: string, id: string | null) => `${kind}|${id ?? ''}`;
  const sales = new Map<string, RetentionWindowSales>();
  const products = new Map<string, RetentionProduct[]>();
  const yoy = new Map<string, RetentionRow>();
  const moves: RetentionRow[] = [];
  for (const r of rows) {
    const k = key(r.seg_kind, r.seg);
    if (r.row_kind === 'sales') {
      sales.set(`${k}|${r.point ?? ''}`, { members: count(r.members), customers: count(r.customers), orders: count(r.orders), revenue: money(r.revenue) });
    } else if (r.row_kind === 'product') {
      const list = products.get(k) ?? [];
      list[count(r.rank) - 1] = {
        product_id: r.product_id,
        sku: r.sku,
        name: r.name,
        category: r.category,
        revenue: money(r.revenue),
        quantity: Number(r.quantity ?? 0),
        orders: count(r.orders),
        customers: count(r.customers),
      };
      products.set(k, list);
    } else if (r.row_kind === 'yoy') {
      yoy.set(k, r);
    } else {
      moves.push(r);
    }
  }

  const movement = movementOf(moves, windows.last_year.to, asOfText);
  const row = (kind: 'rfm' | 'rule', id: string, name: string): RetentionSegment => {
    const k = key(kind, id);
    const at = (w: RetentionWindowName) => sales.get(`${k}|${w}`) ?? noSales;
    const [current, lastMonth, lastYear] = [at('current'), at('last_month'), at('last_year')];
    const vs = (before: RetentionWindowSales): RetentionChange => ({ revenue: changeOf(current.revenue, before.revenue), customers: changeOf(current.customers, before.customers) });
    // Stayed: for RFM segments the movement's diagonal, for rule segments counted by the query.
    const i = kind === 'rfm' ? RFM_NAMES.indexOf(id as RetentionRfmSegment) : -1;
    const stayed = i >= 0 ? (movement.matrix[i]?.[i] ?? 0) : count(yoy.get(k)?.stayed);
    return {
      kind,
      id,
      name,
      current,
      last_month: lastMonth,
      last_year: lastYear,
      change: { vs_last_month: vs(lastMonth), vs_last_year: vs(lastYear) },
      top_products: (products.get(k) ?? []).filter((p) => p !== undefined),
      year_over_year: { stayed, entered: current.members - stayed, left: lastYear.members - stayed },
    };
  };

  return {
    as_of: asOfText,
    currency: workspace.baseCurrency,
    windows,
    segments: [...RFM_NAMES.map((n) => row('rfm', n, n)), ...stored.map((s) => row('rule', s.id, s.name))],
    movement,
  };
}

/** The dense RFM movement matrix from the `move` rows (from NULL: new; to NULL: departed). */
function movementOf(moves: readonly RetentionRow[], from: string, to: string): RetentionMovement {
  const index = (name: string | null) => (name === null ? -1 : RFM_NAMES.indexOf(name as RetentionRfmSegment));
  const matrix = RFM_NAMES.map(() => RFM_NAMES.map(() => 0));
  const fresh = RFM_NAMES.map(() => 0);
  const departed = RFM_NAMES.map(() => 0);
  for (const m of moves) {
    const i = index(m.seg);
    const j = index(m.seg_to);
    const n = count(m.members);
    if (i >= 0 && j >= 0) (matrix[i] as number[])[j] = n;
    else if (j >= 0) fresh[j] = n;
    else if (i >= 0) departed[i] = n;
  }
  const population = matrix.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
  return { from_as_of: from, to_as_of: to, segments: [...RFM_NAMES], matrix, population, new: fresh, departed };
}
