import { useState } from 'react';
import { ApiError, apiFetch, queryString } from '../api/client.js';
import type { CustomerPrediction, Profile, Timeline as TimelinePage } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loaded } from '../components/status.js';
import { formatAny, formatCount, formatMoney, formatTime, formatValue } from '../format.js';
import { href } from '../router.js';

type TraitSources = Record<string, { source?: string; at?: string }>;

function Identifiers({ profile }: { profile: Profile }) {
  if (profile.identifiers.length === 0) return <Empty>No identifiers.</Empty>;
  return (
    <table data-testid="identifiers">
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Value</th>
          <th scope="col">First seen</th>
        </tr>
      </thead>
      <tbody>
        {profile.identifiers.map((i) => (
          <tr key={`${i.type}:${i.value}`} data-identifier={`${i.type}:${i.value}`}>
            <td>{i.type}</td>
            <td className="mono">{i.value}</td>
            <td>{formatTime(i.first_seen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function KeyValues({ values, sources }: { values: Record<string, unknown>; sources?: TraitSources }) {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return <Empty>None yet.</Empty>;
  return (
    <table className="compact">
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{formatAny(values[k])}</td>
            {sources && <td className="muted">{sources[k] ? `from ${sources[k]?.source ?? '?'}${sources[k]?.at ? `, ${formatTime(sources[k]?.at)}` : ''}` : ''}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ExplanationEntry {
  rule?: string;
  messageId?: string;
  timestamp?: number | string;
  identifiers?: string[];
  /** A `blocked-value` refusal's blocked identifier and why. */
  blocked?: { identifier?: string; reason?: string };
}

interface Explanation {
  merges?: ExplanationEntry[];
  refusals?: ExplanationEntry[];
}

function MergeExplanation({ id }: { id: string }) {
  const state = useApi<Explanation>(`/profiles/${encodeURIComponent(id)}/explain`);
  return (
    <Loaded state={state} what="the merge explanation">
      {(x) => {
        const rows = [...(x.merges ?? []).map((m) => ({ ...m, kind: 'merged' })), ...(x.refusals ?? []).map((m) => ({ ...m, kind: 'refused' }))];
        if (rows.length === 0) return <Empty>This customer was never merged: one identifier, or links from one message.</Empty>;
        return (
          <ol className="merges">
            {rows.map((m, i) => (
              <li key={i}>
                <strong>{m.kind}</strong> {m.identifiers?.join(' ↔ ')} <span className="muted">({m.rule ?? 'rule?'}, message {m.messageId ?? '?'}, {formatTime(m.timestamp)})</span>
                {m.blocked?.reason !== undefined && (
                  <div className="muted">
                    {m.blocked.identifier}: {m.blocked.reason}
                  </div>
                )}
              </li>
            ))}
          </ol>
        );
      }}
    </Loaded>
  );
}

function describe(message: Record<string, unknown>): string {
  const type = String(message.type ?? '');
  if (type === 'track') return String(message.event ?? 'track');
  if (type === 'page' || type === 'screen') {
    const props = (message.properties ?? {}) as Record<string, unknown>;
    return `${type} ${String(props.path ?? message.name ?? '')}`;
  }
  return type;
}

/** The customer's events, newest first, a page at a time: "Older events" reads the next page (`before`) and adds it below. */
function Timeline({ id }: { id: string }) {
  const state = useApi<TimelinePage>(`/profiles/${encodeURIComponent(id)}/timeline`);
  const [older, setOlder] = useState<{ events: TimelinePage['events']; next: string | null } | null>(null);
  const [more, setMore] = useState<{ status: 'idle' | 'loading' } | { status: 'error'; message: string }>({ status: 'idle' });
  const loadOlder = async (before: string) => {
    setMore({ status: 'loading' });
    try {
      const page = await apiFetch<TimelinePage>(`/profiles/${encodeURIComponent(id)}/timeline${queryString({ before })}`);
      setOlder((o) => ({ events: [...(o?.events ?? []), ...page.events], next: page.next }));
      setMore({ status: 'idle' });
    } catch (err) {
      setMore({ status: 'error', message: err instanceof ApiError ? err.message : String(err) });
    }
  };
  return (
    <Loaded state={state} what="the timeline">
      {(t) => {
        const events = [...t.events, ...(older?.events ?? [])];
        const next = older ? older.next : t.next;
        if (events.length === 0) return <Empty>No events.</Empty>;
        return (
          <>
            <ol className="timeline" data-testid="timeline">
              {events.map((e, i) => {
                const m = e.message as Record<string, unknown>;
                return (
                  <li key={e.seq ?? i} data-seq={e.seq}>
                    <time>{formatTime(m.timestamp as string)}</time> <strong>{describe(m)}</strong> <span className="muted">{e.source ?? ''}</span>
                    {e.repeat_of !== undefined && (
                      <span className="muted" data-testid="repeat">
                        {' '}
                        · the same order sent again, counted once
                      </span>
                    )}
                  </li>
                );
              })}
            </ol>
            <p className="muted">
              {formatCount(events.length)} events shown{next ? '' : ', back to the first'}.{' '}
              {next && (
                <button type="button" onClick={() => void loadOlder(next)} disabled={more.status === 'loading'}>
                  {more.status === 'loading' ? 'Loading older events…' : 'Older events'}
                </button>
              )}
            </p>
            {more.status === 'error' && <ErrorBox what="older events" message={more.message} />}
          </>
        );
      }}
    </Loaded>
  );
}

/** The segments the customer is in now, and the customer-value model's view of them. */
function Standing({ id }: { id: string }) {
  const segments = useApi<{ segments: { id: string; name: string; entered_at: string }[] }>(`/profiles/${encodeURIComponent(id)}/segments`);
  const prediction = useApi<CustomerPrediction>(`/clv/predictions${queryString({ customer_id: id })}`);
  return (
    <>
      <h2>Segments</h2>
      <Loaded state={segments} what="the segments">
        {({ segments: list }) =>
          list.length === 0 ? (
            <Empty>In no saved segment (as of the last refresh).</Empty>
          ) : (
            <ul className="chips" data-testid="customer-segments">
              {list.map((s) => (
                <li key={s.id}>
                  <Link to={href('/', { segment: s.id })}>{s.name}</Link> <span className="muted">since {formatTime(s.entered_at)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <h2>Scores</h2>
      {prediction.status === 'error' ? (
        <p className="muted">Scores unavailable: {prediction.error.message}</p>
      ) : (
        <Loaded state={prediction} what="the scores">
          {(p) => (
            <dl className="definition" data-testid="customer-scores">
              <dt>Probability still active</dt>
              <dd>{formatValue(p.p_alive * 100, 'percent')}</dd>
              <dt>Churn risk</dt>
              <dd>{formatValue(p.churn_risk * 100, 'percent')}</dd>
              <dt>Expected purchases</dt>
              <dd>{formatValue(p.expected_purchases, 'ratio')}</dd>
              <dt>Predicted lifetime value</dt>
              <dd>
                {formatMoney(p.clv)}
                {p.clv_decile !== null ? ` (decile ${p.clv_decile})` : ''}
                {p.high_value_at_risk ? ' · high value at risk' : p.high_value ? ' · high value' : ''}
              </dd>
            </dl>
          )}
        </Loaded>
      )}
    </>
  );
}

/** What a person calls the customer: their name from the traits, else an email, else nothing (the id is shown). */
function displayName(p: Profile): string | null {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const name = text(p.traits['name']) ?? ([text(p.traits['first_name']), text(p.traits['last_name'])].filter(Boolean).join(' ') || null);
  return name ?? text(p.traits['email']) ?? p.identifiers.find((i) => i.type === 'email')?.value ?? null;
}

export function CustomerPage({ id }: { id: string }) {
  const state = useApi<Profile>(`/profiles/${encodeURIComponent(id)}`);
  const name = state.status === 'ok' ? displayName(state.data) : null;
  return (
    <section aria-labelledby="page-title">
      <p className="crumbs">
        <Link to="/customers">Customers</Link> › customer
      </p>
      <h1 id="page-title" className={name ? undefined : 'mono'}>
        {name ?? id}
      </h1>
      {name && state.status === 'ok' && <p className="mono muted">{state.data.customer_id}</p>}
      <Loaded state={state} what="this customer">
        {(p) => (
          <div className="columns">
            <div>
              {p.redirected_from !== undefined && (
                <p className="muted" data-testid="customer-redirected">
                  <span className="mono">{p.redirected_from}</span> is now <span className="mono">{p.customer_id}</span>: merged into it, split, or renamed by an earlier
                  event.
                </p>
              )}
              <h2>Identifiers</h2>
              <Identifiers profile={p} />
              <h2>Traits</h2>
              <KeyValues values={p.traits} sources={p.trait_sources} />
              <h2>Computed traits</h2>
              <KeyValues values={p.computed} />
              <Standing id={p.customer_id} />
              <h2>Why these identifiers are one customer ({p.merges} merges)</h2>
              <MergeExplanation id={id} />
            </div>
            <div>
              <h2>Timeline</h2>
              <Timeline id={id} />
            </div>
          </div>
        )}
      </Loaded>
    </section>
  );
}
