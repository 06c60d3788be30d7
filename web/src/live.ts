// One server-sent-event stream for the whole app (`/api/v1/live`): new events, ticks when metrics may
// have changed, and alerts as they fire or resolve.
import { useEffect, useState } from 'react';
import type { Alert, StoredEvent } from './api/types.js';
import { onTokenChange, readToken } from './token.js';

export type LiveStatus = 'connecting' | 'open' | 'closed';

/** What an `alerts` frame carries. */
export interface AlertNotice {
  fired: Alert[];
  resolved: Alert[];
}

type Listener = { events?: (events: StoredEvent[]) => void; metrics?: () => void; alerts?: (notice: AlertNotice) => void; status?: (s: LiveStatus) => void };

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let status: LiveStatus = 'closed';

function setStatus(s: LiveStatus): void {
  status = s;
  for (const l of listeners) l.status?.(s);
}

function open(): void {
  const token = readToken();
  if (source || !token) return;
  setStatus('connecting');
  // EventSource cannot send headers: the token goes in the query string of this one URL.
  source = new EventSource(`/api/v1/live?token=${encodeURIComponent(token)}`);
  source.onopen = () => setStatus('open');
  source.onerror = () => setStatus(source?.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
  source.addEventListener('events', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { events: StoredEvent[] };
    for (const l of listeners) l.events?.(data.events);
  });
  source.addEventListener('metrics', () => {
    for (const l of listeners) l.metrics?.();
  });
  source.addEventListener('alerts', (e) => {
    const notice = JSON.parse((e as MessageEvent<string>).data) as AlertNotice;
    for (const l of listeners) l.alerts?.(notice);
  });
}

// The stream carries the token it was opened with: a new or forgotten token closes it, and the next
// subscriber (the dashboard, once a token is back) opens it again with the current one.
onTokenChange(() => {
  source?.close();
  source = null;
  setStatus('closed');
  if (listeners.size > 0) open();
});

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  open();
  return () => {
    listeners.delete(listener);
  };
}

/** Counts "metrics changed" ticks: pass it as a reload key to re-fetch KPIs without a reload of the page. */
export function useMetricsTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => subscribe({ metrics: () => setTick((t) => t + 1) }), []);
  return tick;
}

/** The stream's connection state. */
export function useLiveStatus(): LiveStatus {
  const [s, setS] = useState<LiveStatus>(status);
  useEffect(() => subscribe({ status: setS }), []);
  return s;
}

/** Calls `onEvents` with each batch of newly stored events. */
export function useLiveEvents(onEvents: (events: StoredEvent[]) => void): void {
  useEffect(() => subscribe({ events: onEvents }), [onEvents]);
}

/** Counts alert notices (fired or resolved): pass it as a reload key to re-read the alerts. */
export function useAlertsTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => subscribe({ alerts: () => setTick((t) => t + 1) }), []);
  return tick;
}
