import { useEffect, useMemo, useState } from 'react';
import { ApiError, apiFetch } from '../api/client.js';
import { isLeading, useCatalog } from '../api/catalog.js';
import { dimensions, type BreakdownResult, type CatalogEntry, type MetricResult, type SegmentSummary, type SeriesPoint, type TableResult, type Unit } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { BenchmarkEditor } from '../components/benchmark-editor.js';
import { baseOption, Chart, cssColor } from '../components/chart.js';
import { metricQuery, PeriodControls, periodParams, readPeriod } from '../components/controls.js';
import { Link } from '../components/link.js';
import { Empty, Loaded } from '../components/status.js';
import { downloadText, toCsv } from '../csv.js';
import { formatChange, formatValue } from '../format.js';
import { href, useQueryState } from '../router.js';

/** A period's label, saying when it is not over yet. */
const periodLabel = (p: SeriesPoint): string => (p.partial ? `${p.period} (so far)` : p.period);

function seriesOption(result: MetricResult, showPrevious: boolean) {
  const base = baseOption();
  const target = result.total.benchmark?.target ?? null;
  return {
    ...base,
    xAxis: { ...(base.xAxis as object), type: 'category', data: result.series.map(periodLabel) },
    yAxis: { ...(base.yAxis as object), type: 'value', axisLabel: { formatter: (v: number) => formatValue(v, result.unit, { compact: true }) } },
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => formatValue(v, result.unit) },
    series: [
      {
        name: result.label,
        type: 'line',
        // A period not over yet is drawn faint: its value is so far, not a fall.
        data: result.series.map((p) => (p.partial ? { value: p.value, itemStyle: { opacity: 0.4 }, symbol: 'emptyCircle' } : p.value)),
        showSymbol: result.series.length < 40,
        ...(target !== null
          ? {
              markArea: {
                silent: true,
                itemStyle: { color: cssColor('--target-band') },
                label: { show: true, position: 'insideTopLeft', formatter: `target ${formatValue(target, result.unit)}`, color: cssColor('--text-muted') },
                data: [[{ yAxis: target * 0.98 }, { yAxis: target * 1.02 }]],
              },
            }
          : {}),
      },
      ...(showPrevious ? [{ name: 'comparison', type: 'line', data: result.series.map((p) => p.previous), lineStyle: { type: 'dashed' }, showSymbol: false }] : []),
    ],
  };
}

/** Lines per group (a dimension's values, or saved segments). */
function breakdownOption(result: Pick<BreakdownResult, 'unit' | 'groups'>) {
  const base = baseOption();
  const periods = result.groups[0]?.series.map((p) => p.period) ?? [];
  return {
    ...base,
    legend: { ...(base.legend as object), type: 'scroll' },
    xAxis: { ...(base.xAxis as object), type: 'category', data: periods },
    yAxis: { ...(base.yAxis as object), type: 'value', axisLabel: { formatter: (v: number) => formatValue(v, result.unit, { compact: true }) } },
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => formatValue(v, result.unit) },
    series: result.groups.slice(0, 12).map((g) => ({ name: g.group, type: 'line', data: g.series.map((p) => p.value), showSymbol: false })),
  };
}

