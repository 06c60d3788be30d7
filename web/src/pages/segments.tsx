import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, apiFetch } from '../api/client.js';
import type { SegmentRule, SegmentSummary } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link } from '../components/link.js';
import { Sparkline } from '../components/sparkline.js';
import { Empty, Loaded } from '../components/status.js';
import { formatCount } from '../format.js';
import { href } from '../router.js';

// Builder fields and how each becomes a condition of the segments' rule language (src/segments/rule-definition.ts).
const fields = [
  { id: 'fact:orders', label: 'orders (all time)' },
  { id: 'fact:revenue', label: 'revenue (all time)' },
  { id: 'fact:days_since_last_order', label: 'days since last order' },
  { id: 'rfm:segment', label: 'RFM segment' },
  { id: 'trait:address.country', label: 'country' },
  { id: 'trait:gender', label: 'gender' },
];
const ops: Record<string, string> = { '=': 'eq', '!=': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };
/** The operators a field takes: an RFM segment is one of the named segments or not, never more or less than one. */
function opsOf(field: string): string[] {
  return field.startsWith('rfm:') ? ['=', '!='] : Object.keys(ops);
}

/** One builder row as a rule condition. */
function conditionOf(c: SegmentRule): Record<string, unknown> {
  const value = /^-?\d+(\.\d+)?$/.test(String(c.value)) ? Number(c.value) : String(c.value);
  const [kind, name = ''] = c.field.split(':');
  const op = ops[c.op] ?? 'eq';
  if (kind === 'rfm') {
    const inSegment = { rfm: { segment: [String(c.value)] } };
    return c.op === '!=' ? { not: inSegment } : inSegment;
  }
  if (kind === 'trait') return { trait: name.includes('.') ? name.split('.') : name, op, value };
  return { fact: name, op, value };
}

/** The rule the builder sends: all or any of its filled-in conditions. */
export function ruleOf(match: 'all' | 'any', conditions: SegmentRule[]): Record<string, unknown> {
  return { [match]: conditions.filter((c) => String(c.value).trim() !== '').map(conditionOf) };
}

/** A segment id from its name: lower-case words joined by dashes, as `segments create` expects. */
function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

interface SegmentHistory {
  segment: string;
  snapshots: { day: string; customers: number }[];
}

/** Size over time from the daily snapshots the server records (tessera serve re-evaluates segments on a schedule). */
function SizeOverTime({ id }: { id: string }) {
  const state = useApi<SegmentHistory>(`/segments/${encodeURIComponent(id)}/history`);
  if (state.status === 'loading') return <span className="muted">…</span>;
  if (state.status === 'error') return <span className="muted">Unavailable: {state.error.message}</span>;
  const points = state.data.snapshots;
  const last = points[points.length - 1];
  return (
    <span className="size-over-time" data-testid="segment-size" data-customers={last?.customers ?? ''}>
      <strong>{formatCount(last?.customers ?? null)}</strong>
      {last && <span className="muted"> on {last.day}</span>} <Sparkline values={points.map((p) => p.customers)} width={90} height={22} />
      {points.length > 1 && <span className="muted"> over {points.length} days</span>}
    </span>
  );
}

function SaveSegment({ rule, onSaved }: { rule: Record<string, unknown>; onSaved: (id: string, customers: number) => void }) {
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const id = slug(name);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!id) return setMessage({ error: true, text: 'Give the segment a name.' });
    try {
      const saved = await apiFetch<{ segment: { id: string }; customers: number }>('/segments', { method: 'POST', body: { id, name: name.trim(), rule } });
      setMessage({ error: false, text: `Saved as ${saved.segment.id}: ${formatCount(saved.customers)} customers.` });
      onSaved(saved.segment.id, saved.customers);
    } catch (err) {
      setMessage({ error: true, text: err instanceof ApiError ? err.message : 'The segment could not be saved.' });
    }
  };
  return (
    <form className="save-segment" onSubmit={(e) => void save(e)} aria-label="Save segment">
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Repeat buyers" aria-label="Segment name" />
      </label>{' '}
      {id && <span className="muted mono">id {id}</span>}{' '}
      <button type="submit">Save segment</button>
      {message && (
        <p className={`form-message${message.error ? ' error' : ''}`} role={message.error ? 'alert' : 'status'} data-testid="save-result">
          {message.text}
        </p>
      )}
    </form>
  );
}

function Builder({ onSaved }: { onSaved: () => void }) {
  const [match, setMatch] = useState<'all' | 'any'>('all');
  const [conditions, setConditions] = useState<SegmentRule[]>([{ field: 'fact:orders', op: '>=', value: '2' }]);
  // `rule` is the rule the count is for, so a reader (or a test) can tell a stale count from a fresh one.
  const [count, setCount] = useState<{ status: 'idle' | 'loading' | 'ok' | 'error'; value?: number; message?: string; rule?: string }>({ status: 'idle' });
  const body = JSON.stringify(ruleOf(match, conditions));
  useEffect(() => {
    const controller = new AbortController();
    // Counting on every keystroke would queue queries; wait until typing pauses.
    const timer = setTimeout(() => {
      setCount({ status: 'loading' });
      apiFetch<{ customers?: number; count?: number; size?: number }>('/segments/preview', { method: 'POST', body: { rule: JSON.parse(body) as unknown }, signal: controller.signal }).then(
        (r) => setCount({ status: 'ok', value: r.customers ?? r.count ?? r.size ?? 0, rule: body }),
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
            <select
              value={c.field}
              onChange={(e) => update(i, { field: e.target.value, ...(opsOf(e.target.value).includes(c.op) ? {} : { op: '=' }) })}
              aria-label={`Field of condition ${i + 1}`}
            >
              {fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>{' '}
            <select value={c.op} onChange={(e) => update(i, { op: e.target.value })} aria-label={`Operator of condition ${i + 1}`}>
              {opsOf(c.field).map((o) => (
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
      <p className="live-count" aria-live="polite" data-testid="preview-count" data-rule={count.status === 'ok' ? count.rule : undefined}>
        {count.status === 'loading' && 'Counting…'}
        {count.status === 'ok' && (
          <>
            <strong>{formatCount(count.value)}</strong> customers match.
          </>
        )}
        {count.status === 'error' && <span className="status error">Could not count: {count.message}</span>}
      </p>
      <SaveSegment rule={JSON.parse(body) as Record<string, unknown>} onSaved={onSaved} />
    </section>
  );
}

export function SegmentsPage() {
  const [saved, setSaved] = useState(0);
  const state = useApi<{ segments: SegmentSummary[] }>('/segments', saved);
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
                  <th scope="col">Customers over time</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {segments.map((s) => (
                  <tr key={s.id} data-segment={s.id}>
                    <th scope="row">
                      <Link to={`/segments/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                    </th>
                    <td>
                      <SizeOverTime key={`${s.id}-${saved}`} id={s.id} />
                    </td>
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
      <Builder onSaved={() => setSaved((n) => n + 1)} />
    </section>
  );
}
