import { useEffect, useState } from 'react';
import { ApiError, apiFetch } from '../api/client.js';
import type { SegmentRule, SegmentSummary } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link } from '../components/link.js';
import { Empty, Loaded } from '../components/status.js';
import { formatCount } from '../format.js';
import { href } from '../router.js';

// Builder fields and how each becomes a condition of the segments' rule language (src/segments/rule-definition.ts).
const fields = [
  { id: 'fact:orders', label: 'orders (all time)' },
  { id: 'fact:revenue', label: 'revenue (all time)' },
  { id: 'fact:days_since_last_order', label: 'days since last order' },
  { id: 'rfm:segment', label: 'RFM segment (=)' },
  { id: 'trait:address.country', label: 'country' },
  { id: 'trait:gender', label: 'gender' },
];
const ops: Record<string, string> = { '=': 'eq', '!=': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };

/** One builder row as a rule condition. */
function conditionOf(c: SegmentRule): Record<string, unknown> {
  const value = /^-?\d+(\.\d+)?$/.test(String(c.value)) ? Number(c.value) : String(c.value);
  const [kind, name = ''] = c.field.split(':');
  const op = ops[c.op] ?? 'eq';
  if (kind === 'rfm') return { rfm: { segment: [String(c.value)] } };
  if (kind === 'trait') return { trait: name.includes('.') ? name.split('.') : name, op, value };
  return { fact: name, op, value };
}

/** The rule the builder sends: all or any of its filled-in conditions. */
export function ruleOf(match: 'all' | 'any', conditions: SegmentRule[]): Record<string, unknown> {
  return { [match]: conditions.filter((c) => String(c.value).trim() !== '').map(conditionOf) };
}

function Builder() {
  const [match, setMatch] = useState<'all' | 'any'>('all');
  const [conditions, setConditions] = useState<SegmentRule[]>([{ field: 'fact:orders', op: '>=', value: '2' }]);
  const [count, setCount] = useState<{ status: 'idle' | 'loading' | 'ok' | 'error'; value?: number; message?: string }>({ status: 'idle' });
  const body = JSON.stringify(ruleOf(match, conditions));
  useEffect(() => {
    const controller = new AbortController();
    // Counting on every keystroke would queue queries; wait until typing pauses.
    const timer = setTimeout(() => {
      setCount({ status: 'loading' });
      apiFetch<{ customers?: number; count?: number; size?: number }>('/segments/preview', { method: 'POST', body: { rule: JSON.parse(body) as unknown }, signal: controller.signal }).then(
        (r) => setCount({ status: 'ok', value: r.customers ?? r.count ?? r.size ?? 0 }),
        (err: unknown) => {
          if (!controller.signal.aborted) setCount({ status: 'error', message: err instanceof ApiError ? err.message : String(err) });
        },
      );
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body]);
  const update = (i: number, change: Partial<SegmentRule>) => setConditions((cs) => cs.map((c, j) => (j === i ? { ...c, ...change } : c)));
  return (
    <section aria-label="Rule builder">
      <h2>Build a segment</h2>
      <p>
        Customers matching{' '}
        <select value={match} onChange={(e) => setMatch(e.target.value as 'all' | 'any')} aria-label="Match">
          <option value="all">all</option>
          <option value="any">any</option>
        </select>{' '}
        of these conditions:
      </p>
      <ul className="conditions">
        {conditions.map((c, i) => (
          <li key={i}>
            <select value={c.field} onChange={(e) => update(i, { field: e.target.value })} aria-label={`Field of condition ${i + 1}`}>
              {fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>{' '}
            <select value={c.op} onChange={(e) => update(i, { op: e.target.value })} aria-label={`Operator of condition ${i + 1}`}>
              {Object.keys(ops).map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>{' '}
            <input value={c.value} onChange={(e) => update(i, { value: e.target.value })} aria-label={`Value of condition ${i + 1}`} />{' '}
            <button type="button" onClick={() => setConditions((cs) => cs.filter((_, j) => j !== i))} disabled={conditions.length === 1}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setConditions((cs) => [...cs, { field: 'trait:address.country', op: '=', value: '' }])}>
        Add a condition
      </button>
      <p className="live-count" aria-live="polite" data-testid="preview-count">
        {count.status === 'loading' && 'Counting…'}
        {count.status === 'ok' && (
          <>
            <strong>{formatCount(count.value)}</strong> customers match.
          </>
        )}
        {count.status === 'error' && <span className="status error">Could not count: {count.message}</span>}
      </p>
    </section>
  );
}

export function SegmentsPage() {
  const state = useApi<{ segments: SegmentSummary[] }>('/segments');
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Segments</h1>
      <Loaded state={state} what="segments">
        {({ segments }) =>
          segments.length === 0 ? (
            <Empty>No segments yet: build one below.</Empty>
          ) : (
            <table data-testid="segments">
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Customers</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {segments.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.name}</th>
                    <td>{s.kind ?? ''}</td>
                    <td className="num">{formatCount(s.customers ?? s.size ?? null)}</td>
                    <td>
                      <Link to={href('/', { segment: s.id })}>KPIs of this segment</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <Builder />
    </section>
  );
}
