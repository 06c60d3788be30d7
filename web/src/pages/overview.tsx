import { isLeading, useCatalog } from '../api/catalog.js';
import type { CatalogEntry } from '../api/types.js';
import { metricQuery, PeriodControls, periodParams, readPeriod } from '../components/controls.js';
import { KpiTile } from '../components/kpi-tile.js';
import { Empty, Loaded } from '../components/status.js';
import { useQueryState } from '../router.js';

/** The overview's KPIs: those the catalog marks as headline, else the first few series KPIs. */
function headline(catalog: CatalogEntry[]): CatalogEntry[] {
  const series = catalog.filter((m) => m.unit !== 'table');
  const marked = series.filter((m) => m.headline);
  return marked.length > 0 ? marked : series.slice(0, 8);
}

export function OverviewPage({ reload }: { reload: number }) {
  const [query, setQuery] = useQueryState();
  const period = readPeriod(query);
  const catalog = useCatalog();
  const q = metricQuery(period);
  const params = periodParams(period);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Overview</h1>
      <PeriodControls period={period} onChange={setQuery} />
      <Loaded state={catalog} what="the KPI catalog">
        {(entries) => {
          const tiles = headline(entries);
          if (tiles.length === 0) return <Empty>The catalog has no KPIs yet.</Empty>;
          const groups = [
            { title: 'Leading indicators', hint: 'move before results', items: tiles.filter(isLeading) },
            { title: 'Lagging results', hint: 'the results themselves', items: tiles.filter((m) => !isLeading(m)) },
          ];
          return groups
            .filter((g) => g.items.length > 0)
            .map((g) => (
              <section key={g.title} className="tile-group" aria-label={g.title}>
                <h2>
                  {g.title} <span className="hint">({g.hint})</span>
                </h2>
                <div className="tiles">
                  {g.items.map((m) => (
                    <KpiTile key={m.id} entry={m} query={q} params={params} reload={reload} />
                  ))}
                </div>
              </section>
            ));
        }}
      </Loaded>
    </section>
  );
}
