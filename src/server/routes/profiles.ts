import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TesseraError, type WorkspaceConfig } from '../../contract/index.js';
import { explainProfile, readProfile, readTimeline, resolveCustomer, searchProfiles, type IdentityService } from '../../identity/index.js';
import { customerSegments } from '../../segments/index.js';
import type { Store } from '../../store/index.js';
import { parseInput } from './parse-input.js';

export interface ProfilesApiDeps {
  store: Store;
  identity: IdentityService;
  workspace: WorkspaceConfig;
}

// The read-token check of every /api/v1 route is the read API's onRequest hook (routes/read-api.ts).

const ListQuery = z
  .object({
    identifier: z.string().min(3).optional(),
    q: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();
const TimelineQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    before: z.string().optional(),
  })
  .strict();
const IdParams = z.object({ id: z.string().min(1) });


/** The single customer view over HTTP: the same JSON as `tessera profile|profiles search|identity explain --json`. */
export function registerProfilesApi(app: FastifyInstance, deps: ProfilesApiDeps): void {
  const { store, identity } = deps;

  app.get('/api/v1/profiles', async (request) => {
    const q = parseInput(ListQuery, request.query, 'query parameter');
    if (q.identifier !== undefined && q.q !== undefined) throw new TesseraError('invalid_argument', 'pass identifier=type:value or q=text, not both');
    if (q.identifier !== undefined) return readProfile(store, identity, q.identifier);
    if (q.q !== undefined) {
      await identity.refresh();
      return searchProfiles(store, deps.workspace, q.q, q.limit ?? 20);
    }
    throw new TesseraError('invalid_argument', 'pass identifier=type:value (e.g. email:ann@example.com) or q=text to search by name, email or phone');
  });

  app.get('/api/v1/profiles/:id', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path parameter');
    return readProfile(store, identity, id);
  });

  app.get('/api/v1/profiles/:id/timeline', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path parameter');
    const q = parseInput(TimelineQuery, request.query, 'query parameter');
    return readTimeline(store, identity, id, { ...(q.limit ? { limit: q.limit } : {}), ...(q.before ? { before: q.before } : {}) });
  });

  // The segments the customer is in now (as of the last membership refresh).
  app.get('/api/v1/profiles/:id/segments', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path parameter');
    await identity.refresh();
    const { customerId } = await resolveCustomer(store, identity, id);
    return { customer_id: customerId, segments: await customerSegments(store, customerId) };
  });

  app.get('/api/v1/profiles/:id/explain', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path parameter');
    return explainProfile(store, identity, id);
  });
}
