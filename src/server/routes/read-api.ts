import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { messageTypes } from '../../contract/index.js';
import { listEvents, listImports, listQuarantine, listSources } from '../../ingest/index.js';
import type { ApiKeyVerifier } from '../../privacy/index.js';
import type { Store } from '../../store/index.js';
import { requireReadToken } from '../auth.js';
import { parseInput } from './parse-input.js';

export interface ReadApiDeps {
  store: Store;
  keys: ApiKeyVerifier;
  /** Token of the local CLI (data directory's server.json), accepted like a read token. */
  localToken: string;
}

export const EventsQuery = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    type: z.enum(messageTypes).optional(),
    event: z.string().optional(),
    userId: z.string().optional(),
    anonymousId: z.string().optional(),
  })
  .strict();


/** Parses a stored message column (JSON text) back into an object for the API. */
export const parseMessage = (message: unknown): unknown => (typeof message === 'string' ? JSON.parse(message) : message);

/** The read API under /api/v1: JSON shapes mirror the CLI's --json output. */
export function registerReadApi(app: FastifyInstance, deps: ReadApiDeps): void {
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/api/v1/')) await requireReadToken(deps.keys, request, deps.localToken);
  });

  app.get('/api/v1/events', async (request) => {
    const q = parseInput(EventsQuery, request.query);
    const rows = await listEvents(deps.store, {
      ...(q.after !== undefined ? { afterSeq: q.after } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.event ? { event: q.event } : {}),
      ...(q.userId ? { userId: q.userId } : {}),
      ...(q.anonymousId ? { anonymousId: q.anonymousId } : {}),
    });
    return { events: rows.map((r) => ({ seq: r.seq, source: r.source, message: parseMessage(r.message) })) };
  });

  app.get('/api/v1/sources', async (request) => {
    parseInput(z.object({}).strict(), request.query);
    return { sources: await listSources(deps.store) };
  });

  app.get('/api/v1/imports', async (request) => {
    const q = parseInput(z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }).strict(), request.query);
    return { imports: await listImports(deps.store, q.limit ?? 100) };
  });

  app.get('/api/v1/quarantine', async (request) => {
    const q = parseInput(z.object({ limit: z.coerce.number().int().min(1).max(10_000).optional(), source: z.string().min(1).optional(), code: z.string().min(1).optional() }).strict(), request.query);
    const rows = await listQuarantine(deps.store, q.limit ?? 100, { ...(q.source ? { source: q.source } : {}), ...(q.code ? { code: q.code } : {}) });
    return { rejected: rows };
  });
}
