import { queryString } from '../api/client.js';
import type { RetentionSegment, SegmentRetentionReport } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatChange, formatCount, formatMoney } from '../format.js';
import { Empty, Loaded } from './status.js';

const span = (w: { from: string; to: string }) => `${w.from} – ${w.to}`;

function Row({ s }: { s: RetentionSegment }) {
  const top = s.top_products.slice(0, 3);
  return (
    <tr data-segment={s.id}>
      <th scope="row">
        {s.name} <span className="muted">{s.kind === 'rfm' ? 'RFM' : 'rule'}</span>
      </th>
      <td className="num">{formatCount(s.current.members)}</td>
      <td className="num">{formatMoney(s.current.revenue)}</td>
      <td className="num">{formatMoney(s.last_month.revenue)}</td>
      <td className="num">{formatChange(s.change.vs_last_month.revenue)}</td>
      <td className="num">{formatMoney(s.last_year.revenue)}</td>
      <td className="num">{formatChange(s.change.vs_last_year.revenue)}</td>
      <td className="num">{formatCount(s.current.customers)}</td>
      <td className="num">{formatCount(s.last_month.customers)}</td>
      <td className="num">{formatCount(s.last_year.customers)}</td>
      <td>{top.length === 0 ? <span className="muted">no orders</span> : top.map((p) => p.name ?? p.sku ?? p.product_id ?? '?').join(', ')}</td>
      <td className="num">
        {formatCount(s.year_over_year.stayed)} / +{formatCount(s.year_over_year.entered)} / −{formatCount(s.year_over_year.left)}
      </td>
    </tr>
  );
}

/**
 * The operator's month-to-date view per segment (RFM named segments, then saved ones): sales and
 * buying customers against the same days of last month and of last year, top products, and who
 * stayed, entered or left the segment over the year.
 */
export function SegmentRetention({ asOf }: { asOf: string }) {
  const state = useApi<SegmentRetentionReport>(`/segments/retention${queryString({ as_of: asOf })}`);
  return (
    <section aria-labelledby="mtd-title">
      <h2 id="mtd-title">Segments month to date</h2>
      <Loaded state={state} what="the month-to-date view">
        {(r) =>
          r.segments.length === 0 ? (
            <Empty>No segment has members yet.</Empty>
          ) : (
            <>
              <p className="hint">
                Month to date {span(r.windows.current)}, against {span(r.windows.last_month)} and {span(r.windows.last_year)}; revenue in {r.currency}.
              </p>
              <div className="table-wrap full">
                <table className="compact" data-testid="segment-mtd">
                  <thead>
                    <tr>
                      <th scope="col">Segment</th>
                      <th scope="col">Members</th>
                      <th scope="col">Sales MTD</th>
                      <th scope="col">Last month</th>
                      <th scope="col">Change</th>
                      <th scope="col">Last year</th>
                      <th scope="col">Change</th>
                      <th scope="col">Buyers MTD</th>
                      <th scope="col">Last month</th>
                      <th scope="col">Last year</th>
                      <th scope="col">Top products</th>
                      <th scope="col">Year: stayed / entered / left</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.segments.map((s) => (
                      <Row key={`${s.kind}:${s.id}`} s={s} />
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </Loaded>
    </section>
  );
}
