// The period controls every KPI view shares, kept in the URL (from, to, grain, compare, segment).
import { queryString } from '../api/client.js';
import { grains, type Grain, type SegmentSummary } from '../api/types.js';
import { useApi } from '../api/use-api.js';

export interface PeriodState {
  from: string;
  to: string;
  grain: Grain;
  compare: '' | 'previous' | 'last-year';
  segment: string;
  /** All of the data chosen on purpose (`range=all`), so the overview does not replace it with its opening period. */
  all: boolean;
}

/** Reads the period controls from the query string, with the defaults. */
export function readPeriod(query: URLSearchParams): PeriodState {
  const grain = query.get('grain');
  const compare = query.get('compare');
  return {
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    grain: grains.includes(grain as Grain) ? (grain as Grain) : 'month',
    compare: compare === 'none' ? '' : compare === 'last-year' ? 'last-year' : 'previous',
    segment: query.get('segment') ?? '',
    all: query.get('range') === 'all' && !query.get('from') && !query.get('to'),
  };
}

/** The query of `GET /api/v1/metrics/:name` for these controls. */
export function metricQuery(p: PeriodState, extra: Record<string, string> = {}): string {
  return queryString({ from: p.from, to: p.to, grain: p.grain, compare: p.compare || undefined, segment: p.segment, ...extra });
}

/** The URL keys of the controls, to carry them from page to page. */
export function periodParams(p: PeriodState): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.from) out.from = p.from;
  if (p.to) out.to = p.to;
  if (p.grain !== 'month') out.grain = p.grain;
  if (p.compare !== 'previous') out.compare = p.compare || 'none';
  if (p.segment) out.segment = p.segment;
  if (p.all) out.range = 'all';
  return out;
}

export function PeriodControls({ period, onChange }: { period: PeriodState; onChange: (changes: Record<string, string | null>) => void }) {
  const segments = useApi<{ segments: SegmentSummary[] }>('/segments');
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label="Period">
      <label>
        From <input type="date" value={period.from} onChange={(e) => onChange({ from: e.target.value || null, range: null })} />
      </label>
      <label>
        To (exclusive) <input type="date" value={period.to} onChange={(e) => onChange({ to: e.target.value || null, range: null })} />
      </label>
      <label>
        Grain
        <select value={period.grain} onChange={(e) => onChange({ grain: e.target.value === 'month' ? null : e.target.value })}>
          {grains.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <label>
        Compare to
        <select value={period.compare || 'none'} onChange={(e) => onChange({ compare: e.target.value === 'previous' ? null : e.target.value })}>
          <option value="previous">previous period</option>
          <option value="last-year">same period last year</option>
          <option value="none">nothing</option>
        </select>
      </label>
      <label>
        Segment
        <select value={period.segment} onChange={(e) => onChange({ segment: e.target.value || null })}>
          <option value="">all customers</option>
          {segments.status === 'ok' &&
            segments.data.segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
        </select>
        {segments.status === 'error' && <span className="hint"> (segments unavailable: {segments.error.message})</span>}
      </label>
      {(period.from || period.to) && (
        <button type="button" onClick={() => onChange({ from: null, to: null, range: 'all' })}>
          All data
        </button>
      )}
    </form>
  );
}
