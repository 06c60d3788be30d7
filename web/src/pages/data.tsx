import { useCallback, useEffect, useRef, useState } from 'react';
import type { DataSource, ImportRecord, QuarantineRow, StoredEvent } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Empty, Loaded } from '../components/status.js';
import { formatCount, formatTime } from '../format.js';
import { useLiveEvents, useLiveStatus } from '../live.js';

const KEEP = 100;

function summary(m: Record<string, unknown>): string {
  const type = String(m.type ?? '');
  if (type === 'track') return String(m.event ?? '');
  if (type === 'page' || type === 'screen') return String(((m.properties ?? {}) as Record<string, unknown>).path ?? m.name ?? '');
  if (type === 'identify') return Object.keys((m.traits ?? {}) as object).join(', ');
  return '';
}

function RecentEvents() {
  const initial = useApi<{ events: StoredEvent[] }>('/events?limit=50');
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const live = useLiveStatus();
  useEffect(() => {
    if (initial.status === 'ok') setEvents((now) => merge(initial.data.events, now));
  }, [initial]);
  const onEvents = useCallback((fresh: StoredEvent[]) => setEvents((now) => merge(now, fresh)), []);
  useLiveEvents(onEvents);
  return (
    <section aria-label="Recent events">
      <h2>
        Recent events{' '}
        <span className={`live live-${live}`} data-testid="live-status">
          {live === 'open' ? '● live' : live === 'connecting' ? '○ connecting…' : '○ not live'}
        </span>
      </h2>
      <Loaded state={initial} what="recent events">
        {() =>
          events.length === 0 ? (
            <Empty>No events yet. Send one to POST /v1/track with a write key and it appears here.</Empty>
          ) : (
            <table data-testid="events">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Type</th>
                  <th scope="col">What</th>
                  <th scope="col">Who</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody aria-live="polite">
                {[...events].reverse().map((e) => (
                  <tr key={e.seq} data-message-id={String(e.message.messageId ?? '')}>
                    <td className="num">{e.seq}</td>
                    <td>{formatTime(e.message.timestamp as string)}</td>
                    <td>{String(e.message.type ?? '')}</td>
                    <td>{summary(e.message)}</td>
                    <td className="mono">{String(e.message.userId ?? e.message.anonymousId ?? '')}</td>
                    <td>{e.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

/** Appends events not seen yet, in sequence order, keeping the newest few. */
function merge(a: StoredEvent[], b: StoredEvent[]): StoredEvent[] {
  const bySeq = new Map<number, StoredEvent>();
  for (const e of [...a, ...b]) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq).slice(-KEEP);
}

/** A counter that moves a moment after new events arrive (one re-read per burst), to keep counts in step with the live feed. */
function useEventsSettledTick(delayMs = 1500): number {
  const [tick, setTick] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onEvents = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      setTick((t) => t + 1);
    }, delayMs);
  }, [delayMs]);
  useLiveEvents(onEvents);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  return tick;
}

function Sources() {
  const state = useApi<{ sources: DataSource[] }>('/sources', useEventsSettledTick());
  return (
    <section aria-label="Sources">
      <h2>Sources</h2>
      <Loaded state={state} what="the sources">
        {({ sources }) =>
          sources.length === 0 ? (
            <Empty>No data yet: send events with a write key (tessera keys create) or import a file.</Empty>
          ) : (
            <table data-testid="sources">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Events</th>
                  <th scope="col">First received</th>
                  <th scope="col">Last received</th>
                </tr>
              </thead>
              <tbody>
                {sources.map((s) => (
                  <tr key={s.source}>
                    <th scope="row">{s.source}</th>
                    <td className="num">{formatCount(s.events)}</td>
                    <td>{formatTime(s.first_received)}</td>
                    <td>{formatTime(s.last_received)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

function Imports() {
  const state = useApi<{ imports: ImportRecord[] }>('/imports?limit=50');
  return (
    <section aria-label="Import history">
      <h2>Import history</h2>
      <Loaded state={state} what="the import history">
        {({ imports }) =>
          imports.length === 0 ? (
            <Empty>No file imported yet (tessera import FILE).</Empty>
          ) : (
            <table data-testid="imports">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">File</th>
                  <th scope="col">Format</th>
                  <th scope="col">Rows read</th>
                  <th scope="col">Events written</th>
                  <th scope="col">Duplicates</th>
                  <th scope="col">Quarantined</th>
                </tr>
              </thead>
              <tbody>
                {imports.map((i) => (
                  <tr key={i.id}>
                    <td>{formatTime(i.started_at)}</td>
                    <td className="mono">{i.file.split('/').pop()}</td>
                    <td>{i.format}</td>
                    <td className="num">{formatCount(i.rows_read)}</td>
                    <td className="num">{formatCount(i.events_written)}</td>
                    <td className="num">{formatCount(i.duplicates)}</td>
                    <td className="num">{i.finished_at === null ? 'running or stopped' : formatCount(i.quarantined)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

function Quarantine() {
  const state = useApi<{ rejected: QuarantineRow[] }>('/quarantine?limit=100');
  return (
    <section aria-label="Quarantine">
      <h2>Quarantine</h2>
      <Loaded state={state} what="the quarantine">
        {({ rejected }) =>
          rejected.length === 0 ? (
            <Empty>Nothing rejected: every record so far was valid.</Empty>
          ) : (
            <table data-testid="quarantine">
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Source</th>
                  <th scope="col">Where</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {rejected.map((r) => (
                  <tr key={r.seq}>
                    <td>{formatTime(r.received_at)}</td>
                    <td>{r.source}</td>
                    <td className="mono">{r.location ?? ''}</td>
                    <td>
                      <strong>{r.code}</strong>: {r.reason}
                      {r.field ? ` (field ${r.field})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

export function DataPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Data</h1>
      <Sources />
      <RecentEvents />
      <Imports />
      <Quarantine />
    </section>
  );
}
