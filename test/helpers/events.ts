// Reading stored events back through the read API, and waiting until what was acknowledged is queryable
// (acknowledged messages reach the store through a background loader, a little after their 200).

import type { FastifyInstance } from 'fastify';

/** A message as the read API returns it (`GET /api/v1/events`). */
export interface StoredEvent {
  seq: number;
  source: string;
  message: StoredMessage;
}

export interface StoredMessage {
  type: string;
  messageId: string;
  timestamp: string;
  receivedAt: string;
  originalTimestamp?: string;
  sentAt?: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  groupId?: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** Every stored event, oldest first. */
export type EventReader = () => Promise<StoredEvent[]>;

const pageSize = 10_000;

/** Pages through `GET /api/v1/events?after=` until the end, with any `get(path)` that returns the JSON body. */
async function readAllPages(get: (path: string) => Promise<{ status: number; body: unknown }>): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const { status, body } = await get(`/api/v1/events?after=${after}&limit=${pageSize}`);
    if (status !== 200) throw new Error(`GET /api/v1/events answered ${status}: ${JSON.stringify(body)}`);
    const page = (body as { events: StoredEvent[] }).events;
    all.push(...page);
    const last = page.at(-1);
    if (page.length < pageSize || !last) return all;
    after = last.seq;
  }
}

/** Reads events from a server over HTTP with a read token. */
export function httpEventReader(url: string, readKey: string): EventReader {
  return () =>
    readAllPages(async (path) => {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${readKey}` } });
      return { status: response.status, body: await response.json() };
    });
}

/** Reads events from an in-process app with `inject`. */
export function injectEventReader(app: FastifyInstance, readKey: string): EventReader {
  return () =>
    readAllPages(async (path) => {
      const response = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${readKey}` } });
      return { status: response.statusCode, body: response.json() };
    });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until at least `count` events are queryable; returns them all. */
export function waitForEvents(read: EventReader, count: number, timeoutMs = 15_000): Promise<StoredEvent[]> {
  let seen = 0;
  return waitFor(
    async () => {
      const events = await read();
      seen = events.length;
      return events.length >= count ? events : undefined;
    },
    `${count} events`,
    timeoutMs,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; last saw ${seen}`);
  });
}

/** Waits until every listed messageId is queryable; returns all events. */
export function waitForMessageIds(read: EventReader, ids: Iterable<string>, timeoutMs = 15_000): Promise<StoredEvent[]> {
  const wanted = new Set(ids);
  let missing = wanted.size;
  return waitFor(
    async () => {
      const events = await read();
      const present = new Set(events.map((e) => e.message.messageId));
      missing = [...wanted].filter((id) => !present.has(id)).length;
      return missing === 0 ? events : undefined;
    },
    `${wanted.size} message ids`,
    timeoutMs,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; ${missing} still missing`);
  });
}

/** How many times each messageId is stored. */
export function countByMessageId(events: readonly StoredEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.message.messageId, (counts.get(e.message.messageId) ?? 0) + 1);
  return counts;
}