function SeriesTable({ result, compared }: { result: MetricResult; compared: boolean }) {
  const download = () =>
    downloadText(
      `${result.metric}-${result.grain}.csv`,
      toCsv(
        ['period', 'start', 'end', 'value', 'numerator', 'denominator', 'previous', 'change'],
        result.series.map((p) => [p.period, p.start, p.end, p.value, p.numerator, p.denominator, p.previous, p.change]),
      ),
    );
  const u: Unit = result.unit;
  return (
    <section aria-label="Table">
      <div className="row">
        <h2>Table</h2>
        <button type="button" onClick={download}>
          Download CSV
        </button>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col">Value</th>
              <th scope="col">Numerator</th>
              <th scope="col">Denominator</th>
              {compared && <th scope="col">Comparison</th>}
              {compared && <th scope="col">Change</th>}
            </tr>
          </thead>
          <tbody>
            {result.series.map((p) => (
              <tr key={p.period}>
                <th scope="row">
                  {p.period}
                  {p.partial && <span className="muted"> (so far)</span>}
                </th>
                <td className="num">{formatValue(p.value, u)}</td>
                <td className="num">{formatValue(p.numerator, 'ratio')}</td>
                <td className="num">{formatValue(p.denominator, 'ratio')}</td>
                {compared && <td className="num">{formatValue(p.previous, u)}</td>}
                {compared && <td className="num">{formatChange(p.change)}</td>}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Whole range</th>
              <td className="num" data-testid="kpi-total">
                {formatValue(result.total.value, u)}
              </td>
              <td />
              <td />
              {compared && <td className="num">{formatValue(result.total.previous, u)}</td>}
              {compared && <td className="num">{formatChange(result.total.change)}</td>}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

/** A breakdown's lines and its table of whole-range values and changes, one row per group. */
function GroupChartAndTable({ result, by, testId, compared }: { result: Pick<BreakdownResult, 'label' | 'unit' | 'groups'>; by: string; testId?: string; compared: boolean }) {
  return (
    <>
      <Chart option={breakdownOption(result)} label={`${result.label} by ${by}`} />
      <table className="compact" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{by}</th>
            <th scope="col">Whole range</th>
            {compared && <th scope="col">Change</th>}
          </tr>
        </thead>
        <tbody>
          {result.groups.map((g) => (
            <tr key={g.group}>
              <th scope="row">{g.group}</th>
              <td className="num">{formatValue(g.total.value, result.unit)}</td>
              {compared && <td className="num">{formatChange(g.total.change)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Breakdown({ id, query, compared }: { id: string; query: string; compared: boolean }) {
  const state = useApi<BreakdownResult>(`/metrics/${encodeURIComponent(id)}${query}`);
  return (
    <Loaded state={state} what="the breakdown">
      {(result) =>
        result.groups.length === 0 ? (
          <Empty>No data to break down in this range.</Empty>
        ) : (
          <GroupChartAndTable result={result} by={result.breakdown} compared={compared} />
        )
      }
    </Loaded>
  );
}

/**
 * The KPI per saved segment: one answer per segment (`?segment=`), the same engine as every tile,
 * laid out like a breakdown. A customer may be in several segments, so the rows need not add up.
 */
function SegmentBreakdown({ id, query, compared }: { id: string; query: string; compared: boolean }) {
  type PerSegment = Pick<BreakdownResult, 'label' | 'unit' | 'groups'>;
  const [state, setState] = useState<{ status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; result: PerSegment }>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    setState({ status: 'loading' });
    (async () => {
      const { segments } = await apiFetch<{ segments: SegmentSummary[] }>('/segments', { signal });
      const answers = await Promise.all(
        segments.slice(0, 12).map(async (seg) => ({ seg, r: await apiFetch<MetricResult>(`/metrics/${encodeURIComponent(id)}${query}${query ? '&' : '?'}segment=${encodeURIComponent(seg.id)}`, { signal }) })),
      );
      const groups = answers.map(({ seg, r }) => ({ group: seg.name, series: r.series, total: r.total }));
      setState({ status: 'ok', result: { label: answers[0]?.r.label ?? id, unit: answers[0]?.r.unit ?? 'count', groups } });
    })().catch((err: unknown) => {
      if (!signal.aborted) setState({ status: 'error', message: err instanceof ApiError ? err.message : String(err) });
    });
    return () => controller.abort();
  }, [id, query]);
  if (state.status === 'loading') return <p className="status">Loading the KPI per segment…</p>;
  if (state.status === 'error') return <p className="status error">Could not load the KPI per segment: {state.message}</p>;
  if (state.result.groups.length === 0) return <Empty>No saved segments yet: build one on the Segments page.</Empty>;
  const result = state.result;
  return <GroupChartAndTable result={result} by="segment" testId="segment-breakdown" compared={compared} />;
}

/**
 * A KPI whose answer is a table (`unit: table`, such as the top traffic sources): one row per group over the
 * whole range, one column per measure, each in its own unit. It has no single value to draw as a line.
 */
function TableKpi({ result }: { result: TableResult }) {
  const rows = result.total.rows;
  if (rows.length === 0) return <Empty>No data in this range.</Empty>;
  return (
    <section aria-label="Table">
      <h2>
        By {result.by}, over the range
      </h2>
      <div className="table-wrap">
        <table data-testid="kpi-table">
          <thead>
            <tr>
              <th scope="col">{result.by}</th>
              {result.columns.map((c) => (
                <th key={c.id} scope="col" className="num">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.group}>
                <th scope="row">{r.group}</th>
                {result.columns.map((c) => {
                  const v = r[c.id];
                  return (
                    <td key={c.id} className="num">
                      {typeof v === 'number' || v === null || v === undefined ? formatValue(v, c.unit) : v}
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

function isTable(result: MetricResult | TableResult): result is TableResult {
  return result.unit === 'table';
}

function Definition({ entry }: { entry: CatalogEntry | undefined }) {
  if (!entry) return <Empty>This KPI is not in the catalog.</Empty>;
  return (
    <dl className="definition">
      <dt>Kind</dt>
      <dd>{isLeading(entry) ? 'Leading (moves before results)' : 'Lagging (a result)'}</dd>
      {entry.description && (
        <>
          <dt>Definition</dt>
          <dd>{entry.description}</dd>
        </>
      )}
      {entry.counts && (
        <>
          <dt>Counts</dt>
          <dd>{entry.counts}</dd>
        </>
      )}
      <dt>Unit</dt>
      <dd>{entry.unit}</dd>
      <dt>Better when</dt>
      <dd>{entry.better === 'lower' ? 'lower' : 'higher'}</dd>
    </dl>
  );
}

export function KpiPage({ id, reload }: { id: string; reload: number }) {
  const [query, setQuery] = useQueryState();
  const period = readPeriod(query);
  const breakdown = query.get('breakdown') ?? '';
  const catalog = useCatalog();
  const [saved, setSaved] = useState(0);
  const state = useApi<MetricResult | TableResult>(`/metrics/${encodeURIComponent(id)}${metricQuery(period)}`, reload + saved);
  const entry = catalog.status === 'ok' ? catalog.data.find((m) => m.id === id) : undefined;
  // "Compare to: nothing": the server still answers a comparison (there is no mode for none), so the page hides it.
  const compared = period.compare !== '';
  const option = useMemo(() => (state.status === 'ok' && !isTable(state.data) ? seriesOption(state.data, compared) : null), [state, compared]);
  return (
    <section aria-labelledby="page-title">
      <p className="crumbs">
        <Link to={href('/', periodParams(period))}>Overview</Link> › KPI
      </p>
      <h1 id="page-title">{entry?.label ?? (state.status === 'ok' ? state.data.label : id)}</h1>
      <PeriodControls period={period} onChange={setQuery} />
      <Loaded state={state} what={`the KPI ${id}`}>
        {(result) =>
          isTable(result) ? (
            <TableKpi result={result} />
          ) : result.series.length === 0 ? (
            <Empty>No data in this range.</Empty>
          ) : (
            <>
              <p className="headline-figure">
                <span data-testid="kpi-total-headline">{formatValue(result.total.value, result.unit)}</span>{' '}
                <span className="muted">
                  over the range
                  {!compared ? '' : result.total.change !== null && result.total.change !== undefined ? `, ${formatChange(result.total.change)} against the comparison` : ' (no earlier data to compare with)'}
                </span>
              </p>
              {option && <Chart option={option} label={`${result.label} by ${result.grain}`} />}
              <SeriesTable result={result} compared={compared} />
            </>
          )
        }
      </Loaded>
      {/* A table KPI is already split by its own dimension. */}
      {!(state.status === 'ok' && isTable(state.data)) && (
        <section aria-label="Breakdown">
          <div className="row">
            <h2>Breakdown</h2>
            <label>
              by{' '}
              <select value={breakdown} onChange={(e) => setQuery({ breakdown: e.target.value || null })}>
                <option value="">nothing</option>
                {dimensions.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
                <option value="segment">segment</option>
              </select>
            </label>
          </div>
          {breakdown === 'segment' ? (
            <SegmentBreakdown id={id} query={metricQuery({ ...period, segment: '' })} compared={compared} />
          ) : breakdown ? (
            <Breakdown id={id} query={metricQuery(period, { breakdown })} compared={compared} />
          ) : (
            <p className="hint">Choose a dimension to split the KPI by source, country, currency or saved segment.</p>
          )}
        </section>
      )}
      {state.status === 'ok' && !isTable(state.data) && <BenchmarkEditor key={id} metric={id} unit={state.data.unit} benchmark={state.data.total.benchmark ?? null} onSaved={() => setSaved((n) => n + 1)} />}
      <section aria-label="Definition">
        <h2>Definition</h2>
        <Loaded state={catalog} what="the catalog">
          {() => <Definition entry={entry} />}
        </Loaded>
      </section>
    </section>
  );
}
