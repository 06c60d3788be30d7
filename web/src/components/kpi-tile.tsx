import type { CatalogEntry, CompareMode, MetricResult } from '../api/types.js';
import type { ApiState } from '../api/use-api.js';
import { formatChange, formatValue } from '../format.js';
import { href } from '../router.js';
import { Link } from './link.js';
import { Sparkline } from './sparkline.js';

/** Whether a change is good news, given which direction is better for the KPI. */
function changeTone(change: number | null | undefined, better: 'higher' | 'lower' | undefined): string {
  if (change === null || change === undefined || change === 0) return 'neutral';
  return (change > 0) === (better !== 'lower') ? 'good' : 'bad';
}

/** What a tile's change is measured against, in words. */
const compareWords: Record<CompareMode, string> = { previous: 'vs the period before', 'last-year': 'vs a year earlier', baseline: 'vs the baseline' };

/**
 * One headline KPI: value over the range, change against the comparison, sparkline, target status.
 * The overview fetches every tile's answer in one report call and hands each tile its own.
 */
export function KpiTile({ entry, state, params, compared = true }: { entry: CatalogEntry; state: ApiState<MetricResult>; params: Record<string, string>; compared?: boolean }) {
  const benchmark = state.status === 'ok' ? (state.data.total.benchmark ?? null) : null;
  const status = benchmark?.status ?? null;
  return (
    <Link to={href(`/kpi/${entry.id}`, params)} className={`tile status-${status ?? 'none'}`}>
      <article data-testid="kpi-tile" data-metric={entry.id} data-value={state.status === 'ok' ? String(state.data.total.value) : undefined} aria-busy={state.status === 'loading'}>
        <h3>{entry.label}</h3>
        {state.status === 'loading' && <p className="tile-value muted">Loading…</p>}
        {state.status === 'error' && <p className="tile-error">Unavailable: {state.error.message}</p>}
        {state.status === 'ok' && (
          <>
            <p className="tile-value" data-testid="kpi-value">
              {formatValue(state.data.total.value, state.data.unit, { compact: true })}
            </p>
            {/* "Compare to: nothing" shows no change: the server still answers one, the reader asked not to see it. */}
            {compared && (
              <p
                className={`tile-change ${changeTone(state.data.total.change, entry.better)}`}
                title={state.data.total.compare.start && state.data.total.compare.end ? `compared with [${state.data.total.compare.start}, ${state.data.total.compare.end})` : undefined}
              >
                {formatChange(state.data.total.change)}
                {state.data.total.change !== null && state.data.total.change !== undefined ? ` ${compareWords[state.data.total.compare.mode]}` : ''}
              </p>
            )}
            <Sparkline values={state.data.series.map((p) => p.value)} />
            {status && (
              <p className={`tile-target ${status}`}>
                {status === 'on_track' ? 'On track' : 'Off track'} against {benchmark?.target !== null && benchmark?.target !== undefined ? 'target' : 'baseline'}
              </p>
            )}
          </>
        )}
      </article>
    </Link>
  );
}
