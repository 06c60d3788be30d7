import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TesseraError, type WorkspaceConfig } from '../../contract/index.js';
import {
  COHORT_BY,
  computeCohorts,
  computeRfm,
  computeSegmentRetention,
  readSegmentHistory,
  formatMembers,
  parseDay,
  previewRule,
  segmentMembersReport,
  segmentShowReport,
  segmentsListReport,
  SegmentId,
} from '../../segments/index.js';
import type { Store } from '../../store/index.js';
import { parseInput } from './parse-input.js';

export interface SegmentsApiDeps {
  store: Store;
  workspace: WorkspaceConfig;
}


const AsOfQuery = z.object({ as_of: z.string().optional() }).strict();
const RfmQuery = z.object({ as_of: z.string().optional(), customers: z.enum(['true', 'false']).optional() }).strict();
const CohortsQuery = z.object({ by: z.enum(COHORT_BY).optional() }).strict();
const MembersQuery = z
  .object({
    as_of: z.string().optional(),
    format: z.enum(['json', 'csv', 'ndjson']).optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict();

const idOf = (params: unknown): string => {
  const id = (params as { id?: unknown }).id;
  const parsed = SegmentId.safeParse(id);
  if (!parsed.success) throw new TesseraError('not_found', `no segment ${String(id)}`);
  return parsed.data;
};

const dayOf = (text: string | undefined) => (text === undefined ? undefined : parseDay(text, 'as_of'));

/**
 * RFM, cohorts and rule segments under /api/v1 (behind the read API's token check): the same
 * documents as `tessera rfm|cohorts|segments … --json`.
 */
export function registerSegmentsApi(app: FastifyInstance, deps: SegmentsApiDeps): void {
  app.get('/api/v1/rfm', async (request) => {
    const q = parseInput(RfmQuery, request.query);
    const asOf = dayOf(q.as_of);
    return computeRfm(deps.store, deps.workspace, { ...(asOf === undefined ? {} : { asOf }), withoutCustomers: q.customers === 'false' });
  });

  app.get('/api/v1/cohorts', async (request) => {
    const q = parseInput(CohortsQuery, request.query);
    return computeCohorts(deps.store, deps.workspace, q.by === undefined ? {} : { by: q.by });
  });

  app.get('/api/v1/segments', async (request) => {
    parseInput(z.object({}).strict(), request.query);
    return segmentsListReport(deps.store);
  });

  // Registered before /:id so that "retention" is never read as an id.
  app.get('/api/v1/segments/retention', async (request) => {
    const q = parseInput(AsOfQuery, request.query);
    return computeSegmentRetention(deps.store, deps.workspace, dayOf(q.as_of));
  });

  // Registered before /:id so that "preview" is never read as an id.
  app.post('/api/v1/segments/preview', async (request) => {
    const q = parseInput(AsOfQuery, request.query);
    return previewRule(deps.store, deps.workspace, request.body, dayOf(q.as_of));
  });

  app.get('/api/v1/segments/:id', async (request) => {
    const q = parseInput(AsOfQuery, request.query);
    return segmentShowReport(deps.store, deps.workspace, idOf(request.params), dayOf(q.as_of));
  });

  app.get('/api/v1/segments/:id/history', async (request) => {
    parseInput(z.object({}).strict(), request.query);
    return readSegmentHistory(deps.store, deps.workspace, idOf(request.params));
  });

  app.get('/api/v1/segments/:id/members', async (request, reply) => {
    const q = parseInput(MembersQuery, request.query);
    const day = dayOf(q.as_of);
    const report = await segmentMembersReport(deps.store, deps.workspace, idOf(request.params), {
      ...(day === undefined ? {} : { day }),
      ...(q.limit === undefined ? {} : { limit: q.limit }),
      ...(q.offset === undefined ? {} : { offset: q.offset }),
    });
    if (q.format === 'csv' || q.format === 'ndjson') {
      void reply.header('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      return formatMembers(report.members, q.format, true);
    }
    return report;
  });
}
