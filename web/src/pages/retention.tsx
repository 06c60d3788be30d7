import { useMemo } from 'react';
import { queryString } from '../api/client.js';
import type { RfmResult } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { baseOption, Chart, cssColor } from '../components/chart.js';
import { Empty, Loaded } from '../components/status.js';
import { formatCount, formatMoney } from '../format.js';
import { useQueryState } from '../router.js';

interface CohortView {
  cohort: string;
  customers: number | null;
  cells: { k: number; share: number | null; revenue: number | null }[];
}

/** Reads the cohort table whether cells are nested per cohort or listed flat. */
function normalizeCohorts(data: unknown): CohortView[] {
  const root = (data ?? {}) as { cohorts?: unknown[]; cells?: unknown[] };
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  if (Array.isArray(root.cohorts)) {
    return root.cohorts.map((c) => {
      const row = c as Record<string, unknown>;
      // The segments engine sends one array per measure, indexed by month offset.
      if (Array.isArray(row.retention)) {
        const revenue = Array.isArray(row.revenue) ? (row.revenue as unknown[]) : [];
        return { cohort: String(row.cohort ?? ''), customers: num(row.size), cells: (row.retention as unknown[]).map((share, k) => ({ k, share: num(share), revenue: num(revenue[k]) })) };
      }
      const cells = (Array.isArray(row.cells) ? row.cells : Array.isArray(row.periods) ? row.periods : []) as Record<string, unknown>[];
      return {
        cohort: String(row.cohort ?? row.month ?? ''),
        customers: num(row.customers ?? row.size),
        cells: cells.map((cell, i) => ({ k: num(cell.k ?? cell.offset) ?? i, share: num(cell.share ?? cell.retention), revenue: num(cell.revenue) })),
      };
    });
  }
  if (Array.isArray(root.cells)) {
    const byCohort = new Map<string, CohortView>();
    for (const c of root.cells as Record<string, unknown>[]) {
      const key = String(c.cohort);
      const view = byCohort.get(key) ?? { cohort: key, customers: num(c.cohort_customers ?? c.customers), cells: [] };
      view.cells.push({ k: num(c.k ?? c.offset) ?? 0, share: num(c.share), revenue: num(c.revenue) });
      byCohort.set(key, view);
    }
    return [...byCohort.values()];
  }
  return [];
}

/** Shares may come as 0–1 or as percentages; the heatmap shows percentages. */
function asPercent(cohorts: CohortView[]): (share: number) => number {
  const max = Math.max(0, ...cohorts.flatMap((c) => c.cells.map((x) => x.share ?? 0)));
  return max <= 1 ? (s) => s * 100 : (s) => s;
}

function cohortOption(cohorts: CohortView[]) {
  const pct = asPercent(cohorts);
  const maxK = Math.max(0, ...cohorts.flatMap((c) => c.cells.map((x) => x.k)));
  const data = cohorts.flatMap((c, y) => c.cells.filter((x) => x.share !== null && x.k > 0).map((x) => [x.k, y, Math.round(pct(x.share ?? 0) * 10) / 10]));
  const base = baseOption();
  return {
    ...base,
    grid: { left: 80, right: 24, top: 16, bottom: 72 },
    tooltip: { position: 'top', formatter: (p: { value: [number, number, number] }) => `${cohorts[p.value[1]]?.cohort ?? ''}, month +${p.value[0]}: ${p.value[2]} %` },
    xAxis: { ...(base.xAxis as object), type: 'category', name: 'months after first order', nameLocation: 'middle', nameGap: 28, data: Array.from({ length: maxK + 1 }, (_, k) => String(k)) },
    yAxis: { type: 'category', data: cohorts.map((c) => c.cohort), inverse: true },
    visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d[2] ?? 0)), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, textStyle: { color: cssColor('--text-muted') }, inRange: { color: [cssColor('--heat-low'), cssColor('--heat-high')] } },
    series: [{ type: 'heatmap', data, label: { show: cohorts.length <= 24 && maxK <= 24, fontSize: 9 } }],
  };
}

