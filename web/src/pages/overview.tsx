import { useEffect, useState } from 'react';
import { isLeading, useCatalog } from '../api/catalog.js';
import type { CatalogEntry, MetricReport, MetricResult } from '../api/types.js';
import { useApi, type ApiState } from '../api/use-api.js';
import { AlertsPanel } from '../components/alerts-panel.js';
import { metricQuery, PeriodControls, periodParams, readPeriod } from '../components/controls.js';
import { KpiTile } from '../components/kpi-tile.js';
import { Link } from '../components/link.js';
import { Empty, Loaded } from '../components/status.js';
import { workspace } from '../format.js';
import { openingPeriod, todayIn } from '../opening-period.js';
import { href, useQueryState } from '../router.js';

/** The overview's KPIs: those the catalog marks as headline, else the first few series KPIs. */
function headline(catalog: CatalogEntry[]): CatalogEntry[] {
  const series = catalog.filter((m) => m.unit !== 'table');
  const marked = series.filter((m) => m.headline);
  return marked.length > 0 ? marked : series.slice(0, 8);
}

/** Each tile's share of the one report: its own answer, or the report's loading or error state. */
function tileState(report: ApiState<MetricReport>, id: string): ApiState<MetricResult> {
  if (report.status !== 'ok') return report;
  const found = report.data.metrics.find((m) => m.metric === id);
  return found && 'series' in found && 'value' in found.total ? { status: 'ok', data: found as MetricResult } : { status: 'loading' };
}

function Tiles({ tiles, query, params, reload, compared }: { tiles: CatalogEntry[]; query: string; params: Record<string, string>; reload: number; compared: boolean }) {
  // One request for every tile: the server refreshes the facts once and answers them together.
  const ids = tiles.map((m) => m.id).join(',');
  const report = useApi<MetricReport>(`/report${query}${query ? '&' : '?'}metrics=${encodeURIComponent(ids)}`, reload);
  const groups = [
    { title: 'Leading indicators', hint: 'move before results', items: tiles.filter(isLeading) },
    { title: 'Lagging results', hint: 'the results themselves', items: tiles.filter((m) => !isLeading(m)) },
  ];
  return (
    <>
      {report.status === 'error' && (
        <div className="status error" role="alert">
          <strong>Could not load the KPIs.</strong> {report.error.message}
        </div>
      )}
      {groups
        .filter((g) => g.items.length > 0)
        .map((g) => (
          <section key={g.title} className="tile-group" aria-label={g.title}>
            <h2>
              {g.title} <span className="hint">({g.hint})</span>
            </h2>
            <div className="tiles">
              {g.items.map((m) => (
                <KpiTile key={m.id} entry={m} state={tileState(report, m.id)} params={params} compared={compared} />
              ))}
            </div>
          </section>
        ))}
    </>
  );
}

/** The catalog's other KPIs, which have no tile: each a link to its page with the same period, so none is reachable only by URL. */
function OtherKpis({ entries, params }: { entries: CatalogEntry[]; params: Record<string, string> }) {
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="other-kpis-title">
      <h2 id="other-kpis-title">More KPIs</h2>
      <ul className="chips" data-testid="other-kpis">
        {entries.map((m) => (
          <li key={m.id}>
            <Link to={href(`/kpi/${m.id}`, params)}>{m.label}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The period the overview opens on (`openingPeriod`): the latest 12 complete months of data against the 12
 * before, so that every tile has a comparison. Over all of the data, as the KPI pages open, there is
 * never a period before it to compare with. `probe` is the KPI whose answer gives the data's span (undefined while
 * the catalog loads, null for none). Undefined while that is read; null when the data spans too little for any
 * (all of it then).
 */
function useOpeningPeriod(probe: string | null | undefined): { from: string; to: string } | null | undefined {
  const span = useApi<MetricReport>(probe ? `/report?grain=month&metrics=${encodeURIComponent(probe)}` : null);
  if (probe === undefined) return undefined;
  if (probe === null || span.status === 'error') return null;
  if (span.status === 'loading') return undefined;
  const answer = span.data.metrics[0];
  const total = answer && 'total' in answer ? answer.total : undefined;
  const start = total && 'start' in total ? total.start : null;
  const end = total && 'end' in total ? total.end : null;
  return start && end ? openingPeriod({ start, end }, todayIn(workspace.reportingTimezone)) : null;
}

export function OverviewPage({ reload }: { reload: number }) {
  const [query, setQuery] = useQueryState();
  const period = readPeriod(query);
  const catalog = useCatalog();
  const params = periodParams(period);
  // Only a first visit without a period gets the opening one; once chosen (or found not to apply) the URL rules.
  const [opened, setOpened] = useState(Boolean(period.from || period.to || period.all));
  const first = catalog.status === 'ok' ? (headline(catalog.data)[0]?.id ?? null) : catalog.status === 'error' ? null : undefined;
  const opening = useOpeningPeriod(opened ? null : first);
  useEffect(() => {
    if (opened || opening === undefined) return;
    if (opening) setQuery(opening);
    setOpened(true);
  }, [opened, opening, setQuery]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Overview</h1>
      <PeriodControls period={period} onChange={setQuery} />
      <AlertsPanel params={params} />
      <Loaded state={catalog} what="the KPI catalog">
        {(entries) => {
          const tiles = headline(entries);
          if (tiles.length === 0) return <Empty>The catalog has no KPIs yet.</Empty>;
          if (!opened) return <Empty>Finding the latest months of data…</Empty>;
          const shown = new Set(tiles.map((m) => m.id));
          return (
            <>
              <Tiles tiles={tiles} query={metricQuery(period)} params={params} reload={reload} compared={period.compare !== ''} />
              <OtherKpis entries={entries.filter((m) => !shown.has(m.id))} params={params} />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
