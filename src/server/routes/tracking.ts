import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError, messageTypes, type IngestConfig } from '../../contract/index.js';
import { messagesOfBody, parseTrackingJson, type Ingestor, type TrackingShape } from '../../ingest/index.js';
import type { ApiKeyVerifier } from '../../privacy/index.js';
import { basicWriteKey, requireWriteKey, verifyWriteKey, type WriteKeyInQuery } from '../auth.js';
import { inFlightLimit } from '../in-flight-limit.js';
import { registerBrowserSdkSettings } from './browser-sdk.js';

export interface TrackingDeps {
  ingestor: Ingestor;
  keys: ApiKeyVerifier;
  config: IngestConfig;
}

/** An IPv4 client of a dual-stack socket comes as `::ffff:1.2.3.4`; Segment records it as `1.2.3.4`. */
function clientAddress(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** A tracking body kept as its JSON text by the content parser, to be parsed where it is prepared. */
export class TrackingText {
  constructor(readonly text: string) {}
}

/**
 * The Segment HTTP Tracking API: `/v1/identify|track|page|screen|group|alias|batch` (and `/v1/import`), and the
 * one-letter paths Segment's browser SDK (analytics.js) posts to: `/v1/i|t|p|s|g|a`, and `/v1/b` for its batches.
 * A browser on another origin may send (CORS, `ingest.corsOrigins`): analytics.js sends `text/plain` with the
 * write key in the body, RudderStack's browser SDK JSON with a Basic header after a preflight, or, with its
 * `useBeacon` option, beacons to `/beacon/v1/batch?writeKey=…`.
 */
export async function registerTracking(app: FastifyInstance, deps: TrackingDeps): Promise<void> {
  // SDKs may compress bodies; the body limit then applies to the inflated bytes. Content codings are
  // case-insensitive (RFC 9110, 8.4.1); one we cannot undo is refused, never read as plain text.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const header = request.headers['content-encoding'];
    const encoding = header?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    // RFC 9110 has x-gzip mean gzip.
    const gzip = encoding === 'gzip' || encoding === 'x-gzip';
    if (!gzip && encoding !== 'deflate') {
      throw new TesseraError('unsupported_media_type', `content encoding ${JSON.stringify(header)} is not supported: send gzip, deflate or an uncompressed body`);
    }
    const inflated = payload.pipe(gzip ? createGunzip() : createInflate()) as unknown as Transform & { receivedEncodedLength: number };
    // Fastify checks Content-Length against this count of the bytes as they came over the wire.
    inflated.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
    return inflated;
  });

  /**
   * The key is established and checked before anything in the body is judged: without a valid one, a request gets
   * 401 whatever its body holds. With the key in the Basic header (every Segment and RudderStack SDK), the body's
   * text goes straight to the ingestor, which parses it (in a worker thread when large). A key sent as `writeKey`
   * in the body (analytics.js), or in the query (beacons), needs the body parsed here first: once, as the
   * ingestor then takes the parsed messages.
   */
  const accept = async (request: FastifyRequest, shape: TrackingShape, location: string) => {
    const impliedType = shape.kind === 'single' ? shape.type : undefined;
    const options = { location, ...(impliedType ? { impliedType } : {}), ...(deps.config.recordIp ? { ip: clientAddress(request.ip) } : {}) };
    const body = request.body;
    const basicKey = basicWriteKey(request);
    if (body instanceof TrackingText && basicKey) {
      const key = await verifyWriteKey(deps.keys, basicKey);
      return deps.ingestor.acceptBody(body.text, shape, { ...options, source: key.name });
    }
    let invalidJson: TesseraError | undefined;
    if (body instanceof TrackingText) {
      try {
        request.body = parseTrackingJson(body.text);
      } catch (err) {
        // A body that is not JSON holds no key: the 401 for that comes first.
        invalidJson = err instanceof TesseraError ? err : new TesseraError('invalid_json', String(err));
        request.body = undefined;
      }
    }
    const key = await requireWriteKey(deps.keys, request);
    if (invalidJson) throw invalidJson;
    const messages = messagesOfBody(request.body, shape);
    return deps.ingestor.accept(messages, { ...options, source: key.name });
  };

  // One limit for every tracking route: what it bounds is the server's memory.
  const admit = inFlightLimit(deps.config.maxInFlightBytes);
  const origins = deps.config.corsOrigins;

  // Registered in each scope before its routes, so its hook runs before theirs: a refusal (401, 413, 503)
  // reaches the page as itself, not as a CORS failure.
  // A 429's Retry-After is what analytics.js waits before it sends again; a page on another origin sees only
  // the headers the answer lists here.
  const corsOptions = { origin: origins.includes('*') ? '*' : origins, methods: ['POST'], maxAge: 86_400, exposedHeaders: ['Retry-After'] };

  const batchRoute = (scope: FastifyInstance, name: string, config: WriteKeyInQuery = {}) => {
    const path = `${scope.prefix}/${name}`;
    scope.post(`/${name}`, { bodyLimit: deps.config.maxBatchBytes, onRequest: admit, config }, async (request, reply) => {
      const result = await accept(request, { kind: 'batch', maxMessages: deps.config.maxBatchMessages }, `http:${path}`);
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
  };

  // RudderStack's browser SDK with `useBeacon` sends its batches with navigator.sendBeacon, the key in the URL.
  await app.register(
    async (beacon) => {
      await beacon.register(cors, corsOptions);
      batchRoute(beacon, 'batch', { writeKeyInQuery: true });
    },
    { prefix: '/beacon/v1' },
  );

  await app.register(
    async (v1) => {
      await v1.register(cors, corsOptions);
      for (const name of ['batch', 'import', 'b']) batchRoute(v1, name);
      // In this scope so that pages on other origins can read them.
      registerBrowserSdkSettings(v1, deps.keys);

      for (const type of messageTypes) {
        for (const name of [type, type.charAt(0)]) {
          const path = `${v1.prefix}/${name}`;
          v1.post(`/${name}`, { bodyLimit: deps.config.maxMessageBytes, onRequest: admit }, async (request) => {
            const result = await accept(request, { kind: 'single', type }, `http:${path}`);
            const rejection = result.rejections[0];
            if (rejection) throw new TesseraError(rejection.error.code, rejection.error.message, rejection.error.field ? { field: rejection.error.field } : undefined);
            return { success: true };
          });
        }
      }
    },
    { prefix: '/v1' },
  );
}
