import { useMemo, useState } from 'react';
import { queryString } from '../api/client.js';
import type { CohortReport, RfmReport } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { baseOption, Chart, cssColor } from '../components/chart.js';
import { SegmentRetention } from '../components/segment-retention.js';
import { Empty, Loaded } from '../components/status.js';
import { formatCount, formatMoney } from '../format.js';
import { useQueryState } from '../router.js';

interface CohortView {
  cohort: string;
  customers: number | null;
  cells: { k: number; share: number | null; revenue: number | null }[];
}

/** The heatmap's rows: retention (percent of the cohort) and revenue per month offset. */
function cohortViews(report: CohortReport): CohortView[] {
  return report.cohorts.map((c) => ({ cohort: c.cohort, customers: c.size, cells: c.retention.map((share, k) => ({ k, share, revenue: c.revenue[k] ?? null })) }));
}

function cohortOption(cohorts: CohortView[], by: CohortReport['cohort_by']) {
  const maxK = Math.max(0, ...cohorts.flatMap((c) => c.cells.map((x) => x.k)));
  const data = cohorts.flatMap((c, y) => c.cells.filter((x) => x.share !== null && x.k > 0).map((x) => [x.k, y, Math.round((x.share ?? 0) * 10) / 10]));
  const base = baseOption();
  return {
    ...base,
    grid: { left: 80, right: 24, top: 16, bottom: 72 },
    tooltip: { position: 'top', formatter: (p: { value: [number, number, number] }) => `${cohorts[p.value[1]]?.cohort ?? ''}${by === 'source' ? ' (source)' : ''}, month +${p.value[0]}: ${p.value[2]} %` },
    xAxis: { ...(base.xAxis as object), type: 'category', name: 'months after first order', nameLocation: 'middle', nameGap: 28, data: Array.from({ length: maxK + 1 }, (_, k) => String(k)) },
    yAxis: { type: 'category', data: cohorts.map((c) => c.cohort), inverse: true },
    visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d[2] ?? 0)), calculable: true, orient: 'horizontal', left: 0, bottom: 0, itemHeight: 120, textStyle: { color: cssColor('--text-muted') }, inRange: { color: [cssColor('--heat-low'), cssColor('--heat-high')] } },
    series: [{ type: 'heatmap', data, label: { show: cohorts.length <= 24 && maxK <= 24, fontSize: 9 } }],
  };
}

function Cohorts({ by }: { by: CohortReport['cohort_by'] }) {
  const state = useApi<CohortReport>(`/cohorts${queryString({ by })}`);
  return (
    <Loaded state={state} what="the cohorts">
      {(report) => {
        const cohorts = cohortViews(report);
        if (cohorts.length === 0) return <Empty>No cohorts yet: no customer has ordered.</Empty>;
        return <Chart option={cohortOption(cohorts, report.cohort_by)} height={Math.min(640, 120 + cohorts.length * 18)} label="Cohort retention heatmap" />;
      }}
    </Loaded>
  );
}

const recencies = ['active', 'churning', 'lapsed'] as const;
const frequencies = ['1', '2', '3+'] as const;
const recencyLabel = { active: 'Active (< 90 days)', churning: 'Churning (90–365 days)', lapsed: 'Lapsed (> 365 days)' };

function Matrix({ rfm }: { rfm: RfmReport }) {
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

type Cell = `${(typeof recencies)[number]}|${(typeof frequencies)[number]}`;
const cellLabel = (r: string, f: string | null): string => (r === 'new' ? 'new customers' : `${r}, ${f === '3+' ? '3+' : f} order${f === '1' ? '' : 's'}`);

/**
 * How the customers of today's matrix stood a year (or a month) earlier: one row per earlier cell
 * (and "new" for those who had not ordered yet), one column per cell now. Rows and columns sum to
 * the matrix, so a shop sees where its lapsed customers came from and who moved up.
 */
function Movement({ rfm }: { rfm: RfmReport }) {
  const [span, setSpan] = useState<'year' | 'month'>('year');
  const movement = rfm.movement[span];
  const count = new Map(movement.cells.map((c) => [`${c.from_recency}|${c.from_frequency ?? ''}>${c.to_recency}|${c.to_frequency}`, c.customers]));
  const to: Cell[] = recencies.flatMap((r) => frequencies.map((f) => `${r}|${f}` as Cell));
  const from = ['new|', ...to];
  const max = Math.max(1, ...movement.cells.map((c) => c.customers));
  return (
    <section aria-labelledby="movement-title">
      <div className="row">
        <h2 id="movement-title">Movement since {movement.from_as_of}</h2>
        <label>
          Compared with{' '}
          <select value={span} onChange={(e) => setSpan(e.target.value as 'year' | 'month')}>
            <option value="year">a year earlier</option>
            <option value="month">a month earlier</option>
          </select>
        </label>
      </div>
      <p className="hint">
        {formatCount(movement.population)} customers in today's matrix; {formatCount(movement.departed)} customers of {movement.from_as_of} have since had every order refunded or
        cancelled.
      </p>
      <div className="table-wrap full">
        <table className="compact movement" data-testid="rf-movement">
          <thead>
            <tr>
              <th scope="col">Then \ now</th>
              {to.map((c) => (
                <th key={c} scope="col">
                  {cellLabel(...(c.split('|') as [string, string]))}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {from.map((f) => (
              <tr key={f}>
                <th scope="row">{cellLabel(...(f.split('|') as [string, string]))}</th>
                {to.map((t) => {
                  const n = count.get(`${f}>${t}`) ?? 0;
                  return (
                    <td key={t} className="num" style={n > 0 ? { background: `color-mix(in srgb, var(--heat-high) ${Math.round((70 * n) / max)}%, transparent)` } : undefined}>
                      {n > 0 ? formatCount(n) : ''}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function segmentOption(rfm: RfmReport) {
  const segments = [...rfm.segments].sort((a, b) => b.customers - a.customers);
  const base = baseOption();
  return {
    ...base,
    // The revenue axis runs along the top, so the legend sits below the bars, clear of its labels.
    grid: { left: 130, right: 80, top: 30, bottom: 56 },
    legend: { ...(base.legend as object), data: ['customers', 'revenue'], top: 'auto', bottom: 0 },
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
  const state = useApi<RfmReport>(`/rfm${queryString({ as_of: asOf })}`);
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
            <Movement rfm={rfm} />
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
  const by = query.get('cohorts') === 'source' ? 'source' : 'first_order_month';
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Retention</h1>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          As of <input type="date" value={asOf} onChange={(e) => setQuery({ as_of: e.target.value || null })} />
        </label>
        <label>
          Cohorts by
          <select value={by} onChange={(e) => setQuery({ cohorts: e.target.value === 'source' ? 'source' : null })}>
            <option value="first_order_month">first-order month</option>
            <option value="source">acquisition source</option>
          </select>
        </label>
      </form>
      <h2>Cohorts by {by === 'source' ? 'acquisition source (first session)' : 'first-order month'}</h2>
      <Cohorts by={by} />
      <Rfm asOf={asOf} />
      <SegmentRetention asOf={asOf} />
    </section>
  );
}