function Cohorts() {
  const state = useApi<unknown>('/cohorts');
  return (
    <Loaded state={state} what="the cohorts">
      {(data) => {
        const cohorts = normalizeCohorts(data);
        if (cohorts.length === 0) return <Empty>No cohorts yet: no customer has ordered.</Empty>;
        return <Chart option={cohortOption(cohorts)} height={Math.min(640, 120 + cohorts.length * 18)} label="Cohort retention heatmap" />;
      }}
    </Loaded>
  );
}

const recencies = ['active', 'churning', 'lapsed'] as const;
const frequencies = ['1', '2', '3+'] as const;
const recencyLabel = { active: 'Active (< 90 days)', churning: 'Churning (90–365 days)', lapsed: 'Lapsed (> 365 days)' };

function Matrix({ rfm }: { rfm: RfmResult }) {
  const cell = (r: string, f: string) => rfm.matrix.find((m) => m.recency === r && m.frequency === f);
  return (
    <table className="matrix" data-testid="rf-matrix">
      <thead>
        <tr>
          <th scope="col">Recency \ orders</th>
          {frequencies.map((f) => (
            <th key={f} scope="col">
              {f === '3+' ? '3+ (high value)' : f}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {recencies.map((r) => (
          <tr key={r}>
            <th scope="row">{recencyLabel[r]}</th>
            {frequencies.map((f) => {
              const c = cell(r, f);
              return (
                <td key={f} className={`cell-${r}`}>
                  <strong>{formatCount(c?.customers ?? 0)}</strong> customers
                  <br />
                  <span className="muted">{formatMoney(c?.revenue ?? 0)}</span>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function segmentOption(rfm: RfmResult) {
  const segments = [...rfm.segments].sort((a, b) => b.customers - a.customers);
  const base = baseOption();
  return {
    ...base,
    grid: { left: 130, right: 80, top: 30, bottom: 24 },
    legend: { ...(base.legend as object), data: ['customers', 'revenue'] },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    yAxis: { type: 'category', data: segments.map((s) => s.name), inverse: true },
    xAxis: [
      { type: 'value', position: 'bottom', splitLine: { show: false } },
      { type: 'value', position: 'top', axisLabel: { formatter: (v: number) => formatMoney(v) }, splitLine: { show: false } },
    ],
    series: [
      { name: 'customers', type: 'bar', data: segments.map((s) => s.customers), xAxisIndex: 0 },
      { name: 'revenue', type: 'bar', data: segments.map((s) => s.revenue), xAxisIndex: 1, tooltip: { valueFormatter: (v: number) => formatMoney(v) } },
    ],
  };
}

function Rfm({ asOf }: { asOf: string }) {
  const state = useApi<RfmResult>(`/rfm${queryString({ as_of: asOf })}`);
  const option = useMemo(() => (state.status === 'ok' ? segmentOption(state.data) : null), [state]);
  return (
    <Loaded state={state} what="RFM">
      {(rfm) =>
        rfm.segments.length === 0 ? (
          <Empty>No customer has an order up to {rfm.as_of}.</Empty>
        ) : (
          <>
            <p className="hint">As of {rfm.as_of}.</p>
            <h2>Recency × frequency</h2>
            <Matrix rfm={rfm} />
            <h2>RFM segments</h2>
            {option && <Chart option={option} height={Math.max(240, 40 + rfm.segments.length * 32)} label="RFM segment sizes and revenue" />}
          </>
        )
      }
    </Loaded>
  );
}

export function RetentionPage() {
  const [query, setQuery] = useQueryState();
  const asOf = query.get('as_of') ?? '';
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Retention</h1>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          As of <input type="date" value={asOf} onChange={(e) => setQuery({ as_of: e.target.value || null })} />
        </label>
      </form>
      <h2>Cohorts by first-order month</h2>
      <Cohorts />
      <Rfm asOf={asOf} />
    </section>
  );
}
