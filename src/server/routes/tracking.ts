import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError, messageTypes, type IngestConfig, type MessageType } from '../../contract/index.js';
import type { Ingestor } from '../../ingest/index.js';
import type { ApiKeyVerifier } from '../../privacy/index.js';
import { requireWriteKey } from '../auth.js';

export interface TrackingDeps {
  ingestor: Ingestor;
  keys: ApiKeyVerifier;
  config: IngestConfig;
}

function batchOf(body: unknown, max: number): unknown[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TesseraError('validation_failed', 'the body must be a JSON object');
  const batch = (body as { batch?: unknown }).batch;
  if (!Array.isArray(batch)) throw new TesseraError('validation_failed', 'batch must be an array of messages', { field: 'batch' });
  if (batch.length > max) {
    throw new TesseraError('batch_too_many_messages', `batch has ${batch.length} messages, over the limit of ${max} a batch`);
  }
  return batch;
}

/** Copies batch-level context onto each message, as Segment's batch endpoint does. */
function withBatchDefaults(messages: unknown[], body: unknown): unknown[] {
  const b = body as { context?: unknown; integrations?: unknown; sentAt?: unknown };
  if (b.context === undefined && b.integrations === undefined && b.sentAt === undefined) return messages;
  return messages.map((m) => {
    if (!m || typeof m !== 'object') return m;
    const msg = m as Record<string, unknown>;
    if (msg['context'] === undefined && b.context !== undefined) msg['context'] = b.context;
    if (msg['integrations'] === undefined && b.integrations !== undefined) msg['integrations'] = b.integrations;
    // Segment's SDKs stamp sentAt on the batch, not on each message; the clock-skew correction needs it.
    if (msg['sentAt'] === undefined && b.sentAt !== undefined) msg['sentAt'] = b.sentAt;
    return msg;
  });
}

/** The Segment HTTP Tracking API: `/v1/identify|track|page|screen|group|alias|batch` (and `/v1/import`). */
export function registerTracking(app: FastifyInstance, deps: TrackingDeps): void {
  // SDKs may compress bodies; the body limit then applies to the inflated bytes.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== 'gzip' && encoding !== 'deflate') return payload;
    const inflated = payload.pipe(encoding === 'gzip' ? createGunzip() : createInflate()) as unknown as Transform & { receivedEncodedLength: number };
    // Fastify checks Content-Length against this count of the bytes as they came over the wire.
    inflated.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
    return inflated;
  });

  const accept = async (request: FastifyRequest, messages: unknown[], location: string, impliedType?: MessageType) => {
    const key = await requireWriteKey(deps.keys, request);
    return deps.ingestor.accept(messages, { source: key.name, location, ...(impliedType ? { impliedType } : {}) });
  };

  for (const path of ['/v1/batch', '/v1/import']) {
    app.post(path, { bodyLimit: deps.config.maxBatchBytes }, async (request, reply) => {
      const messages = withBatchDefaults(batchOf(request.body, deps.config.maxBatchMessages), request.body);
      const result = await accept(request, messages, `http:${path}`);
      if (result.rejections.length === 0) return { success: true };
      if (result.accepted === 0) {
        const first = result.rejections[0];
        throw new TesseraError(
          'validation_failed',
          `every message of the batch was rejected; the first, at index ${first?.index}: ${first?.error.message}`,
          { errors: result.rejections },
        );
      }
      void reply.status(200);
      return { success: true, accepted: result.accepted, rejected: result.rejections.length, errors: result.rejections };
    });
  }

  for (const type of messageTypes) {
    const path = `/v1/${type}`;
    app.post(path, { bodyLimit: deps.config.maxMessageBytes }, async (request) => {
      const result = await accept(request, [request.body], `http:${path}`, type);
      const rejection = result.rejections[0];
      if (rejection) throw new TesseraError(rejection.error.code, rejection.error.message, rejection.error.field ? { field: rejection.error.field } : undefined);
      return { success: true };
    });
  }
}
