import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TesseraError, type WorkspaceConfig } from '../../contract/index.js';
import { deleteSegment, refreshMemberships, saveSegment, SegmentId } from '../../segments/index.js';
import type { Store } from '../../store/index.js';
import { parseInput } from './parse-input.js';

export interface SegmentWritesDeps {
  store: Store;
  workspace: WorkspaceConfig;
}

const SaveQuery = z.object({ replace: z.enum(['true', 'false']).optional() }).strict();

/**
 * Saving and removing rule segments over HTTP (the dashboard's builder), the same as `tessera
 * segments create FILE [--replace]`. A saved segment is evaluated at once, so its membership history
 * and size over time start the moment it exists. Behind the read token until roles land.
 */
export function registerSegmentWrites(app: FastifyInstance, deps: SegmentWritesDeps): void {
  app.post('/api/v1/segments', async (request, reply) => {
    const q = parseInput(SaveQuery, request.query);
    const { segment, replaced } = await saveSegment(deps.store, request.body, { replace: q.replace === 'true', howToReplace: 'send replace=true' });
    const [change] = await refreshMemberships(deps.store, deps.workspace, { id: segment.id });
    void reply.status(replaced ? 200 : 201);
    return { segment, replaced, customers: change?.members ?? 0 };
  });

  app.delete('/api/v1/segments/:id', async (request) => {
    const parsed = SegmentId.safeParse((request.params as { id?: unknown }).id);
    if (!parsed.success) throw new TesseraError('not_found', `no segment ${String((request.params as { id?: unknown }).id)}`);
    await deleteSegment(deps.store, parsed.data);
    return { deleted: parsed.data };
  });
}
