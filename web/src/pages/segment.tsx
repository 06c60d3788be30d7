import { useState } from 'react';
import { apiFetch, queryString } from '../api/client.js';
import type { SegmentMembers, SegmentShow } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link } from '../components/link.js';
import { Empty, Loaded } from '../components/status.js';
import { downloadText, toCsv } from '../csv.js';
import { formatCount } from '../format.js';
import { href, useQueryState } from '../router.js';

const pageSize = 100;

/** The members of one page of the list, each a link to the customer's page. */
function Members({ id, offset }: { id: string; offset: number }) {
  const state = useApi<SegmentMembers>(`/segments/${encodeURIComponent(id)}/members${queryString({ limit: pageSize, offset: offset || undefined })}`);
  return (
    <Loaded state={state} what="the members">
      {(report) =>
        report.members.length === 0 ? (
          <Empty>{report.customers === 0 ? 'No customer is in this segment today.' : 'No members on this page.'}</Empty>
        ) : (
          <table data-testid="segment-members">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Id</th>
              </tr>
            </thead>
            <tbody>
              {report.members.map((m) => (
                <tr key={m.customer_id}>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(m.customer_id)}`}>{m.email ?? m.customer_id}</Link>
                  </td>
                  <td className="mono">{m.customer_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Loaded>
  );
}

/** One saved segment: its rule, today's size, and who is in it, a page at a time, with every member as CSV. */
export function SegmentPage({ id }: { id: string }) {
  const [query, setQuery] = useQueryState();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const state = useApi<SegmentShow>(`/segments/${encodeURIComponent(id)}`);
  const [exporting, setExporting] = useState<string | null>(null);
  const download = async () => {
    setExporting('Preparing the CSV…');
    try {
      // Every member, not just the page shown: the same rows as `tessera segments members ID --format csv`.
      const all = await apiFetch<SegmentMembers>(`/segments/${encodeURIComponent(id)}/members?limit=1000000`);
      downloadText(`${id}-members.csv`, toCsv(['customer_id', 'email'], all.members.map((m) => [m.customer_id, m.email])));
      setExporting(null);
    } catch (err) {
      setExporting(`Could not export: ${(err as Error).message}`);
    }
  };
  return (
    <section aria-labelledby="page-title">
      <Loaded state={state} what="the segment">
        {(segment) => (
          <>
            <h1 id="page-title">{segment.name}</h1>
            {segment.description && <p className="hint">{segment.description}</p>}
            <p>
              <strong data-testid="segment-customers">{formatCount(segment.customers)}</strong> customers on {segment.as_of}.{' '}
              <Link to={href('/', { segment: segment.id })}>KPIs of this segment</Link> · <Link to="/segments">All segments</Link>
            </p>
            <details>
              <summary>Rule</summary>
              <pre data-testid="segment-rule">{JSON.stringify(segment.rule, null, 2)}</pre>
            </details>
            <h2>Members</h2>
            <p>
              <button type="button" onClick={() => void download()}>
                Download CSV
              </button>{' '}
              {exporting && <span className="muted">{exporting}</span>}
            </p>
            <Members key={`${id}-${offset}`} id={id} offset={offset} />
            {segment.customers > pageSize && (
              <p>
                <button type="button" disabled={offset === 0} onClick={() => setQuery({ offset: offset - pageSize > 0 ? String(offset - pageSize) : null })}>
                  Previous {pageSize}
                </button>{' '}
                <span className="muted">
                  {formatCount(offset + 1)}–{formatCount(Math.min(offset + pageSize, segment.customers))} of {formatCount(segment.customers)}
                </span>{' '}
                <button type="button" disabled={offset + pageSize >= segment.customers} onClick={() => setQuery({ offset: String(offset + pageSize) })}>
                  Next {pageSize}
                </button>
              </p>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
